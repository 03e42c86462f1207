"""``manage.py reentregar_tareas``: vuelve a entregar al broker las tareas que nadie tomó.

Lo mismo que hace ``celery beat`` cada 10 minutos (``tareas.reentregar_olvidadas``), para quien
programa con cron. Una entrega de más no hace daño: el worker toma cada tarea una sola vez.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tareas import servicios


class Command(BaseCommand):
    help = _("Vuelve a entregar al broker las tareas en espera que nadie tomó (y las abandonadas).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutos", type=int, default=10, help=_("minutos en espera antes de volver a entregarla (10)")
        )

    def handle(self, *args, minutos, **opciones):
        ids = servicios.reentregar_olvidadas(minutos=minutos)
        self.stdout.write(
            ngettext("%(n)s tarea entregada de nuevo.", "%(n)s tareas entregadas de nuevo.", len(ids)) % {"n": len(ids)}
        )
