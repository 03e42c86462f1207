"""Estado de un compromiso frente a su calendario: en tiempo, en riesgo o con retraso.

La regla (también en ``ROLLUP.md``, § 8, y junto a cada estado en el portal):

1. **Plazo.** Del inicio a la conclusión del compromiso. Si el compromiso no registra sus
   fechas se usan las de sus acciones (la primera fecha de inicio y la última de fin). Si
   tampoco las tienen, el plan **no publicó** el calendario del compromiso: lo único que
   queda es suponer la vigencia del plan (1 de enero del año de inicio → fecha meta del plan,
   o 31 de diciembre del año de fin), y un estado calculado con fechas supuestas no es un
   dato. Entonces el estado es **sin calendario publicado** (neutral) y la cuenta con las
   fechas supuestas solo se da como referencia, diciendo que lo son.
2. **Fecha de corte.** El último día del periodo cuyo avance se muestra: el estado se evalúa
   con lo publicado, no con la fecha de hoy, para que cualquiera lo reproduzca.
3. **Avance esperado** = porcentaje del plazo transcurrido a la fecha de corte
   (días transcurridos ÷ días del plazo × 100, entre 0 y 100).
4. **Rezago** = avance esperado − avance publicado, en puntos porcentuales.

En este orden:

* avance 100 % → **concluido** (no depende de fechas);
* sin fechas del compromiso ni de sus acciones → **sin calendario publicado** (no se evalúa);
* plazo vencido sin concluir, o rezago > 25 puntos → **con retraso**;
* rezago ≤ 10 puntos → **en tiempo**;
* en otro caso (rezago de más de 10 y hasta 25 puntos) → **en riesgo**;
* sin avance publicado → **sin reporte** (no se evalúa).

Sin consultas: trabaja con el resultado del roll-up (``rollup.py``), que ya trae las fechas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rollup import CERO, CIEN, redondear

#: Rezago máximo, en puntos, que aún se considera «en tiempo».
TOLERANCIA = Decimal("10")
#: Rezago a partir del cual (sin incluirlo) un compromiso está «con retraso».
UMBRAL_RETRASO = Decimal("25")


class Estado(models.TextChoices):
    CONCLUIDO = "concluido", gettext_lazy("Concluido")
    EN_TIEMPO = "en-tiempo", gettext_lazy("En tiempo")
    EN_RIESGO = "en-riesgo", gettext_lazy("En riesgo")
    CON_RETRASO = "con-retraso", gettext_lazy("Con retraso")
    SIN_CALENDARIO = "sin-calendario", gettext_lazy("Sin calendario publicado")
    SIN_REPORTE = "sin-reporte", gettext_lazy("Sin reporte")


class FuenteFechas(models.TextChoices):
    COMPROMISO = "compromiso", gettext_lazy("las fechas del compromiso")
    ACCIONES = "acciones", gettext_lazy("las fechas de sus acciones")
    PLAN = "plan", gettext_lazy("la vigencia del plan (fechas supuestas: el plan no publicó las del compromiso)")


@dataclass(frozen=True)
class Semaforo:
    estado: Estado
    inicio: datetime.date
    fin: datetime.date
    fuente_fechas: FuenteFechas
    corte: datetime.date | None
    avance: Decimal | None
    esperado: Decimal | None
    rezago: Decimal | None
    #: El plan no registra fecha meta: el fin del plazo supuesto es el 31 de diciembre.
    fin_supuesto: bool = False

    @property
    def etiqueta(self) -> str:
        return self.estado.label

    @property
    def fechas_supuestas(self) -> bool:
        """El plazo no salió de fechas publicadas (compromiso o acciones) sino de la vigencia."""
        return self.fuente_fechas == FuenteFechas.PLAN

    @property
    def aviso_fechas(self) -> str:
        """Qué fechas se supusieron y por qué; vacío si el plazo salió de fechas publicadas."""
        if not self.fechas_supuestas:
            return ""
        datos = {"inicio": _fecha(self.inicio), "fin": _fecha(self.fin)}
        if self.fin_supuesto:
            return _(
                "El plan no publicó las fechas de inicio ni de conclusión de este compromiso ni "
                "de sus acciones, ni una fecha meta. Fechas supuestas: el %(inicio)s (inicio del "
                "primer año de la vigencia) y el %(fin)s (fin del último año)."
            ) % datos
        return _(
            "El plan no publicó las fechas de inicio ni de conclusión de este compromiso ni de "
            "sus acciones. Fechas supuestas: el %(inicio)s (inicio del primer año de la vigencia; "
            "el plan no publicó su fecha de inicio) y el %(fin)s (la fecha meta del plan)."
        ) % datos

    @property
    def explicacion(self) -> str:
        """La cuenta escrita, para ponerla junto al estado."""
        plazo = _("plazo del %(inicio)s al %(fin)s, según %(fuente)s") % {
            "inicio": _fecha(self.inicio),
            "fin": _fecha(self.fin),
            "fuente": self.fuente_fechas.label,
        }
        if self.estado == Estado.SIN_REPORTE:
            if self.fechas_supuestas:
                return _("Sin avance publicado no se puede evaluar.") + " " + self.aviso_fechas
            return _("Sin avance publicado no se puede evaluar (%(plazo)s).") % {"plazo": plazo}
        datos = {
            "plazo": plazo,
            "corte": _fecha(self.corte),
            "esperado": redondear(self.esperado),
            "avance": redondear(self.avance),
            "rezago": redondear(abs(self.rezago)),
        }
        if self.estado == Estado.CONCLUIDO:
            if self.fechas_supuestas:
                return _("Avance del 100 %% al %(corte)s.") % datos + " " + _(
                    "No depende de fechas: el plan no publicó las del compromiso."
                )
            return _("Avance del 100 %% al %(corte)s (%(plazo)s).") % datos
        if self.estado == Estado.SIN_CALENDARIO:
            return " ".join(
                [
                    self.aviso_fechas,
                    _(
                        "Con fechas supuestas el estado no sería un dato, así que no se dice si va "
                        "en tiempo, en riesgo o con retraso."
                    ),
                    _(
                        "Solo como referencia, calculado con esas fechas supuestas: al %(corte)s "
                        "habría transcurrido el %(esperado)s %% del plazo y la cifra recalculada es "
                        "%(avance)s %%."
                    ) % datos,
                ]
            )
        base = _(
            "Al %(corte)s había transcurrido el %(esperado)s %% del %(plazo)s; "
            "la cifra recalculada es %(avance)s %%"
        ) % datos
        if self.rezago <= CERO:
            return base + _(": va adelante del calendario.")
        base += _(", %(rezago)s puntos por debajo de lo esperado") % datos
        if self.estado == Estado.EN_TIEMPO:
            return base + _(" (hasta %(tol)s puntos se considera en tiempo).") % {"tol": TOLERANCIA}
        if self.estado == Estado.EN_RIESGO:
            return base + _(" (más de %(tol)s y hasta %(umbral)s puntos: en riesgo).") % {
                "tol": TOLERANCIA,
                "umbral": UMBRAL_RETRASO,
            }
        if self.corte > self.fin:
            return base + _("; el plazo ya venció sin concluir.")
        return base + _(" (más de %(umbral)s puntos: con retraso).") % {"umbral": UMBRAL_RETRASO}


def _fecha(fecha: datetime.date) -> str:
    """«30 de noviembre de 2023» (los meses en minúscula, como se escriben en español)."""
    return date_format(fecha, "j \\d\\e F \\d\\e Y").lower()


def plazo_del_plan(plan) -> tuple[datetime.date, datetime.date]:
    """Plazo supuesto: el plan registra sus años de vigencia y su fecha meta, no su día de inicio."""
    inicio = datetime.date(plan.anio_inicio, 1, 1)
    fin = plan.fecha_meta or datetime.date(plan.anio_fin, 12, 31)
    return inicio, fin


def plazo(compromiso, plan) -> tuple[datetime.date, datetime.date, FuenteFechas]:
    """Plazo de un ``ResultadoCompromiso``: el suyo, el de sus acciones o el del plan."""
    if compromiso.fecha_inicio and compromiso.fecha_conclusion:
        return compromiso.fecha_inicio, compromiso.fecha_conclusion, FuenteFechas.COMPROMISO
    inicios = [a.fecha_inicio for a in compromiso.acciones if a.fecha_inicio]
    fines = [a.fecha_fin for a in compromiso.acciones if a.fecha_fin]
    if inicios and fines and min(inicios) <= max(fines):
        return min(inicios), max(fines), FuenteFechas.ACCIONES
    inicio, fin = plazo_del_plan(plan)
    return inicio, fin, FuenteFechas.PLAN


def evaluar(compromiso, plan, corte: datetime.date | None) -> Semaforo:
    """Semáforo de un ``ResultadoCompromiso`` a la fecha de ``corte`` (fin del periodo mostrado)."""
    inicio, fin, fuente = plazo(compromiso, plan)
    fin_supuesto = fuente == FuenteFechas.PLAN and not plan.fecha_meta
    avance = compromiso.avance
    if avance is None or corte is None:
        return Semaforo(Estado.SIN_REPORTE, inicio, fin, fuente, corte, None, None, None, fin_supuesto)
    dias = (fin - inicio).days
    if dias <= 0:
        esperado = CIEN if corte >= fin else CERO
    else:
        transcurridos = min(max((corte - inicio).days, 0), dias)
        esperado = CIEN * Decimal(transcurridos) / Decimal(dias)
    rezago = esperado - avance
    if avance >= CIEN:
        estado = Estado.CONCLUIDO
    elif fuente == FuenteFechas.PLAN:
        estado = Estado.SIN_CALENDARIO
    elif corte > fin or rezago > UMBRAL_RETRASO:
        estado = Estado.CON_RETRASO
    elif rezago <= TOLERANCIA:
        estado = Estado.EN_TIEMPO
    else:
        estado = Estado.EN_RIESGO
    return Semaforo(estado, inicio, fin, fuente, corte, avance, esperado, rezago, fin_supuesto)
