"""Excel del trabajo bimestral: plantilla de captura, carga con vista previa y exportación."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from openpyxl import load_workbook

from plan.models import Accion, Institucion, Membresia
from seguimiento import excel, flujo
from seguimiento.archivos import XLSX
from seguimiento.models import Avance, Periodo
from seguimiento.permisos import acceso_al_plan
from tareas.models import Tarea
from tests.ayudas import abrir_diciembre_2023, al_confirmarse, texto_de, columnas_de_plantilla, filas_de_plantilla, llenar_plantilla

pytestmark = pytest.mark.django_db

CONTRASENA = "clave-segura-123"


# --- Preparación ----------------------------------------------------------------------------


def _cuenta(django_user_model, nombre, plan=None, rol=None, institucion=None):
    usuario = django_user_model.objects.create_user(nombre, f"{nombre}@example.org", CONTRASENA, first_name=nombre.title())
    if rol:
        Membresia.objects.create(usuario=usuario, plan=plan, rol=rol, institucion=institucion)
    return usuario


@pytest.fixture
def iacip(pal):
    return Institucion.objects.get(siglas="IACIP")


@pytest.fixture
def facilitadora(pal, django_user_model):
    return _cuenta(django_user_model, "facilitadora", pal, Membresia.Rol.FACILITADOR)


@pytest.fixture
def integrante(pal, django_user_model):
    return _cuenta(django_user_model, "integrante", pal, Membresia.Rol.INTEGRANTE)


@pytest.fixture
def responsable(pal, django_user_model, iacip):
    return _cuenta(django_user_model, "enlace", pal, Membresia.Rol.RESPONSABLE, iacip)


@pytest.fixture
def ajena(pal, django_user_model):
    return _cuenta(django_user_model, "ajena")


@pytest.fixture
def abierto(pal, facilitadora):
    return abrir_diciembre_2023(pal, facilitadora, fecha_limite=datetime.date(2024, 2, 15))


def _url(nombre, plan, periodo):
    return reverse(f"trabajo:{nombre}", args=[plan.slug, periodo.slug])


def _descargar(client, usuario, plan, periodo, nombre="plantilla"):
    client.force_login(usuario)
    respuesta = client.get(_url(nombre, plan, periodo))
    assert respuesta.status_code == 200
    return respuesta


def _libro(contenido: bytes):
    return load_workbook(io.BytesIO(contenido))


def _subir(client, plan, periodo, contenido: bytes, nombre="captura.xlsx"):
    return client.post(_url("importar", plan, periodo), {"archivo": SimpleUploadedFile(nombre, contenido)})


def _confirmar(client, plan, periodo, vista_previa, operacion="borrador"):
    """Confirma la vista previa; la escritura la hace la tarea ``excel.confirmar`` (sin broker, al
    confirmarse la petición)."""
    with al_confirmarse():
        return client.post(
            _url("importar_confirmar", plan, periodo),
            {"token": vista_previa.context["token"], "operacion": operacion},
        )


def _tarea(respuesta) -> Tarea:
    """La tarea a cuya página lleva la confirmación."""
    assert respuesta.status_code == 302, respuesta
    return Tarea.objects.get(pk=resolve(respuesta["Location"]).kwargs["pk"])


def _errores(respuesta) -> list[str]:
    return [str(e) for e in respuesta.context["errores"]]


def _claves_de(institucion) -> list[str]:
    return sorted(
        a.clave
        for a in Accion.objects.filter(compromiso__institucion_responsable=institucion).select_related("compromiso__eje")
    )


# --- Plantilla -------------------------------------------------------------------------------


def test_plantilla_del_stl_una_fila_por_accion_protegida_y_con_validaciones(client, pal, abierto, facilitadora):
    respuesta = _descargar(client, facilitadora, pal, abierto)
    assert respuesta["Content-Type"] == XLSX.mime
    assert respuesta["Content-Disposition"] == f'attachment; filename="plantilla-pal-2022-2024-{abierto.slug}.xlsx"'
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    libro = _libro(respuesta.content)
    assert libro.sheetnames == [excel.HOJA_INSTRUCCIONES, excel.HOJA_AVANCES, excel.HOJA_CONTROL]
    ws = libro[excel.HOJA_AVANCES]
    filas = filas_de_plantilla(ws)
    assert len(filas) == 33 and "1.5.3" in filas
    assert list(columnas_de_plantilla(ws)) == [
        "Clave", "Compromiso", "Acción", "Institución", "Último avance validado (%)", "Estado actual",
        "Avance %", "Etapa", "Narrativa", "Nota aclaratoria (*)", "Texto de la nota aclaratoria",
        "Justificación si disminuye",
    ]
    fila = filas["1.5.3"]
    assert ws.cell(row=fila, column=5).value == 100  # validado en agosto–noviembre 2023
    assert ws.cell(row=fila, column=6).value == "Sin enviar"
    assert ws.cell(row=fila, column=7).value is None

    # Protección: hoja protegida, columnas clave bloqueadas, las de captura no.
    assert ws.protection.sheet
    for columna in range(1, 7):
        assert ws.cell(row=fila, column=columna).protection.locked
    for columna in range(7, 13):
        assert not ws.cell(row=fila, column=columna).protection.locked

    # Validación de datos.
    ultima = excel.PRIMERA_FILA + 32
    validaciones = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    porcentaje = validaciones[f"G3:G{ultima}"]
    assert (porcentaje.type, porcentaje.operator, porcentaje.formula1, porcentaje.formula2) == ("decimal", "between", "0", "100")
    etapa = validaciones[f"H3:H{ultima}"]
    assert etapa.type == "list" and etapa.errorStyle == "warning"
    assert "En etapa de diseño" in etapa.formula1 and "Concluida" in etapa.formula1
    nota = validaciones[f"J3:J{ultima}"]
    assert nota.type == "list" and nota.formula1 == '"Sí,No"'
    texto = validaciones[f"I3:I{ultima} K3:K{ultima} L3:L{ultima}"]
    assert texto.type == "textLength" and texto.operator == "lessThanOrEqual"

    # Instrucciones y control.
    instrucciones = "\n".join(c.value or "" for (c,) in libro[excel.HOJA_INSTRUCCIONES].iter_rows(max_col=1))
    assert "Diciembre 2023–enero 2024" in instrucciones and "15/02/2024" in instrucciones
    assert "ACUMULADO" in instrucciones and "Justificación si disminuye" in instrucciones
    assert _url("importar", pal, abierto) in instrucciones
    control = libro[excel.HOJA_CONTROL]
    assert control.sheet_state == "hidden"
    assert (control["B2"].value, control["B3"].value) == ("pal-2022-2024", abierto.slug)


def test_plantilla_del_responsable_solo_trae_sus_acciones(client, pal, abierto, responsable, iacip):
    libro = _libro(_descargar(client, responsable, pal, abierto).content)
    ws = libro[excel.HOJA_AVANCES]
    assert sorted(filas_de_plantilla(ws)) == _claves_de(iacip)
    assert len(filas_de_plantilla(ws)) == 6
    assert {ws.cell(row=r, column=4).value for r in filas_de_plantilla(ws).values()} == {"IACIP"}


def test_plantilla_prellenada_con_lo_capturado_en_el_periodo(client, pal, abierto, facilitadora):
    accion = Accion.objects.del_plan(pal).get(compromiso__eje__numero=1, compromiso__numero=5, numero=1)
    flujo.guardar_avance(
        accion=accion,
        periodo=abierto,
        usuario=facilitadora,
        datos=flujo.DatosAvance(porcentaje=Decimal("40.5"), etapa="En implementación", nota_aclaratoria="Cifra preliminar"),
        version=0,
    )
    ws = _libro(_descargar(client, facilitadora, pal, abierto).content)[excel.HOJA_AVANCES]
    fila = [ws.cell(row=filas_de_plantilla(ws)["1.5.1"], column=c).value for c in range(5, 13)]
    assert fila == [35, "Borrador", 40.5, "En implementación", None, "Sí", "Cifra preliminar", None]


def test_la_plantilla_y_la_exportacion_dan_los_mismos_bytes(client, pal, abierto, facilitadora):
    primera = _descargar(client, facilitadora, pal, abierto, "exportar").content
    assert _descargar(client, facilitadora, pal, abierto, "exportar").content == primera
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    assert _descargar(client, facilitadora, pal, abierto).content == plantilla


# --- Carga correcta -------------------------------------------------------------------------


def test_carga_del_stl_vista_previa_y_borradores_con_historial(client, pal, abierto, facilitadora):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    contenido = llenar_plantilla(
        plantilla,
        {
            "1.5.1": {"Avance %": 50, "Etapa": "En implementación", "Narrativa": "Se instalaron las mesas."},
            "1.5.2": {"Avance %": "12.5", "Nota aclaratoria (*)": "Sí", "Texto de la nota aclaratoria": "Cifra preliminar"},
            "1.1.1": {"Avance %": 55, "Justificación si disminuye": "Se corrigió la línea base."},
        },
    )
    antes = Avance.objects.count()
    vista = _subir(client, pal, abierto, contenido)
    assert vista.status_code == 200, _errores(vista) if vista.context else vista
    assert Avance.objects.count() == antes  # la vista previa no escribe
    cambios = {c["clave"]: c for c in vista.context["cambios"]}
    assert sorted(cambios) == ["1.1.1", "1.5.1", "1.5.2"]
    assert {(d["campo"], d["antes"], d["despues"]) for d in cambios["1.5.1"]["diferencias"]} == {
        ("Avance %", "—", "50 %"),
        ("Etapa", "—", "En implementación"),
        ("Narrativa", "—", "Se instalaron las mesas."),
    }
    html = vista.content.decode()
    assert "Vista previa de la carga" in html and "Guardar como borradores" in html and "Guardar y enviar al STL" in html

    respuesta = _confirmar(client, pal, abierto, vista, "borrador")
    tarea = _tarea(respuesta)
    assert [str(m) for m in get_messages(respuesta.wsgi_request)] == [
        "Se pidió guardar la carga de Excel; esta página muestra cómo va."
    ]
    assert (tarea.tipo, tarea.estado, tarea.pedida_por, tarea.progreso) == ("excel.confirmar", "terminada", facilitadora, 100)
    assert tarea.resultado == {
        "resumen": "Se guardaron 3 avances desde Excel, sin enviarlos al STL.", "guardados": 3,
        "url": _url("tablero", pal, abierto), "enlace": "Ir al tablero",
    }
    pagina = texto_de(client.get(respuesta["Location"]))
    assert "Se guardaron 3 avances desde Excel, sin enviarlos al STL." in pagina and "Terminada" in pagina
    nuevos = {a.accion.clave: a for a in Avance.objects.filter(periodo=abierto).select_related("accion__compromiso__eje")}
    assert sorted(nuevos) == ["1.1.1", "1.5.1", "1.5.2"]
    assert nuevos["1.5.1"].porcentaje == Decimal("50") and nuevos["1.5.1"].etapa == "En implementación"
    assert nuevos["1.5.2"].porcentaje == Decimal("12.5") and nuevos["1.5.2"].nota_aclaratoria_marcada
    assert nuevos["1.1.1"].justificacion == "Se corrigió la línea base."
    for avance in nuevos.values():
        assert avance.estado == Avance.Estado.BORRADOR and avance.capturado_por == facilitadora
        registro = avance.history.latest()
        assert registro.history_user == facilitadora and registro.history_change_reason == "Guardado como borrador."

    # La vista previa ya se usó: confirmarla otra vez no escribe nada.
    otra = _confirmar(client, pal, abierto, vista, "enviar")
    assert otra.status_code == 400 and "ya no está disponible" in _errores(otra)[0]
    assert Avance.objects.filter(periodo=abierto, estado=Avance.Estado.ENVIADO).count() == 0


def test_carga_del_responsable_guardar_y_enviar(client, pal, abierto, responsable, iacip):
    plantilla = _descargar(client, responsable, pal, abierto).content
    claves = _claves_de(iacip)
    contenido = llenar_plantilla(plantilla, {clave: {"Avance %": 90, "Narrativa": f"Avance de {clave}"} for clave in claves})
    vista = _subir(client, pal, abierto, contenido)
    assert vista.status_code == 200
    respuesta = _confirmar(client, pal, abierto, vista, "enviar")
    tarea = _tarea(respuesta)
    assert tarea.resultado["resumen"] == "Se enviaron 6 avances al STL para su revisión."
    assert tarea.resultado["url"] == reverse("trabajo:plan", args=[pal.slug])
    # El responsable ve la página de la tarea que pidió (no la lista de tareas del STL).
    assert "Se enviaron 6 avances al STL para su revisión." in texto_de(client.get(respuesta["Location"]))
    enviados = Avance.objects.filter(periodo=abierto)
    assert enviados.count() == 6
    assert set(enviados.values_list("estado", "enviado_por", "porcentaje")) == {
        (Avance.Estado.ENVIADO, responsable.pk, Decimal("90.00"))
    }


def test_sin_cambios_y_borradores_pendientes_de_enviar(client, pal, abierto, facilitadora):
    accion = Accion.objects.del_plan(pal).get(compromiso__eje__numero=1, compromiso__numero=5, numero=1)
    flujo.guardar_avance(
        accion=accion, periodo=abierto, usuario=facilitadora, datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0
    )
    # La plantilla tal cual: solo trae el borrador de 1.5.1, sin cambios.
    vista = _subir(client, pal, abierto, _descargar(client, facilitadora, pal, abierto).content)
    assert vista.status_code == 200
    assert vista.context["cambios"] == [] and [c["clave"] for c in vista.context["por_enviar"]] == ["1.5.1"]
    html = vista.content.decode()
    assert "Sin cambios:" in html and "Guardar como borradores" not in html
    assert _tarea(_confirmar(client, pal, abierto, vista, "enviar")).estado == "terminada"
    assert Avance.objects.get(periodo=abierto).estado == Avance.Estado.ENVIADO


def test_celda_con_formato_de_porcentaje_y_filas_vacias(client, pal, abierto, facilitadora):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    libro = _libro(llenar_plantilla(plantilla, {"1.5.1": {"Avance %": 0.45}}))
    ws = libro[excel.HOJA_AVANCES]
    ws.cell(row=filas_de_plantilla(ws)["1.5.1"], column=7).number_format = "0%"  # se ve «45%» y guarda 0.45
    salida = io.BytesIO()
    libro.save(salida)
    vista = _subir(client, pal, abierto, salida.getvalue())
    assert vista.status_code == 200
    (cambio,) = vista.context["cambios"]
    assert cambio["datos"]["porcentaje"] == "45.00"


# --- Errores --------------------------------------------------------------------------------


def test_todos_los_errores_juntos_con_hoja_fila_y_columna_y_nada_se_escribe(client, pal, abierto, facilitadora):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    ws = _libro(plantilla)[excel.HOJA_AVANCES]
    f = filas_de_plantilla(ws)
    contenido = llenar_plantilla(
        plantilla,
        {
            "1.1.1": {"Avance %": "abc"},
            "1.1.2": {"Avance %": 150},
            "1.2.1": {"Avance %": "12.345"},
            "1.3.1": {"Avance %": 90},  # validado en 100: disminuye sin justificación
            "1.3.2": {"Avance %": 100, "Nota aclaratoria (*)": "Tal vez"},
            "1.4.1": {"Avance %": 100, "Etapa": "x" * 201},
            "1.5.1": {"Etapa": "Concluida"},  # falta el avance
            "1.5.2": {"Avance %": 20},  # correcta: no basta para guardar
        },
        extra=[
            {"Clave": "1.5.2", "Avance %": 30},
            {"Clave": "9.9.9", "Avance %": 10},
            {"Avance %": 10},
        ],
    )
    antes = Avance.objects.count()
    respuesta = _subir(client, pal, abierto, contenido)
    assert respuesta.status_code == 400
    ultima = ws.max_row
    assert _errores(respuesta) == [
        f"Hoja «Avances», fila {f['1.1.1']}, columna G (Avance %): «abc» no es un número entre 0 y 100.",
        f"Hoja «Avances», fila {f['1.1.2']}, columna G (Avance %): «150» está fuera del rango: el avance va de 0 a 100.",
        f"Hoja «Avances», fila {f['1.2.1']}, columna G (Avance %): «12.345» tiene más de dos decimales; escríbalo con dos como máximo (p. ej. 33.33).",
        f"Hoja «Avances», fila {f['1.3.1']}, columna L (Justificación si disminuye): El avance es acumulado: 90 % es menor que el 100 % validado en Agosto–noviembre 2023. Escriba por qué disminuye.",
        f"Hoja «Avances», fila {f['1.3.2']}, columna J (Nota aclaratoria (*)): «Tal vez» no es «Sí» ni «No».",
        f"Hoja «Avances», fila {f['1.4.1']}, columna H (Etapa): El texto tiene 201 caracteres; el máximo es 200.",
        f"Hoja «Avances», fila {f['1.5.1']}, columna G (Avance %): Falta el avance: escriba un número de 0 a 100.",
        f"Hoja «Avances», fila {ultima + 1}, columna A (Clave): La acción 1.5.2 ya viene en la fila {f['1.5.2']}: deje una sola fila por acción.",
        f"Hoja «Avances», fila {ultima + 2}, columna A (Clave): «9.9.9» no es la clave de una acción del plan PAL 2022-2024.",
        f"Hoja «Avances», fila {ultima + 3}, columna A (Clave): La fila trae datos pero no tiene clave de acción.",
    ]
    html = respuesta.content.decode()
    assert "No se guardó nada: 10 errores" in html and "fila %s, columna G (Avance %%)" % f["1.1.1"] in html
    assert Avance.objects.count() == antes
    assert excel_views_sin_cargas(client)


def excel_views_sin_cargas(client) -> bool:
    """Con errores no queda nada en la sesión para confirmar."""
    return not client.session.get("excel_cargas")


def test_una_formula_sin_resultado_guardado_es_un_error_en_su_celda(client, pal, abierto, facilitadora):
    # Un libro escrito por un programa (no por Excel) lleva la fórmula sin su valor calculado:
    # antes se leía como celda vacía y la acción quedaba «sin cambios» sin avisar.
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    contenido = llenar_plantilla(plantilla, {"1.5.1": {"Avance %": "=40+5"}, "1.5.2": {"Avance %": 20}})
    antes = Avance.objects.count()
    respuesta = _subir(client, pal, abierto, contenido)
    assert respuesta.status_code == 400
    fila = filas_de_plantilla(_libro(plantilla)[excel.HOJA_AVANCES])["1.5.1"]
    (error,) = _errores(respuesta)
    assert error.startswith(f"Hoja «Avances», fila {fila}, columna G (Avance %): ")
    assert "=40+5" in error
    assert Avance.objects.count() == antes


def test_disminucion_con_justificacion_si_se_acepta(client, pal, abierto, facilitadora):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    sin = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.3.1": {"Avance %": 90}}))
    assert sin.status_code == 400 and "Escriba por qué disminuye" in _errores(sin)[0]
    con = _subir(
        client, pal, abierto, llenar_plantilla(plantilla, {"1.3.1": {"Avance %": 90, "Justificación si disminuye": "Se recalculó."}})
    )
    assert con.status_code == 200 and [c["clave"] for c in con.context["cambios"]] == ["1.3.1"]


def test_el_responsable_no_carga_acciones_de_otra_institucion(client, pal, abierto, facilitadora, responsable, iacip):
    # La plantilla del STL trae todas las acciones; el responsable llena una ajena y una suya.
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    suya = _claves_de(iacip)[0]
    contenido = llenar_plantilla(plantilla, {"1.1.1": {"Avance %": 70}, suya: {"Avance %": 50}})
    client.force_login(responsable)
    respuesta = _subir(client, pal, abierto, contenido)
    assert respuesta.status_code == 400
    (error,) = _errores(respuesta)
    assert error.endswith("columna A (Clave): La acción 1.1.1 no es de su institución: no puede cargar su avance.")
    assert not Avance.objects.filter(periodo=abierto).exists()


def test_avance_enviado_no_se_cambia_pero_sin_cambios_no_es_error(client, pal, abierto, facilitadora):
    accion = Accion.objects.del_plan(pal).get(compromiso__eje__numero=1, compromiso__numero=5, numero=1)
    flujo.guardar_avance(
        accion=accion, periodo=abierto, usuario=facilitadora, datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0, enviar=True
    )
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    igual = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.5.2": {"Avance %": 20}}))
    assert igual.status_code == 200 and [c["clave"] for c in igual.context["cambios"]] == ["1.5.2"]
    sin_cambios = _subir(client, pal, abierto, plantilla)
    assert sin_cambios.status_code == 200 and sin_cambios.context["token"] is None
    assert "Sin cambios:" in sin_cambios.content.decode() and "Guardar y enviar" not in sin_cambios.content.decode()
    cambiado = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.5.1": {"Avance %": 45}}))
    assert cambiado.status_code == 400
    assert _errores(cambiado)[0].endswith(
        ": La acción 1.5.1 no se puede cambiar: El avance está enviado y espera la revisión del STL."
    )


def test_periodo_cerrado_para_el_responsable(client, pal, abierto, facilitadora, responsable, iacip):
    plantilla = _descargar(client, responsable, pal, abierto).content
    flujo.cerrar_periodo(periodo=abierto, usuario=facilitadora)
    respuesta = _subir(client, pal, abierto, llenar_plantilla(plantilla, {_claves_de(iacip)[0]: {"Avance %": 10}}))
    assert respuesta.status_code == 400
    assert "ya no recibe avances" in _errores(respuesta)[0]


def test_plantilla_de_otro_periodo_rechazada(client, pal, abierto, facilitadora):
    publicado = pal.periodos.get(estado=Periodo.Estado.PUBLICADO)
    plantilla = _descargar(client, facilitadora, pal, publicado).content
    respuesta = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.5.1": {"Avance %": 50}}))
    assert respuesta.status_code == 400
    assert _errores(respuesta) == [
        "Hoja «Control»: Esta plantilla es de otro periodo («agosto-noviembre-2023»), no de "
        "Diciembre 2023–enero 2024. Cárguela en su periodo o descargue la de este."
    ]
    assert not Avance.objects.filter(periodo=abierto).exists()


def test_plantilla_de_otro_plan_rechazada(client, pal, abierto, facilitadora):
    libro = _libro(llenar_plantilla(_descargar(client, facilitadora, pal, abierto).content, {"1.5.1": {"Avance %": 50}}))
    libro[excel.HOJA_CONTROL]["B2"] = "pal-2019-2021"
    salida = io.BytesIO()
    libro.save(salida)
    respuesta = _subir(client, pal, abierto, salida.getvalue())
    assert respuesta.status_code == 400
    assert _errores(respuesta) == [
        "Hoja «Control»: Esta plantilla es de otro plan («pal-2019-2021»), no del PAL 2022-2024. "
        "Descargue la plantilla del periodo Diciembre 2023–enero 2024 y capture en ella."
    ]


def test_libro_sin_hoja_de_control_o_sin_datos(client, pal, abierto, facilitadora):
    # La exportación es un .xlsx válido, pero no es una plantilla.
    exportacion = _descargar(client, facilitadora, pal, abierto, "exportar").content
    respuesta = _subir(client, pal, abierto, exportacion)
    assert respuesta.status_code == 400 and "no es una plantilla de captura" in _errores(respuesta)[0]
    # La plantilla sin nada capturado.
    vacia = _subir(client, pal, abierto, _descargar(client, facilitadora, pal, abierto).content)
    assert vacia.status_code == 400
    assert _errores(vacia) == [
        "Hoja «Avances»: La hoja no trae ningún avance: todas las filas tienen vacías las columnas para capturar."
    ]


def test_encabezados_cambiados(client, pal, abierto, facilitadora):
    libro = _libro(llenar_plantilla(_descargar(client, facilitadora, pal, abierto).content, {"1.5.1": {"Avance %": 5}}))
    libro[excel.HOJA_AVANCES].cell(row=excel.FILA_ENCABEZADOS, column=7, value="Porcentaje")
    salida = io.BytesIO()
    libro.save(salida)
    respuesta = _subir(client, pal, abierto, salida.getvalue())
    assert respuesta.status_code == 400
    assert _errores(respuesta) == [
        "Hoja «Avances», fila 2: Falta la columna «Avance %». No cambie los encabezados de la plantilla."
    ]


def _zip(miembros: dict[str, bytes]) -> bytes:
    memoria = io.BytesIO()
    with zipfile.ZipFile(memoria, "w", zipfile.ZIP_DEFLATED) as zip_:
        for nombre, datos in miembros.items():
            zip_.writestr(nombre, datos)
    return memoria.getvalue()


@pytest.mark.parametrize(
    "nombre,contenido,mensaje",
    [
        (
            "avances.xlsx",
            b"<html><body><script>alert(1)</script></body></html>",
            "El archivo «avances.xlsx» no es un libro de Excel (.xlsx). Descargue la plantilla del periodo, "
            "capture en ella y guárdela como libro de Excel.",
        ),
        (
            "avances.xlsx",
            b"%PDF-1.7\n1 0 obj<<>>endobj\n",
            "El archivo «avances.xlsx» es un(a) PDF, no un libro de Excel (.xlsx). Descargue la plantilla del "
            "periodo, capture en ella y guárdela como libro de Excel.",
        ),
        (
            "bomba.xlsx",
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\x00" * (30 * 1024 * 1024)}),
            "El archivo «bomba.xlsx» se descomprime a 30 MB: parece una bomba zip y se rechaza.",
        ),
        ("vacio.xlsx", b"", "El archivo «vacio.xlsx» está vacío."),
        (
            "roto.xlsx",
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "El archivo «roto.xlsx» parece un libro de Excel, pero no se pudo abrir: puede estar dañado. "
            "Ábralo en Excel, guárdelo de nuevo como .xlsx y vuelva a cargarlo.",
        ),
    ],
)
def test_archivos_que_no_son_plantillas(client, pal, abierto, facilitadora, nombre, contenido, mensaje):
    client.force_login(facilitadora)
    antes = Avance.objects.count()
    respuesta = _subir(client, pal, abierto, contenido, nombre)
    assert respuesta.status_code == 400
    assert _errores(respuesta) == [mensaje]
    assert Avance.objects.count() == antes


def test_conflicto_al_confirmar_no_escribe_nada(client, pal, abierto, facilitadora, responsable, iacip):
    claves = _claves_de(iacip)
    plantilla = _descargar(client, responsable, pal, abierto).content
    vista = _subir(client, pal, abierto, llenar_plantilla(plantilla, {claves[0]: {"Avance %": 60}, claves[1]: {"Avance %": 61}}))
    assert vista.status_code == 200
    # Después de la vista previa, la facilitadora captura una de esas acciones.
    eje, compromiso, numero = (int(p) for p in claves[1].split("."))
    accion = Accion.objects.del_plan(pal).get(compromiso__eje__numero=eje, compromiso__numero=compromiso, numero=numero)
    flujo.guardar_avance(
        accion=accion, periodo=abierto, usuario=facilitadora, datos=flujo.DatosAvance(porcentaje=Decimal("45")), version=0
    )
    client.force_login(responsable)
    respuesta = _confirmar(client, pal, abierto, vista, "enviar")
    assert respuesta.status_code == 409
    (error,) = _errores(respuesta)
    assert error.startswith(f"El avance de la acción {claves[1]} cambió después de la vista previa (ahora está borrador; lo cambió Facilitadora el ")
    assert "Facilitadora" in error and "No se guardó ningún avance" in error
    assert list(Avance.objects.filter(periodo=abierto).values_list("porcentaje", flat=True)) == [Decimal("45.00")]
    # La vista previa vencida ya no se puede confirmar.
    assert _confirmar(client, pal, abierto, vista, "borrador").status_code == 400


def test_evidencia_exigida_al_enviar_se_avisa_y_no_escribe(client, pal, abierto, facilitadora):
    pal.exige_evidencia = True
    pal.save()
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    vista = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.5.1": {"Avance %": 50}, "1.5.2": {"Avance %": 50}}))
    assert vista.context["sin_evidencia"] == ["1.5.1", "1.5.2"]
    respuesta = _confirmar(client, pal, abierto, vista, "enviar")
    tarea = _tarea(respuesta)
    mensaje = (
        "Acción 1.5.1: Este plan exige al menos una evidencia (enlace o archivo) para enviar un avance. "
        "No se guardó ningún avance."
    )
    assert (tarea.estado, tarea.error) == ("fallida", mensaje)
    assert not Avance.objects.filter(periodo=abierto).exists()
    # La página de la tarea dice por qué y lleva de vuelta a la vista previa, que sigue en la sesión.
    pagina = client.get(respuesta["Location"])
    assert mensaje in texto_de(pagina)
    vuelta = client.get(tarea.origen)
    assert vuelta.status_code == 200 and "Vista previa de la carga" in texto_de(vuelta)
    assert tarea.origen in pagina.content.decode()
    # Se puede guardar como borradores.
    assert _tarea(_confirmar(client, pal, abierto, vista, "borrador")).estado == "terminada"
    assert Avance.objects.filter(periodo=abierto, estado=Avance.Estado.BORRADOR).count() == 2
    # Y ya se usó: la dirección de vuelta muestra el formulario, no la vista previa.
    assert "Vista previa de la carga" not in texto_de(client.get(tarea.origen))


# --- Permisos ------------------------------------------------------------------------------


def test_integrante_descarga_pero_no_carga(client, pal, abierto, facilitadora, integrante):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    client.force_login(integrante)
    assert client.get(_url("plantilla", pal, abierto)).status_code == 200
    assert client.get(_url("exportar", pal, abierto)).status_code == 200
    assert client.get(_url("importar", pal, abierto)).status_code == 403
    respuesta = _subir(client, pal, abierto, llenar_plantilla(plantilla, {"1.5.1": {"Avance %": 50}}))
    assert respuesta.status_code == 403
    assert client.post(_url("importar_confirmar", pal, abierto), {"token": "x", "operacion": "enviar"}).status_code == 403
    assert not Avance.objects.filter(periodo=abierto).exists()


def test_cuenta_sin_papel_recibe_404_y_sin_sesion_va_a_la_entrada(client, pal, abierto, ajena):
    for nombre in ("plantilla", "importar", "exportar"):
        url = _url(nombre, pal, abierto)
        respuesta = client.get(url)
        assert respuesta.status_code == 302 and respuesta["Location"].startswith(reverse("cuentas:entrar"))
    client.force_login(ajena)
    for nombre in ("plantilla", "importar", "exportar"):
        assert client.get(_url(nombre, pal, abierto)).status_code == 404
    assert _subir(client, pal, abierto, b"PK").status_code == 404
    assert client.post(_url("importar_confirmar", pal, abierto), {"token": "x"}).status_code == 404


def test_formulario_de_carga(client, pal, abierto, responsable):
    client.force_login(responsable)
    respuesta = client.get(_url("importar", pal, abierto))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "Cargar avances desde Excel" in html and "Cómo funciona" in html
    assert _url("plantilla", pal, abierto) in html and 'enctype="multipart/form-data"' in html
    sin_archivo = client.post(_url("importar", pal, abierto))
    assert sin_archivo.status_code == 400


# --- Exportación ---------------------------------------------------------------------------


def test_exportacion_del_periodo(client, pal, abierto, facilitadora, responsable, iacip):
    claves = _claves_de(iacip)
    eje, compromiso, numero = (int(p) for p in claves[0].split("."))
    accion = Accion.objects.del_plan(pal).get(compromiso__eje__numero=eje, compromiso__numero=compromiso, numero=numero)
    avance = flujo.guardar_avance(
        accion=accion,
        periodo=abierto,
        usuario=responsable,
        datos=flujo.DatosAvance(porcentaje=Decimal("77.25"), narrativa="Se publicó el micrositio."),
        version=0,
        enviar=True,
    )
    avance.evidencias.create(url="https://ejemplo.gob.mx/acta", descripcion="Acta")

    respuesta = _descargar(client, facilitadora, pal, abierto, "exportar")
    assert respuesta["Content-Disposition"] == f'attachment; filename="avances-pal-2022-2024-{abierto.slug}.xlsx"'
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    ws = _libro(respuesta.content)[excel.HOJA_EXPORTACION]
    assert "Diciembre 2023–enero 2024" in ws["A1"].value and "pal-2022-2024" in ws["A2"].value
    encabezados = [c.value for c in ws[excel.FILA_TABLA_EXPORTACION]]
    filas = {
        r[0]: dict(zip(encabezados, r))
        for r in ws.iter_rows(min_row=excel.FILA_TABLA_EXPORTACION + 1, values_only=True)
    }
    assert len(filas) == 33
    fila = filas[claves[0]]
    assert (fila["Estado"], fila["Avance %"], fila["Narrativa"]) == ("Enviado", 77.25, "Se publicó el micrositio.")
    assert fila["Enviado por"] == "Enlace" and isinstance(fila["Enviado el"], datetime.datetime)
    assert fila["Enlaces de evidencia"] == "Acta: https://ejemplo.gob.mx/acta"
    assert filas["1.1.1"]["Estado"] == "Sin enviar" and filas["1.1.1"]["Último avance validado (%)"] == 60

    # Un texto que empieza con «=» sigue siendo texto, no una fórmula que Excel ejecute.
    flujo.guardar_avance(
        accion=Accion.objects.del_plan(pal).get(compromiso__eje__numero=1, compromiso__numero=1, numero=1),
        periodo=abierto,
        usuario=facilitadora,
        datos=flujo.DatosAvance(porcentaje=Decimal("61"), narrativa='=HYPERLINK("https://ejemplo.com","clic")'),
        version=0,
    )
    for nombre in ("exportar", "plantilla"):
        libro = _libro(_descargar(client, facilitadora, pal, abierto, nombre).content)
        celdas = [c for ws in libro.worksheets for fila in ws.iter_rows() for c in fila if c.value is not None]
        assert not [c for c in celdas if c.data_type == "f"]
        assert '=HYPERLINK("https://ejemplo.com","clic")' in {c.value for c in celdas}

    # El responsable solo exporta lo de su institución.
    ws = _libro(_descargar(client, responsable, pal, abierto, "exportar").content)[excel.HOJA_EXPORTACION]
    propias = [r[0] for r in ws.iter_rows(min_row=excel.FILA_TABLA_EXPORTACION + 1, values_only=True)]
    assert sorted(propias) == claves


# --- Consultas -----------------------------------------------------------------------------


def test_la_lectura_no_consulta_por_fila(client, pal, abierto, facilitadora, django_assert_num_queries):
    plantilla = _descargar(client, facilitadora, pal, abierto).content
    contenido = llenar_plantilla(plantilla, {f"{a.clave}": {"Avance %": 100} for a in Accion.objects.del_plan(pal).select_related("compromiso__eje")})
    acceso = acceso_al_plan(facilitadora, pal)
    archivo = SimpleUploadedFile("captura.xlsx", contenido)
    # 1) acciones del plan por clave, 2) avances del periodo con su número de evidencias,
    # 3) último avance validado anterior de cada acción. Ninguna por fila (33 filas).
    with django_assert_num_queries(3):
        lectura = excel.leer_captura(archivo, plan=pal, periodo=abierto, acceso=acceso)
    assert not lectura.errores and len(lectura.cambios) == 33
