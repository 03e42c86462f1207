"""Hojas de cálculo que produce el portal: cada XLSX y cada CSV se escribe aquí.

Los datos abiertos (``datos.py``), el informe parcial (``informes.py``) y la plantilla y la
exportación del STL (``excel.py``) arman sus filas y las entregan a ``guardar_libro`` (XLSX) o
``como_csv`` (CSV). Así dos reglas se cumplen en un solo lugar, para todos los archivos:

**Ningún texto se vuelve fórmula** (inyección de fórmulas, *CSV injection*, según la guía de
OWASP). Excel, LibreOffice y Google Sheets leen como fórmula la celda que empieza con ``=``,
``+``, ``-`` o ``@``, y algunas también la que empieza con un tabulador o un retorno de carro
(los quitan y leen lo que sigue). Una narrativa ``=HYPERLINK("http://x","clic")`` o
``=cmd|' /C calc'!A0`` abriría un enlace o un programa en la computadora de quien abre el
archivo, y en el informe quedaría congelada con su huella. Por eso:

* **XLSX**: todo texto es una celda de texto, nunca fórmula (openpyxl convierte en fórmula
  cualquier texto que empieza con «=») ni error (un texto «#N/A» sigue siendo texto). El que
  empieza con uno de esos caracteres lleva además el estilo ``quotePrefix`` (el apóstrofo de
  Excel): sigue siendo texto aunque alguien edite la celda. Su valor es el texto exacto.
* **CSV**: ese texto lleva delante un apóstrofo (``'=HYPERLINK(…)``), la marca de «esto es
  texto» de las hojas de cálculo. Un texto que ya empieza con un apóstrofo lleva otro, así que el
  primer apóstrofo de una celda de texto nunca es parte del dato: un programa que lee el CSV lo
  quita y recupera el texto exacto. Cada celda va entre comillas dobles (las internas se duplican, RFC 4180):
  una coma, un punto y coma, un tabulador o un salto de línea dentro de un texto nunca
  empiezan otra celda, use la hoja de cálculo el separador que use. Por eso un «=» **en medio**
  de un texto («Meta = 100 %», «uno; =2») se deja tal cual: no queda al inicio de ninguna celda.
* **Números** (cifras, porcentajes, pesos): son números y no se tocan, aunque fueran negativos.
  Solo se neutraliza el texto.

Los datos no cambian en la base ni en los JSON: solo la celda de la hoja de cálculo.

**Mismos datos, mismos bytes**: el libro no lleva fecha de creación ni de modificación y su
ZIP lleva fechas fijas (``PropiedadesSinFecha``, ``zip_estable``).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties

TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIPO_CSV = "text/csv; charset=utf-8"

#: Caracteres con los que una hoja de cálculo puede leer una celda como fórmula (OWASP).
INICIOS_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: Lo que se antepone en un CSV a un texto que empieza con uno de ellos.
APOSTROFO = "'"


def parece_formula(texto: str) -> bool:
    """Si una hoja de cálculo leería ``texto`` como fórmula al abrirlo."""
    return texto.startswith(INICIOS_DE_FORMULA)


def numero_de_celda(valor: Decimal | None) -> int | float | None:
    """Un ``Decimal`` para una celda de XLSX: entero si no tiene decimales (100, no 100.0)."""
    if valor is None:
        return None
    return int(valor) if valor == valor.to_integral_value() else float(valor)


# --- CSV -------------------------------------------------------------------------------------


def texto_de_csv(valor) -> str:
    """Una celda de CSV como texto: vacía si no hay dato, números exactos (sin exponente),
    fechas AAAA-MM-DD y el texto que parece fórmula (o que ya empieza con un apóstrofo) con un
    apóstrofo delante.

    Un booleano no tiene una sola escritura correcta («sí», «Sí», «true»): quien arma la fila
    lo escribe como texto; aquí es un error de programación.
    """
    if valor is None:
        return ""
    if isinstance(valor, bool):
        raise TypeError("Escriba el booleano como texto (p. ej. «sí» o «no») antes de pasarlo a la hoja.")
    if isinstance(valor, Decimal):
        return format(valor, "f")
    if isinstance(valor, (int, float)):
        return str(valor)
    if isinstance(valor, (datetime.date, datetime.datetime)):
        return valor.isoformat()
    texto = str(valor)
    return APOSTROFO + texto if parece_formula(texto) or texto.startswith(APOSTROFO) else texto


def como_csv(encabezados: Iterable[str], filas: Iterable[Iterable]) -> bytes:
    """CSV en UTF-8 con BOM (Excel en español abre bien los acentos), separado por comas,
    cada celda entre comillas dobles y fin de línea CRLF (RFC 4180); ningún texto es fórmula."""
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    escritor.writerow([texto_de_csv(e) for e in encabezados])
    for fila in filas:
        escritor.writerow([texto_de_csv(valor) for valor in fila])
    return ("\ufeff" + salida.getvalue()).encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------


def _sin_formulas(libro: Workbook) -> None:
    """Cada texto del libro como celda de texto; el que parece fórmula, con ``quotePrefix``."""
    for hoja in libro.worksheets:
        for fila in hoja.iter_rows():
            for celda in fila:
                if not isinstance(celda.value, str):
                    continue
                celda.data_type = "s"  # nunca «f» (fórmula) ni «e» (error)
                if parece_formula(celda.value):
                    celda.quotePrefix = True


_SIN_FECHA = ("created", "modified")


class PropiedadesSinFecha(DocumentProperties):
    """Propiedades del libro sin fecha de creación ni de modificación (ambas son opcionales
    en el formato); openpyxl pone la hora actual si no se le dice otra cosa."""

    __elements__ = tuple(e for e in DocumentProperties.__elements__ if e not in _SIN_FECHA)
    __nested__ = tuple(e for e in DocumentProperties.__nested__ if e not in _SIN_FECHA)


def zip_estable(contenido: bytes) -> bytes:
    """El mismo ZIP con fechas fijas en cada miembro: mismos datos → mismos bytes."""
    entrada = zipfile.ZipFile(io.BytesIO(contenido))
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as zip_:
        for miembro in entrada.infolist():
            info = zipfile.ZipInfo(miembro.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = miembro.external_attr
            zip_.writestr(info, entrada.read(miembro.filename))
    return salida.getvalue()


def guardar_libro(libro: Workbook, *, titulo: str) -> bytes:
    """Los bytes del libro: sin fórmulas, con título y sin fechas (mismos datos, mismos bytes)."""
    _sin_formulas(libro)
    libro.properties = PropiedadesSinFecha(creator="Estado Abierto", title=titulo, language="es-MX")
    salida = io.BytesIO()
    libro.save(salida)
    return zip_estable(salida.getvalue())
