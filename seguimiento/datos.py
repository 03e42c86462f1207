"""Datos abiertos: lo publicado de cada plan como JSON, CSV y XLSX (sin HTTP; ver datos_views.py).

Solo entra información **validada de periodos publicados**: el árbol usa el roll-up con
alcance público y las filas de avances salen de ``Avance.objects.publicados()``.

Las columnas de cada archivo están descritas aquí (``COLUMNAS_*``) y la página ``/datos/``
las muestra tal cual: el código y su documentación no pueden separarse.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Avance, Evidencia
from .rollup import redondear
from .serializacion import resultado_como_dict


@dataclass(frozen=True)
class Columna:
    nombre: str
    tipo: str
    descripcion: str
    ejemplo: str


COLUMNAS_AVANCES = [
    Columna("plan", "texto", "Identificador (slug) del plan.", "pal-2022-2024"),
    Columna("periodo", "texto", "Identificador (slug) del periodo de reporte.", "agosto-noviembre-2023"),
    Columna("periodo_nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("periodo_inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("periodo_fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("compromiso", "texto", "Número del compromiso (eje.compromiso).", "1.5"),
    Columna("accion", "texto", "Número de la acción (eje.compromiso.acción).", "1.5.1"),
    Columna("porcentaje", "número", "Avance acumulado de la acción al cierre del periodo, 0 a 100, tal como se validó (hasta dos decimales; no se redondea).", "35"),
    Columna("etapa", "texto", "Etapa declarada, si la hay.", "En etapa de diseño de las mesas"),
    Columna("narrativa", "texto", "Narrativa del avance.", ""),
    Columna("nota_aclaratoria", "sí/no", "Si la cifra lleva la marca de nota aclaratoria (*).", "no"),
    Columna("nota_aclaratoria_texto", "texto", "Texto de la nota, si se publicó.", ""),
    Columna("evidencias", "lista de URL separadas por « | »", "Enlaces de evidencia y direcciones de descarga de los archivos de evidencia.", "https://ejemplo.gob.mx/acta | https://portal/evidencias/12/"),
    Columna("validado_en", "fecha (AAAA-MM-DD)", "Fecha en que el STL validó el avance (vacía en avances históricos cargados del informe).", "2023-12-04"),
]

COLUMNAS_ARBOL = [
    Columna("nivel", "plan | eje | compromiso | accion", "Nivel del elemento en el plan.", "compromiso"),
    Columna("numero", "texto", "Número impreso: vacío para el plan, «1» eje, «1.5» compromiso, «1.5.3» acción.", "1.5"),
    Columna("nombre", "texto", "Nombre del plan, eje o compromiso; descripción de la acción.", "Ecoapp"),
    Columna("peso", "número", "Peso relativo frente a sus pares (vacío para el plan).", "1"),
    Columna("avance", "número", "Avance calculado con lo publicado, con un decimal (redondeo mitad hacia arriba); vacío si está sin reporte o no es calculable.", "36.3"),
    Columna("avance_publicado", "número", "Cifra que publicó el informe del último periodo publicado, si la hay.", "23"),
    Columna("acciones_con_reporte", "entero", "Acciones debajo del elemento que tienen avance publicado.", "4"),
    Columna("acciones_total", "entero", "Acciones debajo del elemento.", "4"),
    Columna("estado", "texto", "Solo compromisos: concluido, en-tiempo, en-riesgo, con-retraso o sin-reporte (regla en «¿Cómo se calcula?»).", "con-retraso"),
    Columna("etapa", "texto", "Solo acciones: etapa del avance que cuenta.", ""),
    Columna("nota_aclaratoria", "sí/no", "Solo acciones: la cifra lleva nota aclaratoria (*).", "no"),
    Columna("error", "texto", "Por qué no se puede calcular el elemento, si es el caso.", ""),
]

#: Claves del JSON del árbol (la forma de ``manage.py avance --json``).
CLAVES_JSON = [
    Columna("plan.slug", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("plan.nombre", "texto", "Nombre del plan.", ""),
    Columna("plan.avance", "número o null", "Avance global calculado, un decimal (mitad hacia arriba); null sin reporte.", "45.3"),
    Columna("plan.avance_publicado", "número o null", "Avance global que publicó el informe del periodo.", "42.0"),
    Columna("plan.meta_por_alcanzar", "número o null", "100 − avance global, un decimal.", "54.7"),
    Columna("plan.cobertura", "objeto", "{con_reporte, total}: acciones con avance publicado y acciones del plan.", '{"con_reporte": 33, "total": 33}'),
    Columna("plan.error", "texto o null", "Por qué no se puede calcular el avance global.", "null"),
    Columna("periodo", "objeto o null", "El último periodo publicado; null si no hay.", ""),
    Columna("periodo.slug", "texto", "Identificador del periodo.", "agosto-noviembre-2023"),
    Columna("periodo.nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("periodo.inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("periodo.fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("alcance", "texto", "Siempre «publico» en los datos abiertos: solo avances validados de periodos publicados.", "publico"),
    Columna("informe", "objeto o null", "El informe publicado de ese periodo, cuyas cifras van en «avance_publicado»; null si no hay.", ""),
    Columna("informe.numero", "entero", "Número del informe.", "1"),
    Columna("informe.titulo", "texto", "Título del informe.", "Primer Informe Parcial"),
    Columna("errores", "lista de textos", "Errores de configuración de pesos del plan.", "[]"),
    Columna("plan", "objeto", "El plan y su avance global.", ""),
    Columna("ejes", "lista", "Los ejes del plan, en orden.", ""),
    Columna("ejes[].numero", "texto", "Número del eje.", "1"),
    Columna("ejes[].nombre", "texto", "Nombre del eje.", "Gobierno Abierto"),
    Columna("ejes[].peso", "número", "Peso del eje.", "1"),
    Columna("ejes[].avance", "número o null", "Avance calculado del eje, un decimal.", "53.3"),
    Columna("ejes[].avance_publicado", "número o null", "Cifra publicada del eje.", "51.0"),
    Columna("ejes[].cobertura", "objeto", "{con_reporte, total} del eje.", ""),
    Columna("ejes[].error", "texto o null", "Por qué no se puede calcular.", ""),
    Columna("ejes[].compromisos", "lista", "Compromisos del eje, con las mismas claves que el eje (numero «1.5», nombre, peso, avance, avance_publicado, cobertura, error) y sus acciones.", ""),
    Columna("ejes[].compromisos[].acciones", "lista", "Acciones del compromiso.", ""),
    Columna("ejes[].compromisos[].acciones[].numero", "texto", "Número de la acción.", "1.5.3"),
    Columna("ejes[].compromisos[].acciones[].descripcion", "texto", "Descripción de la acción.", ""),
    Columna("ejes[].compromisos[].acciones[].peso", "número", "Peso de la acción en su compromiso.", "1"),
    Columna("ejes[].compromisos[].acciones[].avance", "número o null", "Último avance publicado, un decimal; null sin reporte.", "100.0"),
    Columna("ejes[].compromisos[].acciones[].etapa", "texto", "Etapa del avance que cuenta.", ""),
    Columna("ejes[].compromisos[].acciones[].nota_aclaratoria", "booleano", "La cifra lleva nota aclaratoria (*).", "false"),
]


def _si_no(valor: bool) -> str:
    return "sí" if valor else "no"


def _numero(valor: Decimal | None):
    return None if valor is None else redondear(valor, 1)


def arbol(estado, informe, comparaciones) -> dict:
    """El árbol en la forma de ``manage.py avance --json``."""
    return resultado_como_dict(
        estado.resultado, periodo=estado.periodo, informe=informe, comparaciones=comparaciones
    )


def filas_arbol(estado, comparaciones) -> list[dict]:
    """Una fila por elemento (plan, ejes, compromisos, acciones), sin consultas."""
    resultado = estado.resultado

    def publicado(nivel, clave):
        comparacion = comparaciones.get((nivel, clave))
        return None if comparacion is None else _numero(comparacion.publicado)

    def fila(nivel, nodo, nombre, **extra):
        return {
            "nivel": nivel,
            "numero": nodo.clave,
            "nombre": nombre,
            "peso": None if nivel == "plan" else nodo.peso.normalize(),
            "avance": _numero(nodo.avance),
            "avance_publicado": publicado(nivel, nodo.clave) if nivel != "accion" else None,
            "acciones_con_reporte": nodo.cobertura.con_reporte,
            "acciones_total": nodo.cobertura.total,
            "estado": extra.get("estado", ""),
            "etapa": extra.get("etapa", ""),
            "nota_aclaratoria": extra.get("nota", ""),
            "error": str(nodo.error) if getattr(nodo, "error", None) else "",
        }

    filas = [fila("plan", resultado, resultado.nombre)]
    for eje in resultado.ejes:
        filas.append(fila("eje", eje, eje.nombre))
        for compromiso in eje.compromisos:
            filas.append(fila("compromiso", compromiso, compromiso.nombre, estado=estado.semaforo(compromiso).estado.value))
            for accion in compromiso.acciones:
                filas.append(
                    fila(
                        "accion", accion, accion.descripcion,
                        etapa=accion.etapa, nota=_si_no(accion.nota_aclaratoria_marcada),
                    )
                )
    return filas


def filas_avances(plan, url_de_evidencia) -> list[dict]:
    """Cada avance publicado del plan, una fila por acción y periodo. Dos consultas.

    ``url_de_evidencia(evidencia)`` da la dirección absoluta de descarga de un archivo.
    """
    # Consulta 1: avances validados de periodos publicados, con su periodo y su acción.
    avances = list(
        Avance.objects.publicados()
        .del_plan(plan)
        .select_related("periodo", "accion__compromiso__eje")
        .order_by("periodo__inicio", "accion__compromiso__eje__numero", "accion__compromiso__numero", "accion__numero")
    )
    # Consulta 2: sus evidencias.
    evidencias: dict[int, list[str]] = {}
    for evidencia in Evidencia.objects.filter(avance__in=[a.pk for a in avances]).order_by("pk"):
        evidencias.setdefault(evidencia.avance_id, []).append(evidencia.url or url_de_evidencia(evidencia))
    filas = []
    for avance in avances:
        accion = avance.accion
        compromiso = accion.compromiso
        filas.append(
            {
                "plan": plan.slug,
                "periodo": avance.periodo.slug,
                "periodo_nombre": avance.periodo.nombre,
                "periodo_inicio": avance.periodo.inicio.isoformat(),
                "periodo_fin": avance.periodo.fin.isoformat(),
                "eje": str(compromiso.eje.numero),
                "compromiso": f"{compromiso.eje.numero}.{compromiso.numero}",
                "accion": f"{compromiso.eje.numero}.{compromiso.numero}.{accion.numero}",
                "porcentaje": avance.porcentaje.normalize(),
                "etapa": avance.etapa,
                "narrativa": avance.narrativa,
                "nota_aclaratoria": _si_no(avance.nota_aclaratoria_marcada),
                "nota_aclaratoria_texto": avance.nota_aclaratoria,
                "evidencias": " | ".join(evidencias.get(avance.pk, [])),
                "validado_en": avance.validado_en.date().isoformat() if avance.validado_en else "",
            }
        )
    return filas


def _celda(valor):
    if valor is None:
        return ""
    if isinstance(valor, Decimal):
        return f"{valor:f}"
    return valor


def como_csv(columnas: list[Columna], filas: list[dict]) -> bytes:
    """CSV en UTF-8 con BOM (Excel en español abre bien los acentos), separado por comas."""
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\r\n")
    escritor.writerow([c.nombre for c in columnas])
    for fila in filas:
        escritor.writerow([_celda(fila[c.nombre]) for c in columnas])
    return ("\ufeff" + salida.getvalue()).encode("utf-8")


def _hoja(libro, titulo, columnas, filas, porcentajes=()):
    hoja = libro.create_sheet(titulo)
    hoja.append([c.nombre for c in columnas])
    for celda in hoja[1]:
        celda.font = Font(bold=True)
    for fila in filas:
        valores = []
        for c in columnas:
            valor = fila[c.nombre]
            valores.append(float(valor) if isinstance(valor, Decimal) else ("" if valor is None else valor))
        hoja.append(valores)
    hoja.freeze_panes = "A2"
    for indice, columna in enumerate(columnas, start=1):
        letra = hoja.cell(row=1, column=indice).column_letter
        largo = max([len(columna.nombre)] + [len(str(f[columna.nombre] or "")) for f in filas[:200]])
        hoja.column_dimensions[letra].width = min(max(10, largo + 2), 60)
        if columna.nombre in porcentajes:
            for (celda,) in hoja.iter_rows(min_row=2, min_col=indice, max_col=indice):
                celda.number_format = '0.0" %"'
    return hoja


def como_xlsx(plan, estado, filas_del_arbol, filas_de_avances) -> bytes:
    libro = Workbook()
    leeme = libro.active
    leeme.title = "Léeme"
    periodo = estado.periodo.nombre if estado.periodo else "ninguno publicado"
    leeme.append([f"{plan.nombre}: datos abiertos"])
    leeme["A1"].font = Font(bold=True)
    leeme.append([f"Último periodo publicado: {periodo}."])
    leeme.append(["Solo incluye avances validados de periodos publicados por el Secretariado Técnico Local."])
    leeme.append([])
    leeme.append(["hoja", "columna", "tipo", "descripción"])
    for celda in leeme[5]:
        celda.font = Font(bold=True)
    for hoja, columnas in [("Árbol", COLUMNAS_ARBOL), ("Avances", COLUMNAS_AVANCES)]:
        for c in columnas:
            leeme.append([hoja, c.nombre, c.tipo, c.descripcion])
    leeme.column_dimensions["A"].width = 12
    leeme.column_dimensions["B"].width = 24
    leeme.column_dimensions["C"].width = 22
    leeme.column_dimensions["D"].width = 100
    _hoja(libro, "Árbol", COLUMNAS_ARBOL, filas_del_arbol, porcentajes={"avance", "avance_publicado"})
    _hoja(libro, "Avances", COLUMNAS_AVANCES, filas_de_avances, porcentajes={"porcentaje"})
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()
