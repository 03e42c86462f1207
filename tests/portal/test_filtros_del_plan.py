"""Filtrar los compromisos en la página del plan por estado e institución responsable.

Los estados esperados son los que la página de búsqueda y la de cada institución ya afirman
con la regla del semáforo (tests/portal/test_consulta.py): en el PAL 2022-2024, en riesgo el
3.2 y el 7.1; concluidos el 1.3, el 1.4 y el 3.3; del IACIP el 4.1 (con retraso) y el 7.1.
"""

import re

import pytest

from plan.models import Institucion
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db

URL = "/planes/pal-2022-2024/"


def _filtrados(texto):
    return re.findall(r"PAL 2022-2024 · Eje \d+\. [^·]*? Compromiso (\d+\.\d+)\. ", texto)


@pytest.mark.parametrize(
    "filtros, esperados",
    [
        ({"estado": "en-riesgo"}, ["3.2", "7.1"]),
        ({"estado": "concluido"}, ["1.3", "1.4", "3.3"]),
        ({"institucion": "IACIP"}, ["4.1", "7.1"]),
        ({"institucion": "IACIP", "estado": "en-riesgo"}, ["7.1"]),
    ],
)
def test_filtrar_compromisos_del_plan(client, pal, filtros, esperados):
    if "institucion" in filtros:
        filtros["institucion"] = Institucion.objects.get(siglas=filtros["institucion"]).pk
    texto = texto_de(client.get(URL, filtros))
    assert _filtrados(texto) == esperados
    n = len(esperados)
    assert f"{n} compromiso{'s' if n != 1 else ''} con estos filtros" in texto
    assert "Quitar los filtros" in texto
    # La página sigue siendo la del plan: el avance global y sus ejes.
    assert "Avance global 45 %" in texto and "Eje 7. Apertura Institucional 56 %" in texto


def test_filtros_sin_resultados_lo_dicen_y_se_pueden_quitar(client, pal):
    tja = Institucion.objects.get(siglas="TJA")
    respuesta = client.get(URL, {"institucion": tja.pk, "estado": "concluido"})
    texto = texto_de(respuesta)
    assert "0 compromisos con estos filtros" in texto
    assert "Sin resultados: ningún compromiso de este plan cumple estos filtros. Quitar los filtros para ver todos." in texto
    assert f'<a href="{URL}">Quitar los filtros</a>' in respuesta.content.decode()


def test_los_filtros_vuelven_seleccionados_y_sin_filtros_no_hay_lista(client, pal):
    iacip = Institucion.objects.get(siglas="IACIP")
    html = client.get(URL, {"institucion": iacip.pk, "estado": "en-riesgo"}).content.decode()
    assert f'<option value="{iacip.pk}" selected>' in html
    assert '<option value="en-riesgo" selected>En riesgo</option>' in html
    # Un parámetro que la página no usa (y que la caché no distingue) no cambia nada en ella.
    texto = texto_de(client.get(URL + "?utm_source=boletin&estado="))
    assert "Filtrar compromisos" in texto and "con estos filtros" not in texto and "Quitar los filtros" not in texto
    # Solo las instituciones responsables de algún compromiso de este plan.
    assert "Universidad de Guanajuato" in texto


def test_un_filtro_invalido_se_explica_junto_al_campo(client, pal):
    html = client.get(URL, {"estado": "pendiente"}).content.decode()
    assert '<p class="error" id="error-estado" role="alert">«pendiente» no es una opción válida.</p>' in html
    assert "con estos filtros" not in texto_de(client.get(URL, {"estado": "pendiente"}))


def test_filtros_en_consultas_constantes_y_solo_sus_parametros_en_la_cache(client, pal, django_assert_num_queries):
    with django_assert_num_queries(9):
        # 1. versión  2. planes  3. último periodo publicado  4-6. roll-up  7. informe del
        # periodo  8. sus cifras  9. compromisos con su institución responsable
        primera = client.get(URL, {"estado": "en-riesgo"})
    with django_assert_num_queries(1):
        # 1. versión: otros parámetros (y los vacíos) no hacen otra página en la caché
        segunda = client.get(URL + "?utm_source=boletin&institucion=&estado=en-riesgo")
    assert segunda.content == primera.content
    portada = client.get("/").content
    with django_assert_num_queries(1):
        # 1. versión: la portada no lee filtros ni guarda una copia por cada parámetro
        assert client.get("/?estado=en-riesgo").content == portada
