"""``python manage.py preparar``: deja lista una base de datos para usar el portal.

Aplica las migraciones, carga el catálogo ODS (con las metas que usan los planes), el
PAL 2022-2024 y el PAL 2019-2021 (histórico) si aún no están
(nunca sobrescribe un plan ya cargado, que el STL pudo haber editado) y crea el
registro inicial de historial de lo cargado por ``loaddata`` (que no lo genera). Por último
congela los informes que llegaron publicados sin archivos (genera y guarda su PDF y su XLSX),
con sus enlaces en la dirección pública del portal, que toma del entorno (``SITIO_URL``); si no
hay una que no sea local, lo carga todo y deja esos informes sin congelar, y lo dice.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand

from simple_history.models import registered_models

from operacion.respaldos import sin_historial_nuevo

from plan.models import MetaODS, ObjetivoODS, Plan
from seguimiento.bitacora import MOTIVO_CARGA_INICIAL
from seguimiento.models import Informe

#: Planes reales que trae el proyecto: el vigente y el histórico (sin porcentajes de avance).
FIXTURES_DE_PLANES = {"pal-2022-2024": "pal_2022_2024", "pal-2019-2021": "pal_2019_2021"}


def registrar_historial_inicial() -> int:
    """Crea el registro «+» de los objetos con historial que aún no tienen ninguno, con sus
    relaciones muchos a muchos con historial (ODS, metas y partes cocreadoras de un compromiso)
    tal como quedaron: así el primer cambio posterior se compara con lo cargado."""
    creados = 0
    for modelo in registered_models.values():
        if modelo._meta.app_label not in ("plan", "seguimiento") or not hasattr(modelo, "history"):
            continue
        historico = modelo.history.model
        faltan = list(modelo.objects.exclude(pk__in=historico.objects.values("id")))
        if faltan:
            registros = modelo.history.bulk_history_create(faltan, default_change_reason=MOTIVO_CARGA_INICIAL)
            _copiar_relaciones_m2m(historico, registros)
            creados += len(faltan)
    return creados


def _copiar_relaciones_m2m(historico, registros) -> None:
    """``bulk_history_create`` no copia las relaciones muchos a muchos con historial
    (``m2m_fields``): se copian aquí, una consulta y una inserción por relación."""
    if not registros:
        return
    por_objeto = {registro.id: registro for registro in registros}
    for campo in historico._history_m2m_fields:
        intermedia = campo.remote_field.through
        del_historial = getattr(historico, campo.name).model
        propio = campo.m2m_field_name()
        filas = intermedia.objects.filter(**{f"{propio}__in": list(por_objeto)})
        nombres = [f.attname for f in intermedia._meta.fields]
        del_historial.objects.bulk_create(
            del_historial(history=por_objeto[getattr(fila, f"{propio}_id")], **{n: getattr(fila, n) for n in nombres})
            for fila in filas
        )


class Command(BaseCommand):
    help = "Migra la base de datos y carga los planes reales (PAL 2022-2024 y 2019-2021) si no están."

    def handle(self, *args, **opciones):
        verbosidad = opciones["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosidad - 1, 0), stdout=self.stdout)
        # El catálogo ODS se carga si falta (o le faltan las metas que usan los planes).
        if not ObjetivoODS.objects.exists() or not MetaODS.objects.exists():
            call_command("loaddata", "ods", verbosity=verbosidad, stdout=self.stdout)
        for slug, fixture in FIXTURES_DE_PLANES.items():
            if Plan.objects.filter(slug=slug).exists():
                self.stdout.write(f"El plan «{slug}» ya está cargado; no se modifica.")
            else:
                # Sin historial durante la carga: loaddata no lo genera al guardar, pero sí al fijar
                # las relaciones muchos a muchos (un «~» sin «+» de cada compromiso con ODS). El
                # registro inicial, «+» con esas relaciones, lo crea registrar_historial_inicial.
                with sin_historial_nuevo():
                    call_command("loaddata", fixture, verbosity=verbosidad, stdout=self.stdout)
        # loaddata no genera historial: se crea el registro inicial de cada objeto que no lo
        # tenga (populate_history se salta un modelo entero si ya tiene algún registro).
        creados = registrar_historial_inicial()
        if creados:
            self.stdout.write(f"Historial inicial: {creados} registro(s).")
        self._congelar_informes()
        self.stdout.write(self.style.SUCCESS("Base de datos lista."))

    def _congelar_informes(self):
        """Un informe que llegó publicado (el 1er Informe Parcial del fixture) se congela aquí: su
        contenido, su PDF y su XLSX con su SHA-256, para descargarse desde /informes/. Sus enlaces
        llevan la dirección pública del entorno (SITIO_URL); sin ella, se deja para después."""
        from seguimiento.informes import congelar_publicados_sin_archivos, exigir_direccion_publica

        pendientes = Informe.objects.publicados().filter(pdf_sha256="").count()
        if not pendientes:
            return
        try:
            exigir_direccion_publica()
        except ValidationError:
            self.stderr.write(
                f"{pendientes} informe(s) publicado(s) quedan sin congelar: falta la dirección pública del "
                f"portal (SITIO_URL es {settings.SITIO_URL}, una dirección local, y los enlaces del PDF la "
                "llevarían para siempre). Vuelva a correr manage.py preparar con la variable SITIO_URL, p. ej. "
                "SITIO_URL=https://estadoabierto.example.gob.mx. El resto del portal ya funciona; esos "
                "informes aparecen en /informes/ cuando se congelan."
            )
            return
        try:
            import weasyprint  # noqa: F401  (carga Pango: sin él no hay PDF)
        except (OSError, ImportError) as error:
            self.stderr.write(
                "No se generaron los archivos de los informes publicados: WeasyPrint no se pudo "
                f"cargar ({error}); suele faltar Pango. En Debian o Ubuntu: apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0; luego vuelva a correr manage.py preparar. El portal funciona "
                "sin ellos, pero los informes no aparecen en /informes/ hasta congelarlos."
            )
            return
        for informe in congelar_publicados_sin_archivos():
            self.stdout.write(f"Informe congelado: {informe} (PDF SHA-256 {informe.pdf_sha256[:12]}…).")
