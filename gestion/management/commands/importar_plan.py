"""``manage.py importar_plan ARCHIVO.xlsx --slug SLUG [--dry-run]``: crea un plan desde el libro
de la plantilla de planes, como ``/trabajo/planes/importar/``. Con errores los lista todos (hoja,
fila y columna), no crea nada y termina con código distinto de 0. ``--dry-run`` solo revisa y
muestra el árbol que se crearía. Sin ``--usuario``, el plan queda sin facilitador(a)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gestion import importacion_plan


class Command(BaseCommand):
    help = _("Crea un plan desde un libro .xlsx con la estructura de la plantilla de planes.")

    def add_arguments(self, parser):
        parser.add_argument("archivo", help=_("Libro .xlsx del plan."))
        parser.add_argument("--slug", required=True, help=_("Identificador del plan nuevo en la dirección."))
        parser.add_argument("--usuario", help=_("Cuenta que queda como facilitador(a) del plan (nombre de usuario)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Solo revisa y muestra lo que se crearía."))

    def _arbol(self, lectura) -> None:
        escribir = self.stdout.write
        escribir(_("Plan «%(nombre)s» (%(slug)s): %(e)s ejes, %(c)s compromisos, %(a)s acciones.") % {
            "nombre": lectura.plan.get("nombre"), "slug": lectura.slug,
            "e": len(lectura.ejes), "c": len(lectura.compromisos), "a": len(lectura.acciones),
        })
        for eje in lectura.ejes:
            escribir(f"  {eje.numero}. {eje.nombre} " + _("(peso %(p)s)") % {"p": eje.peso.normalize()})
            for c in eje.compromisos:
                escribir(f"    {c.clave} {c.nombre} " + _("(peso %(p)s, %(i)s)") % {"p": c.peso.normalize(), "i": c.institucion.nombre_corto}
                         + self._retiro(c))
                for a in c.acciones:
                    escribir(f"      {a.clave} {a.campos['descripcion'][:70]} " + _("(peso %(p)s)") % {"p": a.peso.normalize()}
                             + self._retiro(a))
        nuevas = [i.nombre for i in lectura.instituciones_nuevas]
        escribir(_("Instituciones nuevas: %(lista)s") % {"lista": "; ".join(nuevas) or _("ninguna")})
        escribir(_("Instituciones ya registradas: %(n)s") % {"n": len(lectura.instituciones_existentes)})

    @staticmethod
    def _retiro(leido) -> str:
        return f" «{leido.retiro.descripcion}»" if leido.retiro is not None else ""

    def handle(self, *args, archivo, slug, usuario, dry_run, **opciones):
        ruta = Path(archivo)
        if not ruta.is_file():
            raise CommandError(_("No existe el archivo «%(archivo)s».") % {"archivo": archivo})
        cuenta = None
        if usuario:
            cuenta = get_user_model().objects.filter(username=usuario, is_active=True).first()
            if cuenta is None:
                raise CommandError(_("No existe la cuenta activa «%(usuario)s».") % {"usuario": usuario})
        with ruta.open("rb") as libro:
            lectura = importacion_plan.leer(libro, slug=slug, nombre=ruta.name)
            if not lectura.valida:
                self._errores(lectura)
            if dry_run:
                self._arbol(lectura)
                self.stdout.write(_("Revisión sin errores; no se creó nada (--dry-run)."))
                return
            try:
                plan = importacion_plan.importar(libro, slug=slug, usuario=cuenta, nombre=ruta.name)
            except importacion_plan.ImportacionRechazada as rechazo:
                self._errores(rechazo.lectura)
        self._arbol(lectura)
        self.stdout.write(_("Se creó el plan %(plan)s (/trabajo/%(slug)s/).") % {"plan": plan, "slug": plan.slug})

    def _errores(self, lectura):
        errores = lectura.todos_los_errores
        for error in errores:
            self.stderr.write(str(error))
        raise CommandError(
            _("El archivo tiene %(n)s error(es); no se creó nada.") % {"n": len(errores)}
        )
