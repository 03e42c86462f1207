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
from seguimiento.portal import (
    estado_con_informe,
    estado_publico,
    evidencias_publicadas_de_compromisos,
    plan_o_404,
)
from seguimiento.publicacion import pagina_publica, parametros_usados
from seguimiento.rollup import serie_del_compromiso
from seguimiento.semaforo import TOLERANCIA, UMBRAL_RETRASO

from plan.models import Accion, Compromiso, Plan

from .filtros import PARAMETROS, FiltrosDeCompromisos, filas_de_compromisos, instituciones_de, responsables


def _pagina_plan(request, plan, planes, filtros=None):
    """La página del plan; ``filtros`` (``{"estado": …, "institucion": …}``) filtra sus compromisos."""
    estado, informe, comparaciones = estado_con_informe(plan)
    resultado = estado.resultado
    responsables_por_compromiso = responsables([plan])
    formulario = FiltrosDeCompromisos(filtros, instituciones=instituciones_de(responsables_por_compromiso))
    filtrados = None
    if formulario.is_bound and formulario.is_valid() and formulario.hay_criterios:
        filtrados = [
            fila
            for fila in filas_de_compromisos({plan.pk: estado}, responsables_por_compromiso)
            if formulario.admite(fila)
        ]
    return render(
        request,
        "plan/plan.html",
        {
            "plan": plan,
            "planes": planes,
            "periodo": estado.periodo,
            "resultado": resultado,
            "informe": informe,
            "global_publicado": comparaciones.get(("plan", "")),
            "ejes": [(eje, comparaciones.get(("eje", eje.clave))) for eje in resultado.ejes],
            "filtros": formulario,
            "filtrados": filtrados,
        },
    )


@pagina_publica(parametros=())
def inicio(request):
    planes = list(Plan.objects.vigentes_primero())
    if not planes:
        return render(request, "plan/sin_planes.html")
    return _pagina_plan(request, planes[0], planes)


@pagina_publica(parametros=PARAMETROS)
def plan_detalle(request, slug):
    planes = list(Plan.objects.vigentes_primero())
    plan = next((p for p in planes if p.slug == slug), None)
    if plan is None:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug})
    return _pagina_plan(request, plan, planes, filtros=parametros_usados(request, PARAMETROS))


@pagina_publica
def eje(request, slug, numero):
    plan = plan_o_404(slug)
    estado, informe, comparaciones = estado_con_informe(plan)
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
            "publicado": comparaciones.get(("compromiso", compromiso.clave)),
        }
        for compromiso in eje.compromisos
    ]
    return render(
        request,
        "plan/eje.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": informe,
            "eje": eje,
            "publicado": comparaciones.get(("eje", eje.clave)),
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
    estado, informe, comparaciones = estado_con_informe(plan)
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
    del_compromiso = evidencias_publicadas_de_compromisos([resultado.id]).get(resultado.id, [])
    return render(
        request,
        "plan/compromiso.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": informe,
            "resultado": resultado,
            "compromiso": compromiso,
            "semaforo": estado.semaforo(resultado),
            "tolerancia": TOLERANCIA,
            "umbral_retraso": UMBRAL_RETRASO,
            "publicado": comparaciones.get(("compromiso", resultado.clave)),
            "acciones": acciones,
            "evidencias_del_compromiso": del_compromiso,
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
    # Una consulta: las evidencias de todo el compromiso, junto al avance de su mismo periodo.
    del_compromiso = {
        grupo.periodo.pk: grupo.evidencias
        for grupo in evidencias_publicadas_de_compromisos([compromiso.id]).get(compromiso.id, [])
    }
    for avance in avances:
        avance.evidencias_del_compromiso = del_compromiso.get(avance.periodo_id, [])
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
    estado, informe, comparaciones = estado_con_informe(plan)
    return render(
        request,
        "plan/calculo.html",
        {
            "plan": plan,
            "periodo": estado.periodo,
            "informe": informe,
            "resultado": estado.resultado,
            "global_publicado": comparaciones.get(("plan", "")),
            "ejes": [
                {
                    "nodo": eje,
                    "publicado": comparaciones.get(("eje", eje.clave)),
                    "compromisos": [
                        {
                            "nodo": compromiso,
                            "publicado": comparaciones.get(("compromiso", compromiso.clave)),
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
