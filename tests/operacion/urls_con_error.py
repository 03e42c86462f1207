"""Las direcciones del portal y una que falla, para la prueba de Sentry (tests/operacion/test_registro.py)."""

from django.urls import path

from estado_abierto.urls import handler500, urlpatterns as del_portal

__all__ = ["handler500", "urlpatterns"]


def falla(request):
    raise RuntimeError("Error a propósito para Sentry")


urlpatterns = [path("falla", falla), *del_portal]
