"""Las dos cifras de cada elemento: la **cifra oficial** y la **cifra recalculada**.

* **Cifra oficial**: la que el Secretariado Técnico Local (STL) publicó en un informe
  (``CifraPublicada``), siempre con el nombre del informe. Solo hay cifra oficial si un
  informe publicado cubre el último periodo publicado (``rollup.informe_publicado_del_periodo``).
* **Cifra recalculada**: la que el portal calcula con los avances publicados de las acciones
  y los pesos (``rollup``): la media ponderada de cada nivel.

La cifra principal de un elemento (la que se muestra en grande) es la oficial si la hay; si no,
la recalculada. Cuando las dos no dan lo mismo al redondear, ``DosCifras.causas`` dice qué
compromisos lo causan (su cifra oficial no es la media de los avances de sus acciones) y
``DosCifras.de_sus_partes`` si la cifra oficial de un eje o del plan tampoco es la media de
las cifras oficiales de sus partes. Ninguna cifra se ajusta: se muestran las dos y se explica.

Sin consultas: parte del árbol ya calculado y de las comparaciones ya leídas
(``portal.estado_con_informe``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Informe
from .rollup import Comparacion, ResultadoPlan, desglose, redondear
from .templatetags.avance import exacto, pct  # el mismo redondeo, una vez, que en las páginas


def _lista(claves: list[str]) -> str:
    """«1.5», «1.5 y 2.1», «1.5, 2.1 y 5.1»."""
    if len(claves) <= 1:
        return "".join(claves)
    return _("%(primeras)s y %(ultima)s") % {"primeras": ", ".join(claves[:-1]), "ultima": claves[-1]}


@dataclass
class DosCifras:
    """Cifra oficial y cifra recalculada de un compromiso, un eje o el plan."""

    nivel: str
    clave: str
    nombre: str
    #: Cifra recalculada por el portal, exacta (``None``: sin reporte o no calculable).
    recalculada: Decimal | None
    #: Informe publicado del último periodo publicado (``None``: ningún informe lo cubre).
    informe: Informe | None = None
    #: Cifra oficial tal como la publicó ``informe`` (``None``: no hay informe o no le puso cifra).
    oficial: Decimal | None = None
    #: Media ponderada de las cifras oficiales de sus partes (la recalculada de la parte que no
    #: tiene oficial). Solo ejes y plan; para un compromiso sus partes son las acciones, cuya
    #: media es la cifra recalculada.
    de_sus_partes: Decimal | None = None
    #: Solo compromisos: el avance de cada acción que entra a la media (0 si está sin reporte).
    avances_de_sus_acciones: list[Decimal] = field(default_factory=list)
    #: Partes directas (ejes del plan, compromisos del eje) cuyas dos cifras no coinciden.
    partes_distintas: list[DosCifras] = field(default_factory=list)
    #: Compromisos debajo (o el mismo) cuya cifra oficial no es la media de sus acciones.
    causas: list[DosCifras] = field(default_factory=list)

    @property
    def hay_oficial(self) -> bool:
        return self.oficial is not None

    @property
    def principal(self) -> Decimal | None:
        """La cifra que se muestra en grande: la oficial si la hay; si no, la recalculada."""
        return self.oficial if self.oficial is not None else self.recalculada

    @property
    def coincide(self) -> bool:
        return self.oficial is not None and redondear(self.oficial) == redondear(self.recalculada)

    @property
    def difiere(self) -> bool:
        return self.oficial is not None and not self.coincide

    @property
    def oficial_sale_de_sus_partes(self) -> bool:
        """Si la cifra oficial de un eje o del plan es la media de las cifras oficiales de sus
        partes (al redondear). Un compromiso: si es la media de sus acciones."""
        if self.nivel == "compromiso":
            return self.coincide
        return self.oficial is not None and redondear(self.oficial) == redondear(self.de_sus_partes)

    @property
    def etiqueta(self) -> str:
        """Qué es la cifra principal: «Cifra oficial del Primer Informe Parcial» o «Cifra recalculada»."""
        if self.oficial is not None:
            return _("Cifra oficial del %(informe)s") % {"informe": self.informe.titulo}
        return _("Cifra recalculada por el portal")

    @property
    def razon_breve(self) -> str:
        """Una línea para una tarjeta o un encabezado: coincide, o por qué difiere."""
        if self.informe is None:
            return _("Ningún informe publicado cubre este periodo.")
        if self.oficial is None:
            return _("El %(informe)s no publicó cifra para %(elemento)s.") % {
                "informe": self.informe.titulo,
                "elemento": self._elemento(),
            }
        if self.coincide:
            return _("La cifra recalculada por el portal coincide con el %(informe)s.") % {
                "informe": self.informe.titulo
            }
        if self.recalculada is None:
            return _("No hay cifra recalculada con la cual compararla.")
        if self.nivel == "compromiso":
            return _("La cifra oficial no es la media de los avances de sus acciones.")
        partes = []
        if self.causas:
            partes.append(
                ngettext(
                    "Difiere por el compromiso %(claves)s.",
                    "Difiere por los compromisos %(claves)s.",
                    len(self.causas),
                )
                % {"claves": _lista([c.clave for c in self.causas])}
            )
        if not self.oficial_sale_de_sus_partes:
            if self.causas:
                texto = _("Tampoco es la media de las cifras oficiales de sus %(partes)s (%(media)s\u00a0%%).")
            else:
                texto = _(
                    "La cifra oficial no es la media de las cifras oficiales de sus %(partes)s (%(media)s\u00a0%%)."
                )
            partes.append(texto % {"partes": self._partes(), "media": exacto(self.de_sus_partes, 2)})
        return " ".join(partes) or _("La diferencia es de redondeo.")

    @property
    def explicacion(self) -> str:
        """Por qué difieren, en palabras; vacía si coinciden o no hay cifra oficial."""
        if not self.difiere:
            return ""
        datos = {
            "oficial": pct(self.oficial),
            "recalculada": pct(self.recalculada),
            "informe": self.informe.titulo,
        }
        if self.recalculada is None:
            return _(
                "El %(informe)s publicó %(oficial)s, pero hoy no hay avances publicados con los que "
                "recalcularla (o la cuenta no se puede hacer: ver «¿Cómo se calcula?»)."
            ) % datos
        if self.nivel == "compromiso":
            return (
                _(
                    "El %(informe)s publicó %(oficial)s, pero la media de los avances publicados "
                    "de sus acciones (%(avances)s), con los pesos registrados, es %(media)s, que se "
                    "muestra como %(recalculada)s: la cifra recalculada. El informe no dice cómo "
                    "obtuvo su cifra; el portal no ajusta ninguna de las dos."
                )
                % {
                    "avances": _lista([exacto(a, 2) for a in self.avances_de_sus_acciones]),
                    "media": exacto(self.recalculada, 2),
                    **datos,
                }
            )
        partes = []
        if self.causas:
            claves = _lista([c.clave for c in self.causas])
            if self.nivel == "plan":
                ejes = [eje.clave for eje in self.partes_distintas if eje.causas]
                claves = ngettext("%(claves)s (eje %(ejes)s)", "%(claves)s (ejes %(ejes)s)", len(ejes)) % {
                    "claves": claves,
                    "ejes": _lista(ejes),
                }
            partes.append(
                ngettext(
                    "La diferencia viene del compromiso %(claves)s, cuya cifra oficial no es la media "
                    "de los avances de sus acciones.",
                    "La diferencia viene de los compromisos %(claves)s: en cada uno, la cifra oficial "
                    "no es la media de los avances de sus acciones.",
                    len(self.causas),
                )
                % {"claves": claves}
            )
        if self.oficial_sale_de_sus_partes and not self.causas:
            partes.append(
                _(
                    "La diferencia es de redondeo: la media de las cifras oficiales de sus "
                    "%(partes)s da %(oficial)s."
                )
                % {"partes": self._partes(), **datos}
            )
        elif self.oficial_sale_de_sus_partes:
            partes.append(
                _("Con las cifras oficiales de sus %(partes)s, la media sí da %(oficial)s.")
                % {"partes": self._partes(), **datos}
            )
        else:
            texto = _(
                "Además, el %(oficial)s del informe tampoco es la media de las cifras oficiales de sus "
                "%(partes)s, que da %(media)s\u00a0%%."
            ) if self.causas else _(
                "El %(oficial)s del informe no es la media de las cifras oficiales de sus %(partes)s, "
                "que da %(media)s\u00a0%%."
            )
            partes.append(texto % {"partes": self._partes(), "media": exacto(self.de_sus_partes, 2), **datos})
        return " ".join(partes)

    def _elemento(self) -> str:
        if self.nivel == "plan":
            return _("el avance global")
        if self.nivel == "eje":
            return _("el eje %(clave)s") % {"clave": self.clave}
        return _("el compromiso %(clave)s") % {"clave": self.clave}

    def _partes(self) -> str:
        return _("ejes") if self.nivel == "plan" else _("compromisos")


@dataclass
class CifrasDelPlan:
    """Las dos cifras de cada elemento del plan: ``cifras.de(nodo)``."""

    informe: Informe | None
    plan: DosCifras
    por_clave: dict[tuple[str, str], DosCifras]
    #: Todas, en el orden del plan: el plan, cada eje y a continuación sus compromisos.
    en_orden: list[DosCifras] = field(default_factory=list)

    def de(self, nodo) -> DosCifras:
        return self.por_clave[(nodo.nivel, nodo.clave)]

    @property
    def causas(self) -> list[DosCifras]:
        return self.plan.causas

    @property
    def distintas(self) -> list[DosCifras]:
        """Con informe: cada elemento cuya cifra oficial no coincide o que no tiene (en orden)."""
        if self.informe is None:
            return []
        return [dos for dos in self.en_orden if not dos.coincide]


def _de_sus_partes(nodo, cifras: dict[tuple[str, str], DosCifras]) -> Decimal | None:
    """Media ponderada con la cifra oficial de cada parte (la recalculada si no tiene)."""
    cuenta = desglose(nodo, valor=lambda hijo: cifras[(hijo.nivel, hijo.clave)].principal)
    if not cuenta.suma_pesos:
        return None
    return cuenta.suma_productos / cuenta.suma_pesos


def dos_cifras(
    resultado: ResultadoPlan,
    informe: Informe | None,
    comparaciones: dict[tuple[str, str], Comparacion],
) -> CifrasDelPlan:
    """Cifra oficial y recalculada de cada compromiso, eje y del plan, con sus causas.

    ``comparaciones`` es ``rollup.comparar_con_informe(resultado, informe)`` (``{}`` sin
    informe). No hace consultas.
    """
    cifras: dict[tuple[str, str], DosCifras] = {}

    def nuevas(nodo) -> DosCifras:
        comparacion = comparaciones.get((nodo.nivel, nodo.clave))
        dos = DosCifras(
            nivel=nodo.nivel,
            clave=nodo.clave,
            nombre=nodo.nombre,
            recalculada=nodo.avance,
            informe=informe,
            oficial=None if comparacion is None else comparacion.publicado,
        )
        cifras[(nodo.nivel, nodo.clave)] = dos
        return dos

    def agregado(nodo, partes: list[DosCifras]) -> DosCifras:
        dos = nuevas(nodo)
        dos.de_sus_partes = _de_sus_partes(nodo, cifras)
        dos.partes_distintas = [p for p in partes if p.difiere]
        dos.causas = [causa for parte in dos.partes_distintas for causa in parte.causas]
        return dos

    ejes, en_orden = [], []
    for eje in resultado.ejes:
        compromisos = []
        for compromiso in eje.compromisos:
            dos = nuevas(compromiso)
            dos.avances_de_sus_acciones = [t.valor for t in desglose(compromiso).terminos if not t.excluido]
            if dos.difiere:
                dos.causas = [dos]
            compromisos.append(dos)
        ejes.append(agregado(eje, compromisos))
        en_orden += [ejes[-1], *compromisos]
    plan = agregado(resultado, ejes)
    return CifrasDelPlan(informe=informe, plan=plan, por_clave=cifras, en_orden=[plan, *en_orden])
