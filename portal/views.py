"""Páginas públicas del plan: portada, plan, eje, compromiso, acción y «¿Cómo se calcula?».

Cada página usa ``seguimiento.portal.estado_publico`` (cuatro consultas para el árbol con
el alcance público) más unas pocas consultas fijas para sus detalles: el número de
consultas no depende del tamaño del plan (ver las pruebas en tests/plan/test_paginas.py).
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from seguimiento.bitacora import bitacora_de_accion
from seguimiento.models import Avance, Evidencia
from seguimiento.portal import estado_con_cifras, estado_publico, plan_o_404
from seguimiento.publicacion import pagina_publica
from seguimiento.rollup import serie_del_compromiso
from seguimiento.semaforo import TOLERANCIA, UMBRAL_RETRASO

from plan.models import Accion, Compromiso, Plan


def _pagina_plan(request, plan, planes):
    estado, cifras = estado_con_cifras(plan)
    resultado = estado.resultado
    return render(
        request,
        "plan/plan.html",
        {
            "plan": plan,
            "planes": planes,
            "periodo": estado.periodo,
            "resultado": resultado,
            "informe": cifras.informe,
            "cifras": cifras.plan,
            "ejes": [(eje, cifras.de(eje)) for eje in resultado.ejes],
        },
    )


@pagina_publica
def inicio(request):
    planes = list(Plan.objects.vigentes_primero())
    if not planes:
        return render(request, "plan/sin_planes.html")
    return _pagina_plan(request, planes[0], planes)


@pagina_publica
def plan_detalle(request, slug):
    planes = list(Plan.objects.vigentes_primero())
    plan = next((p for p in planes if p.slug == slug), None)
    if plan is None:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug})
    return _pagina_plan(request, plan, planes)


@pagina_publica
def eje(request, slug, numero):
    plan = plan_o_404(slug)
    estado, cifras = estado_con_cifras(plan)
    eje = next((e for e in estado.resultado.ejes if e.numero == numero), None)
    if eje is None:
        raise Http404(_("El plan no tiene un eje %(numero)s.") % {"numero": numero})
    detalles = Compromiso.objects.filter(eje_id=eje.id).select_related(
        "institucion_responsable", "representante"
    ).in_bulk()
    filas = [
        {
            "resultado": compromiso,
            "compromiso": detalles[compromiso.id],
            "semaforo": estado.semaforo(compromiso),
            "cifras": cifras.de(compromiso),
        }
        for compromiso in eje.compromisos
    ]
    return render(
        request,
        "plan/eje.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": cifras.informe,
            "eje": eje,
            "cifras": cifras.de(eje),
            "filas": filas,
        },
    )


def _evidencias_por_accion(acciones):
    """Evidencias del avance que cuenta de cada acción: ``{accion_id: [Evidencia]}`` (1 consulta)."""
    periodos = {a.id: a.periodo_id for a in acciones if a.periodo_id}
    evidencias: dict[int, list[Evidencia]] = {}
    for evidencia in Evidencia.objects.vigentes().filter(
        avance__accion_id__in=list(periodos), avance__estado=Avance.Estado.VALIDADO
    ).select_related("avance"):
        if periodos.get(evidencia.avance.accion_id) == evidencia.avance.periodo_id:
            evidencias.setdefault(evidencia.avance.accion_id, []).append(evidencia)
    return evidencias


@pagina_publica
def compromiso(request, slug, clave):
    plan = plan_o_404(slug)
    estado, cifras = estado_con_cifras(plan)
    resultado = estado.compromiso(clave)
    if resultado is None:
        raise Http404(_("El plan no tiene un compromiso %(clave)s.") % {"clave": clave})
    compromiso = (
        Compromiso.objects.select_related(
            "eje", "institucion_responsable", "representante__institucion"
        )
        .prefetch_related("objetivos_ods", "metas_ods__objetivo", "partes_cocreadoras", "enlaces", "estatus")
        .get(pk=resultado.id)
    )
    periodos = list(plan.periodos.publicados().order_by("inicio"))
    avances = Avance.objects.publicados().filter(accion__compromiso_id=resultado.id).values(
        "accion_id", "periodo_id", "porcentaje"
    )
    serie = serie_del_compromiso(resultado, periodos, avances)
    evidencias = _evidencias_por_accion(resultado.acciones)
    acciones = [(accion, evidencias.get(accion.id, [])) for accion in resultado.acciones]
    return render(
        request,
        "plan/compromiso.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": cifras.informe,
            "resultado": resultado,
            "compromiso": compromiso,
            "semaforo": estado.semaforo(resultado),
            "tolerancia": TOLERANCIA,
            "umbral_retraso": UMBRAL_RETRASO,
            "cifras": cifras.de(resultado),
            "acciones": acciones,
            "hay_notas": any(accion.nota_aclaratoria_marcada for accion in resultado.acciones),
            "serie": serie,
        },
    )


@pagina_publica
def accion(request, slug, clave):
    plan = plan_o_404(slug)
    estado = estado_publico([plan])[plan.pk]
    resultado = next((a for a in estado.resultado.acciones() if a.clave == clave), None)
    if resultado is None:
        raise Http404(_("El plan no tiene una acción %(clave)s.") % {"clave": clave})
    compromiso = next(c for c in estado.resultado.compromisos() if any(a is resultado for a in c.acciones))
    accion = Accion.objects.select_related("compromiso__eje").get(pk=resultado.id)
    # Una consulta: lo publicado y lo que el STL retiró del portal (con su motivo público).
    avances, retirados = [], []
    for avance in (
        Avance.objects.publicados_o_retirados()
        .filter(accion=accion)
        .select_related("periodo")
        .prefetch_related(Prefetch("evidencias", queryset=Evidencia.objects.vigentes().order_by("pk")))
        .order_by("-periodo__inicio")
    ):
        (avances if avance.estado == Avance.Estado.VALIDADO else retirados).append(avance)
    return render(
        request,
        "plan/accion.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "resultado": resultado,
            "compromiso": compromiso,
            "accion": accion,
            "avances": avances,
            "retirados": retirados,
            "bitacora": bitacora_de_accion(accion),
        },
    )


@pagina_publica
def calculo(request, slug):
    plan = plan_o_404(slug)
    estado, cifras = estado_con_cifras(plan)
    return render(
        request,
        "plan/calculo.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": cifras.informe,
            "resultado": estado.resultado,
            "cifras": cifras.plan,
            "dos_cifras": cifras,
            "ejes": [
                {
                    "nodo": eje,
                    "cifras": cifras.de(eje),
                    "compromisos": [
                        {
                            "nodo": compromiso,
                            "cifras": cifras.de(compromiso),
                            "semaforo": estado.semaforo(compromiso),
                        }
                        for compromiso in eje.compromisos
                    ],
                }
                for eje in estado.resultado.ejes
            ],
            "tolerancia": TOLERANCIA,
            "umbral_retraso": UMBRAL_RETRASO,
        },
    )
