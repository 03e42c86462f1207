"""El respaldo se prueba restaurándolo: la instalación real, respaldada aquí y restaurada en otro
proceso en una base y una carpeta de archivos vacías (en PostgreSQL, otra base del mismo servidor;
en SQLite, un archivo nuevo), da las mismas filas, los mismos archivos y las mismas cifras."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Max

from plan.models import Institucion
from seguimiento.models import Informe

RAIZ = Path(__file__).resolve().parents[2]
#: Lo que el entorno de quien corre las pruebas no debe colar al proceso que restaura.
_DEL_ENTORNO = {
    "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITIO_URL",
    "REDIS_URL", "CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME", "SENTRY_DSN", "LOG_FORMAT",
}


def filas_por_modelo() -> dict[str, int]:
    """Filas de cada tabla (también las intermedias de los ManyToMany); la usa también el proceso
    de la base restaurada."""
    return {
        modelo._meta.label_lower: modelo._base_manager.count()
        for modelo in apps.get_models(include_auto_created=True)
        if not modelo._meta.proxy
    }


def huellas(carpeta: Path) -> dict[str, str]:
    return {
        str(ruta.relative_to(carpeta)): hashlib.sha256(ruta.read_bytes()).hexdigest()
        for ruta in sorted(carpeta.rglob("*")) if ruta.is_file()
    }


@pytest.fixture
def destino(tmp_path):
    """Una base vacía (sin tablas) y una carpeta de archivos vacía, para el otro proceso."""
    ajustes = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        nombre = f"{ajustes['NAME']}_restaurada"
        servidor = {"host": ajustes["HOST"] or None, "port": ajustes["PORT"] or None,
                    "user": ajustes["USER"] or None, "password": ajustes["PASSWORD"] or None}
        with psycopg.connect(dbname="postgres", autocommit=True, **servidor) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{nombre}"')
            admin.execute(f'CREATE DATABASE "{nombre}"')
        credenciales = quote(ajustes["USER"] or "") + (":" + quote(ajustes["PASSWORD"]) if ajustes["PASSWORD"] else "")
        url = f"postgres://{credenciales}@{ajustes['HOST'] or 'localhost'}:{ajustes['PORT'] or 5432}/{nombre}"
    else:
        url = f"sqlite:///{tmp_path / 'restaurada.sqlite3'}"
    archivos = tmp_path / "archivos-restaurados"
    archivos.mkdir()
    entorno = {k: v for k, v in os.environ.items() if k not in _DEL_ENTORNO}
    entorno.update(
        DJANGO_SETTINGS_MODULE="estado_abierto.settings", DATABASE_URL=url, MEDIA_ROOT=str(archivos),
        SECRET_KEY="clave-del-proceso-que-restaura-en-las-pruebas-0123456789-abcdef", ALLOWED_HOSTS="testserver",
    )
    yield entorno
    if connection.vendor == "postgresql":
        with psycopg.connect(dbname="postgres", autocommit=True, **servidor) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)')


def en_destino(entorno, *argumentos, python=False) -> subprocess.CompletedProcess:
    orden = [sys.executable, "-c", argumentos[0]] if python else [sys.executable, "manage.py", *argumentos]
    return subprocess.run(orden, cwd=RAIZ, env=entorno, capture_output=True, text=True, timeout=300)


_FILAS_Y_SECUENCIA = (
    "import django, json; django.setup()\n"
    "from tests.operacion.test_respaldo import filas_por_modelo\n"
    "from plan.models import Institucion\n"
    "filas = filas_por_modelo()\n"
    # La siguiente fila toma un número libre (en PostgreSQL, la secuencia se reinició).
    "nueva = Institucion.objects.create(nombre='Creada tras restaurar', siglas='CTR')\n"
    "print(json.dumps({'filas': filas, 'nueva': nueva.pk}))\n"
)


def test_la_instalacion_real_se_restaura_igual_en_una_base_y_un_almacenamiento_vacios(
    pal, cuenta_borrada, destino, tmp_path, settings
):
    informe = Informe.objects.get(plan=pal, numero=1)
    assert informe.congelado
    salida = StringIO()
    call_command("respaldar", str(tmp_path / "respaldo"), stdout=salida)
    assert "Respaldo listo en" in salida.getvalue() and "3 archivos" in salida.getvalue()
    filas = filas_por_modelo()
    cifras = StringIO()
    call_command("avance", "pal-2022-2024", "--json", stdout=cifras)
    originales = huellas(Path(settings.MEDIA_ROOT))
    assert cuenta_borrada.archivo.name in originales and informe.pdf.name in originales

    restaurado = en_destino(destino, "restaurar", str(tmp_path / "respaldo"))
    assert restaurado.returncode == 0, restaurado.stderr
    assert "Respaldo restaurado desde" in restaurado.stdout and "3 archivos" in restaurado.stdout

    medido = en_destino(destino, _FILAS_Y_SECUENCIA, python=True)
    assert medido.returncode == 0, medido.stderr
    medido = json.loads(medido.stdout)
    assert medido["filas"] == filas
    assert medido["nueva"] > Institucion.objects.aggregate(mayor=Max("pk"))["mayor"]
    carpeta_restaurada = Path(destino["MEDIA_ROOT"])
    assert huellas(carpeta_restaurada) == originales
    cifras_restauradas = en_destino(destino, "avance", "pal-2022-2024", "--json")
    assert json.loads(cifras_restauradas.stdout) == json.loads(cifras.getvalue())
    # El informe congelado se verifica como al descargarlo: sus bytes dan la SHA-256 publicada.
    assert hashlib.sha256((carpeta_restaurada / informe.pdf.name).read_bytes()).hexdigest() == informe.pdf_sha256
    assert hashlib.sha256((carpeta_restaurada / informe.xlsx.name).read_bytes()).hexdigest() == informe.xlsx_sha256
    # Y como lo escribe manage.py informe, que compara los bytes guardados con su SHA-256.
    for extension, huella in (("pdf", informe.pdf_sha256), ("xlsx", informe.xlsx_sha256)):
        escrito = en_destino(destino, "informe", "pal-2022-2024", "1", "--salida", str(tmp_path / f"i.{extension}"))
        assert escrito.returncode == 0 and "(publicado, congelado)" in escrito.stderr, escrito.stderr
        assert hashlib.sha256((tmp_path / f"i.{extension}").read_bytes()).hexdigest() == huella

    # Una segunda vez, sobre lo ya restaurado: se niega sin --sobrescribir; con él, queda igual.
    otra_vez = en_destino(destino, "restaurar", str(tmp_path / "respaldo"))
    assert otra_vez.returncode != 0 and "La base de datos de destino no está vacía" in otra_vez.stderr
    otra_vez = en_destino(destino, "restaurar", "--sobrescribir", str(tmp_path / "respaldo"))
    assert otra_vez.returncode == 0, otra_vez.stderr
    assert huellas(carpeta_restaurada) == originales


@pytest.fixture
def respaldo(db, tmp_path):
    """Respaldo de una base recién migrada con un archivo guardado."""
    storages["default"].save("evidencias/acta.txt", ContentFile(b"Acta firmada"))
    call_command("respaldar", str(tmp_path / "respaldo"), stdout=StringIO())
    storages["default"].delete("evidencias/acta.txt")
    return tmp_path / "respaldo"


def test_un_respaldo_alterado_se_rechaza_nombrando_el_archivo(respaldo, django_user_model):
    (respaldo / "archivos/evidencias/acta.txt").write_bytes(b"Acta falsa!!")
    with pytest.raises(CommandError, match=r"alterado: archivos/evidencias/acta\.txt no coincide"):
        call_command("restaurar", str(respaldo), stdout=StringIO())
    assert not storages["default"].exists("evidencias/acta.txt")


def test_un_archivo_que_no_lista_el_manifiesto_se_rechaza(respaldo):
    (respaldo / "archivos/evidencias/colado.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"archivos/evidencias/colado\.pdf no está en su manifiesto"):
        call_command("restaurar", str(respaldo), stdout=StringIO())


def test_un_respaldo_de_una_version_mas_nueva_se_rechaza(respaldo):
    manifiesto = json.loads((respaldo / "manifiesto.json").read_text())
    manifiesto["migraciones"]["plan"].append("9999_del_futuro")
    (respaldo / "manifiesto.json").write_text(json.dumps(manifiesto))
    with pytest.raises(CommandError, match=r"versión más nueva del portal.*plan\.9999_del_futuro"):
        call_command("restaurar", str(respaldo), stdout=StringIO())


def test_un_destino_con_datos_o_archivos_se_rechaza(respaldo, django_user_model):
    storages["default"].save("informes/ajeno.pdf", ContentFile(b"%PDF-1.4"))
    with pytest.raises(CommandError, match=r"almacenamiento de archivos de destino no está vacío.*informes/ajeno\.pdf"):
        call_command("restaurar", str(respaldo), stdout=StringIO())
    storages["default"].delete("informes/ajeno.pdf")
    django_user_model.objects.create_user("ya-estaba")
    with pytest.raises(CommandError, match=r"base de datos de destino no está vacía \(auth\.user: 1…\).*--sobrescribir"):
        call_command("restaurar", str(respaldo), stdout=StringIO())
    assert list(django_user_model.objects.values_list("username", flat=True)) == ["ya-estaba"]
    assert not storages["default"].exists("evidencias/acta.txt")


def test_el_respaldo_en_tar_trae_el_mismo_manifiesto(respaldo, tmp_path):
    import tarfile

    call_command("respaldar", str(tmp_path / "respaldo.tar"), stdout=StringIO())
    with tarfile.open(tmp_path / "respaldo.tar") as paquete:
        manifiesto = json.load(paquete.extractfile("respaldo/manifiesto.json"))
    carpeta = json.loads((respaldo / "manifiesto.json").read_text())
    assert manifiesto["filas"] == carpeta["filas"] and manifiesto["migraciones"] == carpeta["migraciones"]
    with pytest.raises(CommandError, match="ya existe y no está vacío"):
        call_command("respaldar", str(tmp_path / "respaldo.tar"), stdout=StringIO())


def test_un_respaldo_de_archivos_en_s3_se_restaura_en_otro_bucket_vacio(almacenamiento_s3, pal, destino, tmp_path):
    """Con los archivos en un bucket (el servidor S3 de las pruebas), respaldar los lee por el API de
    S3 y restaurar los sube a otro bucket vacío: mismas claves, mismos bytes, mismas cifras."""
    informe = Informe.objects.get(plan=pal, numero=1)
    originales = {clave: hashlib.sha256(almacenamiento_s3.leer(clave)).hexdigest() for clave in almacenamiento_s3.claves()}
    assert informe.pdf.name in originales and informe.xlsx.name in originales
    call_command("respaldar", str(tmp_path / "respaldo"), stdout=StringIO())
    manifiesto = json.loads((tmp_path / "respaldo" / "manifiesto.json").read_text())
    assert {a["ruta"]: a["sha256"] for a in manifiesto["archivos"] if a["ruta"].startswith("archivos/")} == {
        f"archivos/{clave}": huella for clave, huella in originales.items()
    }
    otro = f"{almacenamiento_s3.nombre}-restaurado"
    almacenamiento_s3.cliente.create_bucket(Bucket=otro)
    entorno = {**destino, "AWS_STORAGE_BUCKET_NAME": otro}

    restaurado = en_destino(entorno, "restaurar", str(tmp_path / "respaldo"))

    assert restaurado.returncode == 0, restaurado.stderr
    nuevo = type(almacenamiento_s3)(otro, almacenamiento_s3.cliente)
    assert {clave: hashlib.sha256(nuevo.leer(clave)).hexdigest() for clave in nuevo.claves()} == originales
    assert not any(Path(destino["MEDIA_ROOT"]).iterdir())
    cifras = StringIO()
    call_command("avance", "pal-2022-2024", "--json", stdout=cifras)
    assert json.loads(en_destino(entorno, "avance", "pal-2022-2024", "--json").stdout) == json.loads(cifras.getvalue())
