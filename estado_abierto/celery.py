"""La aplicación de Celery del portal: ``celery -A estado_abierto worker`` y ``… beat``.

Lee su configuración de ``settings`` (las variables ``CELERY_*``) y encuentra las tareas en el
``tasks.py`` de cada app (solo ``tareas/`` tiene uno: las demás registran su trabajo allí).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "estado_abierto.settings")

app = Celery("estado_abierto")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
