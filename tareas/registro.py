"""Los trabajos que una tarea puede hacer, por nombre.

Cada app declara los suyos en ``<app>/trabajos_en_segundo_plano.py``::

    @trabajo("informes.publicar")
    def publicar(tarea, *, informe_id, usuario_id):
        tarea_avanza(tarea, 50, "Generando el PDF")   # opcional
        ...
        return {"url": ...}                          # queda en Tarea.resultado (JSON)

Un trabajo recibe la ``Tarea`` y sus ``argumentos`` (JSON) como palabras clave. Lo que levante
marca la tarea como fallida con su mensaje (un ``ValidationError`` con sus mensajes en español;
cualquier otra excepción, con un mensaje general y el detalle en el registro).
"""

from __future__ import annotations

from collections.abc import Callable

_TRABAJOS: dict[str, Callable] = {}


def trabajo(nombre: str):
    def registrar(funcion: Callable) -> Callable:
        if nombre in _TRABAJOS and _TRABAJOS[nombre] is not funcion:
            raise RuntimeError(f"El trabajo {nombre!r} ya está registrado por {_TRABAJOS[nombre].__module__}.")
        _TRABAJOS[nombre] = funcion
        return funcion

    return registrar


def buscar(nombre: str) -> Callable:
    try:
        return _TRABAJOS[nombre]
    except KeyError:
        raise LookupError(f"No hay un trabajo registrado con el nombre {nombre!r}.") from None


def registrados() -> list[str]:
    return sorted(_TRABAJOS)
