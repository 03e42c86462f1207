"""El PAL 2019-2021 (semillas 001 y 002) como plan histórico: fichas completas, fechas de sus
actividades, estatus narrativos y ningún porcentaje inventado."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from plan.models import Accion, Compromiso, Eje, Plan
from seguimiento.models import Avance, EstatusCompromiso, Periodo
from seguimiento.rollup import Cobertura, calcular_avance
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db


@pytest.fixture
def pal_2019(pal):
    return Plan.objects.get(slug="pal-2019-2021")




def test_estructura_como_la_imprime_el_plan(pal_2019):
    ejes = list(Eje.objects.filter(plan=pal_2019).values_list("numero", "nombre"))
    assert ejes == [
        (1, "Parlamento Abierto"),
        (2, "Juzgar con Perspectiva de Género"),
        (3, "Mejora de servicios educativos"),
        (4, "Modelo de Datos Abiertos"),
        (5, "Transparencia Presupuestaria"),
        (6, "Salud"),
        (7, "Gobierno Ciudadano"),
    ]
    assert Compromiso.objects.filter(eje__plan=pal_2019).count() == 11
    assert Compromiso.objects.filter(eje__plan=pal_2019, eje__numero=7).count() == 5
    assert Accion.objects.del_plan(pal_2019).count() == 34


def test_ficha_completa_de_un_compromiso(pal_2019):
    c = Compromiso.objects.get(eje__plan=pal_2019, eje__numero=2, numero=1)
    assert c.nombre == "Publicar y difundir las sentencias con perspectiva de género en las redes sociales."
    assert c.problema.startswith("La sociedad desconoce que en el Poder Judicial del Estado de Guanajuato se aplica el método")
    assert c.objetivo_principal == (
        "Dar a conocer a la sociedad las sentencias con perspectiva de género a través de las redes sociales y mediante infografías."
    )
    assert c.metas_verificables.startswith("Publicación y difusión de las sentencias con perspectiva de género")
    assert "https://www.poderjudicial-gto.gob.mx/" in c.medios_verificacion
    assert c.institucion_responsable.nombre == "Poder Judicial del Estado de Guanajuato"
    assert (c.representante.nombre, c.representante.cargo) == (
        "Francisco Javier Zamora Rocha",
        "Secretario General del Supremo Tribunal de Justicia del Estado de Guanajuato",
    )
    assert sorted(c.objetivos_ods.values_list("numero", flat=True)) == [5, 16]
    assert sorted(c.metas_ods.values_list("clave", flat=True)) == ["16.10", "16.7", "16.b", "5.1", "5.2", "5.5", "5.b", "5.c"]
    assert c.alineacion_agenda_2030.startswith("Objetivo: 5,16")
    assert c.descripcion.count("\n\n") == 1  # dos párrafos
    # Partes cocreadoras: el plan no las imprime por compromiso; no se inventan.
    assert not c.partes_cocreadoras.exists()


def test_plazos_del_plan_y_fechas_del_programa_de_trabajo_del_ejecutivo(pal_2019):
    parlamento = Compromiso.objects.get(eje__plan=pal_2019, eje__numero=1, numero=1)
    # «Inicio: julio de 2019 · Conclusión: julio de 2021» → primer y último día del mes.
    assert (parlamento.fecha_inicio, parlamento.fecha_conclusion) == (datetime.date(2019, 7, 1), datetime.date(2021, 7, 31))
    peis = Accion.objects.get(compromiso__eje__plan=pal_2019, compromiso__eje__numero=7, compromiso__numero=3, numero=4)
    assert peis.descripcion.startswith("Diagnósticos sociales hogar por hogar")
    assert (peis.fecha_inicio, peis.fecha_fin) == (datetime.date(2019, 11, 4), datetime.date(2020, 12, 20))
    assert peis.entregable.startswith("Diagnósticos sociales hogar por hogar de las zonas")
    salud = Accion.objects.get(compromiso__eje__plan=pal_2019, compromiso__eje__numero=6, numero=4)
    assert (salud.fecha_inicio, salud.fecha_fin, salud.entregable) == (
        datetime.date(2020, 4, 1), datetime.date(2021, 12, 31), "CAMPAÑA DE DIFUSION"
    )


def test_estatus_narrativos_sin_porcentajes(pal_2019):
    estatus = EstatusCompromiso.objects.filter(compromiso__eje__plan=pal_2019).order_by("pk")
    assert estatus.count() == 4
    presupuestaria = estatus.get(compromiso__eje__numero=5)
    assert presupuestaria.con_desfase
    assert "la elaboración del Portal tiene un desfase en su calendario" in presupuestaria.texto
    assert "https://coronavirus.guanajuato.gob.mx/transparencia.php" in presupuestaria.texto
    assert presupuestaria.fecha == datetime.date(2020, 9, 30)
    assert not estatus.filter(compromiso__eje__numero=7, con_desfase=True).exists()
    assert not Avance.objects.del_plan(pal_2019).exists()
    assert not Periodo.objects.filter(plan=pal_2019).exists()


def test_el_calculo_lo_reporta_sin_reporte_y_sin_errores(pal_2019):
    resultado = calcular_avance(pal_2019)
    assert resultado.avance is None
    assert resultado.cobertura == Cobertura(0, 34)
    assert resultado.errores == []


def test_la_portada_del_plan_historico_dice_sin_reporte(client, pal_2019):
    texto = texto_de(client.get("/planes/pal-2019-2021/"))
    # Concluido, no «todavía»: ver tests/portal/test_procedencia.py.
    assert "Plan concluido" in texto and "No publicó periodos con porcentaje de avance" in texto
    assert "Avance global sin reporte" in texto
    assert "0 de 34 acciones con reporte" in texto
    compromiso = texto_de(client.get("/planes/pal-2019-2021/compromisos/5.1/"))
    assert "Estado: Sin reporte" in compromiso
    assert "Estatus reportado por la institución" in compromiso
    assert "con desfase en su calendario" in compromiso
    assert "Inicio: agosto de 2019 · Conclusión: agosto de 2020" in compromiso


def test_el_plan_historico_en_la_pagina_ods(client, pal_2019):
    texto = texto_de(client.get("/ods/"))
    assert "ODS 4. Educación de calidad 1 compromiso." in texto
    assert "Meta 16.10" in texto and "PAL 2019-2021 2.1" in texto


def test_el_fixture_carga_solo(transactional_db):
    call_command("loaddata", "ods", "pal_2019_2021", verbosity=0, stdout=StringIO())
    assert Plan.objects.get().slug == "pal-2019-2021"
    assert Compromiso.objects.count() == 11
