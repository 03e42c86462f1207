"""Lo que la ciudadanía ve de uno o varios planes, en un número fijo de consultas.

Las vistas públicas (``portal/views.py``, ``portal/consulta.py``, ``portal/datos_views.py``)
parten de aquí: el último periodo publicado de cada plan, su árbol de avances con el
alcance público y el semáforo de cada compromiso. Cuatro consultas en total, sean cuantos
sean los planes y su tamaño. El semáforo y el nivel de cumplimiento en la escala de la OGP
(``escala_irm.py``) se calculan en Python con ese árbol, sin más consultas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Value
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plan.models import Accion, Compromiso, Eje, Plan

from .cifras import CifrasDelPlan, dos_cifras
from .models import Evidencia, Periodo
from .rollup import (
    Alcance,
    ResultadoAccion,
    ResultadoCompromiso,
    ResultadoPlan,
    calcular_avances,
    comparar_con_informe,
    informe_publicado_del_periodo,
)
from . import escala_irm
from .escala_irm import Cumplimiento
from .semaforo import Semaforo, evaluar


@dataclass
class EstadoPublico:
    plan: Plan
    #: Último periodo publicado del plan (``None`` si no hay ninguno).
    periodo: Periodo | None
    resultado: ResultadoPlan
    semaforos: dict[int, Semaforo] = field(default_factory=dict)
    cumplimientos: dict[int, Cumplimiento] = field(default_factory=dict)

    def semaforo(self, compromiso: ResultadoCompromiso) -> Semaforo:
        return self.semaforos[compromiso.id]

    def cumplimiento(self, compromiso: ResultadoCompromiso) -> Cumplimiento:
        return self.cumplimientos[compromiso.id]

    def compromiso(self, clave: str) -> ResultadoCompromiso | None:
        return next((c for c in self.resultado.compromisos() if c.clave == clave), None)

    def accion(self, clave: str) -> ResultadoAccion | None:
        return next((a for a in self.resultado.acciones() if a.clave == clave), None)

    def retiradas(self) -> list[ResultadoCompromiso | ResultadoAccion]:
        """Los compromisos y las acciones retirados del plan, en orden de clave (sin consultas)."""
        return [
            elemento
            for compromiso in self.resultado.compromisos()
            for elemento in (compromiso, *compromiso.acciones)
            if elemento.retirada
        ]

    def absorbidas(self) -> dict[tuple[str, str], list[ResultadoCompromiso | ResultadoAccion]]:
        """``{(nivel, clave del destino): [lo que se fusionó con él o al que sustituye]}``: para
        decir «Absorbe la acción 1.5.3» junto al destino (sin consultas)."""
        destinos: dict[tuple[str, str], list] = {}
        for elemento in self.retiradas():
            if elemento.retiro.destino:
                destinos.setdefault((elemento.nivel, elemento.retiro.destino), []).append(elemento)
        return destinos


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
            cumplimientos={c.id: escala_irm.evaluar(c) for c in resultado.compromisos()},
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


def estado_con_cifras(plan: Plan) -> tuple[EstadoPublico, CifrasDelPlan]:
    """``(EstadoPublico, las dos cifras de cada elemento)``: la cifra oficial del informe
    publicado del último periodo (si lo hay) y la cifra recalculada, con las causas de cada
    diferencia (``cifras.dos_cifras``). Las mismas consultas que ``estado_con_informe``."""
    estado, informe, comparaciones = estado_con_informe(plan)
    return estado, dos_cifras(estado.resultado, informe, comparaciones)


@dataclass(frozen=True)
class CambioDePeso:
    """Un cambio del peso de un eje, compromiso o acción, leído de su historial."""

    nivel: str
    clave: str
    fecha: datetime.date
    antes: Decimal
    despues: Decimal

    @property
    def texto(self) -> str:
        """«El 4 de diciembre de 2026 el peso de la acción 1.5.3 pasó de 1 a 2»."""
        de = {
            "eje": _("del eje %(clave)s"),
            "compromiso": _("del compromiso %(clave)s"),
            "accion": _("de la acción %(clave)s"),
        }[self.nivel] % {"clave": self.clave}
        return _("El %(fecha)s el peso %(de)s pasó de %(antes)s a %(despues)s") % {
            "fecha": date_format(self.fecha, "j \\d\\e F \\d\\e Y").lower(),
            "de": de,
            "antes": _numero(self.antes),
            "despues": _numero(self.despues),
        }


def _numero(valor: Decimal) -> str:
    return f"{valor.normalize():f}"


def cambios_de_peso(resultado: ResultadoPlan) -> list[CambioDePeso]:
    """Cada vez que cambió el peso de un eje, compromiso o acción del plan, del más reciente al
    más antiguo, con su clave de hoy. Una consulta (el historial de los tres niveles, unido)."""
    claves = {("eje", e.id): e.clave for e in resultado.ejes}
    claves |= {("compromiso", c.id): c.clave for c in resultado.compromisos()}
    claves |= {("accion", a.id): a.clave for a in resultado.acciones()}
    campos = ("nivel", "id", "peso", "history_date", "history_id")

    def historial(modelo, nivel):
        ids = [pk for (n, pk) in claves if n == nivel]
        return (
            modelo.history.filter(id__in=ids)
            .annotate(nivel=Value(nivel, output_field=CharField()))
            .values_list(*campos)
            .order_by()
        )

    filas = historial(Eje, "eje").union(historial(Compromiso, "compromiso"), historial(Accion, "accion"), all=True)
    cambios = []
    anterior: dict[tuple[str, int], Decimal] = {}
    for nivel, pk, peso, fecha, _id in sorted(filas, key=lambda f: (f[3], f[4])):
        peso = Decimal(str(peso))
        previo = anterior.get((nivel, pk))
        if previo is not None and previo != peso:
            cambios.append(CambioDePeso(nivel, claves[(nivel, pk)], timezone.localtime(fecha).date(), previo, peso))
        anterior[(nivel, pk)] = peso
    return sorted(cambios, key=lambda c: c.fecha, reverse=True)
