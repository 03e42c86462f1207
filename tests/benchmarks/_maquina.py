"""Lo que las mediciones dicen de la máquina y de la base (lo usan portal.py e informe.py)."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def filas_comunes(base_de_datos: str) -> list[tuple[str, str]]:
    """Núcleos, CPU, memoria, sistema, Python, Django y la base de datos ya descrita."""
    import django

    modelo = next(
        (
            linea.split(":", 1)[1].strip()
            for linea in Path("/proc/cpuinfo").read_text().splitlines()
            if linea.startswith("model name")
        ),
        platform.processor() or "desconocido",
    )
    memoria = next(
        (
            int(linea.split()[1])
            for linea in Path("/proc/meminfo").read_text().splitlines()
            if linea.startswith("MemTotal")
        ),
        0,
    )
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return [
        ("Núcleos (nproc)", nproc),
        ("CPU", modelo),
        ("Memoria", f"{memoria / 1024 / 1024:.0f} GiB"),
        ("Sistema", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Base de datos", base_de_datos),
    ]


def version_de_la_base(connection) -> str:
    """«PostgreSQL 15.19» o «SQLite 3.40.1», según la conexión."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"
