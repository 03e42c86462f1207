"""/healthz y /readyz (operacion/salud.py): JSON pequeño, sin secretos, y 503 con lo que falló."""

from __future__ import annotations

import json
import time

import pytest
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

from operacion import salud

#: Lo que un error de conexión suele traer y una sonda pública nunca debe mostrar.
SECRETO = "clave-del-broker-9f3"
HOST_INTERNO = "db-interna.ejemplo.local"


def _sondear(ruta="/readyz", **encabezados):
    respuesta = Client().get(ruta, **encabezados)
    return respuesta, json.loads(respuesta.content)


def _fallidas(**encabezados):
    respuesta, datos = _sondear(**encabezados)
    assert respuesta.status_code == 503, datos
    assert datos["estado"] == "no_listo"
    assert SECRETO not in respuesta.content.decode() and HOST_INTERNO not in respuesta.content.decode()
    return {nombre: datos["comprobaciones"][nombre]["motivo"] for nombre in datos["fallidas"]}


def test_healthz_responde_sin_tocar_la_base():
    # Sin la marca django_db: si la vista tocara la base, pytest-django lo haría fallar.
    respuesta, datos = _sondear("/healthz")
    assert respuesta.status_code == 200 and datos == {"estado": "vivo"}
    assert respuesta["Cache-Control"] == "no-store" and respuesta["Content-Type"] == "application/json"
    assert respuesta.has_header("X-Request-ID")


@pytest.mark.django_db
def test_readyz_lista_cada_comprobacion(settings):
    respuesta, datos = _sondear()
    assert respuesta.status_code == 200, datos
    assert respuesta["Cache-Control"] == "no-store"
    assert datos["estado"] == "listo" and datos["fallidas"] == []
    assert set(datos["comprobaciones"]) == {"base_de_datos", "migraciones", "cache", "almacenamiento", "broker"}
    # Sin broker (las pruebas corren las tareas en el mismo proceso) no hay a qué conectarse.
    assert datos["comprobaciones"]["broker"] == {"ok": True, "detalle": "sin broker: las tareas corren en el mismo proceso"}


@pytest.mark.django_db
def test_el_balanceador_sondea_por_http_con_la_ip_como_host_sin_abrir_la_puerta_al_resto(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    for ruta in ("/healthz", "/readyz"):
        assert Client().get(ruta, HTTP_HOST="10.0.3.17:8000").status_code == 200
    # Cualquier otra dirección: el host se sigue revisando y http se redirige a https.
    assert Client(raise_request_exception=False).get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    redirigida = Client().get("/", HTTP_HOST="portal.example.org")
    assert redirigida.status_code == 301 and redirigida["Location"] == "https://portal.example.org/"


@pytest.mark.django_db
def test_base_de_datos_caida(monkeypatch):
    def sin_conexion(*_args, **_kwargs):
        raise OperationalError(f'connection to server at "{HOST_INTERNO}" failed: password authentication failed')

    monkeypatch.setattr(connection, "cursor", sin_conexion)
    assert _fallidas() == {
        "base_de_datos": "error: OperationalError",
        "migraciones": "sin base de datos no se pueden revisar",
    }


@pytest.mark.django_db
def test_migraciones_pendientes():
    # La última migración de plan, la que un despliegue a medias dejaría sin aplicar.
    (app, nombre), = MigrationLoader(None).graph.leaf_nodes("plan")
    MigrationRecorder(connection).record_unapplied(app, nombre)
    assert _fallidas() == {"migraciones": f"faltan migraciones por aplicar (manage.py migrate): plan.{nombre}"}


@pytest.mark.django_db
def test_cache_caida():
    # Redis en un puerto donde nadie escucha: la conexión se rechaza. (Solo dentro del bloque: la
    # limpieza de la caché al final de cada prueba usa la de siempre.)
    redis_caido = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": f"redis://:{SECRETO}@127.0.0.1:9/11"}}
    with override_settings(CACHES=redis_caido):
        assert _fallidas() == {"cache": "error: ConnectionError"}


@pytest.mark.django_db
def test_almacenamiento_sin_su_carpeta(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "volumen-sin-montar")
    assert _fallidas() == {"almacenamiento": "la carpeta de archivos no existe"}


@pytest.mark.django_db
def test_broker_caido(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://:{SECRETO}@127.0.0.1:9/11"
    assert _fallidas() == {"broker": "error: OperationalError"}


@pytest.mark.django_db
def test_una_comprobacion_colgada_no_cuelga_la_sonda(monkeypatch):
    monkeypatch.setattr(salud, "_almacenamiento", lambda: time.sleep(salud.ESPERA_SEGUNDOS + 3))
    inicio = time.monotonic()
    assert _fallidas() == {"almacenamiento": "no responde en 2 s"}
    assert time.monotonic() - inicio < salud.ESPERA_SEGUNDOS + 1.5
