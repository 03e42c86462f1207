"""La cifra de un plan o de un compromiso tal como la muestran sus páginas, para el widget y los
avisos por correo. Las etiquetas viven solo aquí: si cambia cómo se llama la cifra en el portal,
cambia aquí una vez."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from seguimiento.portal import EstadoPublico, estado_publico, plan_o_404
from seguimiento.templatetags.avance import pct


def etiqueta_del_plan() -> str:
    return _("Avance global")


def etiqueta_del_compromiso() -> str:
    return _("Avance del compromiso")


@dataclass
class Cifra:
    #: «Plan de Acción Local…» o «Compromiso 3.2. Justicia Abierta Administrativa».
    titulo: str
    #: El plan, siempre (un compromiso se nombra con su plan).
    plan: str
    etiqueta: str
    valor: Decimal | None
    #: El nombre del periodo publicado al que corresponde, o vacío si no hay ninguno.
    periodo: str
    #: La página del portal (ruta, sin esquema ni host).
    ruta: str

    @property
    def texto(self) -> str:
        """«45 %» o «sin reporte», con el mismo redondeo que las páginas."""
        return pct(self.valor)

    @property
    def descripcion(self) -> str:
        """Una frase completa, para el texto alternativo y los correos."""
        if self.periodo:
            return _("%(titulo)s (%(plan)s): %(etiqueta)s %(cifra)s con lo publicado hasta %(periodo)s.") % {
                "titulo": self.titulo, "plan": self.plan, "etiqueta": self.etiqueta.lower(),
                "cifra": self.texto, "periodo": self.periodo,
            }
        return _("%(titulo)s (%(plan)s): todavía no hay periodos publicados.") % {
            "titulo": self.titulo, "plan": self.plan,
        }


def cifra_del_plan(estado: EstadoPublico) -> Cifra:
    plan = estado.plan
    return Cifra(
        titulo=plan.nombre,
        plan=str(plan),
        etiqueta=etiqueta_del_plan(),
        valor=estado.resultado.avance,
        periodo=estado.periodo.nombre if estado.periodo else "",
        ruta=reverse("plan:plan", kwargs={"slug": plan.slug}),
    )


def cifra_del_compromiso(estado: EstadoPublico, clave: str) -> Cifra | None:
    """``None`` si el plan no tiene ese compromiso."""
    resultado = estado.compromiso(clave)
    if resultado is None:
        return None
    return Cifra(
        titulo=_("Compromiso %(clave)s. %(nombre)s") % {"clave": resultado.clave, "nombre": resultado.nombre},
        plan=str(estado.plan),
        etiqueta=etiqueta_del_compromiso(),
        valor=None if resultado.error else resultado.avance,
        periodo=estado.periodo.nombre if estado.periodo else "",
        ruta=reverse("plan:compromiso", kwargs={"slug": estado.plan.slug, "clave": resultado.clave}),
    )


def estado_del_plan(slug: str) -> EstadoPublico:
    """El estado público del plan de la dirección, o 404 (cinco consultas)."""
    plan = plan_o_404(slug)
    return estado_publico([plan])[plan.pk]
