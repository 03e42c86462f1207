"""Señales de publicación: avisan, ya confirmada la transacción, que algo llegó al portal.

``seguimiento`` no sabe quién las escucha (p. ej. ``suscripciones`` avisa por correo a quien
sigue un plan o un compromiso); se envían con ``send_robust`` al confirmarse la transacción de
la publicación: un receptor que falla queda en la bitácora y nunca deshace ni interrumpe lo
publicado.

* ``periodo_publicado(sender=Periodo, periodo=…, usuario=…)``: el STL publicó un periodo
  (``flujo.publicar_periodo``).
* ``informe_publicado(sender=Informe, informe=…, usuario=…)``: se publicó (y congeló) un informe
  o una versión corregida (``informes.publicar_informe``); no al congelar uno que ya llegó
  publicado.

``usuario`` es la cuenta que publicó (o ``None``). Un receptor que tarda (un correo a cientos de
direcciones) no trabaja ahí: pide una tarea en segundo plano (``tareas.servicios.encolar``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

periodo_publicado = Signal()
informe_publicado = Signal()


def enviar_al_confirmar(senal: Signal, sender, **datos) -> None:
    """Envía ``senal`` cuando se confirme la transacción en curso (en seguida si no hay una)."""

    def enviar():
        for receptor, resultado in senal.send_robust(sender=sender, **datos):
            if isinstance(resultado, Exception):
                log.error(
                    "Falló %s al recibir la publicación de %s", getattr(receptor, "__qualname__", receptor),
                    sender.__name__, exc_info=resultado,
                )

    transaction.on_commit(enviar)
