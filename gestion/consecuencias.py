"""Qué pasaría con las cifras públicas si se guarda un peso nuevo o un elemento nuevo.

«Ver el efecto», en los formularios de la estructura, muestra una frase como «Con este peso,
el compromiso 1.5 pasa de 36 % a 24 %; el eje 1 de 53 % a 51 %; el global de 45 % a 44 %».
Las cifras son las públicas (``Alcance.PUBLICO``), calculadas con el roll-up de siempre
(``seguimiento.rollup.calcular_avance``: tres consultas) y con una copia en memoria que
reemplaza el peso o añade el elemento (``recalcular_supuesto``). No se escribe nada.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from plan.models import Plan
from seguimiento.rollup import Alcance, ElementoSupuesto, calcular_avance, recalcular_supuesto, redondear


def _cifra(nodo) -> str:
    """Como la lee la ciudadanía: «45 %», «sin reporte» (nunca 0) o «no se puede calcular»."""
    if not nodo.calculable:
        return _("no se puede calcular")
    if nodo.avance is None:
        return _("sin reporte")
    return f"{redondear(nodo.avance)}\u00a0%"


def _nombre(nivel: str, clave: str) -> str:
    if nivel == "plan":
        return _("el global")
    if nivel == "eje":
        return _("el eje %(clave)s") % {"clave": clave}
    return _("el compromiso %(clave)s") % {"clave": clave}


@dataclass(frozen=True)
class Movimiento:
    """La cifra pública de un ascendiente antes y después del cambio."""

    nivel: str
    clave: str
    antes: str
    despues: str

    @property
    def nombre(self) -> str:
        return _nombre(self.nivel, self.clave)

    @property
    def cambia(self) -> bool:
        return self.antes != self.despues


@dataclass(frozen=True)
class Consecuencia:
    #: «Con este peso», «Con esta acción nueva»…
    motivo: str
    movimientos: list[Movimiento]
    #: Errores de cálculo que el cambio provocaría (no estaban antes).
    errores_nuevos: list[str] = field(default_factory=list)

    @property
    def mueve_algo(self) -> bool:
        return any(m.cambia for m in self.movimientos)

    @property
    def frase(self) -> str:
        partes = []
        primero = True
        for movimiento in self.movimientos:
            if not movimiento.cambia:
                partes.append(
                    _("%(nombre)s sin cambio (%(cifra)s)") % {"nombre": movimiento.nombre, "cifra": movimiento.antes}
                )
                continue
            plantilla = _("%(nombre)s pasa de %(antes)s a %(despues)s") if primero else _(
                "%(nombre)s de %(antes)s a %(despues)s"
            )
            primero = False
            partes.append(
                plantilla % {"nombre": movimiento.nombre, "antes": movimiento.antes, "despues": movimiento.despues}
            )
        return _("%(motivo)s, %(partes)s.") % {"motivo": self.motivo, "partes": "; ".join(partes)}

    def __str__(self) -> str:
        return self.frase


def _indice(resultado) -> tuple[dict, dict]:
    """``{(nivel, id): nodo}`` y ``{(nivel, id): (nivel, id) del padre}`` del árbol."""
    nodos = {("plan", resultado.id): resultado}
    padres = {}
    for eje in resultado.ejes:
        nodos[("eje", eje.id)] = eje
        padres[("eje", eje.id)] = ("plan", resultado.id)
        for compromiso in eje.compromisos:
            nodos[("compromiso", compromiso.id)] = compromiso
            padres[("compromiso", compromiso.id)] = ("eje", eje.id)
            for accion in compromiso.acciones:
                nodos[("accion", accion.id)] = accion
                padres[("accion", accion.id)] = ("compromiso", compromiso.id)
    return nodos, padres


def _consecuencia(plan: Plan, *, motivo: str, desde=None, elemento=None, pesos=None, nuevos=()) -> Consecuencia:
    """Los movimientos de ``desde`` (o del padre de ``elemento``) y de cada ascendiente hasta
    el global. Tres consultas (el roll-up público); el resto, en memoria."""
    actual = calcular_avance(plan, alcance=Alcance.PUBLICO)
    supuesto = recalcular_supuesto(actual, pesos=pesos, nuevos=nuevos)
    antes, padres = _indice(actual)
    despues, _padres = _indice(supuesto)
    movimientos = []
    llave = desde if desde is not None else padres[elemento]
    while llave is not None:
        nodo = antes[llave]
        movimientos.append(Movimiento(nodo.nivel, nodo.clave, _cifra(nodo), _cifra(despues[llave])))
        llave = padres.get(llave)
    previos = {str(error) for error in actual.errores}
    return Consecuencia(
        motivo=motivo,
        movimientos=movimientos,
        errores_nuevos=[str(error) for error in supuesto.errores if str(error) not in previos],
    )


def consecuencia_de_peso(plan: Plan, *, nivel: str, elemento_id: int, peso: Decimal) -> Consecuencia:
    """Qué cifras públicas se moverían si el eje, compromiso o acción ``elemento_id`` (de
    ``nivel``) tuviera ``peso``: las de su padre y cada ascendiente hasta el global."""
    llave = (nivel, elemento_id)
    return _consecuencia(plan, motivo=_("Con este peso"), elemento=llave, pesos={llave: peso})


def consecuencia_de_nuevo(plan: Plan, *, nivel: str, padre_id: int, numero: int, peso: Decimal) -> Consecuencia:
    """Qué cifras públicas se moverían al añadir un eje, compromiso o acción (``nivel``) con
    ``numero`` y ``peso`` bajo ``padre_id`` (el plan, un eje o un compromiso). El elemento nuevo
    no tiene avances: entra sin reporte."""
    padre = {"eje": "plan", "compromiso": "eje", "accion": "compromiso"}[nivel]
    motivos = {
        "eje": _("Con este eje nuevo"),
        "compromiso": _("Con este compromiso nuevo"),
        "accion": _("Con esta acción nueva"),
    }
    return _consecuencia(
        plan,
        motivo=motivos[nivel],
        desde=(padre, padre_id),
        nuevos=(ElementoSupuesto(padre=(padre, padre_id), numero=numero, peso=peso),),
    )
