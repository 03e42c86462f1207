import pytest
from django.core.management import call_command

from plan.models import Plan


@pytest.fixture
def pal(db):
    """El PAL 2022-2024 real, cargado del fixture con loaddata como lo haría el STL."""
    call_command("loaddata", "pal_2022_2024", verbosity=0)
    return Plan.objects.get(slug="pal-2022-2024")


@pytest.fixture
def superusuario(db, django_user_model):
    return django_user_model.objects.create_superuser("facilitadora", "stl@example.org", "clave-segura-123")
