"""Buscar y filtrar en Chromium, y que ninguna tabla del portal corte su contenido a 360 px.

A 360 px (un teléfono) ninguna página se desplaza a los lados y cada tabla cabe o se desplaza
dentro de su propia caja, con nombre y con foco de teclado; la búsqueda con una consulta y el
plan con filtros cumplen WCAG 2.1 AA en escritorio y en el teléfono.
"""

import re

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal, revisar_tablas_sin_cortes

PAL = "/planes/pal-2022-2024/"

#: Las páginas públicas principales, y las que tienen tablas.
PAGINAS_PUBLICAS = [
    "/",
    PAL,
    PAL + "?estado=en-riesgo",
    PAL + "ejes/1/",
    PAL + "compromisos/1.5/",
    PAL + "acciones/1.5.1/",
    PAL + "como-se-calcula/",
    "/instituciones/",
    "/instituciones/7/",
    "/ods/",
    "/buscar/",
    "/buscar/?q=sentensias",
    "/buscar/?q=Soria&estado=en-tiempo",
    "/informes/",
    "/datos/",
]


@pytest.mark.parametrize("direccion", PAGINAS_PUBLICAS)
def test_a_360_px_ninguna_tabla_corta_su_contenido(pagina_movil, portal_lectura, direccion):
    pagina_movil.goto(portal_lectura + direccion)
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    revisar_tablas_sin_cortes(pagina_movil)


@pytest.mark.parametrize("movil", [False, True], ids=["1280-px", "360-px"])
@pytest.mark.parametrize("direccion", ["/buscar/?q=sentensias", "/buscar/", PAL + "?estado=en-riesgo&institucion=7"])
def test_busqueda_y_filtros_cumplen_wcag_21_aa(request, portal_lectura, direccion, movil):
    visor = request.getfixturevalue("pagina_movil" if movil else "pagina")
    visor.goto(portal_lectura + direccion)
    revisar_accesibilidad(visor)


def test_buscar_con_un_error_y_por_clave(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/buscar/")
    assert pagina.get_by_role("heading", name="Qué se puede encontrar").is_visible()
    pagina.get_by_role("search").get_by_label("Buscar").fill("sentensias")
    pagina.get_by_role("button", name="Buscar").click()
    assert pagina.title() == "«sentensias» · Buscar · Estado Abierto"
    assert pagina.get_by_role("heading", name="3 resultados para «sentensias»").is_visible()
    pagina.get_by_role("search").get_by_label("Buscar").fill("3.2.1")
    pagina.get_by_role("button", name="Buscar").click()
    assert pagina.url == f"{portal_lectura}{PAL}acciones/3.2.1/"
    assert pagina.get_by_role("heading", level=1).inner_text() == "Acción 3.2.1"


def test_filtrar_el_plan_sin_javascript(pagina_sin_js, portal_lectura):
    pagina_sin_js.goto(portal_lectura + PAL)
    # El plan no publicó fechas: diez compromisos están «sin calendario publicado» (los otros tres, concluidos).
    pagina_sin_js.get_by_label("Estado", exact=True).select_option(label="Sin calendario publicado")
    pagina_sin_js.get_by_role("button", name="Filtrar").click()
    assert "estado=sin-calendario" in pagina_sin_js.url
    assert pagina_sin_js.get_by_role("heading", name="10 compromisos con estos filtros").is_visible()
    pagina_sin_js.get_by_label("Institución responsable", exact=True).select_option(label="Tribunal de Justicia Administrativa del Estado de Guanajuato")
    pagina_sin_js.get_by_label("Estado", exact=True).select_option(label="Concluido")
    pagina_sin_js.get_by_role("button", name="Filtrar").click()
    assert pagina_sin_js.get_by_text(re.compile("^Sin resultados: ningún compromiso")).is_visible()
    pagina_sin_js.get_by_role("link", name="Quitar los filtros").first.click()
    assert pagina_sin_js.url == portal_lectura + PAL
    assert pagina_sin_js.get_by_role("heading", name="Avance por eje").is_visible()
