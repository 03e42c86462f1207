from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Las páginas públicas: plan, eje, compromiso, acción, consulta, datos abiertos e informes.

    No tiene modelos: lee ``plan`` (la estructura) y ``seguimiento`` (lo publicado), que no
    dependen de ella.
    """

    name = "portal"
    verbose_name = _("Portal ciudadano")
