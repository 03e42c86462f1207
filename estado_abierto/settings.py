"""Configuración de Estado Abierto, leída del entorno.

Variables (ver README):
- ``DEBUG``: "true"/"false" (por omisión false). Solo en modo DEBUG se admite
  una SECRET_KEY de desarrollo y los hosts locales por omisión.
- ``SECRET_KEY``: obligatoria cuando DEBUG es false; no hay valor de reserva.
- ``ALLOWED_HOSTS``: lista separada por comas.
- ``DATABASE_URL``: p. ej. ``postgres://usuario@127.0.0.1:5432/estado_abierto``;
  por omisión SQLite en ``db.sqlite3``.
- ``STATIC_ROOT``, ``MEDIA_ROOT``: carpetas de estáticos y archivos subidos.
- ``CSRF_TRUSTED_ORIGINS``, ``BEHIND_HTTPS_PROXY``, ``CONN_MAX_AGE``, ``LOG_LEVEL``.
- ``PAGINAS_EN_CACHE`` (true), ``PAGINAS_CACHE_SEGUNDOS``, ``CACHE_MAX_ENTRADAS``: caché de
  las páginas públicas.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_VERDADEROS = {"1", "true", "t", "yes", "y", "si", "sí", "on"}
_FALSOS = {"0", "false", "f", "no", "n", "off", ""}


def env_bool(nombre: str, por_omision: bool) -> bool:
    valor = os.environ.get(nombre)
    if valor is None:
        return por_omision
    normalizado = valor.strip().lower()
    if normalizado in _VERDADEROS:
        return True
    if normalizado in _FALSOS:
        return False
    raise ImproperlyConfigured(
        f"La variable de entorno {nombre}={valor!r} no es un valor booleano "
        "válido (use true o false)."
    )


def env_lista(nombre: str, por_omision: list[str]) -> list[str]:
    valor = os.environ.get(nombre)
    if valor is None:
        return por_omision
    return [parte.strip() for parte in valor.split(",") if parte.strip()]


def env_entero(nombre: str, por_omision: int) -> int:
    valor = os.environ.get(nombre)
    if valor is None:
        return por_omision
    try:
        return int(valor)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable de entorno {nombre}={valor!r} debe ser un número entero."
        ) from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Falta la variable de entorno SECRET_KEY. Es obligatoria cuando "
            "DEBUG es false; para desarrollo local use DEBUG=true."
        )
    # Solo para desarrollo local (DEBUG=true): nunca se usa en producción.
    SECRET_KEY = "desarrollo-local-inseguro-no-usar-en-produccion"

ALLOWED_HOSTS = env_lista(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_lista("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "plan",
    "seguimiento",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

if not DEBUG:
    # En producción WhiteNoise sirve los estáticos recogidos con collectstatic; en
    # desarrollo los sirve runserver directamente desde static/.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "estado_abierto.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "estado_abierto.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_entero("CONN_MAX_AGE", 0),
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite para un servidor web (Django 5.2): WAL deja leer mientras otro escribe; cada
    # transacción toma el cerrojo de escritura al empezar (IMMEDIATE), así dos escrituras a la
    # vez esperan su turno (hasta 20 s) en vez de fallar con «database is locked».
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Español de México en cada página, mensaje y error.
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "estado_abierto" / "locale"]

# Los fixtures del proyecto (plan real, catálogo ODS) se cargan por nombre:
# python manage.py loaddata pal_2022_2024
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Páginas públicas en caché, por versión de lo publicado (seguimiento/publicacion.py).
# La caché de cada proceso basta: la versión vive en la base de datos.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_entero("CACHE_MAX_ENTRADAS", 5000)},
    }
}
PAGINAS_EN_CACHE = env_bool("PAGINAS_EN_CACHE", True)
PAGINAS_CACHE_SEGUNDOS = env_entero("PAGINAS_CACHE_SEGUNDOS", 24 * 60 * 60)

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Tamaño máximo de cada archivo de evidencia, en MB.
EVIDENCIA_TAMANO_MAXIMO_MB = env_entero("EVIDENCIA_TAMANO_MAXIMO_MB", 10)

# Cuentas: responsables, STL y administración entran por /cuentas/entrar/.
LOGIN_URL = "cuentas:entrar"
LOGIN_REDIRECT_URL = "trabajo:inicio"
LOGOUT_REDIRECT_URL = "plan:inicio"

# Dirección pública del portal, para los enlaces de los correos (que no salen de una
# petición). Por omisión, el primer host de ALLOWED_HOSTS con https (http://127.0.0.1:8000
# en desarrollo).
_HOST_PRINCIPAL = next((h for h in ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), "")
SITIO_URL = os.environ.get(
    "SITIO_URL",
    "http://127.0.0.1:8000" if DEBUG or not _HOST_PRINCIPAL else f"https://{_HOST_PRINCIPAL}",
).rstrip("/")

# Correo: en consola por omisión; por SMTP si se define EMAIL_HOST.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_entero("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS y EMAIL_USE_SSL no pueden ser true a la vez.")
    EMAIL_TIMEOUT = env_entero("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Estado Abierto <no-responder@estado-abierto.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Días antes de la fecha límite en que manage.py enviar_recordatorios avisa por primera vez.
RECORDATORIO_DIAS_ANTES = env_entero("RECORDATORIO_DIAS_ANTES", 3)

# Seguridad en producción (DEBUG=false).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narra cada paso y cada página en INFO; basta con sus advertencias.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
