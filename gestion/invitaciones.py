"""Invitar personas al plan por correo (escrituras; argumentos solo por palabra clave).

* ``invitar``: crea la cuenta (o usa la que ya tiene ese correo), su ``Membresia`` y, si hace
  falta, su ``Persona``. A una cuenta nueva (o que todavía no eligió contraseña) se le envía un
  enlace **de un solo uso y con vencimiento** para elegirla; a una cuenta que ya entra al portal,
  un aviso de que ahora tiene un papel en este plan (sin enlace). Nadie del STL escribe nunca
  una contraseña.
* ``reenviar``: un enlace nuevo; el anterior deja de servir.
* ``invitacion_del_enlace`` y ``aceptar``: la página del enlace comprueba el enlace y guarda la
  contraseña elegida.

El enlace es ``/cuentas/invitacion/<uidb64>/<token>/``: ``uidb64`` es el número de la
``Invitacion`` y ``token`` lo firma ``GeneradorDeInvitaciones`` (la maquinaria de los enlaces para
restablecer la contraseña de Django, con su propia sal). El token depende de la contraseña de la
cuenta: al elegirla cambia, y el enlace ya no sirve (un solo uso). Vence a los
``settings.INVITACION_DIAS`` días. El token no se guarda en ningún lado: lo calcula la tarea que
envía el correo (``trabajos_en_segundo_plano.py``), fuera de la petición.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from plan.models import Membresia, Persona
from tareas.servicios import encolar

from .models import Invitacion


class GeneradorDeInvitaciones(PasswordResetTokenGenerator):
    """Tokens de los enlaces de invitación: los de Django para restablecer contraseñas, con su
    propia sal (un token de uno no sirve para el otro), ligados a una ``Invitacion`` y con el
    vencimiento de ``settings.INVITACION_DIAS``."""

    key_salt = "gestion.invitaciones.GeneradorDeInvitaciones"

    def _make_hash_value(self, invitacion, timestamp):
        usuario = invitacion.usuario
        return (
            f"{invitacion.pk}|{usuario.pk}|{usuario.password}|{usuario.is_active}|"
            f"{invitacion.creada_en.timestamp()}|{invitacion.reemplazada_en}|{timestamp}"
        )

    def check_token(self, invitacion, token):
        """Como el de Django, con el vencimiento de las invitaciones y no el de los
        restablecimientos (``PASSWORD_RESET_TIMEOUT``)."""
        emitido = self.emitido(invitacion, token)
        return emitido is not None and not self._vencido(emitido)

    def emitido(self, invitacion, token) -> int | None:
        """Cuándo se firmó ``token`` (segundos, como los cuenta Django) si es de ``invitacion``
        tal como está ahora; ``None`` si no lo es (alterado, de otra invitación o ya usado)."""
        if not (invitacion and token):
            return None
        try:
            ts_b36, _resto = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return None
        if any(
            constant_time_compare(self._make_token_with_timestamp(invitacion, ts, secreto), token)
            for secreto in [self.secret, *self.secret_fallbacks]
        ):
            return ts
        return None

    def _vencido(self, emitido: int) -> bool:
        return (self._num_seconds(self._now()) - emitido) > vigencia().total_seconds()


generador = GeneradorDeInvitaciones()


def vigencia() -> timedelta:
    return timedelta(days=settings.INVITACION_DIAS)


@dataclass(frozen=True)
class Resultado:
    membresia: Membresia
    #: La invitación con el enlace, o ``None`` si la cuenta ya tenía contraseña (se le avisó).
    invitacion: Invitacion | None
    cuenta_nueva: bool

    @property
    def mensaje(self) -> str:
        correo = self.membresia.usuario.email
        if self.invitacion is None:
            return _(
                "%(correo)s ya tenía cuenta en el portal: ahora es %(rol)s de este plan y se le avisó por correo."
            ) % {"correo": correo, "rol": self.membresia.get_rol_display().lower()}
        return _(
            "Invitación enviada a %(correo)s: el enlace para elegir su contraseña sirve una vez y vence en %(dias)s días."
        ) % {"correo": correo, "dias": settings.INVITACION_DIAS}


def _error(campo: str | None, mensaje: str, code: str):
    return ValidationError({campo: mensaje} if campo else mensaje, code=code)


def _cuenta_del_correo(correo: str):
    Usuario = get_user_model()
    cuentas = list(Usuario.objects.filter(email__iexact=correo)[:2])
    if len(cuentas) > 1:
        raise _error("correo", _("Hay más de una cuenta con el correo %(correo)s: pida a la administración que las una.")
                     % {"correo": correo}, "correo_repetido")
    if cuentas:
        return cuentas[0]
    por_nombre = Usuario.objects.filter(username__iexact=correo).first()
    if por_nombre is not None:
        raise _error("correo", _("Ya hay una cuenta con el nombre de usuario %(correo)s y otro correo: pida a la "
                                 "administración que la revise.") % {"correo": correo}, "usuario_ocupado")
    return None


def _vincular_persona(*, usuario, persona, crear_persona, nombre, cargo, institucion, por):
    actual = Persona.objects.filter(usuario=usuario).first()
    if persona is not None:
        if actual is not None and actual.pk != persona.pk:
            raise _error("persona", _("Esta cuenta ya es de %(actual)s: no se puede ligar también a %(persona)s.")
                         % {"actual": actual, "persona": persona}, "persona_con_otra_cuenta")
        if persona.usuario_id and persona.usuario_id != usuario.pk:
            raise _error("persona", _("%(persona)s ya tiene otra cuenta.") % {"persona": persona}, "persona_ocupada")
        if institucion is not None and persona.institucion_id != institucion.pk:
            raise _error("persona", _("%(persona)s no es de %(institucion)s.")
                         % {"persona": persona, "institucion": institucion.nombre_corto}, "persona_de_otra_institucion")
        if persona.usuario_id != usuario.pk:
            persona.usuario = usuario
            persona._history_user = por
            persona._change_reason = _("Ligada a la cuenta %(correo)s al invitarla.") % {"correo": usuario.email}
            persona.save(update_fields=["usuario"])
        return persona
    if crear_persona and actual is None:
        if institucion is None:
            raise _error("crear_persona", _("Para registrarla como persona elija su institución (solo en responsables)."),
                         "persona_sin_institucion")
        if Persona.objects.filter(nombre=nombre, institucion=institucion).exists():
            raise _error("crear_persona", _("Ya hay una persona «%(nombre)s» en %(institucion)s: elíjala en «Persona» "
                                            "en vez de crear otra.") % {"nombre": nombre, "institucion": institucion.nombre_corto},
                         "persona_repetida")
        nueva = Persona(nombre=nombre, cargo=cargo, institucion=institucion, usuario=usuario)
        nueva._history_user = por
        nueva._change_reason = _("Registrada al invitarla al plan.")
        nueva.save()
        return nueva
    return actual


@transaction.atomic
def invitar(*, plan, nombre: str, correo: str, rol: str, por, institucion=None, persona=None,
            crear_persona: bool = False, cargo: str = "") -> Resultado:
    """Da a ``correo`` el papel ``rol`` en ``plan`` (ver el módulo). Lanza ``ValidationError`` con
    el campo del formulario que está mal; entonces no escribe nada."""
    correo = correo.strip().lower()
    nombre = " ".join(nombre.split())
    if rol == Membresia.Rol.RESPONSABLE and institucion is None:
        raise _error("institucion", _("Elija la institución de la que será responsable."), "sin_institucion")
    if rol != Membresia.Rol.RESPONSABLE:
        institucion = None
    usuario = _cuenta_del_correo(correo)
    cuenta_nueva = usuario is None
    if cuenta_nueva:
        usuario = get_user_model()(username=correo, email=correo, first_name=nombre[:150])
        usuario.set_unusable_password()
        usuario.save()
    else:
        existente = Membresia.objects.filter(usuario=usuario, plan=plan, rol=rol, institucion=institucion).first()
        if existente is not None:
            if existente.activa:
                raise _error("correo", _("%(correo)s ya es %(rol)s de este plan.")
                             % {"correo": correo, "rol": existente.get_rol_display().lower()}, "ya_es_miembro")
            raise _error("correo", _("%(correo)s fue %(rol)s de este plan y está dada de baja: reactívela en la lista de "
                                     "cuentas en vez de invitarla de nuevo.")
                         % {"correo": correo, "rol": existente.get_rol_display().lower()}, "dada_de_baja")
        if not usuario.is_active:
            usuario.is_active = True
            usuario.save(update_fields=["is_active"])
    membresia = Membresia(usuario=usuario, plan=plan, rol=rol, institucion=institucion)
    membresia._history_user = por
    membresia._change_reason = _("Invitada por correo (%(correo)s).") % {"correo": correo}
    try:
        with transaction.atomic():
            membresia.save()
    except IntegrityError:  # otra petición la dio en ese instante
        raise _error("correo", _("%(correo)s ya tiene ese papel en este plan.") % {"correo": correo},
                     "ya_es_miembro") from None
    _vincular_persona(usuario=usuario, persona=persona, crear_persona=crear_persona, nombre=nombre, cargo=cargo,
                      institucion=institucion, por=por)
    if usuario.has_usable_password():
        encolar(
            tipo="gestion.aviso_de_membresia",
            descripcion=_("Aviso por correo a %(correo)s: nuevo papel en el plan") % {"correo": correo},
            argumentos={"membresia_id": membresia.pk},
            plan=plan,
            usuario=por,
        )
        return Resultado(membresia, None, cuenta_nueva)
    return Resultado(membresia, _nueva_invitacion(membresia=membresia, por=por), cuenta_nueva)


def _nueva_invitacion(*, membresia, por) -> Invitacion:
    ahora = timezone.now()
    invitacion = Invitacion(
        plan=membresia.plan, membresia=membresia, usuario=membresia.usuario, correo=membresia.usuario.email,
        creada_por=por, creada_en=ahora, expira_en=ahora + vigencia(),
    )
    invitacion._history_user = por
    try:
        with transaction.atomic():
            invitacion.save()
    except IntegrityError:
        raise _error(None, _("Otra persona acaba de enviar esta invitación: recargue la página."), "conflicto") from None
    encolar(
        tipo="gestion.invitacion",
        descripcion=_("Invitación por correo a %(correo)s") % {"correo": invitacion.correo},
        argumentos={"invitacion_id": invitacion.pk},
        plan=membresia.plan,
        usuario=por,
    )
    return invitacion


@transaction.atomic
def reenviar(*, invitacion: Invitacion, por) -> Invitacion:
    """Envía un enlace nuevo para la misma membresía; el de ``invitacion`` (y cualquier otro
    anterior) deja de servir. Solo si la cuenta todavía no eligió su contraseña."""
    invitacion = Invitacion.objects.select_for_update().select_related("usuario", "membresia__plan").get(pk=invitacion.pk)
    if invitacion.aceptada_en or invitacion.usuario.has_usable_password():
        raise _error(None, _("%(correo)s ya eligió su contraseña: no hace falta otra invitación.")
                     % {"correo": invitacion.correo}, "ya_aceptada")
    if not invitacion.membresia.activa:
        raise _error(None, _("La membresía de %(correo)s está dada de baja: reactívela antes de reenviar la invitación.")
                     % {"correo": invitacion.correo}, "dada_de_baja")
    ahora = timezone.now()
    abiertas = Invitacion.objects.select_for_update().filter(
        membresia=invitacion.membresia, aceptada_en__isnull=True, reemplazada_en__isnull=True
    )
    for anterior in abiertas:
        anterior.reemplazada_en = ahora
        anterior._history_user = por
        anterior._change_reason = _("Reenviada: este enlace dejó de servir.")
        anterior.save(update_fields=["reemplazada_en"])
    return _nueva_invitacion(membresia=invitacion.membresia, por=por)


# --- El enlace ---------------------------------------------------------------------------------


def ruta_del_enlace(invitacion: Invitacion) -> str:
    """La ruta con un token nuevo (lo llama la tarea que envía el correo)."""
    return reverse(
        "invitacion:aceptar",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(invitacion.pk)), "token": generador.make_token(invitacion)},
    )


def invitacion_del_enlace(uidb64: str, token: str) -> tuple[Invitacion | None, str]:
    """La invitación del enlace si todavía sirve, o ``(None, motivo)``; motivo: ``aceptada``,
    ``reemplazada``, ``vencida`` o ``invalida``."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None, "invalida"
    invitacion = Invitacion.objects.select_related("usuario", "plan", "membresia").filter(pk=pk).first()
    if invitacion is None:
        return None, "invalida"
    estado = invitacion.estado()
    if estado != Invitacion.Estado.PENDIENTE:
        return None, estado
    if not generador.check_token(invitacion, token):
        return None, "vencida" if generador.emitido(invitacion, token) is not None else "invalida"
    if not invitacion.membresia.activa:
        return None, "invalida"
    return invitacion, ""


@transaction.atomic
def aceptar(*, invitacion: Invitacion, contrasena: str):
    """Guarda la contraseña (ya validada por ``SetPasswordForm``) y marca la invitación aceptada:
    el enlace ya no sirve. Devuelve la cuenta. Si otra pestaña la aceptó en ese instante, lanza
    ``ValidationError``."""
    invitacion = Invitacion.objects.select_for_update().select_related("usuario").get(pk=invitacion.pk)
    if invitacion.estado() != Invitacion.Estado.PENDIENTE:
        raise _error(None, _("Este enlace ya se usó o dejó de servir."), "ya_usada")
    usuario = invitacion.usuario
    usuario.set_password(contrasena)
    usuario.is_active = True
    usuario.save(update_fields=["password", "is_active"])
    invitacion.aceptada_en = timezone.now()
    invitacion._history_user = usuario
    invitacion._change_reason = _("Aceptada: la persona eligió su contraseña.")
    invitacion.save(update_fields=["aceptada_en"])
    return usuario


# --- Los correos (los envían las tareas de trabajos_en_segundo_plano.py) ----------------------


def _enviar(plantilla: str, contexto: dict, correo: str) -> None:
    asunto = " ".join(render_to_string(f"correos/{plantilla}_asunto.txt", contexto).split())
    send_mail(asunto, render_to_string(f"correos/{plantilla}.txt", contexto), None, [correo])


def enviar_invitacion(invitacion: Invitacion) -> None:
    membresia = invitacion.membresia
    _enviar("invitacion", {
        "invitacion": invitacion, "plan": invitacion.plan, "membresia": membresia,
        "nombre": invitacion.usuario.get_full_name() or invitacion.correo,
        "enlace": f"{settings.SITIO_URL}{ruta_del_enlace(invitacion)}",
        "dias": settings.INVITACION_DIAS, "invito": invitacion.creada_por,
    }, invitacion.correo)


def enviar_aviso_de_membresia(membresia: Membresia) -> None:
    usuario = membresia.usuario
    _enviar("membresia_nueva", {
        "membresia": membresia, "plan": membresia.plan, "nombre": usuario.get_full_name() or usuario.email,
        "usuario": usuario.get_username(),
        "enlace": f"{settings.SITIO_URL}{reverse('trabajo:plan', kwargs={'slug': membresia.plan.slug})}",
    }, usuario.email)
