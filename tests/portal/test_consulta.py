"""Instituciones, ODS y búsqueda con filtros, con el plan real y con planes generados."""

import re

import pytest

from plan.models import Compromiso, Institucion, MetaODS, ObjetivoODS
from seguimiento.models import Avance
from tests.ayudas import texto_de
from tests.fabricas import plan_generado

pytestmark = pytest.mark.django_db




def _resultados(texto):
    return re.findall(r"Compromiso (\d+\.\d+)\. ", texto.split("resultado", 1)[-1])


def test_lista_de_instituciones_con_sus_compromisos_y_estados(client, pal):
    texto = texto_de(client.get("/instituciones/"))
    assert "Instituto de Acceso a la Información Pública para el Estado de Guanajuato (IACIP)" in texto
    fila = texto[texto.index("(IACIP)") :][:200]
    assert "PAL 2022-2024: 2" in fila
    # 4.1 (33 % frente a 71.7 % esperado) con retraso; 7.1 (56 %, 15.7 puntos) en riesgo.
    assert "En riesgo: 1 · Con retraso: 1" in fila


def test_pagina_de_una_institucion(client, pal):
    iacip = Institucion.objects.get(siglas="IACIP")
    texto = texto_de(client.get(f"/instituciones/{iacip.pk}/"))
    assert "Mtro. José Cristian Urrutia Negrete" in texto
    assert "Responsable en el PAL 2022-2024 2 compromisos." in texto
    assert re.search(r"Compromiso 4\.1\. Transparencia, Datos Personales y Estado Abierto 33 % .*? Estado: Con retraso", texto)
    assert re.search(r"Compromiso 7\.1\. Municipios Abiertos y Partidos Abiertos 56 % .*? Estado: En riesgo", texto)
    assert "Compromiso 1.1." not in texto


def test_institucion_sin_compromisos_o_inexistente_da_404(client, pal):
    sola = Institucion.objects.create(nombre="Institución sin compromisos", tipo=Institucion.Tipo.MUNICIPIO)
    assert client.get(f"/instituciones/{sola.pk}/").status_code == 404
    assert client.get("/instituciones/99999/").status_code == 404


def test_lo_no_validado_no_aparece_en_la_institucion(client, pal):
    Avance.objects.filter(accion__compromiso__eje__numero=7).update(estado=Avance.Estado.ENVIADO)
    iacip = Institucion.objects.get(siglas="IACIP")
    texto = texto_de(client.get(f"/instituciones/{iacip.pk}/"))
    assert "56 %" not in texto
    assert re.search(r"Compromiso 7\.1\. .*? sin reporte .*? Estado: Sin reporte", texto)


def _seccion_ods(texto, numero):
    inicio = texto.index(f"ODS {numero}. ")
    siguiente = re.search(r" ODS \d+\. [A-ZÁÉÍÓÚ]", texto[inicio + 5 :])
    return texto[inicio : inicio + 5 + siguiente.start()] if siguiente else texto[inicio:]


def test_pagina_ods_con_objetivos_metas_y_planes_sin_alineacion(client, pal):
    ods16 = ObjetivoODS.objects.get(numero=16)
    c41 = Compromiso.objects.get(eje__plan=pal, eje__numero=4, numero=1)
    c41.metas_ods.add(MetaODS.objects.get(clave="16.10"))  # por su meta, también del ODS 16
    c71 = Compromiso.objects.get(eje__plan=pal, eje__numero=7, numero=1)
    c71.objetivos_ods.add(ods16, ObjetivoODS.objects.get(numero=13))
    texto = texto_de(client.get("/ods/"))
    assert "ODS 13. Acción por el clima 1 compromiso." in texto
    assert "PAL 2022-2024 · Eje 7. Apertura Institucional Compromiso 7.1." in _seccion_ods(texto, 13)
    seccion16 = _seccion_ods(texto, 16)
    assert "PAL 2022-2024 · Eje 4. Academia Abierta Compromiso 4.1." in seccion16
    assert "PAL 2022-2024 · Eje 7. Apertura Institucional Compromiso 7.1." in seccion16
    assert "PAL 2022-2024 4.1" in seccion16[seccion16.index("Meta 16.10") :]
    assert "El PAL 2022-2024 no registra alineación" not in texto


def test_ods_dice_que_plan_no_registra_alineacion(client, pal):
    assert "El PAL 2022-2024 no registra alineación con los ODS." in texto_de(client.get("/ods/"))


@pytest.mark.parametrize(
    "consulta, esperados",
    [
        ("q=sentencias", ["3.1", "3.2"]),  # compromiso 3.1 por su nombre; 3.2 por su acción 3.2.1
        ("q=SENTENCIAS", ["3.1", "3.2"]),
        ("q=ladrillo", ["1.5"]),
        ("q=electoral", ["3.3"]),
        ("q=ladrillo+PNT", ["1.5"]),  # «PNT» está en la acción 1.5.1
        ("q=Economia+para+todas", ["1.1"]),  # sin acento encuentra «Economía»
        ("q=IACIP", ["4.1", "7.1", "1.5"]),  # institución responsable, y 1.5 lo menciona en una acción
        ("estado=en-riesgo", ["3.2", "7.1"]),
        ("estado=concluido", ["1.3", "1.4", "3.3"]),
        ("eje=3", ["3.1", "3.2", "3.3"]),
        ("eje=3&estado=con-retraso", ["3.1"]),
    ],
)
def test_busqueda_y_filtros(client, pal, consulta, esperados):
    texto = texto_de(client.get(f"/buscar/?{consulta}&plan=pal-2022-2024".replace("&plan=pal-2022-2024&plan=", "&plan=")))
    assert sorted(_resultados(texto)) == sorted(esperados)
    n = len(esperados)
    assert f"{n} resultado{'s' if n != 1 else ''}" in texto


def test_busqueda_en_todos_los_planes(client, pal):
    texto = texto_de(client.get("/buscar/?q=sentencias"))
    assert "3 resultados" in texto
    assert "PAL 2019-2021 · Eje 2. Juzgar con Perspectiva de Género Compromiso 2.1." in texto
    assert "PAL 2022-2024 · Eje 3. Justicia Abierta Compromiso 3.1." in texto
    # «educacion» sin acento encuentra el Programa Equidad Regional del plan histórico.
    assert "PAL 2019-2021 · Eje 3. Mejora de servicios educativos" in texto_de(client.get("/buscar/?q=educacion"))


def test_busqueda_por_institucion_y_ods(client, pal):
    tja = Institucion.objects.get(siglas="TJA")
    assert _resultados(texto_de(client.get(f"/buscar/?institucion={tja.pk}"))) == ["3.2"]
    Compromiso.objects.get(eje__plan=pal, eje__numero=6, numero=1).objetivos_ods.add(ObjetivoODS.objects.get(numero=4))
    assert _resultados(texto_de(client.get("/buscar/?ods=4&plan=pal-2022-2024"))) == ["6.1"]
    # En el plan histórico, el ODS 4 es el del Programa Equidad Regional.
    assert _resultados(texto_de(client.get("/buscar/?ods=4&plan=pal-2019-2021"))) == ["3.1"]


def test_busqueda_muestra_las_acciones_que_coinciden(client, pal):
    html = client.get("/buscar/?q=manual").content.decode()
    assert 'href="/planes/pal-2022-2024/acciones/3.2.3/"' in html


@pytest.mark.parametrize(
    "consulta, campo, mensaje",
    [
        ("eje=abc", "eje", "El eje debe ser un número entero, p. ej. 3."),
        ("estado=foo", "estado", "«foo» no es una opción válida."),
        ("plan=no-existe", "plan", "«no-existe» no es una opción válida."),
        ("eje=2", "eje", "Para filtrar por eje elija también un plan: cada plan numera sus ejes."),
    ],
)
def test_parametros_invalidos_dan_un_error_junto_al_campo(client, pal, consulta, campo, mensaje):
    respuesta = client.get(f"/buscar/?{consulta}")
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert f'<p class="error" id="error-{campo}" role="alert">{mensaje}</p>' in html
    assert "resultado" not in texto_de(respuesta).split("acción", 1)[-1].split("Solo se publica")[0]




@pytest.fixture(params=["real", "con-600-acciones-mas"])
def planes_medidos(request, pal):
    if request.param != "real":
        plan_generado(10, 10, 6)
    return request.param


@pytest.mark.parametrize(
    "url, consultas",
    [
        # 1. versión  2. planes  3. último periodo publicado de cada plan  4-6. roll-up de
        # todos  7. institución responsable de cada compromiso  8. partes cocreadoras
        # 9. instituciones
        ("/instituciones/", 9),
        # 1. versión  2. la institución  3. planes  4-7. estado público  8. sus compromisos
        # 9. compromisos que cocreó  10. sus compromisos con representante  11. representantes
        ("/instituciones/{iacip}/", 11),
        # 1. versión  2. planes  3-6. estado público  7. compromisos por objetivo  8. por meta
        # 9. esas metas  10. sus objetivos
        ("/ods/", 10),
        # 1. versión  2. planes  3. compromisos con su institución responsable  4. objetivos ODS
        # 5. la primera acción del plan vigente, con su compromiso (búsquedas de ejemplo)
        ("/buscar/", 5),
        # 1-4. como la anterior  5-8. estado público  9. compromisos que coinciden (plan/busqueda.py)
        # 10. acciones que coinciden
        ("/buscar/?q=ladrillo", 10),
        # 1-8. como la anterior  9-10. ODS de cada compromiso (por objetivo y por meta)
        ("/buscar/?ods=16&estado=en-riesgo", 10),
    ],
)
def test_consultas_constantes(client, planes_medidos, url, consultas, django_assert_num_queries):
    url = url.format(iacip=Institucion.objects.get(siglas="IACIP").pk)
    with django_assert_num_queries(consultas):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        # 1. versión publicada: la segunda vez sale de la caché
        assert client.get(url).status_code == 200


def test_eje_que_el_plan_no_tiene(client, pal):
    html = client.get("/buscar/?plan=pal-2022-2024&eje=99").content.decode()
    assert '<p class="error" id="error-eje" role="alert">El PAL 2022-2024 no tiene eje 99.</p>' in html


def test_institucion_que_solo_cocrea_aparece_en_la_lista(client, pal):
    osc = Institucion.objects.create(nombre="Colectivo Ciudadano de Prueba", tipo=Institucion.Tipo.SOCIEDAD_CIVIL)
    Compromiso.objects.get(eje__plan=pal, eje__numero=3, numero=1).partes_cocreadoras.add(osc)
    texto = texto_de(client.get("/instituciones/"))
    assert "Colectivo Ciudadano de Prueba" in texto
    fila = texto[texto.index("Colectivo Ciudadano de Prueba") :][:200]
    assert "Ninguno como responsable" in fila and "1 compromiso" in fila
