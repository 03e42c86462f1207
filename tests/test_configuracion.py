"""La configuración sale del entorno; sin secretos de reserva en producción."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent


#: Una clave como la que pide producción: 50 caracteres o más, variados (regla W009 de Django).
CLAVE_FUERTE = "clave-de-las-pruebas-de-configuracion-0123456789-abcdefghij"
#: Variables de la configuración que el entorno de quien corre las pruebas no debe colar.
VARIABLES_DE_LA_CONFIGURACION = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CSRF_TRUSTED_ORIGINS",
    "BEHIND_HTTPS_PROXY", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "ADMINS", "PROXIES_INVERSOS", "ENTRADA_INTENTOS",
    "ENTRADA_BLOQUEO_MINUTOS", "SITIO_URL", "EMAIL_HOST", "LOG_LEVEL",
    *{f"AWS_{nombre}" for nombre in ("STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL", "S3_REGION_NAME", "ACCESS_KEY_ID",
                                     "SECRET_ACCESS_KEY", "LOCATION", "S3_ADDRESSING_STYLE", "S3_MAX_MEMORY_SIZE")},
}
#: Un bucket de MinIO como el de la guía de despliegue (sin conectarse: ``check`` no lo abre).
ENTORNO_S3 = {
    "AWS_STORAGE_BUCKET_NAME": "estado-abierto", "AWS_S3_ENDPOINT_URL": "https://minio.example.gob.mx",
    "AWS_S3_REGION_NAME": "us-east-1", "AWS_ACCESS_KEY_ID": "portal", "AWS_SECRET_ACCESS_KEY": "secreto-del-portal",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


def _entorno_limpio(**entorno):
    variables = {k: v for k, v in os.environ.items() if k not in VARIABLES_DE_LA_CONFIGURACION}
    variables.update(entorno)
    return variables


def _settings(**entorno):
    """Importa estado_abierto.settings en un proceso limpio con ``entorno``."""
    codigo = (
        "import estado_abierto.settings as s, json;"
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'whitenoise': 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE,"
        " 'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'hsts_subdominios': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'hsts_preload': s.SECURE_HSTS_PRELOAD,"
        " 'proxy_ssl': s.SECURE_PROXY_SSL_HEADER, 'admins': s.ADMINS, 'intentos': s.AXES_FAILURE_LIMIT,"
        " 'bloqueo_s': s.AXES_COOLOFF_TIME.total_seconds(), 'proxies': s.PROXIES_INVERSOS}))"
    )
    return subprocess.run(
        [sys.executable, "-c", codigo], cwd=RAIZ, env=_entorno_limpio(**entorno), capture_output=True, text=True
    )


def _datos(**entorno) -> dict:
    resultado = _settings(**entorno)
    assert resultado.returncode == 0, resultado.stderr
    return json.loads(resultado.stdout)


def test_produccion_sin_secret_key_no_arranca():
    resultado = _settings()
    assert resultado.returncode != 0
    assert "Falta la variable de entorno SECRET_KEY" in resultado.stderr


def test_debug_mal_escrito_es_un_error_claro():
    resultado = _settings(DEBUG="quizá", SECRET_KEY=CLAVE_FUERTE)
    assert resultado.returncode != 0
    assert "DEBUG='quizá' no es un valor booleano válido" in resultado.stderr


def test_produccion_por_omision_sin_debug_ni_hosts():
    resultado = _settings(SECRET_KEY=CLAVE_FUERTE)
    assert resultado.returncode == 0, resultado.stderr
    datos = json.loads(resultado.stdout)
    assert datos["debug"] is False and datos["hosts"] == [] and datos["whitenoise"] is True
    assert datos["engine"] == "django.db.backends.sqlite3"


def test_desarrollo_y_base_de_datos_desde_el_entorno():
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


# --- SECRET_KEY débil ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "clave",
    [
        "solo-para-pruebas",  # menos de 50 caracteres
        "ab" * 40,  # larga pero con 2 caracteres distintos
        "django-insecure-" + "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0z1x2c3v4",  # la que genera startproject
    ],
)
def test_una_secret_key_debil_detiene_el_arranque_en_produccion(clave):
    resultado = _settings(SECRET_KEY=clave)
    assert resultado.returncode != 0
    assert "La SECRET_KEY es débil" in resultado.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(50))"' in resultado.stderr


def test_en_desarrollo_una_secret_key_corta_se_admite():
    assert _datos(DEBUG="true", SECRET_KEY="corta")["debug"] is True


# --- HTTPS, proxy, ADMINS y bloqueo de la entrada ---------------------------------------------


def test_produccion_con_https_por_omision_y_desarrollo_sin_el():
    produccion = _datos(SECRET_KEY=CLAVE_FUERTE)
    assert produccion["ssl_redirect"] is True and produccion["hsts"] == 365 * 24 * 60 * 60
    assert produccion["hsts_subdominios"] is True and produccion["hsts_preload"] is False
    assert produccion["proxy_ssl"] is None
    desarrollo = _datos(DEBUG="true")
    assert desarrollo["ssl_redirect"] is False and desarrollo["hsts"] == 0 and desarrollo["hsts_subdominios"] is False
    apagado = _datos(SECRET_KEY=CLAVE_FUERTE, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    assert apagado["ssl_redirect"] is False and apagado["hsts"] == 0


@pytest.mark.parametrize(
    "entorno, encabezado",
    [
        ({"BEHIND_HTTPS_PROXY": "true"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
        ({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_SSL,on"}, ["HTTP_X_FORWARDED_SSL", "on"]),
        ({"BEHIND_HTTPS_PROXY": "true", "SECURE_PROXY_SSL_HEADER": " HTTP_X_SCHEME , https "}, ["HTTP_X_SCHEME", "https"]),
        ({"BEHIND_HTTPS_PROXY": "false"}, None),
    ],
)
def test_encabezado_del_proxy_https_desde_el_entorno(entorno, encabezado):
    assert _datos(DEBUG="true", **entorno)["proxy_ssl"] == encabezado


def test_encabezado_del_proxy_mal_escrito_es_un_error_claro():
    resultado = _settings(DEBUG="true", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert resultado.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER='X-Forwarded-Proto: https' debe ser el encabezado" in resultado.stderr
    assert "HTTP_X_FORWARDED_PROTO,https" in resultado.stderr


@pytest.mark.parametrize(
    ("valor", "mensaje"),
    [
        ("estadoabierto.example.gob.mx", "debe ser una dirección absoluta que empiece con https://"),
        ("ftp://estadoabierto.example.gob.mx", "debe ser una dirección absoluta que empiece con https://"),
        ("https://estadoabierto.example.gob.mx/portal", "debe ser solo el esquema y el host"),
        ("https://estadoabierto.example.gob.mx:puerto", "tiene un puerto que no es válido"),
    ],
)
def test_sitio_url_mal_escrita_es_un_error_claro(valor, mensaje):
    resultado = _settings(DEBUG="true", SITIO_URL=valor)
    assert resultado.returncode != 0
    assert f"SITIO_URL={valor!r} {mensaje}" in resultado.stderr


def test_sitio_url_local_detiene_la_produccion_y_se_admite_en_desarrollo():
    resultado = _settings(SECRET_KEY=CLAVE_FUERTE, ALLOWED_HOSTS="portal.example.org", SITIO_URL="http://localhost:8000/")
    assert resultado.returncode != 0
    assert "SITIO_URL=http://localhost:8000 es una dirección local: en producción debe ser la dirección pública" in resultado.stderr
    assert _settings(DEBUG="true", SITIO_URL="http://localhost:8000/").returncode == 0


def test_admins_desde_el_entorno():
    assert _datos(DEBUG="true")["admins"] == []
    datos = _datos(DEBUG="true", ADMINS="Ana Pérez <ana@example.org>, soporte@example.org")
    assert datos["admins"] == [["Ana Pérez", "ana@example.org"], ["soporte@example.org", "soporte@example.org"]]
    resultado = _settings(DEBUG="true", ADMINS="ana@example.org, Soporte")
    assert resultado.returncode != 0
    assert "En la variable de entorno ADMINS, 'Soporte' no es una dirección de correo válida" in resultado.stderr


def test_bloqueo_de_la_entrada_desde_el_entorno():
    por_omision = _datos(DEBUG="true")
    assert (por_omision["intentos"], por_omision["bloqueo_s"], por_omision["proxies"]) == (5, 15 * 60, 0)
    datos = _datos(DEBUG="true", ENTRADA_INTENTOS="3", ENTRADA_BLOQUEO_MINUTOS="60", PROXIES_INVERSOS="1")
    assert (datos["intentos"], datos["bloqueo_s"], datos["proxies"]) == (3, 60 * 60, 1)
    resultado = _settings(DEBUG="true", ENTRADA_INTENTOS="0")
    assert resultado.returncode != 0
    assert "ENTRADA_INTENTOS='0' debe ser un número entero mayor o igual que 1" in resultado.stderr


# --- Registro: cada línea una vez ----------------------------------------------------------------


@pytest.mark.parametrize("debug", ["true", "false"])
def test_cada_linea_del_registro_sale_una_sola_vez(debug):
    """Como runserver: django.setup() configura el registro con LOGGING; una advertencia de
    django.request (un 404, p. ej.) llega a la consola una vez, no dos."""
    codigo = (
        "import django, logging; django.setup();"
        "logging.getLogger('django.request').warning('Sin encontrar: /una-ruta-que-no-existe/')"
    )
    resultado = subprocess.run(
        [sys.executable, "-c", codigo],
        cwd=RAIZ,
        env=_entorno_limpio(DEBUG=debug, SECRET_KEY=CLAVE_FUERTE, DJANGO_SETTINGS_MODULE="estado_abierto.settings"),
        capture_output=True,
        text=True,
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stderr.count("Sin encontrar: /una-ruta-que-no-existe/") == 1, resultado.stderr


def test_los_errores_del_servidor_se_avisan_por_correo_a_admins(settings, mailoutbox):
    settings.ADMINS = [("Soporte", "soporte@example.org")]
    logging.getLogger("django.request").error("Error interno del servidor: /una-pagina/")
    assert [correo.to for correo in mailoutbox] == [["soporte@example.org"]]
    assert "Error interno del servidor: /una-pagina/" in mailoutbox[0].subject


# --- manage.py check --deploy con el entorno de producción del README ---------------------------


def entorno_de_produccion_del_readme() -> dict[str, str]:
    """Las variables del bloque de «Producción» del README, tal cual, con la SECRET_KEY que ahí
    se deja vacía para generarla una vez (aquí, una nueva como dice el README)."""
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    seccion = readme.split("\n### Producción\n", 1)[1]
    bloque = re.search(r"^```sh\n(.*?)^```$", seccion, re.S | re.M).group(1)
    variables = dict(
        linea.split("=", 1) for linea in bloque.splitlines() if linea.strip() and not linea.lstrip().startswith("#")
    )
    assert variables["SECRET_KEY"] == "", "El README deja SECRET_KEY vacía para que cada servidor genere la suya."
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


@pytest.mark.parametrize("archivos", [{}, ENTORNO_S3], ids=["disco", "s3"])
def test_el_entorno_de_produccion_del_readme_pasa_check_deploy_sin_avisos(archivos):
    entorno = {**entorno_de_produccion_del_readme(), **archivos}
    assert entorno["DEBUG"] == "false"
    resultado = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RAIZ,
        env=_entorno_limpio(**entorno),
        capture_output=True,
        text=True,
    )
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "System check identified no issues (0 silenced)." in resultado.stdout


def test_el_estilo_de_direcciones_de_s3_mal_escrito_es_un_error_claro():
    resultado = _settings(DEBUG="true", **{**ENTORNO_S3, "AWS_S3_ADDRESSING_STYLE": "ruta"})
    assert resultado.returncode != 0
    assert "AWS_S3_ADDRESSING_STYLE='ruta' debe ser path, virtual o auto" in resultado.stderr
