"""Direcciones de la gestión: estructura del plan (se incluyen en gestion/urls.py).

Los datos del plan (nombre, vigencia, STL, licencia) están en ``estructura/plan/``. Las claves
son las que ve la ciudadanía: ``ejes/1/``, ``compromisos/1.5/``, ``acciones/1.5.3/``.
El retiro de compromisos y acciones (``…/retirar/``) está en ``urls_retiro.py``. Los
convertidores ``clave_compromiso`` y ``clave_accion`` los registra ``gestion/urls.py`` al
importar ``plan.convertidores``, antes de incluir este módulo.
"""

from django.urls import path

from . import vistas_estructura as vistas

base = "<slug:slug>/estructura/"
eje = base + "ejes/<int:numero>/"
compromiso = base + "compromisos/<clave_compromiso:clave>/"
accion = base + "acciones/<clave_accion:clave>/"

urlpatterns = [
    path(base, vistas.estructura_del_plan, name="estructura"),
    path(base + "plan/", vistas.plan_datos, name="plan_datos"),
    path(base + "ejes/nuevo/", vistas.eje_nuevo, name="eje_nuevo"),
    path(eje, vistas.eje, name="eje"),
    path(eje + "borrar/", vistas.eje_borrar, name="eje_borrar"),
    path(eje + "compromisos/nuevo/", vistas.compromiso_nuevo, name="compromiso_nuevo"),
    path(compromiso, vistas.compromiso, name="compromiso"),
    path(compromiso + "borrar/", vistas.compromiso_borrar, name="compromiso_borrar"),
    path(compromiso + "acciones/nueva/", vistas.accion_nueva, name="accion_nueva"),
    path(accion, vistas.accion, name="accion"),
    path(accion + "borrar/", vistas.accion_borrar, name="accion_borrar"),
]
