
import pytest
from django.urls import reverse

from seguimiento.models import Avance
from tests.ayudas import texto_de
from tests.fabricas import construir_plan, plan_generado

pytestmark = pytest.mark.django_db




def test_inicio_muestra_el_plan_su_avance_global_y_cada_eje(client, pal):
    respuesta = client.get("/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Language"] == "es-mx"
    texto = texto_de(respuesta)
    assert "Plan de Acción Local de Estado Abierto Guanajuato 2022-2024" in texto
    assert "Avance global 45 %" in texto
    assert "33 de 33 acciones con reporte" in texto
    assert "El Primer Informe Parcial publicó 42 %" in texto
    assert "Meta por alcanzar: 55 % para agosto de 2024" in texto
    assert "El Primer Informe Parcial publicó 58 %" in texto
    for eje, cifra in [("Eje 1. Gobierno Abierto", 53), ("Eje 3. Justicia Abierta", 65), ("Eje 7. Apertura Institucional", 56)]:
        assert f"{eje} {cifra} %" in texto
    # Donde el cálculo reproduce lo publicado no se repite la cifra; donde no, se muestran ambas.
    assert "El Primer Informe Parcial publicó 51 %" in texto
    assert "El Primer Informe Parcial publicó 65 %" not in texto
    assert '<html lang="es-MX">' in respuesta.content.decode()


def test_solo_lo_validado_se_ve(client, pal):
    Avance.objects.filter(accion__compromiso__eje__numero=6).update(estado=Avance.Estado.ENVIADO)
    texto = texto_de(client.get("/"))
    assert "Eje 6. Antena Universitaria sin reporte" in texto
    assert "30 de 33 acciones con reporte; las acciones sin reporte cuentan como 0 %" in texto


def test_selector_de_planes_y_pagina_de_cada_plan(client, pal):
    otro, _ = construir_plan([(1, [(1, [(1, 10)])])])
    texto = texto_de(client.get("/"))
    assert "PAL 2022-2024" in texto and str(otro) in texto
    respuesta = client.get(reverse("plan:plan", kwargs={"slug": otro.slug}))
    assert respuesta.status_code == 200
    assert "Avance global 10 %" in texto_de(respuesta)
    assert client.get("/planes/no-existe/").status_code == 404


def test_portal_vacio(client, db):
    respuesta = client.get("/")
    assert respuesta.status_code == 200
    assert "Aún no hay planes publicados" in texto_de(respuesta)


def test_errores_de_configuracion_visibles(client, db):
    plan, _ = construir_plan([(1, [(1, [(0, 40)])])])
    texto = texto_de(client.get(plan.get_absolute_url()))
    assert "Cifras que no se pueden calcular" in texto
    assert "Los pesos de las acciones del compromiso 1.1 suman 0" in texto
    assert "No calculable" in texto


@pytest.mark.parametrize("tamano", [(2, 2, 2), (10, 10, 6)], ids=["pequeno", "600-acciones"])
def test_inicio_en_consultas_constantes(client, tamano, django_assert_num_queries):
    plan, _ = plan_generado(*tamano, periodos=3)
    with django_assert_num_queries(8):
        # 1. versión publicada (clave de la caché)
        # 2. planes (selector, y de ahí el plan pedido)
        # 3. último periodo publicado del plan
        # 4. roll-up: ejes  5. roll-up: compromisos  6. roll-up: acciones con su último avance
        # 7. informe publicado de ese periodo (no hay: no se leen cifras)
        # 8. compromisos con su institución responsable (filtros del plan)
        respuesta = client.get(plan.get_absolute_url())
    assert respuesta.status_code == 200
    with django_assert_num_queries(1):
        # 1. versión publicada: la página de esa versión sale de la caché
        assert client.get(plan.get_absolute_url()).content == respuesta.content


def test_inicio_del_plan_real_en_consultas_constantes(client, pal, django_assert_num_queries):
    with django_assert_num_queries(9):
        # 1. versión publicada  2. planes  3. último periodo publicado
        # 4-6. roll-up (ejes, compromisos, acciones)
        # 7. informe publicado del periodo  8. cifras publicadas por ese informe
        # 9. compromisos con su institución responsable (filtros del plan)
        assert client.get("/").status_code == 200
