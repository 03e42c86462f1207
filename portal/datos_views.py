"""Vistas de los datos abiertos (``/datos/``). Filas, documentación y formatos: ``datos.py``.

Cada vista hace un número fijo de consultas, sea cual sea el tamaño del plan (las pruebas
lo afirman con un comentario por consulta); ``pagina_publica`` añade una (la versión
publicada) y sirve de la caché las peticiones siguientes con solo esa consulta.
"""

import json
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from plan.licencias import licencia_del_plan
from plan.models import Plan

from seguimiento import datos
from seguimiento.fechas_publicas import ultima_actualizacion_de
from seguimiento.hojas_de_calculo import TIPO_CSV, TIPO_XLSX
from seguimiento.portal import estado_con_cifras, estado_con_informe, estado_publico, plan_o_404
from seguimiento.publicacion import pagina_publica

TIPO_JSON = "application/json; charset=utf-8"


def _con_plan(vista):
    """Resuelve ``slug`` al plan (una consulta); si no existe, 404 con un mensaje en español
    que nombra el plan y lista los que sí hay."""

    @wraps(vista)
    def envoltura(request, slug):
        try:
            plan = plan_o_404(slug)
        except Http404 as error:
            contexto = {"mensaje": str(error), "planes": Plan.objects.vigentes_primero()}
            return render(request, "datos/no_existe.html", contexto, status=404)
        return vista(request, plan)

    return envoltura


def _archivos(request, plan) -> dict:
    def url(nombre):
        return request.build_absolute_uri(reverse(f"datos:{nombre}", kwargs={"slug": plan.slug}))

    return {
        "json": url("plan_json"),
        "arbol_csv": url("arbol_csv"),
        "avances_csv": url("avances_csv"),
        "avances_json": url("avances_json"),
        "evidencias_csv": url("evidencias_csv"),
        "xlsx": url("plan_xlsx"),
    }


def _url_de_archivo(request):
    def url(evidencia):
        return request.build_absolute_uri(reverse("seguimiento:evidencia", args=[evidencia.pk]))

    return url


def _json(contenido, nombre: str) -> HttpResponse:
    """JSON en UTF-8 (sin escapar acentos), en línea, con nombre para «Guardar como»."""
    cuerpo = json.dumps(contenido, ensure_ascii=False, indent=2) + "\n"
    respuesta = HttpResponse(cuerpo.encode("utf-8"), content_type=TIPO_JSON)
    respuesta["Content-Disposition"] = f'inline; filename="{nombre}"'
    return respuesta


def _adjunto(contenido: bytes, tipo: str, nombre: str) -> HttpResponse:
    respuesta = HttpResponse(contenido, content_type=tipo)
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


def _estados_de_los_planes():
    """El estado público de cada plan, el más reciente primero. Cinco consultas: los planes,
    sus últimos periodos publicados y el roll-up (3)."""
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    return [estados[plan.pk] for plan in planes]


@pagina_publica
def indice(request):
    estados = _estados_de_los_planes()
    return render(
        request,
        "datos/indice.html",
        {
            "planes": [
                {
                    "estado": e,
                    "archivos": _archivos(request, e.plan),
                    "licencia": licencia_del_plan(e.plan),
                }
                for e in estados
            ],
            "ultima_actualizacion": ultima_actualizacion_de(estados),
            "claves_planes_json": datos.CLAVES_PLANES_JSON,
            "claves_arbol_json": datos.CLAVES_ARBOL_JSON,
            "claves_avances_json": datos.CLAVES_AVANCES_JSON,
            "columnas_arbol": datos.COLUMNAS_ARBOL,
            "columnas_avances": datos.COLUMNAS_AVANCES,
            "columnas_evidencias": datos.COLUMNAS_EVIDENCIAS,
            "hojas": datos.HOJAS,
            "regla_redondeo": datos.REGLA_REDONDEO,
            "regla_formulas": datos.REGLA_FORMULAS,
            "solo_lo_publicado": datos.SOLO_LO_PUBLICADO,
            "dos_cifras": datos.DOS_CIFRAS,
            "condiciones": datos.CONDICIONES,
            "separador": datos.SEPARADOR_EVIDENCIAS.strip(),
        },
    )


@pagina_publica
def planes_json(request):
    estados = _estados_de_los_planes()
    return _json(
        {"planes": datos.resumen_de_planes(estados, lambda plan: _archivos(request, plan))},
        "planes.json",
    )


@pagina_publica
@_con_plan
def plan_json(request, plan):
    estado, informe, comparaciones = estado_con_informe(plan)
    fichas = datos.fichas_de_compromisos(plan, _url_de_archivo(request))
    return _json(datos.arbol(estado, informe, comparaciones, fichas), f"{plan.slug}.json")


@pagina_publica
@_con_plan
def avances_json(request, plan):
    avances = datos.avances_publicados(plan, _url_de_archivo(request))
    return _json(datos.avances_como_json(plan, avances), f"{plan.slug}-avances.json")


@pagina_publica
@_con_plan
def avances_csv(request, plan):
    avances = datos.avances_publicados(plan, _url_de_archivo(request))
    contenido = datos.como_csv(datos.COLUMNAS_AVANCES, [avance.como_fila() for avance in avances])
    return _adjunto(contenido, TIPO_CSV, f"{plan.slug}-avances.csv")


@pagina_publica
@_con_plan
def evidencias_csv(request, plan):
    filas = datos.evidencias_publicadas(plan, _url_de_archivo(request))
    return _adjunto(datos.como_csv(datos.COLUMNAS_EVIDENCIAS, filas), TIPO_CSV, f"{plan.slug}-evidencias.csv")


@pagina_publica
@_con_plan
def arbol_csv(request, plan):
    estado, cifras = estado_con_cifras(plan)
    filas = datos.filas_del_arbol(estado, cifras, datos.fichas_de_compromisos(plan, _url_de_archivo(request)))
    contenido = datos.como_csv(datos.COLUMNAS_ARBOL, filas)
    return _adjunto(contenido, TIPO_CSV, f"{plan.slug}-arbol.csv")


@pagina_publica
@_con_plan
def plan_xlsx(request, plan):
    estado, cifras = estado_con_cifras(plan)
    contenido = datos.como_xlsx(
        estado,
        cifras,
        datos.avances_publicados(plan, _url_de_archivo(request)),
        datos.evidencias_publicadas(plan, _url_de_archivo(request)),
        datos.fichas_de_compromisos(plan, _url_de_archivo(request)),
        url_documentacion=request.build_absolute_uri(reverse("datos:indice")),
    )
    return _adjunto(contenido, TIPO_XLSX, f"{plan.slug}.xlsx")
