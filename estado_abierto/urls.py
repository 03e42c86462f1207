from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from operacion.salud import SONDAS

admin.site.site_header = _("Estado Abierto · Oficina del STL")
admin.site.site_title = _("Estado Abierto")
admin.site.index_title = _("Administración del plan y su seguimiento")

urlpatterns = [
    # /healthz y /readyz (las contesta antes operacion.salud.SondasDeSalud; aquí, para reverse()).
    *[path(ruta, vista, name=ruta) for ruta, vista in SONDAS.items()],
    path("admin/", admin.site.urls),
    path("cuentas/", include("seguimiento.cuentas_urls")),
    path("cuentas/invitacion/", include("gestion.urls_invitacion")),
    path("trabajo/", include("gestion.urls")),
    path("trabajo/", include("seguimiento.trabajo_urls")),
    path("datos/", include("portal.datos_urls")),
    path("informes/", include("portal.informes_urls")),
    path("", include("seguimiento.urls")),
    path("", include("portal.consulta_urls")),
    path("", include("portal.institucional_urls")),
    path("", include("portal.urls")),
    path("", include("suscripciones.urls")),
]

# El error del servidor dice si el equipo recibió un aviso (settings.ADMINS) y nunca falla él mismo.
handler500 = "estado_abierto.errores.error_del_servidor"
