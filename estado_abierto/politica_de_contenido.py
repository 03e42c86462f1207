"""Content-Security-Policy de cada página HTML, con django-csp.

El portal y el trabajo del STL llevan ``settings.CONTENT_SECURITY_POLICY`` (sin JavaScript ni
estilos en línea); el admin de Django, bajo su prefijo, ``settings.POLITICA_DE_CONTENIDO_ADMIN``
(sus propios scripts). Una respuesta que ya trae su política la conserva (la descarga de una
evidencia lleva ``sandbox``). Los archivos (PDF, XLSX, CSV, JSON) no son páginas: no llevan
política, y el visor de PDF del navegador los abre como siempre.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


class PoliticaDeContenido(CSPMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        partes = super().get_policy_parts(request, response, report_only)
        if not report_only and partes.config is None and request.path_info.startswith(reverse("admin:index")):
            partes.config = settings.POLITICA_DE_CONTENIDO_ADMIN["DIRECTIVES"]
        return partes
