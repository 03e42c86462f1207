"""Filtro para las plantillas del trabajo: si la cuenta puede crear planes (el enlace de
``/trabajo/``, cuya vista es de ``seguimiento``, que no importa ``gestion``)."""

from django import template

from gestion.acceso import puede_crear_planes as _puede

register = template.Library()


@register.filter
def puede_crear_planes(usuario) -> bool:
    return _puede(usuario)
