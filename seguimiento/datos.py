"""Datos abiertos: lo publicado de cada plan como JSON, CSV y XLSX (sin HTTP; ver portal/datos_views.py).

Solo entra información **validada de periodos publicados**: el árbol es el estado público
(``portal.estado_publico``: roll-up con alcance público) y las filas de avances salen de
``Avance.objects.publicados()``.

Cada clave y cada columna está descrita aquí (``CLAVES_*``, ``COLUMNAS_*``, ``HOJAS``) y la
página ``/datos/`` y la hoja «Léeme» muestran esas mismas descripciones; las filas se arman
con los nombres de esas columnas, así que el código y su documentación no pueden separarse.

Redondeo: las cifras **calculadas** (avances del plan, ejes, compromisos y acciones en el
árbol, cifras publicadas por el informe, meta por alcanzar) van con un decimal, mitad hacia
arriba (``rollup.redondear``), redondeadas una sola vez al escribirlas. El ``porcentaje`` de
cada avance es el dato validado, tal cual (hasta dos decimales).

Fórmulas: los CSV y el XLSX se escriben con ``hojas_de_calculo`` (ningún texto se vuelve
fórmula; en el CSV, un texto que empieza con «=», «+», «-», «@», tabulador o retorno de carro
lleva un apóstrofo delante). La regla para quien descarga está en ``REGLA_FORMULAS``; los JSON
llevan cada texto exacto.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plan.licencias import POR_OMISION as LICENCIA_POR_OMISION
from plan.licencias import LicenciaDelPlan, licencia_del_plan
from plan.models import Compromiso

from . import hojas_de_calculo
from .models import Avance, Evidencia, Periodo
from .cifras import CifrasDelPlan, DosCifras
from .portal import EstadoPublico
from .rollup import campos_de_retiro, redondear
from .semaforo import FuenteFechas
from .serializacion import resultado_como_dict

#: Formatos de número de Excel: cifra con un decimal y «%» como texto (el valor es 45.3, no 0.453).
FORMATO_CIFRA = '0.0" %"'
#: El porcentaje validado de un avance conserva sus dos decimales si los tiene.
FORMATO_PORCENTAJE = '0.0#" %"'

SEPARADOR_EVIDENCIAS = " | "


@dataclass(frozen=True)
class Columna:
    """Una clave de un JSON o una columna de un CSV u hoja: lo que la página documenta."""

    nombre: str
    tipo: str
    descripcion: str
    ejemplo: str = ""
    #: Formato de número en el XLSX (solo columnas de porcentaje).
    formato: str | None = None


# --- Documentación de cada archivo -----------------------------------------------------

_REDONDEO = "un decimal, redondeo mitad hacia arriba"


def _de(que: str) -> str:
    """«de» + lo que sigue, con la contracción: «del plan», «de la acción»."""
    return f"del {que[3:]}" if que.startswith("el ") else f"de {que}"


def _licencia_claves(prefijo: str) -> list[Columna]:
    return [
        Columna(f"{prefijo}licencia", "objeto", "La licencia con que se publican los datos del plan."),
        Columna(f"{prefijo}licencia.clave", "texto", "Identificador de la licencia.", "cc-by-4.0"),
        Columna(f"{prefijo}licencia.nombre", "texto", "Nombre de la licencia.", "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)"),
        Columna(f"{prefijo}licencia.url", "URL", "Texto legal de la licencia.", "https://creativecommons.org/licenses/by/4.0/deed.es"),
        Columna(f"{prefijo}licencia.fijada_por_el_stl", "booleano", "true si la fijó el STL del plan; false si es la del portal por omisión, que el STL aún no confirma.", "false"),
    ]


_COLUMNAS_LICENCIA = [
    Columna("licencia", "texto", "Licencia con que se publican los datos del plan (la misma en cada fila).", "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)"),
    Columna("licencia_url", "URL", "Texto legal de esa licencia.", "https://creativecommons.org/licenses/by/4.0/deed.es"),
]


def _columnas_retiro(prefijo: str = "", solo: str = "") -> list[Columna]:
    """Las cuatro columnas (o claves de JSON) del retiro de un compromiso o una acción: nada
    publicado se borra, se retira con su motivo y desde su fecha no entra al cálculo."""
    return [
        Columna(f"{prefijo}retiro", "cancelada | fusionada | sustituida | vacío", f"{solo}Si se retiró del plan y cómo; vacío si está vigente. Retirado, sigue listado con su último avance publicado, pero desde su fecha pesa 0 en el cálculo (un compromiso retirado, con sus acciones).", "cancelada"),
        Columna(f"{prefijo}retiro_motivo", "texto", f"{solo}Por qué se retiró, como lo publicó el STL (vacío si está vigente).", "Acuerdo de la Primera Sesión Ordinaria 2024"),
        Columna(f"{prefijo}retiro_fecha", "fecha (AAAA-MM-DD)" + (" o null" if prefijo else ""), f"{solo}Desde cuándo está retirado ({'null' if prefijo else 'vacía'} si está vigente).", "2024-03-03"),
        Columna(f"{prefijo}retiro_destino", "texto", f"{solo}Número del elemento con que se fusionó o que lo sustituye, del mismo nivel (vacío si se canceló o está vigente).", "1.5.2"),
    ]


def _responsable_columnas(solo: str = "") -> list[Columna]:
    """Institución responsable, representante titular y evidencias de un compromiso."""
    return [
        Columna("institucion_responsable", "texto", f"{solo}Institución responsable del compromiso.", "Instituto de Acceso a la Información Pública para el Estado de Guanajuato (IACIP)"),
        Columna("representante", "texto", f"{solo}Representante titular del compromiso, con su grado, tal como lo publicó el plan (vacío si no lo nombra).", "Mtro. José Cristian Urrutia Negrete"),
        Columna("representante_cargo", "texto", f"{solo}Cargo de quien representa al compromiso (vacío si no se publicó).", "Jefe de Gobierno Abierto y Vinculación Institucional"),
        Columna("evidencias", f"URL separadas por «{SEPARADOR_EVIDENCIAS.strip()}»", f"{solo}Evidencias publicadas de todo el compromiso (la columna «Evidencias» del informe): su enlace, la dirección de descarga de su archivo o, si se imprimió solo como texto, ese texto (vacía si no hay; el detalle, en evidencias.csv).", "https://smaot.guanajuato.gob.mx/sitio/ecoapp/"),
    ]


def _cobertura_claves(prefijo: str, de: str) -> list[Columna]:
    return [
        Columna(f"{prefijo}cobertura", "objeto", f"Cuántas acciones {_de(de)} tienen avance publicado."),
        Columna(f"{prefijo}cobertura.con_reporte", "entero", f"Acciones {_de(de)} con avance publicado.", "31"),
        Columna(f"{prefijo}cobertura.total", "entero", f"Acciones {_de(de)}.", "33"),
    ]


#: Qué son las dos cifras, con las mismas palabras que las páginas (seguimiento/cifras.py).
CIFRA_OFICIAL = "la que el Secretariado Técnico Local (STL) publicó en el informe del último periodo publicado"
CIFRA_RECALCULADA = "la que el portal calcula con los avances publicados de las acciones y los pesos"
DOS_CIFRAS = (
    f"Cada plan, eje y compromiso tiene dos cifras. La cifra oficial es {CIFRA_OFICIAL}, con el nombre "
    f"del informe; la cifra recalculada es {CIFRA_RECALCULADA}. Ninguna se ajusta para que coincida con "
    "la otra: donde no coinciden, «por_que_difieren» dice por qué (por ejemplo, qué compromisos tienen "
    "una cifra oficial que no es la media de sus acciones). «avance» y «avance_publicado» son los nombres "
    "anteriores de la cifra recalculada y de la oficial: se conservan, con el mismo valor."
)


def _claves_dos_cifras(prefijo: str, de: str, oficial: str, recalculada: str) -> list[Columna]:
    return [
        Columna(f"{prefijo}cifra_oficial", "número o null", f"Cifra oficial {_de(de)}: {CIFRA_OFICIAL}, {_REDONDEO}; null si ningún informe publicado cubre ese periodo o el informe no le puso cifra.", oficial),
        Columna(f"{prefijo}informe_de_la_cifra_oficial", "texto o null", "Título del informe que publicó la cifra oficial; null si no hay cifra oficial.", "Primer Informe Parcial"),
        Columna(f"{prefijo}cifra_recalculada", "número o null", f"Cifra recalculada {_de(de)}: {CIFRA_RECALCULADA}, {_REDONDEO}; null si está sin reporte o no se puede calcular.", recalculada),
        Columna(f"{prefijo}coinciden", "booleano o null", "Si la cifra oficial y la recalculada dan lo mismo al redondear a entero; null si no hay cifra oficial.", "false"),
        Columna(f"{prefijo}por_que_difieren", "texto o null", "Por qué la cifra oficial y la recalculada no coinciden, en palabras; null si coinciden o no hay cifra oficial."),
        Columna(f"{prefijo}avance", "número o null", "Nombre anterior de «cifra_recalculada» (mismo valor).", recalculada),
        Columna(f"{prefijo}avance_publicado", "número o null", "Nombre anterior de «cifra_oficial» (mismo valor).", oficial),
    ]


def _claves_agregado(prefijo: str, de: str, numero: str, nombre: str, publicado: str) -> list[Columna]:
    """Claves comunes de un eje y de un compromiso en el árbol JSON."""
    return [
        Columna(f"{prefijo}numero", "texto", f"Número impreso {_de(de)}.", numero),
        Columna(f"{prefijo}nombre", "texto", f"Nombre {_de(de)}.", nombre),
        Columna(f"{prefijo}peso", "número", f"Peso {_de(de)} frente a sus pares (1 por omisión; 0 lo excluye del cálculo).", "1"),
        *_claves_dos_cifras(prefijo, de, publicado, "36.3"),
        *_cobertura_claves(prefijo, de),
        Columna(f"{prefijo}error", "texto o null", f"Por qué no se puede calcular el avance {_de(de)} (p. ej. pesos que suman 0); null si se puede.", "null"),
    ]


#: ``/datos/planes.json``.
CLAVES_PLANES_JSON = [
    Columna("planes", "lista", "Los planes del portal, el más reciente primero."),
    Columna("planes[].slug", "texto", "Identificador del plan en las direcciones.", "pal-2022-2024"),
    Columna("planes[].nombre", "texto", "Nombre del plan.", "Plan de Acción Local de Estado Abierto Guanajuato 2022-2024"),
    Columna("planes[].vigencia", "texto", "Años de vigencia del plan (inicio-fin).", "2022-2024"),
    Columna("planes[].avance", "número o null", f"Cifra recalculada del avance global ({CIFRA_RECALCULADA}), {_REDONDEO}; null si no hay avances publicados. La cifra oficial está en el árbol de cada plan.", "45.3"),
    *_cobertura_claves("planes[].", "el plan"),
    Columna("planes[].ultimo_periodo_publicado", "objeto o null", "El último periodo de reporte publicado; null si el plan no tiene ninguno."),
    Columna("planes[].ultimo_periodo_publicado.slug", "texto", "Identificador del periodo.", "agosto-noviembre-2023"),
    Columna("planes[].ultimo_periodo_publicado.nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("planes[].ultimo_periodo_publicado.inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("planes[].ultimo_periodo_publicado.fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    *_licencia_claves("planes[]."),
    Columna("planes[].archivos", "objeto", "Direcciones absolutas de los archivos del plan."),
    Columna("planes[].archivos.json", "URL", "El árbol de avances en JSON.", "https://…/datos/pal-2022-2024.json"),
    Columna("planes[].archivos.arbol_csv", "URL", "El árbol de avances en CSV.", "https://…/datos/pal-2022-2024/arbol.csv"),
    Columna("planes[].archivos.avances_csv", "URL", "Los avances publicados en CSV.", "https://…/datos/pal-2022-2024/avances.csv"),
    Columna("planes[].archivos.avances_json", "URL", "Los avances publicados en JSON.", "https://…/datos/pal-2022-2024/avances.json"),
    Columna("planes[].archivos.evidencias_csv", "URL", "Las evidencias publicadas (de avances y de compromisos) en CSV.", "https://…/datos/pal-2022-2024/evidencias.csv"),
    Columna("planes[].archivos.xlsx", "URL", "El libro de Excel con los datos anteriores.", "https://…/datos/pal-2022-2024.xlsx"),
]

#: ``/datos/<plan>.json``: la forma de ``manage.py avance <plan> --json`` (serializacion.py).
CLAVES_ARBOL_JSON = [
    Columna("plan", "objeto", "El plan y su avance global."),
    Columna("plan.slug", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("plan.nombre", "texto", "Nombre del plan.", "Plan de Acción Local de Estado Abierto Guanajuato 2022-2024"),
    *_claves_dos_cifras("plan.", "el avance global", "42.0", "45.3"),
    Columna("plan.meta_por_alcanzar", "número o null", f"100 menos la cifra recalculada del avance global (sin redondear), {_REDONDEO}.", "54.7"),
    *_cobertura_claves("plan.", "el plan"),
    Columna("plan.error", "texto o null", "Por qué no se puede calcular el avance global; null si se puede.", "null"),
    Columna("periodo", "objeto o null", "El último periodo publicado, al que corresponden las cifras; null si no hay ninguno."),
    Columna("periodo.slug", "texto", "Identificador del periodo.", "agosto-noviembre-2023"),
    Columna("periodo.nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("periodo.inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("periodo.fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("alcance", "texto", "Siempre «publico» en los datos abiertos: solo cuentan avances validados de periodos publicados.", "publico"),
    Columna("informe", "objeto o null", "El informe publicado de ese periodo, cuyas cifras son las «cifra_oficial»; null si no hay."),
    Columna("informe.numero", "entero", "Número del informe.", "1"),
    Columna("informe.titulo", "texto", "Título del informe.", "Primer Informe Parcial"),
    Columna("errores", "lista de textos", "Todos los errores de cálculo del plan (los mismos textos que las claves «error»); vacía si no hay.", "[]"),
    Columna("ejes", "lista", "Los ejes del plan, en orden."),
    *_claves_agregado("ejes[].", "el eje", "1", "Gobierno Abierto", "51.0"),
    Columna("ejes[].compromisos", "lista", "Los compromisos del eje, en orden."),
    *_claves_agregado("ejes[].compromisos[].", "el compromiso", "1.5", "Ecoapp", "23.0"),
    *[Columna(f"ejes[].compromisos[].{c.nombre}", "texto", c.descripcion, c.ejemplo) for c in _responsable_columnas()[:3]],
    Columna("ejes[].compromisos[].evidencias", "lista", "Evidencias publicadas de todo el compromiso (la columna «Evidencias» del informe), cada una con url (vacía si se imprimió solo como texto), tipo (enlace, archivo o descrita) y descripcion (vacía si no hay)."),
    Columna("ejes[].compromisos[].evidencias[].url", "URL", "El enlace tal cual.", "https://smaot.guanajuato.gob.mx/sitio/ecoapp/"),
    Columna("ejes[].compromisos[].evidencias[].tipo", "enlace | archivo", "Si la evidencia es un enlace externo o un archivo que se descarga del portal.", "enlace"),
    Columna("ejes[].compromisos[].evidencias[].descripcion", "texto", "Título de la evidencia (vacío si no hay).", "Evidencia citada en el Primer Informe Parcial"),
    *_columnas_retiro("ejes[].compromisos[]."),
    Columna("ejes[].compromisos[].acciones", "lista", "Las acciones del compromiso, en orden."),
    Columna("ejes[].compromisos[].acciones[].numero", "texto", "Número impreso de la acción.", "1.5.3"),
    Columna("ejes[].compromisos[].acciones[].descripcion", "texto", "Descripción de la acción."),
    Columna("ejes[].compromisos[].acciones[].peso", "número", "Peso de la acción en su compromiso.", "1"),
    Columna("ejes[].compromisos[].acciones[].avance", "número o null", f"Porcentaje de su último avance publicado, {_REDONDEO}; null si está sin reporte.", "100.0"),
    Columna("ejes[].compromisos[].acciones[].etapa", "texto", "Etapa declarada en ese avance (vacía si no hay).", "En etapa de diseño de las mesas"),
    Columna("ejes[].compromisos[].acciones[].nota_aclaratoria", "booleano", "Si esa cifra lleva la marca de nota aclaratoria (*).", "false"),
    *_columnas_retiro("ejes[].compromisos[].acciones[]."),
    *_licencia_claves(""),
]

#: ``/datos/<plan>/avances.json``: un objeto por avance publicado.
CLAVES_AVANCES_JSON = [
    Columna("plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("avances", "lista", "Cada avance publicado del plan, una vez por acción y periodo, ordenados por periodo y número de acción."),
    Columna("avances[].plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("avances[].periodo", "objeto", "El periodo de reporte del avance."),
    Columna("avances[].periodo.slug", "texto", "Identificador del periodo.", "agosto-noviembre-2023"),
    Columna("avances[].periodo.nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("avances[].periodo.inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("avances[].periodo.fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("avances[].eje", "texto", "Número del eje.", "1"),
    Columna("avances[].compromiso", "texto", "Número del compromiso (eje.compromiso).", "1.5"),
    Columna("avances[].accion", "texto", "Número de la acción (eje.compromiso.acción).", "1.5.3"),
    Columna("avances[].accion_descripcion", "texto", "Descripción de la acción."),
    Columna("avances[].porcentaje", "número", "Avance acumulado de la acción al cierre del periodo (0 a 100), tal como se validó: no se redondea (hasta dos decimales).", "35"),
    Columna("avances[].etapa", "texto", "Etapa declarada (vacía si no hay).", "En etapa de diseño de las mesas"),
    Columna("avances[].narrativa", "texto", "Narrativa del avance (vacía si no hay)."),
    Columna("avances[].nota_aclaratoria", "objeto", "La nota aclaratoria (*) de la cifra."),
    Columna("avances[].nota_aclaratoria.marcada", "booleano", "Si la cifra lleva la marca de nota aclaratoria (*).", "true"),
    Columna("avances[].nota_aclaratoria.texto", "texto", "Texto de la nota; vacío si no se publicó (el 1er Informe Parcial marca notas sin incluir su texto)."),
    Columna("avances[].evidencias", "lista", "Medios de verificación del avance (vacía si no hay)."),
    Columna("avances[].evidencias[].url", "URL", "El enlace tal cual, o la dirección absoluta de descarga del archivo en este portal.", "https://…/evidencias/12/"),
    Columna("avances[].evidencias[].tipo", "enlace | archivo", "Si la evidencia es un enlace externo o un archivo que se descarga del portal.", "archivo"),
    Columna("avances[].evidencias[].descripcion", "texto", "Descripción de la evidencia (vacía si no hay).", "Lista de asistencia"),
    Columna("avances[].validado_en", "fecha (AAAA-MM-DD) o null", "Día (hora de la Ciudad de México) en que el STL validó el avance; null en avances históricos cargados de un informe.", "2023-12-04"),
    Columna("avances[].fecha_reporte", "fecha (AAAA-MM-DD) o null", "En avances históricos cargados de un documento, el día en que se presentaron según su fuente (el 1er Informe Parcial: 4 de diciembre de 2023); null si la fuente no lo publica o el avance se capturó en el portal.", "2023-12-04"),
    *_licencia_claves(""),
]

#: ``/datos/<plan>/avances.csv`` y hoja «Avances».
COLUMNAS_AVANCES = [
    Columna("plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("periodo", "texto", "Identificador del periodo de reporte.", "agosto-noviembre-2023"),
    Columna("periodo_nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("periodo_inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("periodo_fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("compromiso", "texto", "Número del compromiso (eje.compromiso).", "1.5"),
    Columna("accion", "texto", "Número de la acción (eje.compromiso.acción).", "1.5.3"),
    Columna("accion_descripcion", "texto", "Descripción de la acción."),
    Columna("porcentaje", "número", "Avance acumulado de la acción al cierre del periodo (0 a 100), tal como se validó: no se redondea (hasta dos decimales).", "35", FORMATO_PORCENTAJE),
    Columna("etapa", "texto", "Etapa declarada (vacía si no hay).", "En etapa de diseño de las mesas"),
    Columna("narrativa", "texto", "Narrativa del avance (vacía si no hay)."),
    Columna("nota_aclaratoria", "sí | no", "Si la cifra lleva la marca de nota aclaratoria (*).", "sí"),
    Columna("nota_aclaratoria_texto", "texto", "Texto de la nota; vacío si no se publicó."),
    Columna("evidencias", f"URL separadas por «{SEPARADOR_EVIDENCIAS.strip()}»", "Enlaces de evidencia tal cual y direcciones absolutas de descarga de los archivos de evidencia (vacía si no hay).", "https://ejemplo.gob.mx/acta | https://…/evidencias/12/"),
    Columna("validado_en", "fecha (AAAA-MM-DD)", "Día (hora de la Ciudad de México) en que el STL validó el avance; vacía en avances históricos cargados de un informe.", "2023-12-04"),
    Columna("fecha_reporte", "fecha (AAAA-MM-DD)", "En avances históricos cargados de un documento, el día en que se presentaron según su fuente; vacía si la fuente no lo publica o el avance se capturó en el portal.", "2023-12-04"),
    *_COLUMNAS_LICENCIA,
]

#: ``/datos/<plan>/evidencias.csv`` y hoja «Evidencias»: una fila por evidencia publicada.
COLUMNAS_EVIDENCIAS = [
    Columna("plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("periodo", "texto", "Identificador del periodo en que se reportó.", "agosto-noviembre-2023"),
    Columna("periodo_nombre", "texto", "Nombre del periodo.", "Agosto–noviembre 2023"),
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("compromiso", "texto", "Número del compromiso (eje.compromiso).", "1.5"),
    Columna("accion", "texto", "Número de la acción cuyo avance lleva la evidencia; vacía si es de todo el compromiso.", "1.5.3"),
    Columna("de", "accion | compromiso", "Si es evidencia del avance de una acción o de todo el compromiso en el periodo (la columna «Evidencias» del informe para el compromiso).", "compromiso"),
    Columna("tipo", "enlace | archivo | descrita", "Un enlace externo, un archivo que se descarga de este portal o una evidencia descrita: el informe la imprimió como texto, sin enlace.", "descrita"),
    Columna("url", "URL", "El enlace tal cual o la dirección absoluta de descarga del archivo; vacía en una evidencia descrita.", "https://…/evidencias/12/"),
    Columna("descripcion", "texto", "Descripción de la evidencia; en una descrita, el texto tal como se imprimió (con sus saltos de línea).", "Aproximadamente 129 beneficiarios directos e indirectos"),
]

_ESTADOS = (
    "concluido, en-tiempo, en-riesgo, con-retraso, sin-calendario (el plan no publicó fechas del "
    "compromiso ni de sus acciones: no se evalúa con fechas supuestas) o sin-reporte"
)
_COL_FECHAS = Columna(
    "fechas_del_plazo", "compromiso | acciones | supuestas",
    "De dónde sale el plazo con que se evalúa el estado: las fechas del compromiso, las de sus "
    "acciones o, si el plan no publicó ninguna, la vigencia del plan (fechas supuestas).",
    "supuestas",
)
_COL_CUMPLIMIENTO = Columna(
    "cumplimiento_ogp", "sin-evidencia | no-iniciado | limitado | sustancial | completo",
    "Nivel de cumplimiento en la escala de la OGP (IRM), con el avance exacto del compromiso: "
    "sin-evidencia si ninguna acción tiene avance publicado; 0 % no-iniciado; menos de 50 % "
    "limitado; de 50 % a menos de 100 % sustancial; 100 % completo (regla en «¿Cómo se calcula?»); "
    "vacío si el avance no se puede calcular.",
    "limitado",
)


def _col_avance(descripcion: str, ejemplo: str = "36.3") -> Columna:
    return Columna("avance", "número", f"{descripcion}, {_REDONDEO}; vacío si está sin reporte o no se puede calcular.", ejemplo, FORMATO_CIFRA)


def _cols_anteriores(oficial: str, recalculada: str, *, avance: str = "") -> list[Columna]:
    """«avance» y «avance_publicado», en su lugar de siempre: los nombres anteriores de las dos cifras."""
    return [
        Columna("avance", "número", f"{avance}Nombre anterior de «cifra_recalculada» (mismo valor).", recalculada, FORMATO_CIFRA),
        Columna("avance_publicado", "número", "Nombre anterior de «cifra_oficial» (mismo valor).", oficial, FORMATO_CIFRA),
    ]


def _cols_dos_cifras(de: str, oficial: str, recalculada: str) -> list[Columna]:
    """Las columnas de las dos cifras en un CSV u hoja (al final: las columnas de antes no se mueven)."""
    return [
        Columna("cifra_oficial", "número", f"Cifra oficial {de}: {CIFRA_OFICIAL}, {_REDONDEO}; vacía si ningún informe publicado cubre ese periodo o no le puso cifra.", oficial, FORMATO_CIFRA),
        Columna("informe_de_la_cifra_oficial", "texto", "Título del informe que publicó la cifra oficial; vacío si no hay cifra oficial.", "Primer Informe Parcial"),
        Columna("cifra_recalculada", "número", f"Cifra recalculada {de}: {CIFRA_RECALCULADA}, {_REDONDEO}; vacía si está sin reporte o no se puede calcular.", recalculada, FORMATO_CIFRA),
        Columna("coinciden", "sí | no", "Si la cifra oficial y la recalculada dan lo mismo al redondear a entero; vacía si no hay cifra oficial.", "no"),
        Columna("por_que_difieren", "texto", "Por qué la cifra oficial y la recalculada no coinciden, en palabras; vacía si coinciden o no hay cifra oficial."),
    ]


_COL_CON_REPORTE = Columna("acciones_con_reporte", "entero", "Acciones debajo del elemento con avance publicado.", "4")
_COL_TOTAL = Columna("acciones_total", "entero", "Acciones debajo del elemento.", "4")
_COL_ERROR = Columna("error", "texto", "Por qué no se puede calcular el avance (p. ej. pesos que suman 0); vacía si se puede.")
_COL_PESO = Columna("peso", "número", "Peso frente a sus pares (1 por omisión; 0 lo excluye del cálculo).", "1")



#: ``/datos/<plan>/arbol.csv``: una fila por elemento.
COLUMNAS_ARBOL = [
    Columna("plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("nivel", "plan | eje | compromiso | accion", "Nivel del elemento.", "compromiso"),
    Columna("numero", "texto", "Número impreso: vacío para el plan, «1» eje, «1.5» compromiso, «1.5.3» acción.", "1.5"),
    Columna("nombre", "texto", "Nombre del plan, eje o compromiso; descripción de la acción.", "Ecoapp"),
    Columna("peso", "número", "Peso frente a sus pares (1 por omisión; 0 lo excluye del cálculo); vacío para el plan.", "1"),
    *_cols_anteriores("23.0", "36.3", avance="Para una acción, su último avance publicado. Para el plan, un eje o un compromiso: "),
    _COL_CON_REPORTE,
    _COL_TOTAL,
    Columna("estado", "texto", f"Solo compromisos: {_ESTADOS} (regla en «¿Cómo se calcula?» de cada plan).", "sin-calendario"),
    replace(_COL_FECHAS, descripcion=f"Solo compromisos. {_COL_FECHAS.descripcion}"),
    replace(_COL_CUMPLIMIENTO, descripcion=f"Solo compromisos. {_COL_CUMPLIMIENTO.descripcion}"),
    Columna("etapa", "texto", "Solo acciones: etapa declarada en su último avance publicado.", ""),
    Columna("nota_aclaratoria", "sí | no", "Solo acciones: si la cifra lleva nota aclaratoria (*).", "no"),
    *_responsable_columnas("Solo compromisos: "),
    _COL_ERROR,
    *_columnas_retiro(solo="Solo compromisos y acciones: "),
    *_cols_dos_cifras("del plan, eje o compromiso (vacía en una acción)", "23.0", "36.3"),
    *_COLUMNAS_LICENCIA,
]

#: Hojas del libro XLSX (además de «Léeme»).
COLUMNAS_HOJA_PLAN = [
    Columna("plan", "texto", "Identificador del plan.", "pal-2022-2024"),
    Columna("nombre", "texto", "Nombre del plan."),
    Columna("vigencia", "texto", "Años de vigencia (inicio-fin).", "2022-2024"),
    Columna("periodo", "texto", "Identificador del último periodo publicado, al que corresponden las cifras (vacío si no hay).", "agosto-noviembre-2023"),
    Columna("periodo_nombre", "texto", "Nombre de ese periodo.", "Agosto–noviembre 2023"),
    Columna("periodo_inicio", "fecha (AAAA-MM-DD)", "Primer día del periodo.", "2023-08-01"),
    Columna("periodo_fin", "fecha (AAAA-MM-DD)", "Último día del periodo.", "2023-11-30"),
    Columna("informe", "texto", "Título del informe publicado de ese periodo, cuyas cifras son las «cifra_oficial» (vacío si no hay).", "Primer Informe Parcial"),
    *_cols_anteriores("42.0", "45.3"),
    Columna("meta_por_alcanzar", "número", f"100 menos la cifra recalculada del avance global, {_REDONDEO}.", "54.7", FORMATO_CIFRA),
    Columna("acciones_con_reporte", "entero", "Acciones del plan con avance publicado.", "33"),
    Columna("acciones_total", "entero", "Acciones del plan.", "33"),
    _COL_ERROR,
    *_cols_dos_cifras("del avance global", "42.0", "45.3"),
    *_COLUMNAS_LICENCIA,
]
COLUMNAS_HOJA_EJES = [
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("nombre", "texto", "Nombre del eje.", "Gobierno Abierto"),
    _COL_PESO,
    *_cols_anteriores("51.0", "53.3"),
    _COL_CON_REPORTE,
    _COL_TOTAL,
    _COL_ERROR,
    *_cols_dos_cifras("del eje", "51.0", "53.3"),
]
COLUMNAS_HOJA_COMPROMISOS = [
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("compromiso", "texto", "Número del compromiso (eje.compromiso).", "1.5"),
    Columna("nombre", "texto", "Nombre del compromiso.", "Ecoapp"),
    _COL_PESO,
    *_cols_anteriores("23.0", "36.3"),
    _COL_CON_REPORTE,
    _COL_TOTAL,
    Columna("estado", "texto", f"Estado frente a su plazo: {_ESTADOS} (regla en «¿Cómo se calcula?» de cada plan).", "sin-calendario"),
    _COL_FECHAS,
    _COL_CUMPLIMIENTO,
    *_responsable_columnas(),
    _COL_ERROR,
    *_cols_dos_cifras("del compromiso", "23.0", "36.3"),
    *_columnas_retiro(),
]
COLUMNAS_HOJA_ACCIONES = [
    Columna("eje", "texto", "Número del eje.", "1"),
    Columna("compromiso", "texto", "Número del compromiso.", "1.5"),
    Columna("accion", "texto", "Número de la acción.", "1.5.3"),
    Columna("descripcion", "texto", "Descripción de la acción."),
    _COL_PESO,
    _col_avance("Porcentaje de su último avance publicado", "35.0"),
    Columna("etapa", "texto", "Etapa declarada en ese avance (vacía si no hay).", "En etapa de diseño de las mesas"),
    Columna("nota_aclaratoria", "sí | no", "Si la cifra lleva nota aclaratoria (*).", "no"),
    *_columnas_retiro(),
]


@dataclass(frozen=True)
class Hoja:
    nombre: str
    descripcion: str
    columnas: list[Columna]


HOJAS = [
    Hoja("Plan", "Una fila: el plan y su avance global al último periodo publicado.", COLUMNAS_HOJA_PLAN),
    Hoja("Ejes", "Una fila por eje, con su avance al último periodo publicado.", COLUMNAS_HOJA_EJES),
    Hoja("Compromisos", "Una fila por compromiso, con su avance y su estado al último periodo publicado.", COLUMNAS_HOJA_COMPROMISOS),
    Hoja("Acciones", "Una fila por acción, con su último avance publicado.", COLUMNAS_HOJA_ACCIONES),
    Hoja("Avances", "Cada avance publicado, una fila por acción y periodo (las columnas de avances.csv).", COLUMNAS_AVANCES),
    Hoja("Evidencias", "Cada evidencia publicada, de un avance o de todo un compromiso, una fila por evidencia (las columnas de evidencias.csv).", COLUMNAS_EVIDENCIAS),
]

REGLA_REDONDEO = (
    "En todos los archivos (JSON, CSV y XLSX), las cifras recalculadas (avance del plan, de cada "
    "eje, compromiso y acción en el árbol, meta por alcanzar) y las cifras oficiales del "
    "informe van con un decimal, redondeo mitad hacia arriba (45.25 → 45.3), redondeadas una "
    "sola vez: el cálculo usa todos los decimales. El porcentaje de cada avance (la columna o "
    "clave «porcentaje» de los avances) va tal como se validó, sin redondear (hasta dos "
    "decimales). Los pesos van tal como se registraron."
)
REGLA_FORMULAS = (
    "Ningún texto se vuelve fórmula al abrir un archivo en una hoja de cálculo. En los CSV, un "
    "texto que empieza con «=», «+», «-» o «@», con un tabulador o con un retorno de carro (una "
    "narrativa, una etapa, una nota, una descripción, un nombre o un enlace) lleva delante un "
    "apóstrofo (') que no es parte del dato: la narrativa «=SUMA(A1)» se escribe «'=SUMA(A1)», "
    "y Excel la muestra como texto. Un texto que ya empieza con un apóstrofo lleva otro: el "
    "primer apóstrofo de una celda de texto del CSV nunca es parte del dato. En el XLSX ese texto es una celda de texto con su valor "
    "exacto, sin apóstrofo. Los números nunca llevan apóstrofo. Cada celda del CSV va entre "
    "comillas dobles, así que una coma o un punto y coma dentro de un texto no empieza otra "
    "celda: un «=» en medio de un texto se deja tal cual. Los JSON llevan cada texto exacto."
)
SOLO_LO_PUBLICADO = (
    "Solo incluye avances validados de periodos publicados por el Secretariado Técnico Local "
    "(STL): nunca borradores, avances enviados sin revisar, avances devueltos ni avances de "
    "periodos que aún no se publican."
)
CONDICIONES = (
    "Los datos los publica el Secretariado Técnico Local (STL) de cada plan, con la licencia que "
    f"ese STL fija; mientras no la fije, el portal los publica con la {LICENCIA_POR_OMISION.label}, "
    "que permite reutilizarlos citando la fuente, y lo dice junto a cada plan y dentro de cada "
    "archivo. Cada archivo lleva su licencia: en los JSON, la clave "
    "«licencia»; en los CSV, las columnas «licencia» y «licencia_url» de cada fila; en el XLSX, la "
    "hoja «Léeme» y las mismas columnas de la hoja «Plan»."
)


def texto_de_licencia(licencia: LicenciaDelPlan) -> str:
    """La licencia de un plan en una línea, diciendo si la fijó el STL."""
    if licencia.fijada_por_el_stl:
        return f"Licencia: {licencia.nombre} ({licencia.url}), fijada por el STL del plan."
    return (
        f"Licencia: {licencia.nombre} ({licencia.url}), la del portal por omisión: el STL del plan "
        "aún no ha fijado una."
    )


# --- Cifras ------------------------------------------------------------------------------


def _cifra(valor: Decimal | None) -> Decimal | None:
    """Cifra calculada para un archivo: un decimal, mitad hacia arriba."""
    return redondear(valor, 1)


def _json_numero(valor: Decimal | None) -> int | float | None:
    """Decimal exacto → número JSON (entero si no tiene decimales)."""
    if valor is None:
        return None
    normalizado = valor.normalize()
    return int(normalizado) if normalizado == normalizado.to_integral_value() else float(normalizado)


def _dos_cifras(dos: DosCifras | None) -> dict:
    """Las columnas de las dos cifras (``None``: una acción, que no tiene)."""
    if dos is None:
        return dict.fromkeys(
            ["cifra_oficial", "informe_de_la_cifra_oficial", "cifra_recalculada", "coinciden", "por_que_difieren", "avance_publicado"]
        )
    return {
        "cifra_oficial": _cifra(dos.oficial),
        "informe_de_la_cifra_oficial": dos.informe.titulo if dos.hay_oficial else "",
        "cifra_recalculada": _cifra(dos.recalculada),
        "coinciden": dos.coincide if dos.hay_oficial else None,
        "por_que_difieren": dos.explicacion,
        "avance": _cifra(dos.recalculada),
        "avance_publicado": _cifra(dos.oficial),
    }


# --- Planes ------------------------------------------------------------------------------


def resumen_de_planes(estados: list[EstadoPublico], archivos_de: Callable) -> list[dict]:
    """Una entrada de ``planes.json`` por plan (sin consultas). ``archivos_de(plan)`` da las
    direcciones absolutas de sus archivos."""
    resumen = []
    for estado in estados:
        plan, periodo, resultado = estado.plan, estado.periodo, estado.resultado
        avance = _cifra(resultado.avance)
        resumen.append(
            {
                "slug": plan.slug,
                "nombre": plan.nombre,
                "vigencia": plan.vigencia,
                "avance": None if avance is None else float(avance),
                "cobertura": {
                    "con_reporte": resultado.cobertura.con_reporte,
                    "total": resultado.cobertura.total,
                },
                "ultimo_periodo_publicado": None if periodo is None else periodo_json(periodo),
                "licencia": licencia_del_plan(plan).como_json(),
                "archivos": archivos_de(plan),
            }
        )
    return resumen


def periodo_json(periodo: Periodo) -> dict:
    """Un periodo en JSON (datos abiertos y contenido de los informes)."""
    return {
        "slug": periodo.slug,
        "nombre": periodo.nombre,
        "inicio": periodo.inicio.isoformat(),
        "fin": periodo.fin.isoformat(),
    }


# --- Árbol -------------------------------------------------------------------------------


def arbol(estado: EstadoPublico, informe, comparaciones, fichas: dict[int, FichaCompromiso]) -> dict:
    """El árbol al último periodo publicado en la forma de ``manage.py avance --json`` (con las
    dos cifras de cada elemento), más la licencia del plan y, en cada compromiso, su responsable
    y sus evidencias (``fichas``)."""
    contenido = resultado_como_dict(
        estado.resultado, periodo=estado.periodo, informe=informe, comparaciones=comparaciones
    )
    for eje, eje_json in zip(estado.resultado.ejes, contenido["ejes"], strict=True):
        for compromiso, compromiso_json in zip(eje.compromisos, eje_json["compromisos"], strict=True):
            ficha = fichas[compromiso.id]
            compromiso_json.update(
                institucion_responsable=ficha.institucion_responsable,
                representante=ficha.representante,
                representante_cargo=ficha.representante_cargo,
                evidencias=[e.como_json() for e in ficha.evidencias],
            )
    contenido["licencia"] = licencia_del_plan(estado.plan).como_json()
    return contenido


# --- Responsables y evidencias de cada compromiso ----------------------------------------


@dataclass(frozen=True)
class FichaCompromiso:
    """Lo que los archivos dicen de un compromiso además de sus cifras."""

    institucion_responsable: str
    representante: str
    representante_cargo: str
    evidencias: list[EvidenciaPublicada]

    def como_fila(self) -> dict:
        return {
            "institucion_responsable": self.institucion_responsable,
            "representante": self.representante,
            "representante_cargo": self.representante_cargo,
            "evidencias": SEPARADOR_EVIDENCIAS.join(e.url or e.descripcion for e in self.evidencias),
        }


_FICHA_VACIA = {"institucion_responsable": "", "representante": "", "representante_cargo": "", "evidencias": ""}


def evidencias_de_compromisos(plan, url_de_archivo: Callable[[Evidencia], str]) -> dict[int, list[EvidenciaPublicada]]:
    """Las evidencias publicadas de todo un compromiso (la columna «Evidencias» del informe):
    ``{compromiso_id: [EvidenciaPublicada]}``, por periodo y en el orden en que se cargaron
    (una consulta). Las de los avances de sus acciones van en ``avances.csv``; todas juntas, en
    ``evidencias.csv``."""
    evidencias: dict[int, list[EvidenciaPublicada]] = {}
    publicadas = (
        Evidencia.objects.publicadas_de_compromisos()
        .filter(compromiso__eje__plan=plan)
        .order_by("compromiso_id", "periodo__inicio", "pk")
    )
    for evidencia in publicadas:
        evidencias.setdefault(evidencia.compromiso_id, []).append(
            EvidenciaPublicada(
                url=evidencia.url or (url_de_archivo(evidencia) if evidencia.archivo else ""),
                tipo=evidencia.tipo,
                descripcion=evidencia.descripcion,
            )
        )
    return evidencias


def fichas_de_compromisos(plan, url_de_archivo: Callable[[Evidencia], str]) -> dict[int, FichaCompromiso]:
    """``{compromiso_id: FichaCompromiso}`` de cada compromiso del plan (dos consultas: los
    compromisos con su institución y representante, y sus evidencias publicadas)."""
    evidencias = evidencias_de_compromisos(plan, url_de_archivo)
    fichas = {}
    for compromiso in Compromiso.objects.filter(eje__plan=plan).select_related(
        "institucion_responsable", "representante"
    ):
        representante = compromiso.representante
        fichas[compromiso.pk] = FichaCompromiso(
            institucion_responsable=str(compromiso.institucion_responsable),
            representante=str(representante) if representante else "",
            representante_cargo=representante.cargo if representante else "",
            evidencias=evidencias.get(compromiso.pk, []),
        )
    return fichas


def _licencia_en_fila(plan) -> dict:
    licencia = licencia_del_plan(plan)
    return {"licencia": licencia.nombre, "licencia_url": licencia.url}


def _error(nodo) -> str:
    error = getattr(nodo, "error", None)
    return str(error) if error else ""


def _nodo(nodo, cifras: CifrasDelPlan) -> dict:
    """Lo común a cualquier nivel (plan, eje, compromiso; una acción no tiene las dos cifras)."""
    return {
        "avance": _cifra(nodo.avance),
        **_dos_cifras(cifras.por_clave.get((nodo.nivel, nodo.clave))),
        "acciones_con_reporte": nodo.cobertura.con_reporte,
        "acciones_total": nodo.cobertura.total,
        "error": _error(nodo),
    }


def filas_de_plan(estado: EstadoPublico, cifras: CifrasDelPlan) -> list[dict]:
    plan, periodo, resultado = estado.plan, estado.periodo, estado.resultado
    return [
        {
            "plan": plan.slug,
            "nombre": plan.nombre,
            "vigencia": plan.vigencia,
            "periodo": periodo.slug if periodo else "",
            "periodo_nombre": periodo.nombre if periodo else "",
            "periodo_inicio": periodo.inicio.isoformat() if periodo else "",
            "periodo_fin": periodo.fin.isoformat() if periodo else "",
            "informe": cifras.informe.titulo if cifras.informe else "",
            "meta_por_alcanzar": _cifra(resultado.meta_por_alcanzar),
            **_nodo(resultado, cifras),
            **_licencia_en_fila(plan),
        }
    ]


def filas_de_ejes(estado: EstadoPublico, cifras: CifrasDelPlan) -> list[dict]:
    return [
        {"eje": eje.clave, "nombre": eje.nombre, "peso": eje.peso.normalize(), **_nodo(eje, cifras)}
        for eje in estado.resultado.ejes
    ]


def filas_de_compromisos(estado: EstadoPublico, cifras: CifrasDelPlan, fichas: dict[int, FichaCompromiso]) -> list[dict]:
    return [
        {
            "eje": eje.clave,
            "compromiso": compromiso.clave,
            "nombre": compromiso.nombre,
            "peso": compromiso.peso.normalize(),
            **_estado_del_compromiso(estado, compromiso),
            **_nodo(compromiso, cifras),
            **fichas[compromiso.id].como_fila(),
            **campos_de_retiro(compromiso),
        }
        for eje in estado.resultado.ejes
        for compromiso in eje.compromisos
    ]


#: Las columnas del retiro de un plan o un eje (que no se retiran): vacías.
_SIN_RETIRO = {"retiro": "", "retiro_motivo": "", "retiro_fecha": None, "retiro_destino": ""}

_FECHAS_DEL_PLAZO = {FuenteFechas.COMPROMISO: "compromiso", FuenteFechas.ACCIONES: "acciones", FuenteFechas.PLAN: "supuestas"}


def _estado_del_compromiso(estado: EstadoPublico, compromiso) -> dict:
    """Estado, origen de sus fechas y nivel de cumplimiento OGP de un compromiso."""
    semaforo = estado.semaforo(compromiso)
    nivel = estado.cumplimiento(compromiso).nivel
    return {
        "estado": semaforo.estado.value,
        "fechas_del_plazo": _FECHAS_DEL_PLAZO[semaforo.fuente_fechas],
        "cumplimiento_ogp": nivel.value if nivel else "",
    }


def filas_de_acciones(estado: EstadoPublico) -> list[dict]:
    return [
        {
            "eje": eje.clave,
            "compromiso": compromiso.clave,
            "accion": accion.clave,
            "descripcion": accion.descripcion,
            "peso": accion.peso.normalize(),
            "avance": _cifra(accion.avance),
            "etapa": accion.etapa,
            "nota_aclaratoria": accion.nota_aclaratoria_marcada,
            **campos_de_retiro(accion),
        }
        for eje in estado.resultado.ejes
        for compromiso in eje.compromisos
        for accion in compromiso.acciones
    ]


def filas_del_arbol(estado: EstadoPublico, cifras: CifrasDelPlan, fichas: dict[int, FichaCompromiso]) -> list[dict]:
    """``arbol.csv``: una fila por elemento, en el orden del plan (sin consultas)."""
    slug = estado.plan.slug
    vacia = {
        "estado": "", "fechas_del_plazo": "", "cumplimiento_ogp": "", "etapa": "", "nota_aclaratoria": None,
        **_FICHA_VACIA, **_licencia_en_fila(estado.plan), **_SIN_RETIRO,
    }

    def fila(nodo, nombre, peso, **extra):
        return {
            "plan": slug,
            "nivel": nodo.nivel,
            "numero": nodo.clave,
            "nombre": nombre,
            "peso": peso,
            **_nodo(nodo, cifras),
            **vacia,
            **extra,
        }

    resultado = estado.resultado
    filas = [fila(resultado, resultado.nombre, None)]
    for eje in resultado.ejes:
        filas.append(fila(eje, eje.nombre, eje.peso.normalize()))
        for compromiso in eje.compromisos:
            filas.append(
                fila(
                    compromiso, compromiso.nombre, compromiso.peso.normalize(),
                    **_estado_del_compromiso(estado, compromiso),
                    **fichas[compromiso.id].como_fila(),
                    **campos_de_retiro(compromiso),
                )
            )
            for accion in compromiso.acciones:
                filas.append(
                    fila(
                        accion, accion.descripcion, accion.peso.normalize(),
                        etapa=accion.etapa,
                        nota_aclaratoria=accion.nota_aclaratoria_marcada,
                        **campos_de_retiro(accion),
                    )
                )
    return filas


# --- Avances publicados ------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenciaPublicada:
    url: str
    tipo: str  # "enlace" | "archivo" | "descrita"
    descripcion: str

    def como_json(self) -> dict:
        return {"url": self.url, "tipo": self.tipo, "descripcion": self.descripcion}


@dataclass(frozen=True)
class AvancePublicado:
    plan: str
    licencia: LicenciaDelPlan
    periodo: Periodo
    eje: str
    compromiso: str
    accion: str
    accion_descripcion: str
    porcentaje: Decimal
    etapa: str
    narrativa: str
    nota_aclaratoria_marcada: bool
    nota_aclaratoria: str
    evidencias: list[EvidenciaPublicada]
    validado_en: datetime.date | None
    fecha_reporte: datetime.date | None

    def como_json(self) -> dict:
        return {
            "plan": self.plan,
            "periodo": periodo_json(self.periodo),
            "eje": self.eje,
            "compromiso": self.compromiso,
            "accion": self.accion,
            "accion_descripcion": self.accion_descripcion,
            "porcentaje": _json_numero(self.porcentaje),
            "etapa": self.etapa,
            "narrativa": self.narrativa,
            "nota_aclaratoria": {"marcada": self.nota_aclaratoria_marcada, "texto": self.nota_aclaratoria},
            "evidencias": [e.como_json() for e in self.evidencias],
            "validado_en": self.validado_en.isoformat() if self.validado_en else None,
            "fecha_reporte": self.fecha_reporte.isoformat() if self.fecha_reporte else None,
        }

    def como_fila(self) -> dict:
        return {
            "plan": self.plan,
            "periodo": self.periodo.slug,
            "periodo_nombre": self.periodo.nombre,
            "periodo_inicio": self.periodo.inicio.isoformat(),
            "periodo_fin": self.periodo.fin.isoformat(),
            "eje": self.eje,
            "compromiso": self.compromiso,
            "accion": self.accion,
            "accion_descripcion": self.accion_descripcion,
            "porcentaje": self.porcentaje.normalize(),
            "etapa": self.etapa,
            "narrativa": self.narrativa,
            "nota_aclaratoria": self.nota_aclaratoria_marcada,
            "nota_aclaratoria_texto": self.nota_aclaratoria,
            "evidencias": SEPARADOR_EVIDENCIAS.join(e.url for e in self.evidencias),
            "validado_en": self.validado_en.isoformat() if self.validado_en else "",
            "licencia": self.licencia.nombre,
            "licencia_url": self.licencia.url,
            "fecha_reporte": self.fecha_reporte.isoformat() if self.fecha_reporte else "",
        }


def avances_publicados(plan, url_de_archivo: Callable[[Evidencia], str]) -> list[AvancePublicado]:
    """Cada avance publicado del plan (acción × periodo), en orden. Dos consultas, sea cual
    sea el tamaño del plan.

    ``url_de_archivo(evidencia)`` da la dirección absoluta de descarga de una evidencia que es
    un archivo (la vista la arma con la petición); las que son enlaces van tal cual.
    """
    publicados = Avance.objects.publicados().del_plan(plan)
    # Consulta 1: avances validados de periodos publicados, con su periodo y su acción.
    avances = list(
        publicados.select_related("periodo", "accion__compromiso__eje").order_by(
            "periodo__inicio",
            "accion__compromiso__eje__numero",
            "accion__compromiso__numero",
            "accion__numero",
        )
    )
    # Consulta 2: las evidencias de esos avances (misma condición, sin recorrer avances).
    evidencias: dict[int, list[EvidenciaPublicada]] = {}
    for evidencia in Evidencia.objects.vigentes().filter(avance__in=publicados.values("pk")).order_by("avance_id", "pk"):
        evidencias.setdefault(evidencia.avance_id, []).append(
            EvidenciaPublicada(
                url=evidencia.url or url_de_archivo(evidencia),
                tipo="enlace" if evidencia.url else "archivo",
                descripcion=evidencia.descripcion,
            )
        )
    resultado = []
    licencia = licencia_del_plan(plan)
    for avance in avances:
        accion = avance.accion
        compromiso = accion.compromiso
        clave_compromiso = f"{compromiso.eje.numero}.{compromiso.numero}"
        resultado.append(
            AvancePublicado(
                plan=plan.slug,
                licencia=licencia,
                periodo=avance.periodo,
                eje=str(compromiso.eje.numero),
                compromiso=clave_compromiso,
                accion=f"{clave_compromiso}.{accion.numero}",
                accion_descripcion=accion.descripcion,
                porcentaje=avance.porcentaje,
                etapa=avance.etapa,
                narrativa=avance.narrativa,
                nota_aclaratoria_marcada=avance.nota_aclaratoria_marcada,
                nota_aclaratoria=avance.nota_aclaratoria,
                evidencias=evidencias.get(avance.pk, []),
                validado_en=timezone.localdate(avance.validado_en) if avance.validado_en else None,
                fecha_reporte=avance.fecha_reporte,
            )
        )
    return resultado


def evidencias_publicadas(plan, url_de_archivo: Callable[[Evidencia], str]) -> list[dict]:
    """Cada evidencia publicada del plan como fila de ``COLUMNAS_EVIDENCIAS``: las de avances
    publicados y las de compromisos validadas en periodos publicados, por periodo, compromiso
    y acción (las del compromiso antes que las de sus acciones). Una consulta."""
    evidencias = Evidencia.objects.publicadas().del_plan(plan).select_related(
        "avance__periodo", "avance__accion__compromiso__eje", "periodo", "compromiso__eje"
    )
    filas = []
    for evidencia in evidencias:
        accion = evidencia.avance.accion if evidencia.avance_id else None
        compromiso = accion.compromiso if accion else evidencia.compromiso
        periodo = evidencia.avance.periodo if accion else evidencia.periodo
        orden = (periodo.inicio, compromiso.eje.numero, compromiso.numero, accion.numero if accion else 0, evidencia.pk)
        filas.append(
            (
                orden,
                {
                    "plan": plan.slug,
                    "periodo": periodo.slug,
                    "periodo_nombre": periodo.nombre,
                    "eje": str(compromiso.eje.numero),
                    "compromiso": compromiso.clave,
                    "accion": accion.clave if accion else "",
                    "de": "accion" if accion else "compromiso",
                    "tipo": evidencia.tipo,
                    "url": evidencia.url or (url_de_archivo(evidencia) if evidencia.archivo else ""),
                    "descripcion": evidencia.descripcion,
                },
            )
        )
    return [fila for _orden, fila in sorted(filas, key=lambda par: par[0])]


def avances_como_json(plan, avances: list[AvancePublicado]) -> dict:
    return {
        "plan": plan.slug,
        "avances": [avance.como_json() for avance in avances],
        "licencia": licencia_del_plan(plan).como_json(),
    }


# --- Formatos ----------------------------------------------------------------------------


def _valor(valor):
    """Un valor de una fila para la hoja de cálculo: «sí»/«no» en vez de un booleano; las cifras
    y los textos tal cual (``hojas_de_calculo`` neutraliza los textos que parecen fórmulas)."""
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    return valor


def como_csv(columnas: list[Columna], filas: list[dict]) -> bytes:
    """Las filas en CSV, con las columnas documentadas (``hojas_de_calculo.como_csv``)."""
    return hojas_de_calculo.como_csv(
        [c.nombre for c in columnas], ([_valor(fila[c.nombre]) for c in columnas] for fila in filas)
    )


def _celda(valor):
    """Valor de una celda de XLSX: las cifras como números."""
    valor = _valor(valor)
    return hojas_de_calculo.numero_de_celda(valor) if isinstance(valor, Decimal) else valor


_NEGRITA = Font(bold=True)
_ANCHO_MAXIMO = 60


def _ancho(textos) -> int:
    return min(max(10, max((len(t) for t in textos), default=0) + 2), _ANCHO_MAXIMO)


def _hoja(libro: Workbook, hoja: Hoja, filas: list[dict]) -> None:
    ws = libro.create_sheet(hoja.nombre)
    ws.append([c.nombre for c in hoja.columnas])
    for celda in ws[1]:
        celda.font = _NEGRITA
    for fila in filas:
        ws.append([_celda(fila[c.nombre]) for c in hoja.columnas])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(hoja.columnas))}{max(len(filas) + 1, 2)}"
    for indice, columna in enumerate(hoja.columnas, start=1):
        letra = get_column_letter(indice)
        ws.column_dimensions[letra].width = _ancho(
            [columna.nombre] + [hojas_de_calculo.texto_de_csv(_valor(fila[columna.nombre])) for fila in filas]
        )
        if columna.formato:
            for (celda,) in ws.iter_rows(min_row=2, min_col=indice, max_col=indice):
                celda.number_format = columna.formato


def _leeme(libro: Workbook, estado: EstadoPublico, informe, url_documentacion: str) -> None:
    ws = libro.active
    ws.title = "Léeme"
    periodo = estado.periodo
    if periodo is None:
        al_periodo = "El plan aún no tiene periodos publicados: no hay avances publicados y sus cifras quedan sin reporte."
    else:
        al_periodo = (
            f"Cifras al último periodo publicado: {periodo.nombre} "
            f"(del {periodo.inicio.isoformat()} al {periodo.fin.isoformat()})."
        )
    lineas = [
        f"{estado.plan.nombre}: datos abiertos",
        al_periodo,
        f"Cifras oficiales: las del {informe.titulo}." if informe else "Ningún informe publicado cubre ese periodo: no hay cifras oficiales, solo recalculadas.",
        DOS_CIFRAS,
        SOLO_LO_PUBLICADO,
        REGLA_REDONDEO,
        REGLA_FORMULAS,
        "Porcentajes como números de 0 a 100 (45.3 significa 45.3 %). Fechas AAAA-MM-DD.",
        texto_de_licencia(licencia_del_plan(estado.plan)),
        CONDICIONES,
        f"Documentación de cada archivo y columna: {url_documentacion}",
    ]
    for linea in lineas:
        ws.append([linea])
    ws["A1"].font = _NEGRITA
    ws.append([])
    ws.append(["hoja", "columna", "tipo", "significado", "ejemplo"])
    encabezado = ws.max_row
    for celda in ws[encabezado]:
        celda.font = _NEGRITA
    for hoja in HOJAS:
        ws.append([hoja.nombre, "", "", hoja.descripcion, ""])
        ws.cell(row=ws.max_row, column=1).font = _NEGRITA
        for c in hoja.columnas:
            ws.append([hoja.nombre, c.nombre, c.tipo, c.descripcion, c.ejemplo])
    ws.freeze_panes = f"A{encabezado + 1}"
    for letra, ancho in zip("ABCDE", (14, 24, 26, 100, 30)):
        ws.column_dimensions[letra].width = ancho
    for fila in ws.iter_rows(min_row=encabezado + 1, min_col=4, max_col=4):
        for celda in fila:
            celda.alignment = Alignment(wrap_text=True, vertical="top")


def como_xlsx(
    estado: EstadoPublico,
    cifras: CifrasDelPlan,
    avances: list[AvancePublicado],
    evidencias: list[dict],
    fichas: dict[int, FichaCompromiso],
    *,
    url_documentacion: str,
) -> bytes:
    """Libro con «Léeme», «Plan», «Ejes», «Compromisos», «Acciones», «Avances» y «Evidencias».

    Sin fecha de generación (ni en el libro ni en el ZIP): los mismos datos dan los mismos
    bytes. La hoja «Léeme» dice a qué periodo corresponden las cifras.
    """
    libro = Workbook()
    _leeme(libro, estado, cifras.informe, url_documentacion)
    filas = {
        "Plan": filas_de_plan(estado, cifras),
        "Ejes": filas_de_ejes(estado, cifras),
        "Compromisos": filas_de_compromisos(estado, cifras, fichas),
        "Acciones": filas_de_acciones(estado),
        "Avances": [avance.como_fila() for avance in avances],
        "Evidencias": evidencias,
    }
    for hoja in HOJAS:
        _hoja(libro, hoja, filas[hoja.nombre])
    return hojas_de_calculo.guardar_libro(libro, titulo=f"{estado.plan.nombre}: datos abiertos")
