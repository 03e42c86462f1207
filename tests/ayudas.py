"""Ayudas comunes de las pruebas: lo que se lee de una respuesta o de un PDF y los archivos de
muestra. Una sola versión de cada una, para que todas las pruebas lean igual."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import struct
import subprocess
import zipfile
import urllib.parse
import zlib
from xml.etree import ElementTree

from pypdf import PdfReader, PdfWriter

#: Contraseña de las cuentas que crean las pruebas (fixtures ``ciclo`` y pruebas de navegador).
CLAVE = "clave-de-prueba-123"


def _pdf_de_una_pagina() -> bytes:
    escritor = PdfWriter()
    escritor.add_blank_page(width=72, height=72)
    salida = io.BytesIO()
    escritor.write(salida)
    return salida.getvalue()


#: Un PDF real y mínimo (una página en blanco, sin JavaScript ni acciones): una evidencia válida.
PDF = _pdf_de_una_pagina()


def cuerpo(respuesta) -> bytes:
    """Los bytes de una respuesta, sea un archivo (``FileResponse``) o una página."""
    return b"".join(respuesta.streaming_content) if respuesta.streaming else respuesta.content


def texto_de_html(html: str) -> str:
    """El texto de un trozo de HTML como lo lee una persona: sin etiquetas y con los espacios juntos."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def texto_de(respuesta) -> str:
    """El texto de una página como lo lee una persona: sin etiquetas y con los espacios juntos."""
    return texto_de_html(cuerpo(respuesta).decode())


def paginas_pdf(datos: bytes) -> list[str]:
    """Las páginas de un PDF como texto (pdftotext de poppler), con espacios normales."""
    salida = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=datos, capture_output=True, check=True, timeout=60
    )
    return salida.stdout.decode("utf-8").replace("\u00a0", " ").split("\f")


def texto_pdf(datos: bytes) -> str:
    """Todo el texto de un PDF, página tras página."""
    return "\f".join(paginas_pdf(datos))


def enlaces_pdf(datos: bytes) -> list[str]:
    """Las direcciones de los enlaces que se pueden pulsar en un PDF (anotaciones ``/URI``)."""
    enlaces = []
    for pagina in PdfReader(io.BytesIO(datos)).pages:
        for anotacion in pagina.get("/Annots") or []:
            accion = anotacion.get_object().get("/A")
            if accion is not None and "/URI" in accion:
                enlaces.append(str(accion["/URI"]))
    return enlaces


def partes_de_xlsx(datos: bytes) -> str:
    """Todo el XML de un libro XLSX (hojas, textos compartidos, propiedades), como texto."""
    with zipfile.ZipFile(io.BytesIO(datos)) as libro:
        return "\n".join(libro.read(nombre).decode("utf-8") for nombre in libro.namelist())


def pdf_a_mano(objetos: dict[int, str], *, comprimidos: tuple[int, ...] = ()) -> bytes:
    """Un PDF 1.5 escrito a mano, con su tabla de referencias en un flujo (como los de Office).

    ``objetos`` son los cuerpos de los objetos por número (el 1 es el catálogo). Los números de
    ``comprimidos`` van dentro de un flujo de objetos comprimido (``/ObjStm``): su texto no se ve
    en los bytes del archivo, pero un lector de PDF los abre como a los demás.
    """
    salida = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    flujo_de_objetos, referencias = max(objetos) + 1, max(objetos) + 2
    entradas = {0: (0, 0, 65535)}
    for numero in sorted(set(objetos) - set(comprimidos)):
        entradas[numero] = (1, len(salida), 0)
        salida += f"{numero} 0 obj\n{objetos[numero]}\nendobj\n".encode("latin-1")
    if comprimidos:
        indice, cuerpos = [], b""
        for posicion, numero in enumerate(comprimidos):
            indice.append(f"{numero} {len(cuerpos)}")
            cuerpos += objetos[numero].encode("latin-1") + b"\n"
            entradas[numero] = (2, flujo_de_objetos, posicion)
        cabecera = (" ".join(indice) + "\n").encode()
        datos = zlib.compress(cabecera + cuerpos)
        entradas[flujo_de_objetos] = (1, len(salida), 0)
        salida += (
            f"{flujo_de_objetos} 0 obj\n<< /Type /ObjStm /N {len(comprimidos)} /First {len(cabecera)} "
            f"/Filter /FlateDecode /Length {len(datos)} >>\nstream\n"
        ).encode() + datos + b"\nendstream\nendobj\n"
    entradas[referencias] = (1, len(salida), 0)
    tabla = b"".join(struct.pack(">BIH", *entradas.get(n, (0, 0, 0))) for n in range(referencias + 1))
    salida += (
        f"{referencias} 0 obj\n<< /Type /XRef /Size {referencias + 1} /W [1 4 2] /Root 1 0 R "
        f"/Length {len(tabla)} >>\nstream\n"
    ).encode() + tabla + b"\nendstream\nendobj\n"
    salida += f"startxref\n{entradas[referencias][1]}\n%%EOF\n".encode()
    return bytes(salida)


def ole_a_mano(flujos: dict[str, bytes]) -> bytes:
    """Un archivo OLE (Compound File Binary, el de Office 97-2003) escrito a mano: versión 3,
    sectores de 512 bytes, una sola tabla FAT.

    ``flujos`` van por ruta (``"WordDocument"``, ``"Macros/VBA/dir"``); los almacenes de la ruta
    se crean solos. Cada flujo se rellena a 4096 bytes para ir en sectores normales (sin mini
    flujo). Los hermanos de un almacén se enlazan en cadena por la derecha, todos negros.
    """
    sin, fin, fat_sector, libre = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    # Entradas: [nombre, tipo (1 almacén, 2 flujo, 5 raíz), datos, hijos]
    entradas = [["Root Entry", 5, b"", []]]
    rutas = {(): 0}
    for ruta, datos in flujos.items():
        partes = tuple(ruta.split("/"))
        for largo in range(1, len(partes) + 1):
            if partes[:largo] not in rutas:
                es_flujo = largo == len(partes)
                rutas[partes[:largo]] = len(entradas)
                entradas[rutas[partes[: largo - 1]]][3].append(len(entradas))
                relleno = datos.ljust(4096, b"\0") if es_flujo else b""
                entradas.append([partes[largo - 1], 2 if es_flujo else 1, relleno, []])
    sectores_directorio = -(-len(entradas) // 4)
    siguiente = 1 + sectores_directorio
    fat = [fat_sector, *range(2, 1 + sectores_directorio), fin]
    inicios = {}
    for numero, (_nombre, _tipo, datos, _hijos) in enumerate(entradas):
        if datos:
            cuantos = -(-len(datos) // 512)
            inicios[numero] = siguiente
            fat += [*range(siguiente + 1, siguiente + cuantos), fin]
            siguiente += cuantos
    assert len(fat) <= 128, "ole_a_mano: demasiados datos para una sola tabla FAT"
    derecha = {}
    for _nombre, _tipo, _datos, hijos in entradas:
        for hermano, siguiente_hermano in zip(hijos, hijos[1:]):
            derecha[hermano] = siguiente_hermano
    directorio = b""
    for numero, (nombre, tipo, datos, hijos) in enumerate(entradas):
        directorio += struct.pack(
            "<64sHBBIII16sIQQIII",
            nombre.encode("utf-16-le"), (len(nombre) + 1) * 2, tipo, 1,
            sin, derecha.get(numero, sin), hijos[0] if hijos else sin,
            b"", 0, 0, 0, inicios.get(numero, fin), len(datos), 0,
        )
    directorio = directorio.ljust(sectores_directorio * 512, b"\0")
    cabecera = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, 1, 1, 0, 4096, fin, 0, fin, 0,
    ) + struct.pack("<109I", 0, *[libre] * 108)
    tabla = struct.pack("<128I", *fat, *[libre] * (128 - len(fat)))
    datos = b"".join(d.ljust(-(-len(d) // 512) * 512, b"\0") for _n, _t, d, _h in entradas if d)
    return cabecera + tabla + directorio + datos


def autenticar(usuario: str, clave: str):
    """``authenticate()`` como lo llama el formulario de entrada: con una petición, que django-axes
    necesita para contar los intentos de esa cuenta y dirección. Devuelve la cuenta o ``None``."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    return authenticate(RequestFactory().post("/cuentas/entrar/"), username=usuario, password=clave)


def nombre_descargado(respuesta) -> str:
    """El nombre con que el navegador guarda una descarga (``filename*=utf-8''…`` si no es ASCII)."""
    disposicion = respuesta["Content-Disposition"]
    codificado = re.search(r"filename\*=utf-8''(\S+)", disposicion)
    if codificado:
        return urllib.parse.unquote(codificado.group(1))
    return re.search(r'filename="((?:[^"\\]|\\.)*)"', disposicion).group(1).replace('\\"', '"').replace("\\\\", "\\")


# --- Hojas de cálculo: ninguna fórmula viva en lo que el portal entrega -----------------------

#: Textos que una hoja de cálculo ejecutaría como fórmula si llegaran tal cual al inicio de una
#: celda (los de la guía de OWASP sobre la inyección de fórmulas en CSV).
TEXTOS_FORMULA = (
    '=HYPERLINK("http://x","clic")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
)
#: Con qué empieza una celda que una hoja de cálculo puede leer como fórmula. Se escribe aquí,
#: aparte del código del portal, para que la revisión no dependa de lo que revisa.
_INICIOS_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMERO = re.compile(r"-?\d+(\.\d+)?")
_HOJA_XML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def formulas_en_xlsx(datos: bytes) -> list[str]:
    """Cada fórmula de un libro XLSX, como «Hoja!B7: =…»: las celdas que openpyxl lee como
    fórmula y cada elemento ``<f>`` del XML de cada hoja del ZIP. Vacía si no hay ninguna."""
    from openpyxl import load_workbook

    halladas = []
    libro = load_workbook(io.BytesIO(datos))  # sin data_only: las fórmulas como tales
    for hoja in libro.worksheets:
        for fila in hoja.iter_rows():
            halladas += [f"{hoja.title}!{c.coordinate}: {c.value!r}" for c in fila if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(datos)) as archivo:
        for nombre in archivo.namelist():
            if not (nombre.startswith("xl/worksheets/") and nombre.endswith(".xml")):
                continue
            for celda in ElementTree.fromstring(archivo.read(nombre)).iter(f"{_HOJA_XML}c"):
                formula = celda.find(f"{_HOJA_XML}f")
                if formula is not None:
                    halladas.append(f"{nombre} {celda.get('r')}: <f>{formula.text}</f>")
    return halladas


def formulas_en_csv(datos: bytes) -> list[str]:
    """Cada celda de un CSV (UTF-8, con o sin BOM) que una hoja de cálculo leería como fórmula,
    como «fila 3, columna 12: '=…'». Un número negativo («-5») no es fórmula. Vacía si no hay."""
    halladas = []
    for numero, fila in enumerate(csv.reader(io.StringIO(datos.decode("utf-8-sig"), newline="")), start=1):
        for columna, celda in enumerate(fila, start=1):
            if celda.startswith(_INICIOS_DE_FORMULA) and not _NUMERO.fullmatch(celda):
                halladas.append(f"fila {numero}, columna {columna}: {celda!r}")
    return halladas


# --- La plantilla de captura en Excel ---------------------------------------------------------


def columnas_de_plantilla(ws) -> dict[str, int]:
    """Encabezado → número de columna de la hoja de avances de la plantilla."""
    from seguimiento import excel

    return {ws.cell(row=excel.FILA_ENCABEZADOS, column=c).value: c for c in range(1, ws.max_column + 1)}


def filas_de_plantilla(ws) -> dict[str, int]:
    """Clave de la acción → número de fila de la hoja de avances de la plantilla."""
    from seguimiento import excel

    return {
        ws.cell(row=r, column=1).value: r
        for r in range(excel.PRIMERA_FILA, ws.max_row + 1)
        if ws.cell(row=r, column=1).value
    }


def llenar_plantilla(contenido: bytes, valores: dict[str, dict[str, object]], extra: list[dict[str, object]] = ()) -> bytes:
    """La plantilla con ``valores`` por clave y encabezado; ``extra`` agrega filas al final."""
    from openpyxl import load_workbook

    from seguimiento import excel

    libro = load_workbook(io.BytesIO(contenido))
    ws = libro[excel.HOJA_AVANCES]
    columnas, filas = columnas_de_plantilla(ws), filas_de_plantilla(ws)
    for clave, celdas in valores.items():
        for encabezado, valor in celdas.items():
            ws.cell(row=filas[clave], column=columnas[encabezado], value=valor)
    for celdas in extra:
        fila = ws.max_row + 1
        for encabezado, valor in celdas.items():
            ws.cell(row=fila, column=columnas[encabezado], value=valor)
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def abrir_diciembre_2023(plan, usuario, *, fecha_limite=None):
    """Abre el bimestre que sigue al del 1er Informe Parcial: diciembre 2023–enero 2024, con
    entrega hasta el 10 de febrero de 2024 (o ``fecha_limite``)."""
    import datetime

    from seguimiento import flujo

    return flujo.abrir_periodo(
        plan=plan,
        usuario=usuario,
        nombre="Diciembre 2023–enero 2024",
        inicio=datetime.date(2023, 12, 1),
        fin=datetime.date(2024, 1, 31),
        fecha_limite=fecha_limite or datetime.date(2024, 2, 10),
    )


def accion(plan, clave: str):
    """La acción «4.1.1» de ``plan``."""
    from plan.models import Accion

    e, c, a = (int(x) for x in clave.split("."))
    return Accion.objects.del_plan(plan).get(compromiso__eje__numero=e, compromiso__numero=c, numero=a)


def enlace_en(texto: str, ruta: str) -> str:
    """El primer enlace de ``texto`` (p. ej. el cuerpo de un correo) cuya dirección contiene ``ruta``."""
    return next(u for u in re.findall(r"https?://\S+", texto) if ruta in u)


def avance_validado(periodo, clave: str, *, responsable, revisora, porcentaje: str, narrativa: str = ""):
    """La responsable envía el avance de la acción ``clave`` en ``periodo`` y la revisora lo valida."""
    from decimal import Decimal

    from seguimiento import flujo

    enviado = flujo.guardar_avance(
        accion=accion(periodo.plan, clave),
        periodo=periodo,
        usuario=responsable,
        datos=flujo.DatosAvance(porcentaje=Decimal(porcentaje), narrativa=narrativa),
        version=0,
        enviar=True,
    )
    return flujo.validar_avance(avance_id=enviado.pk, usuario=revisora, version=enviado.version)


@contextlib.contextmanager
def al_confirmarse():
    """Corre, al salir, lo que espera a que se confirme la transacción (``on_commit``), como lo
    haría una petición de verdad: en las pruebas todo pasa dentro de una transacción que nunca se
    confirma. Con ella corren las tareas en segundo plano (sin broker, en el mismo proceso) y lo que
    ellas mismas piden (p. ej. la publicación de un informe y sus avisos por correo)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True) as llamadas:
        yield llamadas
