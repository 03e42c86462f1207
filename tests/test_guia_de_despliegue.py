"""La guía de despliegue (docs/despliegue.md) al día con la configuración y bien formada.

- Nombra cada variable de entorno que lee ``estado_abierto/settings.py`` (una nueva que no se
  documente hace fallar esta prueba).
- Su archivo de entorno pasa ``manage.py check --deploy`` sin avisos.
- Sus unidades de systemd, su configuración de gunicorn, su Caddyfile, su nginx y su orden
  ``estado-abierto-manage`` están bien formados y dicen lo que la guía promete (endurecimiento,
  límite del cuerpo acorde con ``EVIDENCIA_TAMANO_MAXIMO_MB``, encabezados del proxy).
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_configuracion import _entorno_limpio

RAIZ = Path(__file__).resolve().parent.parent
GUIA = (RAIZ / "docs" / "despliegue.md").read_text(encoding="utf-8")
SETTINGS = (RAIZ / "estado_abierto" / "settings.py").read_text(encoding="utf-8")


def bloques(lenguaje: str) -> list[str]:
    return re.findall(rf"^```{lenguaje}\n(.*?)^```$", GUIA, re.S | re.M)


def variables_de_settings() -> set[str]:
    """Cada nombre que settings.py lee del entorno: ``os.environ.get("X")``, ``os.environ["X"]``,
    ``os.getenv("X")`` y sus ``env_bool/env_entero/env_lista/env_correos("X", …)``, más
    ``DATABASE_URL``, que lee ``dj_database_url.config()``."""
    nombres = set(
        re.findall(
            r"""(?:os\.environ\.get\(|os\.getenv\(|os\.environ\[|\benv_[a-z]+\()\s*["']([A-Z][A-Z0-9_]*)["']""",
            SETTINGS,
        )
    )
    if re.search(r"dj_database_url\.config\((?![^)]*\benv=)", SETTINGS):
        nombres.add("DATABASE_URL")
    return nombres


def test_se_encuentran_las_variables_de_settings():
    nombres = variables_de_settings()
    # Las que cualquier cambio de settings.py debería seguir leyendo: si el análisis deja de
    # verlas, es el análisis el que falla.
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEFAULT_FROM_EMAIL", "REDIS_URL",
            "AWS_STORAGE_BUCKET_NAME", "SENTRY_DSN", "TAREA_LIMITE_SEGUNDOS"} <= nombres
    assert len(nombres) >= 50


def test_la_guia_nombra_cada_variable_de_entorno():
    faltan = sorted(n for n in variables_de_settings() if not re.search(rf"`{n}`", GUIA))
    assert not faltan, f"docs/despliegue.md no nombra (entre comillas invertidas): {', '.join(faltan)}"


def test_la_tabla_de_variables_tiene_una_fila_por_variable():
    seccion = GUIA.split("## 6. Variables de entorno", 1)[1].split("\n## ", 1)[0]
    en_tabla = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(l for l in seccion.splitlines() if l.startswith("| `"))))
    assert variables_de_settings() <= en_tabla, sorted(variables_de_settings() - en_tabla)


# --- el archivo de entorno ---------------------------------------------------------------------


def entorno_de_la_guia() -> dict[str, str]:
    """El primer bloque ``sh`` con ``DEBUG=false``: una variable por línea, como lo lee systemd
    (``EnvironmentFile=``: sin los comentarios y sin las comillas dobles de los extremos)."""
    bloque = next(b for b in bloques("sh") if b.startswith("DEBUG=false\n"))
    variables = {}
    for linea in bloque.splitlines():
        if not linea.strip() or linea.lstrip().startswith("#"):
            continue
        nombre, valor = linea.split("=", 1)
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", nombre), linea
        if len(valor) >= 2 and valor[0] == valor[-1] == '"':
            valor = valor[1:-1]
        assert " " not in valor or linea.split("=", 1)[1].startswith('"'), f"con espacios y sin comillas: {linea}"
        variables[nombre] = valor
    return variables


def test_el_archivo_de_entorno_solo_usa_variables_que_existen():
    assert set(entorno_de_la_guia()) <= variables_de_settings()


def test_el_archivo_de_entorno_de_la_guia_pasa_check_deploy_sin_avisos(tmp_path):
    entorno = entorno_de_la_guia()
    assert entorno["DEBUG"] == "false"
    assert entorno["SECRET_KEY"] == "", "La guía deja SECRET_KEY vacía para que cada instalación genere la suya."
    entorno["SECRET_KEY"] = secrets.token_urlsafe(50)
    # Las carpetas de la guía no existen en la máquina de las pruebas: las mismas, en tmp_path.
    entorno["STATIC_ROOT"] = str(tmp_path / "estaticos")
    entorno["MEDIA_ROOT"] = str(tmp_path / "archivos")
    resultado = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RAIZ, env=_entorno_limpio(**entorno), capture_output=True, text=True,
    )
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "System check identified no issues (0 silenced)." in resultado.stdout


def test_la_orden_manage_es_sh_valido(tmp_path):
    envoltura = next(b for b in bloques("sh") if b.startswith("#!/bin/sh"))
    archivo = tmp_path / "estado-abierto-manage"
    archivo.write_text(envoltura)
    resultado = subprocess.run(["sh", "-n", str(archivo)], capture_output=True, text=True)
    assert resultado.returncode == 0, resultado.stderr
    assert "/etc/estado-abierto/entorno" in envoltura and "set -a" in envoltura


# --- systemd -----------------------------------------------------------------------------------

#: Las directivas que usan las unidades de la guía; una mal escrita (p. ej. ``ProtectSytem``) no
#: está aquí y falla, como la ignoraría systemd en silencio.
DIRECTIVAS = {
    "Unit": {"Description", "After", "Wants", "Requires"},
    "Service": {
        "Type", "NotifyAccess", "User", "Group", "WorkingDirectory", "EnvironmentFile", "Environment",
        "ExecStart", "ExecReload", "KillMode", "KillSignal", "TimeoutStopSec", "Restart", "RestartSec",
        "RuntimeDirectory", "RuntimeDirectoryMode", "CacheDirectory", "StateDirectory", "NoNewPrivileges",
        "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID", "LockPersonality", "ReadWritePaths",
    },
    "Install": {"WantedBy"},
}


#: Un bloque ``ini`` de la guía con el nombre del archivo que lo precede (``/etc/systemd/system/….service``).
BLOQUE_DE_UNIDAD = re.compile(
    r"`(/etc/systemd/system/[\w.-]+\.service)`[^\n]*\n(?:[^\n]*\n)*?\n```ini\n(.*?)^```$", re.M | re.S
)


def unidades() -> dict[str, dict[str, dict[str, list[str]]]]:
    """``{archivo: {sección: {directiva: [valores]}}}`` de cada bloque ``ini`` de la guía, con el
    nombre del archivo que lo precede (``/etc/systemd/system/….service``)."""
    encontradas = {}
    for nombre, bloque in BLOQUE_DE_UNIDAD.findall(GUIA):
        secciones: dict[str, dict[str, list[str]]] = {}
        actual = None
        for linea in bloque.splitlines():
            if not linea.strip() or linea.lstrip().startswith(("#", ";")):
                continue
            encabezado = re.fullmatch(r"\[(\w+)\]", linea)
            if encabezado:
                actual = secciones.setdefault(encabezado.group(1), {})
                continue
            assert actual is not None, f"{nombre}: directiva antes de una sección: {linea}"
            assert re.fullmatch(r"[A-Z][A-Za-z]+=\S.*", linea), f"{nombre}: línea mal formada: {linea}"
            clave, valor = linea.split("=", 1)
            actual.setdefault(clave, []).append(valor)
        encontradas[nombre] = secciones
    return encontradas


def test_la_guia_trae_las_tres_unidades():
    assert set(unidades()) == {
        "/etc/systemd/system/estado-abierto-web.service",
        "/etc/systemd/system/estado-abierto-worker.service",
        "/etc/systemd/system/estado-abierto-programador.service",
    }


@pytest.mark.parametrize("nombre", sorted(unidades()))
def test_cada_unidad_esta_bien_formada_y_endurecida(nombre):
    unidad = unidades()[nombre]
    assert set(unidad) == {"Unit", "Service", "Install"}, nombre
    for seccion, directivas in unidad.items():
        desconocidas = set(directivas) - DIRECTIVAS[seccion]
        assert not desconocidas, f"{nombre} [{seccion}]: {desconocidas}"
    servicio = unidad["Service"]
    assert servicio["ExecStart"][0].startswith("/srv/estado-abierto/venv/bin/")
    assert servicio["EnvironmentFile"] == ["/etc/estado-abierto/entorno"]
    assert servicio["User"] == ["estado-abierto"]
    assert servicio["Restart"] == ["on-failure"]
    assert servicio["NoNewPrivileges"] == ["yes"] and servicio["ProtectSystem"] == ["strict"]
    assert unidad["Install"]["WantedBy"] == ["multi-user.target"]
    if "programador" not in nombre:
        # Escriben archivos (evidencias, informes) cuando MEDIA_ROOT está en disco.
        assert servicio["ReadWritePaths"] == [entorno_de_la_guia()["MEDIA_ROOT"]]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="sin systemd-analyze")
def test_systemd_analyze_verify_acepta_las_unidades(tmp_path):
    """Las unidades, tal cual, salvo los programas del entorno virtual (que aquí no existen):
    ``/bin/true`` en su lugar. systemd avisa de una directiva desconocida y la ignora: aquí falla."""
    archivos = []
    for nombre, bloque in BLOQUE_DE_UNIDAD.findall(GUIA):
        archivo = tmp_path / Path(nombre).name
        archivo.write_text(re.sub(r"/srv/estado-abierto/venv/bin/\S+", "/bin/true", bloque))
        archivos.append(str(archivo))
    resultado = subprocess.run(["systemd-analyze", "verify", "--man=no", *archivos], capture_output=True, text=True,
                               timeout=60)
    assert resultado.returncode == 0, resultado.stderr
    assert "Unknown" not in resultado.stderr and "ignoring" not in resultado.stderr, resultado.stderr


def test_web_recarga_con_hup_y_el_worker_se_apaga_tibio():
    web = unidades()["/etc/systemd/system/estado-abierto-web.service"]["Service"]
    worker = unidades()["/etc/systemd/system/estado-abierto-worker.service"]["Service"]
    beat = unidades()["/etc/systemd/system/estado-abierto-programador.service"]["Service"]
    assert "gunicorn -c /etc/estado-abierto/gunicorn.conf.py estado_abierto.wsgi" in web["ExecStart"][0]
    assert web["ExecReload"] == ["/bin/kill -s HUP $MAINPID"]
    assert " -A estado_abierto worker" in worker["ExecStart"][0] and worker["KillSignal"] == ["SIGTERM"]
    assert " -A estado_abierto beat" in beat["ExecStart"][0]
    assert "/var/lib/estado-abierto/" in beat["ExecStart"][0] and beat["StateDirectory"] == ["estado-abierto"]
    # gunicorn termina sus peticiones (graceful_timeout) antes de que systemd lo mate.
    assert int(web["TimeoutStopSec"][0]) > configuracion_de_gunicorn()["graceful_timeout"]


def test_las_ordenes_de_las_unidades_existen():
    """celery y gunicorn aceptan las opciones con que las unidades los arrancan."""
    for nombre, unidad in unidades().items():
        orden = unidad["Service"]["ExecStart"][0].split()
        programa = Path(orden[0]).name
        if programa == "celery":
            opciones = [o for o in orden[4:] if o.startswith("-")]
            ayuda = subprocess.run(
                [sys.executable, "-m", "celery", "-A", "estado_abierto", orden[3], "--help"],
                cwd=RAIZ, env=_entorno_limpio(DEBUG="true"), capture_output=True, text=True,
            )
            assert ayuda.returncode == 0, ayuda.stderr
            for opcion in opciones:
                assert opcion in ayuda.stdout, f"{nombre}: celery {orden[3]} no tiene {opcion}"
        else:
            assert programa == "gunicorn", nombre


# --- gunicorn, Caddy, nginx --------------------------------------------------------------------


def configuracion_de_gunicorn() -> dict:
    (bloque,) = bloques("python")
    espacio: dict = {}
    exec(compile(bloque, "gunicorn.conf.py", "exec"), espacio)  # noqa: S102 (es el texto de la guía)
    return espacio


def test_la_configuracion_de_gunicorn_es_la_que_explica_la_guia():
    import multiprocessing

    from gunicorn.config import Config

    c = configuracion_de_gunicorn()
    assert c["workers"] == 2 * multiprocessing.cpu_count() + 1 and c["worker_class"] == "sync"
    assert c["timeout"] == 60 and c["graceful_timeout"] < c["timeout"]
    assert c["max_requests"] > 0 and 0 < c["max_requests_jitter"] < c["max_requests"]
    assert c["bind"] == "unix:/run/estado-abierto/gunicorn.sock"
    assert "{x-request-id}o" in c["access_log_format"]
    # Cada nombre es un ajuste de gunicorn, y con un valor que gunicorn acepta.
    config = Config()
    for nombre, valor in c.items():
        if nombre.startswith("__") or nombre == "multiprocessing":
            continue
        assert nombre in config.settings, f"gunicorn no tiene el ajuste {nombre!r}"
        config.set(nombre, valor)


def _llaves_balanceadas(texto: str) -> None:
    nivel = 0
    for numero, linea in enumerate(texto.splitlines(), 1):
        sin_comentario = linea.split("#", 1)[0]
        nivel += sin_comentario.count("{") - sin_comentario.count("}")
        assert nivel >= 0, f"línea {numero}: «}}» de más: {linea}"
    assert nivel == 0, "faltan llaves de cierre"


def _tamano_maximo_mb() -> int:
    return int(re.search(r'env_entero\("EVIDENCIA_TAMANO_MAXIMO_MB", (\d+)', SETTINGS).group(1))


@pytest.mark.parametrize("caddyfile", bloques("caddyfile"))
def test_cada_caddyfile_esta_bien_formado(caddyfile, tmp_path):
    _llaves_balanceadas(caddyfile)
    assert "header_up X-Forwarded-Proto {scheme}" in caddyfile
    assert "header_up X-Request-ID {http.request.uuid}" in caddyfile
    assert int(re.search(r"max_size (\d+)MB", caddyfile).group(1)) > _tamano_maximo_mb()
    if shutil.which("caddy"):
        archivo = tmp_path / "Caddyfile"
        archivo.write_text(caddyfile)
        resultado = subprocess.run(["caddy", "adapt", "--config", str(archivo)], capture_output=True, text=True)
        assert resultado.returncode == 0, resultado.stderr


def test_la_configuracion_de_nginx_esta_bien_formada():
    (nginx,) = bloques("nginx")
    _llaves_balanceadas(nginx)
    for linea in nginx.splitlines():
        codigo = linea.split("#", 1)[0].strip()
        if codigo and not codigo.endswith(("{", "}")):
            assert codigo.endswith(";"), f"falta «;»: {linea}"
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Request-ID $request_id;" in nginx
    assert int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1)) > _tamano_maximo_mb()
    # El upstream es el socket de gunicorn.
    assert f"server {configuracion_de_gunicorn()['bind']};" in nginx
