import json
import logging
import uuid
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command

from plan.models import Plan


@pytest.fixture
def pal(db):
    """El PAL 2022-2024 real, cargado como en el README: ``manage.py preparar``
    (loaddata del fixture y registro inicial de historial)."""
    call_command("preparar", verbosity=0, stdout=StringIO())
    return Plan.objects.get(slug="pal-2022-2024")


@pytest.fixture
def superusuario(db, django_user_model):
    return django_user_model.objects.create_superuser("facilitadora", "stl@example.org", "clave-segura-123")


@pytest.fixture(autouse=True)
def _archivos_aislados(settings, tmp_path_factory):
    """Cada prueba guarda sus archivos (evidencias, informes congelados) en su propia carpeta:
    lo que una escribe o altera no lo ve otra."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _cache_limpia():
    """Cada prueba empieza sin páginas en caché: la versión publicada vuelve a su valor
    inicial al deshacerse la transacción de la prueba anterior, y la caché en memoria no."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _informes_renderizados_una_vez():
    """Cada contenido de informe distinto se convierte a PDF y XLSX una sola vez por sesión.

    ``manage.py preparar`` congela el 1er Informe Parcial del fixture (WeasyPrint, unos 2 s) y
    cientos de pruebas usan ``pal``. La conversión es determinista (mismo contenido → mismos
    bytes, lo comprueba ``test_informes.py``), así que guardar el resultado por contenido no
    cambia lo que las pruebas ven: solo evita repetir el mismo trabajo.
    """
    from seguimiento import informes

    originales = {"pdf_del_contenido": informes.pdf_del_contenido, "xlsx_del_contenido": informes.xlsx_del_contenido}
    memoria: dict[tuple[str, str], bytes] = {}

    def memorizar(nombre):
        original = originales[nombre]

        def envoltura(contenido):
            llave = (nombre, json.dumps(contenido, sort_keys=True))
            if llave not in memoria:
                memoria[llave] = original(contenido)
            return memoria[llave]

        envoltura.original = original
        return envoltura

    for nombre in originales:
        setattr(informes, nombre, memorizar(nombre))
    yield
    for nombre, original in originales.items():
        setattr(informes, nombre, original)


# --- Almacenamiento en un bucket S3 ------------------------------------------------------------


@pytest.fixture(scope="session")
def servidor_s3():
    """Un servidor de la API de S3 (moto en modo servidor) en 127.0.0.1, en un puerto libre: el
    portal le habla por HTTP como a AWS S3, MinIO o R2, sin salir de la máquina."""
    from moto.server import ThreadedMotoServer

    # El servidor (werkzeug) anota cada petición en INFO.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    servidor = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    servidor.start()
    host, puerto = servidor.get_host_and_port()
    yield f"http://{host}:{puerto}"
    servidor.stop()


@dataclass
class Bucket:
    """El bucket de una prueba, visto desde fuera del portal (boto3 contra el mismo servidor)."""

    nombre: str
    cliente: object

    def claves(self) -> list[str]:
        return sorted(o["Key"] for o in self.cliente.list_objects_v2(Bucket=self.nombre).get("Contents", []))

    def leer(self, clave: str) -> bytes:
        return self.cliente.get_object(Bucket=self.nombre, Key=clave)["Body"].read()

    def escribir(self, clave: str, datos: bytes) -> None:
        self.cliente.put_object(Bucket=self.nombre, Key=clave, Body=datos)

    def borrar(self, clave: str) -> None:
        self.cliente.delete_object(Bucket=self.nombre, Key=clave)


@pytest.fixture
def almacenamiento_s3(settings, monkeypatch, servidor_s3) -> Bucket:
    """El portal guarda y lee sus archivos en un bucket nuevo del servidor S3 de las pruebas.

    La configuración sale de las mismas variables de entorno que en producción
    (``almacenamiento_de_archivos`` de ``estado_abierto/settings.py``). Cambiar ``STORAGES`` basta:
    Django vacía entonces su caché de almacenamientos y ``default_storage``, que es el de
    ``Evidencia.archivo`` y ``Informe.pdf``/``xlsx`` (ninguno fija el suyo). Pídala antes que
    ``pal`` o ``ciclo`` para que el informe congelado al prepararse quede en el bucket.
    """
    import boto3
    from botocore.config import Config

    from estado_abierto.settings import almacenamiento_de_archivos

    nombre = f"estado-abierto-{uuid.uuid4().hex[:12]}"
    entorno = {
        "AWS_STORAGE_BUCKET_NAME": nombre,
        "AWS_S3_ENDPOINT_URL": servidor_s3,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "pruebas",
        "AWS_SECRET_ACCESS_KEY": "pruebas-secreto",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    for variable, valor in entorno.items():
        monkeypatch.setenv(variable, valor)
    cliente = boto3.client(
        "s3",
        endpoint_url=servidor_s3,
        region_name="us-east-1",
        aws_access_key_id="pruebas",
        aws_secret_access_key="pruebas-secreto",
        config=Config(s3={"addressing_style": "path"}),
    )
    cliente.create_bucket(Bucket=nombre)
    settings.STORAGES = {**settings.STORAGES, "default": almacenamiento_de_archivos()}
    return Bucket(nombre, cliente)
