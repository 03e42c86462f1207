"""Lecturas de las claves anteriores (``ClaveAnterior``): adónde llevar hoy una dirección que
un eje, compromiso o acción tuvo antes de renumerarse.

Las usan las páginas públicas (301) y la captura del trabajo bimestral (302). Solo leen; quien
renumera escribe las filas. Una consulta por llamada.
"""

from __future__ import annotations

from .models import Accion, ClaveAnterior, Compromiso, Eje, Plan

Nivel = ClaveAnterior.Nivel


def destino_de_clave_anterior(plan: Plan, nivel: str, clave: str) -> Eje | Compromiso | Accion | None:
    """El elemento que hoy lleva la clave que antes fue ``clave`` (``"1.5"``, ``"1.5.3"``, ``"2"``)
    en ``plan``, o ``None`` si ninguna clave anterior coincide. Con su eje, compromiso y eje para
    armar su clave de hoy sin más consultas (una consulta)."""
    fila = (
        ClaveAnterior.objects.filter(plan=plan, nivel=nivel, clave=clave)
        .select_related("eje", "compromiso__eje", "accion__compromiso__eje")
        .first()
    )
    return None if fila is None else fila.destino


def anclas_anteriores(plan: Plan) -> dict[tuple[str, str], list[str]]:
    """``{(nivel, clave de hoy): [claves anteriores]}`` de los ejes y compromisos de ``plan``:
    «¿Cómo se calcula?» pone un ancla por cada una (``#c-1.6`` sigue llevando al compromiso
    que hoy es 1.5). Una consulta."""
    anclas: dict[tuple[str, str], list[str]] = {}
    for fila in (
        ClaveAnterior.objects.filter(plan=plan, nivel__in=[Nivel.EJE, Nivel.COMPROMISO])
        .select_related("eje", "compromiso__eje")
        .order_by("nivel", "clave")
    ):
        anclas.setdefault((fila.nivel, fila.destino.clave), []).append(fila.clave)
    return anclas
