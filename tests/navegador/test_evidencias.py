"""Las evidencias de todo un compromiso, en Chromium: la ciudadanía las encuentra en la columna
«Evidencias» de la tabla del compromiso, como en el informe impreso, en escritorio y en un
teléfono de 360 px; la responsable agrega una desde su trabajo y la facilitadora la valida."""

import re

import pytest

from tests.ayudas import PDF
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

COMPROMISO_1_5 = "/planes/pal-2022-2024/compromisos/1.5/"


def _fila_del_compromiso(pagina):
    return pagina.get_by_role("row", name=re.compile(r"^Evidencias del compromiso 1\.5 en Agosto–noviembre 2023"))


@pytest.mark.parametrize("cual", ["pagina", "pagina_movil"])
def test_la_ciudadania_ve_la_evidencia_de_1_5_en_la_tabla(request, portal_lectura, cual):
    pagina = request.getfixturevalue(cual)
    pagina.goto(portal_lectura + COMPROMISO_1_5)
    tabla = pagina.get_by_role("table", name="Acciones del compromiso 1.5 con su avance, etapa y evidencias")
    fila = _fila_del_compromiso(pagina)
    assert tabla.locator("tr", has=pagina.get_by_role("rowheader", name=re.compile("^Evidencias del compromiso"))).count() == 1
    texto = fila.inner_text()
    assert "Capacítandome para transformar la producción de ladrillo" in texto
    assert "Aproximadamente 129 beneficiarios directos e indirectos" in texto
    fila.scroll_into_view_if_needed()
    assert fila.get_by_text("Aproximadamente 129 beneficiarios").is_visible()
    # Cada acción remite a las del compromiso en vez de decir que no hay evidencias.
    assert tabla.get_by_text("Sin evidencias en el avance publicado").count() == 0
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


def test_la_responsable_agrega_y_la_facilitadora_valida(nueva_pagina, ciclo, tmp_path):
    mapa = tmp_path / "mapa de municipios.pdf"
    mapa.write_bytes(PDF)
    responsable = nueva_pagina()
    entrar(responsable, ciclo, "iacip")
    clic(responsable.get_by_role("link", name=re.compile(r"^Compromiso 7\.1")))
    assert responsable.get_by_role("heading", level=1).inner_text() == "Evidencias del compromiso 7.1 · Diciembre 2023–enero 2024"
    revisar_accesibilidad(responsable)
    responsable.get_by_label("Descripción").fill("Mapa de los municipios con STL")
    responsable.get_by_label("o archivo").set_input_files(str(mapa))
    clic(responsable.get_by_role("button", name="Enviar al STL"))
    assert "enviada al STL para su revisión" in responsable.locator("body").inner_text()
    assert responsable.get_by_text("Enviada", exact=True).is_visible()

    facilitadora = nueva_pagina(viewport={"width": 360, "height": 740})
    entrar(facilitadora, ciclo, "facilitadora")
    facilitadora.goto(ciclo + "/trabajo/pal-2022-2024/periodos/diciembre-2023-enero-2024/")
    clic(facilitadora.get_by_role("link", name=re.compile(r"^Compromiso 7\.1")))
    revisar_sin_desplazamiento_horizontal(facilitadora)
    revisar_accesibilidad(facilitadora)
    clic(facilitadora.get_by_role("button", name="Validar la evidencia 1"))
    assert facilitadora.get_by_text("Validada", exact=True).is_visible()
