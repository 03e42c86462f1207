"""Filtros del documento del informe: sus cifras llegan como texto decimal exacto (JSON)."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from seguimiento.rollup import redondear

register = template.Library()


def _decimal(valor):
    return None if valor in (None, "") else Decimal(str(valor))


@register.filter
def cifra(valor):
    """«42 %» (redondeado a entero, la única vez que se redondea); vacío si no hay cifra."""
    numero = _decimal(valor)
    if numero is None:
        return ""
    return f"{redondear(numero)}\u00a0%"


@register.filter
def exacta(valor, decimales=2):
    """«45.33» para la cuenta del anexo; «sin reporte» si no hay cifra."""
    numero = _decimal(valor)
    if numero is None:
        return _("sin reporte")
    return f"{redondear(numero, int(decimales))}"


@register.filter
def ancho_cifra(valor):
    """Ancho de la barra (0–100, entero)."""
    numero = _decimal(valor)
    if numero is None:
        return 0
    return int(redondear(min(max(numero, Decimal(0)), Decimal(100))))


@register.filter
def diferencia(valor):
    """«+3.33» o «−1.50» puntos porcentuales."""
    numero = _decimal(valor)
    if numero is None:
        return "—"
    texto = f"{redondear(abs(numero), 2)}"
    return ("+" if numero > 0 else "-" if numero < 0 else "") + texto


@register.filter
def con_nota(acciones):
    """Las acciones cuya cifra lleva nota aclaratoria (*)."""
    return [a for a in acciones if a.get("nota")]


@register.filter
def sin_evidencias_propias(acciones) -> bool:
    """Ninguna acción trae evidencias de su avance: las del compromiso ocupan toda la columna
    «Evidencias» de la tabla, como en el informe impreso."""
    return not any(a.get("evidencias") for a in acciones)


@register.filter
def cadena_css(texto):
    """Texto dentro de una cadena CSS entre comillas dobles (``string-set``)."""
    return str(texto).replace("\\", "\\\\").replace('"', "\\22 ").replace("\n", " ")
