"""La portada y la página de cada plan en Chromium: lo que muestra, su accesibilidad (WCAG 2.1
AA con axe-core) en escritorio y en un teléfono de 360 px, sin JavaScript, con el teclado y
al imprimir. Prueban también la infraestructura de tests/navegador/ (estilos servidos por el
servidor en vivo, huella de la base compartida)."""

import re

import pytest

from plan.models import Plan
from seguimiento.portal import estado_con_cifras
from seguimiento.templatetags.avance import pct
from tests.navegador.axe import revisar_accesibilidad, violaciones
from tests.navegador.paginas import hojas_de_estilo_sin_cargar, revisar_sin_desplazamiento_horizontal

PAL = "pal-2022-2024"
HISTORICO = "pal-2019-2021"


def _resultado(slug):
    plan = Plan.objects.get(slug=slug)
    estado, cifras = estado_con_cifras(plan)
    return plan, estado.resultado, cifras


def test_la_portada_muestra_el_plan_vigente_su_avance_global_y_sus_ejes(pagina, portal_lectura):
    plan, resultado, cifras = _resultado(PAL)
    pagina.goto(portal_lectura + "/")

    assert pagina.title() == f"{plan.nombre} · Estado Abierto"
    assert pagina.get_by_role("heading", level=1).inner_text() == plan.nombre
    glob = pagina.locator(".global")
    assert glob.get_by_role("heading", level=2, name="Avance global").is_visible()
    # La cifra grande es la principal: la oficial del informe del periodo, si la hay.
    assert glob.locator(".cifra").inner_text() == pct(cifras.plan.principal)
    assert resultado.avance is not None and resultado.avance > 0

    tarjetas = pagina.get_by_role("region", name="Avance por eje").get_by_role("listitem")
    assert tarjetas.count() == len(resultado.ejes) == plan.ejes.count() > 0
    for tarjeta, eje in zip(tarjetas.all(), resultado.ejes):
        enlace = tarjeta.get_by_role("heading", level=3).get_by_role("link")
        assert enlace.inner_text() == f"Eje {eje.clave}. {eje.nombre}"
        assert enlace.get_attribute("href") == f"/planes/{PAL}/ejes/{eje.numero}/"
        dos = cifras.de(eje)
        assert tarjeta.locator(".cifra").inner_text() == ("No calculable" if eje.error and not dos.hay_oficial else pct(dos.principal))
        assert tarjeta.is_visible()


def test_la_hoja_de_estilos_llega_y_se_aplica(pagina, portal_lectura):
    with pagina.expect_response(re.compile(r"/static/css/estado-abierto(\.[0-9a-f]+)?\.css$")) as llegada:
        pagina.goto(portal_lectura + "/")
    respuesta = llegada.value
    assert respuesta.status == 200
    assert respuesta.headers["content-type"].startswith("text/css")
    assert hojas_de_estilo_sin_cargar(pagina) == []
    # Sin la hoja, la cabecera no tendría fondo y las tarjetas de los ejes irían una bajo otra.
    assert pagina.locator("header.cabecera").evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    cajas = [t.bounding_box() for t in pagina.locator("ul.ejes > li").all()]
    assert len({round(c["y"]) for c in cajas}) < len(cajas), "las tarjetas de los ejes no forman una cuadrícula"


def test_la_portada_cumple_wcag_21_aa_en_escritorio(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    revisar_accesibilidad(pagina)


def test_en_un_telefono_de_360_px_se_lee_sin_desplazarse_a_los_lados(pagina_movil, portal_lectura):
    pagina_movil.goto(portal_lectura + "/")
    assert pagina_movil.evaluate("document.documentElement.clientWidth") == 360
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    # Las tarjetas de los ejes quedan en una sola columna, cada una dentro de la pantalla.
    for tarjeta in pagina_movil.locator("ul.ejes > li").all():
        caja = tarjeta.bounding_box()
        assert caja["x"] >= 0 and caja["x"] + caja["width"] <= 360
    revisar_accesibilidad(pagina_movil)


def test_sin_javascript_la_portada_dice_lo_mismo(pagina, pagina_sin_js, portal_lectura):
    plan = Plan.objects.get(slug=PAL)
    pagina.goto(portal_lectura + "/")
    pagina_sin_js.goto(portal_lectura + "/")
    assert pagina_sin_js.get_by_role("heading", level=1).inner_text() == plan.nombre
    assert pagina_sin_js.get_by_role("heading", name="Avance global").is_visible()
    assert pagina_sin_js.locator("main").inner_text() == pagina.locator("main").inner_text()
    assert pagina_sin_js.locator("ul.ejes > li").count() == plan.ejes.count()


def test_pagina_sin_js_no_ejecuta_scripts(pagina, pagina_sin_js):
    """El fixture de verdad apaga JavaScript (y el de escritorio no)."""
    for p in (pagina, pagina_sin_js):
        p.set_content("<title>sin script</title><script>document.title = 'con script'</script>")
    assert pagina.title() == "con script"
    assert pagina_sin_js.title() == "sin script"


def test_con_el_teclado_el_primer_tabulador_lleva_al_contenido(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    pagina.keyboard.press("Tab")
    enfocado = pagina.locator(":focus")
    assert enfocado.inner_text() == "Saltar al contenido"
    caja = enfocado.bounding_box()
    assert caja["x"] >= 0 and caja["y"] >= 0, "el enlace para saltar al contenido no se ve al enfocarlo"
    pagina.keyboard.press("Enter")
    assert pagina.url.endswith("/#contenido")


def test_al_imprimir_se_omiten_cabecera_y_pie(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    cabecera, pie = pagina.locator("header.cabecera"), pagina.locator("footer.pie")
    assert cabecera.is_visible() and pie.is_visible()
    pagina.emulate_media(media="print")
    assert not cabecera.is_visible()
    assert not pie.is_visible()
    assert pagina.get_by_role("heading", level=1).is_visible()
    assert pagina.get_by_role("heading", name="Avance global").is_visible()
    assert pagina.locator("ul.ejes > li").first.is_visible()


def test_de_la_portada_al_plan_historico_y_de_vuelta(pagina, portal_lectura):
    vigente, historico = Plan.objects.get(slug=PAL), Plan.objects.get(slug=HISTORICO)
    pagina.goto(portal_lectura + "/")
    planes = pagina.get_by_role("navigation", name="Planes de acción")
    assert planes.locator("[aria-current=page]").inner_text() == str(vigente)

    planes.get_by_role("link", name=str(historico)).click()
    assert pagina.url == f"{portal_lectura}/planes/{HISTORICO}/"
    assert pagina.get_by_role("heading", level=1).inner_text() == historico.nombre
    assert pagina.get_by_role("navigation", name="Planes de acción").locator("[aria-current=page]").inner_text() == str(
        historico
    )
    assert pagina.locator("ul.ejes > li").count() == historico.ejes.count() > 0
    revisar_accesibilidad(pagina)

    pagina.get_by_role("navigation", name="Planes de acción").get_by_role("link", name=str(vigente)).click()
    assert pagina.url == f"{portal_lectura}/planes/{PAL}/"
    assert pagina.get_by_role("heading", level=1).inner_text() == vigente.nombre


def test_axe_detecta_una_violacion_si_la_hay(pagina, portal_lectura):
    """La revisión no es de adorno: una imagen sin texto alternativo en la portada la hace fallar."""
    pagina.goto(portal_lectura + "/")
    pagina.evaluate(
        """() => { const img = document.createElement('img'); img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                   img.id = 'sin-alt'; document.querySelector('main').append(img); }"""
    )
    encontradas = violaciones(pagina)
    assert [v["id"] for v in encontradas] == ["image-alt"]
    with pytest.raises(AssertionError, match=r"image-alt \(impacto critical; 1 elemento\(s\)\)[\s\S]*#sin-alt"):
        revisar_accesibilidad(pagina)
