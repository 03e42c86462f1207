"""Direcciones de la gestión: personas y cuentas (se incluyen en gestion/urls.py)."""

from django.urls import path

from . import vistas_personas as v

urlpatterns = [
    path("<slug:slug>/personas/", v.inicio, name="personas"),
    path("<slug:slug>/personas/invitar/", v.invitar, name="invitar"),
    path("<slug:slug>/personas/cuentas/<int:pk>/", v.papel, name="papel"),
    path("<slug:slug>/personas/cuentas/<int:pk>/baja/", v.baja, name="baja"),
    path("<slug:slug>/personas/cuentas/<int:pk>/reactivar/", v.alta, name="reactivar"),
    path("<slug:slug>/personas/invitaciones/<int:pk>/reenviar/", v.reenviar, name="reenviar"),
    path("<slug:slug>/personas/instituciones/", v.instituciones, name="instituciones"),
    path("<slug:slug>/personas/instituciones/nueva/", v.institucion, name="nueva_institucion"),
    path("<slug:slug>/personas/instituciones/<int:pk>/", v.institucion, name="institucion"),
    path("<slug:slug>/personas/instituciones/<int:pk>/borrar/", v.borrar_institucion, name="borrar_institucion"),
    path("<slug:slug>/personas/funcionarias/", v.lista_personas, name="lista_personas"),
    path("<slug:slug>/personas/funcionarias/nueva/", v.persona, name="nueva_persona"),
    path("<slug:slug>/personas/funcionarias/<int:pk>/", v.persona, name="persona"),
    path("<slug:slug>/personas/funcionarias/<int:pk>/borrar/", v.borrar_persona, name="borrar_persona"),
    path("<slug:slug>/personas/representantes/", v.representantes, name="representantes"),
    path(
        "<slug:slug>/personas/representantes/<clave_compromiso:clave>/",
        v.representantes_del_compromiso,
        name="representantes_del_compromiso",
    ),
]
