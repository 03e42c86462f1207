"""Las ayudas de tests/navegador/ detectan lo que dicen detectar: sin esto, una revisión que no
revisa nada pasaría igual."""

import pytest

from tests.navegador import chromium
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import (
    hojas_de_estilo_sin_cargar,
    olvidar_problemas_de_carga,
    problemas_de_carga,
    revisar_sin_desplazamiento_horizontal,
)


def test_sin_chromium_falla_en_ci_y_se_omite_fuera(tmp_path):
    inexistente = str(tmp_path / "no-hay-chromium")
    with pytest.raises(pytest.fail.Exception, match="No se encontró Chromium .*CI está definida"):
        chromium.exigir_chromium(inexistente, en_ci=True)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium.exigir_chromium(inexistente, en_ci=False)


@pytest.mark.parametrize(
    ("valor", "en_ci"), [("true", True), ("1", True), ("yes", True), ("", False), ("0", False), ("false", False)]
)
def test_variable_ci(monkeypatch, valor, en_ci):
    monkeypatch.setenv("CI", valor)
    assert chromium.en_integracion_continua() is en_ci


def test_detecta_la_hoja_de_estilos_que_no_carga(pagina, portal_lectura):
    pagina.route("**/*.css", lambda ruta: ruta.fulfill(status=404, body="no está"))
    pagina.goto(portal_lectura + "/")
    sin_cargar = hojas_de_estilo_sin_cargar(pagina)
    assert any("/static/css/estado-abierto" in hoja for hoja in sin_cargar), sin_cargar
    assert any("stylesheet" in p and "respondió 404" in p for p in problemas_de_carga(pagina))
    with pytest.raises(AssertionError, match="no cargaron las hojas de estilo"):
        revisar_accesibilidad(pagina)
    # Esta prueba provoca el 404 a propósito: se olvida para que el fixture no la repruebe.
    olvidar_problemas_de_carga(pagina)


def test_detecta_lo_que_obliga_a_desplazarse_a_los_lados(pagina_movil, portal_lectura):
    pagina_movil.goto(portal_lectura + "/")
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    pagina_movil.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'ancho'; d.style.width = '500px';"
        " d.textContent = 'x'; document.querySelector('main').append(d); }"
    )
    with pytest.raises(AssertionError, match=r"mide 5\d\d px en una ventana de 360 px\. Sobresalen: div#ancho"):
        revisar_sin_desplazamiento_horizontal(pagina_movil)
