from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from seguimiento.models import Periodo
from seguimiento.rollup import calcular_avance, comparar_con_informe, informe_publicado_del_periodo

from .models import Plan


def _pagina_plan(request, plan, planes):
    # El último periodo publicado es el que ve la ciudadanía.
    periodo = Periodo.objects.filter(plan=plan).publicados().order_by("-inicio").first()
    resultado = calcular_avance(plan, periodo=periodo)
    informe = informe_publicado_del_periodo(plan, periodo)
    comparaciones = comparar_con_informe(resultado, informe) if informe else {}
    return render(
        request,
        "plan/plan.html",
        {
            "plan": plan,
            "planes": planes,
            "periodo": periodo,
            "resultado": resultado,
            "informe": informe,
            "global_publicado": comparaciones.get(("plan", "")),
            "ejes": [(eje, comparaciones.get(("eje", eje.clave))) for eje in resultado.ejes],
        },
    )


def inicio(request):
    planes = list(Plan.objects.vigentes_primero())
    if not planes:
        return render(request, "plan/sin_planes.html")
    return _pagina_plan(request, planes[0], planes)


def plan_detalle(request, slug):
    planes = list(Plan.objects.vigentes_primero())
    plan = next((p for p in planes if p.slug == slug), None)
    if plan is None:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug})
    return _pagina_plan(request, plan, planes)
