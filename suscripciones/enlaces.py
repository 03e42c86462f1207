"""Los enlaces de los correos: firmados con ``django.core.signing`` (la ``SECRET_KEY``), sin
guardar nada en la base y sin la dirección de correo en la URL.

* **confirmar**: la suscripción; vence a las ``SUSCRIPCION_CONFIRMACION_HORAS``.
* **baja**: las suscripciones que un aviso cubre; no vence (un aviso viejo también da de baja).
* **borrar**: las suscripciones de una dirección cuando se pidió borrar sus datos; al seguirlo
  se borran todas las de esa dirección. Vence como el de confirmar.

Cada propósito firma con su propia sal: un enlace de baja no sirve para confirmar ni al revés.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from seguimiento.correos import url_absoluta

CONFIRMAR = "suscripciones.confirmar"
BAJA = "suscripciones.baja"
BORRAR = "suscripciones.borrar"


class EnlaceInvalido(Exception):
    """El enlace no es de este portal o fue alterado."""


class EnlaceVencido(EnlaceInvalido):
    """El enlace es auténtico pero ya venció."""


def vigencia() -> timedelta:
    return timedelta(hours=settings.SUSCRIPCION_CONFIRMACION_HORAS)


def firmar(ids: list[int], proposito: str) -> str:
    return signing.dumps(sorted(ids), salt=proposito, compress=True)


def leer(token: str, proposito: str) -> list[int]:
    """Los ids firmados en ``token``; ``EnlaceVencido`` o ``EnlaceInvalido`` si no sirve."""
    vence = None if proposito == BAJA else vigencia()
    try:
        ids = signing.loads(token, salt=proposito, max_age=vence)
    except signing.SignatureExpired:
        raise EnlaceVencido from None
    except signing.BadSignature:
        raise EnlaceInvalido from None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise EnlaceInvalido
    return ids


_VISTAS = {CONFIRMAR: "suscripciones:confirmar", BAJA: "suscripciones:baja", BORRAR: "suscripciones:borrar_confirmar"}


def url(ids: list[int], proposito: str) -> str:
    """La dirección absoluta (``SITIO_URL``) del enlace firmado."""
    return url_absoluta(reverse(_VISTAS[proposito], kwargs={"token": firmar(ids, proposito)}))
