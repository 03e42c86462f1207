"""Respaldos que se pueden comprobar: la base de datos y los archivos, con su manifiesto.

Un respaldo es una carpeta (o un ``.tar`` con ella dentro)::

    manifiesto.json
    datos/tipos.json       tipos de contenido y permisos, con llave natural también como primaria
    datos/datos.json       todo lo demás (``dumpdata --natural-foreign``), con sus números
    archivos/<nombre>      cada archivo del almacenamiento (evidencias, informes congelados…)

Los datos son el JSON de Django, así que el respaldo de una base SQLite se restaura en PostgreSQL
y al revés. Las filas conservan su número (las sesiones, las tareas y los enlaces lo usan); solo
los tipos de contenido y los permisos viajan por su llave natural, porque ``migrate`` ya los crea
en la base de destino, quizá con otros números, y quien los referencia lo hace por llave natural.
Los archivos se leen y se escriben con el API de almacenamiento de Django: en disco o en S3 igual.

El manifiesto lista cada archivo del respaldo (ruta, tamaño y SHA-256), las filas de cada modelo,
las migraciones aplicadas y la fecha. ``restaurar`` comprueba todas las huellas antes de tocar
nada, exige las mismas migraciones que conoce el código, una base y un almacenamiento vacíos
(salvo ``sobrescribir=True``) y, al terminar, que cada modelo tenga las filas del manifiesto.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

FORMATO = "estado-abierto/respaldo"
VERSION_DEL_FORMATO = 1
MANIFIESTO = "manifiesto.json"
#: Los que ``migrate`` crea en cualquier base: viajan por llave natural y no cuentan para decidir
#: si una base está vacía.
MODELOS_DE_MIGRATE = ("contenttypes.contenttype", "auth.permission")
DATOS_POR_LLAVE_NATURAL = "datos/tipos.json"
DATOS = "datos/datos.json"
_BLOQUE = 1024 * 1024


class RespaldoInvalido(Exception):
    """El respaldo o el destino no permiten restaurar; el mensaje dice por qué (en español)."""


@dataclass(frozen=True)
class Resumen:
    ubicacion: str
    filas: int
    modelos: int
    archivos: int
    bytes_de_archivos: int


# --- Lo que hay en la base y en el almacenamiento --------------------------------------------


def modelos_con_datos() -> list:
    """Todos los modelos con tabla propia, también las tablas intermedias de los ManyToMany."""
    return [
        modelo
        for modelo in apps.get_models(include_auto_created=True)
        if modelo._meta.managed and not modelo._meta.proxy and not modelo._meta.swapped
    ]


def filas_por_modelo(*, using: str = DEFAULT_DB_ALIAS, solo_tablas_existentes: bool = False) -> dict[str, int]:
    existentes = set(connections[using].introspection.table_names()) if solo_tablas_existentes else None
    filas = {}
    for modelo in modelos_con_datos():
        if existentes is not None and modelo._meta.db_table not in existentes:
            continue
        filas[modelo._meta.label_lower] = modelo._base_manager.using(using).count()
    return dict(sorted(filas.items()))


def migraciones_aplicadas(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    aplicadas: dict[str, list[str]] = {}
    for app, nombre in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        aplicadas.setdefault(app, []).append(nombre)
    return aplicadas


def migraciones_del_codigo() -> dict[str, list[str]]:
    conocidas: dict[str, list[str]] = {}
    for app, nombre in sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes):
        conocidas.setdefault(app, []).append(nombre)
    return conocidas


def archivos_guardados(almacenamiento: Storage, carpeta: str = "") -> Iterator[str]:
    """Nombre de cada archivo del almacenamiento (recorre las carpetas; en S3, los prefijos)."""
    try:
        carpetas, archivos = almacenamiento.listdir(carpeta)
    except FileNotFoundError:
        return
    for nombre in sorted(archivos):
        yield f"{carpeta}/{nombre}" if carpeta else nombre
    for subcarpeta in sorted(carpetas):
        yield from archivos_guardados(almacenamiento, f"{carpeta}/{subcarpeta}" if carpeta else subcarpeta)


def _huella(archivo) -> tuple[int, str]:
    resumen, tamano = hashlib.sha256(), 0
    while bloque := archivo.read(_BLOQUE):
        resumen.update(bloque)
        tamano += len(bloque)
    return tamano, resumen.hexdigest()


# --- respaldar --------------------------------------------------------------------------------


def respaldar(*, destino: Path, using: str = DEFAULT_DB_ALIAS) -> Resumen:
    """Escribe el respaldo en ``destino``: una carpeta nueva (o vacía), o un ``.tar``."""
    destino = Path(destino)
    if destino.exists() and (destino.is_file() or any(destino.iterdir())):
        raise RespaldoInvalido(_("%(destino)s ya existe y no está vacío: elija otro destino.") % {"destino": destino})
    if destino.suffix == ".tar":
        with tempfile.TemporaryDirectory(prefix="respaldo-") as temporal:
            carpeta = Path(temporal) / destino.stem
            resumen = _respaldar_en_carpeta(carpeta, using=using)
            with tarfile.open(destino, "w") as paquete:
                paquete.add(carpeta, arcname=carpeta.name)
        return Resumen(str(destino), resumen.filas, resumen.modelos, resumen.archivos, resumen.bytes_de_archivos)
    return _respaldar_en_carpeta(destino, using=using)


def _respaldar_en_carpeta(carpeta: Path, *, using: str) -> Resumen:
    (carpeta / "datos").mkdir(parents=True, exist_ok=True)
    # Una sola transacción de lectura: todo sale de la misma foto de la base (en PostgreSQL hace
    # falta REPEATABLE READ, y solo se puede pedir si la transacción empieza aquí).
    conexion = connections[using]
    empieza_aqui = not conexion.in_atomic_block
    with transaction.atomic(using=using):
        if conexion.vendor == "postgresql" and empieza_aqui:
            with conexion.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        comun = {"natural_foreign": True, "use_base_manager": True, "database": using, "verbosity": 0}
        call_command("dumpdata", *MODELOS_DE_MIGRATE, natural_primary=True,
                     output=str(carpeta / DATOS_POR_LLAVE_NATURAL), **comun)
        call_command("dumpdata", exclude=list(MODELOS_DE_MIGRATE), output=str(carpeta / DATOS), **comun)
        filas = filas_por_modelo(using=using)
        migraciones = migraciones_aplicadas(using=using)
    listado = []
    for ruta in (DATOS_POR_LLAVE_NATURAL, DATOS):
        with open(carpeta / ruta, "rb") as archivo:
            tamano, huella = _huella(archivo)
        listado.append({"ruta": ruta, "tamano": tamano, "sha256": huella})
    almacenamiento = storages["default"]
    bytes_de_archivos = 0
    for nombre in archivos_guardados(almacenamiento):
        copia = carpeta / "archivos" / nombre
        copia.parent.mkdir(parents=True, exist_ok=True)
        resumen = hashlib.sha256()
        try:
            with almacenamiento.open(nombre, "rb") as origen, open(copia, "wb") as salida:
                while bloque := origen.read(_BLOQUE):
                    resumen.update(bloque)
                    salida.write(bloque)
        except FileNotFoundError:
            # Se borró entre la lista y la copia (una evidencia quitada de un borrador): ya no
            # está en la foto de la base, que se tomó antes.
            copia.unlink(missing_ok=True)
            continue
        tamano = copia.stat().st_size
        bytes_de_archivos += tamano
        listado.append({"ruta": f"archivos/{nombre}", "tamano": tamano, "sha256": resumen.hexdigest()})
    manifiesto = {
        "formato": FORMATO,
        "version": VERSION_DEL_FORMATO,
        "creado": timezone.now().isoformat(),
        "base_de_origen": connections[using].vendor,
        "migraciones": migraciones,
        "filas": filas,
        "archivos": listado,
    }
    (carpeta / MANIFIESTO).write_text(json.dumps(manifiesto, ensure_ascii=False, indent=2), encoding="utf-8")
    return Resumen(str(carpeta), sum(filas.values()), len(filas), len(listado) - 2, bytes_de_archivos)


# --- restaurar --------------------------------------------------------------------------------


@contextmanager
def _carpeta_del_respaldo(origen: Path) -> Iterator[Path]:
    if origen.is_dir():
        yield origen
        return
    if not tarfile.is_tarfile(origen):
        raise RespaldoInvalido(_("%(origen)s no es una carpeta de respaldo ni un .tar.") % {"origen": origen})
    with tempfile.TemporaryDirectory(prefix="restaurar-") as temporal:
        with tarfile.open(origen) as paquete:
            # «data»: nada fuera de la carpeta, ni enlaces, ni permisos especiales.
            paquete.extractall(temporal, filter="data")
        manifiestos = list(Path(temporal).glob(f"*/{MANIFIESTO}")) + list(Path(temporal).glob(MANIFIESTO))
        if len(manifiestos) != 1:
            raise RespaldoInvalido(_("%(origen)s no trae un manifiesto.json.") % {"origen": origen})
        yield manifiestos[0].parent


def leer_manifiesto(carpeta: Path) -> dict:
    try:
        manifiesto = json.loads((carpeta / MANIFIESTO).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RespaldoInvalido(_("%(carpeta)s no trae un manifiesto.json: no es un respaldo.") % {"carpeta": carpeta}) from None
    except ValueError:
        raise RespaldoInvalido(_("El manifiesto.json de %(carpeta)s no es JSON válido.") % {"carpeta": carpeta}) from None
    if manifiesto.get("formato") != FORMATO or manifiesto.get("version") != VERSION_DEL_FORMATO:
        raise RespaldoInvalido(
            _("%(carpeta)s no es un respaldo de este portal en un formato conocido (versión %(version)s).")
            % {"carpeta": carpeta, "version": VERSION_DEL_FORMATO}
        )
    return manifiesto


def verificar(carpeta: Path, manifiesto: dict) -> None:
    """Cada archivo listado existe con su tamaño y su SHA-256, y no sobra ninguno."""
    listados = set()
    for entrada in manifiesto["archivos"]:
        ruta = entrada["ruta"]
        try:
            validate_file_name(ruta, allow_relative_path=True)
        except Exception:
            raise RespaldoInvalido(_("El manifiesto lista una ruta no válida: %(ruta)s.") % {"ruta": ruta}) from None
        listados.add(ruta)
        try:
            with open(carpeta / ruta, "rb") as archivo:
                tamano, huella = _huella(archivo)
        except FileNotFoundError:
            raise RespaldoInvalido(_("Falta en el respaldo el archivo %(ruta)s que lista el manifiesto.") % {"ruta": ruta}) from None
        if (tamano, huella) != (entrada["tamano"], entrada["sha256"]):
            raise RespaldoInvalido(
                _("El respaldo fue alterado: %(ruta)s no coincide con el tamaño y el SHA-256 de su manifiesto.")
                % {"ruta": ruta}
            )
    sobrantes = sorted(
        str(ruta.relative_to(carpeta)) for ruta in carpeta.rglob("*")
        if ruta.is_file() and ruta.name != MANIFIESTO and str(ruta.relative_to(carpeta)) not in listados
    )
    if sobrantes:
        raise RespaldoInvalido(
            _("El respaldo fue alterado: %(ruta)s no está en su manifiesto.") % {"ruta": sobrantes[0]}
        )
    if not {DATOS_POR_LLAVE_NATURAL, DATOS} <= listados:
        raise RespaldoInvalido(_("El manifiesto no lista los datos de la base (%(datos)s).") % {"datos": DATOS})


def _exigir_migraciones_del_codigo(manifiesto: dict) -> None:
    del_respaldo = {(app, nombre) for app, nombres in manifiesto["migraciones"].items() for nombre in nombres}
    del_codigo = {(app, nombre) for app, nombres in migraciones_del_codigo().items() for nombre in nombres}
    if del_respaldo == del_codigo:
        return
    solo_respaldo = sorted(del_respaldo - del_codigo)
    if solo_respaldo:
        raise RespaldoInvalido(
            _("El respaldo viene de una versión más nueva del portal: este código no conoce la migración %(migracion)s. "
              "Restáurelo con la versión del portal que lo hizo.") % {"migracion": ".".join(solo_respaldo[0])}
        )
    raise RespaldoInvalido(
        _("El respaldo viene de una versión anterior del portal (le falta la migración %(migracion)s): restáurelo con "
          "esa versión, y luego actualice el portal y corra manage.py migrate.")
        % {"migracion": ".".join(sorted(del_codigo - del_respaldo)[0])}
    )


def _exigir_destino_vacio(*, using: str) -> None:
    ocupadas = {
        modelo: filas
        for modelo, filas in filas_por_modelo(using=using, solo_tablas_existentes=True).items()
        if filas and modelo not in MODELOS_DE_MIGRATE
    }
    if ocupadas:
        ejemplos = ", ".join(f"{modelo}: {filas}" for modelo, filas in list(ocupadas.items())[:3])
        raise RespaldoInvalido(
            _("La base de datos de destino no está vacía (%(ejemplos)s…). Restaure en una base nueva o, para "
              "reemplazar todo lo que tiene, use --sobrescribir.") % {"ejemplos": ejemplos}
        )
    primero = next(archivos_guardados(storages["default"]), None)
    if primero is not None:
        raise RespaldoInvalido(
            _("El almacenamiento de archivos de destino no está vacío (tiene, p. ej., %(nombre)s). Use uno vacío o, "
              "para reemplazar los archivos del mismo nombre, --sobrescribir.") % {"nombre": primero}
        )


def _subir(carpeta: Path, entrada: dict, *, sobrescribir: bool) -> None:
    almacenamiento = storages["default"]
    nombre = entrada["ruta"].removeprefix("archivos/")
    if sobrescribir and almacenamiento.exists(nombre):
        almacenamiento.delete(nombre)
    with open(carpeta / entrada["ruta"], "rb") as archivo:
        guardado = almacenamiento.save(nombre, File(archivo, name=nombre))
    if guardado != nombre:
        raise RespaldoInvalido(
            _("El almacenamiento guardó %(nombre)s con otro nombre (%(guardado)s); ya existía.")
            % {"nombre": nombre, "guardado": guardado}
        )
    with almacenamiento.open(nombre, "rb") as leido:
        if _huella(leido) != (entrada["tamano"], entrada["sha256"]):
            raise RespaldoInvalido(_("%(nombre)s no quedó igual en el almacenamiento de destino.") % {"nombre": nombre})


def restaurar(*, origen: Path, sobrescribir: bool = False, using: str = DEFAULT_DB_ALIAS) -> Resumen:
    """Restaura el respaldo ``origen`` (carpeta o ``.tar``) en la base ``using`` y el almacenamiento."""
    with _carpeta_del_respaldo(Path(origen)) as carpeta:
        manifiesto = leer_manifiesto(carpeta)
        verificar(carpeta, manifiesto)
        _exigir_migraciones_del_codigo(manifiesto)
        if not sobrescribir:
            _exigir_destino_vacio(using=using)
        call_command("migrate", database=using, interactive=False, verbosity=0, stdout=StringIO())
        if sobrescribir:
            # Vacía todas las tablas; post_migrate vuelve a crear tipos de contenido y permisos.
            call_command("flush", database=using, interactive=False, verbosity=0)
        entradas = [e for e in manifiesto["archivos"] if e["ruta"].startswith("archivos/")]
        # Si un archivo no se puede subir, la base queda como estaba (los ya subidos quedan).
        with transaction.atomic(using=using), sin_historial_nuevo():
            call_command("loaddata", str(carpeta / DATOS_POR_LLAVE_NATURAL), str(carpeta / DATOS),
                         database=using, verbosity=0)
            _reiniciar_secuencias(using=using)
            for entrada in entradas:
                _subir(carpeta, entrada, sobrescribir=sobrescribir)
            filas = filas_por_modelo(using=using)
            distintas = sorted(m for m in set(filas) | set(manifiesto["filas"]) if filas.get(m) != manifiesto["filas"].get(m))
            if distintas:
                raise RespaldoInvalido(
                    _("Tras cargar los datos, %(modelo)s tiene %(hay)s filas y el manifiesto dice %(dice)s; no se restauró nada.")
                    % {"modelo": distintas[0], "hay": filas.get(distintas[0]), "dice": manifiesto["filas"].get(distintas[0])}
                )
    return Resumen(
        str(origen), sum(filas.values()), len(filas), len(entradas), sum(e["tamano"] for e in entradas)
    )


@contextmanager
def sin_historial_nuevo() -> Iterator[None]:
    """Un ``loaddata`` dentro del bloque no escribe historial. ``loaddata`` guarda en crudo
    (``raw``) y simple-history no anota esos guardados, pero sí los ManyToMany que se ponen
    después (su ``m2m_changed`` no sabe de ``raw``): cada objeto cargado se marca para que no.
    Lo usan ``restaurar`` (el historial viene en el respaldo) y ``preparar`` (el registro
    inicial lo escribe después, con sus relaciones)."""

    def marcar(sender, instance, raw, **_kwargs):
        if raw:
            instance.skip_history_when_saving = True

    pre_save.connect(marcar, dispatch_uid="restaurar-sin-historial-nuevo")
    try:
        yield
    finally:
        pre_save.disconnect(dispatch_uid="restaurar-sin-historial-nuevo")


def _reiniciar_secuencias(*, using: str) -> None:
    """Lo que imprime ``sqlsequencereset`` para todos los modelos: en PostgreSQL, la siguiente fila
    de cada tabla toma un número mayor que los restaurados (en SQLite no hace falta: no hay SQL)."""
    conexion = connections[using]
    sentencias = conexion.ops.sequence_reset_sql(no_style(), modelos_con_datos())
    if sentencias:
        with conexion.cursor() as cursor:
            for sentencia in sentencias:
                cursor.execute(sentencia)
