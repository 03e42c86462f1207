"""Mediciones del portal con datos sintéticos a escala nacional (ver README.md en esta carpeta).

    .venv/bin/python tests/benchmarks/portal.py [--peticiones N] [--concurrencia C] [--sqlite]

Crea su propia base (PostgreSQL ``bench_estado_abierto``, que borra y vuelve a crear; o SQLite
en una carpeta temporal con ``--sqlite``), corre ``preparar``, ``generar_sintetico`` y
``collectstatic``, mide el cálculo del avance dentro del proceso y luego levanta gunicorn
(solo en 127.0.0.1) para medir páginas con la caché activa, sin caché y un archivo estático
con los mismos bytes. Imprime una tabla en Markdown. Siempre detiene gunicorn al terminar,
también con Ctrl-C. No es una prueba de pytest (no empieza con ``test_``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _carga import (
    RUTA_ESTATICA,
    Medicion,
    Servidor,
    aviso,
    borrar_base_pg,
    cargar,
    cargar_datos,
    cerrar_conexiones_de_django,
    correr,
    conexiones_cerradas,
    crear_base_pg,
    django_en_proceso,
    entorno_de_medicion,
    html_de_inicio,
    lineas_de_errores,
    ms,
    tabla_paginas,
    version_de_gunicorn,
)

BASE_PG = "bench_estado_abierto"


# --------------------------------------------------------------------------- argumentos


def argumentos(argv=None):
    p = argparse.ArgumentParser(description="Mide el portal con datos sintéticos a escala nacional.")
    p.add_argument("--peticiones", type=int, default=400, help="peticiones medidas por dirección (400)")
    p.add_argument("--concurrencia", type=int, default=8, help="clientes simultáneos (8)")
    p.add_argument(
        "--sqlite", action="store_true", help="usar SQLite en una carpeta temporal en vez de PostgreSQL"
    )
    p.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="servidor PostgreSQL (sin base); se crea la base %s" % BASE_PG,
    )
    p.add_argument("--planes", type=int, default=32, help="planes sintéticos a generar (32)")
    p.add_argument("--plan", default="sintetico-jalisco", help="plan cuyas páginas se miden")
    p.add_argument("--eje", default="2", help="eje medido (2)")
    p.add_argument("--compromiso", default="2.3", help="compromiso medido (2.3)")
    p.add_argument("--workers", type=int, default=2, help="workers de gunicorn (2)")
    p.add_argument("--conn-max-age", type=int, default=0, help="CONN_MAX_AGE del servidor (0, el de omisión)")
    p.add_argument(
        "--repeticiones", type=int, default=5, help="repeticiones del cálculo del avance (mediana) (5)"
    )
    p.add_argument("--limite", type=float, default=90, help="segundos máximos por dirección medida (90)")
    p.add_argument(
        "--limite-total", type=float, default=1200, help="segundos máximos de carga en total (1200)"
    )
    p.add_argument(
        "--conservar",
        action="store_true",
        help="no borrar al terminar la base ni la carpeta temporal (bitácoras de gunicorn)",
    )
    p.add_argument("--salida", type=Path, help="escribir también la tabla en este archivo")
    a = p.parse_args(argv)
    if a.peticiones < 1 or a.concurrencia < 1 or a.workers < 1:
        p.error("--peticiones, --concurrencia y --workers deben ser al menos 1")
    return a


# --------------------------------------------------------------------------- en el proceso


#: El cálculo de ROLLUP.md en una sola consulta (``1.0 *``: en SQLite un peso entero daría
#: división entera). Sin los mensajes de error de pesos ni la cobertura: solo las cifras.
SQL_ROLLUP = """
WITH cuentan AS (
    SELECT av.accion_id, av.porcentaje,
           ROW_NUMBER() OVER (PARTITION BY av.accion_id ORDER BY pe.inicio DESC) AS orden
    FROM {avance} av JOIN {periodo} pe ON pe.id = av.periodo_id
    WHERE av.estado = 'validado' AND pe.estado = 'publicado'
), acciones AS (
    SELECT a.compromiso_id, a.peso, u.porcentaje
    FROM {accion} a LEFT JOIN cuentan u ON u.accion_id = a.id AND u.orden = 1
), compromisos AS (
    SELECT c.eje_id, c.peso,
           CASE WHEN COUNT(x.porcentaje) = 0 THEN NULL ELSE
             SUM(CASE WHEN x.peso > 0 THEN 1.0 * x.peso * COALESCE(x.porcentaje, 0) ELSE 0 END)
             / SUM(CASE WHEN x.peso > 0 THEN x.peso ELSE 0 END) END AS avance
    FROM {compromiso} c JOIN acciones x ON x.compromiso_id = c.id
    GROUP BY c.id, c.eje_id, c.peso
), ejes AS (
    SELECT e.plan_id, e.peso,
           SUM(CASE WHEN x.peso > 0 THEN 1.0 * x.peso * COALESCE(x.avance, 0) ELSE 0 END)
           / SUM(CASE WHEN x.peso > 0 THEN x.peso ELSE 0 END) AS avance
    FROM {eje} e JOIN compromisos x ON x.eje_id = e.id
    GROUP BY e.id, e.plan_id, e.peso
)
SELECT plan_id,
       SUM(CASE WHEN peso > 0 THEN 1.0 * peso * COALESCE(avance, 0) ELSE 0 END)
       / SUM(CASE WHEN peso > 0 THEN peso ELSE 0 END)
FROM ejes GROUP BY plan_id
"""

SQL_PISO = """
SELECT pe.plan_id, AVG(av.porcentaje), COUNT(*)
FROM {avance} av JOIN {periodo} pe ON pe.id = av.periodo_id
WHERE av.estado = 'validado' AND pe.estado = 'publicado'
GROUP BY pe.plan_id
"""


def medir_rollup(repeticiones: int) -> dict:
    """Cálculo del avance de todos los planes: por plan, de una vez, y su piso en SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plan.models import Accion, Compromiso, Eje, Plan
    from seguimiento.models import Avance, Periodo
    from seguimiento.rollup import calcular_avance, calcular_avances

    tablas = {
        "avance": Avance._meta.db_table,
        "periodo": Periodo._meta.db_table,
        "accion": Accion._meta.db_table,
        "compromiso": Compromiso._meta.db_table,
        "eje": Eje._meta.db_table,
    }
    planes = list(Plan.objects.order_by("pk"))

    def por_plan():
        return {p.pk: calcular_avance(p) for p in planes}

    def de_una_vez():
        return calcular_avances(planes)

    def sql(texto):
        def correr():
            with connection.cursor() as cursor:
                cursor.execute(texto.format(**tablas))
                return cursor.fetchall()

        return correr

    casos = {
        "por_plan": por_plan,
        "de_una_vez": de_una_vez,
        "sql_rollup": sql(SQL_ROLLUP),
        "sql_piso": sql(SQL_PISO),
    }
    resultados = {}
    for nombre, funcion in casos.items():
        with CaptureQueriesContext(connection) as consultas:
            valor = funcion()  # también calienta
        tiempos = []
        for _ in range(repeticiones):
            inicio = time.perf_counter()
            funcion()
            tiempos.append((time.perf_counter() - inicio) * 1000)
        resultados[nombre] = {"ms": statistics.median(tiempos), "consultas": len(consultas), "valor": valor}

    python = {pk: r.avance for pk, r in resultados["de_una_vez"]["valor"].items()}
    en_sql = {fila[0]: fila[1] for fila in resultados["sql_rollup"]["valor"]}
    comparables = [pk for pk, v in python.items() if v is not None]
    coinciden = sum(
        1
        for pk in comparables
        if en_sql.get(pk) is not None and abs(float(en_sql[pk]) - float(python[pk])) < 0.001
    )
    iguales = all(resultados["por_plan"]["valor"][pk].avance == python[pk] for pk in python)
    return {
        **resultados,
        "planes": len(planes),
        "acciones": Accion.objects.count(),
        "avances": Avance.objects.count(),
        "avances_publicos": sum(fila[2] for fila in resultados["sql_piso"]["valor"]),
        "coinciden": coinciden,
        "comparables": len(comparables),
        "por_plan_igual": iguales,
    }


def maquina() -> list[tuple[str, str]]:
    from django.db import connection

    from _maquina import filas_comunes, version_de_la_base

    return filas_comunes(version_de_la_base(connection)) + [("Servidor", version_de_gunicorn())]


# --------------------------------------------------------------------------- informe


def tabla_rollup(r: dict) -> list[str]:
    conjunto = (
        f"{r['planes']} planes, {r['acciones']:,} acciones, "
        f"{r['avances_publicos']:,} avances validados publicados"
    )
    filas = [
        ("`calcular_avance(plan)` para cada plan", r["por_plan"]),
        ("`calcular_avances(planes)`: todos a la vez", r["de_una_vez"]),
        (
            "SQL: el mismo cálculo en una consulta "
            f"(da la misma cifra global en {r['coinciden']} de {r['comparables']} planes)",
            r["sql_rollup"],
        ),
        ("SQL: `AVG … GROUP BY plan` de los avances que cuentan (piso: solo leerlos)", r["sql_piso"]),
    ]
    return [
        f"| cálculo del avance del conjunto completo ({conjunto}) | mediana (ms) | consultas |",
        "|---|--:|--:|",
        *(f"| {nombre} | {ms(caso['ms'])} | {caso['consultas']} |" for nombre, caso in filas),
    ]


# --------------------------------------------------------------------------- principal


@dataclass
class Estado:
    """Lo que hay que limpiar al terminar, pase lo que pase."""

    temporal: Path
    servidor: Servidor | None = None
    base_creada: bool = False
    django_listo: bool = False


def ejecutar(a, estado: Estado) -> str:
    static_root = estado.temporal / "static"
    if a.sqlite:
        url = f"sqlite:///{estado.temporal / 'bench.sqlite3'}"
    else:
        aviso(f"base de PostgreSQL {BASE_PG} (se borra y se crea de nuevo)")
        estado.base_creada = True
        url = crear_base_pg(a.postgres, BASE_PG)
    entorno = entorno_de_medicion(
        url=url, static_root=static_root, media_root=estado.temporal / "media", conn_max_age=a.conn_max_age
    )
    carga_inicial = os.getloadavg()
    t_preparar, t_generar, t_static = cargar_datos(entorno, a.planes)

    django_en_proceso(entorno)
    estado.django_listo = True
    from django.db import connections

    aviso(f"cálculo del avance en el proceso ({a.repeticiones} repeticiones)")
    rollup = medir_rollup(a.repeticiones)
    estatico = html_de_inicio(static_root)
    info = maquina()
    connections.close_all()

    base = f"/planes/{a.plan}"
    paginas = [
        ("portada", "/"),
        ("plan", f"{base}/"),
        ("eje", f"{base}/ejes/{a.eje}/"),
        ("compromiso", f"{base}/compromisos/{a.compromiso}/"),
    ]
    ruta_estatica = f"/static/{RUTA_ESTATICA}"
    mediciones: list[Medicion] = []
    fin_total = time.monotonic() + a.limite_total
    calentar = 4 * max(a.workers, a.concurrencia)
    for modo, en_cache in [("en caché", "true"), ("sin caché", "false")]:
        aviso(f"gunicorn -w {a.workers} con PAGINAS_EN_CACHE={en_cache}")
        bitacora = estado.temporal / f"gunicorn-{en_cache}.log"
        estado.servidor = Servidor({**entorno, "PAGINAS_EN_CACHE": en_cache}, a.workers, bitacora)
        estado.servidor.esperar(ruta_estatica)
        objetivos = [(nombre, ruta, modo) for nombre, ruta in paginas]
        if en_cache == "true":
            objetivos.append(("mismos bytes que la portada, archivo estático", ruta_estatica, "WhiteNoise"))
        for nombre, ruta, modo_fila in objetivos:
            m = Medicion(nombre, modo_fila, ruta, a.peticiones)
            restante = fin_total - time.monotonic()
            if restante <= 0:
                m.omitida = "omitida: se agotó --limite-total"
            else:
                aviso(f"{modo_fila}: {ruta}")
                cargar(estado.servidor.puerto, m, a.concurrencia, min(a.limite, restante), calentar)
            mediciones.append(m)
        estado.servidor.detener()
        estado.servidor = None

    portada = next(m for m in mediciones if m.ruta == "/" and m.modo == "en caché")
    tamano = estatico.stat().st_size
    lineas = [
        f"### Portal con datos sintéticos ({rollup['planes']} planes, {rollup['acciones']:,} acciones, "
        f"{rollup['avances']:,} avances)",
        "",
        "Orden: `" + shlex.join(sys.orig_argv) + "`",
        "",
        "| máquina | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info),
        f"| carga previa (loadavg de 1 y 5 min al empezar) | {carga_inicial[0]:.2f} / {carga_inicial[1]:.2f} |",
        f"| gunicorn | `-w {a.workers}` (sync), DEBUG=false, CONN_MAX_AGE={a.conn_max_age}, en 127.0.0.1 |",
        f"| carga | {a.peticiones} peticiones por dirección, {a.concurrencia} clientes a la vez "
        f"(http.client, en la misma máquina), tras {calentar} de calentamiento |",
        "",
        *tabla_paginas(mediciones),
        "",
        "«sin caché»: gunicorn arrancado con `PAGINAS_EN_CACHE=false` (cada petición arma la página). "
        f"El archivo estático tiene {'los mismos' if tamano == portada.bytes else 'otros'} {tamano:,} bytes "
        f"que la portada. {conexiones_cerradas(mediciones)}",
        "",
        *tabla_rollup(rollup),
        "",
        f"Preparación: `preparar` {t_preparar:.1f} s, `generar_sintetico --planes {a.planes}` {t_generar:.1f} s, "
        f"`collectstatic` {t_static:.1f} s.",
    ]
    if not rollup["por_plan_igual"]:
        lineas.append(
            "**Atención:** `calcular_avance` por plan y `calcular_avances` dieron cifras distintas."
        )
    lineas += lineas_de_errores(mediciones)
    return "\n".join(lineas)


def main(argv=None) -> int:
    a = argumentos(argv)
    estado = Estado(Path(tempfile.mkdtemp(prefix="bench-estado-abierto-")))

    def limpiar():
        if estado.servidor is not None:
            aviso("se detiene gunicorn")
            estado.servidor.detener()
        cerrar_conexiones_de_django(estado)
        if a.conservar:
            aviso(f"se conservan {estado.temporal}" + ("" if a.sqlite else f" y la base {BASE_PG}"))
        else:
            if estado.base_creada:
                borrar_base_pg(a.postgres, BASE_PG)
            shutil.rmtree(estado.temporal, ignore_errors=True)

    return correr(ejecutar, a, estado, limpiar=limpiar)


if __name__ == "__main__":
    sys.exit(main())
