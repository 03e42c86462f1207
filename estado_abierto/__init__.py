# La aplicación de Celery se carga con Django, para que ``@shared_task`` la use.
from .celery import app as celery_app

__all__ = ("celery_app",)
