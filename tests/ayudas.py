"""Ayudas comunes de las pruebas: lo que se lee de una respuesta o de un PDF y los archivos de
muestra. Una sola versión de cada una, para que todas las pruebas lean igual."""

from __future__ import annotations

import io
import re
import subprocess

from pypdf import PdfWriter

#: Contraseña de las cuentas que crean las pruebas (fixtures ``ciclo`` y pruebas de navegador).
CLAVE = "clave-de-prueba-123"


def _pdf_de_una_pagina() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=72, height=72)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


#: Un PDF real y mínimo (una página en blanco, sin JavaScript ni acciones): una evidencia válida.
PDF = _pdf_de_una_pagina()


def cuerpo(respuesta) -> bytes:
    """Los bytes de una respuesta, sea un archivo (``FileResponse``) o una página."""
    return b"".join(respuesta.streaming_content) if respuesta.streaming else respuesta.content


def texto_de(respuesta) -> str:
    """El texto de una página como lo lee una persona: sin etiquetas y con los espacios juntos."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cuerpo(respuesta).decode()))


def paginas_pdf(datos: bytes) -> list[str]:
    """Las páginas de un PDF como texto (pdftotext de poppler), con espacios normales."""
    salida = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=datos, capture_output=True, check=True, timeout=60
    )
    return salida.stdout.decode("utf-8").replace("\u00a0", " ").split("\f")


def texto_pdf(datos: bytes) -> str:
    """Todo el texto de un PDF, página tras página."""
    return "\f".join(paginas_pdf(datos))
