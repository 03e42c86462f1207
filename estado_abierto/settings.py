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
- ``ENTRADA_INTENTOS`` (5), ``ENTRADA_BLOQUEO_MINUTOS`` (15), ``PROXIES_INVERSOS`` (0): bloqueo
  de la entrada tras intentos fallidos (django-axes) y de dónde sale la IP del cliente.
- ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_SECONDS``, ``SECURE_HSTS_INCLUDE_SUBDOMAINS``,
  ``SECURE_HSTS_PRELOAD``, ``SECURE_PROXY_SSL_HEADER``: HTTPS (activos en producción).
- ``ADMINS``: quién recibe por correo los errores del servidor.
- ``SITIO_URL``: dirección pública del portal (correos e informes congelados; ver ``sitio.py``).
- ``SUSCRIPCION_CONFIRMACION_HORAS`` (48), ``SUSCRIPCION_ESPERA_MINUTOS`` (10),
  ``SUSCRIPCION_PETICIONES_POR_HORA`` (20): seguir un plan o un compromiso por correo.
- ``REDIS_URL``: caché compartida entre servidores (Redis); sin ella, la memoria de cada proceso.
- ``CELERY_BROKER_URL`` (por omisión ``REDIS_URL``): cola del trabajo en segundo plano; sin
  broker, cada tarea corre en el mismo proceso al confirmarse su transacción.
- ``AWS_STORAGE_BUCKET_NAME`` y sus compañeras (``AWS_S3_ENDPOINT_URL``, ``AWS_S3_REGION_NAME``,
  ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_LOCATION``, ``AWS_S3_ADDRESSING_STYLE``,
  ``AWS_S3_MAX_MEMORY_SIZE``): archivos en S3 o compatible (ver ``seguimiento/almacenamiento.py``).
- ``LOG_FORMAT`` (``texto`` o ``json``), ``SENTRY_DSN``, ``SENTRY_ENVIRONMENT``,
  ``SENTRY_TRACES_SAMPLE_RATE``: registro y errores.
- ``CONN_HEALTH_CHECKS``: revisar una conexión persistente antes de usarla.
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from estado_abierto import sitio

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


def env_entero(nombre: str, por_omision: int, *, minimo: int | None = None) -> int:
    valor = os.environ.get(nombre)
    if valor is None:
        return por_omision
    try:
        numero = int(valor)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable de entorno {nombre}={valor!r} debe ser un número entero."
        ) from None
    if minimo is not None and numero < minimo:
        raise ImproperlyConfigured(
            f"La variable de entorno {nombre}={valor!r} debe ser un número entero mayor o igual que {minimo}."
        )
    return numero


def env_correos(nombre: str) -> list[tuple[str, str]]:
    """``Nombre <correo>, otro@correo`` → ``[("Nombre", "correo"), ("otro@correo", "otro@correo")]``."""
    personas = []
    for parte in env_lista(nombre, []):
        persona, correo = parseaddr(parte)
        try:
            validate_email(correo)
        except ValidationError:
            raise ImproperlyConfigured(
                f"En la variable de entorno {nombre}, {parte!r} no es una dirección de correo válida "
                "(use «Nombre <correo@dominio>» o «correo@dominio», separadas por comas)."
            ) from None
        personas.append((persona or correo, correo))
    return personas


def env_encabezado_proxy() -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https`` → la tupla que espera Django.

    Sin esa variable vale lo de antes: ``BEHIND_HTTPS_PROXY=true`` equivale a
    ``HTTP_X_FORWARDED_PROTO,https``. Definida pero vacía: ningún encabezado.
    """
    detras_de_proxy = env_bool("BEHIND_HTTPS_PROXY", False)
    valor = os.environ.get("SECURE_PROXY_SSL_HEADER")
    if valor is None:
        return ("HTTP_X_FORWARDED_PROTO", "https") if detras_de_proxy else None
    if not valor.strip():
        return None
    partes = [parte.strip() for parte in valor.split(",")]
    if len(partes) != 2 or not partes[0].startswith("HTTP_") or not partes[1]:
        raise ImproperlyConfigured(
            f"La variable de entorno SECURE_PROXY_SSL_HEADER={valor!r} debe ser el encabezado como lo "
            "nombra Django y el valor que indica HTTPS, separados por una coma "
            "(p. ej. HTTP_X_FORWARDED_PROTO,https)."
        )
    return (partes[0], partes[1])


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
elif not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    # La regla de la revisión security.W009 de Django, pero aquí detiene el arranque: con una
    # clave débil se pueden falsificar sesiones y enlaces para restablecer contraseñas.
    raise ImproperlyConfigured(
        f"La SECRET_KEY es débil: tiene menos de {SECRET_KEY_MIN_LENGTH} caracteres, menos de "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} caracteres distintos o empieza con "
        f"«{SECRET_KEY_INSECURE_PREFIX}». Genere una sola vez una clave nueva con "
        'python -c "import secrets; print(secrets.token_urlsafe(50))" '
        "y guárdela en el entorno del servidor (SECRET_KEY=…)."
    )

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
    "django.contrib.postgres",
    "simple_history",
    "axes",
    "csp",
    "plan",
    "seguimiento",
    "portal",
    "suscripciones",
    "tareas",
    "gestion",
    "operacion",
    "django_guid",
]

MIDDLEWARE = [
    # Primero: cada línea del registro de la petición lleva su identificador (X-Request-ID).
    "django_guid.middleware.guid_middleware",
    # /healthz y /readyz se contestan aquí: sin redirigir a https ni exigir ALLOWED_HOSTS (un
    # balanceador sondea por http con la IP como Host); ver operacion/salud.py.
    "operacion.salud.SondasDeSalud",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "estado_abierto.politica_de_contenido.PoliticaDeContenido",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Al final, como pide django-axes: un intento bloqueado se vuelve la página de bloqueo.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # En producción WhiteNoise sirve los estáticos recogidos con collectstatic; en
    # desarrollo los sirve runserver directamente desde static/.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
    )

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
        conn_max_age=env_entero("CONN_MAX_AGE", 0, minimo=0),
        # Con conexiones persistentes, revisar la conexión antes de reusarla en cada petición (una
        # base reiniciada no da un 500 a la primera petición de cada proceso).
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", env_entero("CONN_MAX_AGE", 0, minimo=0) > 0),
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
# El motivo de cada cambio del historial (una prórroga, una corrección de informe, un retiro)
# se guarda entero: sin esto simple-history lo limita a 100 caracteres y PostgreSQL rechaza uno
# más largo.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

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
# «json» de Django, salvo que una llave del historial que apunta a una cuenta borrada se escribe con
# su número en vez de hacer fallar dumpdata --natural-foreign (operacion/serializador_json.py).
SERIALIZATION_MODULES = {"json": "operacion.serializador_json"}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Archivos subidos y generados (evidencias, informes congelados): en disco (MEDIA_ROOT) por omisión;
# en un almacenamiento compatible con S3 (AWS S3, MinIO, Cloudflare R2…) con django-storages si se
# define AWS_STORAGE_BUCKET_NAME. Nunca se sirven directamente: el portal los lee y los entrega
# como descarga (Content-Disposition: attachment, nosniff), así el bucket puede ser privado
# (seguimiento/almacenamiento.py).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")


def _estilo_de_direcciones_s3() -> str | None:
    estilo = os.environ.get("AWS_S3_ADDRESSING_STYLE", "").strip().lower()
    if estilo and estilo not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured(
            f"La variable de entorno AWS_S3_ADDRESSING_STYLE={estilo!r} debe ser path, virtual o auto."
        )
    return estilo or None


def almacenamiento_de_archivos() -> dict:
    """``STORAGES["default"]`` según el entorno: un bucket S3 con ``AWS_STORAGE_BUCKET_NAME``, si
    no la carpeta ``MEDIA_ROOT``. (Las pruebas de S3 la llaman con el entorno de su servidor.)"""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        # S3Storage con el tipo de cada objeto según su contenido, como adjunto.
        "BACKEND": "seguimiento.almacenamiento_s3.AlmacenamientoS3",
        "OPTIONS": {
            "bucket_name": bucket,
            # Vacías, boto3 las busca donde siempre (variables AWS_*, perfil, rol de la máquina).
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # Prefijo dentro del bucket (varias instalaciones en uno).
            "location": os.environ.get("AWS_LOCATION", ""),
            # Nunca pisar un archivo: cada evidencia y cada informe congelado tiene su nombre.
            "file_overwrite": False,
            # Objetos privados: solo el portal los lee (y, si firma enlaces, vencen pronto).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_entero("AWS_QUERYSTRING_EXPIRE", 300, minimo=1),
            # «path» para MinIO (bucket en la ruta), «virtual» para AWS S3 y R2; vacía, la de boto3.
            "addressing_style": _estilo_de_direcciones_s3(),
            # Al descargar, el portal lee el objeto en memoria hasta este tamaño (bytes); lo que pase
            # de él va a un temporal en disco (FILE_UPLOAD_TEMP_DIR): la memoria de cada proceso no
            # crece con una evidencia grande. (django-storages con 0 lo guardaría todo en memoria.)
            "max_memory_size": env_entero("AWS_S3_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimo=1),
        },
    }


STORAGES = {
    "default": almacenamiento_de_archivos(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Páginas públicas en caché, por versión de lo publicado (seguimiento/publicacion.py). La versión
# vive en la base de datos, así que ningún servidor sirve una página vieja, tenga la caché que
# tenga. Con REDIS_URL todos los servidores comparten una caché en Redis (la de Django): una página
# armada por uno la sirven todos; sin ella, cada proceso guarda la suya en memoria.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIJO", "estado-abierto"),
        }
    }
else:
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
# Los de Django, pero recordando el nombre enviado de cada archivo: Django recorta a 255
# caracteres un nombre más largo sin avisar, y así la revisión puede decirlo.
FILE_UPLOAD_HANDLERS = ["seguimiento.archivos.CargaEnMemoria", "seguimiento.archivos.CargaEnDisco"]

# Cuentas: responsables, STL y administración entran por /cuentas/entrar/.
LOGIN_URL = "cuentas:entrar"
LOGIN_REDIRECT_URL = "trabajo:inicio"
LOGOUT_REDIRECT_URL = "plan:inicio"
# Días que vale el enlace de una invitación por correo para elegir la contraseña (un solo uso;
# el STL puede reenviarla: el enlace anterior deja de servir). gestion/invitaciones.py.
INVITACION_DIAS = env_entero("INVITACION_DIAS", 7, minimo=1)

# Entrada con contraseña protegida por django-axes (en /cuentas/entrar/ y en /admin/login/):
# tras ENTRADA_INTENTOS fallos seguidos de una misma cuenta desde una misma IP, esa pareja no
# puede entrar durante ENTRADA_BLOQUEO_MINUTOS, ni con la contraseña correcta. Por pareja y no
# solo por cuenta, para que nadie pueda bloquear a una persona desde otra dirección; por pareja y
# no solo por IP, para que una oficina detrás de una misma IP no se bloquee entera por un error.
# 5 intentos cada 15 minutos dejan a quien se equivoca 4 reintentos y una espera corta, y a quien
# adivina contraseñas, a lo más 480 intentos al día por cuenta y dirección.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_entero("ENTRADA_INTENTOS", 5, minimo=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_entero("ENTRADA_BLOQUEO_MINUTOS", 15, minimo=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Una entrada correcta borra los fallos anteriores de esa cuenta y dirección.
AXES_RESET_ON_SUCCESS = True
# Lo que se intente durante el bloqueo no lo alarga: la hora que muestra la página se cumple.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "seguimiento.cuentas_views.entrada_bloqueada"
AXES_CLIENT_IP_CALLABLE = "estado_abierto.proxy.ip_del_cliente"
# Cuántos proxies inversos propios hay delante del portal y agregan la IP que los llamó a
# X-Forwarded-For (nginx con $proxy_add_x_forwarded_for: 1). Con 0 (por omisión) la IP es
# REMOTE_ADDR y X-Forwarded-For se ignora: quien lo escriba a mano no elige su dirección.
PROXIES_INVERSOS = env_entero("PROXIES_INVERSOS", 0, minimo=0)

# Dirección pública del portal: los enlaces de los correos (que no salen de una petición) y los
# de cada informe que se congela (PDF y XLSX). Por omisión, el primer host de ALLOWED_HOSTS con
# https (http://127.0.0.1:8000 en desarrollo). Debe ser esquema y host (estado_abierto/sitio.py);
# en producción, una dirección local se rechaza al arrancar. Un informe solo se congela con una
# dirección que no sea local (seguimiento/informes.py): su PDF no cambia nunca.
_HOST_PRINCIPAL = next((h for h in ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), "")
try:
    SITIO_URL = sitio.normalizar(
        os.environ.get("SITIO_URL")
        or ("http://127.0.0.1:8000" if DEBUG or not _HOST_PRINCIPAL else f"https://{_HOST_PRINCIPAL}")
    )
except sitio.DireccionInvalida as error:
    raise ImproperlyConfigured(str(error)) from None
if not DEBUG and os.environ.get("SITIO_URL") and sitio.es_local(SITIO_URL):
    raise ImproperlyConfigured(
        f"SITIO_URL={SITIO_URL} es una dirección local: en producción debe ser la dirección pública "
        "del portal (la que aparece en los correos y en los informes congelados)."
    )

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
# Quién recibe por correo cada error del servidor (500), en producción: «Nombre <correo>» o
# «correo», separados por comas. Vacía, nadie: la página de error no dice que se avisó.
ADMINS = env_correos("ADMINS")
# Días antes de la fecha límite en que manage.py enviar_recordatorios avisa por primera vez.
RECORDATORIO_DIAS_ANTES = env_entero("RECORDATORIO_DIAS_ANTES", 3)

# Trabajo en segundo plano (tareas/): convertir y congelar informes, correos, cargas de Excel.
# Con un broker (CELERY_BROKER_URL, o REDIS_URL si no se da), un worker de Celery lo hace fuera de
# la petición (``celery -A estado_abierto worker``); sin broker, cada tarea corre en el mismo
# proceso al confirmarse la transacción que la pidió («eager»), así el portal no necesita nada más.
# El estado de cada tarea (pendiente, en curso, terminada, fallida) vive en la base (tareas.Tarea),
# no en Celery: por eso no hay «result backend».
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
# Una tarea se confirma al broker cuando termina: si el worker muere a medias, otro la retoma
# (tareas.servicios la toma con un UPDATE condicional, así que dos entregas no la corren dos veces).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Límite de una tarea (un informe nacional tarda minutos, no horas).
CELERY_TASK_TIME_LIMIT = env_entero("TAREA_LIMITE_SEGUNDOS", 30 * 60, minimo=60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Lo diario, para ``celery -A estado_abierto beat`` (o cron con los mismos comandos: ver la guía de
# despliegue). Dos programadores a la vez no duplican nada: los recordatorios se registran uno por
# cuenta, periodo y día (restricción de la base) y borrar suscripciones vencidas es idempotente.
CELERY_BEAT_SCHEDULE = {
    "recordatorios-diarios": {
        "task": "tareas.comando",
        "schedule": timedelta(hours=env_entero("RECORDATORIOS_CADA_HORAS", 24, minimo=1)),
        "args": ("enviar_recordatorios",),
    },
    # Una tarea cuyo mensaje se perdió (el broker se reinició sin guardarlo) vuelve a la cola.
    "tareas-olvidadas": {"task": "tareas.reentregar_olvidadas", "schedule": timedelta(minutes=10)},
    "suscripciones-vencidas": {
        "task": "tareas.comando",
        "schedule": timedelta(hours=24),
        "args": ("borrar_suscripciones_vencidas",),
    },
}

# Seguir un plan o un compromiso por correo (suscripciones/): horas que vale el enlace de
# confirmación (y el de borrar los datos), minutos antes de reenviar la confirmación a una misma
# dirección y formularios que una misma IP puede enviar por hora.
SUSCRIPCION_CONFIRMACION_HORAS = env_entero("SUSCRIPCION_CONFIRMACION_HORAS", 48, minimo=1)
SUSCRIPCION_ESPERA_MINUTOS = env_entero("SUSCRIPCION_ESPERA_MINUTOS", 10, minimo=0)
SUSCRIPCION_PETICIONES_POR_HORA = env_entero("SUSCRIPCION_PETICIONES_POR_HORA", 20, minimo=1)

# Seguridad en producción (DEBUG=false).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Detrás de un proxy que termina TLS, el encabezado con el que avisa que la petición llegó por
# HTTPS (sin él, Django creería que todo llega por http y la redirección no terminaría nunca).
SECURE_PROXY_SSL_HEADER = env_encabezado_proxy()
# Todo por HTTPS en producción: la redirección y HSTS (un año, también para los subdominios del
# host) se apagan solo a propósito, p. ej. SECURE_SSL_REDIRECT=false si el proxy ya redirige.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Las sondas de salud se contestan antes de SecurityMiddleware (operacion/salud.py); la excepción
# queda escrita también aquí por si alguien reordena MIDDLEWARE.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_entero("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimo=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# «preload» solo declara que el dominio acepta entrar a la lista de los navegadores (se pide
# aparte, en hstspreload.org): por omisión no, y el entorno de producción del README lo decide.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# La falla de CSRF (formulario caducado, cookies bloqueadas) en español y con el diseño del sitio.
CSRF_FAILURE_VIEW = "estado_abierto.errores.csrf_fallido"

# Content-Security-Policy (django-csp) de cada página HTML (estado_abierto/politica_de_contenido.py).
# El portal y el trabajo del STL no usan JavaScript ni estilos en línea: solo su hoja de estilos,
# sus fuentes e imágenes propias (el favicon de static/ y las «data:» que haya).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# El admin de Django (/admin/): sus scripts y hojas de estilo son archivos de /static/admin/, sin
# código ni estilos en línea; el autocompletado consulta /admin/autocomplete/ (connect-src).
POLITICA_DE_CONTENIDO_ADMIN = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): ninguna página usa la cámara, el micrófono, la
# ubicación, los pagos ni otro sensor o dispositivo; ni un contenido incrustado puede pedirlos.
PERMISSIONS_POLICY = {
    funcion: []
    for funcion in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

NIVEL_DE_REGISTRO = os.environ.get("LOG_LEVEL", "INFO")
# Cada línea lleva el identificador de su petición (django-guid: el X-Request-ID que mande el
# proxy, si es válido, o uno nuevo, que vuelve en la respuesta); en las tareas, el de la petición
# que las pidió. LOG_FORMAT=json: una línea JSON por registro (python-json-logger), para un
# recolector de registros; texto por omisión.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "texto").strip().lower()
if LOG_FORMAT not in ("texto", "json"):
    raise ImproperlyConfigured(f"La variable de entorno LOG_FORMAT={LOG_FORMAT!r} debe ser texto o json.")
from django_guid.integrations import CeleryIntegration as _IdDeLaPeticionEnCelery  # noqa: E402

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # Solo se reusa un identificador que sea un UUID (el de nginx, $request_id, o el de Heroku):
    # cualquier otro valor (largo, inventado para confundir la correlación) se cambia por uno nuevo.
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "UUID_LENGTH": 32,
    # La tarea lleva el identificador de la petición que la pidió.
    "INTEGRATIONS": [_IdDeLaPeticionEnCelery(use_django_logging=True, log_parent=True)],
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "peticion": {"()": "django_guid.log_filters.CorrelationId"},
    },
    "formatters": {
        "texto": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"asctime": "hora", "levelname": "nivel", "name": "origen",
                              "message": "mensaje", "correlation_id": "peticion"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["peticion"], "formatter": LOG_FORMAT},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": NIVEL_DE_REGISTRO},
    "loggers": {
        # Cada línea una sola vez: la configuración de Django le pone al logger «django» una
        # consola propia (con DEBUG=true) y la línea salía otra vez por la raíz. Aquí «django»
        # solo avisa por correo a ADMINS (en producción) y escribe por la raíz.
        "django": {"handlers": ["mail_admins"], "level": NIVEL_DE_REGISTRO},
        # django-axes anota en INFO su arranque y cada entrada correcta (que ya guarda en la
        # base); sus advertencias (cada fallo, cada bloqueo) sí se registran.
        "axes": {"level": "WARNING"},
        # django-guid anota en INFO cada identificador que asigna; ya va en cada línea.
        "django_guid": {"level": "WARNING"},
        # WeasyPrint narra cada paso y cada página en INFO; basta con sus advertencias.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # boto3 narra cada petición a S3 en INFO.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
    },
}

# Errores a Sentry (o a un servidor compatible, como GlitchTip) si se define SENTRY_DSN: los de
# las peticiones y los de las tareas de Celery, sin datos personales (ni cuentas, ni IP, ni
# cuerpos de formularios).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        _muestra_de_trazas = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
    except ValueError:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE debe ser un número entre 0 y 1.") from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "produccion"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=_muestra_de_trazas,
    )
