"""Personas y cuentas del plan (escrituras; argumentos solo por palabra clave, todo o nada).

* Instituciones (globales: las comparten los planes) y personas (funcionarias y representantes):
  guardar y borrar. Lo que está en uso no se borra (``PROTECT`` en la base): se dice qué lo usa.
* Cambiar a una persona de institución no reescribe lo que hizo (el historial guarda la
  anterior); no se permite si representa un compromiso o integra el STL por la institución que
  deja.
* Representantes titular y suplente de un compromiso: personas de su institución responsable.
* Membresías: cambiar el papel, dar de baja y reactivar. El plan nunca se queda sin una persona
  facilitadora activa. Dar de baja la última membresía activa de una cuenta (que no sea de la
  administración) desactiva también la cuenta; lo que hizo sigue con su nombre.

Invitar por correo está en ``invitaciones.py``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from plan.models import Compromiso, IntegranteSTL, Membresia
from seguimiento.bitacora import nombre_de_cuenta


def _lista(elementos) -> str:
    elementos = list(elementos)
    if len(elementos) <= 1:
        return "".join(elementos)
    return _("%(primeros)s y %(ultimo)s") % {"primeros": ", ".join(elementos[:-1]), "ultimo": elementos[-1]}


def _con_autor(objeto, usuario, motivo: str = ""):
    objeto._history_user = usuario
    if motivo:
        objeto._change_reason = motivo
    return objeto


# --- Instituciones ------------------------------------------------------------------------------


@transaction.atomic
def guardar_institucion(*, institucion, usuario):
    """Crea o actualiza ``institucion`` (ya validada por su formulario)."""
    nueva = institucion.pk is None
    _con_autor(institucion, usuario, _("Registrada desde la gestión del plan.") if nueva else "")
    try:
        with transaction.atomic():
            institucion.save()
    except IntegrityError:
        raise ValidationError(
            {"nombre": _("Ya hay una institución llamada «%(nombre)s».") % {"nombre": institucion.nombre}},
            code="repetida",
        ) from None
    return institucion


def _usos_de_institucion(institucion) -> list[str]:
    usos = []
    if institucion.compromisos.exists():
        usos.append(_("es responsable de compromisos"))
    if institucion.compromisos_cocreados.exists():
        usos.append(_("cocreó compromisos"))
    if institucion.integraciones_stl.exists():
        usos.append(_("integra el STL de un plan"))
    if institucion.membresias.exists():
        usos.append(_("tiene cuentas responsables"))
    if institucion.personas.exists():
        usos.append(_("tiene personas registradas"))
    return usos


@transaction.atomic
def borrar_institucion(*, institucion, usuario) -> None:
    """Borra una institución que nada usa; si algo la usa, ``ValidationError`` con qué."""
    usos = _usos_de_institucion(institucion)
    nombre = institucion.nombre_corto
    if not usos:
        try:
            with transaction.atomic():
                _con_autor(institucion, usuario, _("Borrada: nada la usaba.")).delete()
            return
        except (ProtectedError, RestrictedError):  # algo la empezó a usar en este instante
            usos = _usos_de_institucion(institucion) or [_("está en uso")]
    raise ValidationError(
        _("No se puede borrar %(nombre)s: %(usos)s. Lo que está en uso no se borra; corrija sus datos en su lugar.")
        % {"nombre": nombre, "usos": _lista(usos)},
        code="en_uso",
    )


# --- Personas -----------------------------------------------------------------------------------


def _representaciones_de_otra_institucion(persona) -> list[str]:
    """Lo que la persona representa por una institución distinta de la que ahora tiene."""
    compromisos = (
        Compromiso.objects.filter(representante=persona) | Compromiso.objects.filter(representante_suplente=persona)
    ).exclude(institucion_responsable_id=persona.institucion_id).select_related("eje__plan")
    stl = (
        IntegranteSTL.objects.filter(titular=persona) | IntegranteSTL.objects.filter(suplente=persona)
    ).exclude(institucion_id=persona.institucion_id).select_related("plan")
    lugares = [_("el compromiso %(clave)s del %(plan)s") % {"clave": c.clave, "plan": c.eje.plan} for c in compromisos]
    lugares += [_("el STL del %(plan)s") % {"plan": i.plan} for i in stl]
    return lugares


@transaction.atomic
def guardar_persona(*, persona, usuario):
    """Crea o actualiza ``persona`` (ya validada por su formulario). No la cambia de institución
    si representa por la anterior un compromiso o el STL: primero se nombra a otra persona ahí."""
    nueva = persona.pk is None
    if not nueva:
        lugares = _representaciones_de_otra_institucion(persona)
        if lugares:
            raise ValidationError(
                {"institucion": _(
                    "%(persona)s representa a su institución actual en %(lugares)s. Nombre antes a otra persona "
                    "ahí (en «Representantes») o registre a esta persona de nuevo en la otra institución."
                ) % {"persona": persona, "lugares": _lista(lugares)}},
                code="representa_a_otra",
            )
    _con_autor(persona, usuario, _("Registrada desde la gestión del plan.") if nueva else "")
    try:
        with transaction.atomic():
            persona.save()
    except IntegrityError:
        raise ValidationError(
            {"nombre": _("Ya hay una persona llamada «%(nombre)s» en esa institución.") % {"nombre": persona.nombre}},
            code="repetida",
        ) from None
    return persona


@transaction.atomic
def borrar_persona(*, persona, usuario) -> None:
    """Borra a una persona que nada usa; si representa algo o tiene cuenta, ``ValidationError``."""
    usos = []
    if persona.compromisos.exists() or persona.suplencias.exists():
        usos.append(_("representa compromisos"))
    if persona.titularidades_stl.exists() or persona.suplencias_stl.exists():
        usos.append(_("integra el STL de un plan"))
    if persona.usuario_id:
        usos.append(_("está ligada a una cuenta"))
    if not usos:
        try:
            with transaction.atomic():
                _con_autor(persona, usuario, _("Borrada: nada la usaba.")).delete()
            return
        except (ProtectedError, RestrictedError):
            usos.append(_("está en uso"))
    raise ValidationError(
        _("No se puede borrar a %(persona)s: %(usos)s. Quien aparece en el plan no se borra.")
        % {"persona": persona, "usos": _lista(usos)},
        code="en_uso",
    )


# --- Representantes de un compromiso ------------------------------------------------------------


@transaction.atomic
def asignar_representantes(*, compromiso, titular, suplente, usuario):
    """Nombra al representante titular y al suplente (o a ninguno) de ``compromiso``: personas de su
    institución responsable y distintas. Solo escribe esos dos campos."""
    errores = {}
    for campo, persona in (("representante", titular), ("representante_suplente", suplente)):
        if persona is not None and persona.institucion_id != compromiso.institucion_responsable_id:
            errores[campo] = _("%(persona)s no es de %(institucion)s, la institución responsable del compromiso.") % {
                "persona": persona, "institucion": compromiso.institucion_responsable.nombre_corto,
            }
    if suplente is not None and titular is not None and suplente.pk == titular.pk:
        errores["representante_suplente"] = _("La persona suplente no puede ser la misma que la titular.")
    if suplente is not None and titular is None:
        errores.setdefault("representante", _("Nombre a la persona titular antes que a la suplente."))
    if errores:
        raise ValidationError(errores, code="representantes")
    compromiso.representante, compromiso.representante_suplente = titular, suplente
    _con_autor(compromiso, usuario, _("Representantes: titular %(titular)s; suplente %(suplente)s.") % {
        "titular": titular or _("ninguno"), "suplente": suplente or _("ninguno"),
    })
    try:
        with transaction.atomic():
            compromiso.save(update_fields=["representante", "representante_suplente"])
    except IntegrityError:
        raise ValidationError(
            {"representante_suplente": _("La persona suplente no puede ser la misma que la titular.")}, code="representantes"
        ) from None
    return compromiso


# --- Membresías ---------------------------------------------------------------------------------


def _exigir_otra_facilitacion(membresia) -> None:
    """El plan no se queda sin una persona facilitadora activa."""
    if membresia.rol != Membresia.Rol.FACILITADOR or not membresia.activa:
        return
    otras = list(
        Membresia.objects.select_for_update()
        .filter(plan_id=membresia.plan_id, rol=Membresia.Rol.FACILITADOR, activa=True, usuario__is_active=True)
        .exclude(pk=membresia.pk)
    )
    if not otras:
        raise ValidationError(
            _("%(cuenta)s es la única persona facilitadora activa del plan: no puede dejar de serlo. Invite o nombre "
              "antes a otra persona facilitadora.") % {"cuenta": nombre_de_cuenta(membresia.usuario, eliminada=True)},
            code="ultima_facilitacion",
        )


def _bloquear(membresia):
    return Membresia.objects.select_for_update().select_related("usuario", "plan").get(pk=membresia.pk)


@transaction.atomic
def cambiar_papel(*, membresia, rol: str, institucion, usuario):
    """Cambia el papel de la membresía (responsable de una institución, integrante o
    facilitación)."""
    membresia = _bloquear(membresia)
    if rol == Membresia.Rol.RESPONSABLE and institucion is None:
        raise ValidationError({"institucion": _("Elija la institución de la que será responsable.")}, code="sin_institucion")
    if rol != Membresia.Rol.RESPONSABLE:
        institucion = None
    if membresia.rol == rol and membresia.institucion_id == (institucion.pk if institucion else None):
        return membresia
    if rol != Membresia.Rol.FACILITADOR:
        _exigir_otra_facilitacion(membresia)
    antes = membresia.get_rol_display()
    membresia.rol, membresia.institucion = rol, institucion
    _con_autor(membresia, usuario, _("Papel cambiado: antes %(antes)s.") % {"antes": antes})
    try:
        with transaction.atomic():
            membresia.save(update_fields=["rol", "institucion"])
    except IntegrityError:
        raise ValidationError(
            {"rol": _("%(cuenta)s ya tiene ese papel en este plan (quizá dado de baja): reactive esa membresía.")
             % {"cuenta": nombre_de_cuenta(membresia.usuario, eliminada=True)}},
            code="papel_repetido",
        ) from None
    return membresia


@transaction.atomic
def dar_de_baja(*, membresia, usuario):
    """La membresía deja de dar acceso al plan desde la siguiente petición. Si era la última
    activa de la cuenta y la cuenta no es de la administración, la cuenta se desactiva."""
    membresia = _bloquear(membresia)
    if not membresia.activa:
        return membresia
    _exigir_otra_facilitacion(membresia)
    membresia.activa = False
    _con_autor(membresia, usuario, _("Dada de baja."))
    membresia.save(update_fields=["activa"])
    cuenta = membresia.usuario
    if (
        cuenta.is_active and not (cuenta.is_staff or cuenta.is_superuser)
        and not Membresia.objects.activas().filter(usuario=cuenta).exists()
    ):
        cuenta.is_active = False
        cuenta.save(update_fields=["is_active"])
    return membresia


@transaction.atomic
def reactivar(*, membresia, usuario):
    """La membresía vuelve a dar acceso; la cuenta, si estaba desactivada, vuelve a poder entrar."""
    membresia = _bloquear(membresia)
    if membresia.activa:
        return membresia
    membresia.activa = True
    _con_autor(membresia, usuario, _("Reactivada."))
    membresia.save(update_fields=["activa"])
    cuenta = membresia.usuario
    if not cuenta.is_active:
        cuenta.is_active = True
        cuenta.save(update_fields=["is_active"])
    return membresia
