"""Una ciudadana recorre el portal de punta a punta, en Chromium, como lo pide el issue 12:
la cifra oficial de la portada con su explicación → la evidencia de un compromiso en su tabla →
la escala OGP y su regla → seguir el compromiso (con el enlace de confirmación del correo) →
sus novedades en Atom → la cifra insertada en una página HTML cualquiera. Cada paso, con los
planes tal como los carga ``preparar``; axe-core revisa cada página."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

from tests.ayudas import enlace_en
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

ATOM = "{http://www.w3.org/2005/Atom}"


def _revisar(pagina):
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


def test_de_la_cifra_oficial_a_seguir_el_compromiso_y_llevarse_su_cifra(pagina, portal, mailoutbox):
    # 1. La portada encabeza con la cifra oficial, con el nombre de su informe, y explica por
    #    qué la recalculada es otra, nombrando los compromisos que lo causan.
    pagina.goto(portal + "/")
    encabezado = pagina.locator(".global").first
    texto = " ".join(encabezado.inner_text().split())
    assert texto.startswith("Avance global 42 % Cifra oficial del Primer Informe Parcial")
    assert "Cifra recalculada por el portal: 45 %" in texto
    assert "La diferencia viene de los compromisos 1.5, 2.1 y 5.1" in texto
    _revisar(pagina)

    # 2. Del eje 1 al compromiso 1.5: la evidencia que imprimió el informe, en su tabla.
    clic(pagina.get_by_role("link", name="Eje 1. Gobierno Abierto"))
    clic(pagina.get_by_role("link", name=re.compile(r"^Compromiso 1\.5\. Sistema de vigilancia")))
    fila = pagina.get_by_role("row", name=re.compile(r"^Evidencias del compromiso 1\.5 en Agosto–noviembre 2023"))
    assert "Aproximadamente 129 beneficiarios directos e indirectos" in fila.inner_text()
    _revisar(pagina)

    # 3. Su nivel en la escala OGP, junto a la cifra, lleva a la regla.
    panel = pagina.locator(".global")
    assert "Cumplimiento (escala OGP): Limitado." in panel.inner_text()
    clic(panel.get_by_role("link", name="Cumplimiento (escala OGP):"))
    regla = pagina.get_by_role("region", name="Cumplimiento en la escala de la OGP")
    assert "Sustancial" in regla.inner_text() and "Completo" in regla.inner_text()
    _revisar(pagina)
    pagina.go_back()
    pagina.wait_for_load_state("load")

    # 4. Lo sigue por correo y confirma con el enlace que le llega.
    compromiso = urlsplit(pagina.url).path
    seguir = pagina.get_by_role("region", name="Seguir este compromiso")
    clic(seguir.get_by_role("link", name="Recibir un aviso por correo"))
    pagina.get_by_label("Su correo electrónico").fill("lucia@example.org")
    clic(pagina.get_by_role("button", name="Seguir por correo"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Revise su correo"
    (confirmacion,) = mailoutbox
    pagina.goto(portal + urlsplit(enlace_en(confirmacion.body, "/suscripciones/confirmar/")).path)
    clic(pagina.get_by_role("button", name="Confirmar"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Suscripción confirmada"
    _revisar(pagina)

    # 5. Sus novedades en Atom: la página las anuncia y el feed se lee.
    pagina.goto(portal + compromiso)
    atom = pagina.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    respuesta = pagina.request.get(portal + urlsplit(atom).path)
    assert respuesta.ok and respuesta.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(respuesta.body())
    assert feed.findtext(f"{ATOM}title").startswith("Novedades del compromiso 1.5.")
    assert feed.findall(f"{ATOM}entry")

    # 6. La cifra, insertada en el sitio de una institución: una página HTML cualquiera.
    clic(pagina.get_by_role("link", name="Insertar la cifra en otro sitio"))
    codigo = pagina.get_by_role("textbox").first.input_value()
    assert "widget.svg" in codigo and compromiso in codigo
    pagina.set_content(f'<!doctype html><html lang="es"><title>Sitio de una institución</title><body>{codigo}</body></html>')
    imagen = pagina.locator("img")
    imagen.wait_for()
    pagina.wait_for_function("document.images[0].complete")
    assert imagen.evaluate("img => img.naturalWidth") > 0
    assert imagen.get_attribute("alt")
