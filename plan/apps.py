from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "plan"
    verbose_name = _("Estructura del plan")

    def ready(self):
        # Una cuenta borrada no queda colgando en el historial (plan/historial.py).
        from .historial import conectar

        conectar()
