"""La dirección pública (absoluta) de una página, para OpenGraph, el widget y lo impreso.

Un solo lugar: hoy sale de la petición (el host y el esquema con que llegó, que la caché pública
ya distingue); para usar siempre la dirección canónica del portal bastaría con devolver
``settings.SITIO_URL + ruta`` aquí.
"""

from __future__ import annotations


def direccion_publica(request, ruta: str | None = None) -> str:
    """``https://portal/planes/…``: la de ``ruta`` o, sin ella, la de la página pedida."""
    return request.build_absolute_uri(ruta)
