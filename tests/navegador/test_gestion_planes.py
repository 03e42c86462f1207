"""Crear planes en Chromium: importar un plan de 40 acciones desde una hoja de cálculo con dos
errores (se ven los dos con su hoja, fila y columna), corregirlos, ver la vista previa,
confirmar y llegar al plan nuevo; crear un plan vacío a mano; axe a 1280 y 360 px."""

import pytest
from openpyxl import load_workbook

from tests.gestion.ayudas_planes import fila_de, libro_exportado, poner
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal


def _libro_de_40_acciones(pal, destino):
    """La estructura del PAL 2022-2024 (33 acciones) con 7 acciones más en el compromiso 1.1."""
    libro = libro_exportado(pal)
    for n in range(11, 18):
        libro["Acciones"].append([f"1.1.{n}", f"Acción agregada número {n} del compromiso 1.1", None, None, None, None, 1])
    libro.save(destino)
    return destino


def _subir(pagina, archivo, slug):
    pagina.get_by_label("Libro del plan (.xlsx)").set_input_files(str(archivo))
    pagina.get_by_label("Identificador del plan nuevo").fill(slug)
    clic(pagina.get_by_role("button", name="Revisar el archivo"))


def test_importar_un_plan_con_dos_errores_corregirlos_y_confirmar(pagina, ciclo, pal_vivo, tmp_path):
    archivo = _libro_de_40_acciones(pal_vivo, tmp_path / "plan nuevo.xlsx")
    libro = load_workbook(archivo)
    fila_peso = fila_de(libro["Acciones"], "Clave", "1.1.12")
    fila_institucion = fila_de(libro["Compromisos"], "Clave", "3.1")
    poner(libro["Acciones"], fila_peso, "Peso", "dos")
    poner(libro["Compromisos"], fila_institucion, "Institución responsable", "Secretaría Inventada")
    con_errores = tmp_path / "con errores.xlsx"
    libro.save(con_errores)

    entrar(pagina, ciclo, "facilitadora")
    pagina.goto(ciclo + "/trabajo/planes/importar/")
    _subir(pagina, con_errores, "pal-2025-2027")
    alerta = pagina.get_by_role("alert").filter(has_text="No se guardó nada")
    assert "2 errores" in alerta.inner_text()
    errores = alerta.get_by_role("listitem").all_inner_texts()
    assert f"Hoja «Compromisos», fila {fila_institucion}, columna M (Institución responsable):" in errores[0]
    assert "«Secretaría Inventada» no es una institución" in errores[0]
    assert errores[1] == f"Hoja «Acciones», fila {fila_peso}, columna G (Peso): «dos» no es un número."

    _subir(pagina, archivo, "pal-2025-2027")  # el libro corregido
    assert pagina.get_by_role("heading", level=1).inner_text() == "Vista previa del plan importado"
    assert pagina.get_by_text("7 ejes, 13 compromisos y 40 acciones.").is_visible()
    assert pagina.get_by_text("Acción agregada número 17 del compromiso 1.1").is_visible()
    clic(pagina.get_by_role("button", name="Crear el plan"))
    assert pagina.url == ciclo + "/trabajo/pal-2025-2027/"
    assert pagina.get_by_role("status").inner_text().startswith("Se creó el plan «PAL 2022-2024» desde «plan nuevo.xlsx»")


def test_crear_un_plan_vacio_a_mano(pagina, ciclo):
    entrar(pagina, ciclo, "facilitadora")
    pagina.goto(ciclo + "/trabajo/planes/nuevo/")
    pagina.locator("#id_nombre").fill("Plan de Acción Local 2025-2027")
    pagina.locator("#id_nombre_corto").fill("PAL 2025-2027")
    pagina.locator("#id_slug").fill("planes")
    pagina.locator("#id_entidad").fill("Guanajuato")
    pagina.locator("#id_anio_inicio").fill("2025")
    pagina.locator("#id_anio_fin").fill("2027")
    clic(pagina.get_by_role("button", name="Crear el plan"))
    assert "es una palabra reservada del portal" in pagina.locator("#id_slug_error").inner_text()
    pagina.locator("#id_slug").fill("pal-2025-2027")
    clic(pagina.get_by_role("button", name="Crear el plan"))
    assert pagina.url == ciclo + "/trabajo/pal-2025-2027/"
    assert pagina.get_by_role("heading", level=1).inner_text() == "Plan de Acción Local 2025-2027"


@pytest.mark.parametrize("cual", ["pagina", "pagina_movil"])
@pytest.mark.parametrize("ruta", ["/trabajo/planes/importar/", "/trabajo/planes/nuevo/"])
def test_las_paginas_de_planes_son_accesibles(request, ciclo, cual, ruta):
    pagina = request.getfixturevalue(cual)
    entrar(pagina, ciclo, "facilitadora")
    pagina.goto(ciclo + ruta)
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)
