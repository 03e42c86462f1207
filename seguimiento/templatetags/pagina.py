"""Lo que toda página pública lleva además de su contenido: su dirección absoluta (OpenGraph,
impresión) y la fecha de «Última actualización» (la de la publicación más reciente de lo que
muestra, nunca la de hoy)."""

from django import template

from seguimiento.fechas_publicas import ultima_actualizacion
from seguimiento.models import Informe, Periodo

register = template.Library()


@register.simple_tag(takes_context=True)
def direccion_absoluta(context, ruta=None):
    request = context.get("request")
    return request.build_absolute_uri(ruta) if request is not None else ""


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
