"""Entrada y salida de las cuentas del STL y de los responsables (vistas de Django)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

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
]
