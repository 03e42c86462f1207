"""Avance ponderado de un plan: acciones → compromisos → ejes → plan.

La fórmula, sus reglas y ejemplos están en ``ROLLUP.md`` (en esta misma
carpeta). En resumen:

* El avance de una acción en un periodo es el porcentaje de su último avance
  **validado** en ese periodo o en uno anterior (con ``Alcance.PUBLICO``, además,
  de un periodo publicado). Si no tiene ninguno está **sin reporte**.
* Cada nivel superior es la media ponderada de sus hijos:
  ``avance = Σ(peso × avance_hijo) / Σ peso``.
* Una acción sin reporte cuenta como 0 en la media de su compromiso, y siempre se
  dice cuántas hay (la ``Cobertura``). Un elemento sin ninguna acción con reporte
  no tiene avance (``None``, «sin reporte») y cuenta como 0 en su padre, por la
  misma regla.
* Un compromiso o una acción **retirada** (cancelada, fusionada o sustituida) a la fecha
  de corte del cálculo sale de él: pesa 0 en su padre y no entra a la cobertura, pero se
  sigue listando con su último avance y el porqué (``RetiroEnCalculo.explicacion``).
* Si los pesos de los hijos de un elemento suman 0 (o no tiene hijos), su avance
  no se puede calcular: se registra un ``ErrorCalculo`` y el error se propaga a
  sus ascendientes; nunca se lanza una excepción.
* Aritmética ``Decimal`` sin redondeos intermedios; se redondea (mitad hacia
  arriba) solo al mostrar, con ``redondear``.
* Tres consultas por plan, sea cual sea su tamaño: ejes, compromisos y acciones
  (estas con su último avance anotado).
"""

from __future__ import annotations

import copy
import datetime
import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.models import Accion, Compromiso, Eje, Plan, Retiro

from .models import Avance, CifraPublicada, Informe, Periodo

CERO = Decimal("0")
CIEN = Decimal("100")


class Alcance(enum.Enum):
    """Qué avances entran al cálculo."""

    #: Validados y de un periodo publicado: lo que ve la ciudadanía.
    PUBLICO = "publico"
    #: Validados, se haya publicado o no su periodo: vista interna del STL.
    INTERNO = "interno"


def redondear(valor: Decimal | None, decimales: int = 0) -> Decimal | None:
    """Redondeo para mostrar (mitad hacia arriba). Nunca se usa dentro del cálculo."""
    if valor is None:
        return None
    return valor.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cobertura:
    con_reporte: int
    total: int

    @property
    def sin_reporte(self) -> int:
        return self.total - self.con_reporte

    @property
    def completa(self) -> bool:
        return self.con_reporte == self.total

    def __add__(self, otra: Cobertura) -> Cobertura:
        return Cobertura(self.con_reporte + otra.con_reporte, self.total + otra.total)

    def __str__(self) -> str:
        return ngettext(
            "%(con)s de %(total)s acción con reporte",
            "%(con)s de %(total)s acciones con reporte",
            self.total,
        ) % {"con": self.con_reporte, "total": self.total}


@dataclass(frozen=True)
class ErrorCalculo:
    nivel: str
    clave: str
    mensaje: str

    def __str__(self) -> str:
        return self.mensaje


@dataclass(frozen=True)
class RetiroEnCalculo:
    """Un compromiso o una acción retirada del plan, tal como entra (no entra) al cálculo."""

    #: ``Retiro``: cancelada, fusionada o sustituida.
    tipo: str
    motivo: str
    fecha: datetime.date
    #: Clave del elemento con que se fusionó o que la sustituye ("" si se canceló).
    destino: str = ""
    #: «accion» o «compromiso»: de qué nivel es (y su destino).
    nivel: str = "accion"

    @property
    def fecha_texto(self) -> str:
        return date_format(self.fecha, "j \\d\\e F \\d\\e Y").lower()

    @property
    def destino_texto(self) -> str:
        """«la acción 1.5.2», «el compromiso 2.1»."""
        if not self.destino:
            return ""
        if self.nivel == "accion":
            return _("la acción %(clave)s") % {"clave": self.destino}
        return _("el compromiso %(clave)s") % {"clave": self.destino}

    @property
    def _accion(self) -> bool:
        return self.nivel == "accion"

    @property
    def prefijo(self) -> str:
        """«Cancelada», «Fusionada con», «Sustituido por» (antes del destino, si lo hay)."""
        if self.tipo == Retiro.FUSIONADA:
            return _("Fusionada con") if self._accion else _("Fusionado con")
        if self.tipo == Retiro.SUSTITUIDA:
            return _("Sustituida por") if self._accion else _("Sustituido por")
        return _("Cancelada") if self._accion else _("Cancelado")

    @property
    def estado(self) -> str:
        """«Cancelada», «Fusionada con la acción 1.5.2», «Sustituido por el compromiso 2.1»."""
        return f"{self.prefijo} {self.destino_texto}".strip()

    @property
    def como(self) -> str:
        """«cancelada», «fusionada con la acción 1.5.2», «sustituido por el compromiso 2.1»."""
        return self.estado[:1].lower() + self.estado[1:]

    @property
    def explicacion(self) -> str:
        """«Retirada (cancelada) el 3 de marzo de 2024: motivo. Desde entonces no entra…»"""
        texto = (
            _("Retirada (%(como)s) el %(fecha)s: %(motivo)s. Desde entonces no entra al cálculo (pesa 0).")
            if self._accion
            else _("Retirado (%(como)s) el %(fecha)s: %(motivo)s. Desde entonces no entra al cálculo (pesa 0), ni sus acciones.")
        )
        return texto % {"como": self.como, "fecha": self.fecha_texto, "motivo": self.motivo.rstrip(". ")}


class _Retirable:
    """Lo común a una acción y un compromiso que pueden estar retirados en el cálculo."""

    peso: Decimal
    retiro: RetiroEnCalculo | None

    @property
    def retirada(self) -> bool:
        return self.retiro is not None

    @property
    def peso_en_calculo(self) -> Decimal:
        """El peso con que entra a la media de su padre: 0 si está retirada."""
        return CERO if self.retiro is not None else self.peso


def campos_de_retiro(elemento) -> dict:
    """Las cuatro claves del retiro de un compromiso o una acción en los datos abiertos:
    ``retiro`` («cancelada», «fusionada», «sustituida» o vacío si está vigente),
    ``retiro_motivo``, ``retiro_fecha`` (AAAA-MM-DD o ``None``) y ``retiro_destino`` (clave)."""
    retiro = elemento.retiro
    if retiro is None:
        return {"retiro": "", "retiro_motivo": "", "retiro_fecha": None, "retiro_destino": ""}
    return {
        "retiro": retiro.tipo,
        "retiro_motivo": retiro.motivo,
        "retiro_fecha": retiro.fecha.isoformat(),
        "retiro_destino": retiro.destino,
    }


@dataclass
class ResultadoAccion(_Retirable):
    id: int
    numero: int
    clave: str
    descripcion: str
    peso: Decimal
    avance: Decimal | None
    etapa: str = ""
    nota_aclaratoria_marcada: bool = False
    periodo_id: int | None = None
    fecha_inicio: datetime.date | None = None
    fecha_fin: datetime.date | None = None
    #: El retiro vigente a la fecha de corte del cálculo (``None``: entra al cálculo).
    retiro: RetiroEnCalculo | None = None

    nivel = "accion"

    @property
    def sin_reporte(self) -> bool:
        return self.avance is None

    @property
    def cobertura(self) -> Cobertura:
        return Cobertura(0 if self.avance is None else 1, 1)

    @property
    def calculable(self) -> bool:
        return True


class _Agregado:
    """Estado común de un nivel agregado (compromiso, eje o plan)."""

    avance: Decimal | None
    error: ErrorCalculo | None

    @property
    def sin_reporte(self) -> bool:
        return self.error is None and self.avance is None

    @property
    def calculable(self) -> bool:
        return self.error is None


@dataclass
class _Nodo(_Agregado):
    id: int
    numero: int
    clave: str
    nombre: str
    peso: Decimal
    avance: Decimal | None = None
    cobertura: Cobertura = field(default_factory=lambda: Cobertura(0, 0))
    error: ErrorCalculo | None = None


@dataclass
class ResultadoCompromiso(_Retirable, _Nodo):
    acciones: list[ResultadoAccion] = field(default_factory=list)
    fecha_inicio: datetime.date | None = None
    fecha_conclusion: datetime.date | None = None
    retiro: RetiroEnCalculo | None = None
    nivel = "compromiso"

    @property
    def hijos(self):
        return self.acciones


@dataclass
class ResultadoEje(_Retirable, _Nodo):
    compromisos: list[ResultadoCompromiso] = field(default_factory=list)
    plan_id: int | None = None
    nivel = "eje"
    retiro = None  # un eje no se retira

    @property
    def hijos(self):
        return self.compromisos


@dataclass
class ResultadoPlan(_Agregado):
    id: int
    slug: str
    nombre: str
    alcance: Alcance
    periodo_id: int | None
    avance: Decimal | None = None
    cobertura: Cobertura = field(default_factory=lambda: Cobertura(0, 0))
    error: ErrorCalculo | None = None
    ejes: list[ResultadoEje] = field(default_factory=list)
    errores: list[ErrorCalculo] = field(default_factory=list)
    nivel = "plan"
    clave = ""

    @property
    def hijos(self):
        return self.ejes

    @property
    def meta_por_alcanzar(self) -> Decimal | None:
        return None if self.avance is None else CIEN - self.avance

    def compromisos(self):
        for eje in self.ejes:
            yield from eje.compromisos

    def acciones(self):
        for compromiso in self.compromisos():
            yield from compromiso.acciones


def _nombre(nodo) -> str:
    """«el plan», «el eje 1», «el compromiso 1.5»."""
    if nodo.nivel == "plan":
        return _("el plan")
    if nodo.nivel == "eje":
        return _("el eje %(clave)s") % {"clave": nodo.clave}
    return _("el compromiso %(clave)s") % {"clave": nodo.clave}


def _mensaje_pesos_cero(nodo) -> str:
    if nodo.nivel == "plan":
        return _(
            "Los pesos de los ejes del plan suman 0: su avance global no se puede "
            "calcular. Asigne un peso mayor que 0 a al menos un eje."
        )
    if nodo.nivel == "eje":
        return _(
            "Los pesos de los compromisos del eje %(clave)s suman 0: su avance no se "
            "puede calcular. Asigne un peso mayor que 0 a al menos un compromiso."
        ) % {"clave": nodo.clave}
    return _(
        "Los pesos de las acciones del compromiso %(clave)s suman 0: su avance no se "
        "puede calcular. Asigne un peso mayor que 0 a al menos una acción."
    ) % {"clave": nodo.clave}


def _mensaje_sin_hijos(nodo) -> str:
    if nodo.nivel == "plan":
        return _("El plan no tiene ejes: su avance global no se puede calcular.")
    if nodo.nivel == "eje":
        return _("El eje %(clave)s no tiene compromisos: su avance no se puede calcular.") % {
            "clave": nodo.clave
        }
    return _("El compromiso %(clave)s no tiene acciones: su avance no se puede calcular.") % {
        "clave": nodo.clave
    }


def _mensaje_todos_retirados(nodo) -> str:
    if nodo.nivel == "eje":
        return _(
            "Todos los compromisos del eje %(clave)s están retirados: su avance no se puede calcular."
        ) % {"clave": nodo.clave}
    return _(
        "Todas las acciones del compromiso %(clave)s están retiradas: su avance no se puede calcular."
    ) % {"clave": nodo.clave}


def _agregar(nodo, errores: list[ErrorCalculo]) -> None:
    """Calcula ``nodo.avance``, ``nodo.cobertura`` y ``nodo.error`` a partir de sus hijos.

    Los hijos ya están calculados. Regla completa en ROLLUP.md.
    """
    hijos = list(nodo.hijos)
    # Un hijo retirado no entra ni a la media ni a la cobertura (sigue listado).
    en_calculo = [h for h in hijos if not h.retirada]
    nodo.cobertura = sum((h.cobertura for h in en_calculo), Cobertura(0, 0))
    ponderados = [h for h in en_calculo if h.peso > CERO]
    no_calculables = [h for h in ponderados if not h.calculable]
    if no_calculables:
        claves = [h.clave for h in no_calculables]
        claves = claves[0] if len(claves) == 1 else ", ".join(claves[:-1]) + _(" y ") + claves[-1]
        if no_calculables[0].nivel == "eje":
            dependencia = ngettext(
                "del eje %(claves)s, que no se puede calcular",
                "de los ejes %(claves)s, que no se pueden calcular",
                len(no_calculables),
            )
        else:
            dependencia = ngettext(
                "del compromiso %(claves)s, que no se puede calcular",
                "de los compromisos %(claves)s, que no se pueden calcular",
                len(no_calculables),
            )
        nodo.error = ErrorCalculo(
            nodo.nivel,
            nodo.clave,
            _("No se puede calcular %(nodo)s: depende %(dependencia)s.")
            % {"nodo": _nombre(nodo), "dependencia": dependencia % {"claves": claves}},
        )
    elif not ponderados:
        if not hijos:
            mensaje = _mensaje_sin_hijos(nodo)
        elif not en_calculo:
            mensaje = _mensaje_todos_retirados(nodo)
        else:
            mensaje = _mensaje_pesos_cero(nodo)
        nodo.error = ErrorCalculo(nodo.nivel, nodo.clave, mensaje)
    if nodo.error is not None:
        nodo.avance = None
        errores.append(nodo.error)
        return
    if nodo.cobertura.con_reporte == 0:
        nodo.avance = None  # sin reporte: ninguna acción debajo tiene reporte
        return
    with localcontext() as ctx:
        ctx.prec = 28
        suma_pesos = sum((h.peso for h in ponderados), CERO)
        suma = sum((h.peso * (h.avance if h.avance is not None else CERO) for h in ponderados), CERO)
        nodo.avance = suma / suma_pesos


def _filtro_avances(*, alcance: Alcance, periodo: Periodo | None):
    # El periodo de un avance es siempre del plan de su acción; decirlo en la subconsulta
    # deja que la base use el índice (plan, inicio) en lugar de recorrer los periodos de todos
    # los planes (medido con tests/benchmarks/portal.py: ~4 veces menos tiempo).
    avances = Avance.objects.validados().filter(
        accion=OuterRef("pk"), periodo__plan_id=OuterRef("compromiso__eje__plan_id")
    )
    if alcance is Alcance.PUBLICO:
        avances = avances.filter(periodo__estado=Periodo.Estado.PUBLICADO)
    if periodo is not None:
        avances = avances.filter(periodo__plan_id=periodo.plan_id, periodo__inicio__lte=periodo.inicio)
    return avances.order_by("-periodo__inicio")


def calcular_avance(
    plan: Plan, *, periodo: Periodo | None = None, alcance: Alcance = Alcance.PUBLICO
) -> ResultadoPlan:
    """Calcula el árbol de avances de ``plan`` hasta ``periodo`` (incluido).

    Sin ``periodo`` usa el último avance de cada acción que entre en ``alcance``.
    Hace exactamente tres consultas.
    """
    if periodo is not None and periodo.plan_id != plan.pk:
        raise ValueError("El periodo no pertenece al plan.")
    return _calcular([plan], periodo=periodo, alcance=alcance)[plan.pk]


def calcular_avances(planes, *, alcance: Alcance = Alcance.PUBLICO) -> dict[int, ResultadoPlan]:
    """El árbol de cada plan de ``planes``, con el último avance de cada acción que entre en
    ``alcance`` (como ``calcular_avance`` sin periodo). ``{plan.pk: ResultadoPlan}``.

    Hace exactamente tres consultas, sean cuantos sean los planes y su tamaño.
    """
    return _calcular(list(planes), periodo=None, alcance=alcance)


_CAMPOS_RETIRO = ("retiro", "retiro_motivo", "retiro_fecha")


def _retiro(fila, nivel: str, destino: str, corte: datetime.date | None) -> RetiroEnCalculo | None:
    """El retiro de la fila si ya rige a la fecha de ``corte`` (sin corte: el de hoy, siempre)."""
    if not fila["retiro"] or fila["retiro_fecha"] is None:
        return None
    if corte is not None and fila["retiro_fecha"] > corte:
        return None  # se retiró después: en ese periodo todavía contaba
    return RetiroEnCalculo(fila["retiro"], fila["retiro_motivo"], fila["retiro_fecha"], destino, nivel)


def retiro_a_la_fecha(elemento, fecha: datetime.date) -> RetiroEnCalculo | None:
    """El retiro de un resultado (acción o compromiso) si ya regía el ``fecha``; sin consultas."""
    retiro = elemento.retiro
    return retiro if retiro is not None and retiro.fecha <= fecha else None


def _calcular(planes: list[Plan], *, periodo: Periodo | None, alcance: Alcance) -> dict[int, ResultadoPlan]:
    ids = [plan.pk for plan in planes]
    # Un retiro rige desde su fecha: al calcular un periodo, solo los de hasta su cierre.
    corte = periodo.fin if periodo is not None else None
    ultimos = _filtro_avances(alcance=alcance, periodo=periodo)
    # Consulta 1: ejes de los planes.
    ejes = {}
    for fila in (
        Eje.objects.filter(plan_id__in=ids)
        .order_by("plan_id", "numero")
        .values("id", "plan_id", "numero", "nombre", "peso")
    ):
        ejes[fila["id"]] = ResultadoEje(
            id=fila["id"],
            numero=fila["numero"],
            clave=str(fila["numero"]),
            nombre=fila["nombre"],
            peso=fila["peso"],
            plan_id=fila["plan_id"],
        )
    # Consulta 2: compromisos de los planes.
    compromisos = {}
    for fila in (
        Compromiso.objects.filter(eje__plan_id__in=ids)
        .order_by("eje__numero", "numero")
        .values(
            "id", "eje_id", "numero", "nombre", "peso", "fecha_inicio", "fecha_conclusion",
            *_CAMPOS_RETIRO, "retiro_destino__numero", "retiro_destino__eje__numero",
        )
    ):
        eje = ejes[fila["eje_id"]]
        destino = (
            f"{fila['retiro_destino__eje__numero']}.{fila['retiro_destino__numero']}"
            if fila["retiro_destino__numero"] is not None else ""
        )
        compromiso = ResultadoCompromiso(
            id=fila["id"],
            numero=fila["numero"],
            clave=f"{eje.numero}.{fila['numero']}",
            nombre=fila["nombre"],
            peso=fila["peso"],
            fecha_inicio=fila["fecha_inicio"],
            fecha_conclusion=fila["fecha_conclusion"],
            retiro=_retiro(fila, "compromiso", destino, corte),
        )
        compromisos[compromiso.id] = compromiso
        eje.compromisos.append(compromiso)
    # Consulta 3: acciones de los planes, cada una con su último avance que cuenta.
    acciones = (
        Accion.objects.filter(compromiso__eje__plan_id__in=ids)
        .order_by("compromiso__eje__numero", "compromiso__numero", "numero")
        .annotate(
            _porcentaje=Subquery(ultimos.values("porcentaje")[:1]),
            _etapa=Subquery(ultimos.values("etapa")[:1]),
            _nota=Subquery(ultimos.values("nota_aclaratoria_marcada")[:1]),
            _periodo=Subquery(ultimos.values("periodo_id")[:1]),
        )
        .values(
            "id", "compromiso_id", "numero", "descripcion", "peso", "fecha_inicio", "fecha_fin",
            "_porcentaje", "_etapa", "_nota", "_periodo", *_CAMPOS_RETIRO, "retiro_destino__numero",
            "retiro_destino__compromiso__numero", "retiro_destino__compromiso__eje__numero",
        )
    )
    for fila in acciones:
        compromiso = compromisos[fila["compromiso_id"]]
        porcentaje = fila["_porcentaje"]
        destino = (
            "{}.{}.{}".format(
                fila["retiro_destino__compromiso__eje__numero"], fila["retiro_destino__compromiso__numero"],
                fila["retiro_destino__numero"],
            )
            if fila["retiro_destino__numero"] is not None else ""
        )
        compromiso.acciones.append(
            ResultadoAccion(
                id=fila["id"],
                numero=fila["numero"],
                clave=f"{compromiso.clave}.{fila['numero']}",
                descripcion=fila["descripcion"],
                peso=fila["peso"],
                # SQLite devuelve el Decimal de una subconsulta como número: se normaliza.
                avance=None if porcentaje is None else Decimal(str(porcentaje)),
                etapa=fila["_etapa"] or "",
                nota_aclaratoria_marcada=bool(fila["_nota"]),
                periodo_id=fila["_periodo"],
                fecha_inicio=fila["fecha_inicio"],
                fecha_fin=fila["fecha_fin"],
                retiro=_retiro(fila, "accion", destino, corte),
            )
        )

    ejes_por_plan: dict[int, list[ResultadoEje]] = {}
    for eje in ejes.values():
        ejes_por_plan.setdefault(eje.plan_id, []).append(eje)
    resultados = {}
    for plan in planes:
        resultados[plan.pk] = ResultadoPlan(
            id=plan.pk,
            slug=plan.slug,
            nombre=plan.nombre,
            alcance=alcance,
            periodo_id=periodo.pk if periodo else None,
            ejes=ejes_por_plan.get(plan.pk, []),
        )
    for resultado in resultados.values():
        for eje in resultado.ejes:
            for compromiso in eje.compromisos:
                _agregar(compromiso, resultado.errores)
            _agregar(eje, resultado.errores)
        _agregar(resultado, resultado.errores)
    return resultados


@dataclass(frozen=True)
class Comparacion:
    """Una cifra publicada en un informe frente a la calculada con los avances publicados."""

    nivel: str
    clave: str
    nombre: str
    publicado: Decimal | None
    calculado: Decimal | None

    @property
    def calculado_redondeado(self) -> Decimal | None:
        return redondear(self.calculado)

    @property
    def coincide(self) -> bool:
        return self.publicado is not None and self.calculado_redondeado == redondear(self.publicado)

    @property
    def diferencia(self) -> Decimal | None:
        """Calculado (sin redondear) menos publicado, en puntos porcentuales."""
        if self.publicado is None or self.calculado is None:
            return None
        return self.calculado - self.publicado

    @property
    def explicacion(self) -> str:
        if self.coincide:
            return _("El cálculo reproduce la cifra publicada.")
        if self.publicado is None:
            return _("El informe no publicó una cifra para este elemento.")
        if self.calculado is None:
            return _("No hay avances publicados con los que calcular este elemento.")
        return _(
            "La cifra publicada no se obtiene de los avances de sus acciones con los "
            "pesos registrados; se muestran ambas."
        )


def informe_publicado_del_periodo(plan: Plan, periodo: Periodo | None) -> Informe | None:
    """El informe publicado más reciente cuyo periodo final es ``periodo`` (su última versión)."""
    if periodo is None:
        return None
    return (
        Informe.objects.publicados().filter(plan=plan, periodo_final=periodo)
        .order_by("-numero", "-version")
        .first()
    )


def comparar_con_informe(resultado: ResultadoPlan, informe: Informe) -> dict[tuple[str, str], Comparacion]:
    """Empareja las cifras publicadas por ``informe`` con el cálculo (una consulta).

    Devuelve un diccionario ``(nivel, clave) → Comparacion``; la clave del plan es "".
    """
    por_id = {("plan", resultado.id): resultado}
    for eje in resultado.ejes:
        por_id[("eje", eje.id)] = eje
        for compromiso in eje.compromisos:
            por_id[("compromiso", compromiso.id)] = compromiso
    comparaciones = {}
    for cifra in CifraPublicada.objects.filter(informe=informe).values(
        "nivel", "eje_id", "compromiso_id", "porcentaje"
    ):
        nivel = cifra["nivel"]
        objetivo = {
            "plan": resultado.id,
            "eje": cifra["eje_id"],
            "compromiso": cifra["compromiso_id"],
        }[nivel]
        nodo = por_id.get((nivel, objetivo))
        if nodo is None:  # una cifra de otro plan no se compara
            continue
        comparaciones[(nivel, nodo.clave)] = Comparacion(
            nivel=nivel,
            clave=nodo.clave,
            nombre=nodo.nombre,
            publicado=cifra["porcentaje"],
            calculado=nodo.avance,
        )
    return comparaciones


@dataclass(frozen=True)
class PuntoSerie:
    """Avance de un compromiso al cierre de un periodo publicado."""

    periodo_id: int
    periodo: str
    fin: datetime.date
    avance: Decimal | None
    cobertura: Cobertura


def serie_del_compromiso(compromiso: ResultadoCompromiso, periodos, avances) -> list[PuntoSerie]:
    """Avance de ``compromiso`` al cierre de cada periodo de ``periodos`` (en orden).

    ``avances``: filas ``{"accion_id", "periodo_id", "porcentaje"}`` de los avances que
    cuentan (validados y, para la ciudadanía, de periodos publicados) de sus acciones.
    Aplica la misma regla que ``calcular_avance`` (último avance a la fecha, sin reporte
    como 0 con su cobertura, pesos, retiros vigentes al cierre de cada periodo), sin
    consultas: el llamador trae las filas.
    """
    orden = {periodo.pk: indice for indice, periodo in enumerate(periodos)}
    por_accion: dict[int, list[tuple[int, Decimal]]] = {}
    for fila in avances:
        if fila["periodo_id"] in orden:
            por_accion.setdefault(fila["accion_id"], []).append(
                (orden[fila["periodo_id"]], Decimal(str(fila["porcentaje"])))
            )
    serie = []
    for indice, periodo in enumerate(periodos):
        copia = ResultadoCompromiso(
            id=compromiso.id,
            numero=compromiso.numero,
            clave=compromiso.clave,
            nombre=compromiso.nombre,
            peso=compromiso.peso,
            retiro=retiro_a_la_fecha(compromiso, periodo.fin),
        )
        for accion in compromiso.acciones:
            previos = [(i, p) for i, p in por_accion.get(accion.id, []) if i <= indice]
            copia.acciones.append(
                ResultadoAccion(
                    id=accion.id,
                    numero=accion.numero,
                    clave=accion.clave,
                    descripcion=accion.descripcion,
                    peso=accion.peso,
                    avance=max(previos)[1] if previos else None,
                    retiro=retiro_a_la_fecha(accion, periodo.fin),
                )
            )
        _agregar(copia, [])
        serie.append(PuntoSerie(periodo.pk, periodo.nombre, periodo.fin, copia.avance, copia.cobertura))
    return serie


@dataclass(frozen=True)
class Termino:
    """Un hijo en la media ponderada de su padre, como se escribe la cuenta."""

    hijo: object
    peso: Decimal
    #: Valor que entra a la media: el avance del hijo, o 0 si está sin reporte.
    valor: Decimal
    producto: Decimal

    @property
    def sin_reporte(self) -> bool:
        return self.hijo.avance is None

    @property
    def retirado(self) -> bool:
        return self.hijo.retirada

    @property
    def excluido(self) -> bool:
        """Peso 0 o retirado: no entra ni al numerador ni al denominador."""
        return self.peso == CERO or self.retirado


@dataclass(frozen=True)
class Desglose:
    terminos: list[Termino]
    suma_productos: Decimal
    suma_pesos: Decimal


def desglose(nodo, valor=None) -> Desglose:
    """La cuenta de ``nodo.avance`` = Σ peso × avance / Σ peso, término a término.

    Sirve para mostrar la aritmética («¿Cómo se calcula?»); usa los mismos valores que
    ``_agregar`` y no hace consultas. ``valor(hijo)`` cambia la cifra de cada hijo que entra
    a la media (``cifras.py`` la rehace con las cifras oficiales); por omisión, su avance.
    """
    terminos = []
    for hijo in nodo.hijos:
        cifra = hijo.avance if valor is None else valor(hijo)
        valor_hijo = cifra if cifra is not None else CERO
        terminos.append(Termino(hijo, hijo.peso, valor_hijo, hijo.peso * valor_hijo))
    incluidos = [t for t in terminos if not t.excluido]
    return Desglose(
        terminos,
        sum((t.producto for t in incluidos), CERO),
        sum((t.peso for t in incluidos), CERO),
    )


@dataclass(frozen=True)
class ElementoSupuesto:
    """Un elemento que aún no existe, para ``recalcular_supuesto``: un hijo nuevo, **sin
    reporte** (no tiene avances), de ``padre`` (``("plan" | "eje" | "compromiso", id)``)."""

    padre: tuple[str, int]
    numero: int
    peso: Decimal


def _hijo_supuesto(padre, nuevo: ElementoSupuesto):
    clave = f"{padre.clave}.{nuevo.numero}" if padre.clave else str(nuevo.numero)
    comunes = {"id": 0, "numero": nuevo.numero, "clave": clave, "peso": nuevo.peso}
    if padre.nivel == "compromiso":
        return ResultadoAccion(descripcion="", avance=None, **comunes)
    if padre.nivel == "eje":
        return ResultadoCompromiso(nombre="", **comunes)
    return ResultadoEje(nombre="", plan_id=padre.id, **comunes)


def recalcular_supuesto(
    resultado: ResultadoPlan,
    *,
    pesos: dict[tuple[str, int], Decimal] | None = None,
    nuevos: tuple[ElementoSupuesto, ...] = (),
) -> ResultadoPlan:
    """Una copia de ``resultado`` como quedaría con otros ``pesos`` (``{(nivel, id): peso}``)
    y con los elementos ``nuevos`` añadidos, recalculada con la misma regla (``_agregar``).

    No hace consultas ni toca ``resultado``: sirve para mostrar la consecuencia de un cambio
    antes de guardarlo (ROLLUP.md, § «Consecuencia de un cambio de peso»).
    """
    copia = copy.deepcopy(resultado)
    copia.errores = []
    nodos = {("plan", copia.id): copia}
    for eje in copia.ejes:
        nodos[("eje", eje.id)] = eje
        for compromiso in eje.compromisos:
            nodos[("compromiso", compromiso.id)] = compromiso
            for accion in compromiso.acciones:
                nodos[("accion", accion.id)] = accion
    for llave, peso in (pesos or {}).items():
        nodos[llave].peso = peso
    for nuevo in nuevos:
        padre = nodos[nuevo.padre]
        padre.hijos.append(_hijo_supuesto(padre, nuevo))
        padre.hijos.sort(key=lambda hijo: hijo.numero)
    for eje in copia.ejes:
        for compromiso in eje.compromisos:
            _agregar(compromiso, copia.errores)
        _agregar(eje, copia.errores)
    _agregar(copia, copia.errores)
    return copia
