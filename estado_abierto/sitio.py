"""La dirección pública del portal (``SITIO_URL``): cómo se valida y cuándo es local.

La configuración la revisa al arrancar (``estado_abierto/settings.py``) y el informe parcial
antes de congelarse (``seguimiento/informes.py``): un PDF congelado no cambia nunca, así que
sus enlaces no pueden apuntar a una dirección que solo existe en la máquina que lo generó.
Sin dependencias de Django para que ``settings.py`` pueda importarlo.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Nombres de host que siempre son la propia máquina (RFC 6761: ``localhost`` y sus subdominios).
_NOMBRES_LOCALES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class DireccionInvalida(ValueError):
    """``SITIO_URL`` no es una dirección absoluta http(s) con host y sin ruta."""


def normalizar(valor: str) -> str:
    """``"https://portal.gob.mx/"`` → ``"https://portal.gob.mx"``; error si no es una dirección
    absoluta http o https con host, sin ruta, consulta, fragmento ni credenciales."""
    url = valor.strip().rstrip("/")
    partes = urlsplit(url)
    if partes.scheme not in ("http", "https") or not partes.hostname:
        raise DireccionInvalida(
            f"SITIO_URL={valor!r} debe ser una dirección absoluta que empiece con https:// (o http://) "
            "y nombre el host, p. ej. https://estadoabierto.example.gob.mx."
        )
    if partes.path or partes.query or partes.fragment or partes.username or partes.password:
        raise DireccionInvalida(
            f"SITIO_URL={valor!r} debe ser solo el esquema y el host (y, si hace falta, el puerto), "
            "sin ruta, consulta ni credenciales, p. ej. https://estadoabierto.example.gob.mx."
        )
    try:
        partes.port  # noqa: B018  (un puerto no numérico o fuera de rango lanza ValueError)
    except ValueError:
        raise DireccionInvalida(f"SITIO_URL={valor!r} tiene un puerto que no es válido.") from None
    return url


def es_local(url: str) -> bool:
    """¿La dirección es la propia máquina (127.0.0.0/8, ::1, 0.0.0.0, localhost…)?"""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return True
    if host in _NOMBRES_LOCALES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified
