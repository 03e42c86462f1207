"""Descarga de archivos de evidencia: pública si su avance (o, si es de un compromiso, ella
misma) está publicado, privada si no."""

import logging

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .archivos import mime_guardado, nombre_de_descarga
from .models import Evidencia
from .permisos import acceso_al_plan

registro = logging.getLogger(__name__)


def _plan_e_institucion(evidencia: Evidencia):
    """El plan y la institución responsable del dueño de la evidencia (su avance o su compromiso)."""
    if evidencia.avance_id is None:
        return evidencia.periodo.plan, evidencia.compromiso.institucion_responsable_id
    return evidencia.avance.periodo.plan, evidencia.avance.accion.compromiso.institucion_responsable_id


def evidencia(request, pk):
    """Archivo de evidencia, siempre como descarga.

    La ciudadanía solo lo obtiene si su avance está validado y su periodo publicado (si es de
    un compromiso: si ella está validada y su periodo publicado) y la evidencia no se retiró
    (lo retirado se conserva, no se publica); en cualquier otro caso (borrador, enviado,
    devuelto, periodo sin publicar) solo quien puede ver su avance o su compromiso en su
    trabajo (su institución, el STL) lo descarga, con ``Cache-Control:
    private``; para los demás es 404, como si no existiera. Se entrega como adjunto con el
    tipo detectado al subirlo, ``X-Content-Type-Options: nosniff`` y una CSP que lo aísla:
    el navegador nunca lo interpreta como página. El nombre de la descarga es el que le dio la
    persona, limpio y con la extensión de ese tipo («acta.html» que es un PDF baja como
    «acta.pdf»), también para lo subido antes de que se revisara así. El archivo se lee del
    almacenamiento (disco o bucket S3) y lo entrega el portal: nunca una redirección al bucket
    (``seguimiento/almacenamiento.py``).
    """
    evidencia = get_object_or_404(
        Evidencia.objects.select_related(
            "avance__periodo__plan", "avance__accion__compromiso", "periodo__plan", "compromiso"
        ).exclude(archivo=""),
        pk=pk,
    )
    publica = evidencia.publicada
    if not publica:
        plan, institucion_id = _plan_e_institucion(evidencia)
        acceso = acceso_al_plan(request.user, plan)
        if acceso is None or not acceso.ve_institucion(institucion_id):
            raise Http404(_("No existe esa evidencia publicada."))
    try:
        archivo = evidencia.archivo.open("rb")
    except FileNotFoundError:
        registro.error("Falta el archivo %s de la evidencia %s", evidencia.archivo.name, evidencia.pk)
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
