"""``python manage.py respaldar DESTINO``: la base de datos y los archivos, con su manifiesto.

``DESTINO`` es una carpeta nueva (o vacía) o un archivo ``.tar``. Ver ``operacion/respaldos.py``.
"""

from django.core.management.base import BaseCommand, CommandError

from operacion.respaldos import RespaldoInvalido, respaldar


class Command(BaseCommand):
    help = "Respalda la base de datos (JSON de Django) y cada archivo guardado, con un manifiesto de SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("destino", help="carpeta nueva o vacía, o un archivo .tar")
        parser.add_argument("--database", default="default", help="base de datos que se respalda")

    def handle(self, *args, **opciones):
        try:
            resumen = respaldar(destino=opciones["destino"], using=opciones["database"])
        except RespaldoInvalido as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Respaldo listo en {resumen.ubicacion}: {resumen.filas} filas de {resumen.modelos} modelos y "
            f"{resumen.archivos} archivos ({resumen.bytes_de_archivos:,} bytes), con su SHA-256 en manifiesto.json."
        ))
