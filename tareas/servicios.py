"""Pedir, correr y reintentar tareas en segundo plano (escrituras de ``Tarea``).

* ``encolar``: crea la ``Tarea`` (pendiente) y, al confirmarse la transacción que la pide, la
  entrega a Celery. Sin broker (``CELERY_TASK_ALWAYS_EAGER``) Celery la corre ahí mismo, en el
  proceso que la pidió; con broker, un worker. Si el broker no responde, la tarea queda fallida
  con ese motivo, a la vista y reintentable: nunca se pierde en silencio.
* ``ejecutar``: lo que corre el worker. Toma la tarea con un ``UPDATE`` condicional (una entrega
  repetida, o dos workers con la misma, no la corren dos veces; una que quedó «en curso» porque
  su worker murió se retoma pasado el límite de tiempo de las tareas), llama a su trabajo
  (``tareas.registro``) y guarda el resultado o el error.
* ``avanzar``: el trabajo informa su progreso (0–100) y el paso en curso; la página lo muestra.
* ``reintentar``: una tarea fallida vuelve a la cola con los mismos argumentos.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registro
from .models import Tarea

log = logging.getLogger(__name__)


def encolar(*, tipo: str, descripcion: str, argumentos: dict, plan=None, usuario=None) -> Tarea:
    registro.buscar(tipo)  # un nombre mal escrito falla aquí, en la petición, y no en el worker
    with transaction.atomic():
        tarea = Tarea.objects.create(
            tipo=tipo,
            descripcion=descripcion,
            argumentos=argumentos,
            plan=plan,
            pedida_por=usuario if usuario is not None and usuario.is_authenticated else None,
        )
        transaction.on_commit(lambda: _entregar(tarea.pk))
    return tarea


def _entregar(tarea_id: int) -> None:
    from .tasks import ejecutar_tarea

    try:
        ejecutar_tarea.delay(tarea_id)
    except Exception as error:  # el broker no responde: la tarea queda a la vista, reintentable
        log.exception("No se pudo entregar la tarea %s al broker", tarea_id)
        Tarea.objects.filter(pk=tarea_id, estado=Tarea.Estado.PENDIENTE).update(
            estado=Tarea.Estado.FALLIDA,
            terminada=timezone.now(),
            error=_("No se pudo poner en la cola de trabajo (%(error)s). Reinténtela cuando el servicio vuelva.")
            % {"error": error.__class__.__name__},
        )


def _tomar(tarea_id: int) -> bool:
    ahora = timezone.now()
    abandonada = ahora - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return bool(
        Tarea.objects.filter(pk=tarea_id)
        .filter(Q(estado=Tarea.Estado.PENDIENTE) | Q(estado=Tarea.Estado.EN_CURSO, iniciada__lt=abandonada))
        .update(estado=Tarea.Estado.EN_CURSO, iniciada=ahora, intentos=F("intentos") + 1, progreso=0, paso="",
                error="")
    )


def _mensaje_de_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _(
        "Error inesperado al hacer este trabajo (%(tipo)s). El equipo técnico lo encuentra en el registro "
        "del servidor; puede reintentarlo."
    ) % {"tipo": error.__class__.__name__}


def ejecutar(tarea_id: int) -> Tarea | None:
    """Corre la tarea si nadie más la tiene. Devuelve la tarea terminada o fallida, o ``None`` si
    otra entrega ya la tomó (o ya terminó)."""
    if not _tomar(tarea_id):
        log.info("Tarea %s ya tomada o terminada: se ignora esta entrega.", tarea_id)
        return None
    tarea = Tarea.objects.select_related("plan", "pedida_por").get(pk=tarea_id)
    try:
        resultado = registro.buscar(tarea.tipo)(tarea, **tarea.argumentos)
    except Exception as error:
        if not isinstance(error, ValidationError):
            log.exception("Falló la tarea %s (%s)", tarea.pk, tarea.tipo)
        else:
            log.warning("La tarea %s (%s) no se pudo hacer: %s", tarea.pk, tarea.tipo, error.messages)
        Tarea.objects.filter(pk=tarea.pk).update(
            estado=Tarea.Estado.FALLIDA, terminada=timezone.now(), error=_mensaje_de_error(error)
        )
    else:
        Tarea.objects.filter(pk=tarea.pk).update(
            estado=Tarea.Estado.TERMINADA, terminada=timezone.now(), progreso=100, paso="", resultado=resultado
        )
    tarea.refresh_from_db()
    return tarea


def avanzar(tarea: Tarea, progreso: int, paso: str = "") -> None:
    """El trabajo en curso dice cuánto lleva (0–100) y qué hace ahora; se ve en seguida en la página
    (se escribe fuera de la transacción del trabajo, si la hay, no: con ``update`` directo)."""
    progreso = max(0, min(100, int(progreso)))
    Tarea.objects.filter(pk=tarea.pk).update(progreso=progreso, paso=paso[:200])
    tarea.progreso, tarea.paso = progreso, paso[:200]


def reintentar(*, tarea: Tarea, usuario=None) -> Tarea:
    with transaction.atomic():
        vuelta = Tarea.objects.filter(pk=tarea.pk, estado=Tarea.Estado.FALLIDA).update(
            estado=Tarea.Estado.PENDIENTE, terminada=None, iniciada=None, progreso=0, paso="", resultado=None,
        )
        if not vuelta:
            raise ValidationError(
                _("Solo se reintenta una tarea que falló; esta está «%(estado)s».")
                % {"estado": Tarea.objects.get(pk=tarea.pk).get_estado_display()},
                code="no_reintentable",
            )
        transaction.on_commit(lambda: _entregar(tarea.pk))
    log.info("Tarea %s reintentada por %s", tarea.pk, getattr(usuario, "pk", None))
    tarea.refresh_from_db()
    return tarea
