"""El enlace de una invitación: ``/cuentas/invitacion/<uidb64>/<token>/`` (se incluye en
``estado_abierto/urls.py``)."""

from django.urls import path

from . import vistas_invitacion

app_name = "invitacion"

urlpatterns = [
    path("<uidb64>/<token>/", vistas_invitacion.aceptar, name="aceptar"),
]
