"""Las dos cifras en Chromium: en la portada, la cifra oficial del Primer Informe Parcial en
grande, con su nombre, la cifra recalculada junto a ella y por qué difieren (los compromisos
que lo causan); «¿Cómo se calcula?» lo explica completo. WCAG 2.1 AA a 1280 y 360 px."""

import re

import pytest

from plan.models import Plan
from seguimiento.portal import estado_con_cifras
from seguimiento.templatetags.avance import pct
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PAL = "pal-2022-2024"


def _cifras():
    _estado, cifras = estado_con_cifras(Plan.objects.get(slug=PAL))
    return cifras


#: Escritorio (1280 px) y teléfono (360 px): los fixtures de tests/navegador/conftest.py.
VENTANAS = ["pagina", "pagina_movil"]


@pytest.mark.parametrize("ventana", VENTANAS)
def test_la_portada_encabeza_con_la_cifra_oficial_y_explica_la_recalculada(request, portal_lectura, ventana):
    cifras = _cifras()
    glob = cifras.plan
    assert glob.difiere and [c.clave for c in glob.causas] == ["1.5", "2.1", "5.1"]
    pagina = request.getfixturevalue(ventana)
    pagina.goto(portal_lectura + "/")
    bloque = pagina.locator(".global")
    assert bloque.locator(".cifra").inner_text() == pct(glob.oficial) == "42\u00a0%"
    assert bloque.locator(".cifra-etiqueta").inner_text().startswith("Cifra oficial del Primer Informe Parcial")
    assert bloque.locator(".cifra-otra").inner_text() == f"Cifra recalculada por el portal: {pct(glob.recalculada)}"
    razon = bloque.locator(".cifra-razon").inner_text()
    assert razon == glob.explicacion
    assert "compromisos 1.5, 2.1 y 5.1" in razon
    for elemento in (".cifra", ".cifra-etiqueta", ".cifra-otra", ".cifra-razon"):
        assert bloque.locator(elemento).is_visible()
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


@pytest.mark.parametrize("ventana", VENTANAS)
def test_como_se_calcula_explica_por_que_hay_dos_cifras(request, portal_lectura, ventana):
    pagina = request.getfixturevalue(ventana)
    pagina.goto(portal_lectura + "/")
    pagina.get_by_role("link", name=re.compile("por qué hay dos cifras")).click()
    assert pagina.url.endswith("/como-se-calcula/#dos-cifras")
    seccion = pagina.get_by_role("region", name="Dos cifras: la oficial y la recalculada")
    assert seccion.is_visible()
    filas = seccion.get_by_role("table").get_by_role("row")
    # Encabezado + una fila por cada elemento donde no coinciden (o el informe no publicó cifra).
    assert filas.count() == 1 + len(_cifras().distintas) == 9
    assert seccion.get_by_role("row", name=re.compile(r"^Compromiso 5\.1 42\s%\s46\s%")).is_visible()
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)
