"""Fábricas de prueba que mantienen coherentes los objetos relacionados."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

from plan.models import Accion, Compromiso, Eje, Institucion, Plan
from seguimiento.models import Avance, Periodo

_secuencia = count(1)


def crear_institucion(**campos) -> Institucion:
    n = next(_secuencia)
    campos.setdefault("nombre", f"Institución {n}")
    campos.setdefault("tipo", Institucion.Tipo.ORGANISMO_AUTONOMO)
    return Institucion.objects.create(**campos)


def crear_plan(**campos) -> Plan:
    n = next(_secuencia)
    campos.setdefault("nombre", f"Plan de prueba {n}")
    campos.setdefault("slug", f"plan-{n}")
    campos.setdefault("entidad", "Guanajuato")
    campos.setdefault("anio_inicio", 2022)
    campos.setdefault("anio_fin", 2024)
    return Plan.objects.create(**campos)


def crear_periodo(plan: Plan, inicio: datetime.date, *, estado=Periodo.Estado.PUBLICADO, **campos) -> Periodo:
    campos.setdefault("nombre", f"Periodo {inicio:%Y-%m}")
    campos.setdefault("slug", f"periodo-{inicio:%Y-%m}")
    campos.setdefault("fin", inicio + datetime.timedelta(days=60))
    if estado == Periodo.Estado.ABIERTO:
        # La base exige la fecha límite de un periodo abierto.
        campos.setdefault("fecha_limite", campos["fin"] + datetime.timedelta(days=10))
    return Periodo.objects.create(plan=plan, inicio=inicio, estado=estado, **campos)


def construir_plan(estructura, *, plan: Plan | None = None, periodo: Periodo | None = None):
    """Crea ejes, compromisos y acciones desde una estructura anidada.

    ``estructura`` es una lista de ejes; cada eje es ``(peso, [compromisos])``; cada
    compromiso ``(peso, [acciones])``; cada acción ``(peso, porcentaje)`` donde
    ``porcentaje`` es ``None`` para «sin reporte». Los porcentajes se registran como
    avances validados en ``periodo`` (que se crea publicado si no se da).
    Devuelve ``(plan, periodo)``.
    """
    plan = plan or crear_plan()
    periodo = periodo or crear_periodo(plan, datetime.date(2023, 8, 1))
    institucion = crear_institucion()
    for numero_eje, (peso_eje, compromisos) in enumerate(estructura, start=1):
        eje = Eje.objects.create(plan=plan, numero=numero_eje, nombre=f"Eje {numero_eje}", peso=Decimal(peso_eje))
        for numero_comp, (peso_comp, acciones) in enumerate(compromisos, start=1):
            compromiso = Compromiso.objects.create(
                eje=eje,
                numero=numero_comp,
                nombre=f"Compromiso {numero_eje}.{numero_comp}",
                peso=Decimal(peso_comp),
                institucion_responsable=institucion,
            )
            for numero_acc, (peso_acc, porcentaje) in enumerate(acciones, start=1):
                accion = Accion.objects.create(
                    compromiso=compromiso,
                    numero=numero_acc,
                    descripcion=f"Acción {numero_eje}.{numero_comp}.{numero_acc}",
                    peso=Decimal(peso_acc),
                )
                if porcentaje is not None:
                    Avance.objects.create(
                        accion=accion,
                        periodo=periodo,
                        porcentaje=Decimal(porcentaje),
                        estado=Avance.Estado.VALIDADO,
                    )
    return plan, periodo


def plan_generado(ejes: int, compromisos: int, acciones: int, periodos: int = 3):
    """Plan grande de tamaño dado, con avances validados en varios periodos (con bulk_create)."""
    plan = crear_plan()
    lista_periodos = [
        crear_periodo(plan, datetime.date(2023, 1 + 2 * i, 1), nombre=f"P{i}", slug=f"p{i}")
        for i in range(periodos)
    ]
    institucion = crear_institucion()
    lista_ejes = Eje.objects.bulk_create(
        Eje(plan=plan, numero=e + 1, nombre=f"Eje {e + 1}") for e in range(ejes)
    )
    lista_comp = Compromiso.objects.bulk_create(
        Compromiso(eje=eje, numero=c + 1, nombre=f"C {c + 1}", institucion_responsable=institucion)
        for eje in lista_ejes
        for c in range(compromisos)
    )
    lista_acc = Accion.objects.bulk_create(
        Accion(compromiso=comp, numero=a + 1, descripcion=f"A {a + 1}")
        for comp in lista_comp
        for a in range(acciones)
    )
    Avance.objects.bulk_create(
        Avance(
            accion=accion,
            periodo=periodo,
            porcentaje=Decimal((indice * 7 + orden * 10) % 101),
            estado=Avance.Estado.VALIDADO,
        )
        for indice, accion in enumerate(lista_acc)
        for orden, periodo in enumerate(lista_periodos)
        if indice % 5  # una de cada cinco acciones queda sin reporte
    )
    return plan, lista_periodos
