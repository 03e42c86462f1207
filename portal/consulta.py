"""Páginas para consultar el plan por otros caminos: instituciones, ODS y búsqueda con filtros.

Todas parten del estado público de los planes (``seguimiento.portal.estado_publico``: cuatro
consultas para cualquier número de planes) y añaden unas pocas consultas fijas; nada se
consulta dentro de un ciclo.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seguimiento import escala_irm
from seguimiento.fechas_publicas import ultima_actualizacion_de
from seguimiento.portal import estado_publico
from seguimiento.publicacion import pagina_publica, parametros_usados
from seguimiento.semaforo import Estado

from plan import busqueda
from plan.models import Accion, Compromiso, Institucion, MetaODS, ObjetivoODS, Persona, Plan

from .filtros import FiltrosDeCompromisos, filas_de_compromisos, instituciones_de, responsables


def _ods_por_compromiso() -> dict[int, set[int]]:
    """``{compromiso_id: {número de ODS}}`` por sus objetivos y por los de sus metas (2 consultas)."""
    ods: dict[int, set[int]] = defaultdict(set)
    for fila in Compromiso.objetivos_ods.through.objects.values("compromiso_id", "objetivoods__numero"):
        ods[fila["compromiso_id"]].add(fila["objetivoods__numero"])
    for fila in Compromiso.metas_ods.through.objects.values("compromiso_id", "metaods__objetivo__numero"):
        ods[fila["compromiso_id"]].add(fila["metaods__objetivo__numero"])
    return ods


# --- Instituciones -------------------------------------------------------------------------


@pagina_publica
def instituciones(request):
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    responsables = dict(Compromiso.objects.values_list("id", "institucion_responsable_id"))
    cocreadoras: dict[int, int] = Counter(
        Compromiso.partes_cocreadoras.through.objects.values_list("institucion_id", flat=True)
    )
    por_institucion: dict[int, list[dict]] = defaultdict(list)
    for fila in filas_de_compromisos(estados):
        por_institucion[responsables[fila["resultado"].id]].append(fila)
    lista = []
    for institucion in Institucion.objects.filter(pk__in=[*por_institucion, *cocreadoras]).order_by("nombre"):
        filas = por_institucion.get(institucion.pk, [])
        lista.append(
            {
                "institucion": institucion,
                "por_plan": Counter(str(f["plan"]) for f in filas).most_common(),
                "por_estado": _conteo_por_estado(filas),
                "por_nivel": escala_irm.conteo(f["cumplimiento"] for f in filas),
                "cocreados": cocreadoras.get(institucion.pk, 0),
            }
        )
    return render(
        request,
        "consulta/instituciones.html",
        {"instituciones": lista, "ultima_actualizacion": ultima_actualizacion_de(estados)},
    )


def _conteo_por_estado(filas):
    conteo = Counter(f["semaforo"].estado for f in filas)
    return [(estado, conteo[estado]) for estado in Estado if conteo[estado]]


@pagina_publica
def institucion(request, pk):
    try:
        institucion = Institucion.objects.get(pk=pk)
    except Institucion.DoesNotExist:
        raise Http404(_("No existe la institución %(pk)s.") % {"pk": pk}) from None
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    propios = set(Compromiso.objects.filter(institucion_responsable=institucion).values_list("id", flat=True))
    cocreados = set(Compromiso.partes_cocreadoras.through.objects.filter(institucion=institucion).values_list("compromiso_id", flat=True))
    if not propios and not cocreados:
        raise Http404(_("La institución no tiene compromisos publicados."))
    responsables = {
        c.pk: c.representante
        for c in Compromiso.objects.filter(pk__in=propios).select_related("representante")
    }
    filas = list(filas_de_compromisos(estados))
    secciones = []
    for plan in planes:
        del_plan = [dict(f, representante=responsables.get(f["resultado"].id)) for f in filas if f["plan"] == plan and f["resultado"].id in propios]
        if del_plan:
            secciones.append(
                {
                    "plan": plan,
                    "filas": del_plan,
                    "por_estado": _conteo_por_estado(del_plan),
                    "por_nivel": escala_irm.conteo(f["cumplimiento"] for f in del_plan),
                }
            )
    return render(
        request,
        "consulta/institucion.html",
        {
            "institucion": institucion,
            "secciones": secciones,
            "cocreados": [f for f in filas if f["resultado"].id in cocreados],
            "representantes": Persona.objects.filter(compromisos__in=propios).distinct().order_by("nombre"),
            "ultima_actualizacion": ultima_actualizacion_de(estados),
        },
    )


# --- ODS -----------------------------------------------------------------------------------


@pagina_publica
def ods(request):
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    filas = {f["resultado"].id: f for f in filas_de_compromisos(estados)}
    por_objetivo: dict[int, list[dict]] = defaultdict(list)
    for fila in Compromiso.objetivos_ods.through.objects.values("compromiso_id", "objetivoods_id").order_by("compromiso_id"):
        por_objetivo[fila["objetivoods_id"]].append(filas[fila["compromiso_id"]])
    por_meta: dict[int, list[dict]] = defaultdict(list)
    for fila in Compromiso.metas_ods.through.objects.values("compromiso_id", "metaods_id").order_by("compromiso_id"):
        por_meta[fila["metaods_id"]].append(filas[fila["compromiso_id"]])
    metas_por_objetivo: dict[int, list[dict]] = defaultdict(list)
    for meta in MetaODS.objects.filter(pk__in=list(por_meta)):
        metas_por_objetivo[meta.objetivo_id].append({"meta": meta, "filas": por_meta[meta.pk]})
        # Un compromiso alineado a una meta lo está también a su objetivo.
        for fila in por_meta[meta.pk]:
            if fila not in por_objetivo[meta.objetivo_id]:
                por_objetivo[meta.objetivo_id].append(fila)
    objetivos = [
        {
            "objetivo": objetivo,
            "filas": sorted(
                por_objetivo[objetivo.pk],
                key=lambda f: (-f["plan"].anio_fin, f["plan"].pk, f["eje"].numero, f["resultado"].numero),
            ),
            "metas": sorted(metas_por_objetivo[objetivo.pk], key=lambda m: _orden_meta(m["meta"].clave)),
        }
        for objetivo in ObjetivoODS.objects.filter(pk__in=list(por_objetivo)).order_by("numero")
    ]
    alineados = {f["plan"].pk for o in objetivos for f in o["filas"]}
    return render(
        request,
        "consulta/ods.html",
        {
            "objetivos": objetivos,
            "sin_alineacion": [p for p in planes if p.pk not in alineados],
            "ultima_actualizacion": ultima_actualizacion_de(estados),
        },
    )


def _orden_meta(clave: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in clave.replace(",", ".").split(".")]


# --- Búsqueda ------------------------------------------------------------------------------


class FormularioBusqueda(FiltrosDeCompromisos):
    q = forms.CharField(label=gettext_lazy("Buscar"), required=False, max_length=200)
    plan = forms.ChoiceField(label=gettext_lazy("Plan"), required=False)
    eje = forms.IntegerField(
        label=gettext_lazy("Número de eje"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"aria-describedby": "ayuda-eje"}),
        error_messages={"invalid": gettext_lazy("El eje debe ser un número entero, p. ej. 3.")},
    )
    ods = forms.ChoiceField(label=gettext_lazy("Objetivo de Desarrollo Sostenible"), required=False)

    field_order = ["q", "plan", "eje", "institucion", "ods", "estado"]

    def __init__(self, *args, planes, instituciones, objetivos, **kwargs):
        super().__init__(*args, instituciones=instituciones, **kwargs)
        self.fields["plan"].choices = [("", _("Todos"))] + [(p.slug, str(p)) for p in planes]
        self.fields["ods"].choices = [("", _("Todos"))] + [(str(o.numero), str(o)) for o in objetivos]
        invalido = self.fields["estado"].error_messages["invalid_choice"]
        for nombre in ["plan", "ods"]:
            self.fields[nombre].error_messages["invalid_choice"] = invalido

    def clean(self):
        datos = super().clean()
        if datos.get("eje") and not datos.get("plan"):
            self.add_error("eje", _("Para filtrar por eje elija también un plan: cada plan numera sus ejes."))
        return datos


@pagina_publica(parametros=tuple(FormularioBusqueda.base_fields))
def buscar(request):
    datos = parametros_usados(request, FormularioBusqueda.base_fields)
    planes = list(Plan.objects.vigentes_primero())
    responsables_por_compromiso = responsables(planes)
    objetivos = list(ObjetivoODS.objects.order_by("numero"))
    formulario = FormularioBusqueda(
        datos, planes=planes, instituciones=instituciones_de(responsables_por_compromiso), objetivos=objetivos
    )
    contexto = {"formulario": formulario, "resultados": None, "q": ""}
    if not (formulario.is_bound and formulario.is_valid() and formulario.hay_criterios):
        contexto["ejemplos"] = _ejemplos(planes, responsables_por_compromiso)
        return render(request, "consulta/buscar.html", contexto)
    criterios = formulario.cleaned_data
    contexto["q"] = criterios["q"].strip()
    if criterios["plan"]:
        planes = [p for p in planes if p.slug == criterios["plan"]]
    estados = estado_publico(planes)
    contexto["ultima_actualizacion"] = ultima_actualizacion_de(estados)
    eje = criterios["eje"]
    if eje and not any(e.numero == eje for estado in estados.values() for e in estado.resultado.ejes):
        formulario.add_error("eje", _("El %(plan)s no tiene eje %(eje)s.") % {"plan": planes[0], "eje": eje})
        return render(request, "consulta/buscar.html", contexto)
    filas = [
        fila
        for fila in filas_de_compromisos(estados, responsables_por_compromiso)
        if formulario.admite(fila) and (not eje or fila["eje"].numero == eje)
    ]
    if criterios["ods"]:
        ods = _ods_por_compromiso()
        filas = [f for f in filas if int(criterios["ods"]) in ods.get(f["resultado"].id, set())]
    clave = busqueda.clave_en(criterios["q"])
    if clave:
        resultados = _con_la_clave(filas, clave)
        if len(resultados) == 1:
            # Una clave que solo tiene un compromiso o una acción lleva directo a su página.
            return redirect(_direccion_de(resultados[0]))
    elif criterios["q"].strip():
        resultados = _con_las_palabras(filas, busqueda.buscar(criterios["q"], planes=planes))
    else:
        resultados = filas
    contexto.update(resultados=resultados, clave=clave)
    return render(request, "consulta/buscar.html", contexto)


def _con_la_clave(filas, clave: str) -> list[dict]:
    """El compromiso con esa clave («1.5»), o el de la acción con esa clave («3.2.1») y la acción."""
    resultados = []
    for fila in filas:
        if fila["resultado"].clave == clave:
            resultados.append(dict(fila, acciones=[]))
        elif acciones := [a for a in fila["resultado"].acciones if a.clave == clave]:
            resultados.append(dict(fila, acciones=acciones))
    return resultados


def _direccion_de(fila) -> str:
    if fila["acciones"]:
        return reverse("plan:accion", args=[fila["plan"].slug, fila["acciones"][0].clave])
    return reverse("plan:compromiso", args=[fila["plan"].slug, fila["resultado"].clave])


def _con_las_palabras(filas, coincidencias) -> list[dict]:
    """Las filas que coinciden, la más relevante primero (a igual relevancia, en orden del plan)."""
    resultados = [
        dict(
            fila,
            acciones=[a for a in fila["resultado"].acciones if a.id in coincidencias.acciones.get(fila["resultado"].id, ())],
        )
        for fila in filas
        if fila["resultado"].id in coincidencias
    ]
    return sorted(resultados, key=lambda fila: -coincidencias.relevancia[fila["resultado"].id])


def _ejemplos(planes, responsables_por_compromiso) -> dict[str, str]:
    """Búsquedas de ejemplo con los datos del plan vigente: su primera acción, su compromiso,
    la institución y el representante de este (una consulta; ejemplos vacíos si no hay)."""
    accion = (
        Accion.objects.filter(compromiso__eje__plan__in=planes[:1])
        .select_related("compromiso__eje", "compromiso__representante")
        .order_by("compromiso__eje__numero", "compromiso__numero", "numero")
        .first()
    )
    if accion is None:
        return {}
    compromiso = accion.compromiso
    institucion = responsables_por_compromiso[compromiso.pk]
    palabras = busqueda.palabras_de(compromiso.nombre)
    ejemplos = {
        "clave": compromiso.clave,
        "clave_accion": accion.clave,
        "institucion": institucion.siglas or institucion.nombre,
        # La primera palabra larga del nombre, escrita sin acentos («Economía» → «economia»).
        "palabra": next((p for p in palabras if len(p) >= 6), max(palabras, key=len)),
    }
    if compromiso.representante:
        nombres = compromiso.representante.nombre.split()
        # El primer apellido: en un nombre de tres palabras o más, la penúltima.
        ejemplos["persona"] = nombres[-2] if len(nombres) >= 3 else compromiso.representante.nombre
    return ejemplos
