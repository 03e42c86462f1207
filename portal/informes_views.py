"""Informes publicados, para la ciudadanía: la lista, la página permanente de cada versión y
sus archivos congelados (PDF y XLSX), con su SHA-256.

Solo se muestran informes publicados y congelados. Un borrador no existe para el público (404).
Cada versión tiene su propia dirección, que no cambia: una corrección agrega una versión y la
anterior sigue disponible, marcada como corregida.
"""

import base64
import hashlib
import io
import logging

from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from seguimiento import almacenamiento
from seguimiento.fechas_publicas import ultima_actualizacion
from seguimiento.informes import claves_que_difieren
from seguimiento.models import Informe
from seguimiento.publicacion import pagina_publica

registro = logging.getLogger(__name__)

#: (extensión, campo del archivo, campo de la huella, tipo MIME, ¿se abre en el navegador?)
FORMATOS = {
    "pdf": ("pdf", "pdf_sha256", "application/pdf", True),
    "xlsx": (
        "xlsx",
        "xlsx_sha256",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        False,
    ),
}


def _publicados():
    return Informe.objects.congelados().select_related("plan")


def _versiones_por_informe(informes):
    """[(plan, [[v3, v2, v1] de cada número]), …]: la vigente primero."""
    planes = {}
    for informe in informes:
        planes.setdefault(informe.plan, {}).setdefault(informe.numero, []).append(informe)
    resultado = []
    for plan, numeros in planes.items():
        grupos = []
        for numero in sorted(numeros, reverse=True):
            grupos.append(sorted(numeros[numero], key=lambda i: i.version, reverse=True))
        resultado.append((plan, grupos))
    return resultado


@pagina_publica
def lista(request):
    """Todos los informes publicados, por plan (dos consultas: la versión publicada y los informes)."""
    informes = list(_publicados().order_by("-plan__anio_inicio", "plan__nombre", "-numero", "-version"))
    return render(
        request,
        "informes/lista.html",
        {"planes": _versiones_por_informe(informes), "ultima_actualizacion": ultima_actualizacion(informes=informes)},
    )


def _version(slug, numero, version):
    try:
        return _publicados().select_related("periodo_inicial", "periodo_final").get(
            plan__slug=slug, numero=numero, version=version
        )
    except Informe.DoesNotExist:
        raise Http404(_("No existe ese informe publicado.")) from None


def vigente(request, slug, numero):
    """La dirección del informe sin versión lleva a su versión vigente (la más reciente)."""
    informe = _publicados().filter(plan__slug=slug, numero=numero).order_by("-version").first()
    if informe is None:
        raise Http404(_("No existe ese informe publicado."))
    return redirect("informes:version", slug=slug, numero=numero, version=informe.version)


@pagina_publica
def version(request, slug, numero, version):
    informe = _version(slug, numero, version)
    versiones = list(_publicados().filter(plan=informe.plan, numero=numero).order_by("-version"))
    vigente = versiones[0]
    corregida_por = next((v for v in reversed(versiones) if v.version > informe.version), None)
    contenido = informe.contenido
    return render(
        request,
        "informes/version.html",
        {
            "informe": informe,
            "c": contenido,
            "difieren": claves_que_difieren(contenido),
            "versiones": versiones,
            "vigente": vigente,
            "corregida_por": corregida_por,
            "archivos": [
                {
                    "formato": "PDF",
                    "nombre": informe.nombre_de_archivo("pdf"),
                    "tamano": almacenamiento.tamano(informe.pdf),
                    "sha256": informe.pdf_sha256,
                    "url": informe.url_pdf,
                },
                {
                    "formato": "XLSX",
                    "nombre": informe.nombre_de_archivo("xlsx"),
                    "tamano": almacenamiento.tamano(informe.xlsx),
                    "sha256": informe.xlsx_sha256,
                    "url": informe.url_xlsx,
                },
            ],
        },
    )


def archivo(request, slug, numero, version, nombre, extension):
    """El archivo congelado, byte por byte como se publicó.

    Se lee del almacenamiento (disco o bucket S3) y antes de entregarlo se comprueba que su
    SHA-256 sea la publicada; si el archivo guardado no coincide, no se sirve (500) y queda en
    la bitácora. Nunca cambia: caché de un año.
    """
    if extension not in FORMATOS:
        raise Http404(_("Formato desconocido: use .pdf o .xlsx."))
    campo, campo_huella, tipo, en_linea = FORMATOS[extension]
    informe = _version(slug, numero, version)
    if f"{nombre}.{extension}" != informe.nombre_de_archivo(extension):
        raise Http404(_("No existe ese archivo; use el enlace de la página del informe."))
    try:
        with getattr(informe, campo).open("rb") as archivo_guardado:
            datos = archivo_guardado.read()
    except FileNotFoundError:
        registro.error("Falta el archivo %s del informe %s", campo, informe.pk)
        raise Http404(_("El archivo de este informe no está disponible.")) from None
    huella = getattr(informe, campo_huella)
    if hashlib.sha256(datos).hexdigest() != huella:
        registro.error("El %s del informe %s no coincide con su SHA-256 publicada", campo, informe.pk)
        return HttpResponseServerError(
            _("El archivo guardado no coincide con la huella SHA-256 publicada; el STL fue avisado."),
            content_type="text/plain; charset=utf-8",
        )
    respuesta = FileResponse(
        io.BytesIO(datos),
        as_attachment=not en_linea,
        filename=informe.nombre_de_archivo(extension),
        content_type=tipo,
    )
    respuesta["X-Content-Type-Options"] = "nosniff"
    respuesta["ETag"] = f'"{huella}"'
    # RFC 9530: la huella de los bytes entregados, en base64.
    respuesta["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(huella)).decode()}:"
    patch_cache_control(respuesta, public=True, max_age=365 * 24 * 3600, immutable=True)
    return respuesta
