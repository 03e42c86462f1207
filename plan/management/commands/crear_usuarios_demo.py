"""``python manage.py crear_usuarios_demo <plan> --password …``: cuentas para capacitación y demostraciones.

Crea, para el plan, una cuenta de facilitación del STL, una de integrante del STL (solo
lectura) y una responsable por cada institución del plan (las que son responsables de algún
compromiso), con su ``Membresia``. Los nombres de usuario salen del plan y de las siglas de
cada institución (``facilitacion-pal-2022-2024``, ``integrante-pal-2022-2024``,
``iacip-pal-2022-2024``) y los correos son ``<usuario>@demo.estado-abierto.local``.

Se puede repetir: no duplica nada, restablece la contraseña de las cuentas de demostración
que ya existen y asegura sus membresías. Nunca toca una cuenta con el mismo nombre de
usuario que no sea de demostración (otro correo): en ese caso no hace nada y lo informa.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.models import Institucion, Membresia, Plan

DOMINIO_DEMO = "demo.estado-abierto.local"
#: Largo máximo de la parte de la institución cuando sale de su nombre (no tiene siglas).
LARGO_INSTITUCION = 40
_CONECTORES = {"a", "al", "de", "del", "el", "en", "la", "las", "los", "para", "por", "y", "e"}
MOTIVO_HISTORIAL = "Cuentas de demostración (manage.py crear_usuarios_demo)"


@dataclass
class CuentaDemo:
    username: str
    rol: str
    institucion: Institucion | None
    first_name: str
    last_name: str
    creada: bool = False
    membresia_nueva: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@{DOMINIO_DEMO}"


def _parte_institucion(institucion: Institucion) -> str:
    parte = slugify(institucion.siglas)
    if not parte:
        parte = slugify(institucion.nombre)
        if len(parte) > LARGO_INSTITUCION:
            # Se corta en el último guion que cabe, para no dejar palabras a medias.
            corte = parte[: LARGO_INSTITUCION + 1].rfind("-")
            palabras = parte[: corte if corte > 0 else LARGO_INSTITUCION].strip("-").split("-")
            # Y sin una preposición o artículo colgando al final («…-del-estado-de»).
            while len(palabras) > 1 and palabras[-1] in _CONECTORES:
                palabras.pop()
            parte = "-".join(palabras)
    return parte or f"institucion-{institucion.pk}"


def cuentas_del_plan(plan: Plan) -> list[CuentaDemo]:
    """Las cuentas de demostración del plan, con nombres de usuario únicos y deterministas."""
    sufijo = slugify(plan.slug)
    nombre_plan = str(plan)
    del_stl = _("del STL, %(plan)s") % {"plan": nombre_plan}
    cuentas = [
        CuentaDemo(f"facilitacion-{sufijo}", Membresia.Rol.FACILITADOR, None, _("Facilitación"), del_stl),
        CuentaDemo(f"integrante-{sufijo}", Membresia.Rol.INTEGRANTE, None, _("Integrante"), del_stl),
    ]
    instituciones = Institucion.objects.filter(compromisos__eje__plan=plan).distinct().order_by("nombre")
    partes = {institucion: _parte_institucion(institucion) for institucion in instituciones}
    ocupadas = [c.username for c in cuentas] + [f"{p}-{sufijo}" for p in partes.values()]
    for institucion, parte in partes.items():
        username = f"{parte}-{sufijo}"
        if ocupadas.count(username) > 1:
            # Dos instituciones con las mismas siglas (o el mismo nombre cortado): se distinguen
            # por su identificador, que no cambia entre ejecuciones.
            username = f"{parte}-{institucion.pk}-{sufijo}"
        cuentas.append(
            CuentaDemo(
                username,
                Membresia.Rol.RESPONSABLE,
                institucion,
                _("Responsable"),
                institucion.nombre_corto[:150],
            )
        )
    # Por construcción caben (≤ 40 + id + slug del plan ≤ 80) y no se repiten; se comprueba
    # por si cambian los largos de los campos.
    largo_maximo = get_user_model()._meta.get_field("username").max_length
    repetidos = len({c.username for c in cuentas}) < len(cuentas)
    if repetidos or any(len(c.username) > largo_maximo for c in cuentas):
        raise CommandError(
            _(
                "No se pudieron generar nombres de usuario únicos de hasta %(largo)d caracteres "
                "para el plan «%(plan)s»."
            )
            % {"largo": largo_maximo, "plan": plan.slug}
        )
    return cuentas


def _validar_contrasena(password: str, cuentas: list[CuentaDemo]) -> None:
    """Valida con los validadores de ``AUTH_PASSWORD_VALIDATORS`` frente a cada cuenta."""
    modelo = get_user_model()
    mensajes: list[str] = []
    for cuenta in cuentas:
        provisional = modelo(
            username=cuenta.username,
            email=cuenta.email,
            first_name=cuenta.first_name,
            last_name=cuenta.last_name,
        )
        try:
            validate_password(password, user=provisional)
        except ValidationError as error:
            mensajes += [m for m in error.messages if m not in mensajes]
    if mensajes:
        raise CommandError(
            _("La contraseña no es válida: %(errores)s No se creó ni cambió ninguna cuenta.")
            % {"errores": " ".join(mensajes)}
        )


@transaction.atomic
def crear_usuarios_demo(*, plan: Plan, password: str) -> list[CuentaDemo]:
    """Crea o restablece las cuentas de demostración del plan y sus membresías (una transacción)."""
    cuentas = cuentas_del_plan(plan)
    _validar_contrasena(password, cuentas)
    modelo = get_user_model()
    existentes = {u.username: u for u in modelo.objects.filter(username__in=[c.username for c in cuentas])}
    ajenas = [u for u in existentes.values() if u.email.lower() != f"{u.username}@{DOMINIO_DEMO}"]
    if ajenas:
        raise CommandError(
            _(
                "Ya existen cuentas con estos nombres de usuario que no son de demostración: "
                "%(cuentas)s. No se creó ni cambió ninguna cuenta."
            )
            % {"cuentas": ", ".join(sorted(u.username for u in ajenas))}
        )
    for cuenta in cuentas:
        usuario = existentes.get(cuenta.username)
        if usuario is None:
            usuario = modelo.objects.create_user(
                cuenta.username,
                cuenta.email,
                password,
                first_name=cuenta.first_name,
                last_name=cuenta.last_name,
            )
            cuenta.creada = True
        else:
            usuario.set_password(password)
            usuario.first_name, usuario.last_name = cuenta.first_name, cuenta.last_name
            # Una cuenta con contraseña conocida no puede quedar con más privilegios.
            usuario.is_active, usuario.is_staff, usuario.is_superuser = True, False, False
            usuario.save()
        if not Membresia.objects.filter(
            usuario=usuario, plan=plan, rol=cuenta.rol, institucion=cuenta.institucion
        ).exists():
            membresia = Membresia(usuario=usuario, plan=plan, rol=cuenta.rol, institucion=cuenta.institucion)
            membresia._change_reason = MOTIVO_HISTORIAL
            membresia.save()
            cuenta.membresia_nueva = True
    return cuentas


class Command(BaseCommand):
    help = (
        "Crea (o restablece) las cuentas de demostración de un plan: facilitación del STL, "
        "integrante del STL y una responsable por institución, todas con la misma contraseña."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "plan", nargs="?", help="identificador del plan (slug), p. ej. pal-2022-2024"
        )
        parser.add_argument(
            "--password",
            help="contraseña de todas las cuentas de demostración (obligatoria; debe pasar los "
            "validadores de contraseñas del sitio)",
        )

    def handle(self, *args, **opciones):
        if not opciones["plan"]:
            raise CommandError(
                _("Indique el plan (su identificador o slug). Planes disponibles: %(disponibles)s.")
                % {"disponibles": self._disponibles()}
            )
        if not opciones["password"]:
            raise CommandError(
                _("Falta --password: la contraseña de las cuentas de demostración.")
            )
        try:
            plan = Plan.objects.get(slug=opciones["plan"])
        except Plan.DoesNotExist:
            raise CommandError(
                _("No existe el plan «%(plan)s». Planes disponibles: %(disponibles)s.")
                % {"plan": opciones["plan"], "disponibles": self._disponibles()}
            ) from None

        cuentas = crear_usuarios_demo(plan=plan, password=opciones["password"])
        self._tabla(cuentas)
        creadas = sum(c.creada for c in cuentas)
        actualizadas = len(cuentas) - creadas
        membresias = sum(c.membresia_nueva for c in cuentas)
        self.stdout.write(
            ngettext("%(n)d cuenta creada", "%(n)d cuentas creadas", creadas) % {"n": creadas}
            + ", "
            + ngettext(
                "%(n)d actualizada (contraseña restablecida)",
                "%(n)d actualizadas (contraseña restablecida)",
                actualizadas,
            )
            % {"n": actualizadas}
            + "; "
            + ngettext("%(n)d membresía nueva.", "%(n)d membresías nuevas.", membresias)
            % {"n": membresias}
        )

    def _disponibles(self) -> str:
        return ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or _("ninguno")

    def _tabla(self, cuentas: list[CuentaDemo]) -> None:
        filas = [(_("Usuario"), _("Papel"), _("Institución"), _("Cuenta"))]
        for cuenta in cuentas:
            filas.append(
                (
                    cuenta.username,
                    str(Membresia.Rol(cuenta.rol).label),
                    cuenta.institucion.nombre_corto if cuenta.institucion else "—",
                    _("creada") if cuenta.creada else _("actualizada"),
                )
            )
        anchos = [max(len(fila[i]) for fila in filas) for i in range(4)]
        for numero, fila in enumerate(filas):
            self.stdout.write("  ".join(valor.ljust(ancho) for valor, ancho in zip(fila, anchos)).rstrip())
            if numero == 0:
                self.stdout.write("  ".join("-" * ancho for ancho in anchos))
