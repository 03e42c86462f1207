"""Direcciones de antes de renumerar: si ningún elemento vivo tiene la clave y una clave
anterior la registra, 301 a la dirección de hoy (con su consulta); si no, 404 como siempre.
Las filas de ``ClaveAnterior`` las escribe quien renumera: aquí se crean directamente."""

import pytest

from plan.models import ClaveAnterior, Eje
from tests.ayudas import accion, texto_de
from tests.gestion.ayudas_retiro import compromiso

PLAN = "/planes/pal-2022-2024"


@pytest.fixture
def renumerado(pal):
    """Como si el compromiso 1.5 hubiera sido 1.6, la acción 1.5.3 la 1.6.9 y el eje 7 el 8."""
    ClaveAnterior.objects.create(plan=pal, nivel="compromiso", clave="1.6", clave_nueva="1.5", compromiso=compromiso(pal, "1.5"))
    ClaveAnterior.objects.create(plan=pal, nivel="accion", clave="1.6.9", clave_nueva="1.5.3", accion=accion(pal, "1.5.3"))
    ClaveAnterior.objects.create(plan=pal, nivel="eje", clave="8", clave_nueva="7", eje=Eje.objects.get(plan=pal, numero=7))
    # Una clave anterior que hoy vuelve a tener un elemento vivo: gana el vivo.
    ClaveAnterior.objects.create(plan=pal, nivel="compromiso", clave="1.1", clave_nueva="1.4", compromiso=compromiso(pal, "1.4"))
    return pal


@pytest.mark.parametrize(
    "vieja, nueva",
    [
        ("compromisos/1.6/", "compromisos/1.5/"),
        ("acciones/1.6.9/", "acciones/1.5.3/"),
        ("ejes/8/", "ejes/7/"),
    ],
)
def test_la_direccion_anterior_redirige_para_siempre(client, renumerado, vieja, nueva):
    respuesta = client.get(f"{PLAN}/{vieja}")
    assert respuesta.status_code == 301
    assert respuesta["Location"] == f"{PLAN}/{nueva}"
    assert client.get(f"{PLAN}/{vieja}?utm_source=boletin&x=1")["Location"] == f"{PLAN}/{nueva}?utm_source=boletin&x=1"
    assert client.get(respuesta["Location"]).status_code == 200


def test_la_clave_viva_gana_y_lo_desconocido_sigue_en_404(client, renumerado):
    assert client.get(f"{PLAN}/compromisos/1.1/").status_code == 200
    assert "Compromiso 1.1." in texto_de(client.get(f"{PLAN}/compromisos/1.1/"))
    for ruta in ("compromisos/1.7/", "acciones/1.6.8/", "ejes/9/"):
        respuesta = client.get(f"{PLAN}/{ruta}")
        assert respuesta.status_code == 404, ruta
    # Una clave anterior de otro plan no redirige en este.
    assert client.get("/planes/pal-2019-2021/compromisos/1.6/").status_code == 404


def test_la_redireccion_cuesta_consultas_fijas(client, renumerado, django_assert_num_queries):
    # 1. versión publicada  2. plan  3. último periodo publicado  4-6. roll-up  7. la clave anterior
    with django_assert_num_queries(7):
        assert client.get(f"{PLAN}/acciones/1.6.9/").status_code == 301


def test_las_anclas_anteriores_de_como_se_calcula_siguen_llevando_a_su_cuenta(client, renumerado):
    html = client.get(f"{PLAN}/como-se-calcula/").content.decode()
    assert '<span id="c-1.6"></span>' in html
    assert '<span id="e-8"></span>' in html
    # El ancla anterior queda dentro de la cuenta del compromiso que hoy es 1.5.
    seccion = html[html.index('id="c-1.5"'):]
    assert seccion.index("<span id=\"c-1.6\"></span>") < seccion.index("id=\"c-2.1\"")

