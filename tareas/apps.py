from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TareasConfig(AppConfig):
    name = "tareas"
    verbose_name = _("Trabajo en segundo plano")

    def ready(self):
        # Cada app registra su trabajo en su módulo ``trabajos_en_segundo_plano.py``
        # (``tareas.registro.trabajo``), que se importa aquí: el worker los conoce todos.
        autodiscover_modules("trabajos_en_segundo_plano")
