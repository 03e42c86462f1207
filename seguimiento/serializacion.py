"""El árbol de avances como datos: la forma de ``manage.py avance --json``.

Forma (claves estables; ver README, «Datos»)::

    {"plan": {"slug", "nombre", "avance", "avance_publicado", "cifra_oficial",
              "informe_de_la_cifra_oficial", "cifra_recalculada", "coinciden",
              "por_que_difieren", "meta_por_alcanzar",
              "cobertura": {"con_reporte", "total"}, "error"},
     "periodo": {"slug", "nombre", "inicio", "fin"} | null,
     "alcance": "publico" | "interno",
     "informe": {"numero", "titulo"} | null,
     "errores": [str, ...],
     "ejes": [{"numero": "1", "nombre", "peso", "avance", "avance_publicado",
               "cifra_oficial", "informe_de_la_cifra_oficial", "cifra_recalculada",
               "coinciden", "por_que_difieren", "cobertura", "error",
               "compromisos": [{"numero": "1.5", ... igual que eje ...,
                                "acciones": [{"numero": "1.5.3", "descripcion", "peso",
                                              "avance", "etapa", "nota_aclaratoria"}]}]}]}

``cifra_recalculada``: la que el portal calcula con los avances de las acciones y los pesos,
número con un decimal (redondeo mitad hacia arriba), ``null`` si el elemento está sin reporte o
no es calculable (entonces ``error`` lo explica). ``cifra_oficial``: la que publicó el informe
del periodo (``informe_de_la_cifra_oficial``), si lo hay; ``coinciden`` si las dos dan lo mismo
al redondear a entero y ``por_que_difieren`` la explicación (``cifras.DosCifras.explicacion``).
``avance`` y ``avance_publicado`` son los nombres anteriores de la cifra recalculada y de la
oficial: se conservan con el mismo valor para no romper a quien ya los usa.
"""

from __future__ import annotations

from decimal import Decimal

from .cifras import DosCifras, dos_cifras
from .models import Informe, Periodo
from .rollup import ResultadoPlan, campos_de_retiro, redondear


def _numero(valor: Decimal | None) -> float | None:
    """Cifra para JSON: un decimal, redondeo mitad hacia arriba."""
    return None if valor is None else float(redondear(valor, 1))


def _peso(valor: Decimal):
    normalizado = valor.normalize()
    return int(normalizado) if normalizado == normalizado.to_integral_value() else float(normalizado)


def _cobertura(nodo) -> dict:
    return {"con_reporte": nodo.cobertura.con_reporte, "total": nodo.cobertura.total}


def dos_cifras_como_dict(dos: DosCifras) -> dict:
    """Las dos cifras de un elemento con sus nombres; ``avance`` y ``avance_publicado`` son los
    nombres anteriores (mismo valor)."""
    return {
        "avance": _numero(dos.recalculada),
        "avance_publicado": _numero(dos.oficial),
        "cifra_oficial": _numero(dos.oficial),
        "informe_de_la_cifra_oficial": dos.informe.titulo if dos.hay_oficial else None,
        "cifra_recalculada": _numero(dos.recalculada),
        "coinciden": dos.coincide if dos.hay_oficial else None,
        "por_que_difieren": dos.explicacion or None,
    }


def resultado_como_dict(
    resultado: ResultadoPlan,
    *,
    periodo: Periodo | None = None,
    informe: Informe | None = None,
    comparaciones: dict | None = None,
) -> dict:
    cifras = dos_cifras(resultado, informe, comparaciones or {})
    return {
        "plan": {
            "slug": resultado.slug,
            "nombre": resultado.nombre,
            **dos_cifras_como_dict(cifras.plan),
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
                **dos_cifras_como_dict(cifras.de(eje)),
                "cobertura": _cobertura(eje),
                "error": str(eje.error) if eje.error else None,
                "compromisos": [
                    {
                        "numero": compromiso.clave,
                        "nombre": compromiso.nombre,
                        "peso": _peso(compromiso.peso),
                        **dos_cifras_como_dict(cifras.de(compromiso)),
                        "cobertura": _cobertura(compromiso),
                        "error": str(compromiso.error) if compromiso.error else None,
                        **campos_de_retiro(compromiso),
                        "acciones": [
                            {
                                "numero": accion.clave,
                                "descripcion": accion.descripcion,
                                "peso": _peso(accion.peso),
                                "avance": _numero(accion.avance),
                                "etapa": accion.etapa,
                                "nota_aclaratoria": accion.nota_aclaratoria_marcada,
                                **campos_de_retiro(accion),
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
