"""Evidencias de un compromiso en un periodo: las agrega un responsable (o el STL), el STL las
valida o las devuelve, y se quitan.

Son lo que el informe presenta en la columna «Evidencias» para todo el compromiso (el 1er
Informe Parcial, p. ej., el proyecto «Capacítandome…» de 1.5). Siguen el ciclo de los avances
(``seguimiento/flujo.py``) con su propia revisión, porque no hay un avance que las lleve::

    (agregar) ──▶ enviada ──validar──▶ validada
                     │                    │
                     └──devolver──▶ devuelta ◀──devolver (la retira del portal)

* Un responsable agrega evidencias a los compromisos de su institución mientras el periodo está
  **abierto**; la persona facilitadora también con el periodo cerrado o publicado (lo que una
  institución entregó por correo).
* Solo se ve en público lo **validado** de un periodo **publicado**
  (``EvidenciaQuerySet.publicadas_de_compromisos``), como un avance.
* Quitar una evidencia de un periodo publicado no la destruye: queda retirada, con su archivo.

Quién puede llamar a cada servicio lo deciden las vistas con ``seguimiento.permisos``. Cada
función es una transacción: o se hace entera o no se escribe nada; lanzan ``ValidationError``
con un mensaje en español cuando la operación no procede.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.models import Compromiso

from .models import Evidencia, Periodo


def motivo_bloqueo(periodo: Periodo, *, como_stl: bool = False) -> str | None:
    """Por qué no se pueden agregar evidencias al compromiso en el periodo (``None`` si se puede)."""
    if periodo.estado == Periodo.Estado.PROGRAMADO:
        return _("El periodo %(periodo)s todavía no se abre.") % {"periodo": periodo.nombre}
    if como_stl or periodo.abierto:
        return None
    return _(
        "El periodo %(periodo)s está %(estado)s: ya no recibe evidencias. Solo el STL puede agregarlas."
    ) % {"periodo": periodo.nombre, "estado": periodo.get_estado_display().lower()}


def _guardar(evidencia: Evidencia, usuario, motivo: str, **opciones) -> None:
    evidencia._history_user = usuario
    evidencia._change_reason = motivo
    evidencia.save(**opciones)


@transaction.atomic
def agregar_evidencia_de_compromiso(
    *, compromiso: Compromiso, periodo: Periodo, usuario, evidencia: Evidencia, como_stl: bool = False
) -> Evidencia:
    """Guarda ``evidencia`` (un enlace o un archivo ya revisado, sin guardar) como evidencia del
    compromiso en el periodo, enviada al STL para su revisión."""
    if compromiso.eje.plan_id != periodo.plan_id:
        raise ValidationError(_("El compromiso no pertenece al plan de este periodo."))
    periodo = Periodo.objects.select_for_update().get(pk=periodo.pk)
    motivo = motivo_bloqueo(periodo, como_stl=como_stl)
    if motivo:
        raise ValidationError(motivo)
    if not evidencia.url and not evidencia.archivo:
        raise ValidationError(_("Falta el enlace o el archivo de esta evidencia."))
    evidencia.avance = None
    evidencia.compromiso = compromiso
    evidencia.periodo = periodo
    evidencia.estado = Evidencia.Revision.ENVIADA
    evidencia.enviada_por = usuario
    evidencia.enviada_en = timezone.now()
    _guardar(evidencia, usuario, _("Evidencia del compromiso enviada al STL para su revisión."))
    return evidencia


def _para_revisar(evidencia_id: int, *estados) -> Evidencia:
    evidencia = (
        Evidencia.objects.de_compromisos()
        # Solo la evidencia: PostgreSQL no bloquea el lado anulable de un LEFT JOIN (periodo, compromiso).
        .select_for_update(of=("self",))
        .select_related("periodo", "compromiso__eje")
        .filter(pk=evidencia_id, retirada_en__isnull=True)
        .first()
    )
    if evidencia is None:
        raise ValidationError(_("Esa evidencia ya no está en el compromiso."))
    if evidencia.estado not in estados:
        raise ValidationError(
            _("No se puede hacer eso con una evidencia %(estado)s.")
            % {"estado": evidencia.get_estado_display().lower()}
        )
    return evidencia


@transaction.atomic
def validar_evidencia_de_compromiso(*, evidencia_id: int, usuario) -> Evidencia:
    """Aprueba una evidencia enviada. Con el periodo publicado, se ve en público al instante."""
    evidencia = _para_revisar(evidencia_id, Evidencia.Revision.ENVIADA)
    evidencia.estado = Evidencia.Revision.VALIDADA
    evidencia.observaciones = ""  # las de una devolución anterior quedan en el historial
    evidencia.revisada_por = usuario
    evidencia.revisada_en = timezone.now()
    _guardar(evidencia, usuario, _("Validada por el STL."))
    return evidencia


@transaction.atomic
def devolver_evidencia_de_compromiso(*, evidencia_id: int, usuario, observaciones: str) -> Evidencia:
    """Devuelve una evidencia enviada (o ya validada: sale del portal) con observaciones."""
    observaciones = observaciones.strip()
    if not observaciones:
        raise ValidationError({"observaciones": _("Escriba qué debe corregirse.")})
    evidencia = _para_revisar(evidencia_id, Evidencia.Revision.ENVIADA, Evidencia.Revision.VALIDADA)
    evidencia.estado = Evidencia.Revision.DEVUELTA
    evidencia.observaciones = observaciones
    evidencia.revisada_por = usuario
    evidencia.revisada_en = timezone.now()
    _guardar(evidencia, usuario, _("Devuelta con observaciones: %(obs)s") % {"obs": observaciones})
    return evidencia


@transaction.atomic
def quitar_evidencia_de_compromiso(*, evidencia_id: int, usuario, como_stl: bool = False) -> Evidencia:
    """Quita una evidencia del compromiso. Un responsable quita las suyas sin validar (enviadas o
    devueltas); el STL, cualquiera. En un periodo publicado no se destruye: queda retirada, con su
    archivo; en otro, se borra."""
    estados = [Evidencia.Revision.ENVIADA, Evidencia.Revision.DEVUELTA]
    if como_stl:
        estados.append(Evidencia.Revision.VALIDADA)
    evidencia = _para_revisar(evidencia_id, *estados)
    if evidencia.periodo.publicado:
        evidencia.retirada_en = timezone.now()
        _guardar(evidencia, usuario, _("Retirada del compromiso; el archivo se conserva."))
    else:
        evidencia._history_user = usuario
        evidencia._change_reason = _("Quitada del compromiso.")
        evidencia.delete()
    return evidencia
