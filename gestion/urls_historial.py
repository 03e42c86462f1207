"""Direcciones de la gestión: historial (se incluyen en gestion/urls.py).

``/trabajo/<plan>/historial/``; el de un solo elemento, con ``?elemento=accion:1.5.3`` (también
``compromiso:2.1``, ``eje:3``, ``periodo:<slug>`` o ``plan``), para el enlace «Historial» de otras
páginas."""

from django.urls import path

from . import vistas_historial

urlpatterns = [
    path("<slug:slug>/historial/", vistas_historial.historial_del_plan, name="historial"),
]
