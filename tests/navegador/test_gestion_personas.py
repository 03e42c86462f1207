"""Personas y cuentas en Chromium: la facilitadora invita a una responsable del IACIP; la
responsable abre el enlace del correo en su propio navegador, elige su contraseña, llega al plan
y ve solo las acciones del IACIP. Las páginas, accesibles (WCAG 2.1 AA) a 1280 y a 360 px."""

from urllib.parse import urlsplit

import pytest

from tests.ayudas import enlace_en
from tests.navegador import chromium
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PERSONAS = "/trabajo/pal-2022-2024/personas/"
VENTANAS = {
    "escritorio": {"viewport": chromium.VENTANA_ESCRITORIO},
    "telefono": {"viewport": chromium.VENTANA_MOVIL, "is_mobile": True, "has_touch": True},
}


def _revisar(pagina):
    revisar_sin_desplazamiento_horizontal(pagina)
    revisar_accesibilidad(pagina)


@pytest.mark.parametrize("ventana", list(VENTANAS))
def test_invitar_a_una_responsable_que_elige_su_contrasena_y_ve_sus_acciones(nueva_pagina, ciclo, mailoutbox, ventana):
    facilitadora = nueva_pagina(**VENTANAS[ventana])
    entrar(facilitadora, ciclo, "facilitadora")
    clic(facilitadora.get_by_role("link", name="Personas y cuentas"))
    assert facilitadora.url == ciclo + PERSONAS
    _revisar(facilitadora)
    clic(facilitadora.get_by_role("link", name="Invitar a una persona"))
    _revisar(facilitadora)
    facilitadora.get_by_label("Nombre completo").fill("Ana López")
    facilitadora.get_by_label("Correo electrónico").fill("ana.lopez@iacip-gto.org.mx")
    facilitadora.get_by_label("Papel").select_option(label="Responsable o enlace de una institución")
    clic(facilitadora.get_by_role("button", name="Enviar la invitación"))
    assert "No se guardó nada" in facilitadora.get_by_role("alert").inner_text()
    assert "Elija la institución de la que será responsable." in facilitadora.locator(".campo--error").inner_text()
    _revisar(facilitadora)
    facilitadora.get_by_label("Institución:", exact=True).select_option(
        label="Instituto de Acceso a la Información Pública para el Estado de Guanajuato (IACIP)"
    )
    clic(facilitadora.get_by_role("button", name="Enviar la invitación"))
    assert "Invitación enviada a ana.lopez@iacip-gto.org.mx" in facilitadora.get_by_role("status").inner_text()
    assert "ana.lopez@iacip-gto.org.mx" in facilitadora.get_by_role("region", name="Invitaciones pendientes").inner_text()
    _revisar(facilitadora)

    [correo] = mailoutbox
    ruta = urlsplit(enlace_en(correo.body, "/cuentas/invitacion/")).path
    responsable = nueva_pagina(**VENTANAS[ventana])  # otra persona, otro navegador
    responsable.goto(ciclo + ruta)
    assert responsable.get_by_role("heading", level=1).inner_text() == "Elija su contraseña"
    _revisar(responsable)
    responsable.get_by_label("Contraseña nueva:", exact=True).fill("girasol-de-obsidiana-42")
    responsable.get_by_label("Confirmación de contraseña nueva").fill("girasol-de-obsidiana-42")
    clic(responsable.get_by_role("button", name="Guardar la contraseña y entrar"))
    assert responsable.url == ciclo + "/trabajo/pal-2022-2024/"
    acciones = responsable.get_by_role("region", name="Acciones de IACIP").inner_text()
    assert "4.1.1" in acciones and "7.1.1" in acciones and "3.1.1" not in acciones

    responsable.goto(ciclo + ruta)  # el enlace ya no sirve
    assert responsable.get_by_role("heading", level=1).inner_text() == "Este enlace de invitación ya no sirve"
    _revisar(responsable)
