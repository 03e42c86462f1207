"""Lecturas del trabajo bimestral (sin escribir nada): las filas de un periodo, el periodo o la
acción de una dirección y el último avance validado anterior de cada acción.

Las usan las vistas con sesión (``trabajo.py``, ``excel_views.py``), los servicios
(``flujo.py``, ``excel.py``) y los comandos. Cada función dice cuántas consultas hace; ninguna
consulta dentro de un ciclo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.models import Accion, Compromiso, Plan

from .models import Avance, Evidencia, Periodo

#: Estados de una fila del tablero: los de ``Avance`` más «sin enviar» (la acción no tiene avance).
SIN_ENVIAR = "sin_enviar"
ESTADOS = [(SIN_ENVIAR, gettext_lazy("Sin enviar")), *Avance.Estado.choices]


@dataclass
class Fila:
    """Una acción en un periodo: su avance en él (o ``None``) y su último validado anterior."""

    accion: Accion
    avance: Avance | None
    anterior: Avance | None

    @property
    def estado(self) -> str:
        return self.avance.estado if self.avance else SIN_ENVIAR

    @property
    def estado_texto(self) -> str:
        return self.avance.get_estado_display() if self.avance else _("Sin enviar")

    @property
    def pendiente(self) -> bool:
        """Le falta enviarse: sin enviar, en borrador o devuelto."""
        return self.estado in (SIN_ENVIAR, Avance.Estado.BORRADOR, Avance.Estado.DEVUELTO)


def avances_validados_anteriores(acciones, periodo: Periodo) -> dict[int, Avance]:
    """Último avance validado de cada acción en un periodo anterior a ``periodo`` (una consulta).

    Es la referencia del avance acumulado: un porcentaje menor exige justificación.
    """
    anteriores: dict[int, Avance] = {}
    for avance in (
        Avance.objects.validados()
        .filter(accion__in=acciones, periodo__plan_id=periodo.plan_id, periodo__inicio__lt=periodo.inicio)
        .select_related("periodo")
        .order_by("accion_id", "periodo__inicio")
    ):
        anteriores[avance.accion_id] = avance
    return anteriores


def validado_anterior(accion: Accion, periodo: Periodo) -> Avance | None:
    """El último avance validado de ``accion`` antes de ``periodo`` (una consulta)."""
    return avances_validados_anteriores([accion], periodo).get(accion.id)


def filas_del_periodo(acciones, periodo: Periodo) -> list[Fila]:
    """Tres consultas: las acciones, sus avances en el periodo y su último validado anterior."""
    acciones = list(
        acciones.select_related("compromiso__eje", "compromiso__institucion_responsable").order_by(
            "compromiso__eje__numero", "compromiso__numero", "numero"
        )
    )
    avances = {
        a.accion_id: a
        for a in Avance.objects.filter(periodo=periodo, accion__in=acciones).select_related(
            "capturado_por", "enviado_por", "devuelto_por", "validado_por"
        )
    }
    anteriores = avances_validados_anteriores(acciones, periodo)
    return [Fila(a, avances.get(a.id), anteriores.get(a.id)) for a in acciones]


def avance_del_periodo(accion: Accion, periodo: Periodo) -> Avance | None:
    """El avance de la acción en el periodo, con las cuentas que lo movieron (una consulta)."""
    return (
        Avance.objects.filter(accion=accion, periodo=periodo)
        .select_related("capturado_por", "enviado_por", "devuelto_por", "validado_por")
        .first()
    )


def periodo_o_404(plan: Plan, slug: str) -> Periodo:
    """El periodo ``slug`` del plan, o 404 con un mensaje en español (una consulta)."""
    try:
        return plan.periodos.get(slug=slug)
    except Periodo.DoesNotExist:
        raise Http404(_("El plan no tiene un periodo «%(slug)s».") % {"slug": slug}) from None


def accion_o_404(plan: Plan, clave: str) -> Accion:
    """La acción ``1.5.3`` del plan con su compromiso, eje, institución y representante, o 404
    (una consulta)."""
    eje, compromiso, numero = (int(parte) for parte in clave.split("."))
    accion = (
        Accion.objects.del_plan(plan)
        .select_related("compromiso__eje", "compromiso__institucion_responsable", "compromiso__representante")
        .filter(compromiso__eje__numero=eje, compromiso__numero=compromiso, numero=numero)
        .first()
    )
    if accion is None:
        raise Http404(_("El plan no tiene una acción %(clave)s.") % {"clave": clave})
    return accion


def compromiso_o_404(plan: Plan, clave: str) -> Compromiso:
    """El compromiso ``1.5`` del plan con su eje e institución, o 404 (una consulta)."""
    eje, numero = (int(parte) for parte in clave.split("."))
    compromiso = (
        Compromiso.objects.filter(eje__plan=plan, eje__numero=eje, numero=numero)
        .select_related("eje", "institucion_responsable")
        .first()
    )
    if compromiso is None:
        raise Http404(_("El plan no tiene un compromiso %(clave)s.") % {"clave": clave})
    return compromiso


def evidencias_del_compromiso(compromiso: Compromiso, periodo: Periodo) -> list[Evidencia]:
    """Las evidencias del compromiso en el periodo (las vigentes y las retiradas), con quién las
    envió y revisó (una consulta)."""
    return list(
        Evidencia.objects.de_compromisos()
        .filter(compromiso=compromiso, periodo=periodo)
        .select_related("enviada_por", "revisada_por")
        .order_by("pk")
    )


def compromisos_con_evidencias(compromisos, periodo: Periodo):
    """Los compromisos con cuántas evidencias de todo el compromiso tienen en el periodo, por
    revisión (``n_enviada``, ``n_validada``, ``n_devuelta``; sin contar las retiradas). Una
    consulta."""
    vigentes = Q(evidencias__periodo=periodo, evidencias__retirada_en__isnull=True)
    return (
        compromisos.select_related("eje", "institucion_responsable")
        .annotate(
            **{
                f"n_{valor}": Count("evidencias", filter=vigentes & Q(evidencias__estado=valor))
                for valor in Evidencia.Revision.values
            }
        )
        .order_by("eje__numero", "numero")
    )
