"""La cifra de un plan o de un compromiso tal como la muestran sus páginas, para el widget y los
avisos por correo: la principal de ``seguimiento.cifras`` (la cifra oficial del informe que
cubre el último periodo publicado o, si no lo hay, la cifra recalculada), con su etiqueta."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from seguimiento.cifras import CifrasDelPlan
from seguimiento.portal import EstadoPublico, estado_con_cifras, estado_publico, plan_o_404
from seguimiento.templatetags.avance import pct


@dataclass
class Cifra:
    #: «Plan de Acción Local…» o «Compromiso 3.2. Justicia Abierta Administrativa».
    titulo: str
    #: El plan, siempre (un compromiso se nombra con su plan).
    plan: str
    #: Qué es la cifra: «Cifra oficial del Primer Informe Parcial» o «Cifra recalculada por el portal».
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
            return _("%(titulo)s (%(plan)s): %(cifra)s, %(etiqueta)s, con lo publicado hasta %(periodo)s.") % {
                "titulo": self.titulo, "plan": self.plan, "etiqueta": self.etiqueta[0].lower() + self.etiqueta[1:],
                "cifra": self.texto, "periodo": self.periodo,
            }
        return _("%(titulo)s (%(plan)s): todavía no hay periodos publicados.") % {
            "titulo": self.titulo, "plan": self.plan,
        }


def cifra_del_plan(estado: EstadoPublico, cifras: CifrasDelPlan) -> Cifra:
    plan = estado.plan
    return Cifra(
        titulo=plan.nombre,
        plan=str(plan),
        etiqueta=cifras.plan.etiqueta,
        valor=cifras.plan.principal,
        periodo=estado.periodo.nombre if estado.periodo else "",
        ruta=reverse("plan:plan", kwargs={"slug": plan.slug}),
    )


def cifra_del_compromiso(estado: EstadoPublico, cifras: CifrasDelPlan, clave: str) -> Cifra | None:
    """``None`` si el plan no tiene ese compromiso."""
    resultado = estado.compromiso(clave)
    if resultado is None:
        return None
    dos = cifras.de(resultado)
    return Cifra(
        titulo=_("Compromiso %(clave)s. %(nombre)s") % {"clave": resultado.clave, "nombre": resultado.nombre},
        plan=str(estado.plan),
        etiqueta=dos.etiqueta,
        valor=dos.principal if dos.hay_oficial or not resultado.error else None,
        periodo=estado.periodo.nombre if estado.periodo else "",
        ruta=reverse("plan:compromiso", kwargs={"slug": estado.plan.slug, "clave": resultado.clave}),
    )


def estado_del_plan(slug: str) -> EstadoPublico:
    """El estado público del plan de la dirección, o 404 (cinco consultas)."""
    plan = plan_o_404(slug)
    return estado_publico([plan])[plan.pk]


def cifras_del_plan(slug: str) -> tuple[EstadoPublico, CifrasDelPlan]:
    """El estado público y las dos cifras del plan de la dirección, o 404 (siete consultas como
    mucho: las de ``estado_del_plan`` más el informe del periodo y sus cifras)."""
    return estado_con_cifras(plan_o_404(slug))
