"""El historial del plan en Chromium, con los datos reales de ``preparar``: la integrante llega
desde su trabajo, lee quién cambió qué (antes → después) en escritorio y en 360 px, filtra sin
JavaScript y abre el texto completo de una descripción larga."""

import os
import re
from decimal import Decimal

import pytest

from tests.ayudas import accion
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

HISTORIAL = "/trabajo/pal-2022-2024/historial/"


@pytest.fixture
def con_cambios(ciclo, pal_vivo, django_user_model):
    """Dos cambios de la facilitadora: el peso de la acción 1.5.3 (con motivo) y su descripción."""
    facilitadora = django_user_model.objects.get(username="facilitadora")
    a = accion(pal_vivo, "1.5.3")
    a.peso = Decimal("2")
    a._history_user, a._change_reason = facilitadora, "Pesa el doble: es el entregable principal"
    a.save()
    a.descripcion = a.descripcion + ". " + "Con los indicadores publicados cada bimestre en el portal del STL. " * 3
    a._change_reason = ""
    a.save()
    return ciclo


def _fila_del_peso(pagina):
    return pagina.get_by_role("row", name=re.compile(r"Acción 1\.5\.3")).filter(has_text="Peso")


@pytest.mark.parametrize("cual", ["pagina", "pagina_movil"])
def test_la_integrante_lee_el_historial(request, con_cambios, cual):
    pagina = request.getfixturevalue(cual)
    entrar(pagina, con_cambios, "integrante")
    clic(pagina.get_by_role("link", name="Historial de cambios del plan"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Historial de cambios"
    fila = _fila_del_peso(pagina)
    texto = fila.inner_text()
    assert "Facilitadora" in texto and "Cambiado" in texto
    assert "Peso: 1 → 2" in texto and "Motivo: Pesa el doble" in texto
    assert "carga inicial" in pagina.locator("tbody").inner_text().lower()
    # El texto largo, recortado; el completo, al abrir su <details>.
    descripcion = pagina.get_by_role("row", name=re.compile(r"Acción 1\.5\.3")).filter(has_text="Ver el texto completo")
    descripcion.get_by_text("Ver el texto completo").first.click()
    assert descripcion.get_by_text(re.compile("cada bimestre en el portal del STL")).first.is_visible()
    for nada_de_programador in ("None", "True", "retiro_destino", "history_"):
        assert nada_de_programador not in pagina.locator("main").inner_text()
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)
    carpeta = os.environ.get("CAPTURAS_HISTORIAL")
    if carpeta:
        ancho = pagina.viewport_size["width"]
        for n in range(3):
            pagina.screenshot(
                path=f"{carpeta}/historial-{cual}-{n}.png", full_page=True,
                clip={"x": 0, "y": n * 1200, "width": ancho, "height": 1200},
            )


def test_filtrar_sin_javascript(pagina_sin_js, con_cambios):
    entrar(pagina_sin_js, con_cambios, "facilitadora")
    pagina_sin_js.goto(con_cambios + HISTORIAL)
    pagina_sin_js.get_by_text("Tipo de elemento: todos").click()  # un <details>: abre sin JavaScript
    pagina_sin_js.get_by_label("Acciones", exact=True).check()
    pagina_sin_js.get_by_role("textbox", name=re.compile("^Clave")).fill("1.5.3")
    clic(pagina_sin_js.get_by_role("button", name="Filtrar"))
    assert "tipo=accion" in pagina_sin_js.url
    filas = pagina_sin_js.locator("tbody tr")
    assert filas.count() == 3  # dos cambios y la carga inicial
    assert "3 cambios" in pagina_sin_js.get_by_role("table").locator("caption").inner_text()
