from io import StringIO

import pytest
from django.core.management import call_command

from plan.models import Plan


@pytest.fixture
def pal(db):
    """El PAL 2022-2024 real, cargado como en el README: ``manage.py preparar``
    (loaddata del fixture y registro inicial de historial)."""
    call_command("preparar", verbosity=0, stdout=StringIO())
    return Plan.objects.get(slug="pal-2022-2024")


@pytest.fixture
def superusuario(db, django_user_model):
    return django_user_model.objects.create_superuser("facilitadora", "stl@example.org", "clave-segura-123")


@pytest.fixture(autouse=True)
def _cache_limpia():
    """Cada prueba empieza sin páginas en caché: la versión publicada vuelve a su valor
    inicial al deshacerse la transacción de la prueba anterior, y la caché en memoria no."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
