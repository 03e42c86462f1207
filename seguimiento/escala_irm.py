"""Nivel de cumplimiento de un compromiso en la escala de la OGP (IRM): una autoevaluación.

El Mecanismo de Revisión Independiente (IRM) de la Alianza para el Gobierno Abierto (OGP)
califica el cumplimiento (*completion*) de cada compromiso en cinco niveles: *No Evidence
Available*, *Not Started*, *Limited*, *Substantial* y *Complete*; los compromisos sustanciales
o completos son los de «alto cumplimiento» (glosario de la OGP, «Completion»:
https://www.opengovpartnership.org/glossary/completion/). El IRM no fija porcentajes: evalúa
las actividades con su propia revisión de evidencias, cuatro meses después de concluir el
plan. Esta es la regla del portal para que el STL y la ciudadanía ubiquen cada compromiso en
esa escala con lo publicado (p. ej. para la autoevaluación de OGP Local); no es una
calificación del IRM.

La regla (también en ``ROLLUP.md``, § 9, y en «¿Cómo se calcula?» de cada plan), con el
avance **calculado** del compromiso (``rollup.py``: media ponderada de sus acciones con
avance validado de periodos publicados; una acción sin reporte cuenta como 0), **exacto, sin
redondear**, y en este orden:

* ninguna acción con avance publicado → **sin evidencia** (*No Evidence Available*);
* avance 0 % → **no iniciado** (*Not Started*);
* más de 0 y menos de 50 % → **limitado** (*Limited*);
* de 50 % a menos de 100 % → **sustancial** (*Substantial*);
* 100 % (todas sus acciones con peso al 100 %) → **completo** (*Complete*).

Un compromiso cuyo avance no se puede calcular (pesos que suman 0) no tiene nivel: el error
se muestra en su lugar. Sin consultas: trabaja con el resultado del roll-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rollup import CERO, CIEN
from .templatetags.avance import exacto

#: Desde este avance (incluido) el cumplimiento es sustancial: la mitad del compromiso.
UMBRAL_SUSTANCIAL = Decimal("50")


class NivelIRM(models.TextChoices):
    SIN_EVIDENCIA = "sin-evidencia", gettext_lazy("Sin evidencia")
    NO_INICIADO = "no-iniciado", gettext_lazy("No iniciado")
    LIMITADO = "limitado", gettext_lazy("Limitado")
    SUSTANCIAL = "sustancial", gettext_lazy("Sustancial")
    COMPLETO = "completo", gettext_lazy("Completo")

    @property
    def en_ingles(self) -> str:
        """El nombre del nivel en los formularios y reportes de la OGP."""
        return _NOMBRES_OGP[self]

    @property
    def condicion(self) -> str:
        """La condición de la regla que lleva a este nivel, en palabras."""
        datos = {"umbral": UMBRAL_SUSTANCIAL}
        return {
            NivelIRM.SIN_EVIDENCIA: _("Ninguna de sus acciones tiene un avance publicado"),
            NivelIRM.NO_INICIADO: _("Avance de 0 %"),
            NivelIRM.LIMITADO: _("Más de 0 y menos de %(umbral)s %%") % datos,
            NivelIRM.SUSTANCIAL: _("De %(umbral)s %% a menos de 100 %%") % datos,
            NivelIRM.COMPLETO: _("Avance de 100 % (todas sus acciones al 100 %)"),
        }[self]

    @property
    def alto(self) -> bool:
        """«Alto cumplimiento» para la OGP: sustancial o completo."""
        return self in (NivelIRM.SUSTANCIAL, NivelIRM.COMPLETO)


_NOMBRES_OGP = {
    NivelIRM.SIN_EVIDENCIA: "No Evidence Available",
    NivelIRM.NO_INICIADO: "Not Started",
    NivelIRM.LIMITADO: "Limited",
    NivelIRM.SUSTANCIAL: "Substantial",
    NivelIRM.COMPLETO: "Complete",
}


@dataclass(frozen=True)
class Cumplimiento:
    #: ``None`` si el avance del compromiso no se puede calcular.
    nivel: NivelIRM | None
    avance: Decimal | None

    @property
    def etiqueta(self) -> str:
        return self.nivel.label if self.nivel else _("No calculable")

    @property
    def explicacion(self) -> str:
        """La regla aplicada a este compromiso, para ponerla junto al nivel."""
        if self.nivel is None:
            return _("Su avance no se puede calcular, así que no tiene nivel.")
        if self.nivel == NivelIRM.SIN_EVIDENCIA:
            return _("Ninguna de sus acciones tiene un avance publicado: no hay con qué ubicarlo en la escala.")
        # La cifra que decide el nivel, con hasta dos decimales (33.33, 36.25, 56).
        datos = {"avance": exacto(self.avance, 2), "umbral": UMBRAL_SUSTANCIAL}
        if self.nivel == NivelIRM.NO_INICIADO:
            return _("Avance publicado de 0 %: no iniciado.")
        if self.nivel == NivelIRM.LIMITADO:
            return _("Cifra recalculada de %(avance)s %%: más de 0 y menos de %(umbral)s %%, limitado.") % datos
        if self.nivel == NivelIRM.SUSTANCIAL:
            return _("Cifra recalculada de %(avance)s %%: de %(umbral)s %% a menos de 100 %%, sustancial.") % datos
        return _("Avance de 100 %: todas sus acciones al 100 %, completo.")


def nivel(avance: Decimal | None) -> NivelIRM:
    """El nivel de un avance exacto (``None``: sin evidencia)."""
    if avance is None:
        return NivelIRM.SIN_EVIDENCIA
    if avance <= CERO:
        return NivelIRM.NO_INICIADO
    if avance < UMBRAL_SUSTANCIAL:
        return NivelIRM.LIMITADO
    if avance < CIEN:
        return NivelIRM.SUSTANCIAL
    return NivelIRM.COMPLETO


def evaluar(compromiso) -> Cumplimiento:
    """Nivel de un ``ResultadoCompromiso`` (usa su ``avance`` y su ``error``)."""
    if compromiso.error:
        return Cumplimiento(None, None)
    return Cumplimiento(nivel(compromiso.avance), compromiso.avance)


def conteo(cumplimientos: Iterable[Cumplimiento], *, con_ceros: bool = False) -> list[tuple[NivelIRM, int]]:
    """Cuántos compromisos hay en cada nivel, en el orden de la escala (sin los niveles en 0,
    salvo ``con_ceros``)."""
    cuenta = Counter(c.nivel for c in cumplimientos if c.nivel)
    return [(n, cuenta[n]) for n in NivelIRM if con_ceros or cuenta[n]]
