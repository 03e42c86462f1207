"""Pruebas en un navegador real: el Chromium de Debian manejado por Playwright.

Páginas (cada una en un contexto nuevo, idioma es-MX, sobre un único Chromium para todas las
pruebas de esta carpeta):

- ``pagina``: escritorio, 1280×900.
- ``pagina_movil``: teléfono, 360×740, táctil.
- ``pagina_sin_js``: escritorio con JavaScript apagado.
- ``nueva_pagina(**opciones)``: otra página con las opciones de ``Browser.new_context``
  (p. ej. dos personas a la vez o ``color_scheme="dark"``).

Todas anotan errores de JavaScript y hojas de estilo, scripts, imágenes o fuentes que no
cargaron: si hubo alguno la prueba falla al terminar. Si la prueba falla, la captura de
pantalla y el HTML quedan en su ``tmp_path`` (la ruta se imprime).

Servidor y datos:

- ``pal_vivo``: el PAL 2022-2024 real cargado con ``manage.py preparar`` (que carga también el
  PAL 2019-2021) para el servidor en vivo de pytest-django (``live_server``, base
  transaccional: se vacía al terminar cada prueba). Devuelve el ``Plan``. Para pruebas que
  escriben en la base (crear evidencias, entrar al admin…).
- ``portal``: la dirección de ese servidor (``live_server.url``) con ``pal_vivo`` cargado.
- ``portal_lectura``: la dirección de otro servidor en vivo cuyos datos (los mismos planes) se
  cargan una vez por módulo. Mucho más rápido; solo para pruebas que únicamente leen: si la
  prueba cambia la base, falla al terminar y los datos se recargan para la siguiente.

El fixture ``pal`` de tests/conftest.py no sirve aquí: usa ``db`` (una transacción sin
confirmar) y el servidor en vivo, que atiende en otro hilo, no la vería en PostgreSQL.

Si falta Chromium las pruebas se omiten con el motivo, salvo con ``CI`` definida, donde fallan.
"""

from __future__ import annotations

import datetime
import os
from io import StringIO
from pathlib import Path

import pytest

from tests.ayudas import CLAVE
from tests.navegador import chromium
from tests.navegador.paginas import problemas_de_carga, vigilar

CARPETA = Path(__file__).parent
_INFORME_DE_LA_PRUEBA = pytest.StashKey[pytest.TestReport]()


def pytest_collection_modifyitems(items):
    """Toda prueba de esta carpeta lleva la marca ``navegador`` (``-m "not navegador"`` las excluye)."""
    for item in items:
        if item.path.is_relative_to(CARPETA):
            item.add_marker(pytest.mark.navegador)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    informe = yield
    if informe.when == "call":
        item.stash[_INFORME_DE_LA_PRUEBA] = informe
    return informe


# --- Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="package")
def navegador():
    """Un Chromium para todas las pruebas de la carpeta.

    Con alcance de paquete y no de sesión: al terminar estas pruebas se cierra, y con él el
    bucle de eventos de Playwright, que si siguiera activo haría que el ORM rechazara las
    consultas síncronas del resto de la suite.
    """
    ejecutable = chromium.exigir_chromium(chromium.ruta_chromium(), chromium.en_integracion_continua())
    from playwright.sync_api import Error, sync_playwright

    # La API síncrona de Playwright deja un bucle de eventos activo en este hilo; sin esto
    # Django rechaza las consultas de los fixtures (que son síncronas y seguras aquí).
    anterior = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            try:
                instancia = playwright.chromium.launch(executable_path=ejecutable, args=chromium.ARGUMENTOS)
            except Error as error:
                pytest.fail(f"Chromium ({ejecutable}) no arrancó: {error}", pytrace=False)
            yield instancia
            instancia.close()
    finally:
        if anterior is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = anterior


@pytest.fixture
def nueva_pagina(navegador, request, tmp_path):
    """Fábrica: ``nueva_pagina(**opciones)`` abre una página en un contexto nuevo (idioma
    es-MX, 1280×900 salvo que se indique otra ``viewport``). Se cierran al terminar."""
    contextos = []
    paginas = []

    def abrir(**opciones):
        opciones.setdefault("viewport", chromium.VENTANA_ESCRITORIO)
        opciones.setdefault("locale", chromium.IDIOMA)
        contexto = navegador.new_context(**opciones)
        contexto.set_default_timeout(chromium.ESPERA_MS)
        contextos.append(contexto)
        pagina = contexto.new_page()
        vigilar(pagina)
        paginas.append(pagina)
        return pagina

    yield abrir

    informe = request.node.stash.get(_INFORME_DE_LA_PRUEBA, None)
    if informe is not None and informe.failed:
        for numero, pagina in enumerate(paginas, 1):
            if pagina.is_closed():
                continue
            try:
                pagina.screenshot(path=tmp_path / f"pagina-{numero}.png", full_page=True)
                (tmp_path / f"pagina-{numero}.html").write_text(pagina.content(), encoding="utf-8")
                print(f"Página {numero} al fallar ({pagina.url}): {tmp_path}/pagina-{numero}.png y .html")
            except Exception as error:  # la página pudo quedar inservible; no tapa el fallo original
                print(f"No se pudo guardar la página {numero}: {error}")
    problemas = [problema for pagina in paginas for problema in problemas_de_carga(pagina)]
    for contexto in contextos:
        contexto.close()
    if informe is not None and informe.passed:
        assert not problemas, "Hubo errores al cargar las páginas:\n- " + "\n- ".join(problemas)


@pytest.fixture
def pagina(nueva_pagina):
    return nueva_pagina()


@pytest.fixture
def pagina_movil(nueva_pagina):
    return nueva_pagina(viewport=chromium.VENTANA_MOVIL, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def pagina_sin_js(nueva_pagina):
    return nueva_pagina(java_script_enabled=False)


# --- Servidor y datos -------------------------------------------------------------------

SLUG_PAL = "pal-2022-2024"


def cargar_planes():
    """Los planes reales, como en el README: ``manage.py preparar``."""
    from django.core.management import call_command

    call_command("preparar", verbosity=0, stdout=StringIO())


@pytest.fixture
def pal_vivo(live_server, transactional_db):
    """El PAL 2022-2024 (y el 2019-2021) cargado para ``live_server``; devuelve el ``Plan``."""
    from plan.models import Plan

    cargar_planes()
    return Plan.objects.get(slug=SLUG_PAL)


@pytest.fixture
def portal(live_server, pal_vivo):
    """Dirección (sin barra final) del servidor en vivo con los planes cargados."""
    return live_server.url


def _huella() -> dict[str, int]:
    """Filas de cada tabla y número de la versión publicada: cambia con cualquier escritura
    de la aplicación (las de modelos públicos suben la versión aunque no cambien filas)."""
    from django.apps import apps

    from seguimiento.models import VersionPublica

    huella = {
        modelo._meta.label: modelo._base_manager.count()
        for modelo in apps.get_models()
        if not modelo._meta.proxy and modelo._meta.managed
    }
    huella["versión publicada"] = VersionPublica.objects.filter(pk=1).values_list("numero", flat=True).first() or 0
    return huella


def _vaciar_base():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="package")
def _base_de_pruebas(django_db_setup, django_db_blocker):
    """Garantiza que ``portal_lectura`` trabaja sobre la base de pruebas.

    pytest-django solo crea la base de pruebas si alguna prueba seleccionada pide ``db``,
    ``transactional_db``, ``live_server`` o la marca ``django_db``; ``portal_lectura`` no los
    pide (vaciaría la base en cada prueba). Si se corren solo pruebas con ``portal_lectura``, la
    conexión seguiría apuntando a la base real (db.sqlite3 o la de DATABASE_URL), que se
    cargaría y vaciaría: aquí se crea la de pruebas en ese caso, y se destruye al terminar.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        yield
        return
    with django_db_blocker.unblock():
        configuracion = setup_databases(verbosity=0, interactive=False, aliases={connection.alias})
    yield
    with django_db_blocker.unblock():
        teardown_databases(configuracion, verbosity=0)


@pytest.fixture(scope="package")
def _servidor_lectura(_base_de_pruebas):
    """Un segundo servidor en vivo, aparte del ``live_server`` de pytest-django (que vacía la
    base al terminar cada prueba)."""
    from pytest_django.live_server_helper import LiveServer

    servidor = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    servidor._live_server_modified_settings.enable()
    yield servidor
    servidor._live_server_modified_settings.disable()
    servidor.stop()


@pytest.fixture(scope="module")
def _datos_de_lectura(_servidor_lectura, django_db_blocker, tmp_path_factory):
    """Carga los planes una vez por módulo y vacía la base al terminarlo.

    Sus archivos (los del 1er Informe Parcial, que ``preparar`` congela) van a una carpeta del
    módulo, que ``portal_lectura`` vuelve a poner en cada prueba: cada prueba tiene por omisión
    su propia carpeta (``tests/conftest.py``)."""
    from django.test import override_settings

    media = str(tmp_path_factory.mktemp("media-lectura"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        cargar_planes()
        estado = {"huella": _huella(), "media": media}
        yield estado
        _vaciar_base()


@pytest.fixture
def portal_lectura(_servidor_lectura, _datos_de_lectura, django_db_blocker, settings):
    """Dirección del servidor en vivo con los planes cargados, compartidos por las pruebas
    del módulo. Solo para pruebas que no escriben en la base."""
    settings.MEDIA_ROOT = _datos_de_lectura["media"]
    with django_db_blocker.unblock():
        if _huella() != _datos_de_lectura["huella"]:
            # Una prueba con base transaccional (pal_vivo, portal) la vació al terminar.
            _vaciar_base()
            cargar_planes()
            _datos_de_lectura["huella"] = _huella()
        yield _servidor_lectura.url
        despues = _huella()
        cambios = {
            tabla: f"{antes} → {despues.get(tabla)}"
            for tabla, antes in _datos_de_lectura["huella"].items()
            if despues.get(tabla) != antes
        }
        if cambios:
            _vaciar_base()
            cargar_planes()
            _datos_de_lectura["huella"] = _huella()
        assert not cambios, (
            f"La prueba escribió en la base compartida de portal_lectura ({cambios}); "
            "las pruebas que escriben deben usar portal o pal_vivo."
        )


@pytest.fixture
def ciclo(portal, pal_vivo, django_user_model, settings, tmp_path):
    """Cuentas de la facilitadora, la integrante y la responsable del IACIP (contraseña ``CLAVE``)
    y el bimestre diciembre 2023–enero 2024 abierto; devuelve la dirección del portal."""
    from plan.models import Institucion, Membresia
    from seguimiento import flujo

    settings.MEDIA_ROOT = tmp_path / "media"
    cuentas = {}
    for nombre, rol, institucion in [
        ("facilitadora", Membresia.Rol.FACILITADOR, None),
        ("integrante", Membresia.Rol.INTEGRANTE, None),
        ("iacip", Membresia.Rol.RESPONSABLE, Institucion.objects.get(siglas="IACIP")),
    ]:
        cuentas[nombre] = django_user_model.objects.create_user(
            nombre, f"{nombre}@example.org", CLAVE, first_name=nombre.capitalize()
        )
        Membresia.objects.create(usuario=cuentas[nombre], plan=pal_vivo, rol=rol, institucion=institucion)
    flujo.abrir_periodo(
        plan=pal_vivo,
        usuario=cuentas["facilitadora"],
        nombre="Diciembre 2023–enero 2024",
        inicio=datetime.date(2023, 12, 1),
        fin=datetime.date(2024, 1, 31),
        fecha_limite=datetime.date.today() + datetime.timedelta(days=5),
    )
    return portal
