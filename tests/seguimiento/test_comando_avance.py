import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from plan.models import Accion
from seguimiento.models import Avance, Periodo
from tests.fabricas import construir_plan, crear_periodo

pytestmark = pytest.mark.django_db


def _avance(*args):
    salida = StringIO()
    call_command("avance", *args, stdout=salida)
    return salida.getvalue()


def test_json_del_plan_real(pal):
    datos = json.loads(_avance("pal-2022-2024", "--json"))
    assert datos["plan"] == {
        "slug": "pal-2022-2024",
        "nombre": "Plan de Acción Local de Estado Abierto Guanajuato 2022-2024",
        "avance": 45.3,
        "avance_publicado": 42.0,
        "cifra_oficial": 42.0,
        "informe_de_la_cifra_oficial": "Primer Informe Parcial",
        "cifra_recalculada": 45.3,
        "coinciden": False,
        "por_que_difieren": (
            "La diferencia viene de los compromisos 1.5, 2.1 y 5.1 (ejes 1, 2 y 5): en cada uno, la cifra "
            "oficial no es la media de los avances de sus acciones. Además, el 42\u00a0% del informe tampoco "
            "es la media de las cifras oficiales de sus ejes, que da 44.57\u00a0%."
        ),
        "meta_por_alcanzar": 54.7,
        "cobertura": {"con_reporte": 33, "total": 33},
        "error": None,
    }
    assert datos["periodo"]["slug"] == "agosto-noviembre-2023"
    assert datos["informe"] == {"numero": 1, "titulo": "Primer Informe Parcial"}
    assert [e["numero"] for e in datos["ejes"]] == ["1", "2", "3", "4", "5", "6", "7"]
    compromisos = [c for e in datos["ejes"] for c in e["compromisos"]]
    acciones = [a for c in compromisos for a in c["acciones"]]
    assert len(compromisos) == 13 and len(acciones) == 33
    eje1 = datos["ejes"][0]
    assert (eje1["nombre"], eje1["peso"], eje1["avance"], eje1["avance_publicado"]) == ("Gobierno Abierto", 1, 53.3, 51.0)
    c15 = compromisos[4]
    assert (c15["numero"], c15["avance"], c15["avance_publicado"]) == ("1.5", 36.3, 23.0)
    assert [a["numero"] for a in c15["acciones"]] == ["1.5.1", "1.5.2", "1.5.3", "1.5.4"]
    assert [a["avance"] for a in c15["acciones"]] == [35.0, 10.0, 100.0, 0.0]
    assert c15["acciones"][3]["etapa"] == "En etapa de diseño de las mesas"
    assert compromisos[1]["avance_publicado"] is None  # 1.2: el informe no publicó cifra
    assert (compromisos[1]["cifra_oficial"], compromisos[1]["cifra_recalculada"], compromisos[1]["coinciden"]) == (None, 0.0, None)
    assert (compromisos[0]["cifra_oficial"], compromisos[0]["coinciden"], compromisos[0]["por_que_difieren"]) == (30.0, True, None)
    assert compromisos[6]["acciones"][0]["nota_aclaratoria"] is False
    assert compromisos[7]["acciones"][0]["nota_aclaratoria"] is True  # 3.2.1 «100%*»
    assert set(acciones[0]) >= {"numero", "descripcion", "peso", "avance"}


def test_json_con_un_decimal_y_null_sin_reporte():
    plan, periodo = construir_plan([(1, [(1, [(1, 33), (1, 34), (1, 34), (1, None)])])])
    datos = json.loads(_avance(plan.slug, "--json", "--periodo", periodo.slug))
    compromiso = datos["ejes"][0]["compromisos"][0]
    assert compromiso["avance"] == 25.3  # (33+34+34+0)/4 = 25.25 → 25.3
    assert compromiso["cobertura"] == {"con_reporte": 3, "total": 4}
    assert compromiso["acciones"][3]["avance"] is None
    assert datos["informe"] is None and datos["plan"]["avance_publicado"] is None


def test_texto_muestra_todo_el_arbol_y_las_diferencias(pal):
    salida = _avance("pal-2022-2024")
    assert "Periodo: Agosto–noviembre 2023 (agosto-noviembre-2023)" in salida
    assert "Cifras oficiales: Primer Informe Parcial" in salida
    lineas = salida.splitlines()
    global_ = next(linea for linea in lineas if linea.startswith("Avance global"))
    assert "45.3 %" in global_ and "42 %" in global_ and "≠" in global_
    assert any(linea.startswith("    1.5.4 Realizar mesas de trabajo") and "0.0 %" in linea for linea in lineas)
    assert any(linea.startswith("  3.2 Justicia Abierta Administrativa") and linea.endswith("=") for linea in lineas)
    assert "Cifras oficiales que no coinciden con la recalculada (8):" in salida
    assert "compromiso 1.5: oficial 23 %, recalculada 36.3 %." in salida
    assert "Cobertura: 33 de 33 acciones con reporte" in salida
    assert "Meta por alcanzar oficial: 58 %" in salida


def test_texto_cuenta_sin_reporte_y_errores():
    plan, periodo = construir_plan([(1, [(1, [(1, 50), (1, None)]), (1, [(0, 20)])])])
    salida = _avance(plan.slug)
    assert "(1 de 2 acciones con reporte)" in salida
    assert "Errores de configuración:" in salida
    assert "Los pesos de las acciones del compromiso 1.2 suman 0" in salida


def test_interno_incluye_periodos_sin_publicar():
    plan, p1 = construir_plan([(1, [(1, [(1, 20)])])])
    p2 = crear_periodo(plan, datetime.date(2023, 10, 1), nombre="Oct", slug="oct", estado=Periodo.Estado.CERRADO)
    Avance.objects.create(accion=Accion.objects.get(compromiso__eje__plan=plan), periodo=p2, porcentaje=60, estado="validado")
    assert json.loads(_avance(plan.slug, "--json"))["plan"]["avance"] == 20.0
    interno = json.loads(_avance(plan.slug, "--json", "--interno"))
    assert interno["plan"]["avance"] == 60.0 and interno["alcance"] == "interno"
    assert interno["periodo"]["slug"] == "oct"


def test_errores_claros_en_espanol(pal):
    with pytest.raises(CommandError, match="No existe el plan «pal-2030». Planes disponibles: pal-2022-2024."):
        _avance("pal-2030")
    with pytest.raises(
        CommandError,
        match="El plan «pal-2022-2024» no tiene el periodo «enero-2023». Periodos disponibles: agosto-noviembre-2023.",
    ):
        _avance("pal-2022-2024", "--periodo", "enero-2023")
