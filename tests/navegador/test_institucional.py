"""El pie que enlaza «¿Qué es el STL?», el glosario, la accesibilidad y el aviso de privacidad,
recorrido en Chromium con el teclado. axe-core (1280 y 360 px) las revisa con las demás páginas
públicas en ``test_ciudadania.py``."""


def test_del_pie_a_cada_pagina(pagina, portal_lectura):
    pagina.goto(portal_lectura + "/")
    pie = pagina.get_by_role("navigation", name="Sobre el portal")
    for enlace, titulo in [
        ("¿Qué es el STL?", "¿Qué es el Secretariado Técnico Local?"),
        ("Glosario", "Glosario"),
        ("Accesibilidad", "Declaración de accesibilidad"),
        ("Aviso de privacidad", "Aviso de privacidad integral"),
    ]:
        pie.get_by_role("link", name=enlace).click()
        assert pagina.get_by_role("heading", level=1).inner_text() == titulo
        pie = pagina.get_by_role("navigation", name="Sobre el portal")
    # El de «¿Qué es el STL?» lleva al STL del plan vigente, con sus integrantes.
    pie.get_by_role("link", name="¿Qué es el STL?").focus()
    pagina.keyboard.press("Enter")
    pagina.wait_for_url("**/planes/pal-2022-2024/stl/")
    tabla = pagina.get_by_role("table", name="Integrantes del STL del PAL 2022-2024: institución u organización, titular y suplente")
    assert tabla.get_by_role("row").count() == 10  # encabezado y 9 integrantes
