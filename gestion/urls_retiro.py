"""Direcciones de la gestión: retiro de compromisos y acciones (se incluyen en ``gestion/urls.py``).

El editor de la estructura (``…/estructura/``) enlaza a estas direcciones.
"""

from django.urls import path

from . import vistas_retiro

compromiso = "<slug:slug>/estructura/compromisos/<clave_compromiso:clave>/"
accion = "<slug:slug>/estructura/acciones/<clave_accion:clave>/"

urlpatterns = [
    path(compromiso + "retirar/", vistas_retiro.retirar_compromiso, name="retirar_compromiso"),
    path(compromiso + "restituir/", vistas_retiro.restituir_compromiso, name="restituir_compromiso"),
    path(accion + "retirar/", vistas_retiro.retirar_accion, name="retirar_accion"),
    path(accion + "restituir/", vistas_retiro.restituir_accion, name="restituir_accion"),
]
