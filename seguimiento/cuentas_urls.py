"""Entrada y salida de las cuentas del STL y de los responsables (vistas de Django), cambio de
contraseña y restablecimiento por correo. El bloqueo tras intentos fallidos lo pone django-axes
(``seguimiento/cuentas_views.py``)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from seguimiento.cuentas_views import RestablecerContrasena

app_name = "cuentas"

urlpatterns = [
    path(
        "entrar/",
        auth_views.LoginView.as_view(template_name="registration/entrar.html", redirect_authenticated_user=True),
        name="entrar",
    ),
    path("salir/", auth_views.LogoutView.as_view(), name="salir"),
    path(
        "contrasena/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/contrasena.html",
            success_url=reverse_lazy("cuentas:contrasena_cambiada"),
        ),
        name="contrasena",
    ),
    path(
        "contrasena/cambiada/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/contrasena_cambiada.html"),
        name="contrasena_cambiada",
    ),
    path("restablecer/", RestablecerContrasena.as_view(), name="restablecer"),
    path(
        "restablecer/enviado/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/restablecer_enviado.html"),
        name="restablecer_enviado",
    ),
    path(
        "restablecer/lista/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/restablecer_lista.html"),
        name="restablecer_lista",
    ),
    path(
        "restablecer/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/restablecer_nueva.html",
            success_url=reverse_lazy("cuentas:restablecer_lista"),
        ),
        name="restablecer_nueva",
    ),
]
