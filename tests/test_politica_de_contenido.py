"""Encabezados de seguridad de cada respuesta: Content-Security-Policy estricta en las páginas
(el sitio no usa JavaScript), la del admin con sus propios scripts, Permissions-Policy sin
sensores ni dispositivos, y los archivos sin política de página."""

import pytest

pytestmark = pytest.mark.django_db

ESTRICTA = {
    "default-src 'none'", "script-src 'none'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
}


def _directivas(respuesta) -> set[str]:
    return {d.strip() for d in respuesta["Content-Security-Policy"].split(";") if d.strip()}


@pytest.mark.parametrize(
    "ruta", ["/", "/planes/pal-2022-2024/", "/planes/pal-2022-2024/compromisos/1.5/", "/cuentas/entrar/", "/datos/"]
)
def test_cada_pagina_lleva_una_politica_estricta_sin_scripts(client, pal, ruta):
    respuesta = client.get(ruta)
    assert respuesta.status_code == 200
    assert _directivas(respuesta) == ESTRICTA
    assert "<script" not in respuesta.content.decode()
    politica = respuesta["Permissions-Policy"]
    for funcion in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert funcion in politica


def test_el_admin_solo_carga_sus_propios_scripts(client, superusuario):
    client.force_login(superusuario)
    directivas = _directivas(client.get("/admin/"))
    assert "script-src 'self'" in directivas and "default-src 'none'" in directivas
    assert not any("unsafe" in d for d in directivas)


def test_los_archivos_no_llevan_politica_de_pagina(client, pal):
    respuesta = client.get("/datos/pal-2022-2024.json")
    assert respuesta.status_code == 200 and respuesta["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in respuesta
