"""Revisión de archivos de evidencia por su contenido (nunca por su nombre).

Se aceptan PDF, imágenes (PNG, JPEG, GIF, WebP), documentos de Office (Word, Excel,
PowerPoint; OOXML y el formato binario antiguo OLE), OpenDocument y tablas CSV. Cada rechazo
es un ``ValidationError`` en español que nombra el archivo y dice por qué. La revisión, por pasos:

1. **El nombre** (``revisar_evidencia``): hasta 255 caracteres, contados como los envió el
   navegador (Django recorta los más largos sin avisar; ``CargaEnMemoria``/``CargaEnDisco``
   guardan el nombre enviado para poder decirlo).
2. **El tamaño**: ni vacío ni mayor que ``EVIDENCIA_TAMANO_MAXIMO_MB``.
3. **El tipo** (``detectar_tipo``): la biblioteca ``filetype`` reconoce PDF, imágenes,
   ejecutables y demás por su firma. Lo que ``filetype`` no distingue se resuelve aquí, corto y
   explícito: un ZIP es OOXML (``[Content_Types].xml`` y la carpeta ``word/``, ``xl/`` o
   ``ppt/``) u OpenDocument (su parte ``mimetype``), tras descartar una «bomba zip»; un archivo
   OLE (Office antiguo) es Word, Excel o PowerPoint según sus flujos (``olefile``), no según su
   extensión; un texto solo se acepta si es una tabla CSV (módulo ``csv``). HTML, SVG y XML
   nunca.
4. **El contenido activo** (``revisar_evidencia``): macros VBA (OOXML y OLE) y controles
   ActiveX, macros o scripts de OpenDocument, y en un PDF JavaScript o acciones que abren otros
   programas (``/Launch``) en cualquier objeto alcanzable desde el catálogo (``pypdf``, que
   también abre los flujos de objetos comprimidos). Un PDF que ``pypdf`` no puede leer se
   rechaza como dañado y uno cifrado que no se puede revisar, como cifrado.

Al descargarse, ``nombre_de_descarga`` le da al archivo la extensión de su tipo detectado y
``limpiar_nombre`` le quita carpetas y caracteres de control y de formato (como U+202E, que
invierte el texto y hace pasar «informe‮fdp.exe» por «informeexe.pdf»).
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

#: Límites de descompresión de documentos OOXML/OpenDocument.
MAXIMO_DESCOMPRIMIDO = 200 * 1024 * 1024
MAXIMA_PROPORCION = 100
MAXIMO_MIEMBROS = 5000
#: Objetos de un PDF (diccionarios, arreglos, referencias) que se recorren como máximo.
MAXIMO_NODOS_PDF = 500_000
#: Caracteres de un nombre de archivo (el máximo de los sistemas de archivos comunes).
MAXIMO_NOMBRE = 255
#: Caracteres del nombre de un archivo dentro de un mensaje de error.
_NOMBRE_EN_MENSAJE = 80

#: Caracteres de control (Unicode Cc: U+0000–001F y U+007F–009F) salvo tabulador, LF y CR.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MARCADO = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)", re.I)


@dataclass(frozen=True)
class TipoArchivo:
    nombre: str
    extension: str
    mime: str
    #: Otras extensiones con que se conoce el tipo (se respetan en el nombre de descarga).
    otras_extensiones: tuple[str, ...] = field(default=(), compare=False)


PDF = TipoArchivo("PDF", ".pdf", "application/pdf")
PNG = TipoArchivo("imagen PNG", ".png", "image/png")
JPEG = TipoArchivo("imagen JPEG", ".jpg", "image/jpeg", (".jpeg",))
GIF = TipoArchivo("imagen GIF", ".gif", "image/gif")
WEBP = TipoArchivo("imagen WebP", ".webp", "image/webp")
_OFFICE = "application/vnd.openxmlformats-officedocument"
DOCX = TipoArchivo("documento de Word", ".docx", f"{_OFFICE}.wordprocessingml.document")
XLSX = TipoArchivo("hoja de Excel", ".xlsx", f"{_OFFICE}.spreadsheetml.sheet")
PPTX = TipoArchivo("presentación de PowerPoint", ".pptx", f"{_OFFICE}.presentationml.presentation")
ODT = TipoArchivo("documento OpenDocument", ".odt", "application/vnd.oasis.opendocument.text")
ODS = TipoArchivo("hoja OpenDocument", ".ods", "application/vnd.oasis.opendocument.spreadsheet")
ODP = TipoArchivo("presentación OpenDocument", ".odp", "application/vnd.oasis.opendocument.presentation")
DOC = TipoArchivo("documento de Word (formato antiguo)", ".doc", "application/msword")
XLS = TipoArchivo("hoja de Excel (formato antiguo)", ".xls", "application/vnd.ms-excel")
PPT = TipoArchivo("presentación de PowerPoint (formato antiguo)", ".ppt", "application/vnd.ms-powerpoint")
CSV = TipoArchivo("CSV", ".csv", "text/csv")

_POR_EXTENSION = {
    tipo.extension: tipo
    for tipo in [PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, CSV]
}
#: Lo que ``filetype`` reconoce por sí solo (APNG es un PNG animado, válido como PNG).
_POR_FIRMA = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/apng": PNG,
    "image/jpeg": JPEG,
    "image/gif": GIF,
    "image/webp": WEBP,
}
#: Lo que ``filetype`` ve como ZIP (a secas o por sus primeras partes): se abre para saber qué es.
_ZIP = {"application/zip", "application/epub+zip", DOCX.mime, XLSX.mime, PPTX.mime, ODT.mime, ODS.mime, ODP.mime}
_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.mime: ODT, ODS.mime: ODS, ODP.mime: ODP}
#: Flujo que identifica cada documento OLE, en la raíz del archivo.
_OLE = (("worddocument", DOC), ("workbook", XLS), ("book", XLS), ("powerpoint document", PPT))
#: Almacenes y flujos del código VBA dentro de un OLE (Word: Macros; Excel: _VBA_PROJECT_CUR).
_OLE_VBA = {"macros", "_vba_project_cur", "_vba_project", "vba"}

PERMITIDOS = gettext_lazy(
    "Se aceptan PDF, imágenes (PNG, JPEG, GIF, WebP), documentos de Word, Excel y "
    "PowerPoint, OpenDocument y CSV."
)


def tamano_maximo() -> int:
    return int(settings.EVIDENCIA_TAMANO_MAXIMO_MB) * 1024 * 1024


# --- Nombres ----------------------------------------------------------------------------------


class _RecuerdaNombreEnviado:
    """Guarda en el archivo subido (``nombre_enviado``) su nombre tal como llegó: Django recorta
    a 255 caracteres los más largos sin avisar y así no se podría decirle a la persona."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.nombre_enviado = file_name
        super().new_file(field_name, file_name, *args, **kwargs)

    def file_complete(self, file_size):
        archivo = super().file_complete(file_size)
        if archivo is not None:
            archivo.nombre_enviado = self.nombre_enviado
        return archivo


class CargaEnMemoria(_RecuerdaNombreEnviado, MemoryFileUploadHandler):
    """``MemoryFileUploadHandler`` que recuerda el nombre enviado (``FILE_UPLOAD_HANDLERS``)."""


class CargaEnDisco(_RecuerdaNombreEnviado, TemporaryFileUploadHandler):
    """``TemporaryFileUploadHandler`` que recuerda el nombre enviado (``FILE_UPLOAD_HANDLERS``)."""


def nombre_enviado(archivo) -> str:
    """El nombre de un archivo subido como lo envió el navegador (o su nombre, si no llegó así)."""
    return getattr(archivo, "nombre_enviado", None) or getattr(archivo, "name", None) or ""


def limpiar_nombre(nombre: str) -> str:
    """El nombre sin carpetas (``/`` ni ``\\``), sin caracteres de control (Unicode Cc) ni de
    formato (Cf: los de dirección del texto U+202A–202E, U+2066–2069, U+200E/200F, U+061C…) ni
    otros invisibles, y sin espacios al principio o al final."""
    ultimo = re.split(r"[/\\]", nombre)[-1]
    visibles = (
        " " if unicodedata.category(c) in ("Zl", "Zp") else c
        for c in ultimo
        if not unicodedata.category(c).startswith("C")
    )
    return "".join(visibles).strip()


def _para_mensaje(nombre: str) -> str:
    """El nombre, acortado por en medio si es largo (se ven su inicio y su extensión)."""
    if len(nombre) <= _NOMBRE_EN_MENSAJE:
        return nombre
    return f"{nombre[:_NOMBRE_EN_MENSAJE - 21]}…{nombre[-20:]}"


#: La extensión al final de un nombre: un punto y de 1 a 5 letras o cifras, con al menos una letra
#: («.pdf», «.html», «.xlsm»; no «.3» de «acción 1.5.3»).
_EXTENSION = re.compile(r"\.(?=[0-9]*[^\W\d_])\w{1,5}$")


def tipo_guardado(nombre_guardado: str) -> TipoArchivo | None:
    """El tipo de un archivo ya guardado: su extensión es la del tipo detectado al subirlo."""
    return _POR_EXTENSION.get(PurePath(nombre_guardado).suffix.lower())


def mime_guardado(nombre_guardado: str) -> str:
    """Tipo MIME de un archivo ya guardado (``application/octet-stream`` si no se reconoce)."""
    tipo = tipo_guardado(nombre_guardado)
    return tipo.mime if tipo else "application/octet-stream"


def nombre_de_descarga(nombre_original: str, nombre_guardado: str) -> str:
    """Con qué nombre se descarga una evidencia: el que le dio la persona, limpio, con la
    extensión de su tipo detectado («acta.html» que es un PDF → «acta.pdf»; «acta.pdf.exe» →
    «acta.pdf», no «acta.pdf.pdf»). Vale también para lo subido antes de esta revisión."""
    guardado = PurePath(nombre_guardado).name
    tipo = tipo_guardado(nombre_guardado)
    limpio = limpiar_nombre(nombre_original)
    if tipo is None:
        return limpio or guardado
    propias = (tipo.extension, *tipo.otras_extensiones)
    extension = _EXTENSION.search(limpio)
    if extension and extension.group().lower() in propias:
        return limpio
    base = (limpio[: extension.start()] if extension else limpio).rstrip(" .")
    if base.lower().endswith(propias):
        return base
    return f"{base or _('evidencia')}{tipo.extension}"


# --- Errores y lectura ------------------------------------------------------------------------


def _error(nombre: str, mensaje: str, codigo: str) -> ValidationError:
    return ValidationError(
        _("El archivo «%(nombre)s» %(mensaje)s") % {"nombre": _para_mensaje(nombre), "mensaje": mensaje},
        code=codigo,
    )


def _sin_contenido_activo(nombre: str, tipo: TipoArchivo, que: str, sin: str, codigo: str) -> ValidationError:
    return _error(
        nombre,
        _("contiene %(que)s, que no se aceptan como evidencia. Guárdelo como %(extension)s %(sin)s o como PDF.")
        % {"que": que, "extension": tipo.extension, "sin": sin},
        codigo,
    )


def _leer(archivo) -> bytes:
    archivo.seek(0)
    datos = archivo.read()
    archivo.seek(0)
    return datos


def _peso(tamano: int) -> str:
    """«10.1 MB (10,485,761 bytes)»: los MB se redondean hacia arriba, así lo que pasa del
    máximo nunca se lee igual al máximo."""
    return _("%(mb).1f MB (%(bytes)s bytes)") % {
        "mb": math.ceil(tamano * 10 / (1024 * 1024)) / 10,
        "bytes": f"{tamano:,}",
    }


def _revisar_tamano(archivo, nombre: str) -> None:
    tamano = getattr(archivo, "size", None)
    if tamano is None:
        tamano = len(_leer(archivo))
    if tamano == 0:
        raise _error(nombre, _("está vacío."), "vacio")
    if tamano > tamano_maximo():
        raise _error(
            nombre,
            _("pesa %(peso)s; el máximo permitido es %(max)s MB (%(bytes)s bytes).")
            % {"peso": _peso(tamano), "max": settings.EVIDENCIA_TAMANO_MAXIMO_MB, "bytes": f"{tamano_maximo():,}"},
            "demasiado_grande",
        )


# --- Tipo por contenido -----------------------------------------------------------------------


def _abrir_zip(datos: bytes, nombre: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(datos))
    except zipfile.BadZipFile:
        raise _error(nombre, _("parece un ZIP dañado; no se puede revisar."), "zip_danado") from None


def _tipo_zip(datos: bytes, nombre: str) -> TipoArchivo:
    with _abrir_zip(datos, nombre) as zip_:
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
            mime = zip_.read("mimetype")[:100].decode("ascii", "replace").strip()
            if mime in _ODF:
                return _ODF[mime]
    raise _error(nombre, _("es un ZIP que no es un documento de Office. ") + str(PERMITIDOS), "tipo_no_permitido")


def _partes_ole(datos: bytes, nombre: str) -> list[tuple[str, ...]]:
    """Rutas de los almacenes y flujos de un archivo OLE, en minúsculas."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(datos))
    except Exception:  # olefile lanza OSError y otros errores con un archivo mal formado
        raise _error(
            nombre, _("parece un documento de Office antiguo dañado; no se puede revisar."), "ole_danado"
        ) from None
    try:
        return [tuple(parte.lower() for parte in ruta) for ruta in ole.listdir(streams=True, storages=True)]
    finally:
        ole.close()


def _tipo_ole(datos: bytes, nombre: str) -> TipoArchivo:
    raices = {ruta[0] for ruta in _partes_ole(datos, nombre) if len(ruta) == 1}
    for flujo, tipo in _OLE:
        if flujo in raices:
            return tipo
    if "encryptedpackage" in raices:
        raise _error(
            nombre,
            _("está protegido con contraseña y así no se puede revisar su contenido. Guárdelo sin "
              "contraseña y vuelva a adjuntarlo."),
            "cifrado",
        )
    raise _error(
        nombre,
        _("es un archivo de formato OLE que no es un documento de Word, Excel ni PowerPoint. ") + str(PERMITIDOS),
        "tipo_no_permitido",
    )


def _texto(datos: bytes) -> str | None:
    """El contenido como texto (UTF-8, con o sin BOM, o Windows-1252), o ``None`` si no es
    texto: no se decodifica o trae NUL u otros caracteres de control (salvo tabulador, CR, LF)."""
    for codificacion in ("utf-8-sig", "cp1252"):
        try:
            texto = datos.decode(codificacion)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(texto):
            return None
        return texto
    return None


def _es_tabla(texto: str) -> bool:
    """Una tabla CSV: con ``,``, ``;`` o tabulador como separador, al menos dos filas (sin contar
    las vacías), todas con el mismo número de campos, y dos o más columnas con algún dato (un
    código cuyas líneas terminan en «;» no es una tabla de dos columnas)."""
    for separador in (",", ";", "\t"):
        try:
            filas = [
                fila
                for fila in csv.reader(io.StringIO(texto, newline=""), delimiter=separador, strict=True)
                if any(campo.strip() for campo in fila)
            ]
        except csv.Error:
            continue
        if len(filas) < 2 or len({len(fila) for fila in filas}) != 1:
            continue
        con_datos = sum(any(campos[i].strip() for campos in filas) for i in range(len(filas[0])))
        if con_datos >= 2:
            return True
    return False


def _tipo(datos: bytes, nombre: str) -> TipoArchivo:
    if datos.startswith(olefile.MAGIC):
        return _tipo_ole(datos, nombre)
    firma = filetype.guess(datos)
    if firma is not None and firma.mime in _POR_FIRMA:
        return _POR_FIRMA[firma.mime]
    if firma is not None and firma.mime in _ZIP:
        return _tipo_zip(datos, nombre)
    if _MARCADO.search(datos[:65536]):
        raise _error(
            nombre, _("contiene HTML, SVG o XML, que no se aceptan como evidencia. ") + str(PERMITIDOS), "marcado"
        )
    texto = _texto(datos)
    if texto is not None and _es_tabla(texto):
        return CSV
    # Un texto que filetype confunde con otro tipo («BM…», «ID3…») sigue siendo texto.
    if texto is not None:
        raise _error(
            nombre,
            _("es texto, pero no una tabla CSV (al menos dos filas con las mismas columnas, separadas por "
              "coma, punto y coma o tabulador). ") + str(PERMITIDOS),
            "tipo_no_permitido",
        )
    if firma is not None:
        raise _error(
            nombre,
            _("no es de un tipo permitido (su contenido es de un archivo .%(extension)s). ")
            % {"extension": firma.extension}
            + str(PERMITIDOS),
            "tipo_no_permitido",
        )
    raise _error(nombre, _("no es de un tipo permitido. ") + str(PERMITIDOS), "tipo_no_permitido")


def detectar_tipo(archivo, nombre: str | None = None) -> TipoArchivo:
    """El tipo del archivo por su contenido (vacío, tamaño, firma, partes, estructura), o
    ``ValidationError`` en español que nombra el archivo. No busca contenido activo: para una
    evidencia, ``revisar_evidencia``."""
    nombre = limpiar_nombre(nombre or getattr(archivo, "name", "") or "") or _("sin nombre")
    _revisar_tamano(archivo, nombre)
    return _tipo(_leer(archivo), nombre)


# --- Contenido activo -------------------------------------------------------------------------


def _ooxml_sin_macros(datos: bytes, nombre: str, tipo: TipoArchivo) -> None:
    with _abrir_zip(datos, nombre) as zip_:
        partes = [n.lower() for n in zip_.namelist()]
        with zip_.open("[Content_Types].xml") as tipos:
            contenido = tipos.read(1024 * 1024).lower()
    if b"macroenabled" in contenido or b"vbaproject" in contenido or any(
        PurePath(p).name in ("vbaproject.bin", "vbadata.xml") for p in partes
    ):
        raise _sin_contenido_activo(nombre, tipo, _("macros (código VBA)"), _("sin macros"), "macros")
    if b"activex" in contenido or any("/activex/" in f"/{p}" for p in partes):
        raise _sin_contenido_activo(nombre, tipo, _("controles ActiveX"), _("sin controles ActiveX"), "activex")


def _odf_sin_macros(datos: bytes, nombre: str, tipo: TipoArchivo) -> None:
    with _abrir_zip(datos, nombre) as zip_:
        partes = zip_.namelist()
    if any(p.startswith(("Basic/", "Scripts/")) for p in partes):
        raise _sin_contenido_activo(nombre, tipo, _("macros o scripts"), _("sin macros ni scripts"), "macros")


def _ole_sin_macros(datos: bytes, nombre: str, tipo: TipoArchivo) -> None:
    if any(_OLE_VBA.intersection(ruta) for ruta in _partes_ole(datos, nombre)):
        raise _sin_contenido_activo(nombre, tipo, _("macros (código VBA)"), _("sin macros"), "macros")


def _accion_activa_pdf(raiz) -> str | None:
    """Recorre los objetos alcanzables desde ``raiz`` (el tráiler), cada objeto indirecto una sola
    vez y a lo más ``MAXIMO_NODOS_PDF``. Devuelve ``"javascript"``, ``"lanzar"``,
    ``"demasiado"`` o ``None``.

    JavaScript: el árbol de nombres ``/JavaScript``, una clave ``/JS`` o una acción ``/S
    /JavaScript``; lanzar: una acción ``/S /Launch``. Así se encuentran estén donde estén: en
    ``/OpenAction``, en ``/AA`` del catálogo, de una página, de una anotación o de un campo, en
    ``/A`` de un vínculo o de un marcador, o dentro de un flujo de objetos comprimido.
    """
    pendientes = [raiz]
    vistos: set[tuple[int, int]] = set()
    nodos = 0
    while pendientes:
        objeto = pendientes.pop()
        if isinstance(objeto, IndirectObject):
            llave = (objeto.idnum, objeto.generation)
            if llave in vistos:
                continue
            vistos.add(llave)
            objeto = objeto.get_object()
        if not isinstance(objeto, (DictionaryObject, ArrayObject)):
            continue
        nodos += 1
        if nodos > MAXIMO_NODOS_PDF:
            return "demasiado"
        if isinstance(objeto, ArrayObject):
            pendientes.extend(list.__iter__(objeto))
            continue
        for clave, valor in dict.items(objeto):
            if clave in ("/JS", "/JavaScript"):
                return "javascript"
            if clave == "/S":
                accion = valor.get_object()
                if accion == "/JavaScript":
                    return "javascript"
                if accion == "/Launch":
                    return "lanzar"
            if isinstance(valor, (IndirectObject, DictionaryObject, ArrayObject)):
                pendientes.append(valor)
    return None


def _pdf_sin_contenido_activo(datos: bytes, nombre: str, tipo: TipoArchivo) -> None:
    cifrado = _error(
        nombre,
        _("está cifrado o protegido con contraseña y así no se puede revisar su contenido. Guárdelo de "
          "nuevo sin cifrado ni contraseña (por ejemplo, con «Imprimir como PDF») y vuelva a adjuntarlo."),
        "cifrado",
    )
    try:
        lector = PdfReader(io.BytesIO(datos), strict=False)
        if lector.is_encrypted and lector.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise cifrado
        if "/Root" not in lector.trailer or len(lector.pages) == 0:
            raise ValueError("PDF sin catálogo o sin páginas")
        hallazgo = _accion_activa_pdf(lector.trailer)
    except ValidationError:
        raise
    except DependencyError:  # cifrado con AES, que pypdf no abre sin una biblioteca criptográfica
        raise cifrado from None
    except Exception:  # pypdf lanza muchos tipos de error con un PDF mal formado; todos son «dañado»
        raise _error(
            nombre,
            _("parece un PDF dañado: no se pudo leer para revisarlo. Ábralo y guárdelo de nuevo como PDF."),
            "pdf_danado",
        ) from None
    if hallazgo == "javascript":
        raise _error(
            nombre,
            _("contiene JavaScript, que no se acepta como evidencia. Guárdelo de nuevo como PDF sin "
              "scripts (por ejemplo, con «Imprimir como PDF»)."),
            "javascript",
        )
    if hallazgo == "lanzar":
        raise _error(
            nombre,
            _("contiene una acción que abre otros programas o archivos (/Launch), que no se acepta como "
              "evidencia. Guárdelo de nuevo como PDF sin ella (por ejemplo, con «Imprimir como PDF»)."),
            "lanzar",
        )
    if hallazgo == "demasiado":
        raise _error(
            nombre,
            _("tiene más de %(n)s objetos internos y no se puede revisar por completo. Guárdelo de nuevo "
              "como PDF más sencillo o divídalo.") % {"n": f"{MAXIMO_NODOS_PDF:,}"},
            "pdf_complejo",
        )


_REVISIONES = {
    PDF: _pdf_sin_contenido_activo,
    DOCX: _ooxml_sin_macros,
    XLSX: _ooxml_sin_macros,
    PPTX: _ooxml_sin_macros,
    ODT: _odf_sin_macros,
    ODS: _odf_sin_macros,
    ODP: _odf_sin_macros,
    DOC: _ole_sin_macros,
    XLS: _ole_sin_macros,
    PPT: _ole_sin_macros,
}


def revisar_evidencia(archivo, nombre: str | None = None) -> TipoArchivo:
    """Todo lo que se revisa de un archivo de evidencia: nombre, tamaño, tipo y contenido
    activo. Devuelve su tipo o lanza ``ValidationError`` en español que nombra el archivo.

    El resultado se recuerda en el archivo: el validador del modelo y el nombre de
    almacenamiento (``_ruta_evidencia``) lo piden para el mismo archivo subido.
    """
    revisado = getattr(archivo, "_tipo_de_evidencia", None)
    if revisado is not None:
        return revisado
    enviado = nombre or nombre_enviado(archivo)
    limpio = limpiar_nombre(enviado) or _("sin nombre")
    if len(enviado) > MAXIMO_NOMBRE:
        raise _error(
            limpio,
            _("tiene un nombre de %(n)s caracteres; el máximo es %(max)s. Acórtelo y vuelva a adjuntarlo.")
            % {"n": len(enviado), "max": MAXIMO_NOMBRE},
            "nombre_largo",
        )
    tipo = detectar_tipo(archivo, limpio)
    revision = _REVISIONES.get(tipo)
    if revision is not None:
        revision(_leer(archivo), limpio, tipo)
    with contextlib.suppress(AttributeError):
        archivo._tipo_de_evidencia = tipo
    return tipo


def validar_evidencia(archivo) -> None:
    """Validador del campo ``Evidencia.archivo`` (solo revisa archivos recién subidos)."""
    if not archivo or getattr(archivo, "_committed", True):
        return
    revisar_evidencia(archivo.file if hasattr(archivo, "file") else archivo)
