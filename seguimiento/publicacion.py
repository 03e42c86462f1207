"""Caché de las páginas públicas que nunca sirve una página vieja.

Cada escritura en un modelo que se ve en el portal (plan, ejes, compromisos, acciones,
periodos, avances, evidencias, informes…) sube el número de ``VersionPublica`` (una sola
fila en la base de datos), en la misma transacción que la escritura. Una página pública se
guarda en la caché bajo una clave que incluye ese número; cada petición lee primero el
número (una consulta) y, si la página de esa versión ya está, la sirve sin más consultas.

Como el número vive en la base de datos y no en la caché, da igual que cada proceso del
servidor tenga su propia caché en memoria: tras una publicación ningún proceso vuelve a
servir lo anterior. Las escrituras con ``QuerySet.update()`` o SQL directo no disparan
señales: quien las use debe llamar a ``invalidar()``.

Las respuestas llevan ``ETag`` (la versión y la dirección) y ``Cache-Control: no-cache``:
el navegador pregunta cada vez y recibe ``304`` si nada cambió.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode

from .models import VersionPublica

#: Modelos cuyas escrituras pueden cambiar una página pública (se conectan en apps.py).
MODELOS_PUBLICOS = [
    "plan.Institucion",
    "plan.Persona",
    "plan.ObjetivoODS",
    "plan.MetaODS",
    "plan.Plan",
    "plan.Eje",
    "plan.Compromiso",
    "plan.EnlaceCompromiso",
    "plan.Accion",
    "seguimiento.Periodo",
    "seguimiento.Avance",
    "seguimiento.Evidencia",
    "seguimiento.Informe",
    "seguimiento.CifraPublicada",
    "seguimiento.EstatusCompromiso",
]

_ENCABEZADOS_GUARDADOS = ("Content-Type", "Content-Disposition", "Content-Language")


def version_actual() -> int:
    """Número de la versión publicada (una consulta)."""
    numero = VersionPublica.objects.filter(pk=1).values_list("numero", flat=True).first()
    return numero or 0


def invalidar(**_kwargs) -> None:
    """Sube la versión: ninguna página guardada antes se vuelve a servir."""
    actualizadas = VersionPublica.objects.filter(pk=1).update(
        numero=F("numero") + 1, actualizada=timezone.now()
    )
    if not actualizadas:
        VersionPublica.objects.get_or_create(pk=1, defaults={"numero": 1})


def conectar_senales() -> None:
    from django.apps import apps

    for etiqueta in MODELOS_PUBLICOS:
        modelo = apps.get_model(etiqueta)
        post_save.connect(invalidar, sender=modelo, dispatch_uid=f"publicacion-save-{etiqueta}")
        post_delete.connect(invalidar, sender=modelo, dispatch_uid=f"publicacion-delete-{etiqueta}")
        for campo in modelo._meta.local_many_to_many:
            m2m_changed.connect(
                invalidar,
                sender=campo.remote_field.through,
                dispatch_uid=f"publicacion-m2m-{etiqueta}-{campo.name}",
            )


def _clave(version: int, ruta: str) -> str:
    resumen = hashlib.sha256(ruta.encode()).hexdigest()[:32]
    return f"pagina-publica:{version}:{resumen}"


def parametros_usados(request, parametros) -> dict[str, str] | None:
    """Los ``parametros`` de ``request.GET`` que traen valor (el último si se repiten), o ``None``
    si ninguno: lo único que una vista con ``pagina_publica(parametros=…)`` debe leer, para que
    su página dependa solo de lo que distingue la caché."""
    return {nombre: request.GET[nombre] for nombre in parametros if request.GET.get(nombre)} or None


def _direccion(request, parametros) -> str:
    """La dirección que identifica la página: completa, o solo con los ``parametros`` que la
    vista usa (en ese orden y sin los vacíos), para que ``?utm_source=…`` o un orden distinto de
    los mismos filtros no guarden otra copia."""
    if parametros is None:
        return request.get_full_path()
    usados = parametros_usados(request, parametros)
    return request.path + ("?" + urlencode(usados) if usados else "")


def pagina_publica(vista=None, *, parametros: tuple[str, ...] | None = None):
    """Decorador de las vistas públicas (GET/HEAD, iguales para toda la ciudadanía).

    Sirve desde la caché la página de la versión publicada vigente, responde ``304`` a
    quien ya la tiene y guarda las respuestas ``200`` nuevas. Con
    ``settings.PAGINAS_EN_CACHE = False`` solo añade los encabezados.

    ``@pagina_publica(parametros=("estado", "institucion"))``: la vista solo lee esos
    parámetros de ``request.GET`` y solo ellos distinguen una página de otra en la caché.
    """
    if vista is None:
        return lambda vista: pagina_publica(vista, parametros=parametros)

    @wraps(vista)
    def envoltura(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return vista(request, *args, **kwargs)
        version = version_actual()
        # Esquema y host en la clave: los archivos de datos llevan direcciones absolutas.
        ruta = f"{request.scheme}://{request.get_host()}{_direccion(request, parametros)}"
        etag = '"%s"' % hashlib.sha256(f"{version}:{ruta}".encode()).hexdigest()[:40]
        no_modificada = get_conditional_response(request, etag=etag)
        if no_modificada is not None:
            return no_modificada
        clave = _clave(version, ruta)
        guardada = cache.get(clave) if settings.PAGINAS_EN_CACHE else None
        if guardada is not None:
            contenido, encabezados = guardada
            respuesta = HttpResponse(contenido)
            for nombre, valor in encabezados.items():
                respuesta[nombre] = valor
        else:
            respuesta = vista(request, *args, **kwargs)
            if hasattr(respuesta, "render") and callable(respuesta.render):
                respuesta = respuesta.render()
            if (
                settings.PAGINAS_EN_CACHE
                and respuesta.status_code == 200
                and not respuesta.streaming
                and not respuesta.cookies
            ):
                encabezados = {
                    n: respuesta[n] for n in _ENCABEZADOS_GUARDADOS if respuesta.has_header(n)
                }
                cache.set(clave, (respuesta.content, encabezados), settings.PAGINAS_CACHE_SEGUNDOS)
        if respuesta.status_code == 200:
            respuesta["ETag"] = etag
            patch_cache_control(respuesta, no_cache=True, public=True)
        return respuesta

    return envoltura
