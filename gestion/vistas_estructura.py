"""Páginas del editor de la estructura (``/trabajo/<plan>/estructura/…``), los datos del plan
incluidos (``…/estructura/plan/``).

Acceso (``gestion.acceso.plan_del_stl``): la facilitación y la administración editan; una
integrante del STL ve todo en solo lectura (``GET`` 200, cualquier cambio 403); cualquier otra
cuenta, 404; sin sesión, a la entrada. Las escrituras son de ``gestion/estructura.py``; la vista
previa del efecto de un peso, de ``gestion/consecuencias.py`` (no escribe nada).
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plan.models import Accion, Compromiso, Eje
from seguimiento.formularios import aplicar_errores
from seguimiento.permisos import vista_privada

from . import consecuencias, estructura
from .acceso import plan_del_stl
from .formularios_estructura import AccionForm, CompromisoForm, EjeForm, PlanForm, formulario_de_enlaces

PLANTILLA_FORMULARIO = "gestion/estructura/formulario.html"


# --- Búsquedas (404 con un mensaje en español) -----------------------------------------------


def _eje_o_404(plan, numero: int) -> Eje:
    try:
        return Eje.objects.select_related("plan").get(plan=plan, numero=numero)
    except Eje.DoesNotExist:
        raise Http404(_("El plan no tiene un eje %(numero)s.") % {"numero": numero}) from None


def _compromiso_o_404(plan, clave: str) -> Compromiso:
    eje, numero = (int(parte) for parte in clave.split("."))
    try:
        return Compromiso.objects.select_related("eje__plan", "institucion_responsable").get(
            eje__plan=plan, eje__numero=eje, numero=numero
        )
    except Compromiso.DoesNotExist:
        raise Http404(_("El plan no tiene un compromiso %(clave)s.") % {"clave": clave}) from None


def _accion_o_404(plan, clave: str) -> Accion:
    eje, compromiso, numero = (int(parte) for parte in clave.split("."))
    try:
        return Accion.objects.select_related("compromiso__eje__plan", "compromiso__institucion_responsable").get(
            compromiso__eje__plan=plan, compromiso__eje__numero=eje, compromiso__numero=compromiso, numero=numero
        )
    except Accion.DoesNotExist:
        raise Http404(_("El plan no tiene una acción %(clave)s.") % {"clave": clave}) from None


def _enviado(request):
    """Los datos de un ``POST`` (aunque venga vacío: entonces es un formulario con errores)."""
    return request.POST if request.method == "POST" else None


def _siguiente(queryset) -> int:
    return (queryset.aggregate(m=Max("numero"))["m"] or 0) + 1


# --- El formulario de siempre: ver el efecto, guardar ----------------------------------------


def _formulario(request, *, plan, acceso, form, titulo, guardar, efecto, destino, exito, enlaces=None, extra=None):
    """Valida; «Ver el efecto» vuelve a mostrar el formulario con la consecuencia del peso
    (sin escribir nada); «Guardar» llama al servicio y, si sale bien, lleva a la estructura.
    Sin ``efecto`` (lo que no tiene peso, como los datos del plan) no hay «Ver el efecto»."""
    consecuencia = None
    if request.method == "POST" and form.is_valid() and (enlaces is None or enlaces.is_valid()):
        if efecto is not None and "ver_efecto" in request.POST:
            consecuencia = efecto(form.cleaned_data)
        else:
            try:
                elemento = guardar(form)
            except ValidationError as error:
                aplicar_errores(form, error)
            except estructura.Conflicto as error:
                form.add_error(None, str(error))
                # Quien vuelve a guardar ya sabe del cambio de la otra persona.
                form.data = form.data.copy()
                form.data["version"] = estructura.version_de(form.instance_actual)
            else:
                messages.success(request, exito(elemento))
                return redirect(destino(elemento))
    con_errores = form.is_bound and (bool(form.errors) or (enlaces is not None and not enlaces.is_valid()))
    contexto = {
        "plan": plan, "acceso": acceso, "form": form, "enlaces": enlaces, "titulo": titulo,
        "consecuencia": consecuencia, "con_efecto": efecto is not None, **(extra or {}),
    }
    return render(request, PLANTILLA_FORMULARIO, contexto, status=400 if con_errores else 200)


def _a_la_estructura(plan):
    return lambda _elemento: reverse("gestion:estructura", kwargs={"slug": plan.slug})


def _de_peso(plan, nivel, elemento):
    return lambda datos: consecuencias.consecuencia_de_peso(plan, nivel=nivel, elemento_id=elemento.pk, peso=datos["peso"])


def _para_editar(form_class, elemento, request, acceso, **kwargs):
    """El formulario de un elemento que existe: sobre una copia (validar no toca el original)
    y con la versión que tenía al abrirse."""
    form = form_class(
        _enviado(request), instance=copy.copy(elemento), version=estructura.version_de(elemento),
        solo_lectura=not acceso.gestiona, **kwargs,
    )
    form.instance_actual = elemento
    return form


# --- Páginas ---------------------------------------------------------------------------------


@vista_privada
def estructura_del_plan(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(
        request, "gestion/estructura/estructura.html",
        {"plan": plan, "acceso": acceso, "ejes": estructura.arbol_de_estructura(plan)},
    )


@vista_privada
def plan_datos(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    form = _para_editar(PlanForm, plan, request, acceso)
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, titulo=_("Datos del plan"),
        guardar=lambda f: estructura.editar_plan(
            plan=plan, datos=f.datos, usuario=request.user, version=f.cleaned_data["version"]
        ),
        efecto=None,
        destino=_a_la_estructura(plan),
        exito=lambda _plan: _("Se guardaron los datos del plan."),
        extra={"nivel": "plan"},
    )


@vista_privada
def eje_nuevo(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    form = EjeForm(
        _enviado(request), instance=Eje(plan=plan), initial={"numero": _siguiente(plan.ejes)},
        solo_lectura=not acceso.gestiona,
    )
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, titulo=_("Eje nuevo"),
        guardar=lambda f: estructura.crear_eje(plan=plan, usuario=request.user, datos=f.datos),
        efecto=lambda datos: consecuencias.consecuencia_de_nuevo(
            plan, nivel="eje", padre_id=plan.pk, numero=datos["numero"], peso=datos["peso"]
        ),
        destino=_a_la_estructura(plan),
        exito=lambda eje: _("Se creó el eje %(clave)s.") % {"clave": eje.clave},
    )


@vista_privada
def eje(request, slug, numero):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _eje_o_404(plan, numero)
    form = _para_editar(EjeForm, elemento, request, acceso)
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, titulo=_("Eje %(clave)s") % {"clave": elemento.clave},
        guardar=lambda f: estructura.editar_eje(
            eje=elemento, usuario=request.user, datos=f.datos, version=f.cleaned_data["version"]
        ),
        efecto=_de_peso(plan, "eje", elemento),
        destino=_a_la_estructura(plan),
        exito=lambda eje: _("Se guardó el eje %(clave)s.") % {"clave": eje.clave},
        extra={"elemento": elemento, "nivel": "eje"},
    )


@vista_privada
def compromiso_nuevo(request, slug, numero):
    plan, acceso = plan_del_stl(request, slug)
    padre = _eje_o_404(plan, numero)
    solo_lectura = not acceso.gestiona
    form = CompromisoForm(
        _enviado(request), instance=Compromiso(eje=padre), initial={"numero": _siguiente(padre.compromisos)},
        solo_lectura=solo_lectura,
    )
    enlaces = formulario_de_enlaces(None, _enviado(request), solo_lectura=solo_lectura)
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, enlaces=enlaces,
        titulo=_("Compromiso nuevo en el eje %(clave)s") % {"clave": padre.clave},
        guardar=lambda f: estructura.crear_compromiso(eje=padre, usuario=request.user, datos=f.datos, enlaces=enlaces.datos),
        efecto=lambda datos: consecuencias.consecuencia_de_nuevo(
            plan, nivel="compromiso", padre_id=padre.pk, numero=datos["numero"], peso=datos["peso"]
        ),
        destino=_a_la_estructura(plan),
        exito=lambda c: _("Se creó el compromiso %(clave)s.") % {"clave": c.clave},
        extra={"padre": padre},
    )


@vista_privada
def compromiso(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _compromiso_o_404(plan, clave)
    form = _para_editar(CompromisoForm, elemento, request, acceso)
    enlaces = formulario_de_enlaces(elemento, _enviado(request), solo_lectura=not acceso.gestiona)
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, enlaces=enlaces,
        titulo=_("Compromiso %(clave)s") % {"clave": elemento.clave},
        guardar=lambda f: estructura.editar_compromiso(
            compromiso=elemento, usuario=request.user, datos=f.datos, enlaces=enlaces.datos,
            version=f.cleaned_data["version"],
        ),
        efecto=_de_peso(plan, "compromiso", elemento),
        destino=_a_la_estructura(plan),
        exito=lambda c: _("Se guardó el compromiso %(clave)s.") % {"clave": c.clave},
        extra={"elemento": elemento, "nivel": "compromiso"},
    )


@vista_privada
def accion_nueva(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    padre = _compromiso_o_404(plan, clave)
    form = AccionForm(
        _enviado(request), instance=Accion(compromiso=padre), initial={"numero": _siguiente(padre.acciones)},
        solo_lectura=not acceso.gestiona,
    )
    return _formulario(
        request, plan=plan, acceso=acceso, form=form,
        titulo=_("Acción nueva en el compromiso %(clave)s") % {"clave": padre.clave},
        guardar=lambda f: estructura.crear_accion(compromiso=padre, usuario=request.user, datos=f.datos),
        efecto=lambda datos: consecuencias.consecuencia_de_nuevo(
            plan, nivel="accion", padre_id=padre.pk, numero=datos["numero"], peso=datos["peso"]
        ),
        destino=_a_la_estructura(plan),
        exito=lambda a: _("Se creó la acción %(clave)s.") % {"clave": a.clave},
        extra={"padre": padre, "responsable": padre.institucion_responsable},
    )


@vista_privada
def accion(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _accion_o_404(plan, clave)
    form = _para_editar(AccionForm, elemento, request, acceso)
    return _formulario(
        request, plan=plan, acceso=acceso, form=form, titulo=_("Acción %(clave)s") % {"clave": elemento.clave},
        guardar=lambda f: estructura.editar_accion(
            accion=elemento, usuario=request.user, datos=f.datos, version=f.cleaned_data["version"]
        ),
        efecto=_de_peso(plan, "accion", elemento),
        destino=_a_la_estructura(plan),
        exito=lambda a: _("Se guardó la acción %(clave)s.") % {"clave": a.clave},
        extra={"elemento": elemento, "nivel": "accion", "responsable": elemento.compromiso.institucion_responsable},
    )


def _borrar(request, *, plan, acceso, elemento, nombre: str, retirar: str | None):
    """Confirmación en su propia página; ``POST`` borra si nunca tuvo nada. Si tuvo algo, la
    página explica por qué no y enlaza al retiro (``retirar``: el nombre de su dirección; 409
    si se intentó)."""
    motivos = estructura.motivos_para_no_borrar(elemento)
    if request.method == "POST" and not motivos:
        try:
            estructura.borrar(elemento=elemento, usuario=request.user)
        except ValidationError as error:
            motivos = error.messages
        else:
            messages.success(request, _("Se borró %(nombre)s.") % {"nombre": nombre})
            return redirect("gestion:estructura", slug=plan.slug)
    return render(
        request, "gestion/estructura/borrar.html",
        {"plan": plan, "acceso": acceso, "elemento": elemento, "nombre": nombre, "motivos": motivos, "retirar": retirar},
        status=409 if request.method == "POST" else 200,
    )


@vista_privada
def eje_borrar(request, slug, numero):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _eje_o_404(plan, numero)
    return _borrar(
        request, plan=plan, acceso=acceso, elemento=elemento,
        nombre=_("el eje %(clave)s") % {"clave": elemento.clave}, retirar=None,
    )


@vista_privada
def compromiso_borrar(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _compromiso_o_404(plan, clave)
    return _borrar(
        request, plan=plan, acceso=acceso, elemento=elemento,
        nombre=_("el compromiso %(clave)s") % {"clave": elemento.clave}, retirar="gestion:retirar_compromiso",
    )


@vista_privada
def accion_borrar(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    elemento = _accion_o_404(plan, clave)
    return _borrar(
        request, plan=plan, acceso=acceso, elemento=elemento,
        nombre=_("la acción %(clave)s") % {"clave": elemento.clave}, retirar="gestion:retirar_accion",
    )
