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

Una ``clave`` (p. ej. ``informes.publicar:12``) impide pedir dos veces el mismo trabajo mientras
el primero sigue activo: lo garantiza la restricción ``tarea_una_activa_por_clave`` de la base,
así dos peticiones simultáneas tampoco lo duplican; la segunda recibe ``TareaActiva`` con la
tarea que ya está en marcha.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registro
from .selectores import activa_con_clave
from .models import Tarea

log = logging.getLogger(__name__)


class TareaActiva(ValidationError):
    """Ya hay una tarea activa con esa clave: no se pide otra. ``tarea`` es la que está en marcha."""

    def __init__(self, tarea: Tarea):
        self.tarea = tarea
        super().__init__(
            _("Este trabajo ya está en marcha (%(tarea)s, %(estado)s): no se pidió otra vez.")
            % {"tarea": tarea.descripcion, "estado": tarea.get_estado_display().lower()},
            code="tarea_activa",
        )


def encolar(
    *, tipo: str, descripcion: str, argumentos: dict, plan=None, usuario=None, clave: str = "", origen: str = ""
) -> Tarea:
    """Pide el trabajo ``tipo`` con sus ``argumentos`` (JSON). Con ``clave``, lanza ``TareaActiva``
    si ya hay uno activo con la misma. ``origen``: la ruta de la página a la que volver (la página
    de la tarea la enlaza)."""
    registro.buscar(tipo)  # un nombre mal escrito falla aquí, en la petición, y no en el worker
    try:
        with transaction.atomic():
            tarea = Tarea.objects.create(
                tipo=tipo,
                descripcion=descripcion[:300],
                argumentos=argumentos,
                plan=plan,
                clave=clave,
                origen=origen[:500],
                pedida_por=usuario if usuario is not None and usuario.is_authenticated else None,
            )
            transaction.on_commit(lambda: _entregar(tarea.pk))
    except IntegrityError:
        activa = activa_con_clave(clave)
        if activa is None:
            raise
        raise TareaActiva(activa) from None
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


def _tomables(ahora, *, pendiente_desde=None) -> Q:
    """Las tareas que un worker puede tomar: las pendientes (pedidas antes de ``pendiente_desde``,
    si se da) y las «en curso» abandonadas, cuyo worker pasó el límite de tiempo sin terminar."""
    abandonada = ahora - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    pendiente = Q(estado=Tarea.Estado.PENDIENTE)
    if pendiente_desde is not None:
        pendiente &= Q(creada__lt=pendiente_desde)
    return pendiente | Q(estado=Tarea.Estado.EN_CURSO, iniciada__lt=abandonada)


def reentregar_olvidadas(*, minutos: int = 10) -> list[int]:
    """Vuelve a entregar al broker las tareas que nadie tomó en ``minutos`` (su mensaje se perdió:
    el broker se reinició sin guardarlo, el proceso que la pidió murió antes de entregarla) y las
    abandonadas. Una entrega de más no hace daño: ``ejecutar`` toma la tarea con un UPDATE
    condicional. Lo llama el programador cada 10 minutos (``CELERY_BEAT_SCHEDULE``)."""
    ahora = timezone.now()
    ids = list(
        Tarea.objects.filter(_tomables(ahora, pendiente_desde=ahora - timedelta(minutes=minutos)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for tarea_id in ids:
        log.warning("Tarea %s sin tomar: se vuelve a entregar al broker.", tarea_id)
        _entregar(tarea_id)
    return ids


def _tomar(tarea_id: int) -> bool:
    ahora = timezone.now()
    return bool(
        Tarea.objects.filter(pk=tarea_id)
        .filter(_tomables(ahora))
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
    """El trabajo en curso dice cuánto lleva (0–100) y qué hace ahora; la página lo muestra.

    Si el trabajo está dentro de una transacción (publicar un informe bloquea el informe hasta
    congelarlo), lo escrito en ella no se ve hasta el final. En PostgreSQL el progreso se escribe
    entonces por una conexión aparte, que se confirma sola y no espera bloqueos; en SQLite (que
    admite un solo escritor) y si esa conexión no puede, se escribe en la transacción y se ve al
    terminarla.
    """
    progreso = max(0, min(100, int(progreso)))
    paso = paso[:200]
    tarea.progreso, tarea.paso = progreso, paso
    if transaction.get_connection().in_atomic_block and _avanzar_aparte(tarea.pk, progreso, paso):
        return
    Tarea.objects.filter(pk=tarea.pk).update(progreso=progreso, paso=paso)


def _avanzar_aparte(tarea_id: int, progreso: int, paso: str) -> bool:
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return False
    aparte = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with aparte.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(
                f"UPDATE {Tarea._meta.db_table} SET progreso = %s, paso = %s WHERE id = %s",
                [progreso, paso, tarea_id],
            )
            return cursor.rowcount == 1
    except Exception:  # el progreso es informativo: nunca detiene el trabajo
        log.warning("No se pudo anotar el progreso de la tarea %s por una conexión aparte", tarea_id, exc_info=True)
        return False
    finally:
        aparte.close()


def reintentar(*, tarea: Tarea, usuario=None) -> Tarea:
    """Vuelve a poner en la cola una tarea fallida (``ValidationError`` si no lo está, o si ya hay
    otra activa con su clave)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                vuelta = Tarea.objects.filter(pk=tarea.pk, estado=Tarea.Estado.FALLIDA).update(
                    estado=Tarea.Estado.PENDIENTE, terminada=None, iniciada=None, progreso=0, paso="",
                    resultado=None,
                )
        except IntegrityError:
            activa = activa_con_clave(tarea.clave)
            if activa is None:
                raise
            raise TareaActiva(activa) from None
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
