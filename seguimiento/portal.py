"""Lo que la ciudadanía ve de uno o varios planes, en un número fijo de consultas.

Las vistas públicas (``portal/views.py``, ``portal/consulta.py``, ``portal/datos_views.py``)
parten de aquí: el último periodo publicado de cada plan, su árbol de avances con el
alcance público y el semáforo de cada compromiso. Cuatro consultas en total, sean cuantos
sean los planes y su tamaño.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from plan.models import Plan

from .models import Evidencia, Periodo
from .rollup import (
    Alcance,
    ResultadoCompromiso,
    ResultadoPlan,
    calcular_avances,
    comparar_con_informe,
    informe_publicado_del_periodo,
)
from .semaforo import Semaforo, evaluar


@dataclass
class EstadoPublico:
    plan: Plan
    #: Último periodo publicado del plan (``None`` si no hay ninguno).
    periodo: Periodo | None
    resultado: ResultadoPlan
    semaforos: dict[int, Semaforo] = field(default_factory=dict)

    def semaforo(self, compromiso: ResultadoCompromiso) -> Semaforo:
        return self.semaforos[compromiso.id]

    def compromiso(self, clave: str) -> ResultadoCompromiso | None:
        return next((c for c in self.resultado.compromisos() if c.clave == clave), None)


def ultimos_periodos_publicados(planes) -> dict[int, Periodo]:
    """``{plan.pk: último periodo publicado}`` en una consulta."""
    ultimos: dict[int, Periodo] = {}
    for periodo in Periodo.objects.publicados().filter(plan__in=planes).order_by("plan_id", "-inicio"):
        ultimos.setdefault(periodo.plan_id, periodo)
    return ultimos


def estado_publico(planes) -> dict[int, EstadoPublico]:
    """``{plan.pk: EstadoPublico}``. Cuatro consultas: periodos publicados y el roll-up (3).

    El árbol usa el último avance validado de un periodo publicado de cada acción, que es
    el avance al último periodo publicado del plan.
    """
    planes = list(planes)
    periodos = ultimos_periodos_publicados(planes)
    resultados = calcular_avances(planes, alcance=Alcance.PUBLICO)
    estados = {}
    for plan in planes:
        periodo = periodos.get(plan.pk)
        resultado = resultados[plan.pk]
        resultado.periodo_id = periodo.pk if periodo else None
        corte = periodo.fin if periodo else None
        estados[plan.pk] = EstadoPublico(
            plan=plan,
            periodo=periodo,
            resultado=resultado,
            semaforos={c.id: evaluar(c, plan, corte) for c in resultado.compromisos()},
        )
    return estados


def plan_o_404(slug: str) -> Plan:
    """El plan de la dirección, o 404 con un mensaje en español (una consulta)."""
    try:
        return Plan.objects.get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug}) from None


def estado_con_informe(plan: Plan):
    """``(EstadoPublico, informe publicado del último periodo o None, comparaciones)``.

    Seis consultas (siete si hay informe: sus cifras). ``comparaciones`` empareja cada cifra
    publicada con la calculada: ``{(nivel, clave): Comparacion}``.
    """
    estado = estado_publico([plan])[plan.pk]
    informe = informe_publicado_del_periodo(plan, estado.periodo)
    comparaciones = comparar_con_informe(estado.resultado, informe) if informe else {}
    return estado, informe, comparaciones


@dataclass
class EvidenciasDelPeriodo:
    """Las evidencias publicadas de todo un compromiso en un periodo (las que el informe
    presenta en la columna «Evidencias» para el compromiso, no para una acción)."""

    periodo: Periodo
    evidencias: list[Evidencia]


def evidencias_publicadas_de_compromisos(compromiso_ids) -> dict[int, list[EvidenciasDelPeriodo]]:
    """``{compromiso_id: [EvidenciasDelPeriodo]}``, del periodo más reciente al más antiguo, con
    el alcance público (validadas, de un periodo publicado, no retiradas). Una consulta."""
    agrupadas: dict[int, list[EvidenciasDelPeriodo]] = {}
    for evidencia in (
        Evidencia.objects.publicadas_de_compromisos()
        .filter(compromiso_id__in=list(compromiso_ids))
        .select_related("periodo")
        .order_by("compromiso_id", "-periodo__inicio", "pk")
    ):
        grupos = agrupadas.setdefault(evidencia.compromiso_id, [])
        if not grupos or grupos[-1].periodo.pk != evidencia.periodo_id:
            grupos.append(EvidenciasDelPeriodo(periodo=evidencia.periodo, evidencias=[]))
        grupos[-1].evidencias.append(evidencia)
    return agrupadas
