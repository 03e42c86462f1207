"""Personas del ciclo bimestral sobre el PAL 2022-2024 real, con un periodo abierto.

Como alice/bob/charlie de healthchecks: la facilitadora del STL, una integrante de solo
lectura, la responsable del IACIP (compromisos 4.1 y 7.1), el responsable del Poder Judicial
(compromiso 3.1), la facilitadora de *otro* plan (una extraña para este) y una cuenta sin papel.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plan.models import Institucion, Membresia, Plan
from seguimiento.models import Periodo
from tests.ayudas import CLAVE, abrir_diciembre_2023
from tests.fabricas import crear_plan


@dataclass
class Ciclo:
    plan: Plan
    periodo: Periodo
    facilitadora: object
    integrante: object
    iacip: object
    judicial: object
    extrana: object
    sin_papel: object
    inst_iacip: Institucion
    inst_judicial: Institucion


def _cuenta(django_user_model, nombre, correo=True):
    return django_user_model.objects.create_user(
        nombre, f"{nombre}@example.org" if correo else "", CLAVE, first_name=nombre.capitalize()
    )


@pytest.fixture
def ciclo(pal, django_user_model) -> Ciclo:
    facilitadora = _cuenta(django_user_model, "facilitadora")
    integrante = _cuenta(django_user_model, "integrante")
    iacip = _cuenta(django_user_model, "iacip")
    judicial = _cuenta(django_user_model, "judicial")
    extrana = _cuenta(django_user_model, "extrana")
    sin_papel = _cuenta(django_user_model, "sinpapel")
    inst_iacip = Institucion.objects.get(siglas="IACIP")
    inst_judicial = Institucion.objects.get(nombre="Poder Judicial del Estado de Guanajuato")
    Membresia.objects.create(usuario=facilitadora, plan=pal, rol=Membresia.Rol.FACILITADOR)
    Membresia.objects.create(usuario=integrante, plan=pal, rol=Membresia.Rol.INTEGRANTE)
    Membresia.objects.create(usuario=iacip, plan=pal, rol=Membresia.Rol.RESPONSABLE, institucion=inst_iacip)
    Membresia.objects.create(usuario=judicial, plan=pal, rol=Membresia.Rol.RESPONSABLE, institucion=inst_judicial)
    otro = crear_plan(slug="otro-plan")
    Membresia.objects.create(usuario=extrana, plan=otro, rol=Membresia.Rol.FACILITADOR)
    periodo = abrir_diciembre_2023(pal, facilitadora)
    return Ciclo(pal, periodo, facilitadora, integrante, iacip, judicial, extrana, sin_papel, inst_iacip, inst_judicial)
