"""Novedades en Atom de un plan y de un compromiso: cada periodo publicado (con sus avances) y
cada informe publicado, con la fecha en que se publicó (``seguimiento.fechas_publicas``).

Consultas fijas sea cual sea el plan: el plan, sus periodos publicados, los avances publicados
que cuentan (agregados por periodo, o los del compromiso) y los informes congelados.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seguimiento.fechas_publicas import fecha_del_informe, fecha_del_periodo
from seguimiento.models import Avance, Informe
from seguimiento.portal import plan_o_404
from seguimiento.rollup import serie_del_compromiso
from seguimiento.templatetags.avance import pct

from .cifras import estado_del_plan


@dataclass
class Novedad:
    titulo: str
    descripcion: str
    ruta: str
    #: Identificador permanente de la entrada (la página con un ancla propia).
    ancla: str
    fecha: datetime.date | None


def _novedades_de_informes(plan) -> list[Novedad]:
    novedades = []
    for informe in Informe.objects.congelados().filter(plan=plan).select_related("periodo_inicial", "periodo_final"):
        titulo = informe.titulo if informe.version == 1 else _("%(titulo)s, versión %(version)s") % {
            "titulo": informe.titulo, "version": informe.version,
        }
        descripcion = _("Informe del periodo %(periodo)s, en PDF y en Excel, tal como se publicó.") % {
            "periodo": informe.periodo_final.nombre
        }
        if informe.motivo_correccion:
            descripcion += " " + _("Corrige la versión anterior: %(motivo)s") % {"motivo": informe.motivo_correccion}
        novedades.append(
            Novedad(
                titulo=_("Informe publicado: %(titulo)s") % {"titulo": titulo},
                descripcion=descripcion,
                ruta=informe.get_absolute_url(),
                ancla=f"informe-{informe.numero}-v{informe.version}",
                fecha=fecha_del_informe(informe),
            )
        )
    return novedades


def novedades_del_plan(plan) -> list[Novedad]:
    periodos = list(plan.periodos.publicados().order_by("inicio"))
    cuentas = dict(
        Avance.objects.publicados().del_plan(plan).values("periodo_id").annotate(n=Count("pk")).values_list("periodo_id", "n")
    )
    ruta = plan.get_absolute_url()
    novedades = [
        Novedad(
            titulo=_("Avances publicados: %(periodo)s") % {"periodo": periodo.nombre},
            descripcion=ngettext(
                "El STL publicó %(n)s avance validado del periodo %(periodo)s.",
                "El STL publicó %(n)s avances validados del periodo %(periodo)s.",
                cuentas.get(periodo.pk, 0),
            ) % {"n": cuentas.get(periodo.pk, 0), "periodo": periodo.nombre},
            ruta=ruta,
            ancla=f"periodo-{periodo.slug}",
            fecha=fecha_del_periodo(periodo),
        )
        for periodo in periodos
    ]
    return _ordenar(novedades + _novedades_de_informes(plan))


def novedades_del_compromiso(plan, resultado) -> list[Novedad]:
    """Los periodos publicados en que alguna acción del compromiso tuvo un avance validado, con la
    cifra del compromiso al cierre de ese periodo (la de su gráfica), y los informes del plan."""
    periodos = list(plan.periodos.publicados().order_by("inicio"))
    avances = list(
        Avance.objects.publicados().filter(accion__compromiso_id=resultado.id).values("accion_id", "periodo_id", "porcentaje")
    )
    serie = {punto.periodo_id: punto for punto in serie_del_compromiso(resultado, periodos, avances)}
    claves = {accion.id: accion.clave for accion in resultado.acciones}
    ruta = reverse("plan:compromiso", kwargs={"slug": plan.slug, "clave": resultado.clave})
    novedades = []
    for periodo in periodos:
        del_periodo = sorted((claves[a["accion_id"]], a["porcentaje"]) for a in avances if a["periodo_id"] == periodo.pk)
        if not del_periodo:
            continue
        acciones = "; ".join(
            _("acción %(clave)s: %(avance)s") % {"clave": clave, "avance": pct(porcentaje)} for clave, porcentaje in del_periodo
        )
        novedades.append(
            Novedad(
                titulo=_("Avances publicados: %(periodo)s") % {"periodo": periodo.nombre},
                descripcion=_("Cifra recalculada del compromiso %(clave)s al cierre del periodo: %(avance)s. Avances validados: %(acciones)s.")
                % {"clave": resultado.clave, "avance": pct(serie[periodo.pk].avance), "acciones": acciones},
                ruta=ruta,
                ancla=f"periodo-{periodo.slug}",
                fecha=fecha_del_periodo(periodo),
            )
        )
    return _ordenar(novedades + _novedades_de_informes(plan))


def _ordenar(novedades: list[Novedad]) -> list[Novedad]:
    """La más reciente primero; las que no tienen fecha, al final."""
    return sorted(novedades, key=lambda n: (n.fecha is not None, n.fecha or datetime.date.min), reverse=True)


class _Novedades(Feed):
    feed_type = Atom1Feed

    def item_title(self, novedad):
        return novedad.titulo

    def item_description(self, novedad):
        return novedad.descripcion

    def item_link(self, novedad):
        return novedad.ruta

    def item_guid(self, novedad):
        return self.request.build_absolute_uri(f"{novedad.ruta}#{novedad.ancla}")

    item_guid_is_permalink = False

    def item_pubdate(self, novedad):
        # Atom pide fecha y hora: el inicio del día de la publicación, en la hora de México.
        return timezone.make_aware(datetime.datetime.combine(novedad.fecha, datetime.time())) if novedad.fecha else None

    item_updateddate = item_pubdate

    def __init__(self, request):
        # Una instancia por petición (ver ``vista``): el identificador de cada entrada es absoluto.
        super().__init__()
        self.request = request

    @classmethod
    def vista(cls):
        def novedades(request, **kwargs):
            return cls(request)(request, **kwargs)

        novedades.__doc__ = cls.__doc__
        return novedades


class NovedadesDelPlan(_Novedades):
    """Atom de un plan: sus periodos e informes publicados."""

    def get_object(self, request, slug):
        return plan_o_404(slug)

    def title(self, plan):
        return _("Novedades del %(plan)s") % {"plan": plan.nombre}

    def subtitle(self, plan):
        return _("Periodos e informes publicados por el Secretariado Técnico Local.")

    def link(self, plan):
        return plan.get_absolute_url()

    def items(self, plan):
        return novedades_del_plan(plan)


class NovedadesDelCompromiso(_Novedades):
    """Atom de un compromiso: los periodos con avances de sus acciones y los informes del plan."""

    def get_object(self, request, slug, clave):
        estado = estado_del_plan(slug)
        resultado = estado.compromiso(clave)
        if resultado is None:
            raise Http404(_("El plan no tiene un compromiso %(clave)s.") % {"clave": clave})
        return estado.plan, resultado

    def title(self, objeto):
        plan, resultado = objeto
        return _("Novedades del compromiso %(clave)s. %(nombre)s (%(plan)s)") % {
            "clave": resultado.clave, "nombre": resultado.nombre, "plan": plan,
        }

    def subtitle(self, objeto):
        return _("Avances publicados de sus acciones e informes del plan.")

    def link(self, objeto):
        plan, resultado = objeto
        return reverse("plan:compromiso", kwargs={"slug": plan.slug, "clave": resultado.clave})

    def items(self, objeto):
        plan, resultado = objeto
        return novedades_del_compromiso(plan, resultado)
