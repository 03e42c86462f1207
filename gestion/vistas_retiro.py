"""Páginas del retiro: retirar un compromiso o una acción con su motivo, y restituirlo.

La facilitación (y la administración) retira y restituye; una integrante del STL ve la página
(lo que se publicaría y el historial del retiro) y recibe 403 si envía el formulario; cualquier
otra cuenta, 404 (``gestion/acceso.py``). Las reglas están en ``gestion/retiro.py``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from seguimiento.formularios import aplicar_errores
from seguimiento.permisos import vista_privada
from seguimiento.selectores import accion_o_404, compromiso_o_404

from . import retiro as servicio
from .acceso import plan_del_stl
from .formularios_retiro import RestituirForm, RetiroForm

_NIVELES = {
    "accion": (accion_o_404, "gestion:retirar_accion", "gestion:restituir_accion"),
    "compromiso": (compromiso_o_404, "gestion:retirar_compromiso", "gestion:restituir_compromiso"),
}


def _historial(elemento):
    """Los cambios del retiro en el historial del elemento, del más reciente al más antiguo
    (una consulta)."""
    return [
        registro
        for registro in elemento.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
        if registro.history_change_reason
        and registro.history_change_reason.startswith((_("Retiro"), _("Restitución")))
    ]


def _contexto(plan, acceso, nivel, elemento, **extra):
    _buscar, url_retirar, url_restituir = _NIVELES[nivel]
    return {
        "plan": plan,
        "acceso": acceso,
        "nivel": nivel,
        "elemento": elemento,
        "nombre": servicio.nombre_de(elemento),
        "como": servicio.como_se_retiro(elemento) if elemento.retirada else "",
        "url_retirar": url_retirar,
        "url_restituir": url_restituir,
        "historial": _historial(elemento),
        "absorbidas": list(elemento.absorbidas.all()),
        **extra,
    }


def _retirar(request, slug, clave, nivel):
    plan, acceso = plan_del_stl(request, slug)
    buscar, url_retirar, _url_restituir = _NIVELES[nivel]
    elemento = buscar(plan, clave)
    nombre = servicio.nombre_de(elemento)
    titulo = _("Retirar %(nombre)s") % {"nombre": nombre}
    if request.method != "POST":
        form = RetiroForm(elemento=elemento)
        return render(request, "gestion/retiro/retirar.html", _contexto(plan, acceso, nivel, elemento, form=form, titulo=titulo))
    form = RetiroForm(request.POST, elemento=elemento)
    if form.is_valid():
        try:
            servicio.retirar(
                elemento=elemento,
                retiro=form.cleaned_data["retiro"],
                motivo=form.cleaned_data["motivo"],
                fecha=form.cleaned_data["fecha"],
                destino=form.cleaned_data["destino"],
                usuario=request.user,
            )
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            messages.success(
                request,
                _("Se retiró %(nombre)s. Sigue en el portal con su motivo y ya no entra al cálculo.") % {"nombre": nombre},
            )
            return redirect(url_retirar, slug=plan.slug, clave=elemento.clave)
    elemento.refresh_from_db()
    contexto = _contexto(plan, acceso, nivel, elemento, form=form, titulo=titulo)
    return render(request, "gestion/retiro/retirar.html", contexto, status=400)


def _restituir(request, slug, clave, nivel):
    plan, acceso = plan_del_stl(request, slug)
    buscar, _url_retirar, url_restituir = _NIVELES[nivel]
    elemento = buscar(plan, clave)
    nombre = servicio.nombre_de(elemento)
    titulo = _("Restituir %(nombre)s") % {"nombre": nombre}
    if request.method != "POST":
        contexto = _contexto(plan, acceso, nivel, elemento, form=RestituirForm(), titulo=titulo)
        return render(request, "gestion/retiro/restituir.html", contexto)
    form = RestituirForm(request.POST)
    if form.is_valid():
        try:
            servicio.restituir(elemento=elemento, motivo=form.cleaned_data["motivo"], usuario=request.user)
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            messages.success(request, _("Se restituyó %(nombre)s: vuelve a entrar al cálculo.") % {"nombre": nombre})
            return redirect(url_restituir, slug=plan.slug, clave=elemento.clave)
    elemento.refresh_from_db()
    contexto = _contexto(plan, acceso, nivel, elemento, form=form, titulo=titulo)
    return render(request, "gestion/retiro/restituir.html", contexto, status=400)


@vista_privada
def retirar_compromiso(request, slug, clave):
    return _retirar(request, slug, clave, "compromiso")


@vista_privada
def retirar_accion(request, slug, clave):
    return _retirar(request, slug, clave, "accion")


@vista_privada
def restituir_compromiso(request, slug, clave):
    return _restituir(request, slug, clave, "compromiso")


@vista_privada
def restituir_accion(request, slug, clave):
    return _restituir(request, slug, clave, "accion")
