"""Lo que hace la ciudadanía, en Chromium: recorrer el plan hasta una evidencia, en escritorio,
en un teléfono de 360 px, sin JavaScript e impreso; y la accesibilidad de cada tipo de página."""

import csv
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ayudas import PDF
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PAGINAS = {
    "portada": "/",
    "plan": "/planes/pal-2022-2024/",
    "eje": "/planes/pal-2022-2024/ejes/3/",
    "compromiso": "/planes/pal-2022-2024/compromisos/3.2/",
    "accion": "/planes/pal-2022-2024/acciones/3.2.1/",
    "calculo": "/planes/pal-2022-2024/como-se-calcula/",
    "datos": "/datos/",
    "plan-historico": "/planes/pal-2019-2021/",
    "compromiso-historico": "/planes/pal-2019-2021/compromisos/7.5/",
    "accion-historica": "/planes/pal-2019-2021/acciones/7.3.4/",
    "instituciones": "/instituciones/",
    "institucion": "/instituciones/7/",
    "ods": "/ods/",
    "buscar": "/buscar/?q=sentencias",
    "buscar-con-error": "/buscar/?eje=abc",
    "no-encontrada": "/planes/pal-2022-2024/compromisos/9.9/",
    # Procedencia: ficha completa y vacía, la historia de una acción con sus dos fechas, el informe.
    "ficha-completa": "/planes/pal-2019-2021/compromisos/5.1/",
    "ficha-vacia": "/planes/pal-2022-2024/compromisos/1.1/",
    "historia-de-una-accion": "/planes/pal-2022-2024/acciones/1.1.1/",
    "informe": "/informes/pal-2022-2024/1/v1/",
    # Lo que la ciudadanía espera encontrar (enlazado desde el pie).
    "stl": "/planes/pal-2022-2024/stl/",
    "stl-historico": "/planes/pal-2019-2021/stl/",
    "glosario": "/glosario/",
    "accesibilidad": "/accesibilidad/",
    "privacidad": "/privacidad/",
}


@pytest.fixture
def con_evidencias(portal, settings, tmp_path):
    from seguimiento.models import Avance, Evidencia

    settings.MEDIA_ROOT = tmp_path
    avance = Avance.objects.get(
        accion__compromiso__eje__plan__slug="pal-2022-2024",
        accion__compromiso__eje__numero=1,
        accion__compromiso__numero=5,
        accion__numero=1,
    )
    avance.narrativa = "Se impartieron tres talleres sobre la Plataforma Nacional de Transparencia."
    avance.save()
    Evidencia.objects.create(avance=avance, url="https://example.org/talleres", descripcion="Memoria de los talleres")
    Evidencia.objects.create(
        avance=avance, archivo=SimpleUploadedFile("lista de asistencia.pdf", PDF), descripcion="Lista de asistencia"
    )
    return portal


def test_de_la_portada_a_la_evidencia(pagina, con_evidencias):
    pagina.goto(con_evidencias + "/")
    assert pagina.get_by_role("heading", level=1).inner_text() == "Plan de Acción Local de Estado Abierto Guanajuato 2022-2024"
    assert "42" in pagina.locator(".global .cifra").first.inner_text()  # la cifra oficial del 1er Informe Parcial

    pagina.get_by_role("link", name="Eje 1. Gobierno Abierto").click()
    assert pagina.get_by_role("heading", level=1).inner_text() == "Eje 1. Gobierno Abierto"
    assert "51" in pagina.locator(".global .cifra").inner_text()  # cifra oficial del eje 1

    pagina.get_by_role("link", name=re.compile(r"^Compromiso 1\.5\. Sistema de vigilancia")).click()
    assert pagina.get_by_role("heading", level=1).inner_text().startswith("Compromiso 1.5.")
    # Un solo periodo publicado: la cifra de ese periodo, sin una gráfica de un punto.
    assert pagina.locator("p.cifra-periodo").inner_text() == (
        "Agosto–noviembre 2023, el único periodo publicado: 36\u00a0% de cifra recalculada (4 de 4 acciones con reporte)."
    )
    fila = pagina.get_by_role("row", name=re.compile(r"^1\.5\.1 "))
    assert "35" in fila.inner_text() and "Lista de asistencia" in fila.inner_text()

    pagina.get_by_role("link", name="1.5.1", exact=True).click()
    assert pagina.get_by_role("heading", level=1).inner_text() == "Acción 1.5.1"
    assert pagina.locator(".narrativa").get_by_text("Se impartieron tres talleres").is_visible()
    assert pagina.get_by_role("link", name="Memoria de los talleres").get_attribute("href") == "https://example.org/talleres"
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Lista de asistencia").click()
    archivo = descarga.value
    assert archivo.suggested_filename == "lista de asistencia.pdf"
    assert open(archivo.path(), "rb").read() == PDF

    # Y de ahí a la cuenta que produce la cifra.
    pagina.get_by_role("link", name=re.compile("¿Cómo se calcula?")).first.click()
    assert pagina.url.endswith("#c-1.5")
    assert pagina.locator("#c-1\\.5").get_by_text("145 ÷ 4 = 36.25").is_visible()


@pytest.mark.parametrize("nombre", list(PAGINAS))
def test_cada_tipo_de_pagina_cumple_wcag_21_aa(pagina, portal_lectura, nombre):
    pagina.goto(portal_lectura + PAGINAS[nombre])
    revisar_accesibilidad(pagina)


@pytest.mark.parametrize("nombre", list(PAGINAS))
def test_en_un_telefono_de_360_px_sin_desplazamiento_lateral(pagina_movil, portal_lectura, nombre):
    pagina_movil.goto(portal_lectura + PAGINAS[nombre])
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    revisar_accesibilidad(pagina_movil)


def test_sin_javascript_se_ve_todo(pagina_sin_js, portal_lectura):
    pagina_sin_js.goto(portal_lectura + PAGINAS["compromiso"])
    assert pagina_sin_js.get_by_role("row", name=re.compile(r"^3\.2\.1 ")).is_visible()
    assert pagina_sin_js.locator(".cifra-periodo").get_by_text("61\u00a0%").is_visible()


def test_al_imprimir_se_omiten_cabecera_y_enlaces_de_ayuda(pagina, portal_lectura):
    pagina.goto(portal_lectura + PAGINAS["compromiso"])
    pagina.emulate_media(media="print")
    assert not pagina.locator("header.cabecera").is_visible()
    assert not pagina.locator("a.como").first.is_visible()
    assert pagina.get_by_role("heading", level=1).is_visible()


def test_descarga_de_datos_abiertos(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    pagina.get_by_role("navigation", name="Secciones del portal").get_by_role("link", name="Datos abiertos").click()
    assert pagina.get_by_role("heading", level=1).inner_text() == "Datos abiertos"
    revisar_accesibilidad(pagina)
    fila = pagina.get_by_role("row", name=re.compile("Guanajuato 2022-2024"))
    with pagina.expect_download() as descarga:
        fila.get_by_role("link", name="Avances publicados (CSV)").click()
    archivo = descarga.value
    assert archivo.suggested_filename == "pal-2022-2024-avances.csv"
    with open(archivo.path(), encoding="utf-8-sig", newline="") as abierto:
        filas = list(csv.reader(abierto))
    assert filas[0][:3] == ["plan", "periodo", "periodo_nombre"]
    assert len(filas) == 34  # encabezado + 33 avances publicados
    assert any("En etapa de diseño de las mesas" in celda for fila in filas for celda in fila)


def test_buscar_y_filtrar(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    pagina.get_by_role("navigation", name="Secciones del portal").get_by_role("link", name="Buscar").click()
    pagina.get_by_label("Buscar").fill("sentencias")
    pagina.get_by_role("button", name="Buscar").click()
    assert pagina.get_by_role("heading", name="3 resultados").is_visible()  # 2 del PAL 2022-2024, 1 del 2019-2021
    assert "q=sentencias" in pagina.url
    # Filtrar por estado sin escribir texto: los concluidos del plan (los demás no tienen
    # fechas publicadas: «Sin calendario publicado»).
    pagina.get_by_label("Buscar").fill("")
    pagina.get_by_label("Plan").select_option(label="PAL 2022-2024")
    pagina.get_by_label("Estado").select_option(label="Concluido")
    pagina.get_by_role("button", name="Buscar").click()
    assert pagina.get_by_role("heading", name="3 resultados").is_visible()
    pagina.get_by_role("link", name=re.compile(r"^Compromiso 3\.3\.")).click()
    assert pagina.get_by_role("heading", level=1).inner_text().startswith("Compromiso 3.3.")
    assert "Concluido" in pagina.locator(".estado").inner_text()
