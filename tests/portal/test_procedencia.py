"""Lo que la ciudadanía lee de la procedencia de los datos, con los planes reales como los carga
``preparar``: la fecha de cada hecho (no la de la carga), el plan concluido con sus últimos
estatus, la alineación ODS una vez y en orden, y una ficha sin nueve «No registrado»."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from plan.models import Accion, MetaODS, Plan
from seguimiento.models import Avance, Periodo
from tests.ayudas import texto_de
from tests.fabricas import crear_periodo

pytestmark = pytest.mark.django_db


def _hoy() -> str:
    """«3 de diciembre de 2026»: el día en que `preparar` cargó los datos (el de la prueba)."""
    return date_format(timezone.localdate(), "j \\d\\e F \\d\\e Y").lower()


def _texto(client, url) -> str:
    respuesta = client.get(url)
    assert respuesta.status_code == 200
    return texto_de(respuesta)


@pytest.fixture
def historico(pal):
    return Plan.objects.get(slug="pal-2019-2021")


# --- Fechas reales ------------------------------------------------------------------------


def test_el_informe_dice_cuando_se_presento_y_aparte_cuando_llego_al_portal(client, pal):
    texto = _texto(client, "/informes/pal-2022-2024/1/v1/")
    assert "Presentado El 4 de diciembre de 2023, 11:00 horas, en la Cuarta Sesión Ordinaria 2023 del STL" in texto
    assert f"Llegó al portal El {_hoy()}," in texto
    assert "Publicado en el portal" not in texto
    lista = _texto(client, "/informes/")
    assert (
        f"Agosto–noviembre 2023 · presentado el 4 de diciembre de 2023 en la Cuarta Sesión Ordinaria 2023 · "
        f"llegó al portal el {_hoy()}" in lista
    )


def test_la_historia_de_una_accion_da_la_fecha_del_reporte_y_aparte_la_de_la_carga(client, pal):
    texto = _texto(client, "/planes/pal-2022-2024/acciones/1.1.1/")
    assert "Agosto–noviembre 2023: 60 %" in texto and "Presentado el 4 de diciembre de 2023." in texto
    avance = texto.index("4 de diciembre de 2023 · Registro del sistema (carga de datos): Avance del periodo Agosto–noviembre 2023 validado: 60 %.")
    registro = texto.index("Fecha no publicada en la fuente · Registro del sistema (carga de datos): Acción registrada en el plan.")
    # De lo más reciente a lo más antiguo: la acción registrada en el plan es el origen.
    assert avance < registro
    assert texto.count(f"Llegó al portal el {_hoy()}") == 2


def test_lo_que_pasa_en_el_portal_lleva_su_propia_fecha_sin_una_segunda(client, pal, django_user_model):
    accion = Accion.objects.get(compromiso__eje__plan=pal, compromiso__eje__numero=1, compromiso__numero=1, numero=1)
    accion._history_user = django_user_model.objects.create_user("facilitadora", "f@example.org", "x")
    accion.entregable = "Plataforma de vinculación laboral"
    accion.save()
    texto = _texto(client, "/planes/pal-2022-2024/acciones/1.1.1/")
    cambio = texto[texto.index(f"{_hoy()}, ") : texto.index("4 de diciembre de 2023 · Registro del sistema")]
    assert "Secretariado Técnico Local: Cambió la acción." in cambio
    assert "Llegó al portal" not in cambio


# --- Plan concluido -----------------------------------------------------------------------


def test_el_plan_2019_2021_se_lee_concluido_con_sus_ultimos_estatus_primero(client, historico):
    texto = _texto(client, "/planes/pal-2019-2021/")
    assert "Todavía no hay periodos publicados" not in texto
    assert "Plan concluido Su vigencia (2019-2021) terminó en 2021." in texto
    assert "No publicó periodos con porcentaje de avance" in texto
    estatus = texto.index("Últimos estatus publicados")
    assert estatus < texto.index("Avance global") < texto.index("Avance por eje")
    bloque = texto[estatus : texto.index("Avance global")]
    # Los del Ejecutivo de septiembre de 2020, en el orden del plan; el de 5.1 declara el desfase.
    assert bloque.index("Compromiso 5.1.") < bloque.index("Compromiso 7.4.") < bloque.index("Compromiso 7.5.")
    assert "Septiembre de 2020 · Unidad de Transparencia y Archivos del Poder Ejecutivo" in bloque
    assert "Con desfase en su calendario. Derivado de los cambios en el Paquete Fiscal 2020" in bloque
    assert "8 compromisos no tienen estatus publicado en las fuentes." in bloque


def test_el_plan_2022_2024_concluyo_con_su_fecha_meta_y_su_ultimo_periodo(client, pal):
    texto = _texto(client, "/")
    assert "Plan concluido Su vigencia (2022-2024) terminó el 31 de agosto de 2024." in texto
    assert "Sus cifras son las de lo publicado hasta el periodo Agosto–noviembre 2023 , el último que publicó." in texto
    assert "Últimos estatus publicados" not in texto  # sus instituciones no publicaron estatus narrativos
    assert "Plan concluido (2022-2024). Cifras con lo publicado hasta el periodo" in _texto(
        client, "/planes/pal-2022-2024/ejes/1/"
    )


def test_un_plan_vigente_no_se_dice_concluido(pal):
    assert pal.concluido_el(datetime.date(2024, 8, 31)) is False
    assert pal.concluido_el(datetime.date(2024, 9, 1)) is True
    historico = Plan.objects.get(slug="pal-2019-2021")
    assert historico.concluido_el(datetime.date(2021, 12, 31)) is False
    assert historico.concluido_el(datetime.date(2022, 1, 1)) is True


def test_un_compromiso_del_plan_concluido_no_espera_periodos(client, historico):
    texto = _texto(client, "/planes/pal-2019-2021/compromisos/5.1/")
    assert "Plan concluido (2019-2021). No publicó periodos con porcentaje de avance" in texto
    assert "El plan concluyó sin publicar periodos con porcentaje de avance." in texto
    assert "Todavía no hay periodos publicados" not in texto


# --- ODS una vez y en orden ---------------------------------------------------------------


def test_las_metas_ods_van_en_orden_natural(pal):
    # 16.10 después de 16.7 (no antes de 16.5, como en un orden de texto) y las de letra al final.
    assert list(MetaODS.objects.filter(objetivo__numero=16).values_list("clave", flat=True)) == [
        "16.5", "16.6", "16.7", "16.10", "16.b",
    ]


def test_la_alineacion_ods_aparece_una_vez_con_sus_metas_en_orden(client, historico):
    texto = _texto(client, "/planes/pal-2019-2021/compromisos/5.1/")
    ficha = texto[texto.index("Alineación con la Agenda 2030") : texto.index("Representante titular")]
    assert "ODS 16. Paz, justicia e instituciones sólidas: metas 16.5, 16.6, 16.7 y 16.10" in ficha
    assert ficha.count("16.5") == 1 and ficha.count("16.10") == 1
    # El texto de la ficha queda, sin la línea que solo repetía la lista («Metas: 16.5,16.6, …»).
    assert "Reducir considerablemente la corrupción y el soborno en todas sus formas" in ficha
    assert "Metas:" not in ficha and "Objetivos:" not in ficha
    # Varios ODS: cada uno con sus metas, en orden (5 antes que 16; 5.b después de 5.5).
    otro = _texto(client, "/planes/pal-2019-2021/compromisos/2.1/")
    assert "ODS 5. Igualdad de género: metas 5.1, 5.2, 5.5, 5.b y 5.c" in otro
    assert "ODS 16. Paz, justicia e instituciones sólidas: metas 16.7, 16.10 y 16.b" in otro


# --- Ficha vacía y gráfica de un punto ------------------------------------------------------


def test_una_ficha_vacia_dice_en_una_linea_lo_que_el_plan_no_publico(client, pal):
    texto = _texto(client, "/planes/pal-2022-2024/compromisos/1.1/")
    assert "No registrad" not in texto
    assert (
        "El plan no publicó de este compromiso: descripción y relevancia, problema, objetivo principal, "
        "propósito ciudadano (metas verificables), plazos, medios de verificación, alineación con la Agenda "
        "2030, partes cocreadoras y enlaces. Sin plazos publicados, su estado es «Sin calendario publicado»: no se evalúa con fechas supuestas." in texto
    )
    # Lo que sí publicó sigue en la ficha.
    assert "Representante titular Mtro. J. Jesús Soria Narváez" in texto
    # La ficha completa del PAL 2019-2021 solo echa de menos lo que falta.
    completa = _texto(client, "/planes/pal-2019-2021/compromisos/5.1/")
    assert "El plan no publicó de este compromiso: partes cocreadoras." in completa


def test_con_un_solo_periodo_la_grafica_es_la_cifra_y_con_dos_la_grafica(client, pal):
    html = client.get("/planes/pal-2022-2024/compromisos/1.1/").content.decode()
    assert 'role="img"' not in html
    assert "Agosto–noviembre 2023, el único periodo publicado: <strong>30\u00a0%</strong> de cifra recalculada (2 de 2 acciones con reporte)." in html
    siguiente = crear_periodo(pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.PUBLICADO)
    accion = Accion.objects.get(compromiso__eje__plan=pal, compromiso__eje__numero=1, compromiso__numero=1, numero=2)
    Avance.objects.create(accion=accion, periodo=siguiente, porcentaje=Decimal(40), estado=Avance.Estado.VALIDADO)
    html = client.get("/planes/pal-2022-2024/compromisos/1.1/").content.decode().replace("\u00a0", " ")
    assert '<svg viewBox="0 0 640 260" role="img"' in html
    assert f"Agosto–noviembre 2023: 30 %; {siguiente.nombre}: 50 %</desc>" in html
