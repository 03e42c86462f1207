"""Sondas de salud para el balanceador y el orquestador: ``/healthz`` y ``/readyz``.

* ``/healthz``: el proceso vive y responde (no toca nada más). Si falla, hay que reiniciarlo.
* ``/readyz``: puede atender: la base de datos responde y tiene todas las migraciones del código,
  la caché guarda y devuelve, el almacenamiento de archivos se puede listar y, si hay broker de
  Celery, acepta una conexión. Si falla (503), el balanceador deja de mandarle peticiones.

Las dos responden JSON pequeño, sin datos personales ni detalles del servidor: el nombre de cada
comprobación y, si falló, un motivo corto («no responde en 2 s», «error: ConnectionError»); el
detalle completo (que puede nombrar hosts) va solo al registro. ``Cache-Control: no-store``.

Un balanceador suele sondear por http y con la IP de la máquina como ``Host``. Por eso
``SondasDeSalud`` va al principio de ``MIDDLEWARE`` (después del identificador de la petición) y
contesta estas dos direcciones antes de ``SecurityMiddleware`` (sin redirigir a https) y antes de
cualquier ``request.get_host()`` (sin exigir ``ALLOWED_HOSTS``): nada de su respuesta depende del
host, así que no hay nada que envenenar. Cualquier otra dirección sigue el camino normal, con la
revisión de host intacta.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

registro = logging.getLogger(__name__)

#: Lo más que espera cada comprobación (las de fuera de la base corren a la vez).
ESPERA_SEGUNDOS = 2.0


class _Falla(Exception):
    """Una comprobación que no pasó, con un motivo que se puede mostrar."""


def _respuesta(datos: dict, *, estado: int) -> JsonResponse:
    respuesta = JsonResponse(datos, status=estado, json_dumps_params={"ensure_ascii": False})
    respuesta["Cache-Control"] = "no-store"
    respuesta["X-Content-Type-Options"] = "nosniff"
    # Un 503 de la sonda ya se anota abajo (una línea, sin correo a ADMINS por cada sondeo).
    respuesta._has_been_logged = True
    return respuesta


@require_safe
def vivo(request):
    return _respuesta({"estado": "vivo"}, estado=200)


# --- Las comprobaciones de /readyz ------------------------------------------------------------


def _base_de_datos() -> str | None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = %s", [int(ESPERA_SEGUNDOS * 1000)])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


@cache
def _migraciones_del_codigo() -> frozenset[tuple[str, str]]:
    # El código no cambia mientras el proceso vive: el grafo se lee de los archivos una vez.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def _migraciones() -> str | None:
    aplicadas = MigrationRecorder(connection).applied_migrations()
    pendientes = sorted(_migraciones_del_codigo() - set(aplicadas))
    if pendientes:
        raise _Falla(
            _("faltan migraciones por aplicar (manage.py migrate): %(migraciones)s")
            % {"migraciones": ", ".join(".".join(m) for m in pendientes)}
        )
    return None


def _cache() -> str | None:
    cache = caches["default"]
    clave, valor = f"salud:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(clave, valor, timeout=30)
    leido = cache.get(clave)
    cache.delete(clave)
    if leido != valor:
        raise _Falla(_("no devuelve lo que guarda"))
    return None


def _almacenamiento() -> str | None:
    try:
        storages["default"].listdir("")
    except FileNotFoundError:
        raise _Falla(_("la carpeta de archivos no existe")) from None
    return None


def _broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return _("sin broker: las tareas corren en el mismo proceso")
    from estado_abierto.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL, connect_timeout=ESPERA_SEGUNDOS) as conexion:
        conexion.ensure_connection(max_retries=1, interval_start=0, timeout=ESPERA_SEGUNDOS)
    return None


def _resultado(nombre: str, comprobar) -> dict:
    try:
        detalle = comprobar()
    except _Falla as falla:
        return {"ok": False, "motivo": str(falla)}
    except Exception as error:
        registro.warning("La comprobación «%s» de /readyz falló", nombre, exc_info=True)
        # Solo el tipo: el mensaje puede nombrar el host, el usuario o la ruta.
        return {"ok": False, "motivo": _("error: %(tipo)s") % {"tipo": type(error).__name__}}
    return {"ok": True, **({"detalle": detalle} if detalle else {})}


@require_safe
def listo(request):
    comprobaciones = {"base_de_datos": _resultado("base_de_datos", _base_de_datos)}
    if comprobaciones["base_de_datos"]["ok"]:
        comprobaciones["migraciones"] = _resultado("migraciones", _migraciones)
    else:
        comprobaciones["migraciones"] = {"ok": False, "motivo": _("sin base de datos no se pueden revisar")}
    # Fuera de la base, a la vez y con un límite: un Redis o un S3 colgado no cuelga la sonda.
    externas = {"cache": _cache, "almacenamiento": _almacenamiento, "broker": _broker}
    hilos = ThreadPoolExecutor(max_workers=len(externas), thread_name_prefix="readyz")
    pendientes = {nombre: hilos.submit(_resultado, nombre, comprobar) for nombre, comprobar in externas.items()}
    wait(pendientes.values(), timeout=ESPERA_SEGUNDOS + 0.5)
    hilos.shutdown(wait=False, cancel_futures=True)
    for nombre, futuro in pendientes.items():
        if futuro.done():
            comprobaciones[nombre] = futuro.result()
        else:
            registro.warning("La comprobación «%s» de /readyz no respondió en %s s", nombre, ESPERA_SEGUNDOS)
            comprobaciones[nombre] = {"ok": False, "motivo": _("no responde en %(s)s s") % {"s": int(ESPERA_SEGUNDOS)}}
    fallidas = [nombre for nombre, resultado in comprobaciones.items() if not resultado["ok"]]
    if fallidas:
        registro.warning("/readyz: no listo (%s)", ", ".join(fallidas))
    return _respuesta(
        {"estado": "no_listo" if fallidas else "listo", "fallidas": fallidas, "comprobaciones": comprobaciones},
        estado=503 if fallidas else 200,
    )


#: Ruta (sin barra inicial) → vista; las usan ``estado_abierto/urls.py`` y ``SondasDeSalud``.
SONDAS = {"healthz": vivo, "readyz": listo}


class SondasDeSalud:
    """Contesta las sondas antes de la redirección a https y de la revisión de ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.sondas = {f"/{ruta}": vista for ruta, vista in SONDAS.items()}

    def __call__(self, request):
        vista = self.sondas.get(request.path_info)
        if vista is not None:
            return vista(request)
        return self.get_response(request)
