"""Vistas de las cuentas que no son las de Django tal cual: la entrada bloqueada por django-axes
y el restablecimiento de contraseña por correo con los enlaces en ``SITIO_URL``."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers


def _fin_del_bloqueo(request, credenciales) -> datetime:
    """Desde cuándo se puede volver a intentar: el último fallo que cuenta más el tiempo de
    bloqueo, redondeado al minuto siguiente (la hora que se muestra ya se cumplió al llegar)."""
    intentos = AxesProxyHandler.get_implementation().get_user_attempts(request, credenciales)
    ultimos = [q.aggregate(ultimo=Max("attempt_time"))["ultimo"] for q in intentos]
    ultimo = max((u for u in ultimos if u is not None), default=timezone.now())
    fin = ultimo + get_cool_off(request)
    if fin.second or fin.microsecond:
        fin = fin.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return fin


def entrada_bloqueada(request, respuesta_original=None, credenciales=None):
    """``AXES_LOCKOUT_CALLABLE``: la página de entrada (o la del admin) con el aviso de cuándo
    volver a intentarlo, con el estado HTTP 429 y ``Retry-After``."""
    ahora = timezone.now()
    fin = _fin_del_bloqueo(request, credenciales)
    local = timezone.localtime(fin)
    contexto = {
        "form": AuthenticationForm(request, initial={"username": get_client_username(request, credenciales)}),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "bloqueo": {
            "hasta": fin,
            "articulo": "la" if local.hour == 1 else "las",
            "otro_dia": local.date() != timezone.localtime(ahora).date(),
            "minutos": max(1, math.ceil((fin - ahora).total_seconds() / 60)),
        },
    }
    respuesta = render(request, "registration/entrar.html", contexto, status=settings.AXES_HTTP_RESPONSE_CODE)
    respuesta["Retry-After"] = str(max(0, math.ceil((fin - ahora).total_seconds())))
    add_never_cache_headers(respuesta)
    return respuesta


class RestablecerContrasena(auth_views.PasswordResetView):
    """Pide el correo y, si es de una cuenta activa, le envía el enlace. Responde lo mismo exista
    o no la cuenta. El enlace del correo usa ``SITIO_URL``, como los demás correos del portal, y
    no el host de la petición."""

    template_name = "registration/restablecer.html"
    email_template_name = "registration/restablecer_correo.txt"
    subject_template_name = "registration/restablecer_asunto.txt"
    success_url = reverse_lazy("cuentas:restablecer_enviado")

    def form_valid(self, form):
        self.extra_email_context = {
            "sitio_url": settings.SITIO_URL,
            "horas_de_vigencia": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)
