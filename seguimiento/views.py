"""Vistas públicas del seguimiento: descarga de evidencias publicadas."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .archivos import mime_guardado
from .models import Evidencia, Periodo


def evidencia(request, pk):
    """Archivo de evidencia de un avance publicado, siempre como descarga.

    Solo existe para la ciudadanía si su avance está validado y su periodo publicado;
    cualquier otro caso (borrador, enviado, devuelto, periodo sin publicar, evidencia que
    es un enlace) responde 404. Se entrega como adjunto con el tipo detectado al subirlo y
    ``X-Content-Type-Options: nosniff``: el navegador nunca lo interpreta como página.
    """
    evidencia = get_object_or_404(
        Evidencia.objects.select_related("avance__periodo").exclude(archivo=""),
        pk=pk,
        avance__estado="validado",
        avance__periodo__estado=Periodo.Estado.PUBLICADO,
    )
    try:
        archivo = evidencia.archivo.open("rb")
    except FileNotFoundError:
        raise Http404(_("El archivo de esta evidencia no está disponible.")) from None
    tipo = mime_guardado(evidencia.archivo.name)
    nombre = evidencia.nombre_original or evidencia.archivo.name.rsplit("/", 1)[-1]
    respuesta = FileResponse(archivo, as_attachment=True, filename=nombre, content_type=tipo)
    respuesta["X-Content-Type-Options"] = "nosniff"
    respuesta["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return respuesta
