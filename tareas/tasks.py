"""Las tareas de Celery: pocas y genéricas. El trabajo de verdad está registrado por nombre
(``tareas.registro``) y su estado en ``tareas.Tarea``."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from . import servicios

#: Comandos de ``manage.py`` que el programador (``celery beat``) puede pedir.
COMANDOS_PROGRAMADOS = {"enviar_recordatorios", "borrar_suscripciones_vencidas"}


@shared_task(name="tareas.ejecutar")
def ejecutar_tarea(tarea_id: int) -> None:
    servicios.ejecutar(tarea_id)


@shared_task(name="tareas.comando")
def comando(nombre: str) -> None:
    """Un comando diario (CELERY_BEAT_SCHEDULE): el mismo que se correría con cron."""
    if nombre not in COMANDOS_PROGRAMADOS:
        raise ValueError(f"{nombre!r} no es un comando programable.")
    call_command(nombre)


@shared_task(name="tareas.reentregar_olvidadas")
def reentregar_olvidadas() -> None:
    """Cada 10 minutos (CELERY_BEAT_SCHEDULE): ninguna tarea se queda «en espera» para siempre."""
    servicios.reentregar_olvidadas()
