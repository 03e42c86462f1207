"""``manage.py exportar_plan SLUG ARCHIVO.xlsx``: la estructura de un plan en el libro de la
plantilla de planes (la misma que se descarga en ``/trabajo/<plan>/estructura.xlsx``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gestion import exportacion_plan
from plan.models import Plan


class Command(BaseCommand):
    help = _("Escribe la estructura de un plan (ejes, compromisos, acciones, instituciones) en un libro .xlsx.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help=_("Identificador del plan, p. ej. pal-2022-2024."))
        parser.add_argument("archivo", help=_("Archivo .xlsx que se escribe."))

    def handle(self, *args, slug, archivo, **opciones):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(_("No existe el plan «%(slug)s».") % {"slug": slug})
        destino = Path(archivo)
        if destino.suffix.lower() != ".xlsx":
            raise CommandError(_("El archivo debe terminar en .xlsx: «%(archivo)s».") % {"archivo": archivo})
        try:
            destino.write_bytes(exportacion_plan.exportar(plan))
        except OSError as error:
            raise CommandError(_("No se pudo escribir «%(archivo)s»: %(error)s") % {"archivo": archivo, "error": error.strerror}) from None
        self.stdout.write(_("Se escribió la estructura del %(plan)s en %(archivo)s.") % {"plan": plan, "archivo": destino})
