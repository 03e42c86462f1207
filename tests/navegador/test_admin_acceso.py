"""La entrada a la oficina del STL (/admin/login/) en Chromium: accesible (WCAG 2.1 AA), usable
en un teléfono de 360 px y, con la cuenta correcta, lleva al panel del plan."""

from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

ENTRADA = "/admin/login/"


def test_la_entrada_cumple_wcag_21_aa(pagina, portal_lectura):
    pagina.goto(portal_lectura + ENTRADA)
    assert pagina.get_by_label("Nombre de usuario").is_visible()
    revisar_accesibilidad(pagina)


def test_la_entrada_en_un_telefono_de_360_px(pagina_movil, portal_lectura):
    pagina_movil.goto(portal_lectura + ENTRADA)
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    revisar_accesibilidad(pagina_movil)


def test_con_la_clave_equivocada_lo_dice_y_con_la_correcta_entra(pagina, live_server, superusuario):
    pagina.goto(live_server.url + ENTRADA)
    pagina.get_by_label("Nombre de usuario").fill(superusuario.username)
    pagina.get_by_label("Contraseña").fill("otra-clave")
    pagina.get_by_role("button", name="Identificarse").click()
    assert pagina.locator(".errornote").is_visible()
    assert "contraseña correctos" in pagina.locator(".errornote").inner_text()
    revisar_accesibilidad(pagina)  # también con el mensaje de error

    pagina.get_by_label("Contraseña").fill("clave-segura-123")
    pagina.get_by_role("button", name="Identificarse").click()
    assert pagina.url == live_server.url + "/admin/"
    assert pagina.get_by_role("heading", name="Administración del plan y su seguimiento").is_visible()
    assert pagina.get_by_role("link", name="Planes de acción local").is_visible()
