"""La IP de quien hace la petición, detrás de los proxies inversos que declara el entorno.

django-axes bloquea la entrada por cuenta e IP (``AXES_CLIENT_IP_CALLABLE``). La IP sale de
``REMOTE_ADDR`` salvo que ``PROXIES_INVERSOS`` diga cuántos proxies propios hay delante: cada
uno agrega a ``X-Forwarded-For`` la dirección que lo llamó, así que la del cliente es la
``PROXIES_INVERSOS``-ésima contando desde la derecha. Lo que esté más a la izquierda lo pudo
escribir cualquiera y no se usa; con ``PROXIES_INVERSOS=0`` el encabezado se ignora entero.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _es_ip(texto: str | None) -> bool:
    try:
        ipaddress.ip_address(texto or "")
    except ValueError:
        return False
    return True


def ip_del_cliente(request) -> str | None:
    """La IP del cliente, o ``None`` si la petición no trae una válida (p. ej. por un socket)."""
    saltos = settings.PROXIES_INVERSOS
    if saltos:
        reenviadas = [
            parte.strip() for parte in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if parte.strip()
        ]
        # Con menos direcciones que proxies, la petición no pasó por todos: vale la directa.
        if len(reenviadas) >= saltos and _es_ip(reenviadas[-saltos]):
            return reenviadas[-saltos]
    directa = request.META.get("REMOTE_ADDR")
    return directa if _es_ip(directa) else None
