"""Pruebas en un navegador real: Chromium de Debian manejado por Playwright.

``pagina`` (escritorio, 1280×900), ``pagina_movil`` (360×740, táctil) y ``pagina_sin_js``
abren un contexto nuevo por prueba sobre un único navegador por sesión. ``portal`` es el
servidor de pruebas de pytest-django (``live_server``) con el plan real cargado.

Si falta Chromium las pruebas se omiten con un motivo claro, salvo en la integración
continua (``CI`` definida), donde fallan.
"""

import os
import shutil
from io import StringIO

import pytest

# La API síncrona de Playwright corre un bucle de eventos en este hilo; el ORM lo rechaza
# sin esto (las consultas de las pruebas y del servidor en vivo son síncronas).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGUMENTOS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    carpeta = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(carpeta):
            item.add_marker(pytest.mark.navegador)


@pytest.fixture(scope="session")
def navegador():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        mensaje = f"No está Chromium en {CHROMIUM}: instálelo con «apt-get install chromium»."
        if os.environ.get("CI"):
            pytest.fail(mensaje)
        pytest.skip(mensaje)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navegador = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTOS)
        yield navegador
        navegador.close()


def _contexto(navegador, **opciones):
    contexto = navegador.new_context(locale="es-MX", **opciones)
    contexto.set_default_timeout(15_000)
    return contexto


@pytest.fixture
def pagina(navegador):
    contexto = _contexto(navegador, viewport={"width": 1280, "height": 900})
    yield contexto.new_page()
    contexto.close()


@pytest.fixture
def pagina_movil(navegador):
    contexto = _contexto(
        navegador, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield contexto.new_page()
    contexto.close()


@pytest.fixture
def pagina_sin_js(navegador):
    contexto = _contexto(navegador, viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    yield contexto.new_page()
    contexto.close()


@pytest.fixture
def portal(live_server, transactional_db):
    """Servidor en vivo con el PAL 2022-2024 cargado como en el README (``preparar``)."""
    from django.core.management import call_command

    call_command("preparar", verbosity=0, stdout=StringIO())
    return live_server.url


def sin_desplazamiento_horizontal(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
