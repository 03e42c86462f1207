"""Informes publicados: ``/informes/`` y la dirección permanente de cada versión."""

from django.urls import path

from . import informes_views as vistas

app_name = "informes"

version = "<slug:slug>/<int:numero>/v<int:version>/"

urlpatterns = [
    path("", vistas.lista, name="lista"),
    path("<slug:slug>/<int:numero>/", vistas.vigente, name="vigente"),
    path(version, vistas.version, name="version"),
    path(version + "<slug:nombre>.<str:extension>", vistas.archivo, name="archivo"),
]
