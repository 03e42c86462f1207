"""El editor de la estructura en Chromium: la facilitadora añade una acción con peso 2 al
compromiso 1.5, ve su efecto en las cifras públicas antes de guardar, guarda y la ciudadanía la
ve en su página; la estructura, los datos del plan y los formularios de la acción y del
compromiso, accesibles a 1280 y a 360 px."""

import re

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

ESTRUCTURA = "/trabajo/pal-2022-2024/estructura/"


def _cifra_publica_del_compromiso_1_5(ciudadana, ciclo) -> str:
    ciudadana.goto(ciclo + "/planes/pal-2022-2024/compromisos/1.5/")
    return ciudadana.locator("main").inner_text()


def test_la_facilitadora_anade_una_accion_ve_el_efecto_y_la_publica(pagina, nueva_pagina, ciclo):
    ciudadana = nueva_pagina()
    entrar(pagina, ciclo, "facilitadora")
    clic(pagina.get_by_role("link", name="Estructura del plan"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Estructura del plan"
    clic(pagina.get_by_role("link", name="Añadir una acción al compromiso 1.5"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Acción nueva en el compromiso 1.5"
    assert pagina.get_by_text("Institución responsable:").inner_text().startswith("Institución responsable: Observatorio")
    pagina.get_by_label("Descripción").fill("Mesas de trabajo con las ladrilleras de León")
    pagina.get_by_label("Peso").fill("2")
    clic(pagina.get_by_role("button", name="Ver el efecto"))
    efecto = pagina.get_by_role("status").filter(has_text="Efecto en las cifras públicas")
    assert "el compromiso 1.5 pasa de 36\u00a0% a 24\u00a0%; el eje 1 de 53\u00a0% a 51\u00a0%" in efecto.inner_text()
    assert pagina.get_by_label("Descripción").input_value() == "Mesas de trabajo con las ladrilleras de León"
    # Ver el efecto no publica nada: la ciudadanía sigue viendo el 36 % y la acción no existe.
    antes = _cifra_publica_del_compromiso_1_5(ciudadana, ciclo)
    assert "36\u00a0%" in antes and "24\u00a0%" not in antes
    assert ciudadana.goto(ciclo + "/planes/pal-2022-2024/acciones/1.5.5/").status == 404
    clic(pagina.get_by_role("button", name="Guardar"))
    assert pagina.url == ciclo + ESTRUCTURA
    assert "Se creó la acción 1.5.5." in pagina.locator(".mensajes").inner_text()
    assert pagina.get_by_role("row", name=re.compile(r"^1\.5\.5 Mesas de trabajo")).get_by_text("peso 2 de 6").is_visible()

    # Guardado, la página pública (en caché) lo sigue en la siguiente petición.
    assert "24\u00a0%" in _cifra_publica_del_compromiso_1_5(ciudadana, ciclo)
    ciudadana.goto(ciclo + "/planes/pal-2022-2024/acciones/1.5.5/")
    assert "Mesas de trabajo con las ladrilleras de León" in ciudadana.locator("main").inner_text()


@pytest.mark.parametrize("cual", ["pagina", "pagina_movil"])
@pytest.mark.parametrize("ruta", ["", "plan/", "acciones/1.5.3/", "compromisos/1.5/"])
def test_la_estructura_y_sus_formularios_son_accesibles(request, ciclo, cual, ruta):
    pagina = request.getfixturevalue(cual)
    entrar(pagina, ciclo, "facilitadora")
    pagina.goto(ciclo + ESTRUCTURA + ruta)
    assert pagina.get_by_role("heading", level=1).is_visible()
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)
