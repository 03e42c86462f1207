"""En Chromium: el PAL 2019-2021 concluido con sus últimos estatus, las fichas (completa y vacía),
la historia de una acción con sus dos fechas y la página del informe, sin violaciones de axe
(WCAG 2.1 AA) en escritorio (1280 px) y en un teléfono de 360 px sin desplazarse a los lados."""

import pytest

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PAGINAS = {
    "plan concluido": "/planes/pal-2019-2021/",
    "ficha completa": "/planes/pal-2019-2021/compromisos/5.1/",
    "ficha vacía": "/planes/pal-2022-2024/compromisos/1.1/",
    "historia de una acción": "/planes/pal-2022-2024/acciones/1.1.1/",
    "informe": "/informes/pal-2022-2024/1/v1/",
}


@pytest.mark.parametrize("ventana", ["pagina", "pagina_movil"], ids=["1280px", "360px"])
@pytest.mark.parametrize("ruta", PAGINAS.values(), ids=PAGINAS.keys())
def test_sin_violaciones_de_axe_ni_desplazamiento_lateral(request, portal_lectura, ventana, ruta):
    pagina = request.getfixturevalue(ventana)
    pagina.goto(portal_lectura + ruta)
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


def test_el_plan_concluido_pone_sus_ultimos_estatus_antes_de_las_cifras(pagina_movil, portal_lectura):
    pagina = pagina_movil
    pagina.goto(portal_lectura + "/planes/pal-2019-2021/")
    concluido = pagina.get_by_role("heading", level=2, name="Plan concluido")
    estatus = pagina.get_by_role("region", name="Últimos estatus publicados")
    cifras = pagina.get_by_role("heading", level=2, name="Avance global")
    assert concluido.is_visible() and estatus.is_visible()
    # En el teléfono, primero se lee que concluyó y qué se supo al final; luego las cifras.
    assert concluido.bounding_box()["y"] < estatus.bounding_box()["y"] < cifras.bounding_box()["y"]
    compromisos = estatus.get_by_role("heading", level=3)
    assert compromisos.all_inner_texts() == [
        "Compromiso 5.1. Puesta en marcha del Sistema Estatal de Transparencia Presupuestaria.",
        "Compromiso 7.4. Consulta pública sobre propuestas regulatorias como parte de su proceso de mejora.",
        "Compromiso 7.5. Comunicación con la ciudadanía Conéctate GTO. Implementación de sistema de contacto ciudadano.",
    ]
    compromisos.first.get_by_role("link").click()
    assert pagina.url.endswith("/planes/pal-2019-2021/compromisos/5.1/#titulo-estatus")
    assert pagina.get_by_role("heading", name="Estatus reportado por la institución").is_visible()
