from django.urls import path

from . import consulta

app_name = "consulta"

urlpatterns = [
    path("instituciones/", consulta.instituciones, name="instituciones"),
    path("instituciones/<int:pk>/", consulta.institucion, name="institucion"),
    path("ods/", consulta.ods, name="ods"),
    path("buscar/", consulta.buscar, name="buscar"),
]
