"""La configuración sale del entorno; sin secretos de reserva en producción."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent


def _settings(**entorno):
    """Importa estado_abierto.settings en un proceso limpio con ``entorno``."""
    variables = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    variables.update(entorno)
    codigo = (
        "import estado_abierto.settings as s, json;"
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'whitenoise': 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE}))"
    )
    return subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, env=variables, capture_output=True, text=True)


def test_produccion_sin_secret_key_no_arranca():
    resultado = _settings()
    assert resultado.returncode != 0
    assert "Falta la variable de entorno SECRET_KEY" in resultado.stderr


def test_debug_mal_escrito_es_un_error_claro():
    resultado = _settings(DEBUG="quizá", SECRET_KEY="x")
    assert resultado.returncode != 0
    assert "DEBUG='quizá' no es un valor booleano válido" in resultado.stderr


def test_produccion_por_omision_sin_debug_ni_hosts():
    import json

    resultado = _settings(SECRET_KEY="una-clave-larga")
    assert resultado.returncode == 0, resultado.stderr
    datos = json.loads(resultado.stdout)
    assert datos["debug"] is False and datos["hosts"] == [] and datos["whitenoise"] is True
    assert datos["engine"] == "django.db.backends.sqlite3"


def test_desarrollo_y_base_de_datos_desde_el_entorno():
    import json

    resultado = _settings(DEBUG="true", DATABASE_URL="postgres://estado@127.0.0.1:5432/estado_abierto", ALLOWED_HOSTS="portal.example.org, otro.example.org")
    assert resultado.returncode == 0, resultado.stderr
    datos = json.loads(resultado.stdout)
    assert datos["debug"] is True
    assert datos["hosts"] == ["portal.example.org", "otro.example.org"]
    assert datos["engine"] == "django.db.backends.postgresql" and datos["name"] == "estado_abierto"


@pytest.mark.django_db
def test_migraciones_al_dia():
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
