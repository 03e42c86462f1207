"""Con REDIS_URL los servidores comparten las páginas públicas, y ninguno sirve una vieja.

Dos clientes de la caché de Django, cada uno con su propia conexión a Redis, hacen de dos
servidores. La base de Redis es la de ``REDIS_URL_PRUEBAS`` (la 9 en CI; solo se vacía esa). Sin
Redis la prueba se salta, salvo en CI (variable ``CI``), donde falla: ahí Redis debe estar.
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

REDIS = os.environ.get("REDIS_URL_PRUEBAS", "")


def _redis_responde() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def dos_servidores():
    if not (REDIS and _redis_responde()):
        motivo = f"Redis no responde en REDIS_URL_PRUEBAS={REDIS!r}" if REDIS else "sin REDIS_URL_PRUEBAS"
        if os.environ.get("CI"):
            pytest.fail(f"{motivo}: en CI la caché compartida debe probarse.")
        pytest.skip(motivo)
    compartida = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS,
                              "KEY_PREFIX": "pruebas-estado-abierto"}}
    with override_settings(CACHES=compartida):
        servidores = [caches.create_connection("default") for _ in range(2)]
        assert servidores[0]._cache is not servidores[1]._cache  # cada uno con su cliente de Redis
        servidores[0].clear()
        yield servidores
        servidores[0].clear()
        for servidor in servidores:
            servidor.close()


def _pedir(servidor, ruta="/informes/"):
    """La petición la atiende un servidor: la caché de Django de este hilo es la suya."""
    caches["default"] = servidor
    respuesta = Client().get(ruta)
    assert respuesta.status_code == 200
    return respuesta.content.decode()


def test_una_pagina_armada_por_un_servidor_la_sirve_el_otro_y_ninguno_sirve_una_vieja(
    pal, dos_servidores, django_assert_num_queries
):
    import redis

    primero, segundo = dos_servidores
    pagina = _pedir(primero)
    assert pal.nombre in pagina
    # Está en Redis, no en la memoria del proceso.
    assert redis.Redis.from_url(REDIS).keys("pruebas-estado-abierto:*pagina-publica:*")
    with django_assert_num_queries(1):  # solo la versión publicada: la página sale de Redis
        assert _pedir(segundo) == pagina

    pal.nombre = "Plan de Acción Local renombrado"
    pal.save()  # sube la versión de lo publicado (seguimiento/publicacion.py)
    for servidor in (segundo, primero):
        nueva = _pedir(servidor)
        assert "Plan de Acción Local renombrado" in nueva and nueva != pagina
    with django_assert_num_queries(1):
        assert "Plan de Acción Local renombrado" in _pedir(primero)
