from django.urls import path

from seguimiento.publicacion import pagina_publica

from . import compartir, views
from .novedades import NovedadesDelCompromiso, NovedadesDelPlan

#: El convertidor «compromiso» lo registra ``portal.urls``, que se incluye antes.
app_name = "suscripciones"

urlpatterns = [
    path("planes/<slug:slug>/seguir/", views.seguir_plan, name="seguir_plan"),
    path("planes/<slug:slug>/compromisos/<compromiso:clave>/seguir/", views.seguir_compromiso, name="seguir_compromiso"),
    path("planes/<slug:slug>/novedades.atom", pagina_publica(NovedadesDelPlan.vista()), name="novedades_plan"),
    path(
        "planes/<slug:slug>/compromisos/<compromiso:clave>/novedades.atom",
        pagina_publica(NovedadesDelCompromiso.vista()),
        name="novedades_compromiso",
    ),
    path("planes/<slug:slug>/widget.svg", compartir.widget, name="widget_plan"),
    path("planes/<slug:slug>/compromisos/<compromiso:clave>/widget.svg", compartir.widget, name="widget_compromiso"),
    path("planes/<slug:slug>/insertar/", compartir.insertar, name="insertar_plan"),
    path("planes/<slug:slug>/compromisos/<compromiso:clave>/insertar/", compartir.insertar, name="insertar_compromiso"),
    path("suscripciones/revise-su-correo/", views.revise_su_correo, name="revise_su_correo"),
    path("suscripciones/confirmar/<str:token>/", views.confirmar, name="confirmar"),
    path("suscripciones/baja/<str:token>/", views.baja, name="baja"),
    path("suscripciones/borrar/", views.borrar, name="borrar"),
    path("suscripciones/borrar/<str:token>/", views.borrar_confirmar, name="borrar_confirmar"),
]
