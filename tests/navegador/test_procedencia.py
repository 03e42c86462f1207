"""En Chromium: el PAL 2019-2021 concluido con sus últimos estatus antes de las cifras. axe-core
(1280 y 360 px) revisa sus páginas (fichas, historia de una acción, informe) con las demás
páginas públicas en ``test_ciudadania.py``."""


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
