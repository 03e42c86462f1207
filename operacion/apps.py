from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperacionConfig(AppConfig):
    """Operar el portal: respaldos comprobables (respaldar, restaurar) y las sondas de salud."""

    name = "operacion"
    verbose_name = _("Operación del portal")
