import json
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
def _archivos_aislados(settings, tmp_path_factory):
    """Cada prueba guarda sus archivos (evidencias, informes congelados) en su propia carpeta:
    lo que una escribe o altera no lo ve otra."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _cache_limpia():
    """Cada prueba empieza sin páginas en caché: la versión publicada vuelve a su valor
    inicial al deshacerse la transacción de la prueba anterior, y la caché en memoria no."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _informes_renderizados_una_vez():
    """Cada contenido de informe distinto se convierte a PDF y XLSX una sola vez por sesión.

    ``manage.py preparar`` congela el 1er Informe Parcial del fixture (WeasyPrint, unos 2 s) y
    cientos de pruebas usan ``pal``. La conversión es determinista (mismo contenido → mismos
    bytes, lo comprueba ``test_informes.py``), así que guardar el resultado por contenido no
    cambia lo que las pruebas ven: solo evita repetir el mismo trabajo.
    """
    from seguimiento import informes

    originales = {"pdf_del_contenido": informes.pdf_del_contenido, "xlsx_del_contenido": informes.xlsx_del_contenido}
    memoria: dict[tuple[str, str], bytes] = {}

    def memorizar(nombre):
        original = originales[nombre]

        def envoltura(contenido):
            llave = (nombre, json.dumps(contenido, sort_keys=True))
            if llave not in memoria:
                memoria[llave] = original(contenido)
            return memoria[llave]

        envoltura.original = original
        return envoltura

    for nombre in originales:
        setattr(informes, nombre, memorizar(nombre))
    yield
    for nombre, original in originales.items():
        setattr(informes, nombre, original)
