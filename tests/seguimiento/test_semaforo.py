"""Regla del estado de un compromiso (seguimiento/semaforo.py, ROLLUP.md § 8)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from seguimiento.semaforo import Estado, FuenteFechas, evaluar

PLAN = SimpleNamespace(anio_inicio=2022, anio_fin=2024, fecha_meta=datetime.date(2024, 8, 31))
INICIO, FIN = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)  # 364 días
MITAD = datetime.date(2023, 7, 2)  # 182 días: 50 % esperado


def _compromiso(avance, inicio=INICIO, fin=FIN, acciones=()):
    return SimpleNamespace(
        avance=None if avance is None else Decimal(avance),
        fecha_inicio=inicio,
        fecha_conclusion=fin,
        acciones=list(acciones),
    )


@pytest.mark.parametrize(
    "avance, estado",
    [
        (100, Estado.CONCLUIDO),
        (60, Estado.EN_TIEMPO),  # adelante
        (40, Estado.EN_TIEMPO),  # rezago exactamente 10
        ("39.99", Estado.EN_RIESGO),
        (25, Estado.EN_RIESGO),  # rezago exactamente 25
        ("24.99", Estado.CON_RETRASO),
        (0, Estado.CON_RETRASO),
        (None, Estado.SIN_REPORTE),
    ],
)
def test_umbrales_de_la_regla(avance, estado):
    semaforo = evaluar(_compromiso(avance), PLAN, MITAD)
    assert semaforo.estado == estado
    if avance is not None:
        assert semaforo.esperado == Decimal(50)


def test_plazo_vencido_sin_concluir_es_retraso_aunque_el_rezago_sea_pequeno():
    semaforo = evaluar(_compromiso("95"), PLAN, datetime.date(2024, 1, 15))
    assert semaforo.esperado == Decimal(100)
    assert semaforo.estado == Estado.CON_RETRASO
    assert "el plazo ya venció sin concluir" in semaforo.explicacion


def test_antes_de_empezar_el_esperado_es_cero():
    semaforo = evaluar(_compromiso(0), PLAN, datetime.date(2022, 6, 1))
    assert semaforo.esperado == 0 and semaforo.estado == Estado.EN_TIEMPO


def test_fechas_de_las_acciones_si_el_compromiso_no_tiene():
    acciones = [
        SimpleNamespace(fecha_inicio=datetime.date(2023, 3, 1), fecha_fin=datetime.date(2023, 6, 30)),
        SimpleNamespace(fecha_inicio=datetime.date(2023, 1, 1), fecha_fin=datetime.date(2023, 12, 31)),
    ]
    semaforo = evaluar(_compromiso(50, None, None, acciones), PLAN, MITAD)
    assert (semaforo.inicio, semaforo.fin, semaforo.fuente_fechas) == (INICIO, FIN, FuenteFechas.ACCIONES)


def test_vigencia_del_plan_si_no_hay_fechas_y_la_explicacion_lo_dice():
    # El caso del PAL 2022-2024: 1 ene 2022 → 31 ago 2024 (973 días); corte 30 nov 2023 (698).
    semaforo = evaluar(_compromiso(56, None, None), PLAN, datetime.date(2023, 11, 30))
    assert semaforo.fuente_fechas == FuenteFechas.PLAN
    assert semaforo.esperado == Decimal(100) * 698 / 973
    assert semaforo.estado == Estado.EN_RIESGO
    assert semaforo.explicacion == (
        "Al 30 de noviembre de 2023 había transcurrido el 72 % del plazo del 1 de enero de 2022 "
        "al 31 de agosto de 2024, según la vigencia del plan (el compromiso no registra fechas); "
        "la cifra recalculada es 56 %, 16 puntos por debajo de lo esperado "
        "(más de 10 y hasta 25 puntos: en riesgo)."
    )


def test_sin_reporte_no_se_evalua():
    semaforo = evaluar(_compromiso(None), PLAN, None)
    assert semaforo.estado == Estado.SIN_REPORTE
    assert semaforo.explicacion.startswith("Sin avance publicado no se puede evaluar")
