"""El retiro en Chromium: la facilitadora cancela la acción 1.5.3 desde su formulario (sin
JavaScript también) y la ciudadanía la ve retirada en el compromiso 1.5; el formulario y la
página pública, accesibles (WCAG 2.1 AA con axe-core) a 1280 y a 360 px, sin desplazamiento
horizontal. Capturas de pantalla en ``tmp_path`` para revisarlas a ojo."""

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

RETIRAR = "/trabajo/pal-2022-2024/estructura/acciones/1.5.3/retirar/"
COMPROMISO = "/planes/pal-2022-2024/compromisos/1.5/"


@pytest.fixture(params=["escritorio", "movil"])
def ventana(request, pagina, pagina_movil):
    return pagina if request.param == "escritorio" else pagina_movil


def test_retirar_una_accion_y_verla_retirada_en_el_portal(ventana, ciclo, tmp_path):
    entrar(ventana, ciclo, "facilitadora")
    ventana.goto(ciclo + RETIRAR)
    assert ventana.get_by_role("heading", name="Retirar la acción 1.5.3").is_visible()
    revisar_sin_desplazamiento_horizontal(ventana)
    revisar_accesibilidad(ventana)
    ventana.screenshot(path=str(tmp_path / "formulario.png"), full_page=True)

    # Primero sin motivo: el error aparece junto al campo y no se guarda nada.
    ventana.get_by_label("Cancelada").check()
    clic(ventana.get_by_role("button", name="Retirar"))
    assert ventana.title().startswith("Error: ")
    assert "Escriba el motivo del retiro" in ventana.locator(".campo--error").inner_text()
    revisar_accesibilidad(ventana)

    ventana.get_by_label("Motivo").fill("Acuerdo de la Primera Sesión Ordinaria 2024")
    ventana.get_by_label("Fecha del retiro").fill("2024-03-03")
    clic(ventana.get_by_role("button", name="Retirar"))
    assert "Se retiró la acción 1.5.3" in ventana.locator(".mensajes").inner_text()
    assert "La acción 1.5.3 está retirada: cancelada, el 3 de marzo de 2024." in ventana.locator(".retiro").inner_text()
    ventana.screenshot(path=str(tmp_path / "retirar.png"), full_page=True)

    ventana.goto(ciclo + COMPROMISO)
    fila = ventana.locator("tr.fila-retirada")
    assert "Cancelada el 3 de marzo de 2024 — Acuerdo de la Primera Sesión Ordinaria 2024" in fila.inner_text()
    assert "último publicado; no cuenta" in fila.inner_text()
    assert ventana.locator(".global .cifra-otra").inner_text() == "Cifra recalculada por el portal: 15\u00a0%"
    ventana.screenshot(path=str(tmp_path / "compromiso.png"), full_page=True)
    revisar_sin_desplazamiento_horizontal(ventana)
    revisar_accesibilidad(ventana)


def test_retirar_sin_javascript(pagina_sin_js, ciclo):
    entrar(pagina_sin_js, ciclo, "facilitadora")
    pagina_sin_js.goto(ciclo + "/trabajo/pal-2022-2024/estructura/compromisos/1.2/retirar/")
    pagina_sin_js.get_by_label("Cancelada").check()
    pagina_sin_js.get_by_label("Motivo").fill("El programa no se realizará")
    clic(pagina_sin_js.get_by_role("button", name="Retirar"))
    assert "Se retiró el compromiso 1.2" in pagina_sin_js.locator(".mensajes").inner_text()
    pagina_sin_js.goto(ciclo + "/planes/pal-2022-2024/ejes/1/")
    assert "Cancelado el" in pagina_sin_js.locator(".tarjeta--retirada").inner_text()
