"""Punto de entrada WSGI (gunicorn, uwsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "estado_abierto.settings")

application = get_wsgi_application()
