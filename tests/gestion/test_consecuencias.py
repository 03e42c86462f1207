"""La consecuencia de un peso antes de guardarlo, con las cifras públicas del PAL 2022-2024 real
(1er Informe Parcial): compromiso 1.5 = (35 + 10 + 100 + 0) / 4 = 36.25 %; eje 1 = media de
1.1 (30), 1.2 (0), 1.3 (100), 1.4 (100) y 1.5 (36.25) = 53.25 %; global 45.33 %."""

import re
from decimal import Decimal

from gestion import consecuencias
from plan.models import Compromiso, Eje
from seguimiento.models import VersionPublica
from seguimiento.rollup import Alcance, ElementoSupuesto, calcular_avance, recalcular_supuesto, redondear
from tests.ayudas import accion


def _compromiso(plan, clave):
    eje, numero = clave.split(".")
    return Compromiso.objects.get(eje__plan=plan, eje__numero=eje, numero=numero)


def test_una_accion_nueva_con_peso_2_en_el_1_5(pal, django_assert_num_queries):
    c15 = _compromiso(pal, "1.5")
    with django_assert_num_queries(3):  # ejes, compromisos, acciones con su último avance (el roll-up)
        efecto = consecuencias.consecuencia_de_nuevo(pal, nivel="accion", padre_id=c15.pk, numero=5, peso=Decimal("2"))
    # 1.5: (35 + 10 + 100 + 0 + 2 × 0) / 6 = 24.17; eje 1: (30 + 0 + 100 + 100 + 24.17) / 5 = 50.83;
    # global: el eje 1 baja 2.42 puntos entre 7 ejes: 45.33 → 44.99.
    assert [(m.clave, m.antes, m.despues) for m in efecto.movimientos] == [
        ("1.5", "36\u00a0%", "24\u00a0%"), ("1", "53\u00a0%", "51\u00a0%"), ("", "45\u00a0%", "45\u00a0%"),
    ]
    assert efecto.frase == (
        "Con esta acción nueva, el compromiso 1.5 pasa de 36\u00a0% a 24\u00a0%; el eje 1 de 53\u00a0% a "
        "51\u00a0%; el global sin cambio (45\u00a0%)."
    )


def test_la_vista_previa_es_el_mismo_roll_up_que_tras_guardar(pal):
    """Se comprueba contra el roll-up: se añade la acción de verdad y se recalcula."""
    c15 = _compromiso(pal, "1.5")
    supuesto = recalcular_supuesto(
        calcular_avance(pal, alcance=Alcance.PUBLICO),
        nuevos=(ElementoSupuesto(padre=("compromiso", c15.pk), numero=5, peso=Decimal("2")),),
    )
    c15.acciones.create(numero=5, descripcion="Nueva", peso=Decimal("2"))
    real = calcular_avance(pal, alcance=Alcance.PUBLICO)
    assert supuesto.avance == real.avance
    assert [e.avance for e in supuesto.ejes] == [e.avance for e in real.ejes]
    assert [c.avance for c in supuesto.compromisos()] == [c.avance for c in real.compromisos()]
    assert redondear(real.avance, 2) == Decimal("44.99")


def test_cambiar_el_peso_de_una_accion(pal):
    a = accion(pal, "1.5.3")  # la que va al 100 %
    efecto = consecuencias.consecuencia_de_peso(pal, nivel="accion", elemento_id=a.pk, peso=Decimal("2"))
    # 1.5: (35 + 10 + 200 + 0) / 5 = 49; eje 1: (30 + 0 + 100 + 100 + 49) / 5 = 55.8.
    assert efecto.frase.startswith("Con este peso, el compromiso 1.5 pasa de 36\u00a0% a 49\u00a0%; el eje 1 de 53\u00a0% a 56\u00a0%")


def test_sin_reporte_nunca_es_cero_y_sin_cambio_se_dice(pal):
    eje8 = Eje.objects.create(plan=pal, numero=8, nombre="Eje sin avances")
    c = eje8.compromisos.create(numero=1, nombre="Nuevo", institucion_responsable=_compromiso(pal, "1.1").institucion_responsable)
    c.acciones.create(numero=1, descripcion="Sin reporte")
    efecto = consecuencias.consecuencia_de_nuevo(pal, nivel="accion", padre_id=c.pk, numero=2, peso=Decimal("3"))
    assert efecto.movimientos[0].antes == efecto.movimientos[0].despues == "sin reporte"
    assert "el compromiso 8.1 sin cambio (sin reporte)" in efecto.frase
    assert "el eje 8 sin cambio (sin reporte)" in efecto.frase
    assert not re.search(r"(?<![0-9])0\u00a0%", efecto.frase)


def test_un_compromiso_nuevo_sin_acciones_deja_al_eje_sin_calculo(pal):
    eje = Eje.objects.get(plan=pal, numero=2)
    efecto = consecuencias.consecuencia_de_nuevo(pal, nivel="compromiso", padre_id=eje.pk, numero=2, peso=Decimal("1"))
    assert efecto.movimientos[0].despues == "no se puede calcular"
    assert any("El compromiso 2.2 no tiene acciones" in error for error in efecto.errores_nuevos)


def test_la_vista_previa_no_escribe(pal):
    antes = VersionPublica.objects.get(pk=1).numero
    consecuencias.consecuencia_de_peso(pal, nivel="eje", elemento_id=Eje.objects.get(plan=pal, numero=1).pk, peso=Decimal("5"))
    assert VersionPublica.objects.get(pk=1).numero == antes
