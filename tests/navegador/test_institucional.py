"""«¿Qué es el STL?», glosario, accesibilidad y aviso de privacidad en Chromium: WCAG 2.1 AA con
axe-core a 1280 px y en un teléfono de 360 px (sin desplazamiento lateral), y el pie que las
enlaza, recorrido con el teclado."""

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PAGINAS = {
    "stl": "/planes/pal-2022-2024/stl/",
    "stl-historico": "/planes/pal-2019-2021/stl/",
    "glosario": "/glosario/",
    "accesibilidad": "/accesibilidad/",
    "privacidad": "/privacidad/",
}


@pytest.mark.parametrize("nombre", list(PAGINAS))
def test_cumple_wcag_21_aa_en_escritorio(pagina, portal_lectura, nombre):
    pagina.goto(portal_lectura + PAGINAS[nombre])
    revisar_accesibilidad(pagina)


@pytest.mark.parametrize("nombre", list(PAGINAS))
def test_en_un_telefono_de_360_px(pagina_movil, portal_lectura, nombre):
    pagina_movil.goto(portal_lectura + PAGINAS[nombre])
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    revisar_accesibilidad(pagina_movil)


def test_del_pie_a_cada_pagina(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    pie = pagina.get_by_role("navigation", name="Sobre el portal")
    for enlace, titulo in [
        ("¿Qué es el STL?", "¿Qué es el Secretariado Técnico Local?"),
        ("Glosario", "Glosario"),
        ("Accesibilidad", "Declaración de accesibilidad"),
        ("Aviso de privacidad", "Aviso de privacidad integral"),
    ]:
        pie.get_by_role("link", name=enlace).click()
        assert pagina.get_by_role("heading", level=1).inner_text() == titulo
        pie = pagina.get_by_role("navigation", name="Sobre el portal")
    # El de «¿Qué es el STL?» lleva al STL del plan vigente, con sus integrantes.
    pie.get_by_role("link", name="¿Qué es el STL?").focus()
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/planes/pal-2022-2024/stl/")
    tabla = pagina.get_by_role("table", name="Integrantes del STL del PAL 2022-2024: institución u organización, titular y suplente")
    assert tabla.get_by_role("row").count() == 10  # encabezado y 9 integrantes
