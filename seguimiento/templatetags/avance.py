"""Filtros para mostrar cifras del roll-up: el único lugar donde se redondea para la página."""

from django import template
from django.utils.translation import gettext as _

from seguimiento.rollup import redondear

register = template.Library()


@register.filter
def pct(valor, decimales=0):
    """``Decimal`` → «45\u00a0%»; ``None`` → «sin reporte»."""
    if valor is None:
        return _("sin reporte")
    return f"{redondear(valor, int(decimales))}\u00a0%"  # espacio no separable: «45 %» no se parte


@register.filter
def ancho(valor):
    """Ancho de una barra de progreso (0–100, entero) para un estilo en línea."""
    if valor is None:
        return 0
    return int(redondear(min(max(valor, 0), 100)))

