"""Configuración para las pruebas: la de producción con una clave propia de pruebas.

``DATABASE_URL`` sigue viniendo del entorno, así la misma suite corre en SQLite
(por omisión) y en PostgreSQL.
"""

import os

# Larga como exige la configuración con DEBUG=false (50 caracteres o más, regla W009 de Django).
os.environ.setdefault("SECRET_KEY", "solo-para-pruebas-no-es-secreta-la-de-produccion-se-genera-aparte")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from estado_abierto.settings import *  # noqa: E402,F401,F403

import tempfile  # noqa: E402

# WhiteNoise (activo con DEBUG=false) espera la carpeta de collectstatic.
STATIC_ROOT = tempfile.mkdtemp(prefix="estado-abierto-static-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Archivos subidos y generados (evidencias, informes congelados) fuera del proyecto.
MEDIA_ROOT = tempfile.mkdtemp(prefix="estado-abierto-media-")
# Las pruebas hablan http (cliente de Django, servidor en vivo de Chromium): sin la redirección a
# https que la producción (DEBUG=false) tiene por omisión. HSTS solo viaja por https: no estorba.
SECURE_SSL_REDIRECT = False

# Una variable de plantilla que no se resuelve (``{{ avance.enviado_por.username }}`` sin cuenta)
# no se esconde como texto vacío: se imprime esta marca y ``tests.plantillas`` hace fallar la
# prueba que la recibe (y la revisión de todo el sitio la busca en cada página y archivo).
VARIABLE_INVALIDA = "«VARIABLE-INVÁLIDA:%s»"
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = VARIABLE_INVALIDA  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE, "tests.plantillas.SinVariablesInvalidas"]  # noqa: F405

# Las pruebas no dependen del entorno de quien las corre: caché en memoria, tareas en el mismo
# proceso y archivos en disco, aunque haya REDIS_URL, CELERY_BROKER_URL o un bucket definidos. Las
# pruebas de Redis, del worker y de S3 los configuran ellas mismas (tests/operacion/).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
