"""Retirar un compromiso o una acción del plan, y restituirlo si fue un error.

Nada publicado se borra: un elemento retirado (cancelado, fusionado con otro o sustituido por
otro) sigue en el portal con su último avance publicado, dice por qué se retiró y desde esa
fecha sale del cálculo (pesa 0 en su padre; ``seguimiento/ROLLUP.md`` § 2). Retirar un
compromiso no retira sus acciones: salen del cálculo con él. Restituir deja el elemento como
estaba y guarda en el historial el retiro y su corrección.

Las reglas (en español, junto al campo que falla): el destino es obligatorio para una fusión o
una sustitución, del mismo plan y nivel, no es el mismo elemento ni está retirado; la fecha no
es futura ni anterior al inicio del plan; el motivo es obligatorio. La base de datos guarda la
misma invariante (``*_retiro_completo``). Dos personas a la vez: la segunda recibe un error de
formulario, nunca un 500.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plan.models import Accion, Compromiso, Retiro

Elemento = Compromiso | Accion

CAMPOS = ["retiro", "retiro_motivo", "retiro_fecha", "retiro_destino"]


def inicio_del_plan(plan) -> datetime.date:
    """El primer día de la vigencia del plan (1 de enero de su año de inicio)."""
    return datetime.date(plan.anio_inicio, 1, 1)


def plan_de(elemento: Elemento):
    return elemento.eje.plan if isinstance(elemento, Compromiso) else elemento.compromiso.eje.plan


def nombre_de_clave(clave: str, *, accion: bool) -> str:
    """«la acción 1.5.3», «el compromiso 1.5», por su clave (también para lo que aún no está en la
    base, como una fila de un libro que se importa)."""
    if accion:
        return _("la acción %(clave)s") % {"clave": clave}
    return _("el compromiso %(clave)s") % {"clave": clave}


def nombre_de(elemento: Elemento) -> str:
    """«la acción 1.5.3», «el compromiso 1.5»."""
    return nombre_de_clave(elemento.clave, accion=isinstance(elemento, Accion))


def _retirada(elemento: Elemento) -> str:
    """«retirada» (una acción) o «retirado» (un compromiso)."""
    return _("retirada") if isinstance(elemento, Accion) else _("retirado")


def describir_retiro(*, retiro: str, accion: bool, destino: str = "") -> str:
    """Como ``como_se_retiro``, con el retiro (su valor), el nivel y la clave del destino."""
    if retiro == Retiro.CANCELADA:
        return _("cancelada") if accion else _("cancelado")
    destino = nombre_de_clave(destino, accion=accion) if destino else ""
    if retiro == Retiro.FUSIONADA:
        return (_("fusionada con %(destino)s") if accion else _("fusionado con %(destino)s")) % {"destino": destino}
    return (_("sustituida por %(destino)s") if accion else _("sustituido por %(destino)s")) % {"destino": destino}


def como_se_retiro(elemento: Elemento) -> str:
    """«cancelada», «fusionada con la acción 1.5.2», «sustituido por el compromiso 2.1»."""
    return describir_retiro(
        retiro=elemento.retiro,
        accion=isinstance(elemento, Accion),
        destino=elemento.retiro_destino.clave if elemento.retiro_destino_id else "",
    )


def _fecha(fecha: datetime.date) -> str:
    return date_format(fecha, "j \\d\\e F \\d\\e Y").lower()


def _bloquear(elemento: Elemento) -> Elemento:
    """Vuelve a leer el elemento con un candado de fila: lo que decide es lo de la base."""
    relacionados = ("eje__plan",) if isinstance(elemento, Compromiso) else ("compromiso__eje__plan",)
    return type(elemento).objects.select_for_update().select_related(*relacionados).get(pk=elemento.pk)


def _errores_del_retiro(elemento: Elemento, *, retiro, motivo, fecha, destino) -> dict[str, str]:
    errores: dict[str, str] = {}
    plan = plan_de(elemento)
    if retiro not in Retiro.values:
        errores["retiro"] = _("Elija si se cancela, se fusiona con otra o la sustituye otra.")
    if not (motivo or "").strip():
        errores["motivo"] = _("Escriba el motivo del retiro: se publica junto al elemento.")
    if fecha is None:
        errores["fecha"] = _("Escriba la fecha del retiro.")
    elif fecha > timezone.localdate():
        errores["fecha"] = _("La fecha del retiro (%(fecha)s) no puede ser futura.") % {"fecha": _fecha(fecha)}
    elif fecha < inicio_del_plan(plan):
        errores["fecha"] = _(
            "La fecha del retiro (%(fecha)s) es anterior al inicio del plan (%(inicio)s)."
        ) % {"fecha": _fecha(fecha), "inicio": _fecha(inicio_del_plan(plan))}
    if retiro in (Retiro.FUSIONADA, Retiro.SUSTITUIDA):
        if destino is None:
            errores["destino"] = (
                _("Elija con qué se fusiona.") if retiro == Retiro.FUSIONADA else _("Elija cuál la sustituye.")
            )
        elif not isinstance(destino, type(elemento)):
            errores["destino"] = _("El destino debe ser del mismo nivel: %(nombre)s se fusiona o sustituye con otro igual.") % {
                "nombre": nombre_de(elemento)
            }
        elif destino.pk == elemento.pk:
            errores["destino"] = _("%(nombre)s no puede fusionarse ni sustituirse consigo.") % {
                "nombre": nombre_de(elemento).capitalize()
            }
        elif plan_de(destino).pk != plan.pk:
            errores["destino"] = _("El destino debe ser del mismo plan.")
        elif destino.retirada:
            errores["destino"] = _("%(nombre)s también está %(retirada)s: elija uno vigente.") % {
                "nombre": nombre_de(destino).capitalize(), "retirada": _retirada(destino)
            }
    elif destino is not None and retiro == Retiro.CANCELADA:
        errores["destino"] = _("Una cancelación no lleva destino: déjelo vacío o elija «fusionada» o «sustituida».")
    return errores


@transaction.atomic
def retirar(
    *,
    elemento: Elemento,
    retiro: str,
    motivo: str,
    fecha: datetime.date | None,
    destino: Elemento | None = None,
    usuario,
) -> Elemento:
    """Retira ``elemento`` (un ``Compromiso`` o una ``Accion``) con su motivo y fecha.

    ``ValidationError`` con los errores por campo (``retiro``, ``motivo``, ``fecha``,
    ``destino``) si algo no cumple las reglas del módulo; no escribe nada.
    """
    elemento = _bloquear(elemento)
    if elemento.retirada:
        raise ValidationError(
            _("%(nombre)s ya está %(retirada)s (%(como)s el %(fecha)s). Si el retiro fue un error, restitúyalo primero.")
            % {
                "nombre": nombre_de(elemento).capitalize(),
                "retirada": _retirada(elemento),
                "como": como_se_retiro(elemento),
                "fecha": _fecha(elemento.retiro_fecha),
            }
        )
    if destino is not None:
        destino = _bloquear(destino) if isinstance(destino, (Compromiso, Accion)) else destino
    errores = _errores_del_retiro(elemento, retiro=retiro, motivo=motivo, fecha=fecha, destino=destino)
    if errores:
        raise ValidationError(errores)
    elemento.retiro = retiro
    elemento.retiro_motivo = motivo.strip()
    elemento.retiro_fecha = fecha
    elemento.retiro_destino = destino if retiro != Retiro.CANCELADA else None
    elemento._history_user = usuario
    elemento._change_reason = _("Retiro (%(como)s) el %(fecha)s: %(motivo)s") % {
        "como": como_se_retiro(elemento),
        "fecha": _fecha(fecha),
        "motivo": elemento.retiro_motivo,
    }
    try:
        with transaction.atomic():
            elemento.save(update_fields=CAMPOS)
    except IntegrityError:
        raise ValidationError(_("No se pudo guardar el retiro: los datos no están completos. Revise el formulario.")) from None
    return elemento


@transaction.atomic
def restituir(*, elemento: Elemento, motivo: str, usuario) -> Elemento:
    """Deja vigente un elemento retirado por error. El historial guarda el retiro y esta
    corrección con su ``motivo`` (obligatorio)."""
    elemento = _bloquear(elemento)
    if not elemento.retirada:
        raise ValidationError(_("%(nombre)s no está %(retirada)s: no hay nada que restituir.") % {
            "nombre": nombre_de(elemento).capitalize(), "retirada": _retirada(elemento)
        })
    if not (motivo or "").strip():
        raise ValidationError({"motivo": _("Escriba por qué se restituye: queda en el historial.")})
    anterior = _("%(como)s el %(fecha)s") % {"como": como_se_retiro(elemento), "fecha": _fecha(elemento.retiro_fecha)}
    elemento.retiro = ""
    elemento.retiro_motivo = ""
    elemento.retiro_fecha = None
    elemento.retiro_destino = None
    elemento._history_user = usuario
    elemento._change_reason = _("Restitución (estaba: %(anterior)s): %(motivo)s") % {
        "anterior": anterior, "motivo": motivo.strip()
    }
    elemento.save(update_fields=CAMPOS)
    return elemento
