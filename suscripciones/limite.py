"""Límite de peticiones por IP para los formularios públicos que envían correos.

Cuenta en la caché (por proceso con la configuración por omisión, LocMem): suficiente para que
nadie use el portal para inundar de correos una dirección ajena; además, a una misma dirección
no se le reenvía la confirmación antes de ``SUSCRIPCION_ESPERA_MINUTOS`` (eso lo cuida la base).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from estado_abierto.proxy import ip_del_cliente

VENTANA_SEGUNDOS = 60 * 60


def dentro_del_limite(request, formulario: str) -> bool:
    """Cuenta la petición; ``False`` si la IP ya pasó de ``SUSCRIPCION_PETICIONES_POR_HORA``."""
    clave = f"suscripciones:{formulario}:{ip_del_cliente(request) or 'sin-ip'}"
    cache.add(clave, 0, VENTANA_SEGUNDOS)
    try:
        cuenta = cache.incr(clave)
    except ValueError:  # venció entre add e incr
        cache.set(clave, 1, VENTANA_SEGUNDOS)
        cuenta = 1
    return cuenta <= settings.SUSCRIPCION_PETICIONES_POR_HORA
