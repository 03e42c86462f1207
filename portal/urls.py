from django.urls import path, register_converter

from . import views
from plan.convertidores import ClaveAccion, ClaveCompromiso

app_name = "plan"

register_converter(ClaveCompromiso, "compromiso")
register_converter(ClaveAccion, "accion")

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("planes/<slug:slug>/", views.plan_detalle, name="plan"),
    path("planes/<slug:slug>/como-se-calcula/", views.calculo, name="calculo"),
    path("planes/<slug:slug>/ejes/<int:numero>/", views.eje, name="eje"),
    path("planes/<slug:slug>/compromisos/<compromiso:clave>/", views.compromiso, name="compromiso"),
    path("planes/<slug:slug>/acciones/<accion:clave>/", views.accion, name="accion"),
]
