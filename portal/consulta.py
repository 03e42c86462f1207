"""Páginas para consultar el plan por otros caminos: instituciones, ODS y búsqueda con filtros.

Todas parten del estado público de los planes (``seguimiento.portal.estado_publico``: cuatro
consultas para cualquier número de planes) y añaden unas pocas consultas fijas; nada se
consulta dentro de un ciclo.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seguimiento import escala_irm
from seguimiento.portal import estado_publico
from seguimiento.publicacion import pagina_publica
from seguimiento.semaforo import Estado

from plan.models import Compromiso, Institucion, MetaODS, ObjetivoODS, Persona, Plan


def _normalizar(texto: str) -> str:
    """Minúsculas y sin acentos: «Educación» → «educacion»."""
    descompuesto = unicodedata.normalize("NFKD", texto or "")
    return "".join(c for c in descompuesto if not unicodedata.combining(c)).casefold()


def _filas_de_compromisos(estados):
    """Cada compromiso público con su plan, eje, resultado y semáforo, en orden del plan."""
    for estado in estados.values():
        for eje in estado.resultado.ejes:
            for compromiso in eje.compromisos:
                yield {
                    "plan": estado.plan,
                    "eje": eje,
                    "resultado": compromiso,
                    "semaforo": estado.semaforo(compromiso),
                    "cumplimiento": estado.cumplimiento(compromiso),
                }


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
    for fila in _filas_de_compromisos(estados):
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
    return render(request, "consulta/instituciones.html", {"instituciones": lista})


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
    filas = list(_filas_de_compromisos(estados))
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
        },
    )


# --- ODS -----------------------------------------------------------------------------------


@pagina_publica
def ods(request):
    planes = list(Plan.objects.vigentes_primero())
    estados = estado_publico(planes)
    filas = {f["resultado"].id: f for f in _filas_de_compromisos(estados)}
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
        {"objetivos": objetivos, "sin_alineacion": [p for p in planes if p.pk not in alineados]},
    )


def _orden_meta(clave: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in clave.replace(",", ".").split(".")]


# --- Búsqueda ------------------------------------------------------------------------------


class FormularioBusqueda(forms.Form):
    q = forms.CharField(label=gettext_lazy("Buscar"), required=False, max_length=200)
    plan = forms.ChoiceField(label=gettext_lazy("Plan"), required=False)
    eje = forms.IntegerField(
        label=gettext_lazy("Número de eje"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"aria-describedby": "ayuda-eje"}),
        error_messages={"invalid": gettext_lazy("El eje debe ser un número entero, p. ej. 3.")},
    )
    institucion = forms.ChoiceField(label=gettext_lazy("Institución responsable"), required=False)
    ods = forms.ChoiceField(label=gettext_lazy("Objetivo de Desarrollo Sostenible"), required=False)
    estado = forms.ChoiceField(label=gettext_lazy("Estado"), required=False)

    def __init__(self, *args, planes, instituciones, objetivos, **kwargs):
        super().__init__(*args, **kwargs)
        invalido = gettext_lazy("«%(value)s» no es una opción válida.")
        self.fields["plan"].choices = [("", _("Todos"))] + [(p.slug, str(p)) for p in planes]
        self.fields["institucion"].choices = [("", _("Todas"))] + [(str(i.pk), i.nombre) for i in instituciones]
        self.fields["ods"].choices = [("", _("Todos"))] + [(str(o.numero), str(o)) for o in objetivos]
        self.fields["estado"].choices = [("", _("Todos"))] + list(Estado.choices)
        for nombre in ["plan", "institucion", "ods", "estado"]:
            self.fields[nombre].error_messages["invalid_choice"] = invalido

    def clean(self):
        datos = super().clean()
        if datos.get("eje") and not datos.get("plan"):
            self.add_error("eje", _("Para filtrar por eje elija también un plan: cada plan numera sus ejes."))
        return datos

    @property
    def hay_criterios(self) -> bool:
        return any(self.cleaned_data.get(c) for c in self.fields)


@pagina_publica
def buscar(request):
    planes = list(Plan.objects.vigentes_primero())
    instituciones = list(Institucion.objects.filter(compromisos__isnull=False).distinct().order_by("nombre"))
    objetivos = list(ObjetivoODS.objects.order_by("numero"))
    formulario = FormularioBusqueda(request.GET or None, planes=planes, instituciones=instituciones, objetivos=objetivos)
    contexto = {"formulario": formulario, "resultados": None}
    if formulario.is_bound and formulario.is_valid() and formulario.hay_criterios:
        criterios = formulario.cleaned_data
        if criterios["plan"]:
            planes = [p for p in planes if p.slug == criterios["plan"]]
        estados = estado_publico(planes)
        eje = criterios["eje"]
        if eje and not any(e.numero == eje for estado in estados.values() for e in estado.resultado.ejes):
            formulario.add_error("eje", _("El %(plan)s no tiene eje %(eje)s.") % {"plan": planes[0], "eje": eje})
        else:
            contexto["resultados"] = _buscar(criterios, estados, {i.pk: i for i in instituciones})
    return render(request, "consulta/buscar.html", contexto)


def _buscar(criterios, estados, instituciones) -> list[dict]:
    textos = {
        fila["id"]: fila
        for fila in Compromiso.objects.filter(eje__plan__in=list(estados)).values(
            "id", "descripcion", "problema", "objetivo_principal", "institucion_responsable_id"
        )
    }
    ods = _ods_por_compromiso() if criterios["ods"] else {}
    palabras = _normalizar(criterios["q"]).split()
    resultados = []
    for fila in _filas_de_compromisos(estados):
        compromiso = fila["resultado"]
        datos = textos[compromiso.id]
        institucion = instituciones.get(datos["institucion_responsable_id"])
        if criterios["eje"] and fila["eje"].numero != criterios["eje"]:
            continue
        if criterios["institucion"] and str(datos["institucion_responsable_id"]) != criterios["institucion"]:
            continue
        if criterios["ods"] and int(criterios["ods"]) not in ods.get(compromiso.id, set()):
            continue
        if criterios["estado"] and fila["semaforo"].estado != criterios["estado"]:
            continue
        coincidentes = []  # acciones cuya descripción contiene alguna de las palabras
        if palabras:
            texto = _normalizar(
                " ".join(
                    [
                        fila["eje"].nombre, compromiso.nombre, datos["descripcion"], datos["problema"],
                        datos["objetivo_principal"], institucion.nombre if institucion else "",
                        institucion.siglas if institucion else "",
                    ]
                )
            )
            textos_acciones = [(a, _normalizar(a.descripcion)) for a in compromiso.acciones]
            # Cada palabra debe estar en el compromiso o en alguna de sus acciones.
            completo = " ".join([texto] + [t for _a, t in textos_acciones])
            if not all(p in completo for p in palabras):
                continue
            coincidentes = [a for a, t in textos_acciones if any(p in t for p in palabras)]
        resultados.append(dict(fila, institucion=institucion, acciones=coincidentes))
    return resultados
