"""Lo que lee la ciudadanía del estado y del cumplimiento OGP de cada compromiso del PAL 2022-2024.

El plan no publicó fechas de sus compromisos ni de sus acciones: ningún estado se califica con
las fechas supuestas (la vigencia del plan), en ninguna página. El nivel en la escala de la OGP
sale de las cifras reales (``seguimiento/escala_irm.py``).
"""

import re

import pytest

from plan.models import Institucion
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db

PLAN = "/planes/pal-2022-2024"
COMPROMISOS = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "3.1", "3.2", "3.3", "4.1", "5.1", "6.1", "7.1"]
#: Con las acciones impresas en el 1er Informe Parcial (pesos iguales).
NIVELES = {
    "1.1": "Limitado",  # (60 + 0) ÷ 2 = 30
    "1.2": "No iniciado",  # 0, en etapa de diseño del programa
    "1.3": "Completo",
    "1.4": "Completo",
    "1.5": "Limitado",  # 36.25 (el informe publicó 23)
    "2.1": "Limitado",  # 33.5
    "3.1": "Limitado",  # 34
    "3.2": "Sustancial",  # 61
    "3.3": "Completo",
    "4.1": "Limitado",  # 33.33
    "5.1": "Limitado",  # 46.25 (el informe publicó 42)
    "6.1": "Limitado",  # 30
    "7.1": "Sustancial",  # 56
}
CALIFICACIONES = ["Con retraso", "En riesgo", "En tiempo"]


def _paginas_publicas(pal):
    iacip = Institucion.objects.get(siglas="IACIP")
    return [
        *(f"{PLAN}/compromisos/{clave}/" for clave in COMPROMISOS),
        *(f"{PLAN}/ejes/{n}/" for n in range(1, 8)),
        "/instituciones/",
        f"/instituciones/{iacip.pk}/",
        "/ods/",
        "/buscar/?plan=pal-2022-2024&q=a",
    ]


def test_ninguna_pagina_califica_con_fechas_supuestas(client, pal):
    for url in _paginas_publicas(pal):
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        html = respuesta.content.decode()
        # La regla escrita en «Regla del estado» menciona cada estado en minúscula, y el filtro
        # de la búsqueda los ofrece como opciones (valen para planes con fechas); fuera de eso,
        # ninguna etiqueta de estado dice «Con retraso», «En riesgo» ni «En tiempo».
        texto = texto_de(respuesta)
        for opcion in re.findall(r"<option [^>]*>([^<]+)</option>", html):
            texto = texto.replace(f" {opcion} ", " ")
        for calificacion in CALIFICACIONES:
            assert calificacion not in texto, (url, calificacion)
        assert not re.search(r"semaforo--(con-retraso|en-riesgo|en-tiempo)", html), url


@pytest.mark.parametrize("clave", COMPROMISOS)
def test_nivel_de_cumplimiento_de_cada_compromiso(client, pal, clave):
    texto = texto_de(client.get(f"{PLAN}/compromisos/{clave}/"))
    assert f"Cumplimiento (escala OGP): {NIVELES[clave]}. " in texto
    esperado = "Concluido" if NIVELES[clave] == "Completo" else "Sin calendario publicado"
    assert f"Estado: {esperado}" in texto
    if esperado == "Sin calendario publicado":
        assert "Fechas supuestas: el 1 de enero de 2022" in texto and "Solo como referencia" in texto


def test_los_resultados_de_busqueda_llevan_el_nivel(client, pal):
    texto = texto_de(client.get("/buscar/?plan=pal-2022-2024&eje=3"))
    for clave in ["3.1", "3.2", "3.3"]:
        assert re.search(rf"Compromiso {re.escape(clave)}\. .*? Cumplimiento \(escala OGP\): {NIVELES[clave]} Estado: ", texto), clave


def test_como_se_calcula_explica_la_escala_con_los_compromisos_del_plan(client, pal):
    respuesta = client.get(f"{PLAN}/como-se-calcula/")
    texto = texto_de(respuesta)
    assert "Cumplimiento en la escala de la OGP" in texto
    assert "Es una autoevaluación con una regla fija, no una calificación del IRM." in texto
    for fila in [
        "Ninguna de sus acciones tiene un avance publicado Sin evidencia No Evidence Available 0",
        "Avance de 0 % No iniciado Not Started 1",
        "Más de 0 y menos de 50 % Limitado Limited 7",
        "De 50 % a menos de 100 % Sustancial Substantial 2",
        "Avance de 100 % (todas sus acciones al 100 %) Completo Complete 3",
    ]:
        assert fila in texto, fila
    assert "Alto cumplimiento (sustancial o completo, como lo cuenta la OGP): 5 de 13 compromisos." in texto
    # Cada compromiso, con la cifra exacta que decide su nivel.
    assert "Cumplimiento (escala OGP): Limitado. Cifra recalculada de 33.33 %: más de 0 y menos de 50 %, limitado." in texto
    assert 'href="/planes/pal-2022-2024/como-se-calcula/#cumplimiento"' in respuesta.content.decode()


def test_plan_historico_sin_avances_queda_sin_evidencia(client, pal):
    texto = texto_de(client.get("/planes/pal-2019-2021/como-se-calcula/"))
    assert "Ninguna de sus acciones tiene un avance publicado Sin evidencia No Evidence Available 11" in texto
    assert "Alto cumplimiento (sustancial o completo, como lo cuenta la OGP): 0 de 11 compromisos." in texto
