"""Lo que se comparte fuera del portal: las novedades en Atom, la cifra en SVG para otros sitios
y, en cada página pública, su descripción, OpenGraph, favicon y «Última actualización»."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from tests.ayudas import texto_de

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
COMPROMISO = "/planes/pal-2022-2024/compromisos/3.2/"


def _atom(client, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(respuesta.content)


def _entradas(feed):
    return [
        {
            "titulo": e.findtext(f"{ATOM}title"),
            "fecha": e.findtext(f"{ATOM}updated"),
            "enlace": e.find(f"{ATOM}link").get("href"),
            "resumen": e.findtext(f"{ATOM}summary"),
        }
        for e in feed.findall(f"{ATOM}entry")
    ]


def test_novedades_del_plan_en_atom(client, pal):
    feed = _atom(client, "/planes/pal-2022-2024/novedades.atom")
    assert feed.findtext(f"{ATOM}title") == "Novedades del Plan de Acción Local de Estado Abierto Guanajuato 2022-2024"
    assert feed.findtext(f"{ATOM}updated") == "2023-12-04T00:00:00-06:00"
    entradas = _entradas(feed)
    assert [(e["titulo"], e["fecha"]) for e in entradas] == [
        ("Avances publicados: Agosto–noviembre 2023", "2023-12-04T00:00:00-06:00"),
        ("Informe publicado: Primer Informe Parcial", "2023-12-04T00:00:00-06:00"),
    ]
    assert entradas[0]["resumen"] == "El STL publicó 33 avances validados del periodo Agosto–noviembre 2023."
    assert entradas[1]["enlace"] == "http://testserver/informes/pal-2022-2024/1/v1/"
    assert len({e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")}) == 2


def test_novedades_del_compromiso_con_su_cifra_y_sus_acciones(client, pal):
    entradas = _entradas(_atom(client, f"{COMPROMISO}novedades.atom"))
    assert entradas[0]["titulo"] == "Avances publicados: Agosto–noviembre 2023"
    assert entradas[0]["enlace"] == f"http://testserver{COMPROMISO}"
    assert entradas[0]["resumen"] == (
        "Cifra recalculada del compromiso 3.2 al cierre del periodo: 61\u00a0%. Avances validados: "
        "acción 3.2.1: 100\u00a0%; acción 3.2.2: 50\u00a0%; acción 3.2.3: 33\u00a0%."
    )


def test_un_plan_sin_periodos_publicados_tiene_novedades_vacias(client, pal):
    feed = _atom(client, "/planes/pal-2019-2021/compromisos/1.1/novedades.atom")
    assert [e["titulo"] for e in _entradas(feed)] == []
    assert client.get("/planes/pal-2022-2024/compromisos/9.9/novedades.atom").status_code == 404


@pytest.mark.parametrize("url", ["/planes/pal-2022-2024/", COMPROMISO])
def test_las_paginas_anuncian_sus_novedades(client, pal, url):
    html = client.get(url).content.decode()
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" href="{re.escape(url)}novedades.atom"', html)


def test_la_cifra_en_svg_para_otros_sitios(client, pal):
    respuesta = client.get(f"{COMPROMISO}widget.svg")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert respuesta["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    svg = ElementTree.fromstring(respuesta.content)
    textos = [t.text for t in svg.iter(f"{SVG}text")]
    # La cifra grande de la página: la oficial del informe que cubre el periodo, con su nombre.
    assert "61\u00a0%" in textos and "Cifra oficial del Primer Informe Parcial" in textos
    assert svg.findtext(f"{SVG}desc") == (
        "Compromiso 3.2. Justicia Abierta Administrativa (PAL 2022-2024): 61\u00a0%, cifra oficial del "
        "Primer Informe Parcial, con lo publicado hasta Agosto–noviembre 2023."
    )
    assert svg.find(f"{SVG}a").get("href") == f"http://testserver{COMPROMISO}"
    # Nada que se ejecute: ni scripts, ni manejadores de eventos, ni objetos externos.
    assert not list(svg.iter(f"{SVG}script")) and not list(svg.iter(f"{SVG}foreignObject"))
    assert not [a for e in svg.iter() for a in e.attrib if a.lower().startswith("on")]
    plan = ElementTree.fromstring(client.get("/planes/pal-2022-2024/widget.svg").content)
    assert "42\u00a0%" in [t.text for t in plan.iter(f"{SVG}text")]  # la cifra oficial, como la portada
    assert client.get("/planes/pal-2022-2024/compromisos/9.9/widget.svg").status_code == 404


def test_el_codigo_para_insertar_enlaza_de_vuelta(client, pal):
    respuesta = client.get(f"{COMPROMISO}insertar/")
    codigo = re.search(r"<textarea[^>]*>(.*?)</textarea>", respuesta.content.decode(), re.S).group(1)
    # Lo que la persona copia (el área de texto muestra el HTML con sus entidades).
    copiado = html.unescape(codigo)
    assert copiado.startswith(f'<a href="http://testserver{COMPROMISO}"><img src="http://testserver{COMPROMISO}widget.svg" alt="Compromiso 3.2.')
    assert copiado.endswith('width="320" height="144"></a>')


def test_la_cifra_se_sirve_de_la_cache_tras_la_primera_vez(client, pal, django_assert_num_queries):
    client.get(f"{COMPROMISO}widget.svg")
    with django_assert_num_queries(1):  # la versión publicada
        assert client.get(f"{COMPROMISO}widget.svg").status_code == 200


# --- Descripción, OpenGraph y «Última actualización» en cada página pública ------------------

PAGINAS = [
    "/",
    "/planes/pal-2022-2024/",
    "/planes/pal-2022-2024/ejes/3/",
    COMPROMISO,
    "/planes/pal-2022-2024/acciones/3.2.1/",
    "/planes/pal-2022-2024/como-se-calcula/",
    "/planes/pal-2019-2021/",
    "/instituciones/",
    "/instituciones/7/",
    "/ods/",
    "/buscar/",
    "/datos/",
    "/informes/",
    "/informes/pal-2022-2024/1/v1/",
    "/planes/pal-2022-2024/seguir/",
    f"{COMPROMISO}seguir/",
    f"{COMPROMISO}insertar/",
    "/suscripciones/borrar/",
]


class _Cabeza(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.iconos = {}, []

    def handle_starttag(self, etiqueta, atributos):
        a = dict(atributos)
        if etiqueta == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content")
        if etiqueta == "link" and a.get("rel") == "icon":
            self.iconos.append(a["type"])


@pytest.mark.parametrize("url", PAGINAS)
def test_cada_pagina_publica_tiene_descripcion_y_opengraph(client, pal, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    cabeza = _Cabeza()
    cabeza.feed(respuesta.content.decode())
    meta = cabeza.meta
    assert len(meta["description"]) > 40
    assert meta["og:description"] == meta["description"]
    assert meta["og:url"] == f"http://testserver{url}"
    assert meta["og:site_name"] == "Estado Abierto"
    assert meta["og:type"] in ("website", "article") and meta["og:title"]
    assert cabeza.iconos == ["image/svg+xml", "image/png"]


def test_las_descripciones_dicen_de_que_es_cada_pagina(client, pal):
    def descripcion(url):
        cabeza = _Cabeza()
        cabeza.feed(client.get(url).content.decode())
        return cabeza.meta["description"]

    assert descripcion("/planes/pal-2022-2024/").startswith(
        "Avance global del Plan de Acción Local de Estado Abierto Guanajuato 2022-2024: 42\u00a0% "
        "(Cifra oficial del Primer Informe Parcial; 33 de 33 acciones con reporte)."
    )
    assert "Compromiso 3.2. Justicia Abierta Administrativa" in descripcion(COMPROMISO)
    assert descripcion("/planes/pal-2022-2024/seguir/") != descripcion("/datos/")


@pytest.mark.parametrize("url", ["/planes/pal-2022-2024/", COMPROMISO, "/planes/pal-2022-2024/acciones/3.2.1/", "/informes/pal-2022-2024/1/v1/"])
def test_ultima_actualizacion_es_la_de_la_publicacion(client, pal, url):
    texto = texto_de(client.get(url))
    # El periodo y el 1er Informe Parcial se publicaron el 4 de diciembre de 2023 (no hoy).
    assert "Última actualización: 4 de diciembre de 2023" in texto
    assert f"Plan de Acción Local de Estado Abierto Guanajuato 2022-2024 · http://testserver{url} · Última actualización" in texto


@pytest.mark.parametrize(
    "url", ["/instituciones/", "/instituciones/{iacip}/", "/ods/", "/buscar/?q=sentencias", "/datos/", "/informes/"]
)
def test_las_paginas_de_todos_los_planes_dicen_su_ultima_actualizacion(client, pal, url):
    from plan.models import Institucion

    url = url.format(iacip=Institucion.objects.get(siglas="IACIP").pk)
    # La publicación más reciente de lo que muestran: el periodo agosto–noviembre 2023 y el
    # 1er Informe Parcial, publicados el 4 de diciembre de 2023 (el PAL 2019-2021 no tiene).
    assert "Última actualización: 4 de diciembre de 2023" in texto_de(client.get(url))


def test_un_plan_sin_publicaciones_no_dice_una_fecha(client, pal):
    texto = texto_de(client.get("/planes/pal-2019-2021/"))
    assert "Última actualización" not in texto
    # Impreso, sí nombra el plan y la dirección.
    assert "Plan de Acción Local de Gobierno Abierto Guanajuato 2019-2021 · http://testserver/planes/pal-2019-2021/" in texto


def test_el_favicon_existe(client):
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg") and finders.find("favicon.png")
    with open(finders.find("favicon.png"), "rb") as archivo:
        assert archivo.read(8) == b"\x89PNG\r\n\x1a\n"
