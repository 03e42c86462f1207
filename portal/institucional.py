"""Páginas que explican el portal: «¿Qué es el STL?» de cada plan, glosario, declaración de
accesibilidad y aviso de privacidad.

Todas pasan por la caché por versión (``pagina_publica``) y hacen un número fijo de
consultas (tests/portal/test_institucional.py las cuenta). Los datos del STL (nombre,
facilitación, correo, sitio web, domicilio) son campos del plan que el STL llena en el admin;
lo que no ha llenado se dice en la página, nunca se inventa.
"""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plan.models import Compromiso, IntegranteSTL, Plan
from seguimiento.models import Informe
from seguimiento.portal import estado_con_informe, plan_o_404
from seguimiento.publicacion import pagina_publica


def _plan_vigente() -> Plan | None:
    """El plan más reciente: su STL es el que administra el portal (una consulta)."""
    return Plan.objects.vigentes_primero().first()


def stl_vigente(request):
    """``/stl/`` lleva a la página del STL del plan más reciente."""
    plan = _plan_vigente()
    if plan is None:
        raise Http404(_("Aún no hay planes."))
    return redirect("portal:stl", slug=plan.slug)


def _informes_vigentes(plan) -> list[Informe]:
    """La versión vigente de cada informe publicado del plan, por número (una consulta)."""
    vigentes: dict[int, Informe] = {}
    for informe in Informe.objects.congelados().filter(plan=plan).order_by("numero", "-version"):
        vigentes.setdefault(informe.numero, informe)
    return list(vigentes.values())


def _integrantes(plan) -> list[dict]:
    """Cada integrante del STL del plan con el cargo de su titular y su suplente solo si este
    plan lo imprimió (en la ficha de un compromiso que representa): una ``Persona`` guarda un
    solo cargo, el último publicado, que en otro plan podría no ser el de entonces (2 consultas)."""
    con_cargo_en_el_plan = set(
        Compromiso.objects.filter(eje__plan=plan, representante__isnull=False).values_list(
            "representante_id", flat=True
        )
    )

    def cargo(persona):
        return persona.cargo if persona and persona.pk in con_cargo_en_el_plan else ""

    return [
        {"integrante": i, "cargo_titular": cargo(i.titular), "cargo_suplente": cargo(i.suplente)}
        for i in IntegranteSTL.objects.del_plan(plan)
    ]


@pagina_publica
def stl(request, slug):
    plan = plan_o_404(slug)
    tamano = Plan.objects.filter(pk=plan.pk).aggregate(
        n_ejes=Count("ejes", distinct=True),
        n_compromisos=Count("ejes__compromisos", distinct=True),
        n_acciones=Count("ejes__compromisos__acciones", distinct=True),
    )
    return render(
        request,
        "institucional/stl.html",
        {
            "plan": plan,
            "integrantes": _integrantes(plan),
            "tamano": tamano,
            "periodos": list(plan.periodos.publicados().order_by("inicio")),
            "informes": _informes_vigentes(plan),
            "otros_planes": [p for p in Plan.objects.vigentes_primero() if p.pk != plan.pk],
        },
    )


@pagina_publica
def glosario(request):
    plan = _plan_vigente()
    ejemplo = None
    if plan is not None:
        estado, informe, comparaciones = estado_con_informe(plan)
        ejemplo = {
            "plan": plan,
            "informe": informe,
            "resultado": estado.resultado,
            "global": comparaciones.get(("plan", "")),
        }
    return render(request, "institucional/glosario.html", {"ejemplo": ejemplo})


@pagina_publica
def accesibilidad(request):
    return render(request, "institucional/accesibilidad.html", {"plan": _plan_vigente()})


@pagina_publica
def privacidad(request):
    return render(request, "institucional/privacidad.html", {"plan": _plan_vigente()})
