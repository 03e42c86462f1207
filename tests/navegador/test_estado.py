"""El estado y el cumplimiento OGP de un compromiso en Chromium: la página del compromiso y
«¿Cómo se calcula?» con la escala, accesibles (WCAG 2.1 AA con axe-core) a 1280 y a 360 px."""

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PAL = "/planes/pal-2022-2024"


@pytest.fixture(params=["escritorio", "movil"])
def ventana(request, pagina, pagina_movil):
    return pagina if request.param == "escritorio" else pagina_movil


def test_compromiso_con_su_nivel_ogp_y_su_estado_sin_fechas(ventana, portal_lectura):
    ventana.goto(portal_lectura + PAL + "/compromisos/7.1/")
    panel = ventana.locator(".global")
    assert panel.locator(".cumplimiento").inner_text() == (
        "Cumplimiento (escala OGP): Sustancial. Cifra recalculada de 56 %: de 50 % a menos de 100 %, sustancial."
    )
    assert " ".join(panel.locator(".estado").inner_text().split()) == "Estado: Sin calendario publicado"
    assert "Fechas supuestas: el 1 de enero de 2022" in panel.inner_text()
    # El rótulo del nivel lleva a la regla de la escala.
    panel.get_by_role("link", name="Cumplimiento (escala OGP):").click()
    assert ventana.url.endswith("/como-se-calcula/#cumplimiento")
    assert ventana.get_by_role("heading", name="Cumplimiento en la escala de la OGP").is_visible()
    ventana.goto(portal_lectura + PAL + "/compromisos/7.1/")
    revisar_sin_desplazamiento_horizontal(ventana)
    revisar_accesibilidad(ventana)


def test_como_se_calcula_muestra_la_escala_ogp(ventana, portal_lectura):
    ventana.goto(portal_lectura + PAL + "/como-se-calcula/")
    seccion = ventana.get_by_role("region", name="Cumplimiento en la escala de la OGP")
    tabla = seccion.get_by_role("table")
    filas = [fila.inner_text().split("\t") for fila in tabla.locator("tbody tr").all()]
    assert [(f[1], f[2], f[3]) for f in filas] == [
        ("Sin evidencia", "No Evidence Available", "0"),
        ("No iniciado", "Not Started", "1"),
        ("Limitado", "Limited", "7"),
        ("Sustancial", "Substantial", "2"),
        ("Completo", "Complete", "3"),
    ]
    assert "5 de 13 compromisos" in seccion.inner_text()
    estado = ventana.get_by_role("region", name="Estado de cada compromiso: en tiempo, en riesgo o con retraso")
    assert "Sin calendario publicado (no se evalúa)" in estado.get_by_role("table").inner_text()
    revisar_sin_desplazamiento_horizontal(ventana)
    revisar_accesibilidad(ventana)
