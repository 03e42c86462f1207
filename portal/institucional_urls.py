from django.urls import path

from . import institucional

app_name = "portal"

urlpatterns = [
    path("stl/", institucional.stl_vigente, name="stl_vigente"),
    path("planes/<slug:slug>/stl/", institucional.stl, name="stl"),
    path("glosario/", institucional.glosario, name="glosario"),
    path("accesibilidad/", institucional.accesibilidad, name="accesibilidad"),
    path("privacidad/", institucional.privacidad, name="privacidad"),
]
