"""Vistas de los datos abiertos (``/datos/``). Las filas y formatos están en ``datos.py``."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from plan.models import Plan

from . import datos
from .portal import estado_con_informe, estado_publico, plan_o_404
from .publicacion import pagina_publica
from .serializacion import _numero

TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _archivos(request, plan) -> dict:
    def url(nombre, **kwargs):
        return request.build_absolute_uri(reverse(f"datos:{nombre}", kwargs={"slug": plan.slug, **kwargs}))

    return {
        "json": url("plan_json"),
        "avances_csv": url("avances_csv"),
        "avances_json": url("avances_json"),
        "arbol_csv": url("arbol_csv"),
        "xlsx": url("plan_xlsx"),
    }


def _adjunto(contenido: bytes, tipo: str, nombre: str) -> HttpResponse:
    respuesta = HttpResponse(contenido, content_type=tipo)
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


def _json(datos_) -> HttpResponse:
    return JsonResponse(datos_, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2})


def _url_evidencia(request):
    return lambda evidencia: request.build_absolute_uri(reverse("seguimiento:evidencia", args=[evidencia.pk]))


def _resumen_planes(request):
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    return [
        {
            "slug": plan.slug,
            "nombre": plan.nombre,
            "vigencia": plan.vigencia,
            "avance": _numero(estados[plan.pk].resultado.avance),
            "cobertura": {
                "con_reporte": estados[plan.pk].resultado.cobertura.con_reporte,
                "total": estados[plan.pk].resultado.cobertura.total,
            },
            "ultimo_periodo_publicado": None
            if estados[plan.pk].periodo is None
            else {"slug": estados[plan.pk].periodo.slug, "nombre": estados[plan.pk].periodo.nombre},
            "archivos": _archivos(request, plan),
        }
        for plan in planes
    ]


@pagina_publica
def indice(request):
    return render(
        request,
        "datos/indice.html",
        {
            "planes": _resumen_planes(request),
            "columnas_avances": datos.COLUMNAS_AVANCES,
            "columnas_arbol": datos.COLUMNAS_ARBOL,
            "claves_json": datos.CLAVES_JSON,
        },
    )


@pagina_publica
def planes_json(request):
    return _json({"planes": _resumen_planes(request)})


@pagina_publica
def plan_json(request, slug):
    estado, informe, comparaciones = estado_con_informe(plan_o_404(slug))
    return _json(datos.arbol(estado, informe, comparaciones))


@pagina_publica
def avances_json(request, slug):
    plan = plan_o_404(slug)
    filas = datos.filas_avances(plan, _url_evidencia(request))
    return HttpResponse(
        json.dumps({"plan": plan.slug, "avances": filas}, ensure_ascii=False, indent=2, default=str),
        content_type="application/json",
    )


@pagina_publica
def avances_csv(request, slug):
    plan = plan_o_404(slug)
    filas = datos.filas_avances(plan, _url_evidencia(request))
    return _adjunto(datos.como_csv(datos.COLUMNAS_AVANCES, filas), "text/csv; charset=utf-8", f"{plan.slug}-avances.csv")


@pagina_publica
def arbol_csv(request, slug):
    plan = plan_o_404(slug)
    estado, _informe, comparaciones = estado_con_informe(plan)
    filas = datos.filas_arbol(estado, comparaciones)
    return _adjunto(datos.como_csv(datos.COLUMNAS_ARBOL, filas), "text/csv; charset=utf-8", f"{plan.slug}-arbol.csv")


@pagina_publica
def plan_xlsx(request, slug):
    plan = plan_o_404(slug)
    estado, _informe, comparaciones = estado_con_informe(plan)
    contenido = datos.como_xlsx(
        plan, estado, datos.filas_arbol(estado, comparaciones), datos.filas_avances(plan, _url_evidencia(request))
    )
    return _adjunto(contenido, TIPO_XLSX, f"{plan.slug}.xlsx")
