"""Lo que toda página pública lleva además de su contenido: su dirección absoluta (OpenGraph,
impresión) y la fecha de «Última actualización» (la de la publicación más reciente de lo que
muestra, nunca la de hoy)."""

from django import template
from django.core.exceptions import DisallowedHost

from seguimiento.fechas_publicas import ultima_actualizacion
from seguimiento.models import Informe, Periodo

register = template.Library()


@register.simple_tag(takes_context=True)
def direccion_absoluta(context, ruta=None):
    request = context.get("request")
    if request is None:
        return ""
    try:
        return request.build_absolute_uri(ruta)
    except DisallowedHost:
        # La página de error 400 de un Host que no está en ALLOWED_HOSTS también lleva este
        # pie: sin dirección absoluta, en vez de un 500 al volver a leer el mismo Host.
        return ""


@register.inclusion_tag("_pie_publico.html", takes_context=True)
def pie_publico(context):
    """«Última actualización» con lo que la página ya tiene en su contexto, sin consultas: el
    periodo publicado que muestra (``periodo``) y su informe (``informe``), o la fecha que la
    vista calcule (``ultima_actualizacion``). Al imprimir, además, el plan y la dirección."""
    periodo, informe = context.get("periodo"), context.get("informe")
    fecha = context.get("ultima_actualizacion") or ultima_actualizacion(
        [periodo] if isinstance(periodo, Periodo) else [],
        [informe] if isinstance(informe, Informe) and informe.publicado_en else [],
    )
    plan = context.get("plan") or (informe.plan if isinstance(informe, Informe) else None)
    return {
        "fecha": fecha,
        "plan": plan if plan is not None and hasattr(plan, "slug") else None,
        "direccion": direccion_absoluta(context),
    }
