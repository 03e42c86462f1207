"""Los archivos guardados: evidencias subidas e informes congelados (PDF y XLSX).

**Dónde.** En el almacenamiento ``default`` de ``STORAGES``: una carpeta (``MEDIA_ROOT``) o,
con ``AWS_STORAGE_BUCKET_NAME``, un bucket compatible con S3 (AWS S3, MinIO, Cloudflare R2) por
django-storages (``estado_abierto/settings.py``). El código nunca usa una ruta local
(``.path``, ``os.*``): todo pasa por la API de almacenamiento de Django (``open``, ``size``,
``save``, ``delete``), así que lo mismo funciona en disco y en un bucket. Los campos de archivo
no fijan su almacenamiento: usan ``default_storage``, que Django vuelve a leer de ``STORAGES``
(también cuando una prueba cambia esa configuración).

**Descargas.** El portal lee el archivo del almacenamiento y lo entrega él mismo
(``seguimiento.views.evidencia``, ``portal.informes_views.archivo``); nunca redirige a un
enlace firmado del bucket. Así las reglas se aplican en cada descarga, esté donde esté el
archivo: quién puede bajar una evidencia sin publicar, ``Content-Disposition: attachment`` con
el nombre limpio y la extensión del tipo detectado (``archivos.nombre_de_descarga``),
``X-Content-Type-Options: nosniff``, una CSP ``sandbox`` y, en un informe, la comprobación de su
SHA-256 antes de entregar un solo byte. El bucket queda privado (sin ACL pública), y cada
objeto lleva el tipo de su contenido y ``Content-Disposition: attachment`` por si alguien lo abre
directamente del bucket (``almacenamiento_s3.AlmacenamientoS3``).

**Archivos sin dueño.** Guardar una evidencia guarda su archivo, pero borrar la fila no lo
borraba. La regla:

* Lo de un **periodo publicado** nunca pierde su archivo. Pudo verse en público: el PDF
  congelado de un informe y los datos abiertos enlazan su descarga, y su registro de historial
  lo nombra. Quitarla de su avance o compromiso la deja retirada, con su archivo
  (``flujo._quitar_evidencia``, ``evidencias.quitar_evidencia_de_compromiso``), y el admin no
  deja borrarla. Si aun así su fila se borra (en cascada, al borrar una acción o un compromiso
  en el admin) o se le cambia el archivo, el archivo se conserva y se puede recuperar con el
  nombre que guarda el historial.
* Lo de un periodo **sin publicar** nunca fue público (un periodo publicado no vuelve atrás).
  Al borrarse su fila o reemplazarse su archivo, el archivo se borra **cuando se confirma la
  transacción** (``transaction.on_commit``): si la transacción se deshace, la fila vuelve y su
  archivo sigue ahí. Su historial conserva el nombre de un archivo que ya no existe; nada en el
  portal abre archivos desde el historial (las descargas van por la evidencia viva: 404 si ya no
  está), y una página que muestra el tamaño de un archivo que falta dice «no disponible» en vez
  de fallar (``tamano``).
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete

registro = logging.getLogger(__name__)


def tamano(campo: FieldFile) -> int | None:
    """Bytes del archivo guardado; ``None`` (y queda en la bitácora) si falta en el almacenamiento."""
    if not campo:
        return None
    try:
        return campo.size
    except OSError:  # FileNotFoundError, también el de django-storages cuando el objeto no está
        registro.error("Falta el archivo guardado %s", campo.name)
        return None


def _borrar(almacenamiento, nombre: str) -> None:
    almacenamiento.delete(nombre)
    registro.info("Archivo sin dueño borrado: %s", nombre)


def borrar_al_confirmar(campo: FieldFile, nombre: str) -> None:
    """Borra ``nombre`` del almacenamiento de ``campo`` cuando se confirme la transacción en curso
    (al instante, fuera de una). Si el almacenamiento falla, queda en la bitácora y no deshace lo
    ya confirmado (``robust``)."""
    transaction.on_commit(partial(_borrar, campo.storage, nombre), robust=True)


def _de_periodo_publicado(evidencia) -> bool:
    """Sin consultas si el periodo ya viene con la evidencia (los servicios lo traen)."""
    periodo = evidencia.periodo if evidencia.avance_id is None else evidencia.avance.periodo
    return periodo.publicado


def archivo_sin_dueno(evidencia, nombre: str) -> None:
    """``nombre`` ya no es el archivo de ``evidencia`` (se borró o se reemplazó): se borra al
    confirmarse la transacción, salvo que sea de un periodo publicado (regla arriba)."""
    if not nombre:
        return
    if _de_periodo_publicado(evidencia):
        registro.info("Se conserva el archivo %s: es de un periodo publicado", nombre)
        return
    borrar_al_confirmar(evidencia.archivo, nombre)


def _al_borrar_evidencia(sender, instance, **kwargs) -> None:
    archivo_sin_dueno(instance, instance.archivo.name)


def conectar_senales() -> None:
    """Cualquier borrado de una evidencia (un servicio, el admin, una cascada) pasa por aquí."""
    from .models import Evidencia

    post_delete.connect(_al_borrar_evidencia, sender=Evidencia, dispatch_uid="evidencia_archivo_sin_dueno")
