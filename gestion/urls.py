"""La gestión del plan, bajo ``/trabajo/`` (se incluye antes que ``seguimiento.trabajo_urls``).

Cada parte tiene su módulo de direcciones; todas comparten el espacio de nombres ``gestion``.
``planes`` y ``nuevo`` no pueden ser el identificador de un plan (lo impide el formulario de
plan nuevo): ``/trabajo/planes/…`` es la creación de planes.
"""

from django.urls import include, path

import plan.convertidores  # noqa: F401  (registra clave_accion y clave_compromiso)

app_name = "gestion"

urlpatterns = [
    path("", include("gestion.urls_planes")),
    path("", include("gestion.urls_estructura")),
    path("", include("gestion.urls_retiro")),
    path("", include("gestion.urls_personas")),
    path("", include("gestion.urls_historial")),
]
