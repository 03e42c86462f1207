"""Lecturas de ``Tarea`` para las páginas del trabajo del STL."""

from __future__ import annotations

from .models import Tarea

#: Tareas que muestra la lista de un plan (las más recientes).
MAXIMO_EN_LISTA = 50


def tareas_del_plan(plan, *, pedidas_por=None) -> list[Tarea]:
    """Las tareas más recientes del plan (con quién las pidió: una consulta); con ``pedidas_por``,
    solo las de esa cuenta."""
    tareas = Tarea.objects.del_plan(plan).select_related("pedida_por").recientes()
    if pedidas_por is not None:
        tareas = tareas.filter(pedida_por=pedidas_por)
    return list(tareas[:MAXIMO_EN_LISTA])


def tarea_del_plan(plan, pk: int) -> Tarea | None:
    return Tarea.objects.del_plan(plan).select_related("pedida_por", "plan").filter(pk=pk).first()


def activa_con_clave(clave: str) -> Tarea | None:
    """La tarea activa (en espera o en curso) con esa clave, si la hay."""
    return Tarea.objects.activas().con_clave(clave).first() if clave else None
