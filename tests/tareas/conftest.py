from contextlib import contextmanager

import pytest

from seguimiento.models import Informe, Periodo
from tests.seguimiento import conftest as conftest_de_seguimiento

#: El ciclo bimestral del PAL 2022-2024 con sus cuentas (el mismo de tests/seguimiento/).
ciclo = conftest_de_seguimiento.ciclo


@pytest.fixture
def borrador(ciclo):
    """El 2.º informe en borrador, sobre el periodo ya publicado de la semilla: se puede publicar."""
    publicado = Periodo.objects.get(plan=ciclo.plan, slug="agosto-noviembre-2023")
    return Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=publicado, periodo_final=publicado
    )


@contextmanager
def otro_broker(app, url: str):
    """Celery con un broker de verdad (no eager) mientras dura; al salir, como estaba. Celery guarda
    sus grupos de conexiones por broker: se olvidan al cambiarlo y al volver (sin cerrarlos: kombu
    los comparte por dirección)."""

    def soltar_conexiones():
        app._pool = None
        app.amqp._producer_pool = None

    antes = {clave: app.conf[clave] for clave in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    app.conf.update(task_always_eager=False, broker_url=url, broker_connection_timeout=2)
    soltar_conexiones()
    try:
        yield
    finally:
        app.conf.update(antes)
        soltar_conexiones()
