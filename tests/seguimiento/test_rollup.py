import datetime
from decimal import Decimal

import pytest

from plan.models import Accion, Compromiso
from seguimiento.models import Avance, Periodo
from seguimiento.rollup import Alcance, Cobertura, calcular_avance, redondear
from tests.fabricas import construir_plan, crear_periodo, plan_generado

pytestmark = pytest.mark.django_db


def _compromiso(resultado, clave):
    return next(c for c in resultado.compromisos() if c.clave == clave)


def test_media_simple_con_pesos_iguales():
    plan, periodo = construir_plan([(1, [(1, [(1, 60), (1, 0)]), (1, [(1, 100)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert _compromiso(resultado, "1.1").avance == Decimal(30)
    assert _compromiso(resultado, "1.2").avance == Decimal(100)
    assert resultado.ejes[0].avance == Decimal(65)
    assert resultado.avance == Decimal(65)
    assert resultado.cobertura == Cobertura(3, 3)


def test_pesos_en_cada_nivel():
    # Acciones 2:1 → (2×90 + 1×30)/3 = 70; compromisos 3:1 → (3×70 + 1×10)/4 = 55;
    # ejes 1:0 → el eje de peso 0 no cuenta.
    plan, periodo = construir_plan(
        [
            (1, [(3, [(2, 90), (1, 30)]), (1, [(1, 10)])]),
            (0, [(1, [(1, 100)])]),
        ]
    )
    resultado = calcular_avance(plan, periodo=periodo)
    assert _compromiso(resultado, "1.1").avance == Decimal(70)
    assert resultado.ejes[0].avance == Decimal(55)
    assert resultado.ejes[1].avance == Decimal(100)
    assert resultado.avance == Decimal(55)


def test_pesos_decimales_no_enteros():
    plan, periodo = construir_plan([(1, [(1, [("0.25", 100), ("0.75", 0)])])])
    assert calcular_avance(plan, periodo=periodo).avance == Decimal(25)


def test_sin_reporte_cuenta_como_cero_y_se_dice():
    plan, periodo = construir_plan([(1, [(1, [(1, 80), (1, None)]), (1, [(1, None)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    c11, c12 = resultado.ejes[0].compromisos
    assert c11.acciones[1].avance is None and c11.acciones[1].sin_reporte
    assert c11.avance == Decimal(40)  # (80 + 0) / 2
    assert str(c11.cobertura) == "1 de 2 acciones con reporte"
    # Un compromiso sin ninguna acción con reporte no tiene cifra…
    assert c12.avance is None and c12.sin_reporte
    # …y en su eje cuenta como 0, por la misma regla.
    assert resultado.ejes[0].avance == Decimal(20)
    assert str(resultado.cobertura) == "1 de 3 acciones con reporte"
    assert not resultado.cobertura.completa


def test_plan_sin_ningun_reporte_no_tiene_cifra():
    plan, periodo = construir_plan([(1, [(1, [(1, None), (1, None)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert resultado.avance is None
    assert resultado.sin_reporte
    assert resultado.errores == []
    assert str(resultado.cobertura) == "0 de 2 acciones con reporte"


def test_pesos_que_suman_cero_son_un_error_que_se_informa():
    plan, periodo = construir_plan(
        [(1, [(1, [(0, 50), (0, 70)]), (1, [(1, 40)])]), (1, [(1, [(1, 10)])])]
    )
    resultado = calcular_avance(plan, periodo=periodo)
    c11 = _compromiso(resultado, "1.1")
    assert c11.avance is None and not c11.calculable
    assert "Los pesos de las acciones del compromiso 1.1 suman 0" in str(c11.error)
    # El error sube a quien depende de él, con un mensaje que dice por qué.
    assert not resultado.ejes[0].calculable
    assert str(resultado.ejes[0].error) == (
        "No se puede calcular el eje 1: depende del compromiso 1.1, que no se puede calcular."
    )
    assert resultado.avance is None
    assert [e.clave for e in resultado.errores] == ["1.1", "1", ""]
    # El otro eje sí se calcula.
    assert resultado.ejes[1].avance == Decimal(10)


def test_un_hijo_con_error_pero_peso_cero_no_contagia_al_padre():
    plan, periodo = construir_plan([(1, [(0, [(0, 50)]), (1, [(1, 40)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert not _compromiso(resultado, "1.1").calculable
    assert resultado.ejes[0].avance == Decimal(40)
    assert resultado.avance == Decimal(40)


def test_compromiso_sin_acciones_es_un_error_y_no_un_fallo():
    plan, periodo = construir_plan([(1, [(1, [])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert str(resultado.ejes[0].compromisos[0].error) == (
        "El compromiso 1.1 no tiene acciones: su avance no se puede calcular."
    )


def test_aritmetica_decimal_sin_redondeos_intermedios():
    # 1.1 = 12.5 y 1.2 = 12.4: el eje vale 12.45 y se muestra 12. Redondear antes
    # (13 y 12) daría 12.5 → 13.
    plan, periodo = construir_plan([(1, [(1, [(1, 12), (1, 13)]), (1, [(1, "12.4")])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert resultado.ejes[0].avance == Decimal("12.45")
    assert redondear(resultado.ejes[0].avance) == Decimal(12)


def test_tercios_exactos_y_redondeo_mitad_hacia_arriba():
    plan, periodo = construir_plan([(1, [(1, [(1, 33), (1, 33), (1, 34)]), (1, [(1, 33), (1, 34)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    c41 = _compromiso(resultado, "1.1")
    assert c41.avance == Decimal(100) / Decimal(3)
    assert redondear(c41.avance) == Decimal(33)
    assert redondear(_compromiso(resultado, "1.2").avance) == Decimal(34)  # 33.5 → 34, no 33 (redondeo bancario)
    assert redondear(Decimal("56.5")) == Decimal(57)
    assert redondear(Decimal("2.25"), 1) == Decimal("2.3")


def test_ultimo_avance_validado_hasta_el_periodo():
    plan, p1 = construir_plan([(1, [(1, [(1, 20), (1, None)])])])
    p2 = crear_periodo(plan, datetime.date(2023, 10, 1), nombre="P2", slug="p2")
    p3 = crear_periodo(plan, datetime.date(2023, 12, 1), nombre="P3", slug="p3")
    a1, a2 = Accion.objects.filter(compromiso__eje__plan=plan).order_by("numero")
    Avance.objects.create(accion=a1, periodo=p2, porcentaje=50, estado=Avance.Estado.VALIDADO)
    Avance.objects.create(accion=a2, periodo=p3, porcentaje=90, estado=Avance.Estado.VALIDADO)
    # En p1 solo cuenta el 20 de a1.
    assert [a.avance for a in calcular_avance(plan, periodo=p1).acciones()] == [Decimal(20), None]
    # En p2, a1 vale 50 (el más reciente) y a2 sigue sin reporte.
    assert [a.avance for a in calcular_avance(plan, periodo=p2).acciones()] == [Decimal(50), None]
    # En p3, a1 conserva su 50 acumulado aunque no reportó ese bimestre.
    en_p3 = calcular_avance(plan, periodo=p3)
    assert [a.avance for a in en_p3.acciones()] == [Decimal(50), Decimal(90)]
    assert [a.periodo_id for a in en_p3.acciones()] == [p2.pk, p3.pk]
    # Sin periodo: el último de cada acción.
    assert calcular_avance(plan).avance == Decimal(70)


@pytest.mark.parametrize(
    "estado", [Avance.Estado.BORRADOR, Avance.Estado.ENVIADO, Avance.Estado.DEVUELTO]
)
def test_solo_cuentan_los_avances_validados(estado):
    plan, p1 = construir_plan([(1, [(1, [(1, 20)])])])
    p2 = crear_periodo(plan, datetime.date(2023, 10, 1), nombre="P2", slug="p2")
    accion = Accion.objects.get(compromiso__eje__plan=plan)
    observaciones = "Corregir la cifra" if estado == Avance.Estado.DEVUELTO else ""
    Avance.objects.create(accion=accion, periodo=p2, porcentaje=80, estado=estado, observaciones=observaciones)
    assert calcular_avance(plan, periodo=p2).avance == Decimal(20)
    assert calcular_avance(plan, periodo=p2, alcance=Alcance.INTERNO).avance == Decimal(20)


def test_periodo_sin_publicar_solo_cuenta_en_la_vista_interna():
    plan, p1 = construir_plan([(1, [(1, [(1, 20)])])])
    p2 = crear_periodo(plan, datetime.date(2023, 10, 1), nombre="P2", slug="p2", estado=Periodo.Estado.CERRADO)
    accion = Accion.objects.get(compromiso__eje__plan=plan)
    Avance.objects.create(accion=accion, periodo=p2, porcentaje=80, estado=Avance.Estado.VALIDADO)
    assert calcular_avance(plan).avance == Decimal(20)
    assert calcular_avance(plan, alcance=Alcance.INTERNO).avance == Decimal(80)


def test_avances_de_otro_plan_no_cuentan():
    plan, periodo = construir_plan([(1, [(1, [(1, 40)])])])
    otro, _ = construir_plan([(1, [(1, [(1, 90)])])])
    assert calcular_avance(plan, periodo=periodo).avance == Decimal(40)
    with pytest.raises(ValueError):
        calcular_avance(otro, periodo=periodo)


def test_meta_por_alcanzar():
    plan, periodo = construir_plan([(1, [(1, [(1, 42)])])])
    assert calcular_avance(plan, periodo=periodo).meta_por_alcanzar == Decimal(58)


def test_los_pesos_se_leen_de_la_base_de_datos():
    plan, periodo = construir_plan([(1, [(1, [(1, 100), (1, 0)])])])
    assert calcular_avance(plan, periodo=periodo).avance == Decimal(50)
    Accion.objects.filter(numero=1, compromiso__eje__plan=plan).update(peso=3)
    assert calcular_avance(plan, periodo=periodo).avance == Decimal(75)
    Compromiso.objects.filter(eje__plan=plan).update(peso=Decimal("0.5"))
    assert calcular_avance(plan, periodo=periodo).avance == Decimal(75)


@pytest.mark.parametrize("tamano", [(2, 2, 2), (12, 10, 8)], ids=["pequeno", "960-acciones"])
def test_consultas_constantes_sea_cual_sea_el_tamano(tamano, django_assert_num_queries):
    plan, periodos = plan_generado(*tamano, periodos=4)
    with django_assert_num_queries(3):
        # 1. ejes del plan
        # 2. compromisos del plan
        # 3. acciones del plan con su último avance (subconsultas correlacionadas)
        resultado = calcular_avance(plan, periodo=periodos[-1])
    ejes, compromisos, acciones = tamano
    assert resultado.cobertura.total == ejes * compromisos * acciones
    assert resultado.cobertura.con_reporte == resultado.cobertura.total - (resultado.cobertura.total + 4) // 5  # índices 0, 5, 10…
    assert resultado.avance is not None


def test_consultas_del_plan_real(pal, django_assert_num_queries):
    periodo = Periodo.objects.get(plan=pal)
    with django_assert_num_queries(3):
        # 1. ejes  2. compromisos  3. acciones con su último avance
        calcular_avance(pal, periodo=periodo)


def test_mensajes_de_error_de_los_niveles_superiores():
    plan, periodo = construir_plan([(0, [(1, [(1, 10)])]), (0, [(1, [(1, 20)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert [str(e) for e in resultado.errores] == [
        "Los pesos de los ejes del plan suman 0: su avance global no se puede calcular. "
        "Asigne un peso mayor que 0 a al menos un eje."
    ]
    plan, periodo = construir_plan([(1, [(0, [(1, 10)]), (0, [(1, 20)])]), (1, [(0, [(1, 5)])])])
    resultado = calcular_avance(plan, periodo=periodo)
    assert [str(e) for e in resultado.errores] == [
        "Los pesos de los compromisos del eje 1 suman 0: su avance no se puede calcular. "
        "Asigne un peso mayor que 0 a al menos un compromiso.",
        "Los pesos de los compromisos del eje 2 suman 0: su avance no se puede calcular. "
        "Asigne un peso mayor que 0 a al menos un compromiso.",
        "No se puede calcular el plan: depende de los ejes 1 y 2, que no se pueden calcular.",
    ]


def test_varios_planes_en_las_mismas_tres_consultas(django_assert_num_queries):
    from seguimiento.rollup import calcular_avances

    uno, _ = construir_plan([(1, [(1, [(1, 60), (1, 0)])])])
    dos, _ = construir_plan([(1, [(1, [(1, 80)])]), (1, [(1, [(1, None)])])])
    otros = [plan_generado(3, 3, 3)[0] for _ in range(3)]
    with django_assert_num_queries(3):
        # 1. ejes de todos los planes  2. sus compromisos  3. sus acciones con su último avance
        resultados = calcular_avances([uno, dos, *otros])
    assert resultados[uno.pk].avance == Decimal(30)
    assert resultados[dos.pk].avance == Decimal(40)
    for plan in otros:
        assert resultados[plan.pk].avance == calcular_avance(plan).avance


def test_serie_del_compromiso_aplica_la_misma_regla_en_cada_periodo():
    from seguimiento.rollup import serie_del_compromiso

    plan, p1 = construir_plan([(1, [(1, [(3, 20), (1, None)])])])
    p2 = crear_periodo(plan, datetime.date(2023, 10, 1), nombre="P2", slug="p2")
    p3 = crear_periodo(plan, datetime.date(2023, 12, 1), nombre="P3", slug="p3")
    a1, a2 = Accion.objects.filter(compromiso__eje__plan=plan).order_by("numero")
    Avance.objects.create(accion=a2, periodo=p2, porcentaje=40, estado=Avance.Estado.VALIDADO)
    Avance.objects.create(accion=a1, periodo=p3, porcentaje=60, estado=Avance.Estado.VALIDADO)
    compromiso = _compromiso(calcular_avance(plan), "1.1")
    avances = Avance.objects.publicados().filter(accion__compromiso__eje__plan=plan).values(
        "accion_id", "periodo_id", "porcentaje"
    )
    serie = serie_del_compromiso(compromiso, [p1, p2, p3], avances)
    # P1: (3×20 + 1×0)/4 = 15 (1 de 2 con reporte); P2: (60 + 40)/4 = 25; P3: (180 + 40)/4 = 55.
    assert [punto.avance for punto in serie] == [Decimal(15), Decimal(25), Decimal(55)]
    assert [punto.cobertura for punto in serie] == [Cobertura(1, 2), Cobertura(2, 2), Cobertura(2, 2)]
    assert serie[-1].avance == compromiso.avance
