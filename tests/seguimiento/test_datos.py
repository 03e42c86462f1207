"""Datos abiertos en /datos/: JSON, CSV y XLSX de lo publicado, y su documentación."""

import csv
import datetime
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from seguimiento.models import Avance, Evidencia, Periodo
from tests.fabricas import crear_periodo, plan_generado

pytestmark = pytest.mark.django_db


def _csv(respuesta):
    texto = respuesta.content.decode("utf-8")
    assert texto.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(texto[1:])))


def test_json_del_plan_igual_al_del_comando(client, pal):
    salida = StringIO()
    call_command("avance", "pal-2022-2024", "--json", stdout=salida)
    respuesta = client.get("/datos/pal-2022-2024.json")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/json"
    assert respuesta.json() == json.loads(salida.getvalue())
    assert respuesta.json()["plan"]["avance"] == 45.3
    assert respuesta.json()["plan"]["avance_publicado"] == 42.0


def test_avances_en_csv_con_acentos_y_cifras_tal_cual(client, pal):
    respuesta = client.get("/datos/pal-2022-2024/avances.csv")
    assert respuesta["Content-Disposition"] == 'attachment; filename="pal-2022-2024-avances.csv"'
    filas = _csv(respuesta)
    assert len(filas) == 33
    por_accion = {fila["accion"]: fila for fila in filas}
    assert por_accion["1.5.1"]["porcentaje"] == "35"
    assert por_accion["1.5.4"]["etapa"] == "En etapa de diseño de las mesas"
    assert por_accion["3.2.1"]["porcentaje"] == "100" and por_accion["3.2.1"]["nota_aclaratoria"] == "sí"
    assert por_accion["1.1.1"]["periodo_nombre"] == "Agosto–noviembre 2023"


def test_arbol_en_csv_con_cada_nivel(client, pal):
    filas = _csv(client.get("/datos/pal-2022-2024/arbol.csv"))
    assert [f["nivel"] for f in filas].count("eje") == 7
    assert [f["nivel"] for f in filas].count("compromiso") == 13
    assert [f["nivel"] for f in filas].count("accion") == 33
    plan = filas[0]
    assert (plan["nivel"], plan["avance"], plan["avance_publicado"]) == ("plan", "45.3", "42.0")
    c15 = next(f for f in filas if f["numero"] == "1.5")
    assert (c15["avance"], c15["avance_publicado"], c15["estado"]) == ("36.3", "23.0", "con-retraso")


def test_libro_xlsx(client, pal):
    respuesta = client.get("/datos/pal-2022-2024.xlsx")
    assert respuesta["Content-Disposition"] == 'attachment; filename="pal-2022-2024.xlsx"'
    libro = load_workbook(io.BytesIO(respuesta.content))
    assert libro.sheetnames == ["Léeme", "Árbol", "Avances"]
    avances = libro["Avances"]
    encabezados = [c.value for c in avances[1]]
    fila_151 = next(r for r in avances.iter_rows(min_row=2, values_only=True) if r[encabezados.index("accion")] == "1.5.1")
    assert fila_151[encabezados.index("porcentaje")] == 35
    assert avances.freeze_panes == "A2"
    assert "Solo incluye avances validados de periodos publicados" in " ".join(
        str(c.value) for fila in libro["Léeme"].iter_rows() for c in fila if c.value
    )


def test_lista_de_planes(client, pal):
    planes = client.get("/datos/planes.json").json()["planes"]
    plan = next(p for p in planes if p["slug"] == "pal-2022-2024")
    assert plan["avance"] == 45.3
    assert plan["ultimo_periodo_publicado"]["slug"] == "agosto-noviembre-2023"
    assert plan["archivos"]["avances_csv"] == "http://testserver/datos/pal-2022-2024/avances.csv"


def test_nada_sin_validar_ni_de_periodos_sin_publicar(client, pal):
    accion = Avance.objects.del_plan(pal).get(accion__compromiso__eje__numero=6, accion__numero=1).accion
    cerrado = crear_periodo(pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.CERRADO, nombre="Dic 2023", slug="dic-2023")
    abierto = crear_periodo(pal, datetime.date(2024, 2, 1), estado=Periodo.Estado.PUBLICADO, nombre="Feb 2024", slug="feb-2024")
    Avance.objects.create(accion=accion, periodo=cerrado, porcentaje=Decimal("77.7"), estado=Avance.Estado.VALIDADO, narrativa="SIN PUBLICAR")
    for estado, pct in [(Avance.Estado.BORRADOR, "88.8")]:
        borrador = Avance.objects.create(accion=accion, periodo=abierto, porcentaje=Decimal(pct), estado=estado, narrativa="BORRADOR")
    Evidencia.objects.create(avance=borrador, url="https://example.org/secreta")
    for url in ["/datos/pal-2022-2024.json", "/datos/pal-2022-2024/avances.csv", "/datos/pal-2022-2024/avances.json", "/datos/pal-2022-2024/arbol.csv"]:
        contenido = client.get(url).content.decode("utf-8")
        for secreto in ["77.7", "88.8", "SIN PUBLICAR", "BORRADOR", "secreta"]:
            assert secreto not in contenido, (url, secreto)
    libro = load_workbook(io.BytesIO(client.get("/datos/pal-2022-2024.xlsx").content))
    valores = {str(c) for hoja in libro for fila in hoja.iter_rows(values_only=True) for c in fila}
    assert not {"77.7", "88.8", "BORRADOR", "SIN PUBLICAR"} & valores


def test_evidencias_como_direcciones_absolutas(client, pal, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    avance = Avance.objects.del_plan(pal).get(accion__compromiso__eje__numero=1, accion__compromiso__numero=3, accion__numero=1)
    Evidencia.objects.create(avance=avance, url="https://smaot.guanajuato.gob.mx/sitio/ecoapp/")
    archivo = Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    fila = next(f for f in _csv(client.get("/datos/pal-2022-2024/avances.csv")) if f["accion"] == "1.3.1")
    assert fila["evidencias"] == f"https://smaot.guanajuato.gob.mx/sitio/ecoapp/ | http://testserver/evidencias/{archivo.pk}/"


def test_la_pagina_documenta_cada_clave_y_columna(client, pal):
    html = client.get("/datos/").content.decode()
    arbol = client.get("/datos/pal-2022-2024.json").json()

    def claves(objeto, prefijo=""):
        for clave, valor in objeto.items():
            yield prefijo + clave
            if isinstance(valor, dict) and clave != "cobertura":
                yield from claves(valor, f"{prefijo}{clave}.")
            if isinstance(valor, list) and valor and isinstance(valor[0], dict):
                yield from claves(valor[0], f"{prefijo}{clave}[].")

    documentadas = set()
    for clave in claves(arbol):
        # «ejes[].compromisos[].numero» se documenta junto con el eje: mismas claves.
        assert f"<code>{clave}</code>" in html or clave.startswith("ejes[].compromisos[].") and (
            f"<code>{clave.replace('compromisos[].', '')}</code>" in html
        ), clave
        documentadas.add(clave)
    assert len(documentadas) > 20
    for url in ["/datos/pal-2022-2024/avances.csv", "/datos/pal-2022-2024/arbol.csv"]:
        for columna in _csv(client.get(url))[0]:
            assert f"<code>{columna}</code>" in html, columna
    assert "UTF-8 <em>con BOM</em>" in html


@pytest.mark.parametrize("url", ["/datos/no-existe.json", "/datos/no-existe/avances.csv", "/datos/no-existe.xlsx"])
def test_plan_desconocido_404_en_espanol(client, pal, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 404
    assert "No encontramos esta página" in respuesta.content.decode()


@pytest.fixture(params=["real", "600-acciones"])
def plan_medido(request, pal):
    return pal if request.param == "real" else plan_generado(10, 10, 6)[0]


def test_archivos_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    slug = plan_medido.slug
    con_informe = plan_medido.slug == "pal-2022-2024"
    # 1. versión publicada  2. plan  3. último periodo publicado  4-6. roll-up  7. informe  [8. cifras]
    with django_assert_num_queries(8 if con_informe else 7):
        assert client.get(f"/datos/{slug}.json").status_code == 200
    # 1. versión  2. plan  3. avances publicados con periodo y acción  4. sus evidencias
    with django_assert_num_queries(4):
        assert client.get(f"/datos/{slug}/avances.csv").status_code == 200
    # 1. versión  2. plan  3-8/9. estado y cifras (como el JSON)  avances  evidencias
    with django_assert_num_queries(10 if con_informe else 9):
        assert client.get(f"/datos/{slug}.xlsx").status_code == 200
    with django_assert_num_queries(1):
        # 1. versión: la segunda descarga sale de la caché, con su nombre de archivo
        segunda = client.get(f"/datos/{slug}.xlsx")
    assert segunda["Content-Disposition"] == f'attachment; filename="{slug}.xlsx"'


def test_indice_en_consultas_constantes(client, pal, django_assert_num_queries):
    plan_generado(10, 10, 6)
    # 1. versión  2. planes  3. últimos periodos publicados  4-6. roll-up de todos los planes
    with django_assert_num_queries(6):
        assert client.get("/datos/").status_code == 200
