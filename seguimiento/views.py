"""Descarga de archivos de evidencia: pública si su avance está publicado, privada si no."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .archivos import mime_guardado, nombre_de_descarga
from .models import Avance, Evidencia, Periodo
from .permisos import acceso_al_plan


def _publicada(evidencia: Evidencia) -> bool:
    return (
        evidencia.retirada_en is None
        and evidencia.avance.estado == Avance.Estado.VALIDADO
        and evidencia.avance.periodo.estado == Periodo.Estado.PUBLICADO
    )


def evidencia(request, pk):
    """Archivo de evidencia, siempre como descarga.

    La ciudadanía solo lo obtiene si su avance está validado y su periodo publicado y la
    evidencia no se retiró del avance (lo retirado se conserva, no se publica); en
    cualquier otro caso (borrador, enviado, devuelto, periodo sin publicar) solo quien puede
    ver ese avance en su trabajo (su institución, el STL) lo descarga, con ``Cache-Control:
    private``; para los demás es 404, como si no existiera. Se entrega como adjunto con el
    tipo detectado al subirlo, ``X-Content-Type-Options: nosniff`` y una CSP que lo aísla:
    el navegador nunca lo interpreta como página. El nombre de la descarga es el que le dio la
    persona, limpio y con la extensión de ese tipo («acta.html» que es un PDF baja como
    «acta.pdf»), también para lo subido antes de que se revisara así.
    """
    evidencia = get_object_or_404(
        Evidencia.objects.select_related(
            "avance__periodo__plan", "avance__accion__compromiso"
        ).exclude(archivo=""),
        pk=pk,
    )
    publica = _publicada(evidencia)
    if not publica:
        acceso = acceso_al_plan(request.user, evidencia.avance.periodo.plan)
        if acceso is None or not acceso.ve_institucion(
            evidencia.avance.accion.compromiso.institucion_responsable_id
        ):
            raise Http404(_("No existe esa evidencia publicada."))
    try:
        archivo = evidencia.archivo.open("rb")
    except FileNotFoundError:
        raise Http404(_("El archivo de esta evidencia no está disponible.")) from None
    respuesta = FileResponse(
        archivo,
        as_attachment=True,
        filename=nombre_de_descarga(evidencia.nombre_original, evidencia.archivo.name),
        content_type=mime_guardado(evidencia.archivo.name),
    )
    respuesta["X-Content-Type-Options"] = "nosniff"
    respuesta["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not publica:
        patch_cache_control(respuesta, private=True, no_store=True)
    return respuesta
