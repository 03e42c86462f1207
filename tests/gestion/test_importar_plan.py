"""Importar un plan: todos los errores de una vez (hoja, fila, columna), archivos hostiles, la
confirmación que no confía en el navegador, el comando ``importar_plan`` y los libros mismos."""

import datetime
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gestion import importacion_plan, plantilla_plan
from gestion.exportacion_plan import exportar
from plan.models import Accion, Institucion, Plan
from tests.ayudas import PDF, texto_de
from tests.gestion.ayudas_planes import (
    COLUMNAS_DEL_RETIRO, como_archivo, fila_de, libro_exportado, poner, poner_retiro, retirar_en_el_pal,
)
from tests.gestion.ayudas_retiro import retirar_accion

PLANES = 3  # los dos reales y el de la facilitadora extraña


def _bytes(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _errores(contenido: bytes, slug="nuevo-plan") -> list[str]:
    return [str(e) for e in importacion_plan.leer(io.BytesIO(contenido), slug=slug, nombre="plan.xlsx").errores]


def test_todos_los_errores_de_una_vez_con_hoja_fila_y_columna(ciclo):
    libro = libro_exportado(ciclo.plan)
    acciones, compromisos, instituciones = libro["Acciones"], libro["Compromisos"], libro["Instituciones"]
    poner(acciones, fila_de(acciones, "Clave", "1.5.3"), "Peso", "dos")
    poner(acciones, fila_de(acciones, "Clave", "1.1.1"), "Texto destacado", "no aparece")
    poner(acciones, fila_de(acciones, "Clave", "1.1.2"), "Clave", "1.1.1")
    poner(acciones, fila_de(acciones, "Clave", "2.1.1"), "Clave", "9.9.1")
    fila = fila_de(acciones, "Clave", "3.1.1")
    poner(acciones, fila, "Fecha de inicio", "31/12/2024")
    poner(acciones, fila, "Fecha de fin", "01/01/2024")
    poner(compromisos, fila_de(compromisos, "Clave", "4.1"), "Institución responsable", "INEXISTENTE")
    fila = fila_de(compromisos, "Clave", "1.2")
    poner(compromisos, fila, "ODS", "16; 18")
    poner(compromisos, fila, "Metas ODS", "16.99")
    poner(instituciones, 2, "Tipo", "Iglesia")
    errores = _errores(_bytes(libro), slug="pal-2022-2024")

    fila_153 = fila_de(acciones, "Clave", "1.5.3")
    assert f'Hoja «Acciones», fila {fila_153}, columna G (Peso): «dos» no es un número.' in errores
    assert any("Texto destacado" in e and "«no aparece» no aparece tal cual en la descripción" in e for e in errores)
    assert any("la clave 1.1.1 ya viene en la fila" in e for e in errores)
    assert any("el compromiso 9.9 de la clave 9.9.1 no está en la hoja «Compromisos»" in e for e in errores)
    assert any("(Fecha de fin): la fecha de fin (01/01/2024) es anterior a la de inicio (31/12/2024)" in e for e in errores)
    assert any("(Institución responsable): «INEXISTENTE» no es una institución" in e for e in errores)
    assert any("(ODS): «18» no es un ODS" in e for e in errores)
    assert any("(Metas ODS): «16.99» no es una meta ODS" in e for e in errores)
    assert any("Hoja «Instituciones», fila 2, columna C (Tipo): «Iglesia» no es un tipo de la lista" in e for e in errores)
    assert len(errores) == 9
    lectura = importacion_plan.leer(io.BytesIO(_bytes(libro)), slug="pal-2022-2024")
    assert lectura.errores_slug == ["ya lo usa otro plan; elija otro."]
    with pytest.raises(importacion_plan.ImportacionRechazada):
        importacion_plan.importar(io.BytesIO(_bytes(libro)), slug="otro-nuevo", usuario=ciclo.facilitadora)
    assert Plan.objects.count() == PLANES


def test_todos_los_errores_del_retiro_de_una_vez(ciclo):
    libro = libro_exportado(ciclo.plan)
    acciones, compromisos = libro["Acciones"], libro["Compromisos"]
    manana = datetime.date.today() + datetime.timedelta(days=2)
    retiros = {
        # clave: (Retiro, Motivo del retiro, Fecha del retiro, Retirada en favor de)
        "1.1.1": ("Extraviada", "Acuerdo", "01/03/2024", "1.1.9"),  # retiro que no es de la lista (y su destino)
        "1.1.2": ("Cancelada", None, None, None),  # sin motivo ni fecha
        "1.2.1": (None, "Acuerdo", "01/03/2024", "1.1.1"),  # vigente con motivo, fecha y destino
        "1.3.1": ("Fusionada con otra", "Acuerdo", "01/03/2024", None),  # fusión sin destino
        "1.3.2": ("Sustituida por otra", "Acuerdo", "01/03/2024", "9.9.9"),  # destino que no está
        "1.4.1": ("fusionada", "Acuerdo", "01/03/2024", "1.4.1"),  # consigo misma
        "1.5.1": ("Fusionada con otra", "Acuerdo", "01/03/2024", "1.5"),  # destino de otro nivel
        "1.5.2": ("Cancelada", "Acuerdo", "32/13/2023", None),  # fecha que no es fecha
        "1.5.3": ("Cancelada", "Acuerdo", datetime.date(2021, 12, 31), None),  # antes del plan (2022)
        "1.5.4": ("Cancelada", "Acuerdo", "01/03/2024", "1.5.1"),  # cancelación con destino
        "2.1.1": ("Cancelada", "Acuerdo", manana, None),  # futura
    }
    for clave, valores in retiros.items():
        poner_retiro(acciones, clave, *valores)
    poner_retiro(compromisos, "2.1", "Sustituida por otra", "Acuerdo", "01/03/2024", "2.1.1")  # destino de otro nivel
    poner_retiro(compromisos, "3.1", "Sustituida por otra", "Acuerdo", "01/03/2024", "3.1")  # consigo mismo
    errores = _errores(_bytes(libro))

    def en(clave, columna, hoja=acciones):
        # Las cuatro columnas van al final: H a K en «Acciones», W a Z en «Compromisos».
        letra = ("HIJK" if hoja is acciones else "WXYZ")[COLUMNAS_DEL_RETIRO.index(columna)]
        return f"Hoja «{hoja.title}», fila {fila_de(hoja, 'Clave', clave)}, columna {letra} ({columna}): "

    vigente = "está vigente (la columna «Retiro» está vacía): deje vacía esta celda o elija el retiro."
    esperados = [
        en("1.1.1", "Retiro") + "«Extraviada» no es un retiro de la lista: Cancelada; Fusionada con otra; Sustituida por otra.",
        en("1.1.1", "Retirada en favor de") + "«1.1.9» no es la clave de ninguna fila de la hoja «Acciones».",
        en("1.1.2", "Motivo del retiro") + "falta el motivo del retiro: es obligatorio si se retiró.",
        en("1.1.2", "Fecha del retiro") + "falta la fecha del retiro: es obligatoria si se retiró.",
        en("1.2.1", "Motivo del retiro") + vigente,
        en("1.2.1", "Fecha del retiro") + vigente,
        en("1.2.1", "Retirada en favor de") + vigente,
        en("1.3.1", "Retirada en favor de")
        + "falta la clave de la acción en favor de la cual se retiró: es obligatoria si se fusionó o se sustituyó.",
        en("1.3.2", "Retirada en favor de") + "«9.9.9» no es la clave de ninguna fila de la hoja «Acciones».",
        en("1.4.1", "Retirada en favor de") + "la acción 1.4.1 no puede retirarse en favor de sí misma.",
        en("1.5.1", "Retirada en favor de")
        + "«1.5» es la clave de un compromiso; una acción se retira en favor de otra acción (p. ej. «1.5.2»).",
        en("1.5.2", "Fecha del retiro") + "«32/13/2023» no es una fecha; escríbala dd/mm/aaaa (p. ej. 31/08/2024).",
        en("1.5.3", "Fecha del retiro") + "la fecha del retiro (31/12/2021) es anterior al inicio del plan (2022).",
        en("1.5.4", "Retirada en favor de")
        + "una cancelación no lleva destino: deje vacía esta celda o elija «Fusionada con otra» o «Sustituida por otra».",
        en("2.1.1", "Fecha del retiro") + f"la fecha del retiro ({manana:%d/%m/%Y}) no puede ser futura.",
        en("2.1", "Retirada en favor de", compromisos)
        + "«2.1.1» es la clave de una acción; un compromiso se retira en favor de otro compromiso (p. ej. «2.1»).",
        en("3.1", "Retirada en favor de", compromisos) + "el compromiso 3.1 no puede retirarse en favor de sí mismo.",
    ]
    assert sorted(errores) == sorted(esperados)
    with pytest.raises(importacion_plan.ImportacionRechazada):
        importacion_plan.importar(io.BytesIO(_bytes(libro)), slug="con-retiros", usuario=ciclo.facilitadora)
    assert Plan.objects.count() == PLANES


def test_formulas_celdas_combinadas_y_hojas_faltantes(ciclo):
    libro = libro_exportado(ciclo.plan)
    libro["Ejes"]["B2"] = '=HYPERLINK("http://x","clic")'
    libro["Acciones"].merge_cells("D2:E3")
    del libro["Instituciones"]
    errores = _errores(_bytes(libro))
    assert "Hoja «Ejes», fila 2, columna B (Nombre): la celda tiene una fórmula; escriba el dato mismo, no una fórmula." in errores
    assert any("las celdas D2:E3 están combinadas" in e for e in errores)
    assert "Al archivo le falta la hoja «Instituciones»." in errores


@pytest.mark.parametrize(
    "contenido, mensaje",
    [
        (PDF, "es un(a) PDF, no un libro de Excel"),
        (b"<html><script>alert(1)</script></html>", "no es un libro de Excel (.xlsx)"),
        (b"", "está vacío"),
    ],
)
def test_lo_que_no_es_un_libro_se_rechaza_por_su_contenido(ciclo, contenido, mensaje):
    (error,) = _errores(contenido)
    assert mensaje in error


def test_una_bomba_zip_y_una_hoja_enorme(ciclo):
    bomba = io.BytesIO()
    with zipfile.ZipFile(bomba, "w", zipfile.ZIP_DEFLATED) as zip_:
        zip_.writestr("[Content_Types].xml", "<Types/>")
        zip_.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    (error,) = _errores(bomba.getvalue())
    assert "bomba zip" in error or "se descomprime a" in error

    libro = Workbook()
    libro.active.title = "Ejes"
    for fila in range(1, importacion_plan.MAXIMO_FILAS + 10):
        libro.active.cell(row=fila, column=1, value=fila)
    errores = _errores(_bytes(libro))
    assert any("Hoja «Ejes»: La hoja tiene 2,009 filas; el máximo es 2,000" in e for e in errores)


def test_un_libro_danado(ciclo):
    danado = io.BytesIO()
    with zipfile.ZipFile(danado, "w") as zip_:
        zip_.writestr("[Content_Types].xml", "<Types/>")
        zip_.writestr("xl/workbook.xml", "no es xml")
    (error,) = _errores(danado.getvalue())
    assert "no se pudo abrir: puede estar dañado" in error


def test_instituciones_nuevas_y_existentes_en_la_vista_previa(ciclo):
    libro = libro_exportado(ciclo.plan)
    instituciones, compromisos = libro["Instituciones"], libro["Compromisos"]
    instituciones.append(["Colectivo Datos Abiertos del Bajío", "CODAB", "Sociedad civil", None, None, None])
    poner(compromisos, fila_de(compromisos, "Clave", "1.1"), "Partes cocreadoras", "CODAB; UG")
    lectura = importacion_plan.leer(io.BytesIO(_bytes(libro)), slug="con-codab")
    assert lectura.valida
    assert [i.nombre for i in lectura.instituciones_nuevas] == ["Colectivo Datos Abiertos del Bajío"]
    assert "Universidad de Guanajuato" in [i.existente.nombre for i in lectura.instituciones_existentes]
    plan = importacion_plan.importar(io.BytesIO(_bytes(libro)), slug="con-codab", usuario=ciclo.facilitadora)
    nueva = Institucion.objects.get(siglas="CODAB")
    assert nueva.tipo == Institucion.Tipo.SOCIEDAD_CIVIL and nueva.history.get().history_change_reason.startswith("Plan importado")
    assert sorted(plan.ejes.get(numero=1).compromisos.get(numero=1).partes_cocreadoras.values_list("siglas", flat=True)) == ["CODAB", "UG"]


def test_por_la_web_errores_luego_vista_previa_y_confirmacion(client, ciclo):
    client.force_login(ciclo.facilitadora)
    libro = libro_exportado(ciclo.plan)
    poner(libro["Acciones"], 2, "Peso", "dos")
    respuesta = client.post(reverse("gestion:plan_importar"), {"archivo": como_archivo(libro), "slug": "planes"})
    texto = texto_de(respuesta)
    assert respuesta.status_code == 400 and "No se guardó nada" in texto
    assert "Hoja «Acciones», fila 2, columna G (Peso): «dos» no es un número." in texto
    assert "«planes» es una palabra reservada del portal" in " ".join(respuesta.context["form"].errors["slug"])

    retirar_en_el_pal(ciclo.plan, ciclo.facilitadora)
    respuesta = client.post(reverse("gestion:plan_importar"), {"archivo": como_archivo(exportar(ciclo.plan)), "slug": "pal-copia"}, follow=True)
    texto = texto_de(respuesta)
    assert "7 ejes, 13 compromisos y 33 acciones" in texto and "Todavía no se ha creado nada" in texto
    # Los retirados, marcados con su retiro.
    assert "peso 1 · «retirada: cancelada»" in texto and "«retirada: fusionada con la acción 1.5.1»" in texto
    assert "«retirado: sustituido por el compromiso 3.2»" in texto and texto.count("«retirad") == 3
    assert "1.5.3" in texto and not Plan.objects.filter(slug="pal-copia").exists()
    confirmar = respuesta.redirect_chain[-1][0] + "confirmar/"

    # Mientras tanto, otra persona toma el identificador: error junto al campo, nada creado.
    Plan.objects.create(nombre="Otro", slug="pal-copia", entidad="Guanajuato", anio_inicio=2025, anio_fin=2027)
    respuesta = client.post(confirmar, {"slug": "pal-copia"})
    assert respuesta.status_code == 409
    assert respuesta.context["form"].errors["slug"] == ["Ya lo usa otro plan; elija otro."]
    respuesta = client.post(confirmar, {"slug": "pal-copia-2"}, follow=True)
    assert respuesta.redirect_chain[-1][0] == "/trabajo/pal-copia-2/"
    assert Plan.objects.get(slug="pal-copia-2").ejes.count() == 7
    assert Accion.objects.del_plan(Plan.objects.get(slug="pal-copia-2")).retiradas().count() == 2
    # La vista previa ya se usó: confirmar otra vez no crea otro plan.
    assert client.post(confirmar, {"slug": "pal-copia-3"}).status_code == 400
    assert not Plan.objects.filter(slug="pal-copia-3").exists()


def test_el_comando_lista_los_errores_y_no_crea_nada(ciclo, tmp_path, capsys):
    libro = libro_exportado(ciclo.plan)
    poner(libro["Acciones"], 2, "Peso", "dos")
    archivo = tmp_path / "plan.xlsx"
    archivo.write_bytes(_bytes(libro))
    with pytest.raises(CommandError, match=r"tiene 2 error\(es\); no se creó nada"):
        call_command("importar_plan", str(archivo), "--slug", "planes")
    salida = capsys.readouterr().err
    assert "Identificador «planes»: «planes» es una palabra reservada" in salida
    assert "Hoja «Acciones», fila 2, columna G (Peso): «dos» no es un número." in salida
    assert Plan.objects.count() == PLANES


def test_el_comando_en_seco_y_de_verdad(ciclo, tmp_path, capsys):
    archivo = tmp_path / "estructura.xlsx"
    retirar_accion(Plan.objects.get(slug="pal-2019-2021"), "1.1.1", ciclo.facilitadora, fecha=datetime.date(2020, 9, 1))
    call_command("exportar_plan", "pal-2019-2021", str(archivo))
    call_command("importar_plan", str(archivo), "--slug", "historico", "--dry-run")
    salida = capsys.readouterr().out
    assert "11 compromisos, 34 acciones" in salida and "no se creó nada (--dry-run)" in salida
    assert "      1.1.1 " in salida and "(peso 1) «retirada: cancelada»" in salida and salida.count("«retirad") == 1
    assert not Plan.objects.filter(slug="historico").exists()
    call_command("importar_plan", str(archivo), "--slug", "historico", "--usuario", "facilitadora")
    assert "Se creó el plan" in capsys.readouterr().out
    assert Plan.objects.get(slug="historico").membresias.get().usuario == ciclo.facilitadora


def test_el_comando_de_exportar_con_un_plan_que_no_existe(ciclo, tmp_path):
    with pytest.raises(CommandError, match="No existe el plan «no-hay»"):
        call_command("exportar_plan", "no-hay", str(tmp_path / "x.xlsx"))


def test_la_plantilla_y_la_exportacion_abiertas_con_openpyxl(ciclo):
    plantilla = load_workbook(io.BytesIO(plantilla_plan.plantilla()))
    assert plantilla.sheetnames == ["Instrucciones", "Plan", "Ejes", "Compromisos", "Acciones", "Instituciones"]
    validaciones = {
        (h.title, v.type, v.formula1) for h in plantilla.worksheets for v in h.data_validations.dataValidation
    }
    assert ("Acciones", "decimal", "0") in validaciones and ("Compromisos", "date", "36526") in validaciones
    assert any(h == "Instituciones" and t == "list" and "Sociedad civil" in f for h, t, f in validaciones)
    # El retiro: una lista con las etiquetas de ``Retiro`` en la columna «Retiro» de compromisos y
    # acciones (vacía = vigente) y la fecha del retiro validada como las demás fechas.
    for hoja, retiro, fecha in (("Compromisos", "W", "Y"), ("Acciones", "H", "J")):
        assert [c.value for c in plantilla[hoja][1]][-4:] == list(COLUMNAS_DEL_RETIRO)
        assert (plantilla[hoja][f"{retiro}1"].value, plantilla[hoja][f"{fecha}1"].value) == ("Retiro", "Fecha del retiro")
        por_rango = {str(v.sqref): v for v in plantilla[hoja].data_validations.dataValidation}
        lista = por_rango[f"{retiro}2:{retiro}501"]
        assert (lista.type, lista.formula1, lista.allow_blank) == ("list", '"Cancelada,Fusionada con otra,Sustituida por otra"', True)
        assert por_rango[f"{fecha}2:{fecha}501"].type == "date"
    instrucciones = "\n".join(str(c.value) for (c,) in plantilla["Instrucciones"].iter_rows(max_col=1) if c.value)
    assert "· Retirada en favor de: Solo si se fusionó o se sustituyó: la clave de la acción" in instrucciones
    assert "Un compromiso o una acción retirados llevan su retiro (Cancelada; Fusionada con otra; Sustituida por otra)" in instrucciones
    assert plantilla["Acciones"].freeze_panes == "B2" and plantilla["Compromisos"].column_dimensions["B"].width == 40
    assert plantilla["Acciones"].max_row == 1  # sin filas de datos: el ejemplo está en «Instrucciones»

    accion = Accion.objects.del_plan(ciclo.plan).get(compromiso__eje__numero=1, compromiso__numero=1, numero=1)
    accion.descripcion, accion.destacado = "=cmd|' /C calc'!A0", ""
    accion.save()
    retirar_accion(ciclo.plan, "1.1.2", ciclo.facilitadora, motivo="=HYPERLINK(\"http://x\",\"clic\")")
    exportada = load_workbook(io.BytesIO(exportar(ciclo.plan)))
    assert exportada["Acciones"].max_row == 34 and exportada["Compromisos"].max_row == 14  # la retirada también
    assert "también los retirados" in exportada["Instrucciones"]["A3"].value
    celdas = [c for h in exportada.worksheets for fila in h.iter_rows() for c in fila if c.value is not None]
    assert celdas and not [c for c in celdas if c.data_type == "f"]
    celda = exportada["Acciones"]["B2"]
    assert (celda.value, celda.data_type, celda.quotePrefix) == ("=cmd|' /C calc'!A0", "s", True)
    fila = [c for c in exportada["Acciones"][3]]
    assert [c.value for c in fila[-4:]] == ["Cancelada", '=HYPERLINK("http://x","clic")', datetime.datetime(2024, 3, 3), None]
    assert (fila[-3].data_type, fila[-3].quotePrefix) == ("s", True)
