"""El registro en producción: con LOG_FORMAT=json, una línea JSON por registro con el identificador
de la petición (X-Request-ID), y los errores a Sentry sin datos personales."""

from __future__ import annotations

import gzip
import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client

RAIZ = Path(__file__).resolve().parents[2]
_DEL_ENTORNO = {"LOG_FORMAT", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_TRACES_SAMPLE_RATE", "DATABASE_URL"}


def _python(codigo: str, **entorno) -> subprocess.CompletedProcess:
    variables = {k: v for k, v in os.environ.items() if k not in _DEL_ENTORNO}
    variables.update(DJANGO_SETTINGS_MODULE="tests.settings", **entorno)
    return subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, env=variables, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def configuracion_json() -> dict:
    """``settings.LOGGING`` tal como la arma la configuración con LOG_FORMAT=json."""
    hecho = _python("import json, tests.settings as s; print(json.dumps(s.LOGGING))", LOG_FORMAT="json")
    assert hecho.returncode == 0, hecho.stderr
    return json.loads(hecho.stdout)


@pytest.fixture
def lineas(configuracion_json, settings):
    """Aplica esa configuración con la consola escribiendo aquí; devuelve las líneas que se leen."""
    logging.config.dictConfig(configuracion_json)
    salida = StringIO()
    (consola,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    consola.setStream(salida)
    yield lambda: [json.loads(linea) for linea in salida.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_cada_linea_es_un_objeto_json_con_la_peticion(lineas):
    recibido = uuid.uuid4().hex
    respuesta = Client().get("/no-existe-esta-pagina", HTTP_X_REQUEST_ID=recibido)
    assert respuesta.status_code == 404 and respuesta["X-Request-ID"] == recibido
    (aviso,) = [linea for linea in lineas() if linea["origen"] == "django.request"]
    assert {"hora", "nivel", "origen", "mensaje", "peticion"} <= set(aviso)
    assert aviso["nivel"] == "WARNING" and aviso["mensaje"] == "Not Found: /no-existe-esta-pagina"
    assert aviso["peticion"] == recibido


@pytest.mark.django_db
def test_sin_identificador_o_con_uno_inventado_la_peticion_lleva_uno_nuevo(lineas):
    nuevos = []
    for encabezados in ({}, {"HTTP_X_REQUEST_ID": "x" * 500}, {"HTTP_X_REQUEST_ID": "ninguno; rm -rf"}):
        respuesta = Client().get("/no-existe-esta-pagina", **encabezados)
        nuevo = respuesta["X-Request-ID"]
        assert len(nuevo) == 32 and uuid.UUID(nuevo).hex == nuevo
        nuevos.append(nuevo)
    assert len(set(nuevos)) == 3
    assert [linea["peticion"] for linea in lineas() if linea["origen"] == "django.request"] == nuevos


def test_un_error_con_su_traza_es_una_sola_linea(lineas):
    try:
        raise ValueError("primera línea\nsegunda línea")
    except ValueError:
        logging.getLogger("seguimiento").exception("Falló algo")
    (registro,) = lineas()
    assert registro["mensaje"] == "Falló algo" and registro["nivel"] == "ERROR"
    assert "ValueError: primera línea\nsegunda línea" in registro["exc_info"]
    # Fuera de una petición no hay identificador, y la línea lo dice con null.
    assert registro["peticion"] is None


class _SentryFalso(BaseHTTPRequestHandler):
    recibidos: list[bytes] = []

    def do_POST(self):
        cuerpo = self.rfile.read(int(self.headers["Content-Length"]))
        compresion = self.headers.get("Content-Encoding")
        if compresion == "gzip":
            cuerpo = gzip.decompress(cuerpo)
        elif compresion == "br":
            import brotli

            cuerpo = brotli.decompress(cuerpo)
        self.recibidos.append(cuerpo)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


#: Una petición que falla, por la aplicación WSGI del portal (la que sirve gunicorn).
_ERROR_EN_UNA_VISTA = """
import json, os, sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.test.utils import override_settings
from estado_abierto.wsgi import application
entorno = {"PATH_INFO": "/falla", "HTTP_HOST": "testserver", "REMOTE_ADDR": "203.0.113.9",
           "HTTP_COOKIE": "sessionid=sesion-secreta-123; csrftoken=ficha-secreta-456",
           "HTTP_X_FORWARDED_FOR": "198.51.100.23", "HTTP_AUTHORIZATION": "Bearer ficha-789"}
setup_testing_defaults(entorno)
estados = []
with override_settings(ROOT_URLCONF="tests.operacion.urls_con_error"):
    b"".join(application(entorno, lambda estado, encabezados, *_: estados.append(estado)))
sentry_sdk.flush(timeout=5)
print(json.dumps({"estado": estados[0], "pii": sentry_sdk.get_client().options["send_default_pii"]}))
"""


def test_un_error_de_una_vista_llega_a_sentry_sin_datos_personales():
    servidor = HTTPServer(("127.0.0.1", 0), _SentryFalso)
    hilo = threading.Thread(target=servidor.serve_forever, daemon=True)
    hilo.start()
    try:
        hecho = _python(_ERROR_EN_UNA_VISTA, SENTRY_DSN=f"http://clave-publica@127.0.0.1:{servidor.server_port}/7",
                        SENTRY_ENVIRONMENT="pruebas")
    finally:
        servidor.shutdown()
    assert hecho.returncode == 0, hecho.stderr
    assert json.loads(hecho.stdout.splitlines()[-1]) == {"estado": "500 Internal Server Error", "pii": False}
    # Cada envío es un «envelope»: líneas JSON (cabecera, tipo, evento).
    eventos = [json.loads(linea) for cuerpo in _SentryFalso.recibidos for linea in cuerpo.splitlines()]
    (evento,) = [e for e in eventos if "exception" in e]
    (error,) = evento["exception"]["values"]
    assert (error["type"], error["value"]) == ("RuntimeError", "Error a propósito para Sentry")
    assert evento["environment"] == "pruebas" and evento["request"]["url"].endswith("/falla")
    assert "user" not in evento and "cookies" not in evento["request"]
    texto = json.dumps(eventos, ensure_ascii=False)
    for personal in ("sesion-secreta-123", "ficha-secreta-456", "198.51.100.23", "203.0.113.9", "ficha-789"):
        assert personal not in texto, personal
