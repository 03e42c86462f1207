"""Gestos de una persona en Chromium, comunes a las pruebas de navegador."""

from tests.ayudas import CLAVE


def clic(localizador):
    """Clic que lleva a otra página, y espera a que cargue entera (con su hoja de estilos)."""
    localizador.click()
    localizador.page.wait_for_load_state("load")


def entrar(pagina, portal, usuario, *, clave=CLAVE, destino="/trabajo/pal-2022-2024/"):
    """Entra por el formulario de acceso, como una persona, y comprueba a dónde llegó."""
    pagina.goto(portal + "/cuentas/entrar/")
    pagina.get_by_label("Nombre de usuario").fill(usuario)
    pagina.get_by_label("Contraseña").fill(clave)
    clic(pagina.get_by_role("button", name="Entrar"))
    assert pagina.url == portal + destino, pagina.url
