"""Archivos de evidencia: revisados por contenido, con tamaño máximo y nombre generado."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seguimiento.archivos import detectar_tipo
from seguimiento.models import Avance, Evidencia
from tests.ayudas import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(miembros: dict[str, bytes], comprimir=zipfile.ZIP_DEFLATED) -> bytes:
    memoria = io.BytesIO()
    with zipfile.ZipFile(memoria, "w", comprimir) as zip_:
        for nombre, datos in miembros.items():
            zip_.writestr(nombre, datos)
    return memoria.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, zipfile.ZIP_STORED)


def _subido(nombre, datos):
    return SimpleUploadedFile(nombre, datos)


@pytest.mark.parametrize(
    "nombre,datos,extension",
    [
        ("informe.pdf", PDF, ".pdf"),
        ("foto.PNG", PNG, ".png"),
        ("foto.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, ".jpg"),
        ("minuta.docx", DOCX, ".docx"),
        ("avance.xlsx", XLSX, ".xlsx"),
        ("tabla.ods", ODS, ".ods"),
        ("datos.csv", "acción,avance\n1.5.3,100\n".encode(), ".csv"),
        ("datos-excel.csv", "acción;avance\r\n1.5.3;100\r\n".encode("cp1252"), ".csv"),
        ("sin-extension", PDF, ".pdf"),
    ],
)
def test_tipos_permitidos_por_contenido(nombre, datos, extension):
    assert detectar_tipo(_subido(nombre, datos)).extension == extension


@pytest.mark.parametrize(
    "nombre,datos,mensaje",
    [
        ("acta.pdf", b"<html><body><script>alert(1)</script></body></html>", "contiene HTML, SVG o XML"),
        ("grafica.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "contiene HTML, SVG o XML"),
        ("logo.png", b"  <svg onload=alert(1)>", "contiene HTML, SVG o XML"),
        ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00", "no es de un tipo permitido"),
        ("vacio.pdf", b"", "está vacío"),
        ("comprimido.docx", _zip({"leeme.txt": b"hola"}), "es un ZIP que no es un documento de Office"),
        ("roto.docx", b"PK\x03\x04 esto no es un zip", "parece un ZIP dañado"),
    ],
)
def test_archivos_hostiles_rechazados_con_mensaje_claro(nombre, datos, mensaje):
    with pytest.raises(ValidationError) as error:
        detectar_tipo(_subido(nombre, datos))
    texto = error.value.messages[0]
    assert texto.startswith(f"El archivo «{nombre}» ")
    assert mensaje in texto


def test_bomba_zip_disfrazada_de_docx():
    bomba = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomba) < 100 * 1024  # pocos KB que se descomprimen a 30 MB
    with pytest.raises(ValidationError, match="se descomprime a 30 MB: parece una bomba zip"):
        detectar_tipo(_subido("informe.docx", bomba))


def test_tamano_maximo_desde_la_configuracion(settings):
    settings.EVIDENCIA_TAMANO_MAXIMO_MB = 1
    grande = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match=r"«anexo.pdf» pesa 1.0 MB; el máximo permitido es 1 MB."):
        detectar_tipo(_subido("anexo.pdf", grande))


@pytest.fixture
def medios(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_se_guarda_con_nombre_generado_y_se_conserva_el_original(pal, medios):
    avance = Avance.objects.first()
    evidencia = Evidencia(avance=avance, archivo=_subido("Minuta <sesión> final.PDF", PDF), descripcion="Minuta")
    evidencia.full_clean()
    evidencia.save()
    guardado = evidencia.archivo.name
    assert guardado.startswith("evidencias/") and guardado.endswith(".pdf")
    assert "Minuta" not in guardado and len(guardado) == len("evidencias/") + 32 + 4
    assert evidencia.nombre_original == "Minuta <sesión> final.PDF"
    assert (medios / guardado).read_bytes() == PDF


@pytest.mark.django_db
def test_el_admin_rechaza_un_html_disfrazado_y_no_guarda_nada(client, superusuario, pal, medios):
    client.force_login(superusuario)
    avance = Avance.objects.select_related("accion").first()
    datos = {
        "accion": avance.accion_id,
        "periodo": avance.periodo_id,
        "estado": avance.estado,
        "porcentaje": str(avance.porcentaje),
        "etapa": avance.etapa,
        "narrativa": "",
        "nota_aclaratoria": "",
        "evidencias-TOTAL_FORMS": 1,
        "evidencias-INITIAL_FORMS": 0,
        "evidencias-MIN_NUM_FORMS": 0,
        "evidencias-MAX_NUM_FORMS": 1000,
        "evidencias-0-descripcion": "Acta",
        "evidencias-0-url": "",
        "evidencias-0-archivo": _subido("acta.pdf", b"<!DOCTYPE html><script>robar()</script>"),
    }
    if avance.nota_aclaratoria_marcada:
        datos["nota_aclaratoria_marcada"] = "on"
    respuesta = client.post(reverse("admin:seguimiento_avance_change", args=[avance.pk]), datos)
    assert respuesta.status_code == 200
    assert "El archivo «acta.pdf» contiene HTML, SVG o XML" in respuesta.content.decode()
    assert not Evidencia.objects.exists()
    assert list(medios.rglob("*.*")) == []
