"""Ayudas de las pruebas de planes: un plan como datos simples, libros de muestra y el
importador por la web."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gestion import exportacion_plan
from plan.models import Accion, Compromiso, Plan, Retiro
from tests.gestion.ayudas_retiro import retirar_accion, retirar_compromiso

TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Los campos del plan que viajan en el libro.
CAMPOS_PLAN = (
    "nombre", "nombre_corto", "entidad", "anio_inicio", "anio_fin", "fecha_meta", "descripcion", "stl_nombre",
    "stl_facilitacion", "stl_correo", "stl_sitio_web", "stl_domicilio", "licencia", "exige_evidencia",
)


def _persona(persona):
    return None if persona is None else (persona.grado, persona.nombre, persona.cargo, persona.institucion.nombre)


def _retiro(elemento):
    """El retiro como datos simples, con la clave del destino; vacío si está vigente."""
    destino = elemento.retiro_destino.clave if elemento.retiro_destino_id else None
    return (elemento.retiro, elemento.retiro_motivo, elemento.retiro_fecha, destino)


def arbol(plan: Plan) -> dict:
    """El plan como datos simples: sus campos y, por clave, cada eje, compromiso y acción (también
    los retirados) con sus textos, pesos, ODS, instituciones, representantes, enlaces y retiro
    (el último elemento: retiro, motivo, fecha y clave del destino)."""
    compromisos = {}
    for c in Compromiso.objects.del_plan(plan).select_related(
        "eje", "institucion_responsable", "representante__institucion", "representante_suplente__institucion",
        "retiro_destino__eje",
    ):
        compromisos[c.clave] = {
            "nombre": c.nombre,
            "textos": (c.descripcion, c.problema, c.objetivo_principal, c.metas_verificables, c.medios_verificacion,
                       c.alineacion_agenda_2030),
            "fechas": (c.fecha_inicio, c.fecha_conclusion),
            "peso": c.peso,
            "ods": sorted(o.numero for o in c.objetivos_ods.all()),
            "metas": sorted(m.clave for m in c.metas_ods.all()),
            "responsable": c.institucion_responsable.nombre,
            "cocreadoras": sorted(i.nombre for i in c.partes_cocreadoras.all()),
            "titular": _persona(c.representante),
            "suplente": _persona(c.representante_suplente),
            "enlaces": [(e.titulo, e.url) for e in c.enlaces.order_by("orden", "pk")],
            "retiro": _retiro(c),
        }
    return {
        "plan": {campo: getattr(plan, campo) for campo in CAMPOS_PLAN},
        "ejes": {e.clave: (e.nombre, e.descripcion, e.peso) for e in plan.ejes.all()},
        "compromisos": compromisos,
        "acciones": {
            a.clave: (a.descripcion, a.destacado, a.entregable, a.fecha_inicio, a.fecha_fin, a.peso, _retiro(a))
            for a in Accion.objects.del_plan(plan).select_related("compromiso__eje", "retiro_destino__compromiso__eje")
        },
    }


def retirados(arbol_del_plan: dict) -> dict[str, dict[str, tuple]]:
    """Del ``arbol`` de un plan, el retiro de cada compromiso y acción retirados, por clave."""
    return {
        "compromisos": {k: c["retiro"] for k, c in arbol_del_plan["compromisos"].items() if c["retiro"][0]},
        "acciones": {k: a[-1] for k, a in arbol_del_plan["acciones"].items() if a[-1][0]},
    }


#: Lo que ``retirar_en_el_pal`` retira del PAL 2022-2024: clave y cómo (el destino, su hermano).
RETIROS_DEL_PAL = {
    "acciones": {"1.5.3": (Retiro.CANCELADA, None), "1.5.2": (Retiro.FUSIONADA, "1.5.1")},
    "compromisos": {"3.3": (Retiro.SUSTITUIDA, "3.2")},
}


def retirar_en_el_pal(plan: Plan, usuario) -> None:
    """Retira con ``gestion.retiro.retirar`` lo de ``RETIROS_DEL_PAL``: una acción cancelada, otra
    fusionada con una hermana y un compromiso sustituido por otro de su eje."""
    for clave, (como, destino) in RETIROS_DEL_PAL["acciones"].items():
        retirar_accion(plan, clave, usuario, como=como, destino=destino)
    for clave, (como, destino) in RETIROS_DEL_PAL["compromisos"].items():
        retirar_compromiso(plan, clave, usuario, como=como, destino=destino)


def libro_exportado(plan: Plan):
    """El libro de la estructura del plan, abierto con openpyxl para cambiarlo."""
    return load_workbook(io.BytesIO(exportacion_plan.exportar(plan)))


def como_archivo(libro_o_bytes, nombre: str = "plan.xlsx") -> SimpleUploadedFile:
    """Un libro (openpyxl) o sus bytes como archivo subido."""
    if isinstance(libro_o_bytes, bytes):
        datos = libro_o_bytes
    else:
        salida = io.BytesIO()
        libro_o_bytes.save(salida)
        datos = salida.getvalue()
    return SimpleUploadedFile(nombre, datos, content_type=TIPO_XLSX)


def fila_de(hoja, columna: str, valor: str) -> int:
    """El número de la fila de ``hoja`` cuya columna con encabezado ``columna`` vale ``valor``."""
    encabezados = [c.value for c in hoja[1]]
    indice = encabezados.index(columna)
    for numero, fila in enumerate(hoja.iter_rows(min_row=2, values_only=True), start=2):
        if fila[indice] == valor:
            return numero
    raise AssertionError(f"{valor!r} no está en la columna {columna!r}")


def poner(hoja, fila: int, columna: str, valor) -> None:
    """Escribe ``valor`` en la celda de la columna con encabezado ``columna``."""
    encabezados = [c.value for c in hoja[1]]
    hoja.cell(row=fila, column=encabezados.index(columna) + 1, value=valor)


COLUMNAS_DEL_RETIRO = ("Retiro", "Motivo del retiro", "Fecha del retiro", "Retirada en favor de")


def poner_retiro(hoja, clave: str, retiro, motivo, fecha, destino) -> None:
    """Escribe las cuatro columnas del retiro en la fila de ``clave`` (``None``: celda vacía)."""
    fila = fila_de(hoja, "Clave", clave)
    for columna, valor in zip(COLUMNAS_DEL_RETIRO, (retiro, motivo, fecha, destino)):
        poner(hoja, fila, columna, valor)


def filas_de_datos(contenido: bytes) -> dict[str, list[tuple]]:
    """Los valores de cada hoja del libro salvo «Instrucciones» (que lleva el título)."""
    libro = load_workbook(io.BytesIO(contenido))
    return {h.title: list(h.iter_rows(values_only=True)) for h in libro.worksheets if h.title != "Instrucciones"}


def cuenta(ciclo, papel: str, django_user_model):
    """La cuenta de un papel del ciclo (``admin``: un superusuario creado al pedirla)."""
    if papel == "admin":
        return django_user_model.objects.filter(username="admin").first() or django_user_model.objects.create_superuser(
            "admin", "admin@example.org", "clave-de-prueba-123"
        )
    return getattr(ciclo, papel)


def cliente_de(client, ciclo, papel: str, django_user_model):
    if papel != "anonimo":
        client.force_login(cuenta(ciclo, papel, django_user_model))
    return client
