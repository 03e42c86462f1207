"""``python manage.py borrar_suscripciones_vencidas``: borra las direcciones que pidieron seguir
algo y nunca confirmaron, una vez vencido su enlace (``SUSCRIPCION_CONFIRMACION_HORAS``). Para
cron, p. ej. a diario junto con ``enviar_recordatorios``."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from suscripciones.servicios import borrar_sin_confirmar


class Command(BaseCommand):
    help = _("Borra las suscripciones sin confirmar cuyo enlace de confirmación ya venció.")

    def handle(self, *args, **opciones):
        borradas = borrar_sin_confirmar()
        self.stdout.write(_("Suscripciones sin confirmar borradas: %(n)s.") % {"n": borradas})
