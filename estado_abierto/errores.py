"""Páginas de error propias: la falla de CSRF (``CSRF_FAILURE_VIEW``) y el error del servidor
(``handler500``), en español y sin detalles internos."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader

log = logging.getLogger(__name__)

#: Lo que se responde si ni la plantilla del error 500 se puede mostrar.
_ERROR_500_MINIMO = (
    '<!doctype html><html lang="es-MX"><head><meta charset="utf-8"><title>Error del servidor · Estado Abierto'
    "</title></head><body><h1>Ocurrió un error en el servidor</h1><p>No es un problema de su parte. Intente de "
    'nuevo en unos minutos.</p><p><a href="/">Ir al inicio</a></p></body></html>'
)


def csrf_fallido(request, reason=""):
    """403 cuando un formulario llega sin su comprobación de CSRF válida (``reason`` es la causa
    en inglés de Django: se anota en el registro y no se muestra)."""
    log.warning("Formulario rechazado por CSRF en %s: %s", request.path, reason)
    contexto = {"sin_cookie": reason == REASON_NO_CSRF_COOKIE}
    try:
        return render(request, "403_csrf.html", contexto, status=403)
    except Exception:
        log.exception("No se pudo mostrar la página de CSRF")
        return HttpResponseForbidden("Formulario vencido: recargue la página y envíelo de nuevo.")


def error_del_servidor(request):
    """500 que dice si el equipo recibió un aviso (solo si ``ADMINS`` tiene a quién avisar).

    Se muestra sin el contexto de la petición (ni sesión ni base de datos, que pueden ser lo que
    falló), y si ni así se puede, con un HTML mínimo: esta vista nunca falla.
    """
    try:
        contenido = loader.get_template("500.html").render({"equipo_avisado": bool(settings.ADMINS)})
    except Exception:
        log.exception("No se pudo mostrar la plantilla 500.html")
        contenido = _ERROR_500_MINIMO
    return HttpResponseServerError(contenido)
