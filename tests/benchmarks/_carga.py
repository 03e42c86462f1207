"""Lo que comparten las mediciones con servidores de verdad (portal.py y escala.py): la base de
PostgreSQL propia, ``manage.py``, gunicorn y otros procesos en su propio grupo, la carga HTTP con
varios clientes a la vez (contra uno o varios servidores) y la tabla de las páginas."""

from __future__ import annotations

import http.client
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]
RUTA_ESTATICA = "bench/inicio.html"


# --------------------------------------------------------------------------- utilidades


def aviso(texto: str) -> None:
    print(f"· {texto}", file=sys.stderr, flush=True)


def puerto_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentil(valores: list[float], p: float) -> float:
    """Percentil por rango más cercano (p en 0–100) de una lista no vacía."""
    ordenados = sorted(valores)
    return ordenados[max(0, math.ceil(p / 100 * len(ordenados)) - 1)]


def ms(valor: float) -> str:
    return f"{valor:,.1f}" if valor < 100 else f"{valor:,.0f}"


def manage(entorno: dict, *args: str) -> tuple[float, str]:
    inicio = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=RAIZ, env=entorno, capture_output=True, text=True
    )
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"Falló «manage.py {' '.join(args)}» (código {r.returncode}).")
    return time.perf_counter() - inicio, r.stdout


def crear_base_pg(servidor: str, nombre: str) -> str:
    """Borra (si existe) y crea la base ``nombre`` en ``servidor``; devuelve su DATABASE_URL."""
    import psycopg

    try:
        conexion = psycopg.connect(f"{servidor}/postgres", autocommit=True)
    except psycopg.OperationalError as e:
        raise SystemExit(f"No se pudo conectar a PostgreSQL en {servidor}: {e}") from None
    with conexion as c:
        c.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{nombre}"')
    return f"{servidor}/{nombre}"


def borrar_base_pg(servidor: str, nombre: str) -> None:
    import psycopg

    with psycopg.connect(f"{servidor}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')


def django_en_proceso(entorno: dict) -> None:
    os.environ.update(entorno)
    os.environ["DJANGO_SETTINGS_MODULE"] = "estado_abierto.settings"
    sys.path.insert(0, str(RAIZ))
    import django

    django.setup()


def html_de_inicio(static_root: Path) -> Path:
    """Escribe la portada tal como la genera el portal en la carpeta de collectstatic (Django ya
    configurado en el proceso): WhiteNoise la sirve con los mismos bytes, sin Django."""
    from django.test import Client

    respuesta = Client().get("/", HTTP_HOST="127.0.0.1")
    if respuesta.status_code != 200:
        raise SystemExit(
            f"La portada respondió {respuesta.status_code} al generarla para el archivo estático."
        )
    destino = static_root / RUTA_ESTATICA
    destino.parent.mkdir(parents=True, exist_ok=True)
    destino.write_bytes(respuesta.content)
    return destino


def version_de_gunicorn() -> str:
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--version"], capture_output=True, text=True
    ).stdout.strip()


# --------------------------------------------------------------------------- procesos


class Proceso:
    """Un proceso en su propio grupo, con su bitácora; ``detener`` siempre lo termina (SIGTERM, y
    SIGKILL al grupo entero si no sale en ``espera`` segundos)."""

    def __init__(self, orden: list[str], entorno: dict, bitacora: Path):
        self.bitacora = bitacora
        self._archivo = open(bitacora, "w")
        self.proceso = subprocess.Popen(
            orden,
            cwd=RAIZ,
            env=entorno,
            stdout=self._archivo,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def vivo(self) -> bool:
        return self.proceso.poll() is None

    def _exigir_vivo(self, que: str) -> None:
        if not self.vivo():
            raise SystemExit(f"{que} terminó al arrancar; ver {self.bitacora}:\n{self.bitacora.read_text()[-2000:]}")

    def detener(self, espera: float = 15) -> None:
        if self.vivo():
            self.proceso.terminate()
            try:
                self.proceso.wait(timeout=espera)
            except subprocess.TimeoutExpired:
                os.killpg(self.proceso.pid, signal.SIGKILL)  # su propio grupo, creado arriba
                self.proceso.wait(timeout=5)
        if not self._archivo.closed:
            self._archivo.close()


class Servidor(Proceso):
    """gunicorn en 127.0.0.1 y un puerto libre (``opciones``: más argumentos de gunicorn)."""

    def __init__(self, entorno: dict, workers: int, bitacora: Path, opciones: tuple[str, ...] = ()):
        self.puerto = puerto_libre()
        super().__init__(
            [
                sys.executable, "-m", "gunicorn", "estado_abierto.wsgi",
                "-w", str(workers), "-b", f"127.0.0.1:{self.puerto}", "--log-level", "warning", *opciones,
            ],
            entorno,
            bitacora,
        )

    def esperar(self, ruta: str, segundos: float = 30) -> None:
        limite = time.monotonic() + segundos
        while time.monotonic() < limite:
            self._exigir_vivo("gunicorn")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.puerto, timeout=2)
                c.request("GET", ruta)
                if c.getresponse().status == 200:
                    c.close()
                    return
                c.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn no respondió en {segundos:.0f} s; ver {self.bitacora}")


# --------------------------------------------------------------------------- carga


@dataclass
class Medicion:
    pagina: str
    modo: str
    ruta: str
    pedidas: int
    latencias: list[float] = field(default_factory=list)
    #: Latencias de cada servidor (por puerto), cuando la carga va a varios.
    por_puerto: dict[int, list[float]] = field(default_factory=dict)
    estados: dict[int, int] = field(default_factory=dict)
    errores: list[str] = field(default_factory=list)
    bytes: int = 0
    segundos: float = 0.0
    reconexiones: int = 0
    cortada: bool = False
    omitida: str = ""

    @property
    def hechas(self) -> int:
        return len(self.latencias)

    @property
    def rps(self) -> float:
        return self.hechas / self.segundos if self.segundos else 0.0


def _peticion(conexion: http.client.HTTPConnection, ruta: str) -> tuple[int, bytes, bool]:
    conexion.request("GET", ruta, headers={"Host": "127.0.0.1"})
    r = conexion.getresponse()
    cuerpo = r.read()
    return r.status, cuerpo, r.will_close


def cargar(puertos: int | list[int], medicion: Medicion, concurrencia: int, limite: float, calentar: int) -> None:
    """Calienta con ``calentar`` peticiones a la misma concurrencia (así cada worker ya tiene
    la página en su caché y sus plantillas cargadas) y luego mide ``medicion.pedidas``."""
    inicio = time.monotonic()
    _rafaga(puertos, Medicion(medicion.pagina, medicion.modo, medicion.ruta, calentar), concurrencia, limite)
    _rafaga(puertos, medicion, concurrencia, limite - (time.monotonic() - inicio))


def _rafaga(puertos: int | list[int], medicion: Medicion, concurrencia: int, limite: float) -> None:
    """``medicion.pedidas`` peticiones a ``medicion.ruta`` con ``concurrencia`` hilos, cada uno
    con su conexión http.client (se reabre sola si el servidor la cierra). Con varios
    ``puertos``, el cliente i habla siempre con ``puertos[i % len(puertos)]``: la carga se reparte
    por igual entre los servidores. Se detiene al llegar a ``limite`` segundos."""
    puertos = [puertos] if isinstance(puertos, int) else list(puertos)
    candado = threading.Lock()
    siguiente = iter(range(medicion.pedidas))
    fin = time.monotonic() + limite
    detener = threading.Event()

    def cliente(puerto: int):
        conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=30)
        try:
            while not detener.is_set():
                with candado:
                    if next(siguiente, None) is None:
                        return
                if time.monotonic() > fin:
                    medicion.cortada = True
                    return
                inicio = time.perf_counter()
                try:
                    estado, cuerpo, cierra = _peticion(conexion, medicion.ruta)
                except (OSError, http.client.HTTPException) as e:
                    conexion.close()
                    with candado:
                        medicion.errores.append(f"{type(e).__name__}: {e}")
                    continue
                transcurrido = (time.perf_counter() - inicio) * 1000
                if cierra:
                    conexion.close()
                with candado:
                    medicion.latencias.append(transcurrido)
                    medicion.por_puerto.setdefault(puerto, []).append(transcurrido)
                    medicion.estados[estado] = medicion.estados.get(estado, 0) + 1
                    medicion.bytes = len(cuerpo)
                    medicion.reconexiones += cierra
        finally:
            conexion.close()

    hilos = [
        threading.Thread(target=cliente, args=(puertos[i % len(puertos)],), daemon=True) for i in range(concurrencia)
    ]
    inicio = time.perf_counter()
    for h in hilos:
        h.start()
    try:
        for h in hilos:
            h.join()
    finally:
        detener.set()
    medicion.segundos = time.perf_counter() - inicio


# --------------------------------------------------------------------------- informe


def tabla_paginas(mediciones: list[Medicion], servidores: dict[int, str] | None = None) -> list[str]:
    """La tabla de las páginas medidas. Con ``servidores`` (``{puerto: "A"}``) agrega una columna
    con la mediana de cada servidor."""
    por_servidor = bool(servidores) and len(servidores) > 1
    columna = f" p50 por servidor ({' / '.join(servidores.values())}) |" if por_servidor else ""
    filas = [
        f"| página | modo | respuesta | bytes | peticiones | p50 (ms) | p95 (ms) | máx (ms) |{columna} req/s |",
        "|---|---|---|--:|--:|--:|--:|--:|" + ("--:|" if por_servidor else "") + "--:|",
    ]
    columnas = 10 if por_servidor else 9
    for m in mediciones:
        if m.omitida:
            filas.append(f"| {m.pagina} `{m.ruta}` | {m.modo} | {m.omitida} |" + " |" * (columnas - 3))
            continue
        respuesta = ", ".join(
            f"{estado} ×{n}" if len(m.estados) > 1 else str(estado) for estado, n in sorted(m.estados.items())
        )
        if m.errores:
            respuesta += f"; {len(m.errores)} errores"
        if not m.latencias:
            filas.append(f"| {m.pagina} `{m.ruta}` | {m.modo} | {respuesta or 'sin respuesta'} | | 0 |" + " |" * (columnas - 5))
            continue
        hechas = f"{m.hechas}" + (" (límite de tiempo)" if m.cortada else "")
        p50, p95, maximo = percentil(m.latencias, 50), percentil(m.latencias, 95), max(m.latencias)
        celda = ""
        if por_servidor:
            celda = " " + " / ".join(
                ms(percentil(m.por_puerto[p], 50)) if m.por_puerto.get(p) else "—" for p in servidores
            ) + " |"
        filas.append(
            f"| {m.pagina} `{m.ruta}` | {m.modo} | {respuesta} | {m.bytes:,} | {hechas} | "
            f"{ms(p50)} | {ms(p95)} | {ms(maximo)} |{celda} {m.rps:,.0f} |"
        )
    return filas


def conexiones_cerradas(mediciones: list[Medicion]) -> str:
    total = sum(m.hechas for m in mediciones)
    cerradas = sum(m.reconexiones for m in mediciones)
    if cerradas == total:
        return (
            "gunicorn (workers sync) cerró la conexión tras cada respuesta: cada petición "
            "incluye abrir una conexión TCP local."
        )
    if cerradas == 0:
        return "gunicorn mantuvo las conexiones abiertas (keep-alive)."
    return f"gunicorn cerró la conexión tras {cerradas:,} de {total:,} respuestas."


def lineas_de_errores(mediciones: list[Medicion]) -> list[str]:
    """Lo que salió mal en cada dirección medida, para el pie de la tabla."""
    lineas = []
    for m in mediciones:
        if m.errores:
            lineas.append(f"Errores en `{m.ruta}` ({m.modo}): {len(m.errores)}; el primero: {m.errores[0]}")
        if m.estados and set(m.estados) != {200}:
            lineas.append(f"**`{m.ruta}` no respondió 200** ({m.modo}): {m.estados}.")
    return lineas


class TiempoAgotado(Exception):
    """Se agotó el límite global de la medición: se limpia todo y se sale."""


def correr(ejecutar, a, estado, *, limpiar, limite_global: int | None = None) -> int:
    """``ejecutar(a, estado)`` devuelve la tabla en Markdown: se imprime (y se guarda en
    ``a.salida``). SIGTERM y Ctrl-C la interrumpen (aunque el proceso herede SIGINT ignorada, p.
    ej. lanzado con ``&``), ``limite_global`` segundos la cortan, y ``limpiar()`` corre siempre."""

    def al_terminar(_senal, _marco):
        raise KeyboardInterrupt

    def sin_tiempo(_senal, _marco):
        raise TiempoAgotado

    signal.signal(signal.SIGTERM, al_terminar)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if limite_global:
        signal.signal(signal.SIGALRM, sin_tiempo)
        signal.alarm(limite_global)
    try:
        texto = ejecutar(a, estado)
        print(texto)
        if a.salida:
            a.salida.write_text(texto + "\n")
        return 0
    except KeyboardInterrupt:
        aviso("interrumpido")
        return 130
    except TiempoAgotado:
        aviso(f"se agotó el límite global ({limite_global} s)")
        return 124
    finally:
        signal.alarm(0)
        limpiar()


def cerrar_conexiones_de_django(estado) -> None:
    if estado.django_listo:
        from django.db import connections

        connections.close_all()


def entorno_de_medicion(*, url: str, static_root: Path, media_root: Path, conn_max_age: int, **extra: str) -> dict:
    """El entorno de producción (DEBUG=false) de los servidores de una medición, en 127.0.0.1."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "solo-para-las-mediciones-" + os.urandom(32).hex(),
        # Los servidores de la medición hablan http en 127.0.0.1: sin la redirección a https.
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "CONN_MAX_AGE": str(conn_max_age),
        "LOG_LEVEL": "WARNING",
        "PAGINAS_EN_CACHE": "true",
        **extra,
    }


def cargar_datos(entorno: dict, planes: int) -> tuple[float, float, float]:
    """``preparar``, ``generar_sintetico --planes`` y ``collectstatic``; sus segundos."""
    aviso("manage.py preparar")
    t_preparar, _ = manage(entorno, "preparar", "-v", "0")
    aviso(f"manage.py generar_sintetico --planes {planes}")
    t_generar, _ = manage(entorno, "generar_sintetico", "--planes", str(planes))
    aviso("manage.py collectstatic")
    t_static, _ = manage(entorno, "collectstatic", "--noinput", "-v", "0")
    return t_preparar, t_generar, t_static
