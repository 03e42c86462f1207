"""Escrituras a la vez en una instalación como la del README: SQLite en un archivo y ``runserver``.

Lo que pasó antes de configurar SQLite para un servidor web (WAL, transacciones IMMEDIATE,
espera de 20 s): 16 capturas simultáneas de 6 instituciones dieron 6 errores 500 «database is
locked» y el texto escrito se perdió; abrir un periodo en dos pestañas a la vez y confirmar dos
veces la misma carga de Excel daban 500. Aquí se levanta el portal como lo deja la primera orden
del README (``manage.py preparar``, las cuentas de ``crear_usuarios_demo`` y ``runserver``) en
otro proceso, se entra por HTTP con las cuentas demo y se hace todo eso a la vez: ninguna
respuesta es 5xx, lo aceptado se guarda entero y lo rechazado se dice en español sin escribir
nada. La base se lee al final directamente del archivo SQLite.

En PostgreSQL (la segunda pasada de CI) se omite: allí cada conexión ya espera su turno y las
mismas carreras las cubren ``tests/seguimiento/test_flujo.py`` y las pruebas de abajo que no
usan el servidor.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.ayudas import llenar_plantilla

RAIZ = Path(__file__).resolve().parents[2]
PLAN = "pal-2022-2024"
CLAVE_DEMO = "Clave-Demo-2024"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="la carrera de SQLite se prueba con SQLite; en PostgreSQL la cubren las pruebas del flujo",
)


# --- Un navegador mínimo: sesión, CSRF y formularios ------------------------------------------


class _SinRedirigir(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # un 302 se entrega tal cual: es la respuesta de un formulario aceptado


@dataclass
class Respuesta:
    estado: int
    html: str
    ubicacion: str = ""


class _Formulario(HTMLParser):
    """Los campos del formulario POST que contiene ``marca`` (un nombre de campo), con sus valores."""

    def __init__(self, marca: str):
        super().__init__(convert_charrefs=True)
        self.marca, self.campos, self._actual, self._textarea, self._select = marca, None, None, None, None

    def handle_starttag(self, etiqueta, atributos):
        a = dict(atributos)
        if etiqueta == "form" and (a.get("method") or "").lower() == "post":
            self._actual = {}
        elif self._actual is None:
            return
        elif etiqueta == "input" and a.get("name") and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._actual[a["name"]] = a.get("value") or ""
        elif etiqueta == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._actual[a["name"]] = ""
        elif etiqueta == "select" and a.get("name"):
            self._select = a["name"]
        elif etiqueta == "option" and "selected" in a and self._select:
            self._actual[self._select] = a.get("value") or ""

    def handle_data(self, datos):
        if self._textarea and self._actual is not None:
            self._actual[self._textarea] += datos

    def handle_endtag(self, etiqueta):
        if etiqueta == "textarea":
            self._textarea = None
        elif etiqueta == "select":
            self._select = None
        elif etiqueta == "form" and self._actual is not None:
            if self.marca in self._actual and self.campos is None:
                self.campos = self._actual
            self._actual = None


def campos_del_formulario(html: str, marca: str) -> dict[str, str]:
    lector = _Formulario(marca)
    lector.feed(html)
    assert lector.campos is not None, f"La página no tiene un formulario con el campo «{marca}»"
    return lector.campos


def _multiparte(campos: dict[str, str], archivos: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    limite = uuid.uuid4().hex
    partes = []
    for nombre, valor in campos.items():
        partes.append(f'--{limite}\r\nContent-Disposition: form-data; name="{nombre}"\r\n\r\n{valor}\r\n'.encode())
    for nombre, (archivo, datos) in archivos.items():
        cabecera = (
            f'--{limite}\r\nContent-Disposition: form-data; name="{nombre}"; filename="{archivo}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        partes.append(cabecera.encode() + datos + b"\r\n")
    partes.append(f"--{limite}--\r\n".encode())
    return b"".join(partes), f"multipart/form-data; boundary={limite}"


class Sesion:
    """Una pestaña de navegador con su propia sesión en el portal."""

    def __init__(self, base: str):
        self.base = base
        self.galletas = http.cookiejar.CookieJar()
        self._abridor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.galletas), _SinRedirigir)

    def pedir(self, ruta, datos: dict | None = None, archivos: dict | None = None) -> Respuesta:
        cuerpo, encabezados = None, {"Referer": self.base + ruta}
        if datos is not None or archivos:
            if archivos:
                cuerpo, tipo = _multiparte(datos or {}, archivos)
            else:
                cuerpo, tipo = urllib.parse.urlencode(datos).encode(), "application/x-www-form-urlencoded"
            encabezados["Content-Type"] = tipo
        peticion = urllib.request.Request(self.base + ruta, data=cuerpo, headers=encabezados)
        try:
            with self._abridor.open(peticion, timeout=60) as r:
                return Respuesta(r.status, r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as r:
            return Respuesta(r.code, r.read().decode("utf-8", "replace"), r.headers.get("Location", ""))

    def bytes_de(self, ruta) -> bytes:
        with self._abridor.open(self.base + ruta, timeout=60) as r:
            return r.read()

    def entrar(self, usuario: str) -> None:
        campos = campos_del_formulario(self.pedir("/cuentas/entrar/").html, "username")
        respuesta = self.pedir("/cuentas/entrar/", {**campos, "username": usuario, "password": CLAVE_DEMO})
        assert respuesta.estado == 302, f"{usuario} no pudo entrar ({respuesta.estado})"


def a_la_vez(tareas) -> list:
    """Corre cada tarea en su hilo; todas salen juntas de la misma barrera."""
    barrera = threading.Barrier(len(tareas))
    resultados = [None] * len(tareas)

    def correr(i, tarea):
        barrera.wait()
        try:
            resultados[i] = tarea()
        except Exception as error:  # noqa: BLE001 (se informa en la aserción)
            resultados[i] = error

    hilos = [threading.Thread(target=correr, args=(i, t)) for i, t in enumerate(tareas)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(120)
    return resultados


# --- La instalación del README en otro proceso ------------------------------------------------


@dataclass
class Instalacion:
    base: str
    archivo: Path
    bitacora: Path

    def consulta(self, sql: str, parametros=()) -> list[tuple]:
        with sqlite3.connect(self.archivo) as conexion:
            return conexion.execute(sql, parametros).fetchall()


def _manage(entorno, *argumentos):
    subprocess.run(
        [sys.executable, "manage.py", *argumentos], cwd=RAIZ, env=entorno, check=True, capture_output=True, timeout=300
    )


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def instalacion(tmp_path_factory):
    carpeta = tmp_path_factory.mktemp("instalacion")
    archivo = carpeta / "db.sqlite3"
    entorno = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    entorno.update(DEBUG="true", DATABASE_URL=f"sqlite:///{archivo}", MEDIA_ROOT=str(carpeta / "media"))
    _manage(entorno, "preparar")
    _manage(entorno, "crear_usuarios_demo", PLAN, "--password", CLAVE_DEMO)
    puerto = _puerto_libre()
    bitacora = carpeta / "runserver.log"
    with open(bitacora, "wb") as salida:
        servidor = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{puerto}"],
            cwd=RAIZ, env=entorno, stdout=salida, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{puerto}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                if servidor.poll() is not None:
                    pytest.fail(f"runserver terminó al arrancar:\n{bitacora.read_text()[-2000:]}")
                time.sleep(0.2)
        else:
            pytest.fail(f"runserver no respondió en 30 s:\n{bitacora.read_text()[-2000:]}")
        yield Instalacion(base=base, archivo=archivo, bitacora=bitacora)
    finally:
        servidor.terminate()
        servidor.wait(10)


def _sin_5xx(resultados, bitacora: Path) -> None:
    fallas = [r for r in resultados if not isinstance(r, Respuesta) or r.estado >= 500]
    assert not fallas, (
        f"{len(fallas)} de {len(resultados)} peticiones fallaron: "
        f"{[r if not isinstance(r, Respuesta) else r.estado for r in fallas]}\n{bitacora.read_text()[-3000:]}"
    )


@pytest.fixture(scope="module")
def periodo_abierto(instalacion):
    """Dos pestañas de la facilitación abren el mismo periodo a la vez: se abre uno, la otra
    pestaña ve el error del formulario en español (devuelve el slug del periodo abierto)."""
    pestanas = [Sesion(instalacion.base) for _ in range(2)]
    ruta = f"/trabajo/{PLAN}/periodos/nuevo/"
    formularios = []
    for pestana in pestanas:
        pestana.entrar(f"facilitacion-{PLAN}")
        formularios.append(campos_del_formulario(pestana.pedir(ruta).html, "nombre"))
    datos = {"nombre": "Diciembre 2023–enero 2024", "inicio": "2023-12-01", "fin": "2024-01-31", "fecha_limite": "2024-02-10"}
    resultados = a_la_vez([lambda p=p, f=f: p.pedir(ruta, {**f, **datos}) for p, f in zip(pestanas, formularios)])
    _sin_5xx(resultados, instalacion.bitacora)
    return resultados


def test_abrir_el_mismo_periodo_en_dos_pestanas_a_la_vez(instalacion, periodo_abierto):
    estados = sorted(r.estado for r in periodo_abierto)
    assert estados == [302, 400], estados
    rechazo = next(r for r in periodo_abierto if r.estado == 400)
    assert 'class="errorlist' in rechazo.html
    assert re.search(r"periodo (abierto|de este plan)|Ya hay un periodo|mismo tiempo", rechazo.html), rechazo.html[-3000:]
    assert instalacion.consulta("SELECT nombre FROM seguimiento_periodo WHERE estado = 'abierto'") == [
        ("Diciembre 2023–enero 2024",)
    ]


def _capturas(instalacion) -> list[tuple[str, str]]:
    """16 pares (cuenta responsable, clave de una acción de su institución), de 6 instituciones."""
    filas = instalacion.consulta(
        """
        SELECT u.username, e.numero || '.' || c.numero || '.' || a.numero
        FROM plan_membresia m
        JOIN auth_user u ON u.id = m.usuario_id
        JOIN plan_plan p ON p.id = m.plan_id AND p.slug = ?
        JOIN plan_compromiso c ON c.institucion_responsable_id = m.institucion_id
        JOIN plan_eje e ON e.id = c.eje_id AND e.plan_id = p.id
        JOIN plan_accion a ON a.compromiso_id = c.id
        WHERE m.rol = 'responsable'
        ORDER BY u.username, e.numero, c.numero, a.numero
        """,
        (PLAN,),
    )
    por_cuenta: dict[str, list[str]] = {}
    for cuenta, clave in filas:
        por_cuenta.setdefault(cuenta, []).append(clave)
    cuentas = sorted(por_cuenta)[:6]
    assert len(cuentas) == 6, f"Se esperaban 6 instituciones con cuenta demo y acciones: {sorted(por_cuenta)}"
    pares, ronda = [], 0
    while len(pares) < 16:
        for cuenta in cuentas:
            if ronda < len(por_cuenta[cuenta]) and len(pares) < 16:
                pares.append((cuenta, por_cuenta[cuenta][ronda]))
        ronda += 1
    return pares


def test_dieciseis_capturas_a_la_vez_de_seis_instituciones(instalacion, periodo_abierto):
    periodo = "diciembre-2023-enero-2024"
    preparadas = []
    for n, (cuenta, clave) in enumerate(_capturas(instalacion)):
        pestana = Sesion(instalacion.base)
        pestana.entrar(cuenta)
        ruta = f"/trabajo/{PLAN}/periodos/{periodo}/acciones/{clave}/"
        campos = campos_del_formulario(pestana.pedir(ruta).html, "version")
        texto = f"Captura simultánea {n + 1} de {cuenta}: mesa de trabajo del {clave}."
        datos = {**campos, "porcentaje": "100", "narrativa": texto, "operacion": "enviar" if n % 2 else "guardar"}
        preparadas.append((pestana, ruta, datos, texto))
    resultados = a_la_vez([lambda p=p, r=r, d=d: p.pedir(r, d) for p, r, d, _ in preparadas])
    _sin_5xx(resultados, instalacion.bitacora)
    assert [r.estado for r in resultados] == [302] * 16, [
        (r.estado, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', r.html)) for r in resultados
    ]
    guardados = {
        t for (t,) in instalacion.consulta(
            "SELECT a.narrativa FROM seguimiento_avance a JOIN seguimiento_periodo p ON p.id = a.periodo_id "
            "WHERE p.slug = ?",
            (periodo,),
        )
    }
    assert {texto for *_, texto in preparadas} <= guardados
    # Cada guardado quedó una vez en el historial.
    (historias,) = instalacion.consulta(
        "SELECT COUNT(*) FROM seguimiento_historicalavance WHERE narrativa LIKE 'Captura simultánea %'"
    )
    assert historias == (16,)


def test_confirmar_dos_veces_la_misma_carga_de_excel_a_la_vez(instalacion, periodo_abierto):
    """Dos pestañas con la misma vista previa pulsan «Guardar» a la vez: se guarda una vez; la
    otra recibe el aviso en español (409 o vista previa vencida) y no escribe nada más."""
    periodo = "diciembre-2023-enero-2024"
    cuenta = f"facilitacion-{PLAN}"
    pestana = Sesion(instalacion.base)
    pestana.entrar(cuenta)
    base = f"/trabajo/{PLAN}/periodos/{periodo}/"
    # Dos acciones que nadie capturó en este periodo (las capturas simultáneas van antes).
    claves = [
        clave for (clave,) in instalacion.consulta(
            """
            SELECT e.numero || '.' || c.numero || '.' || a.numero
            FROM plan_accion a
            JOIN plan_compromiso c ON c.id = a.compromiso_id
            JOIN plan_eje e ON e.id = c.eje_id
            JOIN plan_plan p ON p.id = e.plan_id AND p.slug = ?
            WHERE a.id NOT IN (
                SELECT v.accion_id FROM seguimiento_avance v
                JOIN seguimiento_periodo o ON o.id = v.periodo_id WHERE o.slug = ?
            )
            ORDER BY e.numero DESC, c.numero, a.numero
            LIMIT 2
            """,
            (PLAN, periodo),
        )
    ]
    assert len(claves) == 2
    plantilla = llenar_plantilla(
        pestana.bytes_de(base + "plantilla.xlsx"),
        {clave: {"Avance %": 55, "Narrativa": f"Carga doble del {clave}"} for clave in claves},
    )
    formulario = campos_del_formulario(pestana.pedir(base + "importar/").html, "csrfmiddlewaretoken")
    vista = pestana.pedir(base + "importar/", formulario, {"archivo": ("captura.xlsx", plantilla)})
    assert vista.estado == 200, vista.html[-2000:]
    confirmar = campos_del_formulario(vista.html, "token")
    resultados = a_la_vez(
        [lambda: pestana.pedir(base + "importar/confirmar/", {**confirmar, "operacion": "borrador"})] * 2
    )
    _sin_5xx(resultados, instalacion.bitacora)
    estados = sorted(r.estado for r in resultados)
    # Cada confirmación pide la escritura a una tarea (sin broker, corre en la misma petición) y
    # lleva a su página (302); la segunda llega a la tarea de la primera si sigue activa (la base
    # admite una sola por vista previa), a una tarea propia que falla por el conflicto, o al
    # rechazo en la petición (409, o 400 si la vista previa ya se usó).
    assert estados in ([302, 302], [302, 400], [302, 409]), estados
    for rechazo in (r for r in resultados if r.estado != 302):
        assert "No se guardó" in rechazo.html
    tareas = instalacion.consulta(
        "SELECT estado, error FROM tareas_tarea WHERE tipo = 'excel.confirmar' ORDER BY id"
    )
    assert [estado for estado, _error in tareas].count("terminada") == 1, tareas
    for estado, error in tareas:
        assert estado == "terminada" or (estado == "fallida" and "No se guardó ningún avance" in error), tareas
    guardados = instalacion.consulta(
        "SELECT a.version, a.narrativa FROM seguimiento_avance a "
        "JOIN seguimiento_periodo p ON p.id = a.periodo_id WHERE p.slug = ? AND a.narrativa LIKE 'Carga doble%' "
        "ORDER BY a.narrativa",
        (periodo,),
    )
    assert guardados == [(1, f"Carga doble del {clave}") for clave in sorted(claves)]
