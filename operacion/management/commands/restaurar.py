"""``python manage.py restaurar ORIGEN [--sobrescribir]``: vuelve a poner un respaldo.

Comprueba primero cada SHA-256 del manifiesto; se niega si la base o el almacenamiento de destino
tienen algo, salvo con ``--sobrescribir``. Ver ``operacion/respaldos.py``.
"""

from django.core.management.base import BaseCommand, CommandError

from operacion.respaldos import RespaldoInvalido, restaurar


class Command(BaseCommand):
    help = "Restaura un respaldo de manage.py respaldar en una base de datos y un almacenamiento vacíos."

    def add_arguments(self, parser):
        parser.add_argument("origen", help="carpeta o .tar que escribió manage.py respaldar")
        parser.add_argument(
            "--sobrescribir", action="store_true",
            help="vaciar la base de destino y reemplazar los archivos del mismo nombre (sin esto, se niega si no están vacíos)",
        )
        parser.add_argument("--database", default="default", help="base de datos de destino")

    def handle(self, *args, **opciones):
        try:
            resumen = restaurar(origen=opciones["origen"], sobrescribir=opciones["sobrescribir"], using=opciones["database"])
        except RespaldoInvalido as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Respaldo restaurado desde {resumen.ubicacion}: {resumen.filas} filas de {resumen.modelos} modelos y "
            f"{resumen.archivos} archivos ({resumen.bytes_de_archivos:,} bytes), cada uno con su SHA-256 comprobado."
        ))
