"""La página del enlace de una invitación: ``/cuentas/invitacion/<uidb64>/<token>/``.

Como el restablecimiento de contraseña de Django: al abrir el enlace, el token pasa a la sesión
y la página se recarga en ``…/<uidb64>/elegir/``, sin el token en la dirección (no queda en el
historial del navegador ni viaja en el encabezado ``Referer``). Allí la persona elige su
contraseña (``SetPasswordForm``, con los validadores de ``AUTH_PASSWORD_VALIDATORS``); al
guardarla entra y llega a ``/trabajo/<plan>/``. Un enlace vencido, ya usado, reemplazado por un
reenvío o alterado lleva a una página que dice qué hacer: pedir al STL que la reenvíe.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import invitaciones

TOKEN_EN_SESION = "_invitacion_token"
ELEGIR = "elegir"


def _no_sirve(request, motivo: str):
    return render(request, "gestion/invitacion/no_sirve.html", {"motivo": motivo})


@sensitive_post_parameters()
@never_cache
@csrf_protect
def aceptar(request, uidb64, token):
    if token != ELEGIR:
        invitacion, motivo = invitaciones.invitacion_del_enlace(uidb64, token)
        if invitacion is None:
            return _no_sirve(request, motivo)
        request.session[TOKEN_EN_SESION] = token
        return redirect("invitacion:aceptar", uidb64=uidb64, token=ELEGIR)
    invitacion, motivo = invitaciones.invitacion_del_enlace(uidb64, request.session.get(TOKEN_EN_SESION, ""))
    if invitacion is None:
        return _no_sirve(request, motivo)
    usuario = invitacion.usuario
    form = SetPasswordForm(usuario, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            usuario = invitaciones.aceptar(invitacion=invitacion, contrasena=form.cleaned_data["new_password1"])
        except ValidationError:
            return _no_sirve(request, "aceptada")
        request.session.pop(TOKEN_EN_SESION, None)
        login(request, usuario, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("trabajo:plan", slug=invitacion.plan.slug)
    return render(request, "gestion/invitacion/elegir.html", {"form": form, "invitacion": invitacion})
