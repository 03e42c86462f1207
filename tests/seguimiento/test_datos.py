"""Datos abiertos en /datos/: JSON, CSV y XLSX de lo publicado, y la página que los documenta."""

import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from plan.models import Accion, Persona
from seguimiento import datos
from seguimiento.models import Avance, Evidencia, Periodo
from tests.ayudas import PDF, cuerpo, formulas_en_csv, formulas_en_xlsx, texto_de
from tests.fabricas import crear_periodo, plan_generado

pytestmark = pytest.mark.django_db

PAL = "pal-2022-2024"
HISTORICO = "pal-2019-2021"


@pytest.fixture(autouse=True)
def _sin_cache():
    """Cada prueba empieza sin páginas guardadas: la versión publicada vuelve a su valor al
    deshacerse la transacción de la prueba anterior, y la caché en memoria no."""
    cache.clear()
    yield
    cache.clear()


def _filas_csv(respuesta):
    contenido = respuesta.content
    assert contenido.startswith("\ufeff".encode("utf-8")), "CSV sin BOM"
    return list(csv.DictReader(io.StringIO(contenido.decode("utf-8-sig"), newline="")))


def _libro(respuesta):
    return load_workbook(io.BytesIO(respuesta.content))


def _filas_hoja(hoja):
    encabezados = [c.value for c in hoja[1]]
    return [dict(zip(encabezados, fila)) for fila in hoja.iter_rows(min_row=2, values_only=True)]


def _accion(plan, clave):
    eje, compromiso, numero = clave.split(".")
    return Accion.objects.del_plan(plan).get(compromiso__eje__numero=eje, compromiso__numero=compromiso, numero=numero)


def _avance(plan, clave):
    """El avance publicado (agosto–noviembre 2023) de la acción ``clave`` del plan real."""
    return Avance.objects.get(accion=_accion(plan, clave), periodo__slug="agosto-noviembre-2023")


LICENCIA_POR_OMISION = (
    "Licencia: Creative Commons Atribución 4.0 Internacional (CC BY 4.0) "
    "(https://creativecommons.org/licenses/by/4.0/deed.es), la del portal por omisión: el STL del "
    "plan aún no ha fijado una."
)


# --- El árbol en JSON ---------------------------------------------------------------------


@pytest.mark.parametrize("slug", [PAL, HISTORICO])
def test_json_del_plan_igual_al_del_comando(client, pal, slug):
    salida = StringIO()
    call_command("avance", slug, "--json", stdout=salida)
    respuesta = client.get(f"/datos/{slug}.json")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/json; charset=utf-8"
    assert respuesta["Content-Disposition"] == f'inline; filename="{slug}.json"'
    abierto = json.loads(respuesta.content.decode("utf-8"))
    # Lo que los datos abiertos añaden a la forma del comando: la licencia y, en cada
    # compromiso, su responsable y sus evidencias.
    assert abierto.pop("licencia")["clave"] == "cc-by-4.0"
    for eje in abierto["ejes"]:
        for compromiso in eje["compromisos"]:
            for clave in ("institucion_responsable", "representante", "representante_cargo", "evidencias"):
                compromiso.pop(clave)
    assert abierto == json.loads(salida.getvalue())


def test_json_del_plan_real_con_las_cifras_del_informe(client, pal):
    respuesta = client.get(f"/datos/{PAL}.json")
    arbol = respuesta.json()
    assert "Agosto–noviembre 2023".encode("utf-8") in respuesta.content  # acentos sin escapar
    assert arbol["plan"]["avance"] == 45.3 and arbol["plan"]["avance_publicado"] == 42.0
    assert arbol["periodo"]["slug"] == "agosto-noviembre-2023"
    assert arbol["informe"] == {"numero": 1, "titulo": "Primer Informe Parcial"}
    c15 = arbol["ejes"][0]["compromisos"][4]
    assert (c15["numero"], c15["avance"], c15["avance_publicado"]) == ("1.5", 36.3, 23.0)
    # Los dos nombres de las páginas; los anteriores se conservan con el mismo valor.
    assert (c15["cifra_oficial"], c15["informe_de_la_cifra_oficial"], c15["cifra_recalculada"], c15["coinciden"]) == (
        23.0, "Primer Informe Parcial", 36.3, False
    )
    assert c15["por_que_difieren"].startswith("El Primer Informe Parcial publicó 23\u00a0%, pero la media")
    assert arbol["plan"]["por_que_difieren"].startswith("La diferencia viene de los compromisos 1.5, 2.1 y 5.1")


def test_json_del_plan_historico_sin_reporte(client, pal):
    arbol = client.get(f"/datos/{HISTORICO}.json").json()
    assert arbol["periodo"] is None and arbol["informe"] is None
    assert arbol["plan"]["avance"] is None
    assert arbol["plan"]["cobertura"] == {"con_reporte": 0, "total": 34}
    # Sin informe del periodo no hay cifra oficial.
    assert [arbol["plan"][k] for k in ("cifra_oficial", "informe_de_la_cifra_oficial", "coinciden", "por_que_difieren")] == [None] * 4


# --- Los avances publicados ---------------------------------------------------------------


def test_avances_en_csv_con_acentos_y_cifras_tal_cual(client, pal):
    respuesta = client.get(f"/datos/{PAL}/avances.csv")
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == f'attachment; filename="{PAL}-avances.csv"'
    filas = _filas_csv(respuesta)
    assert list(filas[0]) == [c.nombre for c in datos.COLUMNAS_AVANCES]
    assert len(filas) == 33
    por_accion = {fila["accion"]: fila for fila in filas}
    assert len(por_accion) == 33
    f151 = por_accion["1.5.1"]
    assert (f151["plan"], f151["eje"], f151["compromiso"], f151["porcentaje"]) == (PAL, "1", "1.5", "35")
    assert (f151["periodo"], f151["periodo_nombre"]) == ("agosto-noviembre-2023", "Agosto–noviembre 2023")
    assert (f151["periodo_inicio"], f151["periodo_fin"]) == ("2023-08-01", "2023-11-30")
    assert f151["nota_aclaratoria"] == "no"
    assert por_accion["1.5.4"]["etapa"] == "En etapa de diseño de las mesas"
    assert por_accion["1.5.4"]["porcentaje"] == "0"
    f321 = por_accion["3.2.1"]
    assert (f321["porcentaje"], f321["nota_aclaratoria"], f321["nota_aclaratoria_texto"]) == ("100", "sí", "")
    # Cargados del informe: sin fecha de validación, con la de su presentación (4 de diciembre de 2023).
    assert (f321["validado_en"], f321["fecha_reporte"]) == ("", "2023-12-04")


def test_avances_en_json_anidados(client, pal):
    respuesta = client.get(f"/datos/{PAL}/avances.json")
    assert respuesta["Content-Type"] == "application/json; charset=utf-8"
    contenido = respuesta.json()
    assert contenido["plan"] == PAL
    assert len(contenido["avances"]) == 33
    por_accion = {a["accion"]: a for a in contenido["avances"]}
    assert por_accion["3.2.1"] == {
        "plan": PAL,
        "periodo": {"slug": "agosto-noviembre-2023", "nombre": "Agosto–noviembre 2023", "inicio": "2023-08-01", "fin": "2023-11-30"},
        "eje": "3",
        "compromiso": "3.2",
        "accion": "3.2.1",
        "accion_descripcion": por_accion["3.2.1"]["accion_descripcion"],
        "porcentaje": 100,
        "etapa": "",
        "narrativa": "",
        "nota_aclaratoria": {"marcada": True, "texto": ""},
        "evidencias": [],
        "validado_en": None,
        "fecha_reporte": "2023-12-04",
    }
    assert por_accion["3.2.1"]["accion_descripcion"]
    assert por_accion["1.5.1"]["porcentaje"] == 35


def test_evidencias_fecha_de_validacion_y_decimales(client, pal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    avance = _avance(pal, "1.3.1")
    avance.porcentaje = Decimal("33.35")
    avance.narrativa = "Se publicó la aplicación en las tiendas móviles."
    # 03:00 UTC del 5 de diciembre es el 4 de diciembre en la Ciudad de México.
    avance.validado_en = datetime.datetime(2023, 12, 5, 3, 0, tzinfo=datetime.timezone.utc)
    avance.save()
    Evidencia.objects.create(avance=avance, url="https://smaot.guanajuato.gob.mx/sitio/ecoapp/", descripcion="Sitio de Ecoapp")
    archivo = Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("minuta.pdf", PDF), descripcion="Minuta")
    descarga = f"http://testserver/evidencias/{archivo.pk}/"

    fila = next(f for f in _filas_csv(client.get(f"/datos/{PAL}/avances.csv")) if f["accion"] == "1.3.1")
    assert fila["evidencias"] == f"https://smaot.guanajuato.gob.mx/sitio/ecoapp/ | {descarga}"
    assert (fila["porcentaje"], fila["validado_en"]) == ("33.35", "2023-12-04")
    assert fila["narrativa"] == "Se publicó la aplicación en las tiendas móviles."

    avances = client.get(f"/datos/{PAL}/avances.json").json()["avances"]
    en_json = next(a for a in avances if a["accion"] == "1.3.1")
    assert en_json["evidencias"] == [
        {"url": "https://smaot.guanajuato.gob.mx/sitio/ecoapp/", "tipo": "enlace", "descripcion": "Sitio de Ecoapp"},
        {"url": descarga, "tipo": "archivo", "descripcion": "Minuta"},
    ]
    assert (en_json["porcentaje"], en_json["validado_en"]) == (33.35, "2023-12-04")
    # La dirección de descarga funciona.
    assert cuerpo(client.get(descarga.removeprefix("http://testserver"))) == PDF

    # El porcentaje validado va tal cual; el árbol redondea a un decimal, mitad hacia arriba.
    arbol = client.get(f"/datos/{PAL}.json").json()
    assert arbol["ejes"][0]["compromisos"][2]["acciones"][0]["avance"] == 33.4
    filas = _filas_hoja(_libro(client.get(f"/datos/{PAL}.xlsx"))["Avances"])
    assert next(f for f in filas if f["accion"] == "1.3.1")["porcentaje"] == 33.35


# --- El árbol en CSV ----------------------------------------------------------------------


def test_arbol_en_csv_con_cada_nivel(client, pal):
    respuesta = client.get(f"/datos/{PAL}/arbol.csv")
    assert respuesta["Content-Disposition"] == f'attachment; filename="{PAL}-arbol.csv"'
    filas = _filas_csv(respuesta)
    assert list(filas[0]) == [c.nombre for c in datos.COLUMNAS_ARBOL]
    niveles = [f["nivel"] for f in filas]
    assert (niveles.count("plan"), niveles.count("eje"), niveles.count("compromiso"), niveles.count("accion")) == (1, 7, 13, 33)
    plan = filas[0]
    assert (plan["nivel"], plan["numero"], plan["avance"], plan["avance_publicado"]) == ("plan", "", "45.3", "42.0")
    assert (plan["acciones_con_reporte"], plan["acciones_total"]) == ("33", "33")
    por_numero = {f["numero"]: f for f in filas}
    c15 = por_numero["1.5"]
    assert (c15["avance"], c15["avance_publicado"], c15["estado"], c15["peso"]) == ("36.3", "23.0", "sin-calendario", "1")
    # El plan no publicó fechas: el plazo sería supuesto. 36.25 % está en «limitado» de la escala OGP.
    assert (c15["fechas_del_plazo"], c15["cumplimiento_ogp"]) == ("supuestas", "limitado")
    assert por_numero["1.2"]["avance_publicado"] == ""  # el informe no le puso cifra
    # Las columnas de antes no cambian de lugar; las de las dos cifras van al final, antes de la licencia.
    assert list(filas[0])[-7:] == [
        "cifra_oficial", "informe_de_la_cifra_oficial", "cifra_recalculada", "coinciden", "por_que_difieren",
        "licencia", "licencia_url",
    ]
    assert [c15[k] for k in ("cifra_oficial", "cifra_recalculada", "coinciden")] == ["23.0", "36.3", "no"]
    assert [por_numero["3"][k] for k in ("cifra_oficial", "informe_de_la_cifra_oficial", "coinciden", "por_que_difieren")] == [
        "65.0", "Primer Informe Parcial", "sí", ""
    ]
    assert por_numero["1.5.1"]["cifra_recalculada"] == "" and por_numero["1.5.1"]["avance"] == "35.0"  # una acción
    a321 = por_numero["3.2.1"]
    assert (a321["nivel"], a321["avance"], a321["nota_aclaratoria"], a321["estado"]) == ("accion", "100.0", "sí", "")
    assert por_numero["1.1.2"]["etapa"] == "En etapa de diseño de las encuestas"
    assert por_numero["3.3"]["estado"] == "concluido"


# --- El libro XLSX ------------------------------------------------------------------------


def test_libro_xlsx(client, pal):
    respuesta = client.get(f"/datos/{PAL}.xlsx")
    assert respuesta["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert respuesta["Content-Disposition"] == f'attachment; filename="{PAL}.xlsx"'
    libro = _libro(respuesta)
    assert libro.sheetnames == ["Léeme", "Plan", "Ejes", "Compromisos", "Acciones", "Avances", "Evidencias"]

    (plan,) = _filas_hoja(libro["Plan"])
    assert (plan["plan"], plan["avance"], plan["avance_publicado"], plan["meta_por_alcanzar"]) == (PAL, 45.3, 42, 54.7)
    assert (plan["periodo_nombre"], plan["informe"]) == ("Agosto–noviembre 2023", "Primer Informe Parcial")
    assert len(_filas_hoja(libro["Ejes"])) == 7
    compromisos = {f["compromiso"]: f for f in _filas_hoja(libro["Compromisos"])}
    assert len(compromisos) == 13
    assert (compromisos["1.5"]["avance"], compromisos["1.5"]["avance_publicado"], compromisos["1.5"]["estado"]) == (36.3, 23, "sin-calendario")
    # Escala OGP con las cifras reales: 1.2 (0 %) no iniciado, 3.2 y 7.1 sustanciales, 3 completos.
    niveles = {clave: f["cumplimiento_ogp"] for clave, f in compromisos.items()}
    assert (niveles["1.2"], niveles["3.2"], niveles["7.1"], niveles["3.3"]) == ("no-iniciado", "sustancial", "sustancial", "completo")
    assert sorted(niveles.values()).count("limitado") == 7
    assert {f["estado"] for f in compromisos.values()} == {"concluido", "sin-calendario"}
    assert (compromisos["2.1"]["cifra_oficial"], compromisos["2.1"]["cifra_recalculada"], compromisos["2.1"]["coinciden"]) == (35, 33.5, "no")
    assert (plan["cifra_oficial"], plan["informe_de_la_cifra_oficial"], plan["cifra_recalculada"]) == (42, "Primer Informe Parcial", 45.3)
    acciones = {f["accion"]: f for f in _filas_hoja(libro["Acciones"])}
    assert len(acciones) == 33 and acciones["3.2.1"]["nota_aclaratoria"] == "sí"
    avances = {f["accion"]: f for f in _filas_hoja(libro["Avances"])}
    assert len(avances) == 33 and avances["1.5.1"]["porcentaje"] == 35

    for hoja in datos.HOJAS:
        ws = libro[hoja.nombre]
        assert [c.value for c in ws[1]] == [c.nombre for c in hoja.columnas]
        assert all(c.font.bold for c in ws[1]), hoja.nombre
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 10 for c in ws[1])
    # Porcentajes como números con formato de porcentaje (el valor es 45.3, no 0.453).
    celda = libro["Plan"].cell(row=2, column=[c.nombre for c in datos.COLUMNAS_HOJA_PLAN].index("avance") + 1)
    assert isinstance(celda.value, float) and celda.number_format == '0.0" %"'
    porcentaje = libro["Avances"].cell(row=2, column=[c.nombre for c in datos.COLUMNAS_AVANCES].index("porcentaje") + 1)
    assert porcentaje.number_format == '0.0#" %"'

    leeme = "\n".join(str(c) for fila in libro["Léeme"].iter_rows(values_only=True) for c in fila if c)
    assert "Cifras al último periodo publicado: Agosto–noviembre 2023 (del 2023-08-01 al 2023-11-30)." in leeme
    assert "Solo incluye avances validados de periodos publicados" in leeme
    assert LICENCIA_POR_OMISION in leeme and "http://testserver/datos/" in leeme
    for hoja in datos.HOJAS:
        for columna in hoja.columnas:
            assert columna.descripcion in leeme


def test_libro_sin_fecha_de_generacion(client, pal):
    """Los mismos datos dan los mismos bytes: ni el ZIP ni las propiedades llevan fecha."""
    primero = client.get(f"/datos/{PAL}.xlsx").content
    cache.clear()
    segundo = client.get(f"/datos/{PAL}.xlsx").content
    assert primero == segundo
    archivo = zipfile.ZipFile(io.BytesIO(primero))
    assert {m.date_time for m in archivo.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    propiedades = archivo.read("docProps/core.xml").decode()
    assert "dcterms:created" not in propiedades and "dcterms:modified" not in propiedades


def test_libro_de_plan_sin_periodos_publicados(client, pal):
    libro = _libro(client.get(f"/datos/{HISTORICO}.xlsx"))
    (plan,) = _filas_hoja(libro["Plan"])
    assert plan["avance"] is None and plan["acciones_total"] == 34
    assert _filas_hoja(libro["Avances"]) == []
    leeme = " ".join(str(c) for fila in libro["Léeme"].iter_rows(values_only=True) for c in fila if c)
    assert "aún no tiene periodos publicados" in leeme


# --- La lista de planes -------------------------------------------------------------------


def test_lista_de_planes(client, pal):
    respuesta = client.get("/datos/planes.json")
    assert respuesta["Content-Type"] == "application/json; charset=utf-8"
    planes = respuesta.json()["planes"]
    assert [p["slug"] for p in planes] == [PAL, HISTORICO]
    actual, historico = planes
    assert (actual["vigencia"], actual["avance"], actual["cobertura"]) == ("2022-2024", 45.3, {"con_reporte": 33, "total": 33})
    assert actual["ultimo_periodo_publicado"] == {
        "slug": "agosto-noviembre-2023", "nombre": "Agosto–noviembre 2023", "inicio": "2023-08-01", "fin": "2023-11-30",
    }
    assert actual["archivos"] == {
        "json": f"http://testserver/datos/{PAL}.json",
        "arbol_csv": f"http://testserver/datos/{PAL}/arbol.csv",
        "avances_csv": f"http://testserver/datos/{PAL}/avances.csv",
        "avances_json": f"http://testserver/datos/{PAL}/avances.json",
        "evidencias_csv": f"http://testserver/datos/{PAL}/evidencias.csv",
        "xlsx": f"http://testserver/datos/{PAL}.xlsx",
    }
    assert (historico["avance"], historico["cobertura"], historico["ultimo_periodo_publicado"]) == (
        None, {"con_reporte": 0, "total": 34}, None,
    )
    for plan in planes:
        for url in plan["archivos"].values():
            assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


# --- Nada sin validar ni de periodos sin publicar -----------------------------------------


def _todo_lo_publico(client):
    """El texto de cada página y archivo público de datos abiertos del plan real."""
    textos = {}
    for url in ["/datos/", "/datos/planes.json", f"/datos/{PAL}.json", f"/datos/{PAL}/arbol.csv",
                f"/datos/{PAL}/avances.csv", f"/datos/{PAL}/avances.json"]:
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        textos[url] = respuesta.content.decode("utf-8")
    libro = _libro(client.get(f"/datos/{PAL}.xlsx"))
    textos["xlsx"] = "\n".join(
        str(c) for hoja in libro for fila in hoja.iter_rows(values_only=True) for c in fila if c is not None
    )
    return textos


def test_nada_sin_validar_ni_de_periodos_sin_publicar(client, pal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publicado = crear_periodo(pal, datetime.date(2023, 12, 1), nombre="Diciembre 2023–enero 2024", slug="dic-2023-ene-2024")
    secretos = []
    archivos_secretos = []
    # Borrador, enviado y devuelto en un periodo publicado.
    for numero, estado in enumerate([Avance.Estado.BORRADOR, Avance.Estado.ENVIADO, Avance.Estado.DEVUELTO], start=1):
        avance = Avance.objects.create(
            accion=_accion(pal, f"6.1.{numero}"), periodo=publicado, estado=estado,
            porcentaje=Decimal(f"8{numero}.47"), narrativa=f"Narrativa {estado} sin validar",
            etapa=f"Etapa {estado} sin validar", nota_aclaratoria_marcada=True, nota_aclaratoria=f"Nota {estado} sin validar",
            observaciones=f"Observación {estado} sin validar" if estado == Avance.Estado.DEVUELTO else "",
        )
        Evidencia.objects.create(avance=avance, url=f"https://example.org/{estado}-sin-validar")
        archivos_secretos.append(Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("x.pdf", PDF)))
        secretos += [f"8{numero}.47", f"Narrativa {estado}", f"Etapa {estado}", f"Nota {estado}", f"{estado}-sin-validar"]
    # Validados en periodos que no están publicados.
    for mes, estado in [(2, Periodo.Estado.PROGRAMADO), (4, Periodo.Estado.ABIERTO), (6, Periodo.Estado.CERRADO)]:
        periodo = crear_periodo(pal, datetime.date(2024, mes, 1), estado=estado, nombre=f"Periodo {estado} oculto", slug=f"periodo-{estado}-oculto")
        avance = Avance.objects.create(
            accion=_accion(pal, "7.1.3"), periodo=periodo, estado=Avance.Estado.VALIDADO,
            porcentaje=Decimal(f"9{mes}.53"), narrativa=f"Validado en periodo {estado}",
            validado_en=datetime.datetime(2024, mes, 15, 18, 0, tzinfo=datetime.timezone.utc),
        )
        Evidencia.objects.create(avance=avance, url=f"https://example.org/periodo-{estado}")
        archivos_secretos.append(Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("y.pdf", PDF)))
        secretos += [f"9{mes}.53", f"Validado en periodo {estado}", f"periodo-{estado}", f"Periodo {estado} oculto", f"2024-{mes:02d}-01"]
    secretos += [f"http://testserver/evidencias/{e.pk}/" for e in archivos_secretos]

    textos = _todo_lo_publico(client)
    for donde, texto in textos.items():
        for secreto in secretos:
            assert secreto not in texto, (donde, secreto)
    # Lo publicado sigue igual: 33 avances, el mismo avance global.
    assert len(json.loads(textos[f"/datos/{PAL}/avances.json"])["avances"]) == 33
    assert json.loads(textos[f"/datos/{PAL}.json"])["plan"]["avance"] == 45.3
    assert "sin validar" not in textos["xlsx"]


def test_al_publicar_aparece_en_la_siguiente_descarga(client, pal):
    """La caché nunca sirve un archivo viejo: validar un avance de un periodo publicado lo
    muestra en la siguiente descarga."""
    periodo = crear_periodo(pal, datetime.date(2023, 12, 1), nombre="Diciembre 2023–enero 2024", slug="dic-2023-ene-2024")
    avance = Avance.objects.create(accion=_accion(pal, "1.5.1"), periodo=periodo, porcentaje=Decimal("60"), estado=Avance.Estado.ENVIADO)
    assert len(_filas_csv(client.get(f"/datos/{PAL}/avances.csv"))) == 33
    avance.estado = Avance.Estado.VALIDADO
    avance.save()
    filas = _filas_csv(client.get(f"/datos/{PAL}/avances.csv"))
    assert len(filas) == 34
    assert [(f["periodo"], f["porcentaje"]) for f in filas if f["accion"] == "1.5.1"] == [
        ("agosto-noviembre-2023", "35"), ("dic-2023-ene-2024", "60"),
    ]


# --- La página que documenta cada clave y columna -----------------------------------------


def _claves(objeto, prefijo=""):
    """Cada ruta de clave de un JSON: «plan.cobertura.total», «ejes[].compromisos[].numero»."""
    for clave, valor in objeto.items():
        ruta = prefijo + clave
        yield ruta
        if isinstance(valor, dict):
            yield from _claves(valor, ruta + ".")
        elif isinstance(valor, list):
            for elemento in valor:
                if isinstance(elemento, dict):
                    yield from _claves(elemento, ruta + "[].")


def test_la_pagina_documenta_cada_clave_y_columna(client, pal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Una evidencia, para que las claves de «evidencias[]» estén en el JSON.
    Evidencia.objects.create(avance=_avance(pal, "1.3.1"), url="https://example.org/ecoapp", descripcion="Sitio")
    respuesta = client.get("/datos/")
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    # Las descripciones se escriben con la contracción: «del compromiso», nunca «de el compromiso».
    assert " de el " not in texto_de(respuesta)

    documentadas = {
        "/datos/planes.json": datos.CLAVES_PLANES_JSON,
        f"/datos/{PAL}.json": datos.CLAVES_ARBOL_JSON,
        f"/datos/{PAL}/avances.json": datos.CLAVES_AVANCES_JSON,
    }
    for url, claves in documentadas.items():
        presentes = set(_claves(client.get(url).json()))
        for clave in presentes:
            assert f"<code>{clave}</code>" in html, (url, clave)
        # Y no se documenta ninguna clave que el archivo no tenga.
        assert presentes == {c.nombre for c in claves}, url

    for url in [f"/datos/{PAL}/avances.csv", f"/datos/{PAL}/arbol.csv"]:
        for columna in _filas_csv(client.get(url))[0]:
            assert f"<code>{columna}</code>" in html, (url, columna)
    libro = _libro(client.get(f"/datos/{PAL}.xlsx"))
    for hoja in libro.sheetnames[1:]:
        assert f"Hoja «{hoja}»" in html
        for celda in libro[hoja][1]:
            assert f"<code>{celda.value}</code>" in html, (hoja, celda.value)

    # Direcciones, codificación, redondeo, condiciones y lo que se incluye.
    for direccion in ["/datos/planes.json", "/datos/&lt;plan&gt;.json", "/datos/&lt;plan&gt;/arbol.csv",
                      "/datos/&lt;plan&gt;/avances.csv", "/datos/&lt;plan&gt;/avances.json", "/datos/&lt;plan&gt;.xlsx"]:
        assert f"<code>{direccion}</code>" in html, direccion
    assert "UTF-8 <em>con BOM</em>" in html
    assert "<caption id=\"c-arbol-json\">Claves de /datos/&lt;plan&gt;.json</caption>" in html
    assert "un decimal, redondeo mitad hacia arriba" in html and "tal como se validó, sin redondear" in html
    assert datos.CONDICIONES in html
    assert "Solo incluye avances validados de periodos publicados" in html
    # Las dos cifras con los nombres de las páginas, y qué pasó con los nombres anteriores.
    texto = texto_de(respuesta)
    assert "Cada plan, eje y compromiso tiene dos cifras. La cifra oficial es la que el Secretariado Técnico Local (STL) publicó" in texto
    assert "«avance» y «avance_publicado» son los nombres anteriores de la cifra recalculada y de la oficial: se conservan" in texto
    # Una fila por plan con el enlace a cada archivo.
    for slug in [PAL, HISTORICO]:
        for archivo in [f"{slug}.json", f"{slug}/arbol.csv", f"{slug}/avances.csv", f"{slug}/avances.json", f"{slug}.xlsx"]:
            assert f'href="http://testserver/datos/{archivo}"' in html, archivo
    assert "45.3\u00a0%" in html and "Agosto–noviembre 2023" in html


@pytest.mark.parametrize(
    "url", ["/datos/no-existe.json", "/datos/no-existe/avances.csv", "/datos/no-existe/avances.json",
            "/datos/no-existe/arbol.csv", "/datos/no-existe.xlsx"],
)
def test_plan_desconocido_404_en_espanol(client, pal, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 404
    html = respuesta.content.decode()
    assert "No existe el plan «no-existe»." in html
    assert PAL in html and HISTORICO in html  # dice cuáles sí hay
    assert "Content-Disposition" not in respuesta


# --- Consultas fijas ----------------------------------------------------------------------


@pytest.fixture(params=["real", "600-acciones"])
def plan_medido(request, pal):
    return pal if request.param == "real" else plan_generado(10, 10, 6)[0]


def test_archivos_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    slug = plan_medido.slug
    # El plan real tiene informe publicado del periodo: una consulta más, la de sus cifras.
    informe = 1 if slug == PAL else 0
    # 1. versión publicada  2. plan  3. último periodo publicado  4. ejes  5. compromisos
    # 6. acciones con su último avance  7. informe publicado del periodo  [8. sus cifras]
    # 9. compromisos con su institución y representante  10. evidencias de los compromisos
    with django_assert_num_queries(9 + informe):
        assert client.get(f"/datos/{slug}.json").status_code == 200
    # 1. versión  2. plan  3-6. estado público (como el JSON)  7. informe  [8. cifras]
    # 9. compromisos con su responsable  10. sus evidencias
    with django_assert_num_queries(9 + informe):
        assert client.get(f"/datos/{slug}/arbol.csv").status_code == 200
    # 1. versión  2. plan  3. avances publicados con periodo y acción  4. sus evidencias
    with django_assert_num_queries(4):
        assert client.get(f"/datos/{slug}/avances.csv").status_code == 200
    # 1. versión  2. plan  3. avances publicados  4. sus evidencias
    with django_assert_num_queries(4):
        assert client.get(f"/datos/{slug}/avances.json").status_code == 200
    # 1. versión  2. plan  3. evidencias publicadas (de avances y de compromisos) con su dueño
    with django_assert_num_queries(3):
        assert client.get(f"/datos/{slug}/evidencias.csv").status_code == 200
    # 1. versión  2. plan  3-6. estado público  7. informe  [8. cifras]  9. avances  10. evidencias
    # de los avances  11. evidencias publicadas (hoja «Evidencias»)  12. compromisos con su
    # responsable  13. evidencias de los compromisos (columna «evidencias» de la hoja «Compromisos»)
    with django_assert_num_queries(12 + informe):
        assert client.get(f"/datos/{slug}.xlsx").status_code == 200


def test_indice_y_lista_en_consultas_constantes(client, pal, django_assert_num_queries):
    plan_generado(10, 10, 6)
    # 1. versión  2. planes  3. últimos periodos publicados  4. ejes  5. compromisos  6. acciones
    with django_assert_num_queries(6):
        assert client.get("/datos/").status_code == 200
    # 1. versión  2. planes  3. últimos periodos publicados  4-6. roll-up de todos los planes
    with django_assert_num_queries(6):
        assert len(client.get("/datos/planes.json").json()["planes"]) == 3


@pytest.mark.parametrize(
    "ruta", ["/datos/", "/datos/planes.json", "/datos/{slug}.json", "/datos/{slug}/arbol.csv",
             "/datos/{slug}/avances.csv", "/datos/{slug}/avances.json", "/datos/{slug}/evidencias.csv",
             "/datos/{slug}.xlsx"],
)
def test_segunda_descarga_sale_de_la_cache(client, plan_medido, ruta, django_assert_num_queries):
    url = ruta.format(slug=plan_medido.slug)
    primera = client.get(url)
    assert primera.status_code == 200
    with django_assert_num_queries(1):
        # 1. versión publicada: la respuesta sale de la caché, con sus encabezados.
        segunda = client.get(url)
    assert segunda.content == primera.content
    assert segunda["Content-Type"] == primera["Content-Type"]
    assert segunda.get("Content-Disposition") == primera.get("Content-Disposition")
    assert segunda["ETag"] == primera["ETag"]


# --- Licencia, responsables y evidencias de cada compromiso -------------------------------


def _licencias_en_archivos(client):
    """La licencia tal como la lleva cada archivo del plan real: ``{archivo: valor}``."""
    libro = _libro(client.get(f"/datos/{PAL}.xlsx"))
    (plan_xlsx,) = _filas_hoja(libro["Plan"])
    leeme = [c for fila in libro["Léeme"].iter_rows(values_only=True) for c in fila if c and str(c).startswith("Licencia: ")]
    por_csv = {
        url: {(f["licencia"], f["licencia_url"]) for f in _filas_csv(client.get(url))}
        for url in [f"/datos/{PAL}/avances.csv", f"/datos/{PAL}/arbol.csv"]
    }
    return {
        "planes.json": client.get("/datos/planes.json").json()["planes"][0]["licencia"],
        "plan.json": client.get(f"/datos/{PAL}.json").json()["licencia"],
        "avances.json": client.get(f"/datos/{PAL}/avances.json").json()["licencia"],
        **por_csv,
        "xlsx Plan": (plan_xlsx["licencia"], plan_xlsx["licencia_url"]),
        "xlsx Léeme": leeme,
    }


def test_licencia_en_la_pagina_y_dentro_de_cada_archivo(client, pal):
    cc_by = ("Creative Commons Atribución 4.0 Internacional (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/deed.es")
    html = client.get("/datos/").content.decode()
    assert html.count(f'<a href="{cc_by[1]}" rel="license noopener">{cc_by[0]}</a>') == 2  # una por plan
    assert html.count("La del portal por omisión: el STL del plan aún no ha fijado una.") == 2
    por_omision = {"clave": "cc-by-4.0", "nombre": cc_by[0], "url": cc_by[1], "fijada_por_el_stl": False}
    assert _licencias_en_archivos(client) == {
        "planes.json": por_omision,
        "plan.json": por_omision,
        "avances.json": por_omision,
        f"/datos/{PAL}/avances.csv": {cc_by},  # la misma en cada fila
        f"/datos/{PAL}/arbol.csv": {cc_by},
        "xlsx Plan": cc_by,
        "xlsx Léeme": [LICENCIA_POR_OMISION],
    }

    # El STL la fija en el admin: la página y cada archivo cambian en la siguiente descarga.
    pal.licencia = "cc-by-sa-4.0"
    pal.save()
    cc_by_sa = ("Creative Commons Atribución-CompartirIgual 4.0 Internacional (CC BY-SA 4.0)", "https://creativecommons.org/licenses/by-sa/4.0/deed.es")
    html = client.get("/datos/").content.decode()
    assert f'<a href="{cc_by_sa[1]}" rel="license noopener">{cc_by_sa[0]}</a><span class="nota">Fijada por el STL del plan.</span>' in html
    fijada = {"clave": "cc-by-sa-4.0", "nombre": cc_by_sa[0], "url": cc_by_sa[1], "fijada_por_el_stl": True}
    archivos = _licencias_en_archivos(client)
    assert archivos["plan.json"] == archivos["avances.json"] == archivos["planes.json"] == fijada
    assert archivos[f"/datos/{PAL}/arbol.csv"] == {cc_by_sa} and archivos["xlsx Plan"] == cc_by_sa
    assert archivos["xlsx Léeme"] == [f"Licencia: {cc_by_sa[0]} ({cc_by_sa[1]}), fijada por el STL del plan."]


def test_responsables_y_evidencias_de_cada_compromiso(client, pal):
    arbol = client.get(f"/datos/{PAL}.json").json()
    c13 = arbol["ejes"][0]["compromisos"][2]
    assert (c13["numero"], c13["institucion_responsable"], c13["representante"]) == (
        "1.3", "Poder Ejecutivo del Estado de Guanajuato", "Mtro. J. Jesús Soria Narváez",
    )
    assert c13["representante_cargo"] == "Director General de Gobierno Abierto de la Secretaría de Transparencia y Rendición de Cuentas"
    assert c13["evidencias"] == [{"url": "https://smaot.guanajuato.gob.mx/sitio/ecoapp/", "tipo": "enlace", "descripcion": ""}]
    # La del 1.5 el informe la imprimió como texto, sin enlace: llega tal cual, como descrita.
    (c15_evidencia,) = arbol["ejes"][0]["compromisos"][4]["evidencias"]
    assert (c15_evidencia["url"], c15_evidencia["tipo"]) == ("", "descrita")
    assert "Aproximadamente 129 beneficiarios" in c15_evidencia["descripcion"]

    por_numero = {f["numero"]: f for f in _filas_csv(client.get(f"/datos/{PAL}/arbol.csv"))}
    c61 = por_numero["6.1"]
    assert (c61["institucion_responsable"], c61["representante"]) == ("Universidad de Guanajuato (UG)", "Lic. Olimpo Damián Saldaña Ayala")
    assert c61["evidencias"] == (
        "https://www.ugto.mx/antenauniversitariaug/ | https://www.instagram.com/udeguanajuato/?igshid=NzZlODBkYWWE4Ng%3D%3D"
    )
    assert por_numero["1.1"]["evidencias"] == ""  # el informe no citó enlaces para el 1.1
    assert por_numero["6.1.1"]["representante"] == por_numero["6"]["institucion_responsable"] == ""

    compromisos = {f["compromiso"]: f for f in _filas_hoja(_libro(client.get(f"/datos/{PAL}.xlsx"))["Compromisos"])}
    assert compromisos["4.1"]["institucion_responsable"] == "Instituto de Acceso a la Información Pública para el Estado de Guanajuato (IACIP)"
    assert compromisos["4.1"]["representante_cargo"] == "Jefe de Gobierno Abierto y Vinculación Institucional"
    # El 7.1 imprimió un texto y un enlace: los dos, en el orden en que se cargaron.
    assert compromisos["7.1"]["evidencias"] == (
        "Municipios Abiertos del Estado de Guanajuato\n2022-2024 | https://www.gobiernoabiertocto.org.mx/municipios2/mapa.html"
    )


def test_responsables_que_parecen_formulas_no_se_vuelven_formulas(client, pal):
    persona = Persona.objects.get(nombre="J. Jesús Soria Narváez")
    persona.cargo = '=HYPERLINK("https://example.org","x")'
    persona.save()
    arbol_csv = client.get(f"/datos/{PAL}/arbol.csv")
    xlsx = client.get(f"/datos/{PAL}.xlsx").content
    assert formulas_en_csv(arbol_csv.content) == [] and formulas_en_xlsx(xlsx) == []
    por_numero = {f["numero"]: f for f in _filas_csv(arbol_csv)}
    assert por_numero["1.1"]["representante_cargo"] == '\'=HYPERLINK("https://example.org","x")'
    compromisos = {f["compromiso"]: f for f in _filas_hoja(load_workbook(io.BytesIO(xlsx))["Compromisos"])}
    assert compromisos["1.1"]["representante_cargo"] == '=HYPERLINK("https://example.org","x")'  # texto exacto
    assert client.get(f"/datos/{PAL}.json").json()["ejes"][0]["compromisos"][0]["representante_cargo"].startswith("=HYPERLINK")
