"""Seguir un plan o un compromiso por correo (doble confirmación), darse de baja y borrar los
datos de una dirección. Vistas delgadas: las escrituras están en ``servicios.py``.

Estas páginas no pasan por la caché pública (llevan un formulario con CSRF o un enlace firmado
de una persona). Responden lo mismo exista o no la dirección, para no revelar quién sigue qué.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from seguimiento.portal import plan_o_404
from seguimiento.selectores import compromiso_o_404

from . import enlaces, servicios
from .formularios import FormularioCorreo
from .limite import dentro_del_limite
from .models import Suscripcion


def _demasiadas(request):
    return render(request, "suscripciones/demasiadas.html", status=429)


def _formulario_de_correo(request, plantilla: str, contexto: dict, hacer):
    """El formulario de una dirección: GET lo muestra; POST válido llama a ``hacer(correo)`` y
    lleva a «Revise su correo» (lo mismo pase lo que pase con esa dirección)."""
    formulario = FormularioCorreo(request.POST or None)
    if request.method == "POST":
        if not dentro_del_limite(request, plantilla):
            return _demasiadas(request)
        if formulario.is_valid():
            hacer(formulario.cleaned_data["correo"])
            return redirect("suscripciones:revise_su_correo")
    return render(request, plantilla, {**contexto, "formulario": formulario})


@never_cache
def seguir_plan(request, slug):
    plan = plan_o_404(slug)
    return _formulario_de_correo(
        request, "suscripciones/seguir.html", {"plan": plan, "compromiso": None},
        lambda correo: servicios.pedir_suscripcion(correo=correo, plan=plan),
    )


@never_cache
def seguir_compromiso(request, slug, clave):
    plan = plan_o_404(slug)
    compromiso = compromiso_o_404(plan, clave)
    return _formulario_de_correo(
        request, "suscripciones/seguir.html", {"plan": plan, "compromiso": compromiso},
        lambda correo: servicios.pedir_suscripcion(correo=correo, compromiso=compromiso),
    )


@never_cache
def borrar(request):
    return _formulario_de_correo(request, "suscripciones/borrar.html", {}, lambda correo: servicios.pedir_borrado(correo=correo))


@never_cache
def revise_su_correo(request):
    return render(request, "suscripciones/revise_su_correo.html")


def _enlace_fallido(request, error: enlaces.EnlaceInvalido):
    vencido = isinstance(error, enlaces.EnlaceVencido)
    return render(
        request, "suscripciones/enlace_invalido.html", {"vencido": vencido}, status=400 if vencido else 404
    )


def _con_enlace(proposito: str):
    """Vistas de un enlace firmado: uno alterado da 404 y uno vencido 400, con su página."""

    def decorador(vista):
        @wraps(vista)
        def envoltura(request, token):
            try:
                ids = enlaces.leer(token, proposito)
                return vista(request, token, Suscripcion.objects.filter(pk__in=ids))
            except enlaces.EnlaceInvalido as error:
                return _enlace_fallido(request, error)

        return never_cache(envoltura)

    return decorador


@_con_enlace(enlaces.CONFIRMAR)
def confirmar(request, token, suscripciones):
    """GET muestra el botón (un antivirus que abre los enlaces del correo no confirma nada); POST
    confirma."""
    suscripcion = suscripciones.select_related("plan", "compromiso__eje__plan").first()
    if suscripcion is None:
        return render(request, "suscripciones/enlace_invalido.html", {"ya_no_existe": True}, status=404)
    if request.method == "POST":
        suscripcion = servicios.confirmar(token=token) or suscripcion
        return render(request, "suscripciones/confirmada.html", {"suscripcion": suscripcion})
    return render(request, "suscripciones/confirmar.html", {"suscripcion": suscripcion})


# Sin CSRF: el programa de correo hace el POST de «List-Unsubscribe=One-Click» (RFC 8058) sin
# cookies; lo que autoriza la baja es el enlace firmado.
@csrf_exempt
@_con_enlace(enlaces.BAJA)
def baja(request, token, suscripciones):
    """GET muestra qué se deja de seguir y el botón; POST (el botón o el programa de correo) da
    de baja. Si ya no existían, lo dice: no recibirá más avisos."""
    if request.method == "POST":
        servicios.dar_de_baja(token=token)
        return render(request, "suscripciones/baja_hecha.html")
    lista = list(suscripciones.select_related("plan", "compromiso__eje__plan"))
    if not lista:
        return render(request, "suscripciones/baja_hecha.html")
    return render(request, "suscripciones/baja.html", {"suscripciones": lista})


@_con_enlace(enlaces.BORRAR)
def borrar_confirmar(request, token, suscripciones):
    if request.method == "POST":
        servicios.borrar_datos(token=token)
        return render(request, "suscripciones/borrado.html")
    if not suscripciones.exists():
        return render(request, "suscripciones/borrado.html")
    return render(request, "suscripciones/borrar_confirmar.html")
