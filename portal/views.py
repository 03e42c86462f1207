"""Páginas públicas del plan: portada, plan, eje, compromiso, acción y «¿Cómo se calcula?».

Cada página usa ``seguimiento.portal.estado_publico`` (cuatro consultas para el árbol con
el alcance público) más unas pocas consultas fijas para sus detalles: el número de
consultas no depende del tamaño del plan (ver las pruebas en tests/plan/test_paginas.py).
"""

from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from seguimiento import escala_irm
from seguimiento.bitacora import bitacora_de_accion
from seguimiento.models import Avance, EstatusCompromiso, Evidencia
from seguimiento.portal import (
    cambios_de_peso,
    estado_con_cifras,
    estado_publico,
    evidencias_publicadas_de_compromisos,
    plan_o_404,
)
from seguimiento.publicacion import pagina_publica, parametros_usados
from seguimiento.rollup import serie_del_compromiso
from seguimiento.semaforo import TOLERANCIA, UMBRAL_RETRASO

from plan.claves import Nivel, anclas_anteriores, destino_de_clave_anterior
from plan.ficha import ficha as ficha_del_compromiso
from plan.models import Accion, Compromiso, Plan

from .filtros import PARAMETROS, FiltrosDeCompromisos, filas_de_compromisos, instituciones_de, responsables


_RUTAS = {Nivel.EJE: "plan:eje", Nivel.COMPROMISO: "plan:compromiso", Nivel.ACCION: "plan:accion"}


def _clave_anterior(request, plan, nivel: str, clave: str, mensaje: str):
    """Una dirección con una clave que ya no existe: si el elemento se renumeró, 301 a su
    dirección de hoy (con la misma consulta); si no, 404 con ``mensaje``. Una consulta."""
    destino = destino_de_clave_anterior(plan, nivel, clave)
    if destino is None:
        raise Http404(mensaje)
    argumento = destino.numero if nivel == Nivel.EJE else destino.clave
    direccion = reverse(_RUTAS[nivel], args=[plan.slug, argumento])
    consulta = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{direccion}?{consulta}" if consulta else direccion)


def _pagina_plan(request, plan, planes, filtros=None):
    """La página del plan; ``filtros`` (``{"estado": …, "institucion": …}``) filtra sus compromisos."""
    estado, cifras = estado_con_cifras(plan)
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
    # Un plan concluido muestra primero lo último que se supo de él: los estatus narrativos
    # que publicaron sus instituciones (el PAL 2019-2021 no publicó porcentajes).
    concluido = plan.concluido
    estatus = list(EstatusCompromiso.objects.ultimos_del_plan(plan)) if concluido else []
    por_compromiso = [
        (grupo[0].compromiso, grupo)
        for grupo in (list(g) for _id, g in groupby(estatus, key=lambda e: e.compromiso_id))
    ]
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
            "filtros": formulario,
            "filtrados": filtrados,
            "concluido": concluido,
            "ultimos_estatus": por_compromiso,
            "compromisos_sin_estatus": sum(len(e.compromisos) for e in resultado.ejes) - len(por_compromiso),
            "retiradas": estado.retiradas(),
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
    estado, cifras = estado_con_cifras(plan)
    eje = next((e for e in estado.resultado.ejes if e.numero == numero), None)
    if eje is None:
        return _clave_anterior(request, plan, Nivel.EJE, str(numero), _("El plan no tiene un eje %(numero)s.") % {"numero": numero})
    absorbidas = estado.absorbidas()
    detalles = Compromiso.objects.filter(eje_id=eje.id).select_related(
        "institucion_responsable", "representante"
    ).in_bulk()
    filas = [
        {
            "resultado": compromiso,
            "compromiso": detalles[compromiso.id],
            "semaforo": estado.semaforo(compromiso),
            "cumplimiento": estado.cumplimiento(compromiso),
            "cifras": cifras.de(compromiso),
            "absorbidas": absorbidas.get(("compromiso", compromiso.clave), []),
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
            "fechas_supuestas": any(f["semaforo"].fechas_supuestas for f in filas),
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
        return _clave_anterior(
            request, plan, Nivel.COMPROMISO, clave, _("El plan no tiene un compromiso %(clave)s.") % {"clave": clave}
        )
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
    absorbidas = estado.absorbidas()
    acciones = [
        (accion, evidencias.get(accion.id, []), absorbidas.get(("accion", accion.clave), []))
        for accion in resultado.acciones
    ]
    del_compromiso = evidencias_publicadas_de_compromisos([resultado.id]).get(resultado.id, [])
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
            "cumplimiento": estado.cumplimiento(resultado),
            "tolerancia": TOLERANCIA,
            "umbral_retraso": UMBRAL_RETRASO,
            "cifras": cifras.de(resultado),
            "acciones": acciones,
            "absorbidas": absorbidas.get(("compromiso", resultado.clave), []),
            "evidencias_del_compromiso": del_compromiso,
            "hay_notas": any(accion.nota_aclaratoria_marcada for accion in resultado.acciones),
            "serie": serie,
            "ficha": ficha_del_compromiso(compromiso),
        },
    )


@pagina_publica
def accion(request, slug, clave):
    plan = plan_o_404(slug)
    estado = estado_publico([plan])[plan.pk]
    resultado = next((a for a in estado.resultado.acciones() if a.clave == clave), None)
    if resultado is None:
        return _clave_anterior(
            request, plan, Nivel.ACCION, clave, _("El plan no tiene una acción %(clave)s.") % {"clave": clave}
        )
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
            "absorbidas": estado.absorbidas().get(("accion", resultado.clave), []),
        },
    )


@pagina_publica
def calculo(request, slug):
    plan = plan_o_404(slug)
    estado, cifras = estado_con_cifras(plan)
    anclas = anclas_anteriores(plan)
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
                            "cumplimiento": estado.cumplimiento(compromiso),
                            "anclas": anclas.get((Nivel.COMPROMISO, compromiso.clave), []),
                        }
                        for compromiso in eje.compromisos
                    ],
                    "anclas": anclas.get((Nivel.EJE, eje.clave), []),
                }
                for eje in estado.resultado.ejes
            ],
            "cambios_de_peso": cambios_de_peso(estado.resultado),
            "retiradas": estado.retiradas(),
            "tolerancia": TOLERANCIA,
            "umbral_retraso": UMBRAL_RETRASO,
            "umbral_sustancial": escala_irm.UMBRAL_SUSTANCIAL,
            "escala": escala_irm.conteo(estado.cumplimientos.values(), con_ceros=True),
            "alto_cumplimiento": sum(1 for c in estado.cumplimientos.values() if c.nivel and c.nivel.alto),
            "cumplimientos_total": len(estado.cumplimientos),
            "con_fechas_supuestas": [
                c for c in estado.resultado.compromisos() if estado.semaforo(c).fechas_supuestas
            ],
        },
    )
