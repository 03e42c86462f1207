"""Una persona sigue un compromiso por correo, en Chromium, en escritorio (1280 px) y en un
teléfono (360 px): lo pide desde la página, confirma con el enlace del correo, recibe el aviso
de una publicación y se da de baja; las novedades en Atom se leen y la cifra se muestra en una
página HTML cualquiera. axe-core revisa cada página nueva."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from seguimiento import flujo
from tests.ayudas import abrir_diciembre_2023, avance_validado, enlace_en
from tests.navegador import chromium
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

COMPROMISO = "/planes/pal-2022-2024/compromisos/4.1/"

VENTANAS = {
    "escritorio": {"viewport": chromium.VENTANA_ESCRITORIO},
    "telefono": {"viewport": chromium.VENTANA_MOVIL, "is_mobile": True, "has_touch": True},
}


def _revisar(pagina):
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


def _ruta(correo, ruta):
    return urlsplit(enlace_en(correo.body, ruta)).path


@pytest.mark.parametrize("ventana", list(VENTANAS))
def test_seguir_un_compromiso_confirmar_recibir_el_aviso_y_darse_de_baja(
    nueva_pagina, portal, pal_vivo, django_user_model, mailoutbox, ventana
):
    pagina = nueva_pagina(**VENTANAS[ventana])
    pagina.goto(portal + COMPROMISO)
    seguir = pagina.get_by_role("region", name="Seguir este compromiso")
    clic(seguir.get_by_role("link", name="Recibir un aviso por correo"))
    assert pagina.get_by_role("heading", level=1).inner_text().startswith("Seguir el compromiso 4.1.")
    _revisar(pagina)

    pagina.get_by_label("Su correo electrónico").fill("no-es-correo")
    clic(pagina.get_by_role("button", name="Seguir por correo"))
    assert pagina.get_by_role("alert").inner_text().startswith("Escriba una dirección de correo válida")
    _revisar(pagina)
    pagina.get_by_label("Su correo electrónico").fill("ana@example.org")
    clic(pagina.get_by_role("button", name="Seguir por correo"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Revise su correo"
    _revisar(pagina)

    # El enlace del correo (el backend de pruebas los guarda en memoria, como la consola).
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    pagina.goto(portal + _ruta(mailoutbox[0], "/suscripciones/confirmar/"))
    assert "Transparencia, Datos Personales y Estado Abierto" in pagina.get_by_role("main").inner_text()
    _revisar(pagina)
    clic(pagina.get_by_role("button", name="Confirmar"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Suscripción confirmada"
    _revisar(pagina)

    # El STL publica un periodo con un avance del compromiso: llega un aviso con su baja.
    stl = django_user_model.objects.create_superuser("stl-seguir", "stl@example.org", "clave-segura-123")
    periodo = abrir_diciembre_2023(pal_vivo, stl)
    avance_validado(periodo, "4.1.1", responsable=stl, revisora=stl, porcentaje="60")
    flujo.publicar_periodo(periodo=periodo, usuario=stl)
    assert [m.to for m in mailoutbox] == [["ana@example.org"], ["ana@example.org"]]
    aviso = mailoutbox[1]
    assert "42\u00a0%" in aviso.body

    pagina.goto(portal + _ruta(aviso, "/suscripciones/baja/"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Dejar de recibir avisos"
    _revisar(pagina)
    clic(pagina.get_by_role("button", name="Darme de baja"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Ya no recibirá avisos"
    _revisar(pagina)

    clic(pagina.get_by_role("link", name="Borrar todos los datos de su dirección"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Borrar mis datos"
    _revisar(pagina)

    pagina.goto(portal + "/suscripciones/confirmar/enlace-alterado/")
    assert pagina.get_by_role("heading", level=1).inner_text() == "Enlace no válido"
    _revisar(pagina)


@pytest.mark.parametrize("ventana", list(VENTANAS))
def test_insertar_la_cifra_y_leer_las_novedades(nueva_pagina, portal_lectura, ventana):
    pagina = nueva_pagina(**VENTANAS[ventana])
    pagina.goto(portal_lectura + COMPROMISO)
    clic(pagina.get_by_role("link", name="Insertar la cifra en otro sitio"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Insertar la cifra en otro sitio"
    _revisar(pagina)
    codigo = pagina.get_by_label("Código para copiar en su página (HTML)").input_value()
    assert codigo.startswith(f'<a href="{portal_lectura}{COMPROMISO}"><img src="{portal_lectura}{COMPROMISO}widget.svg"')

    # El código pegado en una página cualquiera, de otro origen: la imagen carga y enlaza al portal.
    pagina.set_content(f"<!doctype html><html lang='es'><title>Sitio de una institución</title><body>{codigo}</body></html>")
    imagen = pagina.get_by_role("img")
    imagen.wait_for()
    pagina.wait_for_function("() => document.images[0].complete")
    assert imagen.evaluate("i => i.naturalWidth") == 320
    assert imagen.get_attribute("alt").startswith("Compromiso 4.1. Transparencia, Datos Personales y Estado Abierto (PAL 2022-2024): 33\u00a0%, cifra oficial del Primer Informe Parcial")
    clic(pagina.get_by_role("link"))
    assert pagina.url == portal_lectura + COMPROMISO

    # Las novedades que anuncia la página se leen como Atom.
    atom = pagina.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    respuesta = pagina.request.get(portal_lectura + atom)
    assert respuesta.ok and respuesta.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(respuesta.body())
    titulos = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Avances publicados: Agosto–noviembre 2023" in titulos
