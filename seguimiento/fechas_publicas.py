"""Cuándo se publicó lo que ve la ciudadanía: la fecha de un periodo o de un informe publicado.

Una sola función para cada cosa, para que las páginas («Última actualización»), las novedades en
Atom y los avisos usen la misma fecha, y cambiarla (p. ej. por la fecha y hora exactas de cada
publicación) sea cambiarla aquí. Hoy: ``Periodo.fecha_publicacion``; de un informe, la fecha de
la sesión en que el STL lo presentó (la del 1er Informe Parcial, 4 de diciembre de 2023, aunque
el portal lo congeló al cargarlo) y, sin ella o en una versión corregida (que copia la sesión
de la original), el día en que se publicó en el portal (``publicado_en``). Nunca se inventa una
fecha: sin dato, ``None``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def fecha_del_periodo(periodo) -> datetime.date | None:
    return periodo.fecha_publicacion if periodo is not None and periodo.publicado else None


def fecha_del_informe(informe) -> datetime.date | None:
    if informe is None:
        return None
    if informe.fecha_sesion and informe.version == 1:
        return informe.fecha_sesion
    return timezone.localdate(informe.publicado_en) if informe.publicado_en else None


def ultima_actualizacion(periodos=(), informes=()) -> datetime.date | None:
    """La más reciente de las fechas de publicación de ``periodos`` e ``informes`` (o ``None``)."""
    fechas = [fecha_del_periodo(p) for p in periodos] + [fecha_del_informe(i) for i in informes]
    fechas = [f for f in fechas if f is not None]
    return max(fechas) if fechas else None


def ultima_actualizacion_de(estados) -> datetime.date | None:
    """«Última actualización» de una página de varios planes (instituciones, ODS, búsqueda, datos
    abiertos): la publicación más reciente de sus últimos periodos publicados, sin consultas
    (``estados``: los ``EstadoPublico`` que la página ya calculó, en lista o en diccionario)."""
    estados = estados.values() if hasattr(estados, "values") else estados
    return ultima_actualizacion([estado.periodo for estado in estados if estado.periodo is not None])
