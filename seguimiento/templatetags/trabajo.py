"""Filtros de las páginas del trabajo bimestral."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seguimiento.bitacora import nombre_de_cuenta

register = template.Library()


@register.filter
def cuenta(usuario, momento=None) -> str:
    """``{{ avance.enviado_por|cuenta:avance.enviado_en }}``: el nombre de quien lo hizo; «una
    cuenta eliminada» si consta cuándo pero la cuenta ya no existe; «registro del sistema» si no
    lo hizo ninguna cuenta (los avances cargados del 1er Informe Parcial)."""
    return nombre_de_cuenta(usuario, eliminada=momento is not None)


@register.filter
def plazo(periodo) -> str:
    """«faltan 3 días», «vence hoy», «venció hace 2 días»: solo para periodos abiertos."""
    if periodo is None or periodo.fecha_limite is None or not periodo.abierto:
        return ""
    dias = (periodo.fecha_limite - timezone.localdate()).days
    if dias > 0:
        return ngettext("falta %(n)s día", "faltan %(n)s días", dias) % {"n": dias}
    if dias == 0:
        return _("vence hoy")
    return ngettext("venció hace %(n)s día", "venció hace %(n)s días", -dias) % {"n": -dias}


@register.filter
def vencido(periodo) -> bool:
    return bool(
        periodo is not None
        and periodo.abierto
        and periodo.fecha_limite
        and periodo.fecha_limite < timezone.localdate()
    )
