"""Cómo se arranca Chromium para las pruebas de navegador.

Playwright no descarga navegadores aquí: maneja el Chromium de Debian (``apt-get install
chromium``), en ``/usr/bin/chromium`` o donde indique la variable ``CHROMIUM``.
"""

from __future__ import annotations

import os
import shutil

import pytest

RUTA_POR_OMISION = "/usr/bin/chromium"

#: Sin sandbox (la integración continua corre como root), sin GPU y sin tráfico propio del
#: navegador (actualizaciones, sincronización, QUIC): solo las peticiones de la prueba.
ARGUMENTOS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

VENTANA_ESCRITORIO = {"width": 1280, "height": 900}
VENTANA_MOVIL = {"width": 360, "height": 740}
IDIOMA = "es-MX"
#: Espera máxima de cada acción o aserción de Playwright (milisegundos).
ESPERA_MS = 15_000


def ruta_chromium() -> str:
    return os.environ.get("CHROMIUM") or RUTA_POR_OMISION


def en_integracion_continua() -> bool:
    """``CI`` definida y distinta de vacío, 0, false o no (como la definen los servicios de CI)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def exigir_chromium(ruta: str, en_ci: bool) -> str:
    """Devuelve la ruta del ejecutable de Chromium.

    Si no está, falla la prueba en la integración continua (donde omitirla escondería que no
    se revisó ninguna página) y la omite con el motivo fuera de ella.
    """
    ejecutable = shutil.which(ruta)
    if ejecutable:
        return ejecutable
    mensaje = (
        f"No se encontró Chromium en {ruta!r}: las pruebas de navegador lo necesitan. "
        "Instálelo con «apt-get install chromium fonts-dejavu-core» o indique su ruta en la "
        "variable CHROMIUM."
    )
    if en_ci:
        pytest.fail(mensaje + " (CI está definida: en la integración continua no se omiten).", pytrace=False)
    pytest.skip(mensaje)
