"""Las escrituras de las suscripciones: pedir, confirmar, dar de baja y borrar los datos de una
dirección. Cada una en una transacción; los correos los envía una tarea en segundo plano
(``trabajos_en_segundo_plano.py``) pedida en esa transacción: nunca dentro de la petición, y la
tarea solo guarda números de suscripción, no la dirección.

Ninguna dice a quien la llama si la dirección ya estaba suscrita: las vistas responden igual en
todos los casos, para que el formulario no sirva para averiguar quién sigue qué.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from plan.models import Compromiso, Plan

from . import enlaces
from .models import Suscripcion
from .trabajos_en_segundo_plano import pedir_confirmacion, pedir_enlace_de_borrado


def normalizar(correo: str) -> str:
    return correo.strip().lower()


@transaction.atomic
def pedir_suscripcion(*, correo: str, plan: Plan | None = None, compromiso: Compromiso | None = None) -> None:
    """Registra (o recuerda) que ``correo`` quiere seguir ``plan`` o ``compromiso`` y le envía el
    enlace de confirmación. Si ya está confirmada no envía nada; si se envió uno hace menos de
    ``SUSCRIPCION_ESPERA_MINUTOS``, tampoco."""
    ahora = timezone.now()
    datos = {"correo": normalizar(correo), "plan": plan, "compromiso": compromiso}
    suscripcion = Suscripcion.objects.select_for_update().filter(**datos).first()
    if suscripcion is None:
        try:
            with transaction.atomic():
                suscripcion = Suscripcion.objects.create(**datos, confirmacion_enviada_en=ahora)
        except IntegrityError:  # la misma petición llegó dos veces a la vez: ya salió un correo
            return
    elif suscripcion.confirmada:
        return
    elif suscripcion.confirmacion_enviada_en > ahora - timedelta(minutes=settings.SUSCRIPCION_ESPERA_MINUTOS):
        return
    else:
        suscripcion.confirmacion_enviada_en = ahora
        suscripcion.save(update_fields=["confirmacion_enviada_en"])
    pedir_confirmacion(suscripcion)


def _suscripciones(token: str, proposito: str):
    return Suscripcion.objects.filter(pk__in=enlaces.leer(token, proposito))


@transaction.atomic
def confirmar(*, token: str) -> Suscripcion | None:
    """Confirma la suscripción del enlace; ``None`` si ya no existe (se dio de baja o se borró).
    Lanza ``EnlaceInvalido`` o ``EnlaceVencido``."""
    suscripcion = _suscripciones(token, enlaces.CONFIRMAR).select_for_update().first()
    if suscripcion is not None and not suscripcion.confirmada:
        suscripcion.confirmada_en = timezone.now()
        suscripcion.save(update_fields=["confirmada_en"])
    return suscripcion


@transaction.atomic
def dar_de_baja(*, token: str) -> int:
    """Borra las suscripciones del enlace de baja; cuántas borró (0 si ya no estaban)."""
    borradas, _por_modelo = _suscripciones(token, enlaces.BAJA).delete()
    return borradas


@transaction.atomic
def pedir_borrado(*, correo: str) -> None:
    """Si ``correo`` tiene suscripciones, le envía el enlace para borrarlas todas."""
    correo = normalizar(correo)
    ids = list(Suscripcion.objects.filter(correo=correo).values_list("pk", flat=True))
    if ids:
        pedir_enlace_de_borrado(ids)


@transaction.atomic
def borrar_datos(*, token: str) -> int:
    """Borra **todas** las suscripciones de la dirección del enlace (también las que pidió después
    de solicitar el borrado); cuántas borró."""
    correos = _suscripciones(token, enlaces.BORRAR).values("correo")
    borradas, _por_modelo = Suscripcion.objects.filter(correo__in=correos).delete()
    return borradas


@transaction.atomic
def borrar_sin_confirmar(*, ahora=None) -> int:
    """Borra las suscripciones que nadie confirmó y cuyo último enlace ya venció; cuántas."""
    limite = (ahora or timezone.now()) - enlaces.vigencia()
    borradas, _por_modelo = Suscripcion.objects.filter(
        confirmada_en__isnull=True, confirmacion_enviada_en__lt=limite
    ).delete()
    return borradas
