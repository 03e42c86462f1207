"""``python manage.py preparar``: deja lista una base de datos para usar el portal.

Aplica las migraciones, carga el catálogo ODS y el PAL 2022-2024 si aún no están
(nunca sobrescribe un plan ya cargado, que el STL pudo haber editado) y crea el
registro inicial de historial de lo cargado por ``loaddata`` (que no lo genera).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from plan.models import ObjetivoODS, Plan

FIXTURES_DE_PLANES = {"pal-2022-2024": "pal_2022_2024"}


class Command(BaseCommand):
    help = "Migra la base de datos y carga el plan real (PAL 2022-2024) si no está."

    def handle(self, *args, **opciones):
        verbosidad = opciones["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosidad - 1, 0), stdout=self.stdout)
        if not ObjetivoODS.objects.exists():
            call_command("loaddata", "ods", verbosity=verbosidad, stdout=self.stdout)
        for slug, fixture in FIXTURES_DE_PLANES.items():
            if Plan.objects.filter(slug=slug).exists():
                self.stdout.write(f"El plan «{slug}» ya está cargado; no se modifica.")
            else:
                call_command("loaddata", fixture, verbosity=verbosidad, stdout=self.stdout)
        # loaddata no genera historial: se crea el registro inicial de lo que no tenga.
        call_command("populate_history", auto=True, verbosity=0, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Base de datos lista."))
