"""Direcciones de la gestión: planes (se incluyen en gestion/urls.py)."""

from django.urls import path

from . import vistas_planes

urlpatterns = [
    path("planes/nuevo/", vistas_planes.plan_nuevo, name="plan_nuevo"),
    path("planes/plantilla.xlsx", vistas_planes.plantilla, name="plan_plantilla"),
    path("planes/importar/", vistas_planes.importar, name="plan_importar"),
    path("planes/importar/<str:token>/", vistas_planes.vista_previa, name="plan_importar_vista_previa"),
    path("planes/importar/<str:token>/confirmar/", vistas_planes.confirmar, name="plan_importar_confirmar"),
    path("<slug:slug>/estructura.xlsx", vistas_planes.estructura, name="plan_estructura"),
]
