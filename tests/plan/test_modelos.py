"""Las invariantes viven en la base de datos: se prueban saltándose los formularios."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plan.models import Accion, Compromiso, Eje, Persona
from seguimiento.models import Avance, CifraPublicada, Evidencia, Informe, Periodo
from tests.fabricas import construir_plan, crear_institucion, crear_periodo, crear_plan

pytestmark = pytest.mark.django_db


def _rechaza(crear):
    with pytest.raises(IntegrityError), transaction.atomic():
        crear()


@pytest.fixture
def arbol():
    plan, periodo = construir_plan([(1, [(1, [(1, 50)])])])
    accion = Accion.objects.get(compromiso__eje__plan=plan)
    return plan, periodo, accion


def test_claves_derivadas_de_los_numeros(arbol):
    plan, _, accion = arbol
    assert accion.clave == "1.1.1"
    assert accion.compromiso.clave == "1.1"
    assert str(accion.compromiso.eje) == "Eje 1. Eje 1"


def test_pesos_no_negativos_en_cada_nivel(arbol):
    plan, _, accion = arbol
    _rechaza(lambda: Eje.objects.filter(plan=plan).update(peso=Decimal("-1")))
    _rechaza(lambda: Compromiso.objects.filter(eje__plan=plan).update(peso=Decimal("-0.5")))
    _rechaza(lambda: Accion.objects.filter(pk=accion.pk).update(peso=Decimal("-2")))


def test_numeros_unicos_dentro_del_padre(arbol):
    plan, _, accion = arbol
    eje = accion.compromiso.eje
    _rechaza(lambda: Eje.objects.create(plan=plan, numero=1, nombre="Repetido"))
    _rechaza(
        lambda: Compromiso.objects.create(
            eje=eje, numero=1, nombre="Repetido", institucion_responsable=accion.compromiso.institucion_responsable
        )
    )
    _rechaza(lambda: Accion.objects.create(compromiso=accion.compromiso, numero=1, descripcion="Repetida"))


def test_fechas_en_orden():
    _rechaza(lambda: crear_plan(anio_inicio=2025, anio_fin=2024))
    plan = crear_plan()
    _rechaza(lambda: crear_periodo(plan, datetime.date(2023, 8, 1), fin=datetime.date(2023, 7, 1)))
    _rechaza(lambda: crear_periodo(plan, datetime.date(2023, 8, 1), fecha_limite=datetime.date(2023, 7, 31)))
    eje = Eje.objects.create(plan=plan, numero=1, nombre="E")
    compromiso = Compromiso.objects.create(eje=eje, numero=1, nombre="C", institucion_responsable=crear_institucion())
    _rechaza(
        lambda: Compromiso.objects.filter(pk=compromiso.pk).update(
            fecha_inicio=datetime.date(2024, 1, 1), fecha_conclusion=datetime.date(2023, 1, 1)
        )
    )
    _rechaza(
        lambda: Accion.objects.create(
            compromiso=compromiso,
            numero=1,
            descripcion="A",
            fecha_inicio=datetime.date(2024, 1, 1),
            fecha_fin=datetime.date(2023, 12, 31),
        )
    )


@pytest.mark.parametrize("porcentaje", ["-0.01", "100.01"])
def test_porcentaje_entre_0_y_100(arbol, porcentaje):
    _, periodo, accion = arbol
    _rechaza(lambda: Avance.objects.filter(accion=accion).update(porcentaje=Decimal(porcentaje)))


def test_un_avance_por_accion_y_periodo(arbol):
    _, periodo, accion = arbol
    _rechaza(lambda: Avance.objects.create(accion=accion, periodo=periodo, porcentaje=10))


def test_nota_aclaratoria_con_texto_requiere_la_marca(arbol):
    _, _, accion = arbol
    _rechaza(lambda: Avance.objects.filter(accion=accion).update(nota_aclaratoria="Texto", nota_aclaratoria_marcada=False))
    Avance.objects.filter(accion=accion).update(nota_aclaratoria_marcada=True)  # marca sin texto: válido


def test_evidencia_es_un_enlace_o_un_archivo(arbol):
    _, _, accion = arbol
    avance = Avance.objects.get(accion=accion)
    _rechaza(lambda: Evidencia.objects.create(avance=avance, descripcion="nada"))
    _rechaza(lambda: Evidencia.objects.create(avance=avance, url="https://a.example", archivo="evidencias/x.pdf"))
    Evidencia.objects.create(avance=avance, url="https://datos.example/sentencias")


def test_cifra_publicada_coherente_con_su_nivel(arbol):
    plan, periodo, accion = arbol
    informe = Informe.objects.create(plan=plan, numero=1, titulo="Primer", periodo_inicial=periodo, periodo_final=periodo)
    eje = accion.compromiso.eje
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="eje", porcentaje=10))
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="plan", eje=eje, porcentaje=10))
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="compromiso", eje=eje, porcentaje=10))
    CifraPublicada.objects.create(informe=informe, nivel="plan", porcentaje=42)
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="plan", porcentaje=43))
    CifraPublicada.objects.create(informe=informe, nivel="eje", eje=eje, porcentaje=50)
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="eje", eje=eje, porcentaje=51))
    _rechaza(lambda: CifraPublicada.objects.create(informe=informe, nivel="compromiso", compromiso=accion.compromiso, porcentaje=101))


def test_validacion_de_formulario_en_espanol(arbol):
    _, _, accion = arbol
    accion.peso = Decimal("-1")
    accion.destacado = "no aparece"
    with pytest.raises(ValidationError) as error:
        accion.full_clean()
    assert error.value.message_dict["peso"] == ["Asegúrese de que este valor sea mayor o igual a 0."]
    assert error.value.message_dict["destacado"] == ["El texto destacado debe aparecer tal cual en la descripción."]


def test_persona_unica_por_institucion():
    institucion = crear_institucion()
    Persona.objects.create(nombre="Ana", institucion=institucion)
    _rechaza(lambda: Persona.objects.create(nombre="Ana", institucion=institucion))


def test_queryset_con_nombre(arbol):
    plan, _, accion = arbol
    otro, _ = construir_plan([(1, [(1, [(1, 10)])])])
    assert list(Accion.objects.del_plan(plan)) == [accion]
    assert list(Accion.objects.de_institucion(accion.compromiso.institucion_responsable)) == [accion]
    assert Periodo.objects.publicados().count() == 2
    assert Avance.objects.publicados().del_plan(plan).count() == 1
