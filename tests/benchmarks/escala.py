"""El portal como en producción con varias máquinas, en una sola (ver README.md en esta carpeta).

    .venv/bin/python tests/benchmarks/escala.py [--peticiones N] [--concurrencia C] [--planes P]

Levanta **dos gunicorn** (A y B) en dos puertos libres de 127.0.0.1 que comparten una base de
PostgreSQL propia (``h_escala_bench``, creada y borrada por el script), una caché en Redis (la base
``--redis``, 12 por omisión) y un broker (``--broker``, la 13); **un worker de Celery** con el mismo
entorno y **un servidor de S3** (moto, en este proceso) con su bucket. Carga el conjunto sintético
nacional, mide las páginas públicas repartiendo la carga entre A y B (en caché, sin caché y el
archivo estático con los mismos bytes), y comprueba que lo publicado por A se ve en B en la
siguiente petición, que una sesión abierta en A vale en B y que el worker genera el informe del
plan más grande (PDF en el bucket) mientras las páginas siguen respondiendo. Imprime una tabla en
Markdown. Siempre se detiene y limpia (procesos, base, sus dos bases de Redis, bucket en memoria,
carpeta temporal), también con Ctrl-C, ``kill`` o al agotarse ``--limite-global``. No es una
prueba de pytest (no empieza con ``test_``).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import http.client
import http.cookies
import os
import re
import shlex
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from _carga import (
    RUTA_ESTATICA,
    Medicion,
    Proceso,
    Servidor,
    _peticion,
    aviso,
    borrar_base_pg,
    cargar,
    cargar_datos,
    cerrar_conexiones_de_django,
    conexiones_cerradas,
    correr,
    crear_base_pg,
    django_en_proceso,
    entorno_de_medicion,
    html_de_inicio,
    lineas_de_errores,
    manage,
    ms,
    percentil,
    puerto_libre,
    tabla_paginas,
    version_de_gunicorn,
)
from _maquina import filas_comunes, version_de_la_base

BASE_PG = "h_escala_bench"
BUCKET = "h-escala-bench"
PREFIJO_S3 = "escala"
#: Dirección pública ficticia: sin ella un informe no se congela (``exigir_direccion_publica``).
SITIO = "https://estadoabierto.example.gob.mx"
TRABAJO_DEL_PORTAL = "informes.publicar"


# --------------------------------------------------------------------------- argumentos


def argumentos(argv=None):
    p = argparse.ArgumentParser(
        description="Dos servidores, Redis, un worker de Celery y S3 en esta máquina, con datos nacionales."
    )
    p.add_argument("--peticiones", type=int, default=300, help="peticiones medidas por dirección (300)")
    p.add_argument("--concurrencia", type=int, default=8, help="clientes simultáneos, repartidos entre A y B (8)")
    p.add_argument("--workers", type=int, default=2, help="workers sync de cada gunicorn (2)")
    p.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE de los servidores (60, el de producción)")
    p.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432",
        help=f"servidor PostgreSQL (sin base); se crea y se borra la base {BASE_PG}",
    )
    p.add_argument("--base", default=BASE_PG, help=f"nombre de la base propia ({BASE_PG}); debe empezar con h_escala")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="caché compartida (se vacía esa base)")
    p.add_argument("--broker", default="redis://127.0.0.1:6379/13", help="broker de Celery (se vacía esa base)")
    p.add_argument("--planes", type=int, default=32, help="planes sintéticos a generar (32)")
    p.add_argument("--plan", default="sintetico-jalisco", help="plan cuyas páginas se miden")
    p.add_argument("--eje", default="2", help="eje medido (2)")
    p.add_argument("--compromiso", default="2.3", help="compromiso medido (2.3)")
    p.add_argument("--limite", type=float, default=90, help="segundos máximos por dirección medida (90)")
    p.add_argument("--sonda-antes", type=float, default=10, help="segundos de sonda antes de pedir el informe (10)")
    p.add_argument("--limite-informe", type=float, default=300, help="segundos máximos para el informe (300)")
    p.add_argument("--limite-global", type=int, default=1800, help="segundos máximos de todo el script (1800)")
    p.add_argument("--conservar", action="store_true", help="no borrar la carpeta temporal (bitácoras)")
    p.add_argument("--salida", type=Path, help="escribir también la tabla en este archivo")
    a = p.parse_args(argv)
    if a.peticiones < 1 or a.concurrencia < 2 or a.workers < 1 or a.planes < 1:
        p.error("--peticiones, --workers y --planes deben ser al menos 1 y --concurrencia al menos 2 (uno por servidor)")
    if not a.base.startswith("h_escala"):
        p.error("--base debe empezar con h_escala")
    if a.redis == a.broker:
        p.error("--redis y --broker deben ser bases distintas")
    return a


# --------------------------------------------------------------------------- servicios


def redis_de(url: str):
    import redis

    return redis.Redis.from_url(url)


def arrancar_s3(temporal: Path):
    """moto en un puerto libre de 127.0.0.1, en un hilo de este proceso, con el bucket creado."""
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # sin una línea por petición a S3

    puerto = puerto_libre()
    servidor = ThreadedMotoServer(ip_address="127.0.0.1", port=puerto, verbose=False)
    servidor.start()
    entorno = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{puerto}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "escala",
        "AWS_SECRET_ACCESS_KEY": "escala-" + os.urandom(8).hex(),
        "AWS_LOCATION": PREFIJO_S3,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    cliente = boto3.client(
        "s3", endpoint_url=entorno["AWS_S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id=entorno["AWS_ACCESS_KEY_ID"], aws_secret_access_key=entorno["AWS_SECRET_ACCESS_KEY"],
    )
    cliente.create_bucket(Bucket=BUCKET)
    return servidor, cliente, entorno


class Worker(Proceso):
    """``celery -A estado_abierto worker --pool=solo`` con el entorno de los servidores."""

    def __init__(self, entorno: dict, bitacora: Path):
        orden = [sys.executable, "-m", "celery", "-A", "estado_abierto", "worker", "--pool=solo",
                 "--loglevel=info", "-n", f"h-escala-{os.getpid()}@%h", "--without-gossip", "--without-mingle"]
        super().__init__(orden, entorno, bitacora)

    def esperar(self, segundos: float = 60) -> None:
        limite = time.monotonic() + segundos
        while time.monotonic() < limite:
            self._exigir_vivo("El worker de Celery")
            if " ready." in self.bitacora.read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise SystemExit(f"El worker de Celery no estuvo listo en {segundos:.0f} s; ver {self.bitacora}")


# --------------------------------------------------------------------------- un navegador mínimo


class Navegador:
    """Peticiones con cookies (la sesión y el token CSRF) a cualquiera de los servidores: la
    misma cookie de sesión vale en A y en B si la sesión vive en la base compartida."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def pedir(self, puerto: int, metodo: str, ruta: str, datos: dict | None = None):
        encabezados = {"Host": "127.0.0.1"}
        if self.cookies:
            encabezados["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        cuerpo = None
        if datos is not None:
            cuerpo = urllib.parse.urlencode(datos)
            encabezados["Content-Type"] = "application/x-www-form-urlencoded"
        conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=60)
        inicio = time.perf_counter()
        try:
            conexion.request(metodo, ruta, body=cuerpo, headers=encabezados)
            r = conexion.getresponse()
            contenido = r.read().decode("utf-8", errors="replace")
        finally:
            conexion.close()
        for linea in r.headers.get_all("Set-Cookie") or []:
            galleta = http.cookies.SimpleCookie()
            galleta.load(linea)
            for nombre, morsel in galleta.items():
                if morsel.value:
                    self.cookies[nombre] = morsel.value
                else:
                    self.cookies.pop(nombre, None)
        return r.status, r.getheader("Location", ""), contenido, (time.perf_counter() - inicio) * 1000


def token_csrf(contenido: str) -> str:
    encontrado = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', contenido)
    if not encontrado:
        raise RuntimeError("La página no trae el formulario con su token CSRF.")
    return encontrado.group(1)


def entrar(navegador: Navegador, puerto: int, usuario: str, clave: str) -> tuple[int, str]:
    estado, _, contenido, _ms = navegador.pedir(puerto, "GET", "/cuentas/entrar/")
    if estado != 200:
        return estado, ""
    estado, destino, _, _ms = navegador.pedir(
        puerto, "POST", "/cuentas/entrar/",
        {"csrfmiddlewaretoken": token_csrf(contenido), "username": usuario, "password": clave},
    )
    return estado, destino


# --------------------------------------------------------------------------- sonda


@dataclass
class Sonda:
    """Peticiones seguidas (una por hilo, sin pausa) a ``ruta`` en cada puerto, con su hora: la
    latencia de las páginas antes y durante el trabajo del worker."""

    puertos: list[int]
    ruta: str
    muestras: list[tuple[float, int, float, int]] = field(default_factory=list)  # (hora, puerto, ms, estado)
    errores: int = 0
    _parar: threading.Event = field(default_factory=threading.Event)
    _hilos: list[threading.Thread] = field(default_factory=list)

    def _cliente(self, puerto: int) -> None:
        conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=30)
        while not self._parar.is_set():
            inicio = time.perf_counter()
            try:
                estado, _cuerpo, cierra = _peticion(conexion, self.ruta)
            except (OSError, http.client.HTTPException):
                conexion.close()
                self.errores += 1
                continue
            self.muestras.append((time.time(), puerto, (time.perf_counter() - inicio) * 1000, estado))
            if cierra:
                conexion.close()
        conexion.close()

    def empezar(self) -> None:
        self._hilos = [threading.Thread(target=self._cliente, args=(p,), daemon=True) for p in self.puertos]
        for h in self._hilos:
            h.start()

    def parar(self) -> None:
        self._parar.set()
        for h in self._hilos:
            h.join(timeout=35)

    def entre(self, puerto: int, desde: float, hasta: float) -> list[float]:
        return [m for hora, p, m, _e in self.muestras if p == puerto and desde <= hora <= hasta]

    def no_200(self, desde: float, hasta: float) -> int:
        return sum(1 for hora, _p, _m, e in self.muestras if desde <= hora <= hasta and e != 200)


# --------------------------------------------------------------------------- las comprobaciones


@dataclass
class Comprobacion:
    nombre: str
    bien: bool
    detalle: str


def comprobar_sesion(a: Servidor, b: Servidor, usuario: str, clave: str, slug: str) -> tuple[Comprobacion, Navegador]:
    navegador = Navegador()
    estado, destino = entrar(navegador, a.puerto, usuario, clave)
    if estado != 302 or "sessionid" not in navegador.cookies:
        return Comprobacion("una sesión abierta en A vale en B", False,
                            f"la entrada en A respondió {estado} (→ {destino or 'sin redirección'})"), navegador
    estado_b, destino_b, _, _ms = navegador.pedir(b.puerto, "GET", f"/trabajo/{slug}/")
    bien = estado_b == 200
    detalle = (
        f"entrada en A: 302 → `{destino}`; `GET /trabajo/{slug}/` en B con la cookie de A: {estado_b}"
        + (f" → `{destino_b}`" if destino_b else "")
    )
    return Comprobacion("una sesión abierta en A vale en B", bien, detalle), navegador


MARCA_PERIODO = re.compile(r"lo publicado hasta el periodo <strong>(.*?)</strong>")
CIFRA = re.compile(r'<p class="cifra">(.*?)</p>')


def _lo_publicado(contenido: str) -> tuple[str, str]:
    periodo = MARCA_PERIODO.search(contenido)
    cifra = CIFRA.search(contenido)
    return (html.unescape(periodo.group(1)) if periodo else "—", html.unescape(cifra.group(1)) if cifra else "—")


def comprobar_publicacion(a: Servidor, b: Servidor, navegador: Navegador, plan) -> Comprobacion:
    """El STL publica por A el periodo cerrado del plan; la siguiente petición a B debe mostrarlo."""
    from seguimiento.models import Periodo
    from seguimiento.portal import estado_con_cifras
    from seguimiento.templatetags.avance import pct

    nombre = "lo publicado por A se ve en B en la siguiente petición"
    periodo = Periodo.objects.filter(plan=plan, estado=Periodo.Estado.CERRADO).order_by("inicio").first()
    if periodo is None:
        return Comprobacion(nombre, False, f"{plan.slug} no tiene un periodo cerrado que publicar")
    pagina = f"/planes/{plan.slug}/"
    for _ in range(2):  # B ya tiene la página en su caché (la de Redis)
        navegador.pedir(b.puerto, "GET", pagina)
    _e, _d, antes, _ms = navegador.pedir(b.puerto, "GET", pagina)
    periodo_antes, cifra_antes = _lo_publicado(antes)
    tablero = f"/trabajo/{plan.slug}/periodos/{periodo.slug}/"
    estado, _d, contenido, _ms = navegador.pedir(a.puerto, "GET", tablero)
    if estado != 200:
        return Comprobacion(nombre, False, f"el tablero del periodo en A respondió {estado}")
    estado, destino, _, ms_publicar = navegador.pedir(
        a.puerto, "POST", tablero + "publicar/", {"csrfmiddlewaretoken": token_csrf(contenido)}
    )
    publicada = time.perf_counter()
    intentos, visto, periodo_b, cifra_b, ms_b = 0, False, "—", "—", 0.0
    while intentos < 50 and not visto:
        intentos += 1
        _e, _d, despues, ms_b = navegador.pedir(b.puerto, "GET", pagina)
        periodo_b, cifra_b = _lo_publicado(despues)
        visto = periodo_b == periodo.nombre
        if not visto:
            time.sleep(0.1)
    hasta_verlo = (time.perf_counter() - publicada) * 1000
    periodo.refresh_from_db()
    esperada = str(pct(estado_con_cifras(plan)[1].plan.principal))
    bien = estado == 302 and periodo.estado == Periodo.Estado.PUBLICADO and visto and intentos == 1 and cifra_b == esperada
    detalle = (
        f"`POST {tablero}publicar/` en A: {estado} en {ms(ms_publicar)} ms (periodo «{periodo.nombre}» de "
        f"{plan.slug}, ahora {periodo.get_estado_display().lower()}). En B, antes: «hasta el periodo "
        f"{periodo_antes}», cifra {cifra_antes}; "
        + (f"en la petición n.º {intentos} a B ({ms(hasta_verlo)} ms tras la respuesta de A, {ms(ms_b)} ms la "
           f"petición): «hasta el periodo {periodo_b}», cifra {cifra_b} (la del cálculo en la base: {esperada})"
           if visto else f"tras {intentos} peticiones a B ({ms(hasta_verlo)} ms) seguía «{periodo_b}»")
    )
    return Comprobacion(nombre, bien, detalle)


@dataclass
class Render:
    modo: str
    tarea_id: int | None = None
    estado: str = "sin tarea"
    error: str = ""
    espera_s: float | None = None
    render_s: float | None = None
    reloj_s: float | None = None
    iniciada: float | None = None
    terminada: float | None = None
    pdf: str = ""
    pdf_paginas_kib: str = ""
    en_s3: str = ""
    acciones: int = 0


def crear_informe(plan):
    """Un informe en borrador del plan, del primer periodo al último publicado."""
    from django.db.models import Max

    from seguimiento.models import Informe, Periodo

    periodos = Periodo.objects.filter(plan=plan).order_by("inicio")
    publicados = periodos.filter(estado=Periodo.Estado.PUBLICADO)
    numero = (Informe.objects.filter(plan=plan).aggregate(n=Max("numero"))["n"] or 0) + 1
    return Informe.objects.create(
        plan=plan, numero=numero, titulo="Informe de la medición de escala",
        periodo_inicial=periodos.first(), periodo_final=publicados.last(),
        sesion="Sesión de la medición de escala", estado=Informe.Estado.BORRADOR,
    )


def pedir_informe(a: Servidor, navegador: Navegador, informe) -> tuple[str, int | None, str]:
    """Pide la publicación del informe por el botón del STL en A, que encola el trabajo
    ``informes.publicar`` y lleva a la página de la tarea. Devuelve (cómo, id de la tarea, error)."""
    ruta = f"/trabajo/{informe.plan.slug}/informes/{informe.pk}/"
    estado, _d, contenido, _ms = navegador.pedir(a.puerto, "GET", ruta)
    if estado != 200:
        return "POST en A", None, f"`GET {ruta}` en A respondió {estado}"
    estado, destino, _, _ms = navegador.pedir(
        a.puerto, "POST", ruta + "publicar/", {"csrfmiddlewaretoken": token_csrf(contenido)}
    )
    encontrado = re.search(r"/tareas/(\d+)/", destino)
    como = f"`POST {ruta}publicar/` en A (trabajo `{TRABAJO_DEL_PORTAL}`)"
    if estado != 302 or not encontrado:
        return como, None, f"respondió {estado} → `{destino or 'sin redirección'}`, no a la página de una tarea"
    return como, int(encontrado.group(1)), ""


def medir_informe(a: Servidor, b: Servidor, navegador: Navegador, plan,
                  ruta_sonda: str, antes: float, limite: float, s3) -> tuple[Render, Sonda, float]:
    from plan.models import Accion
    from seguimiento.models import Informe
    from tareas.models import Tarea

    informe = crear_informe(plan)
    sonda = Sonda([a.puerto, b.puerto], ruta_sonda)
    for puerto in sonda.puertos:  # la página de la sonda ya en la caché de Redis
        navegador.pedir(puerto, "GET", ruta_sonda)
    sonda.empezar()
    try:
        time.sleep(antes)
        pedido = time.time()
        como, tarea_id, error = pedir_informe(a, navegador, informe)
        r = Render(como, tarea_id, error=error, acciones=Accion.objects.filter(compromiso__eje__plan=plan).count())
        if tarea_id is None:
            r.estado = "no se pidió"
            return r, sonda, pedido
        fin = time.monotonic() + limite
        tarea = Tarea.objects.get(pk=tarea_id)
        while tarea.activa and time.monotonic() < fin:
            time.sleep(0.2)
            tarea.refresh_from_db()
        r.reloj_s = time.time() - pedido
    finally:
        sonda.parar()
    r.estado, r.error = tarea.estado, tarea.error
    if tarea.iniciada:
        r.iniciada = tarea.iniciada.timestamp()
        r.espera_s = (tarea.iniciada - tarea.creada).total_seconds()
    if tarea.terminada and tarea.iniciada:
        r.terminada = tarea.terminada.timestamp()
        r.render_s = (tarea.terminada - tarea.iniciada).total_seconds()
    informe = Informe.objects.get(pk=informe.pk)
    if informe.pdf_sha256:
        clave = f"{PREFIJO_S3}/{informe.pdf.name}"
        try:
            cuerpo = s3.get_object(Bucket=BUCKET, Key=clave)["Body"].read()
        except Exception as e:  # lo dice la tabla
            r.en_s3 = f"no está en el bucket ({type(e).__name__})"
        else:
            igual = hashlib.sha256(cuerpo).hexdigest() == informe.pdf_sha256
            r.en_s3 = (f"`s3://{BUCKET}/{clave}`, {len(cuerpo) / 1024:,.0f} KiB, SHA-256 "
                       + ("igual al registrado" if igual else "**distinto** del registrado"))
        r.pdf = informe.pdf.name
    return r, sonda, pedido


# --------------------------------------------------------------------------- informe


def tabla_sonda(sonda: Sonda, render: Render, pedido: float, nombres: dict[int, str]) -> list[str]:
    filas = [
        "| servidor | p50 antes (ms) | p95 antes (ms) | peticiones antes | p50 durante (ms) | p95 durante (ms) | peticiones durante |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    inicio = min((hora for hora, *_ in sonda.muestras), default=pedido)
    desde, hasta = render.iniciada, render.terminada
    for puerto, nombre in nombres.items():
        antes = sonda.entre(puerto, inicio, pedido)
        durante = sonda.entre(puerto, desde, hasta) if desde and hasta else []

        def celdas(valores):
            if not valores:
                return "— | — | 0"
            return f"{ms(percentil(valores, 50))} | {ms(percentil(valores, 95))} | {len(valores):,}"

        filas.append(f"| {nombre} | {celdas(antes)} | {celdas(durante)} |")
    return filas


@dataclass
class Estado:
    """Lo que hay que limpiar al terminar, pase lo que pase."""

    temporal: Path
    servidores: list[Proceso] = field(default_factory=list)
    s3: object | None = None
    base_creada: bool = False
    django_listo: bool = False
    redis: list[str] = field(default_factory=list)


def detener_servidores(estado: Estado) -> None:
    while estado.servidores:
        estado.servidores.pop().detener()


def ejecutar(a, estado: Estado) -> str:
    inicio_total = time.perf_counter()
    carga_inicial = os.getloadavg()
    static_root = estado.temporal / "static"
    media_root = estado.temporal / "media"
    media_root.mkdir()

    for url in (a.redis, a.broker):
        redis_de(url).ping()
    estado.redis = [a.redis, a.broker]
    for url in estado.redis:
        redis_de(url).flushdb()
    aviso("servidor de S3 (moto) y su bucket")
    estado.s3, s3, entorno_s3 = arrancar_s3(estado.temporal)
    aviso(f"base de PostgreSQL {a.base} (se borra y se crea de nuevo)")
    estado.base_creada = True
    url = crear_base_pg(a.postgres, a.base)
    clave = "Escala-" + os.urandom(12).hex()
    entorno = entorno_de_medicion(
        url=url, static_root=static_root, media_root=media_root, conn_max_age=a.conn_max_age,
        **entorno_s3, SITIO_URL=SITIO, REDIS_URL=a.redis, CELERY_BROKER_URL=a.broker, CACHE_PREFIJO="h-escala-bench",
    )
    t_preparar, t_generar, t_static = cargar_datos(entorno, a.planes)

    django_en_proceso(entorno)
    estado.django_listo = True
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.db.models import Count

    from plan.models import Accion, Plan
    from seguimiento.models import Avance

    grande = (
        Plan.objects.filter(slug__startswith="sintetico-")
        .annotate(n=Count("ejes__compromisos__acciones"))
        .order_by("-n", "slug")
        .first()
    )
    aviso(f"cuentas de demostración de {grande.slug}")
    t_cuentas, _ = manage(entorno, "crear_usuarios_demo", grande.slug, "--password", clave)
    usuario = get_user_model().objects.get(username=f"facilitacion-{grande.slug}")
    estatico = html_de_inicio(static_root)
    conjunto = (Plan.objects.count(), Accion.objects.count(), Avance.objects.count())
    redis_info = redis_de(a.redis).info("server")
    import celery
    import moto

    info = filas_comunes(version_de_la_base(connection)) + [
        ("Servidor", version_de_gunicorn()),
        ("Redis", f"{redis_info['redis_version']} (caché `{a.redis}`, broker `{a.broker}`)"),
        ("Celery", f"{celery.__version__}, un worker `--pool=solo`"),
        ("S3", f"moto {moto.__version__} (`ThreadedMotoServer` en 127.0.0.1, en el proceso del script)"),
    ]
    connections.close_all()

    aviso("worker de Celery")
    # LOG_LEVEL=INFO solo en el worker: su «ready.» dice que ya escucha al broker.
    worker = Worker({**entorno, "LOG_LEVEL": "INFO"}, estado.temporal / "worker.log")
    estado.servidores.append(worker)
    worker.esperar()

    base = f"/planes/{a.plan}"
    paginas = [
        ("portada", "/"),
        ("plan", f"{base}/"),
        ("eje", f"{base}/ejes/{a.eje}/"),
        ("compromiso", f"{base}/compromisos/{a.compromiso}/"),
        ("ODS", "/ods/"),
    ]
    ruta_estatica = f"/static/{RUTA_ESTATICA}"
    opciones = ("--timeout", "60", "--graceful-timeout", "20")
    calentar = 4 * max(2 * a.workers, a.concurrencia)
    mediciones: list[Medicion] = []
    comprobaciones: list[Comprobacion] = []
    render = sonda = None
    pedido = 0.0
    carga_medicion = os.getloadavg()
    for modo, en_cache in [("en caché", "true"), ("sin caché", "false")]:
        aviso(f"gunicorn A y B (-w {a.workers}) con PAGINAS_EN_CACHE={en_cache}")
        par = [
            Servidor({**entorno, "PAGINAS_EN_CACHE": en_cache}, a.workers,
                     estado.temporal / f"gunicorn-{nombre}-{en_cache}.log", opciones)
            for nombre in "AB"
        ]
        estado.servidores += par
        for servidor in par:
            servidor.esperar(ruta_estatica)
        srv_a, srv_b = par
        puertos = [srv_a.puerto, srv_b.puerto]
        objetivos = [(nombre, ruta, modo) for nombre, ruta in paginas]
        if en_cache == "true":
            objetivos.append(("mismos bytes que la portada, archivo estático", ruta_estatica, "WhiteNoise"))
        for nombre, ruta, modo_fila in objetivos:
            m = Medicion(nombre, modo_fila, ruta, a.peticiones)
            aviso(f"{modo_fila}: {ruta} (A y B)")
            cargar(puertos, m, a.concurrencia, a.limite, calentar)
            # Por servidor (0: A, 1: B): los puertos cambian al arrancarlos de nuevo sin caché.
            m.por_puerto = {i: m.por_puerto.get(p, []) for i, p in enumerate(puertos)}
            mediciones.append(m)
        if en_cache == "true":
            aviso("sesión de A en B")
            c_sesion, navegador = comprobar_sesion(srv_a, srv_b, usuario.username, clave, grande.slug)
            comprobaciones.append(c_sesion)
            aviso("publicar un periodo por A y verlo en B")
            comprobaciones.append(comprobar_publicacion(srv_a, srv_b, navegador, grande))
            aviso(f"informe de {grande.slug} en el worker, con la sonda en A y B")
            render, sonda, pedido = medir_informe(
                srv_a, srv_b, navegador, grande, f"{base}/compromisos/{a.compromiso}/",
                a.sonda_antes, a.limite_informe, s3,
            )
            connections.close_all()
        for servidor in par:
            servidor.detener()
            estado.servidores.remove(servidor)
    nombres = {0: "A", 1: "B"}
    portada = next(m for m in mediciones if m.ruta == "/" and m.modo == "en caché")
    tamano = estatico.stat().st_size
    en_disco = sum(1 for p in media_root.rglob("*") if p.is_file())
    carga_final = os.getloadavg()
    total = time.perf_counter() - inicio_total
    render_bien = render is not None and render.estado == "terminada" and "igual al registrado" in render.en_s3
    comprobaciones.append(
        Comprobacion(
            f"el worker genera el informe del plan más grande ({grande.slug}, {render.acciones} acciones) "
            "y el PDF queda en S3",
            render_bien,
            f"pedido por {render.modo}; tarea {render.tarea_id}: **{render.estado}**"
            + (f" ({render.error})" if render.error else "")
            + (f"; en la cola {render.espera_s:.1f} s, generación en el worker {render.render_s:.1f} s"
               if render.render_s is not None else "")
            + (f", {render.reloj_s:.1f} s desde pedirla hasta verla terminada" if render.reloj_s else "")
            + (f"; PDF {render.en_s3}" if render.en_s3 else "; sin PDF")
            + f". Archivos en MEDIA_ROOT (disco): {en_disco}.",
        )
    )
    nombres_sonda = {p: nombres[i] for i, p in enumerate(sonda.puertos)}
    lineas = [
        f"### Escala: dos servidores, Redis, un worker y S3 ({conjunto[0]} planes, {conjunto[1]:,} acciones, "
        f"{conjunto[2]:,} avances)",
        "",
        "Orden: `" + shlex.join(sys.orig_argv) + "`",
        "",
        "| máquina | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info),
        f"| carga (loadavg de 1 y 5 min) al empezar / al medir / al terminar | {carga_inicial[0]:.2f} / "
        f"{carga_inicial[1]:.2f} · {carga_medicion[0]:.2f} / {carga_medicion[1]:.2f} · "
        f"{carga_final[0]:.2f} / {carga_final[1]:.2f} |",
        f"| gunicorn | dos instancias (A y B), `-w {a.workers}` (sync) cada una, `{' '.join(opciones)}`, "
        f"DEBUG=false, CONN_MAX_AGE={a.conn_max_age}, en 127.0.0.1 |",
        f"| carga | {a.peticiones} peticiones por dirección, {a.concurrencia} clientes a la vez (la mitad a A, la "
        f"mitad a B; http.client en la misma máquina), tras {calentar} de calentamiento |",
        "",
        *tabla_paginas(mediciones, nombres),
        "",
        "«en caché»: la caché compartida en Redis (una página armada por A la sirve B). «sin caché»: A y B "
        "arrancados de nuevo con `PAGINAS_EN_CACHE=false` (cada petición arma la página). "
        f"El archivo estático tiene {'los mismos' if tamano == portada.bytes else 'otros'} {tamano:,} bytes "
        f"que la portada. {conexiones_cerradas(mediciones)}",
        "",
        "| comprobación | resultado | detalle |",
        "|---|---|---|",
        *(f"| {c.nombre} | {'sí' if c.bien else '**NO**'} | {c.detalle} |" for c in comprobaciones),
        "",
        f"Latencia de `{sonda.ruta}` (en caché) con un cliente seguido por servidor: {a.sonda_antes:.0f} s antes "
        "de pedir el informe y mientras el worker lo genera (de `iniciada` a `terminada` de la tarea"
        + (f"; {sonda.no_200(0, float('inf'))} respuestas distintas de 200 y {sonda.errores} errores de conexión"
           if (sonda.no_200(0, float('inf')) or sonda.errores) else "; todas las respuestas 200")
        + "):",
        "",
        *tabla_sonda(sonda, render, pedido, nombres_sonda),
        "",
        f"Preparación: `preparar` {t_preparar:.1f} s, `generar_sintetico --planes {a.planes}` {t_generar:.1f} s, "
        f"`collectstatic` {t_static:.1f} s, `crear_usuarios_demo` {t_cuentas:.1f} s. Todo el script: {total / 60:.1f} min.",
    ]
    lineas += lineas_de_errores(mediciones)
    return "\n".join(lineas)


def main(argv=None) -> int:
    a = argumentos(argv)
    estado = Estado(Path(tempfile.mkdtemp(prefix="h-escala-")))

    def limpiar():
        aviso("limpieza: procesos, base, Redis, S3, carpeta temporal")
        detener_servidores(estado)
        cerrar_conexiones_de_django(estado)
        if estado.base_creada:
            borrar_base_pg(a.postgres, a.base)
        for url in estado.redis:
            redis_de(url).flushdb()
        if estado.s3 is not None:
            estado.s3.stop()
        if a.conservar:
            aviso(f"se conserva {estado.temporal}")
        else:
            shutil.rmtree(estado.temporal, ignore_errors=True)

    return correr(ejecutar, a, estado, limpiar=limpiar, limite_global=a.limite_global)


if __name__ == "__main__":
    sys.exit(main())
