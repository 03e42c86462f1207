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


def test_sin_fechas_publicadas_no_se_califica_con_las_supuestas():
    # El caso del PAL 2022-2024: ni compromisos ni acciones tienen fechas. Con la vigencia
    # supuesta (1 ene 2022 → 31 ago 2024, 973 días; corte 30 nov 2023, 698) el 56 % quedaría
    # «en riesgo»; como las fechas no se publicaron, el estado es neutral y la cuenta se da
    # solo como referencia, diciendo que las fechas son supuestas.
    semaforo = evaluar(_compromiso(56, None, None), PLAN, datetime.date(2023, 11, 30))
    assert semaforo.fuente_fechas == FuenteFechas.PLAN and semaforo.fechas_supuestas
    assert semaforo.esperado == Decimal(100) * 698 / 973
    assert semaforo.estado == Estado.SIN_CALENDARIO
    assert semaforo.etiqueta == "Sin calendario publicado"
    assert semaforo.explicacion == (
        "El plan no publicó las fechas de inicio ni de conclusión de este compromiso ni de sus "
        "acciones. Fechas supuestas: el 1 de enero de 2022 (inicio del primer año de la vigencia; "
        "el plan no publicó su fecha de inicio) y el 31 de agosto de 2024 (la fecha meta del plan). "
        "Con fechas supuestas el estado no sería un dato, así que no se dice si va en tiempo, en "
        "riesgo o con retraso. Solo como referencia, calculado con esas fechas supuestas: al 30 de "
        "noviembre de 2023 habría transcurrido el 72 % del plazo y la cifra recalculada es 56 %."
    )


@pytest.mark.parametrize("avance", [0, "24.99", 50])
def test_sin_fechas_ni_el_rezago_mas_grande_es_retraso(avance):
    semaforo = evaluar(_compromiso(avance, None, None), PLAN, datetime.date(2024, 12, 1))  # plazo supuesto vencido
    assert semaforo.estado == Estado.SIN_CALENDARIO


def test_sin_fechas_ni_fecha_meta_dice_que_el_fin_tambien_es_supuesto():
    plan = SimpleNamespace(anio_inicio=2019, anio_fin=2021, fecha_meta=None)
    semaforo = evaluar(_compromiso(10, None, None), plan, datetime.date(2020, 6, 30))
    assert (semaforo.inicio, semaforo.fin) == (datetime.date(2019, 1, 1), datetime.date(2021, 12, 31))
    assert "ni una fecha meta. Fechas supuestas: el 1 de enero de 2019" in semaforo.explicacion
    assert "el 31 de diciembre de 2021 (fin del último año)" in semaforo.explicacion


def test_concluido_no_depende_de_fechas():
    semaforo = evaluar(_compromiso(100, None, None), PLAN, datetime.date(2023, 11, 30))
    assert semaforo.estado == Estado.CONCLUIDO
    assert semaforo.explicacion == (
        "Avance del 100 % al 30 de noviembre de 2023. No depende de fechas: el plan no publicó las del compromiso."
    )


def test_con_fechas_publicadas_no_hay_aviso_de_fechas_supuestas():
    semaforo = evaluar(_compromiso(40), PLAN, MITAD)
    assert not semaforo.fechas_supuestas and semaforo.aviso_fechas == ""
    assert "supuest" not in semaforo.explicacion


def test_sin_reporte_no_se_evalua():
    semaforo = evaluar(_compromiso(None), PLAN, None)
    assert semaforo.estado == Estado.SIN_REPORTE
    assert semaforo.explicacion.startswith("Sin avance publicado no se puede evaluar")
