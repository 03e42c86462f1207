"""Lo que la ciudadanía ve de un compromiso o una acción retirada, con el PAL 2022-2024 real:
sale del cálculo (cifras a mano), sigue listada con su porqué y su último avance, su destino
dice lo que absorbe, y el 1er Informe Parcial congelado no cambia."""

import datetime
from decimal import Decimal

import pytest

from plan.models import Retiro
from seguimiento.models import CifraPublicada, Informe, Periodo
from seguimiento.rollup import calcular_avance, redondear
from tests.ayudas import texto_de
from tests.gestion.ayudas_retiro import MOTIVO, retirar_accion, retirar_compromiso

PLAN = "/planes/pal-2022-2024"


@pytest.fixture
def quien(superusuario):
    return superusuario


def _nodo(resultado, clave):
    return next(n for n in (*resultado.ejes, *resultado.compromisos(), *resultado.acciones()) if n.clave == clave)


def test_una_accion_cancelada_sale_del_calculo_desde_su_fecha(pal, quien):
    """1.5 publicó 35, 10, 100 y 0 (en diseño). Sin 1.5.3: (35 + 10 + 0) / 3 = 15. Eje 1:
    (30 + 0 + 100 + 100 + 15) / 5 = 49. Global: (49 + 33.5 + 65 + 33.33… + 46.25 + 30 + 56) / 7
    = 313.0833… / 7 = 44.73 (antes 45.33)."""
    retirar_accion(pal, "1.5.3", quien)
    resultado = calcular_avance(pal)
    assert _nodo(resultado, "1.5").avance == Decimal("15")
    assert _nodo(resultado, "1").avance == Decimal("49")
    assert redondear(resultado.avance, 2) == Decimal("44.73")
    assert (resultado.cobertura.con_reporte, resultado.cobertura.total) == (32, 32)
    retirada = _nodo(resultado, "1.5.3")
    assert retirada.avance == Decimal("100")  # sigue listada con su último avance publicado
    assert retirada.peso == Decimal("1") and retirada.peso_en_calculo == 0
    assert retirada.retiro.explicacion == (
        f"Retirada (cancelada) el 3 de marzo de 2024: {MOTIVO}. Desde entonces no entra al cálculo (pesa 0)."
    )
    # El periodo agosto–noviembre 2023 terminó antes del retiro: allí todavía contaba.
    periodo = Periodo.objects.get(plan=pal, slug="agosto-noviembre-2023")
    al_informe = calcular_avance(pal, periodo=periodo)
    assert _nodo(al_informe, "1.5").avance == Decimal("36.25")
    assert _nodo(al_informe, "1.5.3").retiro is None


def test_un_retiro_dentro_del_periodo_cuenta_desde_ese_periodo(pal, quien):
    retirar_accion(pal, "1.5.3", quien, fecha=datetime.date(2023, 11, 15))
    periodo = Periodo.objects.get(plan=pal, slug="agosto-noviembre-2023")
    assert _nodo(calcular_avance(pal, periodo=periodo), "1.5").avance == Decimal("15")


def test_un_compromiso_retirado_sale_con_sus_acciones(pal, quien):
    """Eje 1 sin 1.5: (30 + 0 + 100 + 100) / 4 = 57.5; su cobertura, 33 − 4 = 29 acciones."""
    retirar_compromiso(pal, "1.5", quien, como=Retiro.SUSTITUIDA, destino="1.1")
    resultado = calcular_avance(pal)
    assert _nodo(resultado, "1").avance == Decimal("57.5")
    assert resultado.cobertura.total == 29
    assert _nodo(resultado, "1.5").avance == Decimal("36.25")  # su propio avance se sigue mostrando
    assert _nodo(resultado, "1.5").retiro.estado == "Sustituido por el compromiso 1.1"


def test_todas_las_acciones_retiradas_se_dice_en_el_error(pal, quien):
    retirar_accion(pal, "1.4.1", quien)
    resultado = calcular_avance(pal)
    assert str(_nodo(resultado, "1.4").error) == (
        "Todas las acciones del compromiso 1.4 están retiradas: su avance no se puede calcular."
    )


def test_el_roll_up_sigue_en_tres_consultas(pal, quien, django_assert_num_queries):
    retirar_accion(pal, "1.5.3", quien, como=Retiro.FUSIONADA, destino="1.5.2")
    retirar_compromiso(pal, "6.1", quien)
    # 1: ejes; 2: compromisos (con la clave de su destino); 3: acciones con su último avance y su destino.
    with django_assert_num_queries(3):
        resultado = calcular_avance(pal)
    assert _nodo(resultado, "1.5.3").retiro.destino == "1.5.2"


def test_las_paginas_muestran_lo_retirado_y_lo_que_lo_absorbe(client, pal, quien):
    retirar_accion(pal, "1.5.3", quien, como=Retiro.FUSIONADA, destino="1.5.2", motivo="Los indicadores se elaboran en la 1.5.2")
    retirar_compromiso(pal, "1.2", quien)

    compromiso = client.get(f"{PLAN}/compromisos/1.5/")
    html = compromiso.content.decode()
    texto = texto_de(compromiso)
    assert "Fusionada con la acción 1.5.2 el 3 de marzo de 2024 — Los indicadores se elaboran en la 1.5.2" in texto
    assert f'<a href="{PLAN}/acciones/1.5.2/">la acción 1.5.2</a>' in html
    assert "Absorbe la acción 1.5.3" in texto
    assert 'class="fila-retirada"' in html
    assert "100 % último publicado; no cuenta" in texto
    assert "3 de 3 acciones con reporte" in texto

    accion = texto_de(client.get(f"{PLAN}/acciones/1.5.3/"))
    assert "Último avance publicado 100 %" in accion
    assert "No cuenta en el avance desde esa fecha" in accion
    assert "Absorbe la acción 1.5.3" in texto_de(client.get(f"{PLAN}/acciones/1.5.2/"))

    eje = texto_de(client.get(f"{PLAN}/ejes/1/"))
    assert f"Cancelado el 3 de marzo de 2024 — {MOTIVO}" in eje
    assert "No cuenta en el avance desde esa fecha, ni sus acciones" in eje

    plan = texto_de(client.get(f"{PLAN}/"))
    assert "Retirados del plan" in plan
    assert f"Compromiso 1.2 Cancelado el 3 de marzo de 2024 — {MOTIVO}" in plan
    assert "Acción 1.5.3 Fusionada con la acción 1.5.2 el 3 de marzo de 2024" in plan
    assert "31 de 31 acciones con reporte" in plan  # ni la 1.5.3 ni la 1.2.1 son pendientes

    calculo = texto_de(client.get(f"{PLAN}/como-se-calcula/"))
    assert "no entra (fusionada con la acción 1.5.2 el 3 de marzo de 2024)" in calculo
    assert "no entra (cancelado el 3 de marzo de 2024)" in calculo


def test_el_informe_congelado_no_cambia_y_la_pagina_del_plan_si(client, pal, quien):
    informe = Informe.objects.get(plan=pal, numero=1)
    ruta = f"/informes/pal-2022-2024/1/v{informe.version}/"
    antes_informe = texto_de(client.get(ruta))
    antes_cifras = sorted(CifraPublicada.objects.filter(informe=informe).values_list("nivel", "eje_id", "compromiso_id", "porcentaje"))
    antes_plan = texto_de(client.get(f"{PLAN}/ejes/1/"))
    assert "53 %" in antes_plan

    retirar_accion(pal, "1.5.3", quien, fecha=datetime.date(2023, 11, 15))

    assert texto_de(client.get(ruta)) == antes_informe
    assert sorted(CifraPublicada.objects.filter(informe=informe).values_list("nivel", "eje_id", "compromiso_id", "porcentaje")) == antes_cifras
    despues_plan = texto_de(client.get(f"{PLAN}/ejes/1/"))
    assert despues_plan != antes_plan
    assert "Cifra recalculada por el portal: 49 %" in despues_plan


def test_los_datos_abiertos_dicen_que_se_retiro_y_no_vuelven_formula_el_motivo(client, pal, quien):
    import csv
    import io

    from openpyxl import load_workbook

    from tests.ayudas import formulas_en_csv, formulas_en_xlsx

    motivo = '=HYPERLINK("http://x","clic")'
    retirar_accion(pal, "1.5.3", quien, como=Retiro.FUSIONADA, destino="1.5.2", motivo=motivo)
    retirar_compromiso(pal, "1.2", quien)

    arbol = client.get("/datos/pal-2022-2024.json").json()
    compromisos = {c["numero"]: c for e in arbol["ejes"] for c in e["compromisos"]}
    acciones = {a["numero"]: a for c in compromisos.values() for a in c["acciones"]}
    assert {k: acciones["1.5.3"][k] for k in ("retiro", "retiro_motivo", "retiro_fecha", "retiro_destino")} == {
        "retiro": "fusionada", "retiro_motivo": motivo, "retiro_fecha": "2024-03-03", "retiro_destino": "1.5.2",
    }
    assert acciones["1.5.3"]["avance"] == 100.0  # sigue con su último avance publicado
    assert (acciones["1.5.2"]["retiro"], acciones["1.5.2"]["retiro_fecha"]) == ("", None)
    assert compromisos["1.2"]["retiro"] == "cancelada" and compromisos["1.5"]["avance"] == 15.0

    respuesta = client.get("/datos/pal-2022-2024/arbol.csv")
    assert formulas_en_csv(respuesta.content) == []
    filas = {f["numero"]: f for f in csv.DictReader(io.StringIO(respuesta.content.decode("utf-8-sig"), newline=""))}
    assert (filas["1.5.3"]["retiro"], filas["1.5.3"]["retiro_motivo"], filas["1.5.3"]["retiro_fecha"], filas["1.5.3"]["retiro_destino"]) == (
        "fusionada", "'" + motivo, "2024-03-03", "1.5.2",
    )
    assert (filas["1.2"]["retiro"], filas["1"]["retiro"], filas["1.5.2"]["retiro_fecha"]) == ("cancelada", "", "")

    libro_bytes = client.get("/datos/pal-2022-2024.xlsx").content
    assert formulas_en_xlsx(libro_bytes) == []
    libro = load_workbook(io.BytesIO(libro_bytes))
    for hoja, clave, columna_clave, esperado in (("Acciones", "1.5.3", "accion", "fusionada"), ("Compromisos", "1.2", "compromiso", "cancelada")):
        encabezados = [c.value for c in libro[hoja][1]]
        assert encabezados[-4:] == ["retiro", "retiro_motivo", "retiro_fecha", "retiro_destino"]
        fila = next(dict(zip(encabezados, f)) for f in libro[hoja].iter_rows(min_row=2, values_only=True) if f[encabezados.index(columna_clave)] == clave)
        assert fila["retiro"] == esperado
    assert fila["retiro_motivo"] == "Acuerdo de la Primera Sesión Ordinaria 2024"

    pagina = client.get("/datos/").content.decode()
    for columna in ("retiro", "retiro_motivo", "retiro_fecha", "retiro_destino", "ejes[].compromisos[].acciones[].retiro_destino"):
        assert f"<code>{columna}</code>" in pagina


def test_como_se_calcula_dice_que_cambio_y_cada_informe_guarda_sus_pesos(client, pal, quien, django_assert_num_queries):
    from django.utils import timezone
    from django.utils.formats import date_format

    from plan.models import Eje
    from tests.ayudas import accion

    ruta = f"{PLAN}/como-se-calcula/"
    assert "Ningún peso ha cambiado desde que se cargó el plan." in texto_de(client.get(ruta))
    cambiada = accion(pal, "1.5.3")
    cambiada.peso = Decimal("2")
    cambiada.save()
    eje = Eje.objects.get(plan=pal, numero=2)
    eje.peso = Decimal("0.5")
    eje.save()
    retirar_accion(pal, "1.1.2", quien)
    # 1. versión  2. plan  3. último periodo publicado  4-6. roll-up  7. informe  8. sus cifras
    # 9. claves anteriores (anclas)  10. historial de pesos de ejes, compromisos y acciones (unido)
    with django_assert_num_queries(10):
        respuesta = client.get(ruta)
    texto = texto_de(respuesta)
    hoy = date_format(timezone.localdate(), "j \\d\\e F \\d\\e Y").lower()
    assert f"El {hoy} el peso de la acción 1.5.3 pasó de 1 a 2." in texto
    assert f"El {hoy} el peso del eje 2 pasó de 1 a 0.5." in texto
    assert f"Acción 1.1.2: Retirada (cancelada) el 3 de marzo de 2024: {MOTIVO}. Desde entonces no entra al cálculo (pesa 0)." in texto
    assert "Cada informe publicado conserva las cifras y los pesos con que se calculó" in texto
    informe = Informe.objects.get(plan=pal, numero=1)
    assert f'href="/informes/pal-2022-2024/1/v{informe.version}/"' in respuesta.content.decode()
