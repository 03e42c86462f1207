"""Revisión de archivos de evidencia por su contenido (nunca por su nombre).

Se aceptan PDF, imágenes (PNG, JPEG, GIF, WebP), documentos de Office (Word, Excel,
PowerPoint; OOXML y el formato binario antiguo), OpenDocument y CSV. Cualquier otro tipo —
en particular HTML o SVG disfrazados con otra extensión— se rechaza con un mensaje
en español que nombra el archivo. El tamaño máximo sale de la configuración
(``EVIDENCIA_TAMANO_MAXIMO_MB``) y un ZIP de Office que se descomprime en exceso
(una «bomba zip») también se rechaza.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Límites de descompresión de documentos OOXML/OpenDocument.
MAXIMO_DESCOMPRIMIDO = 200 * 1024 * 1024
MAXIMA_PROPORCION = 100
MAXIMO_MIEMBROS = 5000

_MARCADO = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I)


@dataclass(frozen=True)
class TipoArchivo:
    nombre: str
    extension: str
    mime: str


PDF = TipoArchivo("PDF", ".pdf", "application/pdf")
PNG = TipoArchivo("imagen PNG", ".png", "image/png")
JPEG = TipoArchivo("imagen JPEG", ".jpg", "image/jpeg")
GIF = TipoArchivo("imagen GIF", ".gif", "image/gif")
WEBP = TipoArchivo("imagen WebP", ".webp", "image/webp")
DOCX = TipoArchivo("documento de Word", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = TipoArchivo("hoja de Excel", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = TipoArchivo("presentación de PowerPoint", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODT = TipoArchivo("documento OpenDocument", ".odt", "application/vnd.oasis.opendocument.text")
ODS = TipoArchivo("hoja OpenDocument", ".ods", "application/vnd.oasis.opendocument.spreadsheet")
ODP = TipoArchivo("presentación OpenDocument", ".odp", "application/vnd.oasis.opendocument.presentation")
CSV = TipoArchivo("CSV", ".csv", "text/csv")
_OLE = {
    ".doc": TipoArchivo("documento de Word (formato antiguo)", ".doc", "application/msword"),
    ".xls": TipoArchivo("hoja de Excel (formato antiguo)", ".xls", "application/vnd.ms-excel"),
    ".ppt": TipoArchivo("presentación de PowerPoint (formato antiguo)", ".ppt", "application/vnd.ms-powerpoint"),
}
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_POR_EXTENSION = {
    tipo.extension: tipo
    for tipo in [PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV, *_OLE.values()]
}


def mime_guardado(nombre_guardado: str) -> str:
    """Tipo MIME de un archivo ya guardado: su extensión es la del tipo detectado al subirlo."""
    tipo = _POR_EXTENSION.get(PurePath(nombre_guardado).suffix.lower())
    return tipo.mime if tipo else "application/octet-stream"
_ODF = {ODT.mime: ODT, ODS.mime: ODS, ODP.mime: ODP}

PERMITIDOS = gettext_lazy(
    "Se aceptan PDF, imágenes (PNG, JPEG, GIF, WebP), documentos de Word, Excel y "
    "PowerPoint, OpenDocument y CSV."
)


def tamano_maximo() -> int:
    return int(settings.EVIDENCIA_TAMANO_MAXIMO_MB) * 1024 * 1024


def _error(nombre: str, mensaje: str, codigo: str) -> ValidationError:
    return ValidationError(
        _("El archivo «%(nombre)s» %(mensaje)s") % {"nombre": nombre, "mensaje": mensaje}, code=codigo
    )


def _leer(archivo) -> bytes:
    archivo.seek(0)
    datos = archivo.read()
    archivo.seek(0)
    return datos


def _documento_zip(archivo, nombre: str) -> TipoArchivo:
    try:
        with zipfile.ZipFile(archivo) as zip_:
            miembros = zip_.infolist()
            if len(miembros) > MAXIMO_MIEMBROS:
                raise _error(nombre, _("contiene demasiados archivos internos; se rechaza."), "zip_bomba")
            descomprimido = sum(m.file_size for m in miembros)
            comprimido = sum(m.compress_size for m in miembros) or 1
            if descomprimido > MAXIMO_DESCOMPRIMIDO or descomprimido / comprimido > MAXIMA_PROPORCION:
                raise _error(
                    nombre,
                    _("se descomprime a %(mb)s MB: parece una bomba zip y se rechaza.")
                    % {"mb": descomprimido // (1024 * 1024)},
                    "zip_bomba",
                )
            nombres = {m.filename for m in miembros}
            if "[Content_Types].xml" in nombres:
                for prefijo, tipo in _OOXML.items():
                    if any(n.startswith(prefijo) for n in nombres):
                        return tipo
            if "mimetype" in nombres:
                mime = zip_.read("mimetype").decode("ascii", "replace").strip()
                if mime in _ODF:
                    return _ODF[mime]
    except zipfile.BadZipFile:
        raise _error(nombre, _("parece un ZIP dañado; no se puede revisar."), "zip_danado") from None
    raise _error(nombre, _("es un ZIP que no es un documento de Office. ") + str(PERMITIDOS), "tipo_no_permitido")


def _es_csv(datos: bytes) -> bool:
    if b"\x00" in datos:
        return False
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            texto = datos.decode("cp1252")
        except UnicodeDecodeError:
            return False
    primera = texto.split("\n", 1)[0]
    return any(separador in primera for separador in (",", ";", "\t"))


def detectar_tipo(archivo, nombre: str | None = None) -> TipoArchivo:
    """Devuelve el tipo del archivo por su contenido o lanza ``ValidationError`` en español."""
    nombre = PurePath(nombre or getattr(archivo, "name", "") or _("sin nombre")).name
    tamano = getattr(archivo, "size", None)
    if tamano is None:
        tamano = len(_leer(archivo))
    if tamano == 0:
        raise _error(nombre, _("está vacío."), "vacio")
    if tamano > tamano_maximo():
        raise _error(
            nombre,
            _("pesa %(mb).1f MB; el máximo permitido es %(max)s MB.")
            % {"mb": tamano / (1024 * 1024), "max": settings.EVIDENCIA_TAMANO_MAXIMO_MB},
            "demasiado_grande",
        )
    datos = _leer(archivo)
    cabecera = datos[:16]
    if cabecera.startswith(b"%PDF-"):
        return PDF
    if cabecera.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if cabecera.startswith(b"\xff\xd8\xff"):
        return JPEG
    if cabecera[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if cabecera[:4] == b"RIFF" and cabecera[8:12] == b"WEBP":
        return WEBP
    if cabecera.startswith(b"PK\x03\x04"):
        tipo = _documento_zip(archivo, nombre)
        archivo.seek(0)
        return tipo
    if cabecera.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        extension = PurePath(nombre).suffix.lower()
        if extension in _OLE:
            return _OLE[extension]
        raise _error(nombre, _("es un documento de Office antiguo sin extensión .doc, .xls o .ppt."), "tipo_no_permitido")
    if _MARCADO.search(datos[:65536]):
        raise _error(nombre, _("contiene HTML, SVG o XML, que no se aceptan como evidencia. ") + str(PERMITIDOS), "marcado")
    if _es_csv(datos):
        return CSV
    raise _error(nombre, _("no es de un tipo permitido. ") + str(PERMITIDOS), "tipo_no_permitido")


def validar_evidencia(archivo) -> None:
    """Validador del campo ``Evidencia.archivo`` (solo revisa archivos recién subidos)."""
    if not archivo or getattr(archivo, "_committed", True):
        return
    detectar_tipo(archivo.file if hasattr(archivo, "file") else archivo, getattr(archivo, "name", None))
