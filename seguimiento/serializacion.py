"""El árbol de avances como datos: la forma de ``manage.py avance --json``.

Forma (claves estables; ver README, «Datos»)::

    {"plan": {"slug", "nombre", "avance", "avance_publicado", "meta_por_alcanzar",
              "cobertura": {"con_reporte", "total"}, "error"},
     "periodo": {"slug", "nombre", "inicio", "fin"} | null,
     "alcance": "publico" | "interno",
     "informe": {"numero", "titulo"} | null,
     "errores": [str, ...],
     "ejes": [{"numero": "1", "nombre", "peso", "avance", "avance_publicado",
               "cobertura", "error",
               "compromisos": [{"numero": "1.5", ... igual que eje ...,
                                "acciones": [{"numero": "1.5.3", "descripcion", "peso",
                                              "avance", "etapa", "nota_aclaratoria"}]}]}]}

``avance``: la cifra calculada, número con un decimal (redondeo mitad hacia arriba),
``null`` si el elemento está sin reporte o no es calculable (entonces ``error`` lo explica).
``avance_publicado``: la cifra del informe publicado para ese periodo, si lo hay.
"""

from __future__ import annotations

from decimal import Decimal

from .models import Informe, Periodo
from .rollup import Comparacion, ResultadoPlan, redondear


def _numero(valor: Decimal | None) -> float | None:
    """Cifra para JSON: un decimal, redondeo mitad hacia arriba."""
    return None if valor is None else float(redondear(valor, 1))


def _peso(valor: Decimal):
    normalizado = valor.normalize()
    return int(normalizado) if normalizado == normalizado.to_integral_value() else float(normalizado)


def _cobertura(nodo) -> dict:
    return {"con_reporte": nodo.cobertura.con_reporte, "total": nodo.cobertura.total}


def _publicado(comparaciones, nivel, clave):
    comparacion: Comparacion | None = comparaciones.get((nivel, clave))
    return None if comparacion is None else _numero(comparacion.publicado)


def resultado_como_dict(
    resultado: ResultadoPlan,
    *,
    periodo: Periodo | None = None,
    informe: Informe | None = None,
    comparaciones: dict | None = None,
) -> dict:
    comparaciones = comparaciones or {}
    return {
        "plan": {
            "slug": resultado.slug,
            "nombre": resultado.nombre,
            "avance": _numero(resultado.avance),
            "avance_publicado": _publicado(comparaciones, "plan", ""),
            "meta_por_alcanzar": _numero(resultado.meta_por_alcanzar),
            "cobertura": _cobertura(resultado),
            "error": str(resultado.error) if resultado.error else None,
        },
        "periodo": None
        if periodo is None
        else {
            "slug": periodo.slug,
            "nombre": periodo.nombre,
            "inicio": periodo.inicio.isoformat(),
            "fin": periodo.fin.isoformat(),
        },
        "alcance": resultado.alcance.value,
        "informe": None if informe is None else {"numero": informe.numero, "titulo": informe.titulo},
        "errores": [str(error) for error in resultado.errores],
        "ejes": [
            {
                "numero": eje.clave,
                "nombre": eje.nombre,
                "peso": _peso(eje.peso),
                "avance": _numero(eje.avance),
                "avance_publicado": _publicado(comparaciones, "eje", eje.clave),
                "cobertura": _cobertura(eje),
                "error": str(eje.error) if eje.error else None,
                "compromisos": [
                    {
                        "numero": compromiso.clave,
                        "nombre": compromiso.nombre,
                        "peso": _peso(compromiso.peso),
                        "avance": _numero(compromiso.avance),
                        "avance_publicado": _publicado(comparaciones, "compromiso", compromiso.clave),
                        "cobertura": _cobertura(compromiso),
                        "error": str(compromiso.error) if compromiso.error else None,
                        "acciones": [
                            {
                                "numero": accion.clave,
                                "descripcion": accion.descripcion,
                                "peso": _peso(accion.peso),
                                "avance": _numero(accion.avance),
                                "etapa": accion.etapa,
                                "nota_aclaratoria": accion.nota_aclaratoria_marcada,
                            }
                            for accion in compromiso.acciones
                        ],
                    }
                    for compromiso in eje.compromisos
                ],
            }
            for eje in resultado.ejes
        ],
    }
