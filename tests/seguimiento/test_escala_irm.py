"""Regla del nivel de cumplimiento en la escala de la OGP (seguimiento/escala_irm.py, ROLLUP.md § 9)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from seguimiento.escala_irm import NivelIRM, conteo, evaluar


def _compromiso(avance, error=None):
    return SimpleNamespace(avance=None if avance is None else Decimal(avance), error=error)


@pytest.mark.parametrize(
    "avance, nivel",
    [
        (None, NivelIRM.SIN_EVIDENCIA),
        (0, NivelIRM.NO_INICIADO),
        ("0.01", NivelIRM.LIMITADO),
        ("49.99", NivelIRM.LIMITADO),  # se muestra «50 %», pero el nivel usa la cifra exacta
        (50, NivelIRM.SUSTANCIAL),
        ("99.99", NivelIRM.SUSTANCIAL),  # se muestra «100 %»: no está completo
        (100, NivelIRM.COMPLETO),
    ],
)
def test_fronteras_de_la_regla(avance, nivel):
    assert evaluar(_compromiso(avance)).nivel == nivel


def test_sin_avance_calculable_no_hay_nivel():
    cumplimiento = evaluar(_compromiso(None, error="Los pesos de las acciones del compromiso 1.5 suman 0."))
    assert cumplimiento.nivel is None
    assert cumplimiento.etiqueta == "No calculable"


@pytest.mark.parametrize(
    "avance, texto",
    [
        (None, "Ninguna de sus acciones tiene un avance publicado: no hay con qué ubicarlo en la escala."),
        (0, "Avance publicado de 0 %: no iniciado."),
        ("36.25", "Cifra recalculada de 36.25 %: más de 0 y menos de 50 %, limitado."),
        ("33.3333333", "Cifra recalculada de 33.33 %: más de 0 y menos de 50 %, limitado."),
        (56, "Cifra recalculada de 56 %: de 50 % a menos de 100 %, sustancial."),
        (100, "Avance de 100 %: todas sus acciones al 100 %, completo."),
    ],
)
def test_la_explicacion_escribe_la_cifra_y_la_condicion(avance, texto):
    assert evaluar(_compromiso(avance)).explicacion == texto


def test_nombres_de_la_ogp_y_alto_cumplimiento():
    assert [n.en_ingles for n in NivelIRM] == ["No Evidence Available", "Not Started", "Limited", "Substantial", "Complete"]
    assert [n for n in NivelIRM if n.alto] == [NivelIRM.SUSTANCIAL, NivelIRM.COMPLETO]


def test_conteo_en_el_orden_de_la_escala():
    cumplimientos = [evaluar(_compromiso(a)) for a in [100, 30, None, 30, 0]] + [evaluar(_compromiso(None, error="x"))]
    assert conteo(cumplimientos) == [
        (NivelIRM.SIN_EVIDENCIA, 1), (NivelIRM.NO_INICIADO, 1), (NivelIRM.LIMITADO, 2), (NivelIRM.COMPLETO, 1)
    ]
    assert (NivelIRM.SUSTANCIAL, 0) in conteo(cumplimientos, con_ceros=True)
