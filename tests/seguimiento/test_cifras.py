"""Las dos cifras (seguimiento/cifras.py): la oficial del informe y la recalculada, y por qué difieren."""

from decimal import Decimal

import pytest

from seguimiento.cifras import dos_cifras
from seguimiento.models import Informe
from seguimiento.portal import estado_con_cifras
from seguimiento.rollup import Comparacion, calcular_avance
from tests.fabricas import construir_plan

pytestmark = pytest.mark.django_db


def _claves(lista):
    return [d.clave for d in lista]


def test_pal_la_cifra_oficial_del_informe_y_la_recalculada_con_sus_causas(pal):
    _estado, cifras = estado_con_cifras(pal)
    assert cifras.informe.titulo == "Primer Informe Parcial"
    plan = cifras.plan
    # Lo que imprimió el informe (CifraPublicada) y lo que dan sus 33 acciones con pesos iguales.
    assert plan.oficial == Decimal(42) and plan.principal == Decimal(42)
    assert f"{plan.recalculada:.4f}" == "45.3333"
    assert plan.etiqueta == "Cifra oficial del Primer Informe Parcial"
    assert plan.difiere
    # Los compromisos cuya cifra oficial no es la media de sus acciones, y los ejes a los que llegan.
    assert _claves(plan.causas) == ["1.5", "2.1", "5.1"]
    assert _claves(plan.partes_distintas) == ["1", "2", "5"]
    # El 42 % tampoco sale de las siete cifras oficiales de los ejes: (51+35+65+33+42+30+56)/7.
    assert f"{plan.de_sus_partes:.4f}" == "44.5714"
    assert not plan.oficial_sale_de_sus_partes
    assert plan.explicacion == (
        "La diferencia viene de los compromisos 1.5, 2.1 y 5.1 (ejes 1, 2 y 5): en cada uno, la cifra "
        "oficial no es la media de los avances de sus acciones. Además, el 42\u00a0% del informe tampoco "
        "es la media de las cifras oficiales de sus ejes, que da 44.57\u00a0%."
    )


@pytest.mark.parametrize(
    ("eje", "compromiso", "oficial", "acciones", "media", "recalculada"),
    [
        ("1", "1.5", "23", "35, 10, 100 y 0", "36.25", "36"),
        ("2", "2.1", "35", "30 y 37", "33.5", "34"),
        ("5", "5.1", "42", "25, 20, 70 y 70", "46.25", "46"),
    ],
)
def test_pal_cada_causa_con_su_cuenta_y_su_eje(pal, eje, compromiso, oficial, acciones, media, recalculada):
    _estado, cifras = estado_con_cifras(pal)
    dos = cifras.por_clave[("compromiso", compromiso)]
    assert dos.principal == Decimal(oficial) and dos.difiere
    assert dos.explicacion == (
        f"El Primer Informe Parcial publicó {oficial}\u00a0%, pero la media de los avances publicados de sus "
        f"acciones ({acciones}), con los pesos registrados, es {media}, que se muestra como {recalculada}\u00a0%: "
        "la cifra recalculada. El informe no dice cómo obtuvo su cifra; el portal no ajusta ninguna de las dos."
    )
    del_eje = cifras.por_clave[("eje", eje)]
    assert del_eje.difiere and _claves(del_eje.causas) == [compromiso]
    # Con la cifra oficial de cada compromiso (1.2, sin ella, con su recalculada 0), la media del eje sí da la oficial.
    assert del_eje.oficial_sale_de_sus_partes
    assert del_eje.razon_breve == f"Difiere por el compromiso {compromiso}."


def test_pal_donde_coinciden_y_donde_el_informe_no_publico_cifra(pal):
    _estado, cifras = estado_con_cifras(pal)
    tres = cifras.por_clave[("eje", "3")]
    assert tres.coincide and tres.principal == Decimal(65) and tres.explicacion == ""
    assert tres.razon_breve == "La cifra recalculada por el portal coincide con el Primer Informe Parcial."
    # 4.1: 33 publicado, 33.33… recalculado: coinciden al redondear, la grande es la oficial.
    cuatro = cifras.por_clave[("compromiso", "4.1")]
    assert cuatro.coincide and cuatro.principal == Decimal(33)
    # 1.2: el informe imprimió «–»; se muestra la recalculada, y se dice.
    uno_dos = cifras.por_clave[("compromiso", "1.2")]
    assert not uno_dos.hay_oficial and uno_dos.principal == Decimal(0)
    assert uno_dos.etiqueta == "Cifra recalculada por el portal"
    assert uno_dos.razon_breve == "El Primer Informe Parcial no publicó cifra para el compromiso 1.2."
    assert [(d.nivel, d.clave) for d in cifras.distintas] == [
        ("plan", ""), ("eje", "1"), ("compromiso", "1.2"), ("compromiso", "1.5"),
        ("eje", "2"), ("compromiso", "2.1"), ("eje", "5"), ("compromiso", "5.1"),
    ]


def test_sin_informe_la_cifra_es_la_recalculada_y_lo_dice():
    plan, periodo = construir_plan([(1, [(1, [(1, 60), (1, 0)])])])
    cifras = dos_cifras(calcular_avance(plan, periodo=periodo), None, {})
    assert cifras.plan.principal == Decimal(30) and not cifras.plan.hay_oficial
    assert cifras.plan.etiqueta == "Cifra recalculada por el portal"
    assert cifras.plan.razon_breve == "Ningún informe publicado cubre este periodo."
    assert cifras.plan.explicacion == "" and cifras.distintas == []


def _informe_con(resultado, publicadas):
    informe = Informe(titulo="Segundo Informe Parcial")
    nodos = {(n.nivel, n.clave): n for n in [resultado, *resultado.ejes, *resultado.compromisos()]}
    return informe, {
        clave: Comparacion(clave[0], clave[1], nodos[clave].nombre, Decimal(valor), nodos[clave].avance)
        for clave, valor in publicadas.items()
    }


def test_una_cifra_oficial_que_no_sale_de_sus_partes_sin_causas_debajo():
    # Compromisos 40 y 20 (media 30), ambos tal como se publicaron; el informe imprimió 35 para el eje.
    plan, periodo = construir_plan([(1, [(1, [(1, 40)]), (1, [(1, 20)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    publicadas = {("compromiso", "1.1"): 40, ("compromiso", "1.2"): 20, ("eje", "1"): 35}
    informe, comparaciones = _informe_con(resultado, publicadas)
    eje = dos_cifras(resultado, informe, comparaciones).por_clave[("eje", "1")]
    assert eje.difiere and eje.causas == []
    assert eje.explicacion == (
        "El 35\u00a0% del informe no es la media de las cifras oficiales de sus compromisos, que da 30\u00a0%."
    )
    assert eje.razon_breve == (
        "La cifra oficial no es la media de las cifras oficiales de sus compromisos (30\u00a0%)."
    )


def test_con_pesos_la_media_de_las_cifras_oficiales_usa_los_mismos_pesos():
    # Compromiso 1.1 con peso 3 (publicado 10, recalculado 50) y 1.2 con peso 1 (publicado 90 = recalculado).
    plan, periodo = construir_plan([(1, [(3, [(1, 50)]), (1, [(1, 90)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    publicadas = {("compromiso", "1.1"): 10, ("compromiso", "1.2"): 90, ("eje", "1"): 30}
    informe, comparaciones = _informe_con(resultado, publicadas)
    eje = dos_cifras(resultado, informe, comparaciones).por_clave[("eje", "1")]
    assert eje.recalculada == Decimal(60)  # (3 × 50 + 90) / 4
    assert eje.de_sus_partes == Decimal(30)  # (3 × 10 + 90) / 4
    assert eje.oficial_sale_de_sus_partes and _claves(eje.causas) == ["1.1"]


def test_una_diferencia_que_solo_es_de_redondeo_lo_dice():
    # Ejes recalculados 44.5 y 44.4 (global 44.45 → 44), publicados tal cual redondeados: 45 y 44.
    # El informe publicó 45 de global, la media de sus ejes (44.5 → 45): nada debajo lo causa.
    plan, periodo = construir_plan([(1, [(1, [(1, "44.5")])]), (1, [(1, [(1, "44.4")])])])
    resultado = calcular_avance(plan, periodo=periodo)
    publicadas = {("eje", "1"): 45, ("eje", "2"): 44, ("plan", ""): 45}
    informe, comparaciones = _informe_con(resultado, publicadas)
    glob = dos_cifras(resultado, informe, comparaciones).plan
    assert glob.recalculada == Decimal("44.45") and glob.de_sus_partes == Decimal("44.5")
    assert glob.difiere and glob.causas == [] and glob.oficial_sale_de_sus_partes
    assert glob.razon_breve == "La diferencia es de redondeo."
    assert glob.explicacion == "La diferencia es de redondeo: la media de las cifras oficiales de sus ejes da 45\u00a0%."
