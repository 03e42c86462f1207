from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GestionConfig(AppConfig):
    """El STL administra su plan sin el admin de Django: estructura, personas y cuentas,
    planes nuevos (a mano o desde una hoja de cálculo) y el historial de cambios."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gestion"
    verbose_name = _("Gestión del plan")
