"""La búsqueda (``plan/busqueda.py`` y la página ``/buscar/``) con los planes reales.

Las mismas pruebas en SQLite y en PostgreSQL (``DATABASE_URL``): cada backend busca a su manera
(texto completo en español y trigramas en PostgreSQL; la regla en Python en SQLite) y deben
encontrar lo mismo en estos ejemplos, que son los que documenta la página.
"""

import re

import pytest
from django.db import connection

from plan import busqueda
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db


def _claves(texto):
    """Claves de los compromisos de los resultados, con su plan, en el orden de la página."""
    return re.findall(r"(PAL \d{4}-\d{4}) · Eje \d+\. [^·]*? Compromiso (\d+\.\d+)\. ", texto)


@pytest.mark.parametrize(
    "q, esperados",
    [
        # Un error de escritura: «sentensias» encuentra «sentencias» (nombre del 3.1, acción
        # 3.2.1 y el compromiso 2.1 del plan histórico).
        ("sentensias", {("PAL 2022-2024", "3.1"), ("PAL 2022-2024", "3.2"), ("PAL 2019-2021", "2.1")}),
        ("SENTENCIAS", {("PAL 2022-2024", "3.1"), ("PAL 2022-2024", "3.2"), ("PAL 2019-2021", "2.1")}),
        ("ladrilo", {("PAL 2022-2024", "1.5")}),
        ("educación", {("PAL 2019-2021", "3.1")}),
        # El representante titular de los compromisos 1.1 a 1.4 es el Mtro. J. Jesús Soria Narváez;
        # la «asesoría» de las acciones 5.1.2 y 7.1.1 no cuenta: «soria» ahí es parte de otra palabra.
        ("Soria", {("PAL 2022-2024", c) for c in ["1.1", "1.2", "1.3", "1.4"]}),
        ("jesus soria narvaez", {("PAL 2022-2024", c) for c in ["1.1", "1.2", "1.3", "1.4"]}),
        ("Soriano", {("PAL 2022-2024", c) for c in ["1.1", "1.2", "1.3", "1.4"]}),  # casi «Soria»
        ("Sorianos Narvaes", set()),  # dos palabras, y «sorianos» ya no se parece bastante
        ("TEEG", {("PAL 2022-2024", "3.3")}),
    ],
)
def test_busqueda_tolera_acentos_errores_y_encuentra_personas(client, pal, q, esperados):
    texto = texto_de(client.get("/buscar/", {"q": q}))
    assert set(_claves(texto)) == esperados
    assert len(_claves(texto)) == len(esperados)


def test_lo_mas_relevante_primero(client, pal):
    # «Difusión de versiones de sentencias…» (3.1) la lleva en el nombre; 3.2 solo en una acción.
    claves = [c for _plan, c in _claves(texto_de(client.get("/buscar/?q=sentencias&plan=pal-2022-2024")))]
    assert claves == ["3.1", "3.2"]


def test_las_acciones_que_coinciden_se_enlazan(client, pal):
    html = client.get("/buscar/", {"q": "sentensias", "plan": "pal-2022-2024"}).content.decode()
    assert 'href="/planes/pal-2022-2024/acciones/3.2.1/"' in html
    assert 'href="/planes/pal-2022-2024/acciones/3.2.2/"' not in html


@pytest.mark.parametrize(
    "q, destino",
    [
        ("1.5", "/planes/pal-2022-2024/compromisos/1.5/"),
        (" 3.2.1 ", "/planes/pal-2022-2024/acciones/3.2.1/"),
        # Los dos planes tienen una acción 2.1.1: con el plan elegido, la de ese plan.
        ("2.1.1", "/planes/pal-2019-2021/acciones/2.1.1/"),
    ],
)
def test_una_clave_lleva_directo_a_su_pagina(client, pal, q, destino):
    respuesta = client.get("/buscar/", {"q": q, "plan": destino.split("/")[2]})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == destino
    assert client.get(destino).status_code == 200


def test_una_clave_de_varios_planes_los_muestra_todos(client, pal):
    texto = texto_de(client.get("/buscar/?q=1.1"))
    assert _claves(texto) == [("PAL 2022-2024", "1.1"), ("PAL 2019-2021", "1.1")]
    assert "Varios planes tienen la clave 1.1" in texto
    assert "Ningún compromiso ni acción tiene la clave 9.9." in texto_de(client.get("/buscar/?q=9.9"))


def test_sin_busqueda_explica_que_se_puede_buscar_con_ejemplos_reales(client, pal):
    respuesta = client.get("/buscar/")
    texto = texto_de(respuesta)
    assert "Qué se puede encontrar" in texto and "resultados" not in texto
    html = respuesta.content.decode()
    # Ejemplos sacados del plan vigente: su compromiso 1.1, su acción 1.1.1, la institución y
    # el primer apellido del representante del 1.1.
    for ejemplo in ["economia", "Poder%20Ejecutivo%20del%20Estado%20de%20Guanajuato", "Soria", "1.1", "1.1.1"]:
        assert f'href="?q={ejemplo}"' in html, ejemplo
    # Y cada ejemplo encuentra el compromiso del que salió.
    for ejemplo in ["economia", "Poder Ejecutivo del Estado de Guanajuato", "Soria", "1.1"]:
        assert ("PAL 2022-2024", "1.1") in _claves(texto_de(client.get("/buscar/", {"q": ejemplo}))), ejemplo


def test_la_busqueda_va_en_el_titulo_de_la_pagina(client, pal):
    html = client.get("/buscar/", {"q": "sentensias"}).content.decode()
    assert "<title>«sentensias» · Buscar · Estado Abierto</title>" in html
    assert "<title>Buscar · Estado Abierto</title>" in client.get("/buscar/").content.decode()
    assert "3 resultados para «sentensias»" in texto_de(client.get("/buscar/", {"q": "sentensias"}))


def test_otros_parametros_no_crean_otra_pagina_en_la_cache(client, pal, django_assert_num_queries):
    primera = client.get("/buscar/?q=ladrillo&estado=")
    with django_assert_num_queries(1):
        # 1. versión publicada: la misma búsqueda con un parámetro que la página no usa
        segunda = client.get("/buscar/?utm_source=boletin&q=ladrillo")
    assert segunda.content == primera.content


def test_trigramas_como_los_cuenta_postgresql():
    """``busqueda.similitud`` (la que usa SQLite) es la ``similarity`` de pg_trgm."""
    pares = [("sentensias", "sentencias"), ("ladrillo", "ladrilleras"), ("soria", "asesoria"), ("electoral", "electorales")]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for a, b in pares:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert busqueda.similitud(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)
    # Los valores que da PostgreSQL 15 para esos pares.
    assert [round(busqueda.similitud(a, b), 4) for a, b in pares] == [0.5714, 0.5, 0.3636, 0.6923]
    assert busqueda.similitud("sentensias", "sentencias") >= busqueda.SIMILITUD_MINIMA > busqueda.similitud("ladrillo", "ladrilleras")
