"""Informes en el portal (/informes/) y en el trabajo del STL, y el comando ``informe``."""

from __future__ import annotations

import hashlib
import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from seguimiento.models import CifraPublicada, Informe, Periodo
from tareas.models import Tarea
from tests.ayudas import al_confirmarse, cuerpo, texto_pdf

PDF_1 = "/informes/pal-2022-2024/1/v1/pal-2022-2024-informe-1-v1.pdf"
XLSX_1 = "/informes/pal-2022-2024/1/v1/pal-2022-2024-informe-1-v1.xlsx"


@pytest.fixture
def primero(pal):
    return Informe.objects.get(plan=pal, numero=1)


# --- Portal ----------------------------------------------------------------------------------


def test_la_lista_muestra_el_informe_publicado_con_sus_archivos_y_huellas(client, primero):
    html = client.get("/informes/").content.decode()
    assert "Primer Informe Parcial" in html
    assert "Agosto–noviembre 2023" in html and "Cuarta Sesión Ordinaria 2023" in html
    assert "42\u00a0%" in html
    assert PDF_1 in html and XLSX_1 in html
    assert primero.pdf_sha256 in html and primero.xlsx_sha256 in html
    # Enlazada desde la cabecera de todas las páginas públicas.
    assert 'href="/informes/"' in client.get("/").content.decode()


def test_la_pagina_permanente_de_una_version(client, primero):
    assert client.get("/informes/pal-2022-2024/1/")["Location"] == "/informes/pal-2022-2024/1/v1/"
    html = client.get("/informes/pal-2022-2024/1/v1/").content.decode()
    for texto in ("Primer Informe Parcial", primero.pdf_sha256, "sha256sum pal-2022-2024-informe-1-v1.pdf",
                  "Capturadas tal como las imprimió el informe", "45.33", "En 8 cifras la cifra recalculada no coincide con la oficial",
                  "Por qué, en el avance global:</strong> La diferencia viene de los compromisos 1.5, 2.1 y 5.1"):
        assert texto in html, texto
    assert client.get("/informes/pal-2022-2024/1/v2/").status_code == 404
    assert client.get("/informes/pal-2022-2024/9/").status_code == 404
    assert client.get("/informes/otro-plan/1/v1/").status_code == 404


def test_los_archivos_se_sirven_byte_por_byte_con_su_huella(client, primero):
    pdf = client.get(PDF_1)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline") and "pal-2022-2024-informe-1-v1.pdf" in pdf["Content-Disposition"]
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in pdf["Cache-Control"] and pdf["ETag"] == f'"{primero.pdf_sha256}"'
    datos = cuerpo(pdf)
    assert hashlib.sha256(datos).hexdigest() == primero.pdf_sha256
    assert "33 ACCIONES | 13 COMPROMISOS | 7 EJES" in texto_pdf(datos)
    xlsx = client.get(XLSX_1)
    assert xlsx["Content-Disposition"].startswith("attachment")
    libro = cuerpo(xlsx)
    assert hashlib.sha256(libro).hexdigest() == primero.xlsx_sha256
    assert load_workbook(io.BytesIO(libro)).sheetnames[1:5] == ["Plan", "Ejes", "Compromisos", "Acciones"]
    # Nombres y formatos que no son los del informe: 404.
    assert client.get("/informes/pal-2022-2024/1/v1/otro-nombre.pdf").status_code == 404
    assert client.get("/informes/pal-2022-2024/1/v1/pal-2022-2024-informe-1-v1.html").status_code == 404


def test_un_archivo_alterado_en_disco_no_se_sirve(client, primero):
    ruta = primero.pdf.path
    with open(ruta, "ab") as archivo:
        archivo.write(b"%% alterado")
    respuesta = client.get(PDF_1)
    assert respuesta.status_code == 500
    assert "no coincide con la huella SHA-256 publicada" in respuesta.content.decode()


def test_un_borrador_no_existe_para_el_publico(client, pal):
    periodo = Periodo.objects.get(plan=pal, slug="agosto-noviembre-2023")
    Informe.objects.create(plan=pal, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=periodo, periodo_final=periodo)
    assert "Segundo Informe Parcial" not in client.get("/informes/").content.decode()
    assert client.get("/informes/pal-2022-2024/2/").status_code == 404
    assert client.get("/informes/pal-2022-2024/2/v1/").status_code == 404


# --- Trabajo del STL ---------------------------------------------------------------------------


def _formulario(pal, **cambios):
    periodo = Periodo.objects.get(plan=pal, slug="agosto-noviembre-2023")
    datos = {"numero": "2", "titulo": "Segundo Informe Parcial", "periodo_inicial": periodo.pk,
             "periodo_final": periodo.pk, "sesion": "Primera Sesión Ordinaria 2024", "fecha_sesion": "2024-02-15"}
    datos.update(cambios)
    return datos


def test_la_facilitadora_crea_revisa_y_publica_un_informe(client, ciclo):
    client.force_login(ciclo.facilitadora)
    base = f"/trabajo/{ciclo.plan.slug}/informes/"
    formulario = client.get(base + "nuevo/").content.decode()
    assert 'value="2"' in formulario and "Segundo Informe Parcial" in formulario
    respuesta = client.post(base + "nuevo/", _formulario(ciclo.plan))
    informe = Informe.objects.get(plan=ciclo.plan, numero=2)
    assert respuesta["Location"] == f"{base}{informe.pk}/"
    detalle = client.get(respuesta["Location"]).content.decode()
    assert "Vista previa en PDF" in detalle and "Publicar y congelar" in detalle
    previa = client.get(f"{base}{informe.pk}/vista-previa.pdf")
    assert previa["Content-Type"] == "application/pdf"
    assert "BORRADOR · NO PUBLICADO" in texto_pdf(previa.content)
    assert "Primera Sesión Ordinaria 2024" in texto_pdf(previa.content)
    # Publicar pide la tarea y lleva a su página; sin broker, la tarea corre al confirmarse la petición.
    with al_confirmarse():
        respuesta = client.post(f"{base}{informe.pk}/publicar/")
    tarea = Tarea.objects.get(tipo="informes.publicar", argumentos__informe_id=informe.pk)
    assert respuesta["Location"] == f"/trabajo/{ciclo.plan.slug}/tareas/{tarea.pk}/"
    assert (tarea.estado, tarea.progreso, tarea.pedida_por, tarea.intentos) == ("terminada", 100, ciclo.facilitadora, 1)
    informe.refresh_from_db()
    assert informe.congelado and informe.publicado_por == ciclo.facilitadora
    pagina = client.get(respuesta["Location"]).content.decode()
    assert "publicado y congelado" in pagina and f'href="{base}{informe.pk}/"' in pagina
    assert CifraPublicada.objects.filter(informe=informe).count() == 1 + 7 + 13
    # Ya en el portal, y su vista previa lleva a lo congelado.
    assert "Segundo Informe Parcial" in client.get("/informes/").content.decode()
    assert client.get(f"{base}{informe.pk}/vista-previa.pdf")["Location"] == informe.url_pdf


@pytest.mark.parametrize(
    ("cambios", "campo", "mensaje"),
    [
        ({"numero": "1"}, "numero", "Ya existe el informe número 1 en este plan"),
        ({"titulo": ""}, "titulo", "Este campo es obligatorio"),
        ({"periodo_final": "999999"}, "periodo_final", "opción válida"),
        ({"fecha_sesion": "2024-13-45"}, "fecha_sesion", "Introduzca una fecha válida"),
    ],
)
def test_un_formulario_con_errores_dice_que_y_donde_y_no_escribe(client, ciclo, cambios, campo, mensaje):
    client.force_login(ciclo.facilitadora)
    antes = Informe.objects.count()
    respuesta = client.post(f"/trabajo/{ciclo.plan.slug}/informes/nuevo/", _formulario(ciclo.plan, **cambios))
    assert respuesta.status_code == 400
    assert mensaje in respuesta.content.decode()
    assert campo in respuesta.context["form"].errors
    assert Informe.objects.count() == antes


def test_el_periodo_final_no_puede_empezar_antes_que_el_inicial(client, ciclo):
    client.force_login(ciclo.facilitadora)
    anterior = Periodo.objects.get(plan=ciclo.plan, slug="agosto-noviembre-2023")
    respuesta = client.post(
        f"/trabajo/{ciclo.plan.slug}/informes/nuevo/",
        _formulario(ciclo.plan, periodo_inicial=ciclo.periodo.pk, periodo_final=anterior.pk),
    )
    assert respuesta.status_code == 400
    assert "empieza antes que el inicial" in respuesta.content.decode()
    assert not Informe.objects.filter(numero=2).exists()


def test_publicar_sin_sus_periodos_publicados_explica_que_falta(client, ciclo):
    client.force_login(ciclo.facilitadora)
    informe = Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=ciclo.periodo, periodo_final=ciclo.periodo
    )
    detalle = client.get(f"/trabajo/{ciclo.plan.slug}/informes/{informe.pk}/").content.decode()
    assert "Para publicar, primero publique el periodo Diciembre 2023–enero 2024" in detalle
    respuesta = client.post(f"/trabajo/{ciclo.plan.slug}/informes/{informe.pk}/publicar/", follow=True)
    assert "publique los periodos que cubre: Diciembre 2023–enero 2024" in respuesta.content.decode()
    informe.refresh_from_db()
    assert informe.estado == Informe.Estado.BORRADOR


def test_corregir_desde_el_trabajo_deja_ambas_versiones_en_el_portal(client, ciclo, primero):
    client.force_login(ciclo.facilitadora)
    base = f"/trabajo/{ciclo.plan.slug}/informes/"
    sin_motivo = client.post(f"{base}{primero.pk}/corregir/", {"motivo_correccion": ""})
    assert sin_motivo.status_code == 400 and Informe.objects.filter(numero=1).count() == 1
    respuesta = client.post(f"{base}{primero.pk}/corregir/", {"motivo_correccion": "Se agrega la cifra del compromiso 1.2."})
    v2 = Informe.objects.get(plan=ciclo.plan, numero=1, version=2)
    assert respuesta["Location"] == f"{base}{v2.pk}/"
    # Las cifras capturadas se copian para corregirlas en el admin.
    assert CifraPublicada.objects.filter(informe=v2).count() == CifraPublicada.objects.filter(informe=primero).count()
    with al_confirmarse():
        client.post(f"{base}{v2.pk}/publicar/")
    v2.refresh_from_db()
    assert v2.congelado and v2.origen_cifras == Informe.OrigenCifras.CAPTURA
    assert client.get("/informes/pal-2022-2024/1/")["Location"] == "/informes/pal-2022-2024/1/v2/"
    anterior = client.get("/informes/pal-2022-2024/1/v1/").content.decode()
    assert "Esta versión fue corregida" in anterior and "Se agrega la cifra del compromiso 1.2." in anterior
    assert client.get(PDF_1).status_code == 200  # la versión 1 sigue descargable
    lista = client.get("/informes/").content.decode()
    assert "versión 2" in lista and "/informes/pal-2022-2024/1/v1/" in lista


def test_un_informe_publicado_no_se_edita_ni_se_borra(client, ciclo, primero):
    client.force_login(ciclo.facilitadora)
    base = f"/trabajo/{ciclo.plan.slug}/informes/{primero.pk}/"
    client.post(base + "editar/", _formulario(ciclo.plan, titulo="Otro título"))
    client.post(base + "borrar/")
    primero.refresh_from_db()
    assert primero.titulo == "Primer Informe Parcial" and primero.congelado


def test_el_admin_muestra_lo_publicado_de_solo_lectura(admin_client, primero):
    html = admin_client.get(f"/admin/seguimiento/informe/{primero.pk}/change/").content.decode()
    assert primero.pdf_sha256 in html
    assert 'name="titulo"' not in html  # no editable
    assert admin_client.get(f"/admin/seguimiento/informe/{primero.pk}/delete/").status_code == 403


# --- Comando --------------------------------------------------------------------------------


def test_el_comando_escribe_el_informe_publicado_tal_como_se_congelo(primero, tmp_path):
    salida = tmp_path / "informe.pdf"
    errores = StringIO()
    call_command("informe", "pal-2022-2024", "1", "--salida", str(salida), stderr=errores)
    assert hashlib.sha256(salida.read_bytes()).hexdigest() == primero.pdf_sha256
    assert primero.pdf_sha256 in errores.getvalue()
    call_command("informe", "pal-2022-2024", "1", "--salida", str(tmp_path / "i.xlsx"), stderr=StringIO())
    assert hashlib.sha256((tmp_path / "i.xlsx").read_bytes()).hexdigest() == primero.xlsx_sha256


def test_el_comando_genera_un_borrador_de_un_periodo_sin_guardarlo(pal, tmp_path):
    salida = tmp_path / "borrador.pdf"
    call_command("informe", "pal-2022-2024", "--hasta", "agosto-noviembre-2023", "--salida", str(salida), stderr=StringIO())
    texto = texto_pdf(salida.read_bytes())
    assert "BORRADOR" in texto and "Segundo Informe Parcial" in texto
    assert Informe.objects.filter(plan=pal).count() == 1


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["no-existe", "1"], "No existe el plan «no-existe»"),
        (["pal-2022-2024", "7"], "no tiene el informe 7. Informes: 1 (v1)"),
        (["pal-2022-2024", "--hasta", "nada"], "no tiene el periodo «nada». Periodos: agosto-noviembre-2023"),
        (["pal-2022-2024"], "Indique el número del informe"),
    ],
)
def test_el_comando_explica_sus_errores(pal, tmp_path, argumentos, mensaje):
    with pytest.raises(CommandError, match=re.escape(mensaje)):
        call_command("informe", *argumentos, "--salida", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="debe terminar en .pdf o .xlsx"):
        call_command("informe", "pal-2022-2024", "1", "--salida", str(tmp_path / "x.docx"))
    assert not (tmp_path / "x.pdf").exists()


def test_si_falta_un_archivo_la_pagina_sigue_y_la_descarga_dice_que_no_esta(client, primero):
    import os

    os.remove(primero.pdf.path)
    pagina = client.get("/informes/pal-2022-2024/1/v1/")
    assert pagina.status_code == 200 and "no disponible" in pagina.content.decode()
    assert primero.pdf_sha256 in pagina.content.decode()
    assert client.get(PDF_1).status_code == 404
