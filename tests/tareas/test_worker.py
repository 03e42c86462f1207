"""Un worker de Celery de verdad (``celery -A estado_abierto worker --pool=solo``) con Redis de broker:
el portal pide la publicación de un informe, el worker la toma de la cola, la corre contra la misma
base y la deja terminada con el informe congelado.

Redis: ``REDIS_URL_PRUEBAS`` (CI usa ``redis://127.0.0.1:6379/9``); la prueba vacía solo esa base.
Sin Redis se omite, salvo con ``CI`` definida (entonces falla). La base que ve el worker: en
PostgreSQL, la misma base de pruebas (``transactional_db``: lo escrito se confirma); en SQLite la
base de pruebas está en memoria y ningún otro proceso la ve, así que la instalación se prepara en
un archivo (``manage.py preparar``, como la primera orden del README) y se pide desde otro proceso.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

RAIZ = Path(__file__).resolve().parents[2]
SITIO = "https://estadoabierto.example.gob.mx"
#: Segundos que se espera al worker (arrancar, convertir el informe y congelarlo).
ESPERA = 90
#: Lo que el otro proceso corre en SQLite: el 2.º informe en borrador y su publicación pedida.
PEDIR_PUBLICACION = """
from seguimiento.models import Informe, Periodo
from tareas import servicios
periodo = Periodo.objects.get(plan__slug="pal-2022-2024", slug="agosto-noviembre-2023")
informe = Informe.objects.create(plan=periodo.plan, numero=2, titulo="Segundo Informe Parcial",
                                 periodo_inicial=periodo, periodo_final=periodo)
tarea = servicios.encolar(tipo="informes.publicar", descripcion="Publicar el Segundo Informe Parcial",
                          argumentos={"informe_id": informe.pk}, plan=periodo.plan)
print(tarea.pk, informe.pk)
"""


def _redis() -> str:
    url = os.environ.get("REDIS_URL_PRUEBAS", "")
    motivo = ""
    if not url:
        motivo = "defina REDIS_URL_PRUEBAS (p. ej. redis://127.0.0.1:6379/9) para probar un worker de verdad"
    else:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            motivo = f"Redis no responde en {url} ({error.__class__.__name__})"
    if motivo:
        if os.environ.get("CI"):
            pytest.fail(motivo)
        pytest.skip(motivo)
    return url


def _entorno(redis_url: str, database_url: str, media: str) -> dict:
    entorno = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    entorno.update(
        DEBUG="true", DATABASE_URL=database_url, MEDIA_ROOT=media, SITIO_URL=SITIO, CELERY_BROKER_URL=redis_url
    )
    return entorno


@contextmanager
def _worker(entorno: dict, bitacora: Path):
    import redis

    redis.Redis.from_url(entorno["CELERY_BROKER_URL"]).flushdb()  # solo la base de las pruebas
    with open(bitacora, "wb") as salida:
        proceso = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "estado_abierto", "worker", "--pool=solo", "-c", "1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=RAIZ, env=entorno, stdout=salida, stderr=subprocess.STDOUT,
        )
    try:
        yield proceso
    finally:
        proceso.terminate()
        try:
            proceso.wait(20)
        except subprocess.TimeoutExpired:
            proceso.kill()
            proceso.wait(5)
        redis.Redis.from_url(entorno["CELERY_BROKER_URL"]).flushdb()


def _esperar(leer_estado, proceso, bitacora: Path) -> tuple:
    """``(estado, error, progreso)`` de la tarea cuando termina o falla (a lo más ``ESPERA`` s)."""
    limite = time.monotonic() + ESPERA
    while time.monotonic() < limite:
        fila = leer_estado()
        if fila[0] in ("terminada", "fallida"):
            return fila
        if proceso.poll() is not None:
            pytest.fail(f"El worker terminó antes de tiempo:\n{bitacora.read_text()[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"La tarea sigue «{fila[0]}» a los {ESPERA} s:\n{bitacora.read_text()[-3000:]}")


def _url_de_postgres() -> str:
    datos = connection.settings_dict
    credencial = datos["USER"] + (f":{datos['PASSWORD']}" if datos["PASSWORD"] else "")
    return f"postgres://{credencial}@{datos['HOST'] or '127.0.0.1'}:{datos['PORT'] or 5432}/{datos['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="en SQLite lo prueba la instalación en un archivo, abajo")
def test_un_worker_publica_el_informe_en_postgresql(transactional_db, pal, settings, tmp_path):
    from estado_abierto.celery import app
    from seguimiento.models import Informe, Periodo
    from tareas import servicios
    from tareas.models import Tarea
    from tests.tareas.conftest import otro_broker

    redis_url = _redis()
    settings.SITIO_URL = SITIO
    entorno = _entorno(redis_url, _url_de_postgres(), str(settings.MEDIA_ROOT))
    periodo = Periodo.objects.get(plan=pal, slug="agosto-noviembre-2023")
    informe = Informe.objects.create(
        plan=pal, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=periodo, periodo_final=periodo
    )
    bitacora = tmp_path / "worker.log"
    with _worker(entorno, bitacora) as proceso, otro_broker(app, redis_url):
        tarea = servicios.encolar(
            tipo="informes.publicar", descripcion="Publicar el Segundo Informe Parcial",
            argumentos={"informe_id": informe.pk}, plan=pal,
        )
        estado, error, progreso = _esperar(
            lambda: Tarea.objects.values_list("estado", "error", "progreso").get(pk=tarea.pk), proceso, bitacora
        )
    assert (estado, error, progreso) == ("terminada", "", 100), bitacora.read_text()[-3000:]
    informe.refresh_from_db()
    assert informe.congelado and informe.pdf.storage.exists(informe.pdf.name)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="en PostgreSQL, la prueba de arriba"
)
def test_un_worker_publica_el_informe_en_una_instalacion_con_sqlite(tmp_path):
    redis_url = _redis()
    archivo = tmp_path / "db.sqlite3"
    entorno = _entorno(redis_url, f"sqlite:///{archivo}", str(tmp_path / "media"))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "preparar"], cwd=RAIZ, env=entorno, check=True, capture_output=True, timeout=300)
    bitacora = tmp_path / "worker.log"
    with _worker(entorno, bitacora) as proceso:
        pedido = subprocess.run(
            [*manage, "shell", "-c", PEDIR_PUBLICACION], cwd=RAIZ, env=entorno, check=True, capture_output=True,
            text=True, timeout=120,
        )
        tarea_id, informe_id = (int(n) for n in pedido.stdout.strip().splitlines()[-1].split())

        def leer_estado():
            with sqlite3.connect(archivo, timeout=20) as base:
                return base.execute(
                    "SELECT estado, error, progreso FROM tareas_tarea WHERE id = ?", (tarea_id,)
                ).fetchone()

        estado, error, progreso = _esperar(leer_estado, proceso, bitacora)
    assert (estado, error, progreso) == ("terminada", "", 100), bitacora.read_text()[-3000:]
    with sqlite3.connect(archivo) as base:
        (pdf, huella) = base.execute("SELECT pdf, pdf_sha256 FROM seguimiento_informe WHERE id = ?", (informe_id,)).fetchone()
    assert len(huella) == 64 and (tmp_path / "media" / pdf).is_file()
