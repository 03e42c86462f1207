"""Configuración para las pruebas: la de producción con una clave propia de pruebas.

``DATABASE_URL`` sigue viniendo del entorno, así la misma suite corre en SQLite
(por omisión) y en PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "solo-para-pruebas")
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
