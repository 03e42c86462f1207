"""Archivos de evidencia: revisados por contenido, con tamaño máximo y nombre generado.

Los archivos hostiles se hacen aquí a mano (un .xlsm con vbaProject.bin, PDF con JavaScript o
con /Launch, también escondidos en un flujo de objetos, OLE con macros) y se suben por el
formulario de captura real, como lo haría una persona: se mira el mensaje en la página y que no
se escriba nada (ni avance, ni evidencia, ni archivo).
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from pypdf import PdfWriter

from seguimiento import archivos
from seguimiento.archivos import detectar_tipo, revisar_evidencia
from seguimiento.models import Avance, Evidencia
from tests.ayudas import PDF, ole_a_mano, pdf_a_mano
from tests.seguimiento.test_trabajo import _base, _form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(miembros: dict[str, bytes], comprimir=zipfile.ZIP_DEFLATED) -> bytes:
    memoria = io.BytesIO()
    with zipfile.ZipFile(memoria, "w", comprimir) as zip_:
        for nombre, datos in miembros.items():
            zip_.writestr(nombre, datos)
    return memoria.getvalue()


def _libro() -> bytes:
    libro = openpyxl.Workbook()
    libro.active.append(["Acción", "Avance"])
    libro.active.append(["4.1.2", 50])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


_TIPOS_DOCX = (
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)
DOCX = _zip({"[Content_Types].xml": _TIPOS_DOCX, "word/document.xml": b"<w:document/>"})
XLSX = _libro()
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document/>"},
           zipfile.ZIP_STORED)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"},
           zipfile.ZIP_STORED)

#: Un libro habilitado para macros (.xlsm): su tipo de contenido lo dice y trae el proyecto VBA.
XLSM = _zip({
    "[Content_Types].xml": (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
        b"</Types>"
    ),
    "xl/workbook.xml": b"<workbook/>",
    "xl/vbaProject.bin": ole_a_mano({"VBA/dir": b"Attribute VB_Name"}),
})


def _pdf(catalogo="", pagina="", otros=None, comprimidos=()):
    """Un PDF de una página escrito a mano, con lo que se le agregue al catálogo o a la página."""
    return pdf_a_mano(
        {
            1: f"<< /Type /Catalog /Pages 2 0 R {catalogo} >>",
            2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {pagina} >>",
            **(otros or {}),
        },
        comprimidos=comprimidos,
    )


_JS = "<< /S /JavaScript /JS (app.alert\\('hola'\\)) >>"
_LANZAR = "<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"
#: JavaScript de apertura dentro de un flujo de objetos comprimido: sus bytes no se ven en el archivo.
PDF_JS_COMPRIMIDO = _pdf("/OpenAction 4 0 R", otros={4: _JS}, comprimidos=(3, 4))


def _cifrado(usuario: str) -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=72, height=72)
    escritor.encrypt(user_password=usuario, owner_password="propietario", algorithm="RC4-128")
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


def _subido(nombre, datos):
    return SimpleUploadedFile(nombre, datos)


@pytest.fixture
def medios(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _archivos_guardados(raiz):
    return [p for p in raiz.rglob("*") if p.is_file()]


def subir(client, ciclo, *evidencias: tuple[str, bytes]):
    """La responsable del IACIP guarda un borrador de la acción 4.1.2 con estos archivos."""
    client.force_login(ciclo.iacip)
    campos = {}
    for numero, (nombre, datos) in enumerate(evidencias):
        archivo = io.BytesIO(datos)
        archivo.name = nombre
        campos[f"evidencias-{numero}-descripcion"] = f"Evidencia {numero + 1}"
        campos[f"evidencias-{numero}-archivo"] = archivo
    return client.post(f"{_base(ciclo)}/acciones/4.1.2/", _form("50", narrativa="Texto que no se pierde", **campos))


# --- Lo que se acepta -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nombre,datos,extension",
    [
        ("informe.pdf", PDF, ".pdf"),
        ("foto.PNG", PNG, ".png"),
        ("foto.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, ".jpg"),
        ("minuta.docx", DOCX, ".docx"),
        ("avance.xlsx", XLSX, ".xlsx"),
        ("tabla.ods", ODS, ".ods"),
        ("minuta.odt", ODT, ".odt"),
        ("datos.csv", "acción,avance\n1.5.3,100\n".encode(), ".csv"),
        ("datos-excel.csv", "acción;avance\r\n1.5.3;100\r\n".encode("cp1252"), ".csv"),
        ("datos-bom.csv", "\ufeffacción\tavance\n1.5.3\t100\n".encode(), ".csv"),
        ("con-comillas.csv", 'acción,narrativa\n1.5.3,"Dos líneas,\ncon coma"\n'.encode(), ".csv"),
        # «BM» al inicio: filetype lo toma por un BMP, pero es una tabla de texto.
        ("imc.csv", b"BMI,peso\n22,70\n", ".csv"),
        ("sin-extension", PDF, ".pdf"),
        # Office antiguo: el tipo lo dicen sus flujos, no su extensión.
        ("minuta", ole_a_mano({"WordDocument": b"\xec\xa5\xc1\x00"}), ".doc"),
        ("hoja.doc", ole_a_mano({"Workbook": b"\x09\x08\x10\x00"}), ".xls"),
        ("hoja-excel95.xls", ole_a_mano({"Book": b"\x09\x08"}), ".xls"),
        ("presentacion.xls", ole_a_mano({"PowerPoint Document": b"\x0f\x00\xe8\x03"}), ".ppt"),
        # Un PDF con flujos de objetos (como los de Office) y sin contenido activo.
        ("acta-office.pdf", _pdf("/PageMode /UseNone", comprimidos=(2, 3)), ".pdf"),
        # Cifrado solo con contraseña de propietario: se abre sin contraseña y se revisa.
        ("protegido.pdf", _cifrado(""), ".pdf"),
    ],
)
def test_tipos_permitidos_por_contenido(nombre, datos, extension):
    assert revisar_evidencia(_subido(nombre, datos)).extension == extension


def test_un_nombre_de_103_caracteres_se_acepta_y_se_conserva(client, ciclo, medios):
    nombre = "Acta de la primera sesión ordinaria del Secretariado Técnico Local de Gobierno Abierto Guanajuato 1.pdf"
    assert len(nombre) == 103
    respuesta = subir(client, ciclo, (nombre, PDF))
    assert respuesta.status_code == 302
    assert Evidencia.objects.get(avance__periodo=ciclo.periodo).nombre_original == nombre


def test_un_nombre_de_255_caracteres_se_acepta(client, ciclo, medios):
    nombre = ("Minuta " * 40)[:251] + ".pdf"
    assert len(nombre) == 255
    assert subir(client, ciclo, (nombre, PDF)).status_code == 302
    assert Evidencia.objects.get(avance__periodo=ciclo.periodo).nombre_original == nombre


# --- Lo que se rechaza, por el formulario de captura ------------------------------------------

_MACROS = "contiene macros (código VBA), que no se aceptan como evidencia."
_SIN_TABLA = "es texto, pero no una tabla CSV"


@pytest.mark.parametrize(
    "nombre,datos,mensaje",
    [
        ("presupuesto.xlsx", XLSM, f"{_MACROS} Guárdelo como .xlsx sin macros o como PDF."),
        ("macros.xlsm", XLSM, f"{_MACROS} Guárdelo como .xlsx sin macros o como PDF."),
        (
            "informe.docx",
            _zip({"[Content_Types].xml": _TIPOS_DOCX, "word/document.xml": b"<w:document/>",
                  "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
            f"{_MACROS} Guárdelo como .docx sin macros o como PDF.",
        ),
        (
            "formulario.docx",
            _zip({"[Content_Types].xml": _TIPOS_DOCX, "word/document.xml": b"<w:document/>",
                  "word/activeX/activeX1.xml": b"<ax:ocx/>"}),
            "contiene controles ActiveX, que no se aceptan como evidencia. Guárdelo como .docx sin controles "
            "ActiveX o como PDF.",
        ),
        (
            "minuta.odt",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>",
                  "Basic/Standard/Module1.xml": b"<script:module/>"}, zipfile.ZIP_STORED),
            "contiene macros o scripts, que no se aceptan como evidencia. Guárdelo como .odt sin macros ni "
            "scripts o como PDF.",
        ),
        (
            "minuta.doc",
            ole_a_mano({"WordDocument": b"\xec\xa5", "Macros/VBA/dir": b"x", "Macros/PROJECT": b"ID="}),
            f"{_MACROS} Guárdelo como .doc sin macros o como PDF.",
        ),
        (
            "cifras.xls",
            ole_a_mano({"Workbook": b"\x09\x08", "_VBA_PROJECT_CUR/VBA/dir": b"x"}),
            f"{_MACROS} Guárdelo como .xls sin macros o como PDF.",
        ),
        (
            "raro.doc",
            ole_a_mano({"Contents": b"x"}),
            "es un archivo de formato OLE que no es un documento de Word, Excel ni PowerPoint.",
        ),
        ("al-abrir.pdf", _pdf(f"/OpenAction {_JS}"), "contiene JavaScript, que no se acepta como evidencia."),
        ("nombres.pdf", _pdf("/Names << /JavaScript 4 0 R >>", otros={4: "<< /Names [(a) 5 0 R] >>", 5: _JS}),
         "contiene JavaScript"),
        ("catalogo-aa.pdf", _pdf(f"/AA << /WC {_JS} >>"), "contiene JavaScript"),
        ("pagina-aa.pdf", _pdf(pagina=f"/AA << /O {_JS} >>"), "contiene JavaScript"),
        (
            "vinculo.pdf",
            _pdf(pagina="/Annots [4 0 R]", otros={4: f"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A {_JS} >>"}),
            "contiene JavaScript",
        ),
        ("comprimido.pdf", PDF_JS_COMPRIMIDO, "contiene JavaScript"),
        (
            "lanzar.pdf",
            _pdf(f"/OpenAction {_LANZAR}"),
            "contiene una acción que abre otros programas o archivos (/Launch), que no se acepta como evidencia.",
        ),
        (
            "vinculo-lanzar.pdf",
            _pdf(pagina="/Annots [4 0 R]",
                 otros={4: f"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A {_LANZAR} >>"}, comprimidos=(3, 4)),
            "contiene una acción que abre otros programas o archivos (/Launch)",
        ),
        ("roto.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "parece un PDF dañado: no se pudo leer para revisarlo."),
        ("secreto.pdf", _cifrado("secreto"), "está cifrado o protegido con contraseña y así no se puede revisar"),
        ("instalar.bat", b"rem Instalador del visor, version 2\r\ncopy visor.exe %TEMP%\r\nstart %TEMP%\\visor.exe\r\n",
         _SIN_TABLA),
        ("visor.js", b"import { abrir, cerrar } from './visor.js';\nabrir(document.body);\n", _SIN_TABLA),
        ("carta.csv", "Guanajuato, Gto., 5 de febrero de 2024\n\nEstimado Lic. Pérez:\nLe envío el acta.\n".encode(),
         _SIN_TABLA),
        ("colores.csv", b"accion,avance\n1.5.3,\x1b[31m100\x1b[0m\n", "no es de un tipo permitido."),
        ("vacio.pdf", b"", "está vacío."),
    ],
)
def test_un_archivo_hostil_se_rechaza_por_el_formulario_y_no_se_guarda_nada(
    client, ciclo, medios, nombre, datos, mensaje
):
    respuesta = subir(client, ciclo, (nombre, datos))
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert f"El archivo «{nombre}» {mensaje}" in html
    assert "Texto que no se pierde" in html
    assert not Avance.objects.filter(periodo=ciclo.periodo).exists()
    assert not Evidencia.objects.filter(avance__periodo=ciclo.periodo).exists()
    assert _archivos_guardados(medios) == []


def test_el_javascript_comprimido_no_se_ve_en_los_bytes():
    """La prueba anterior de «comprimido.pdf» no la pasa una búsqueda de texto en el archivo."""
    assert b"JavaScript" not in PDF_JS_COMPRIMIDO and b"/JS" not in PDF_JS_COMPRIMIDO


def test_un_nombre_de_256_caracteres_es_un_error_que_nombra_el_archivo(client, ciclo, medios):
    nombre = ("Acta de la sesión del Secretariado Técnico Local " * 6)[:252] + ".pdf"
    assert len(nombre) == 256
    respuesta = subir(client, ciclo, (nombre, PDF))
    assert respuesta.status_code == 400
    corto = f"{nombre[:59]}…{nombre[-20:]}"
    assert (
        f"El archivo «{corto}» tiene un nombre de 256 caracteres; el máximo es 255. Acórtelo y vuelva a adjuntarlo."
        in respuesta.content.decode()
    )
    assert not Evidencia.objects.de_avances().exists()
    assert _archivos_guardados(medios) == []


def test_un_pdf_demasiado_complejo_no_se_revisa_a_medias(monkeypatch):
    monkeypatch.setattr(archivos, "MAXIMO_NODOS_PDF", 3)
    with pytest.raises(ValidationError, match="«grande.pdf» tiene más de 3 objetos internos"):
        revisar_evidencia(_subido("grande.pdf", PDF))


@pytest.mark.parametrize(
    "nombre,datos,mensaje",
    [
        ("acta.pdf", b"<html><body><script>alert(1)</script></body></html>", "contiene HTML, SVG o XML"),
        ("grafica.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
         "contiene HTML, SVG o XML"),
        ("logo.png", b"  <svg onload=alert(1)>", "contiene HTML, SVG o XML"),
        ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00",
         "no es de un tipo permitido (su contenido es de un archivo .exe)"),
        ("vacio.pdf", b"", "está vacío"),
        ("comprimido.docx", _zip({"leeme.txt": b"hola"}), "es un ZIP que no es un documento de Office"),
        ("roto.docx", b"PK\x03\x04 esto no es un zip", "parece un ZIP dañado"),
        ("corto.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
         "parece un documento de Office antiguo dañado"),
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


def _pdf_de(tamano: int) -> bytes:
    """Un PDF real de exactamente ``tamano`` bytes (relleno con un comentario al final)."""
    return PDF + b"\n%" + b"0" * (tamano - len(PDF) - 3) + b"\n"


def test_tamano_maximo_desde_la_configuracion(settings):
    settings.EVIDENCIA_TAMANO_MAXIMO_MB = 1
    grande = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        detectar_tipo(_subido("anexo.pdf", grande))
    assert error.value.messages == [
        f"El archivo «anexo.pdf» pesa 1.1 MB ({len(grande):,} bytes); el máximo permitido es 1 MB (1,048,576 bytes)."
    ]


def test_el_mensaje_de_tamano_no_se_contradice_en_el_limite(client, ciclo, medios, settings):
    settings.EVIDENCIA_TAMANO_MAXIMO_MB = 1
    justo = _pdf_de(1024 * 1024)
    assert revisar_evidencia(_subido("justo.pdf", justo)) == archivos.PDF
    respuesta = subir(client, ciclo, ("un-byte-de-mas.pdf", _pdf_de(1024 * 1024 + 1)))
    assert respuesta.status_code == 400
    assert (
        "El archivo «un-byte-de-mas.pdf» pesa 1.1 MB (1,048,577 bytes); el máximo permitido es 1 MB "
        "(1,048,576 bytes)." in respuesta.content.decode()
    )
    assert _archivos_guardados(medios) == []


# --- Lo que se guarda -------------------------------------------------------------------------


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
def test_guardar_sin_full_clean_tambien_revisa_el_contenido_activo(pal, medios):
    """Quien guarde una evidencia sin pasar por el formulario (un servicio, un comando) tampoco
    deja entrar un PDF con JavaScript: el nombre de almacenamiento sale de la revisión completa."""
    hostil = _subido("al-abrir.pdf", _pdf(f"/OpenAction {_JS}"))
    with pytest.raises(ValidationError, match="«al-abrir.pdf» contiene JavaScript"), transaction.atomic():
        Evidencia.objects.create(avance=Avance.objects.first(), archivo=hostil)
    assert not Evidencia.objects.de_avances().exists()
    assert _archivos_guardados(medios) == []


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
    assert not Evidencia.objects.de_avances().exists()
    assert list(medios.rglob("*.*")) == []
