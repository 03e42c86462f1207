"""Mediciones del PDF del informe parcial: WeasyPrint frente a Chromium (ver README.md aquí).

    .venv/bin/python tests/benchmarks/informe.py [--repeticiones N] [--conservar] [--salida archivo.md]

Crea una base SQLite en una carpeta temporal, corre ``preparar`` (el PAL 2022-2024 y su primer
informe) y ``generar_sintetico --planes 1`` (un plan de ≈ 500 acciones) y, dentro del proceso,
mide ``construir_contenido``, ``html_del_contenido``, ``pdf_del_contenido`` (WeasyPrint) y
``xlsx_del_contenido`` del informe de cada plan. Luego imprime **el mismo HTML** con Chromium:
``--print-to-pdf`` como proceso completo, una página vacía para estimar el arranque, y con
Playwright y un navegador abierto. Imprime una tabla en Markdown. No es una prueba de pytest
(no empieza con ``test_``).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _carga import aviso, cerrar_conexiones_de_django, correr, manage

RAIZ = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
#: Banderas de Chromium comunes a la línea de órdenes y a Playwright (sin red ni extras).
BANDERAS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# --------------------------------------------------------------------------- argumentos


def argumentos(argv=None):
    p = argparse.ArgumentParser(
        description="Mide el PDF del informe parcial (WeasyPrint) y lo compara con Chromium."
    )
    p.add_argument(
        "--repeticiones", type=int, default=5, help="corridas medidas de cada paso, tras una de calentamiento (5)"
    )
    p.add_argument("--plan", default="pal-2022-2024", help="plan de la semilla cuyo informe se mide (pal-2022-2024)")
    p.add_argument("--numero", type=int, default=1, help="número del informe de ese plan (1)")
    p.add_argument("--ejes", type=int, default=10, help="ejes del plan sintético (10)")
    p.add_argument("--compromisos-por-eje", type=int, default=11, help="compromisos por eje del plan sintético (11)")
    p.add_argument(
        "--acciones-por-compromiso",
        type=int,
        default=4,
        help="acciones por compromiso del plan sintético: N o N+1 al azar (4; con 10 × 11, ≈ 500 acciones)",
    )
    p.add_argument("--periodos", type=int, default=20, help="periodos bimestrales del plan sintético (20)")
    p.add_argument("--semilla", type=int, default=2024, help="semilla de generar_sintetico (2024)")
    p.add_argument(
        "--informe-nuevo",
        action="store_true",
        help="en el plan sintético, medir un Informe sin guardar del primer al último periodo publicado "
        "(borrador, cifras del cálculo) en vez del informe publicado que genera generar_sintetico",
    )
    p.add_argument("--chromium", default=CHROMIUM, help=f"ejecutable de Chromium ({CHROMIUM})")
    p.add_argument("--sin-chromium", action="store_true", help="no medir Chromium")
    p.add_argument("--sin-playwright", action="store_true", help="no medir Chromium con Playwright")
    p.add_argument("--meta", type=float, default=3.0, help="segundos de la meta del informe de la semilla (3)")
    p.add_argument("--limite", type=float, default=180, help="segundos máximos de cada proceso de Chromium (180)")
    p.add_argument(
        "--conservar",
        action="store_true",
        help="no borrar la carpeta temporal (base, HTML, PDF y XLSX generados) y decir dónde quedó",
    )
    p.add_argument("--salida", type=Path, help="escribir también la tabla en este archivo")
    a = p.parse_args(argv)
    if a.repeticiones < 1:
        p.error("--repeticiones debe ser al menos 1")
    return a


# --------------------------------------------------------------------------- utilidades


def django_en_proceso(entorno: dict) -> None:
    os.environ.update(entorno)
    os.environ["DJANGO_SETTINGS_MODULE"] = "estado_abierto.settings"
    sys.path.insert(0, str(RAIZ))
    import django

    django.setup()
    # WeasyPrint y fontTools anuncian cada paso en INFO: aquí solo estorban (y cuestan).
    for nombre in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(nombre).setLevel(logging.WARNING)


def datos_pdf(ruta: Path, m: Medicion) -> None:
    """Tamaño, páginas y si va etiquetado: con ``pdfinfo`` si está; si no, páginas contando
    los objetos ``/Type /Page`` (y sin saber si va etiquetado)."""
    m.bytes = ruta.stat().st_size
    if shutil.which("pdfinfo"):
        r = subprocess.run(["pdfinfo", str(ruta)], capture_output=True, text=True)
        paginas = re.search(r"^Pages:\s+(\d+)", r.stdout, re.MULTILINE)
        etiquetado = re.search(r"^Tagged:\s+(\w+)", r.stdout, re.MULTILINE)
        if paginas:
            m.paginas = int(paginas.group(1))
            m.etiquetado = None if etiquetado is None else etiquetado.group(1) == "yes"
            return
    m.paginas = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", ruta.read_bytes())) or None


def tamano(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024 * 1024:
        return f"{n / 1024:,.0f} KiB"
    return f"{n / 1024 / 1024:,.2f} MiB"


def seg(valor: float | None) -> str:
    if valor is None:
        return ""
    return f"{valor:.3f}" if valor < 1 else f"{valor:.2f}"


@dataclass
class Medicion:
    """Tiempos de un paso: la primera corrida (calentamiento) aparte de las medidas."""

    nombre: str
    primera: float | None = None
    tiempos: list[float] = field(default_factory=list)
    paginas: int | None = None
    bytes: int | None = None
    etiquetado: bool | None = None  # PDF etiquetado (con estructura), según pdfinfo
    nota: str = ""  # p. ej. «no disponible: …»; si la hay y no hay tiempos, la fila solo la dice

    @property
    def mediana(self) -> float | None:
        return statistics.median(self.tiempos) if self.tiempos else None

    @property
    def minimo(self) -> float | None:
        return min(self.tiempos) if self.tiempos else None


def medir(nombre: str, funcion, repeticiones: int, calentar: bool = True) -> tuple[Medicion, object]:
    m = Medicion(nombre)
    valor = None
    if calentar:
        inicio = time.perf_counter()
        valor = funcion()
        m.primera = time.perf_counter() - inicio
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        valor = funcion()
        m.tiempos.append(time.perf_counter() - inicio)
    return m, valor


# --------------------------------------------------------------------------- datos


@dataclass
class Caso:
    """Un informe medido: de qué plan, cómo se eligió y lo que se midió de él."""

    clave: str  # para los nombres de archivo y las notas
    titulo: str
    informe: object
    descripcion: str = ""
    totales: dict = field(default_factory=dict)
    consultas: int = 0
    html: Path | None = None
    mediciones: list[Medicion] = field(default_factory=list)

    def medicion(self, nombre: str) -> Medicion | None:
        return next((m for m in self.mediciones if m.nombre == nombre), None)


def informe_de_la_semilla(slug: str, numero: int):
    from seguimiento.models import Informe

    informe = (
        Informe.objects.select_related("plan", "periodo_inicial", "periodo_final")
        .filter(plan__slug=slug, numero=numero)
        .order_by("-version")
        .first()
    )
    if informe is None:
        raise SystemExit(f"No hay informe {numero} del plan «{slug}» después de «manage.py preparar».")
    return informe, f"el informe cargado por `preparar` ({informe.get_estado_display().lower()})"


def informe_sintetico(nuevo: bool):
    """El informe del plan sintético cuyo periodo final es el último publicado.

    ``generar_sintetico`` crea un informe publicado cada seis bimestres y uno en el último
    publicado, con cifras capturadas; por omisión se usa ese (es lo que se publicaría). Con
    ``--informe-nuevo``, un ``Informe`` sin guardar del primer al último periodo publicado.
    """
    from plan.models import Plan
    from seguimiento.informes import titulo_sugerido
    from seguimiento.models import Informe, Periodo

    planes = list(Plan.objects.filter(slug__startswith="sintetico-"))
    if len(planes) != 1:
        raise SystemExit(f"Se esperaba un plan sintético y hay {len(planes)}.")
    plan = planes[0]
    publicados = list(Periodo.objects.filter(plan=plan, estado=Periodo.Estado.PUBLICADO).order_by("inicio"))
    if not publicados:
        raise SystemExit(f"El plan «{plan.slug}» no tiene periodos publicados.")
    primero, ultimo = publicados[0], publicados[-1]
    if not nuevo:
        informe = (
            Informe.objects.select_related("plan", "periodo_inicial", "periodo_final")
            .publicados().filter(plan=plan, periodo_final=ultimo)
            .order_by("-version")
            .first()
        )
        if informe is not None:
            return informe, (
                f"el informe {informe.numero} publicado por `generar_sintetico` "
                f"({informe.periodo_inicial.nombre} a {informe.periodo_final.nombre}, el último periodo publicado)"
            )
        aviso("generar_sintetico no dejó un informe publicado en el último periodo; se arma uno sin guardar")
    informe = Informe(
        plan=plan,
        numero=1,
        titulo=titulo_sugerido(1),
        periodo_inicial=primero,
        periodo_final=ultimo,
    )
    return informe, f"un `Informe` sin guardar (borrador) de {primero.nombre} a {ultimo.nombre}"


# --------------------------------------------------------------------------- WeasyPrint y XLSX


@contextmanager
def fases_de_weasyprint():
    """Cronometra las fases de WeasyPrint **dentro** de las llamadas reales a ``pdf_del_contenido``.

    Envuelve, mientras dura el bloque, ``HTML.__init__`` (análisis del HTML), ``HTML.render``
    (estilos y maquetación) y ``Document.write_pdf`` (el PDF), y anota cuánto tarda cada
    llamada. Así el desglose sale de las mismas corridas, con las opciones que use
    ``pdf_del_contenido`` (p. ej. ``pdf_tags``), sin repetir el trabajo. Al salir, las deja
    como estaban.
    """
    from weasyprint import HTML
    from weasyprint.document import Document

    tiempos: dict[str, list[float]] = {"analisis": [], "render": [], "escritura": []}
    puntos = [(HTML, "__init__", "analisis"), (HTML, "render", "render"), (Document, "write_pdf", "escritura")]

    def envolver(funcion, fase):
        @functools.wraps(funcion)
        def envoltura(*args, **kwargs):
            inicio = time.perf_counter()
            try:
                return funcion(*args, **kwargs)
            finally:
                tiempos[fase].append(time.perf_counter() - inicio)

        return envoltura

    originales = [(clase, atributo, clase.__dict__[atributo]) for clase, atributo, _fase in puntos]
    for clase, atributo, fase in puntos:
        setattr(clase, atributo, envolver(clase.__dict__[atributo], fase))
    try:
        yield tiempos
    finally:
        for clase, atributo, original in originales:
            setattr(clase, atributo, original)


def importar_weasyprint() -> float | None:
    """Segundos de importar WeasyPrint (lo paga la primera petición de cada proceso), o ``None``
    si ya estaba importado."""
    if "weasyprint" in sys.modules:
        return None
    inicio = time.perf_counter()
    import weasyprint  # noqa: F401
    import weasyprint.document  # noqa: F401

    return time.perf_counter() - inicio


def medir_en_proceso(caso: Caso, a, carpeta: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seguimiento.informes import (
        construir_contenido,
        html_del_contenido,
        pdf_del_contenido,
        xlsx_del_contenido,
    )

    n = a.repeticiones
    aviso(f"{caso.clave}: construir_contenido")
    with CaptureQueriesContext(connection) as consultas:
        inicio = time.perf_counter()
        contenido = construir_contenido(caso.informe)
        primera = time.perf_counter() - inicio
    caso.consultas = len(consultas)
    caso.totales = contenido["totales"]
    m, _ = medir("contenido", lambda: construir_contenido(caso.informe), n, calentar=False)
    m.primera = primera
    caso.mediciones.append(m)

    aviso(f"{caso.clave}: html_del_contenido")
    m, html = medir("html", lambda: html_del_contenido(contenido), n)
    caso.html = carpeta / f"{caso.clave}.html"
    caso.html.write_text(html, encoding="utf-8")
    m.bytes = caso.html.stat().st_size
    caso.mediciones.append(m)

    aviso(f"{caso.clave}: pdf_del_contenido (WeasyPrint), {n + 1} veces")
    with fases_de_weasyprint() as fases:
        m, pdf = medir("weasyprint", lambda: pdf_del_contenido(contenido), n)
    ruta = carpeta / f"{caso.clave}-weasyprint.pdf"
    ruta.write_bytes(pdf)
    datos_pdf(ruta, m)
    caso.mediciones.append(m)
    for nombre, tiempos in fases.items():
        # Una entrada por llamada: la primera es el calentamiento. Si pdf_del_contenido dejara
        # de pasar una vez por cada fase, el desglose no se puede atribuir y no se muestra.
        if len(tiempos) == n + 1:
            caso.mediciones.append(Medicion(nombre, primera=tiempos[0], tiempos=tiempos[1:]))
        else:
            caso.mediciones.append(
                Medicion(nombre, nota=f"sin desglose: {len(tiempos)} llamadas en {n + 1} corridas")
            )

    aviso(f"{caso.clave}: xlsx_del_contenido")
    m, xlsx = medir("xlsx", lambda: xlsx_del_contenido(contenido), n)
    (carpeta / f"{caso.clave}.xlsx").write_bytes(xlsx)
    m.bytes = len(xlsx)
    caso.mediciones.append(m)


# --------------------------------------------------------------------------- Chromium


def version_chromium(ejecutable: str) -> str:
    try:
        r = subprocess.run([ejecutable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"no responde ({e})"
    return r.stdout.strip() or f"sin versión (código {r.returncode})"


def imprimir_con_chromium(ejecutable: str, html: Path, pdf: Path, perfil: Path, limite: float, bitacora) -> float:
    """Un proceso ``chromium --headless --print-to-pdf``; devuelve su tiempo de pared.

    Corre en su propio grupo de procesos: si se agota el límite o se interrumpe, se termina
    el grupo entero (el navegador y sus procesos hijos).
    """
    pdf.unlink(missing_ok=True)
    orden = [
        ejecutable,
        "--headless",
        *BANDERAS_CHROMIUM,
        "--no-pdf-header-footer",
        f"--user-data-dir={perfil}",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    inicio = time.perf_counter()
    proceso = subprocess.Popen(orden, stdout=bitacora, stderr=bitacora, start_new_session=True)
    try:
        codigo = proceso.wait(timeout=limite)
    except BaseException:
        os.killpg(proceso.pid, signal.SIGKILL)  # su propio grupo, creado arriba
        proceso.wait(timeout=10)
        raise
    transcurrido = time.perf_counter() - inicio
    if codigo != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium terminó con código {codigo} sin escribir {pdf.name}")
    return transcurrido


def medir_chromium(casos: list[Caso], a, carpeta: Path) -> Medicion | None:
    """``--print-to-pdf`` de cada HTML y de una página vacía (el arranque). Devuelve la vacía."""
    n = a.repeticiones
    perfil = carpeta / "perfil-chromium"
    vacia = carpeta / "vacia.html"
    vacia.write_text('<!DOCTYPE html><html lang="es-MX"><meta charset="utf-8"><title>vacía</title></html>\n')
    with open(carpeta / "chromium.log", "w") as bitacora:
        objetivos = [("vacía", vacia, carpeta / "vacia-chromium.pdf", None)]
        objetivos += [(c.clave, c.html, carpeta / f"{c.clave}-chromium.pdf", c) for c in casos]
        resultado_vacia = None
        for clave, html, pdf, caso in objetivos:
            aviso(f"{clave}: chromium --print-to-pdf, {n + 1} procesos")
            m = Medicion("chromium")
            try:
                m.primera = imprimir_con_chromium(a.chromium, html, pdf, perfil, a.limite, bitacora)
                for _ in range(n):
                    m.tiempos.append(imprimir_con_chromium(a.chromium, html, pdf, perfil, a.limite, bitacora))
                datos_pdf(pdf, m)
            except subprocess.TimeoutExpired:
                m.nota = f"no terminó en {a.limite:.0f} s (--limite)"
            except RuntimeError as e:
                m.nota = f"falló: {e} (ver chromium.log con --conservar)"
            if caso is None:
                resultado_vacia = m
            else:
                caso.mediciones.append(m)
    return resultado_vacia


def medir_playwright(casos: list[Caso], a, carpeta: Path) -> str:
    """Con un solo navegador abierto: ``goto`` del HTML y ``page.pdf()``, sin arranque."""
    try:
        from playwright.sync_api import Error as ErrorPlaywright
        from playwright.sync_api import sync_playwright
    except ImportError:
        for caso in casos:
            caso.mediciones.append(Medicion("playwright", nota="no disponible: playwright no está instalado"))
        return ""
    n = a.repeticiones
    version = ""
    try:
        with sync_playwright() as p:
            navegador = p.chromium.launch(executable_path=a.chromium, args=BANDERAS_CHROMIUM, timeout=60_000)
            try:
                version = navegador.version
                pagina = navegador.new_page()
                pagina.set_default_timeout(a.limite * 1000)
                for caso in casos:
                    aviso(f"{caso.clave}: Playwright page.pdf(), {n + 1} veces")
                    url = caso.html.as_uri()
                    ruta = carpeta / f"{caso.clave}-playwright.pdf"

                    def imprimir():
                        pagina.goto(url, wait_until="load")
                        # Como --print-to-pdf: tamaño de @page, fondos y PDF etiquetado.
                        return pagina.pdf(prefer_css_page_size=True, print_background=True, tagged=True)

                    m, pdf = medir("playwright", imprimir, n)
                    ruta.write_bytes(pdf)
                    datos_pdf(ruta, m)
                    caso.mediciones.append(m)
            finally:
                navegador.close()
    except ErrorPlaywright as e:
        primera_linea = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        for caso in casos:
            if caso.medicion("playwright") is None:
                caso.mediciones.append(Medicion("playwright", nota=f"falló: {primera_linea}"))
    return version


# --------------------------------------------------------------------------- máquina


def maquina(chromium: str) -> list[tuple[str, str]]:
    import weasyprint
    from _maquina import filas_comunes, version_de_la_base
    from django.db import connection

    try:
        from importlib.metadata import version

        pydyf = version("pydyf")
        playwright = version("playwright")
    except Exception:  # noqa: BLE001 - solo informativo
        pydyf = playwright = "?"
    pdfinfo = "no está (páginas contadas en el PDF)"
    if shutil.which("pdfinfo"):
        r = subprocess.run(["pdfinfo", "-v"], capture_output=True, text=True)
        pdfinfo = (r.stderr or r.stdout).strip().splitlines()[0] if (r.stderr or r.stdout).strip() else "sí"
    return filas_comunes(version_de_la_base(connection)) + [
        ("WeasyPrint", f"{weasyprint.__version__} (pydyf {pydyf})"),
        ("Chromium", version_chromium(chromium) if Path(chromium).exists() else f"no está ({chromium})"),
        ("Playwright", playwright),
        ("Páginas contadas con", pdfinfo),
    ]


# --------------------------------------------------------------------------- tabla


ETIQUETAS = {
    "contenido": "`construir_contenido`",
    "html": "`html_del_contenido` (el HTML)",
    "weasyprint": "**`pdf_del_contenido` (WeasyPrint)**",
    "analisis": "↳ WeasyPrint: análisis del HTML (`HTML(string=…)`)",
    "render": "↳ WeasyPrint: estilos y maquetación (`render`)",
    "escritura": "↳ WeasyPrint: escritura del PDF (`write_pdf`)",
    "xlsx": "`xlsx_del_contenido`",
    "chromium": "Chromium `--print-to-pdf`, proceso completo (con arranque)",
    "chromium_neto": "Chromium `--print-to-pdf` menos la página vacía (≈ sin arranque)",
    "playwright": "Chromium abierto (Playwright: `goto` + `page.pdf()`)",
}


def fila(primera_columna: str, m: Medicion, etiqueta: str | None = None) -> str:
    nombre = etiqueta or ETIQUETAS.get(m.nombre, m.nombre)
    if m.nota and not m.tiempos:
        return f"| {primera_columna} | {nombre} | {m.nota} |  |  |  |  |"
    paginas = "" if m.paginas is None else f"{m.paginas}"
    return (
        f"| {primera_columna} | {nombre} | {seg(m.mediana)} | {seg(m.minimo)} | {seg(m.primera)} | "
        f"{paginas} | {tamano(m.bytes)} |"
    )


def tabla(casos: list[Caso], vacia: Medicion | None) -> list[str]:
    lineas = [
        "| informe | paso | mediana (s) | mín (s) | 1.ª corrida (s) | páginas | tamaño |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for caso in casos:
        t = caso.totales
        primera_columna = (
            f"{caso.titulo}: {t['ejes']} ejes, {t['compromisos']} compromisos, {t['acciones']} acciones"
        )
        for m in caso.mediciones:
            etiqueta = None
            if m.nombre == "contenido":
                etiqueta = f"`construir_contenido` ({caso.consultas} consultas)"
            lineas.append(fila(primera_columna, m, etiqueta))
            primera_columna = ""
            if m.nombre == "chromium" and m.tiempos and vacia is not None and vacia.tiempos:
                neta = Medicion(
                    "chromium_neto",
                    tiempos=[max(0.0, x - vacia.mediana) for x in m.tiempos],
                )
                lineas.append(fila("", neta))
        contenido, pdf = caso.medicion("contenido"), caso.medicion("weasyprint")
        if contenido and pdf and contenido.tiempos and pdf.tiempos:
            total = Medicion("total", tiempos=[contenido.mediana + pdf.mediana])
            total.primera = contenido.primera + pdf.primera
            lineas.append(
                f"|  | **contenido + PDF con WeasyPrint** (suma de medianas) | **{seg(total.mediana)}** |  | "
                f"{seg(total.primera)} |  |  |"
            )
    if vacia is not None:
        lineas.append(fila("página vacía (solo el arranque de Chromium)", vacia))
    return lineas


def veredicto(semilla: Caso, meta: float) -> str:
    contenido, pdf = semilla.medicion("contenido"), semilla.medicion("weasyprint")
    if not (contenido and pdf and contenido.tiempos and pdf.tiempos):
        return "**Meta:** no se pudo medir el informe de la semilla."
    total = contenido.mediana + pdf.mediana
    en_frio = contenido.primera + pdf.primera
    cumple = "**se cumple**" if total < meta else "**no se cumple**"
    return (
        f"**Meta: el PDF del informe de la semilla en menos de {meta:g} s** (`construir_contenido` + "
        f"`pdf_del_contenido`, WeasyPrint): mediana {total:.2f} s → {cumple}"
        f"{' (también' if (en_frio < meta) == (total < meta) else ' (no así'} en la primera corrida, "
        f"en frío: {en_frio:.2f} s)."
    )


def notas_chromium(casos: list[Caso]) -> list[str]:
    def si_no(valor):
        return "?" if valor is None else ("sí" if valor else "no")

    paginas, etiquetas = [], []
    for caso in casos:
        w, c = caso.medicion("weasyprint"), caso.medicion("chromium")
        if not (w and c and w.paginas and c.paginas):
            continue
        if w.paginas != c.paginas:
            paginas.append(f"{caso.clave}: WeasyPrint {w.paginas}, Chromium {c.paginas}")
        etiquetas.append(f"{caso.clave}: WeasyPrint {si_no(w.etiquetado)}, Chromium {si_no(c.etiquetado)}")
    texto = (
        "Chromium imprime el mismo HTML, pero no da el mismo documento: no implementa `string-set`/`string()` "
        "(la cabecera derecha con el eje queda vacía) y arma y comprime el PDF a su modo."
    )
    if paginas:
        texto += " Páginas distintas (" + "; ".join(paginas) + ")."
    if etiquetas:
        texto += " PDF etiquetado (" + "; ".join(etiquetas) + ")."
    return [texto]


# --------------------------------------------------------------------------- principal


@dataclass
class Estado:
    """Lo que hay que limpiar al terminar, pase lo que pase."""

    temporal: Path
    django_listo: bool = False


def ejecutar(a, estado: Estado) -> str:
    carpeta = estado.temporal / "archivos"
    carpeta.mkdir()
    entorno = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{estado.temporal / 'bench.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": "solo-para-las-mediciones-" + os.urandom(32).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(estado.temporal / "media"),
        "STATIC_ROOT": str(estado.temporal / "static"),
        "LOG_LEVEL": "WARNING",
    }
    carga_inicial = os.getloadavg()
    aviso("manage.py preparar")
    t_preparar, _ = manage(entorno, "preparar", "-v", "0")
    aviso("manage.py generar_sintetico --planes 1")
    opciones = [
        "--planes", "1",
        "--ejes", str(a.ejes),
        "--compromisos-por-eje", str(a.compromisos_por_eje),
        "--acciones-por-compromiso", str(a.acciones_por_compromiso),
        "--periodos", str(a.periodos),
        "--semilla", str(a.semilla),
    ]  # fmt: skip
    t_generar, _ = manage(entorno, "generar_sintetico", *opciones)

    django_en_proceso(entorno)
    estado.django_listo = True
    from django.db import connections

    informe, como = informe_de_la_semilla(a.plan, a.numero)
    semilla = Caso("semilla", f"{informe.plan.nombre_corto or informe.plan.slug}, {informe.titulo}", informe, como)
    informe, como = informe_sintetico(a.informe_nuevo)
    sintetico = Caso("sintetico", f"Plan sintético `{informe.plan.slug}`, {informe.titulo}", informe, como)
    casos = [semilla, sintetico]
    t_importar = importar_weasyprint()
    for caso in casos:
        medir_en_proceso(caso, a, carpeta)
    info = maquina(a.chromium)
    connections.close_all()  # lo que sigue no toca la base (Playwright no se lleva con el ORM)

    vacia = None
    version_pw = ""
    if a.sin_chromium:
        for caso in casos:
            caso.mediciones.append(Medicion("chromium", nota="no medido (--sin-chromium)"))
    elif not Path(a.chromium).exists():
        aviso(f"no está {a.chromium}: no se mide Chromium")
        for caso in casos:
            caso.mediciones.append(Medicion("chromium", nota=f"no disponible: no está {a.chromium}"))
    else:
        vacia = medir_chromium(casos, a, carpeta)
        if not a.sin_playwright:
            version_pw = medir_playwright(casos, a, carpeta)

    carga_final = os.getloadavg()
    lineas = [
        "### Informe parcial en PDF: WeasyPrint frente a Chromium",
        "",
        "Orden: `" + shlex.join(sys.orig_argv) + "`",
        "",
        "| máquina | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info),
        f"| carga (loadavg de 1 y 5 min) | al empezar {carga_inicial[0]:.2f} / {carga_inicial[1]:.2f}; "
        f"al terminar {carga_final[0]:.2f} / {carga_final[1]:.2f} |",
        f"| repeticiones | {a.repeticiones} medidas por paso, tras 1 de calentamiento (la «1.ª corrida») |",
        "",
        *tabla(casos, vacia),
        "",
        veredicto(semilla, a.meta),
        "",
        f"Informes: de la semilla, {semilla.descripcion}; del plan sintético, {sintetico.descripcion}.",
    ]
    if t_importar is not None:
        lineas += [
            "",
            f"Importar WeasyPrint la primera vez en el proceso: {t_importar:.2f} s (una vez por proceso; "
            "no va en la «1.ª corrida», que ya lo encuentra importado).",
        ]
    if vacia is not None:
        lineas += [
            "",
            "Chromium: cada corrida de `--print-to-pdf` es un proceso nuevo (arranque del navegador, carga del "
            "HTML y las fuentes, maquetación e impresión); «menos la página vacía» le resta la mediana de "
            "imprimir una página vacía del mismo modo."
            + (
                f" Playwright mantiene un navegador abierto ({version_pw}) y mide `goto` + `page.pdf()`."
                if version_pw
                else ""
            ),
            *notas_chromium(casos),
        ]
    lineas += [
        "",
        f"Preparación: `preparar` {t_preparar:.1f} s, `generar_sintetico {' '.join(opciones)}` {t_generar:.1f} s.",
    ]
    return "\n".join(lineas)


def main(argv=None) -> int:
    a = argumentos(argv)
    estado = Estado(Path(tempfile.mkdtemp(prefix="bench-informe-")))

    def limpiar():
        cerrar_conexiones_de_django(estado)
        if a.conservar:
            archivos = estado.temporal / "archivos"
            aviso(f"se conserva {estado.temporal}")
            if archivos.exists():
                for ruta in sorted(archivos.glob("*.pdf")) + sorted(archivos.glob("*.xlsx")):
                    aviso(f"  {ruta}")
        else:
            shutil.rmtree(estado.temporal, ignore_errors=True)

    return correr(ejecutar, a, estado, limpiar=limpiar)


if __name__ == "__main__":
    sys.exit(main())
