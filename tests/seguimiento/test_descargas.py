"""Descargas de evidencia (``/evidencias/<id>/``): el nombre con que llegan a la computadora.

Siempre como adjunto, con ``nosniff`` y el tipo detectado al subirlas, y con la extensión de ese
tipo: un PDF llamado «acta.html» baja como «acta.pdf», nunca como una página. Sin caracteres de
control ni de dirección del texto (U+202E haría pasar «informe‮fdp.exe» por un PDF) ni carpetas,
también para lo que se subió antes de esta revisión con esos nombres.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seguimiento import flujo
from seguimiento.models import Avance, Evidencia
from tests.ayudas import PDF, accion, cuerpo, nombre_descargado
from tests.seguimiento.test_archivos import XLSX, subir

CSV = b"accion,avance\n4.1.2,50\n"


def _descargar(client, evidencia):
    respuesta = client.get(f"/evidencias/{evidencia.pk}/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Disposition"].startswith("attachment;")
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    return respuesta


@pytest.mark.parametrize(
    "enviado,descargado",
    [
        ("acta.html", "acta.pdf"),
        ("acta.pdf.exe", "acta.pdf"),
        ("acta.PDF", "acta.PDF"),
        ("minuta sesión 1.5.3", "minuta sesión 1.5.3.pdf"),
        # El navegador ya le quita a lo que sube los caracteres invisibles; la extensión, no.
        ("informe\u202efdp.exe", "informefdp.pdf"),
    ],
)
def test_lo_subido_por_el_formulario_baja_con_la_extension_de_su_tipo(client, ciclo, enviado, descargado):
    assert subir(client, ciclo, (enviado, PDF)).status_code == 302
    evidencia = Evidencia.objects.get(avance__periodo=ciclo.periodo)
    respuesta = _descargar(client, evidencia)
    assert nombre_descargado(respuesta) == descargado
    assert respuesta["Content-Type"] == "application/pdf"
    assert "private" in respuesta["Cache-Control"]  # aún no publicado: solo su institución y el STL
    assert cuerpo(respuesta) == PDF


def test_una_tabla_csv_baja_como_csv(client, ciclo):
    assert subir(client, ciclo, ("avances.txt", CSV)).status_code == 302
    respuesta = _descargar(client, Evidencia.objects.get(avance__periodo=ciclo.periodo))
    assert nombre_descargado(respuesta) == "avances.csv"
    assert respuesta["Content-Type"] == "text/csv"


def test_el_nombre_guardado_no_trae_caracteres_de_direccion_ni_carpetas(ciclo):
    """Por el servicio (sin pasar por el navegador) el nombre llega tal cual: se limpia al guardar."""
    avance = flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.2"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=0,
        evidencias_nuevas=[
            Evidencia(archivo=SimpleUploadedFile("informe\u202efdp\u200f.exe", PDF), descripcion="Informe"),
            Evidencia(archivo=SimpleUploadedFile("carpeta\\acta.pdf", PDF), descripcion="Acta"),
        ],
    )
    assert avance.evidencias.get(descripcion="Informe").nombre_original == "informefdp.exe"
    assert avance.evidencias.get(descripcion="Acta").nombre_original == "acta.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "archivo,nombre_de_antes,descargado,tipo",
    [
        (PDF, "acta.html", "acta.pdf", "application/pdf"),
        (PDF, "informe\u202efdp.exe", "informefdp.pdf", "application/pdf"),
        (PDF, "C:\\Users\\enlace\\Escritorio\\acta.pdf", "acta.pdf", "application/pdf"),
        (PDF, "evidencias/../../acta\n.pdf", "acta.pdf", "application/pdf"),
        (PDF, "\u2067acta\u2069\u061c.pdf", "acta.pdf", "application/pdf"),
        (CSV, "instalar.bat", "instalar.csv", "text/csv"),
        (CSV, "visor.js", "visor.csv", "text/csv"),
        (XLSX, "macros.xlsm", "macros.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PDF, "", "evidencia.pdf", "application/pdf"),
    ],
)
def test_lo_publicado_antes_con_un_nombre_hostil_baja_con_un_nombre_seguro(
    client, pal, archivo, nombre_de_antes, descargado, tipo
):
    """Un archivo ya guardado (con nombre generado y su tipo detectado) cuyo nombre original se
    guardó, antes de esta revisión, tal como llegó; su avance está publicado: lo baja cualquiera."""
    avance = Avance.objects.del_plan(pal).filter(estado=Avance.Estado.VALIDADO).first()
    evidencia = Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("subido", archivo))
    Evidencia.objects.filter(pk=evidencia.pk).update(nombre_original=nombre_de_antes)
    respuesta = _descargar(client, evidencia)
    assert nombre_descargado(respuesta) == descargado
    assert respuesta["Content-Type"] == tipo
    assert "private" not in respuesta.get("Cache-Control", "")
    assert cuerpo(respuesta) == archivo


def test_la_pagina_de_la_captura_muestra_el_nombre_limpio(client, ciclo):
    flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.2"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=0,
        evidencias_nuevas=[Evidencia(archivo=SimpleUploadedFile("acta\u202efdp.exe", PDF))],
    )
    client.force_login(ciclo.iacip)
    html = client.get(f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/acciones/4.1.2/").content.decode()
    assert "actafdp.exe" in html
    assert "\u202e" not in html
