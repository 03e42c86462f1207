"""Extensiones de PostgreSQL que usa la búsqueda (``plan/busqueda.py``): ``pg_trgm`` (errores
pequeños por similitud de trigramas) y ``unaccent`` (sin acentos). En otras bases no hacen nada.

Ambas son extensiones «de confianza» desde PostgreSQL 13: las puede crear el dueño de la base,
sin ser superusuario.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class SoloEnPostgreSQL:
    """``CreateExtension`` ya no hace nada al aplicarse fuera de PostgreSQL; tampoco al revertirse."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Trigramas(SoloEnPostgreSQL, TrigramExtension):
    pass


class SinAcentos(SoloEnPostgreSQL, UnaccentExtension):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0004_motivo_de_historial_sin_limite"),
    ]

    operations = [Trigramas(), SinAcentos()]
