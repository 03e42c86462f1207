"""El libro de un plan en hoja de cálculo: sus hojas, sus columnas y cómo se escribe.

Un solo formato para tres usos: la **plantilla** vacía que descarga quien va a crear un plan
(``plantilla()``), la **exportación** de la estructura de un plan (``exportacion_plan.py``, que
llena las mismas hojas) y la **importación** (``importacion_plan.py``, que las lee por el nombre
de sus encabezados, no por su posición).

Hojas: «Instrucciones» (qué es cada hoja y cada columna, con un ejemplo), «Plan» (una fila por
campo: campo y valor), «Ejes», «Compromisos», «Acciones» e «Instituciones» (una fila de
encabezados y una fila por elemento). Las celdas de texto nunca son fórmulas
(``seguimiento.hojas_de_calculo.guardar_libro``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plan.licencias import Licencia
from plan.models import Institucion, Retiro
from seguimiento.hojas_de_calculo import guardar_libro

HOJA_INSTRUCCIONES = "Instrucciones"
HOJA_PLAN = "Plan"
HOJA_EJES = "Ejes"
HOJA_COMPROMISOS = "Compromisos"
HOJA_ACCIONES = "Acciones"
HOJA_INSTITUCIONES = "Instituciones"

#: Filas de datos con validación en la plantilla (y como mínimo en una exportación).
FILAS_CON_VALIDACION = 500
#: Separador de listas dentro de una celda (ODS, metas ODS, partes cocreadoras).
SEPARADOR = ";"
#: Separador entre el título y la dirección de un enlace, uno por línea.
SEPARADOR_ENLACE = "|"
SI, NO = "Sí", "No"

_NEGRITA = Font(bold=True)
_TITULO = Font(bold=True, size=14)
_ENCABEZADO = PatternFill("solid", fgColor="FFF2CC")
_AJUSTE = Alignment(wrap_text=True, vertical="top")
FORMATO_FECHA = "dd/mm/yyyy"


@dataclass(frozen=True)
class Columna:
    clave: str
    encabezado: object  # texto traducible
    ancho: int
    #: texto, entero, peso, fecha, tipo (de institución), si_no, licencia
    tipo: str = "texto"
    obligatoria: bool = False
    ayuda: object = ""


def _c(clave, encabezado, ancho, tipo="texto", obligatoria=False, ayuda=""):
    return Columna(clave, encabezado, ancho, tipo, obligatoria, ayuda)


_AYUDA_PESO = gettext_lazy("Número no negativo (1 si se deja vacío); 0 lo excluye del cálculo del avance.")


def _columnas_del_retiro(*, destino) -> list[Columna]:
    """Las cuatro columnas del retiro (``plan.models.Retirable``) de un compromiso o una acción;
    ``destino`` es la ayuda de «Retirada en favor de» para ese nivel."""
    return [
        _c("retiro", gettext_lazy("Retiro"), 20, "retiro", ayuda=gettext_lazy(
            "Vacío mientras está vigente; si se retiró, uno de la lista (cancelada, fusionada con otra o sustituida por otra).")),
        _c("retiro_motivo", gettext_lazy("Motivo del retiro"), 40, ayuda=gettext_lazy(
            "Obligatorio si se retiró; vacío si está vigente. Se publica junto al elemento.")),
        _c("retiro_fecha", gettext_lazy("Fecha del retiro"), 13, "fecha", ayuda=gettext_lazy(
            "Obligatoria si se retiró (dd/mm/aaaa), no anterior al año de inicio del plan ni futura; vacía si está vigente.")),
        _c("retiro_destino", gettext_lazy("Retirada en favor de"), 12, "clave", ayuda=destino),
    ]


#: Los campos de la hoja «Plan» (columna «Campo»; su valor va en la columna «Valor»).
CAMPOS_PLAN = [
    _c("nombre", gettext_lazy("Nombre"), 0, obligatoria=True, ayuda=gettext_lazy("Nombre completo del plan.")),
    _c("nombre_corto", gettext_lazy("Nombre corto"), 0, ayuda=gettext_lazy("Hasta 60 caracteres, p. ej. «PAL 2025-2027».")),
    _c("entidad", gettext_lazy("Entidad federativa"), 0, obligatoria=True),
    _c("anio_inicio", gettext_lazy("Vigencia: año de inicio"), 0, "entero", True, gettext_lazy("Año, p. ej. 2025.")),
    _c("anio_fin", gettext_lazy("Vigencia: año de fin"), 0, "entero", True, gettext_lazy("Año, no anterior al de inicio.")),
    _c("fecha_meta", gettext_lazy("Fecha meta"), 0, "fecha", ayuda=gettext_lazy("Fecha en que el plan debe llegar al 100 % (dd/mm/aaaa).")),
    _c("descripcion", gettext_lazy("Descripción"), 0),
    _c("stl_nombre", gettext_lazy("Nombre del STL"), 0, ayuda=gettext_lazy("Nombre del Secretariado Técnico Local, tal como lo imprime el plan.")),
    _c("stl_facilitacion", gettext_lazy("Facilitador(a) del STL"), 0),
    _c("stl_correo", gettext_lazy("Correo del STL"), 0, "correo"),
    _c("stl_sitio_web", gettext_lazy("Sitio web del STL"), 0, "url"),
    _c("stl_domicilio", gettext_lazy("Domicilio del STL"), 0),
    _c("licencia", gettext_lazy("Licencia de los datos abiertos"), 0, "licencia", ayuda=gettext_lazy("Una de la lista; vacía: la del portal por omisión.")),
    _c("exige_evidencia", gettext_lazy("Exigir evidencia para validar"), 0, "si_no", ayuda=gettext_lazy("«Sí» o «No» (vacío: No).")),
]

COLUMNAS_EJES = [
    _c("numero", gettext_lazy("Número"), 9, "entero", True, gettext_lazy("1, 2, 3…: no se repite.")),
    _c("nombre", gettext_lazy("Nombre"), 40, obligatoria=True),
    _c("descripcion", gettext_lazy("Descripción"), 60),
    _c("peso", gettext_lazy("Peso"), 9, "peso", ayuda=_AYUDA_PESO),
]

COLUMNAS_COMPROMISOS = [
    _c("clave", gettext_lazy("Clave"), 9, "clave", True, gettext_lazy("Eje y número, p. ej. «1.5» (el 5.º compromiso del eje 1).")),
    _c("nombre", gettext_lazy("Nombre"), 40, obligatoria=True),
    _c("descripcion", gettext_lazy("Descripción y relevancia"), 50),
    _c("problema", gettext_lazy("Problema"), 40),
    _c("objetivo_principal", gettext_lazy("Objetivo principal"), 40),
    _c("metas_verificables", gettext_lazy("Metas verificables"), 40, ayuda=gettext_lazy("El propósito ciudadano.")),
    _c("medios_verificacion", gettext_lazy("Medios de verificación"), 40),
    _c("fecha_inicio", gettext_lazy("Fecha de inicio"), 13, "fecha"),
    _c("fecha_conclusion", gettext_lazy("Fecha de conclusión"), 13, "fecha", ayuda=gettext_lazy("No anterior a la de inicio.")),
    _c("alineacion_agenda_2030", gettext_lazy("Alineación con la Agenda 2030"), 40),
    _c("objetivos_ods", gettext_lazy("ODS"), 12, "lista", ayuda=gettext_lazy("Números de los ODS separados por «;», p. ej. «16; 17».")),
    _c("metas_ods", gettext_lazy("Metas ODS"), 14, "lista", ayuda=gettext_lazy("Claves de las metas separadas por «;», p. ej. «16.6; 16.10».")),
    _c("institucion", gettext_lazy("Institución responsable"), 24, obligatoria=True, ayuda=gettext_lazy("Siglas o nombre, como en la hoja «Instituciones».")),
    _c("partes_cocreadoras", gettext_lazy("Partes cocreadoras"), 24, "lista", ayuda=gettext_lazy("Siglas o nombres separados por «;», p. ej. «IACIP; UG».")),
    _c("titular_grado", gettext_lazy("Grado del titular"), 10, ayuda=gettext_lazy("Mtro., Dra., Lic.…")),
    _c("titular_nombre", gettext_lazy("Representante titular"), 28, ayuda=gettext_lazy("Nombre completo; es una persona de la institución responsable.")),
    _c("titular_cargo", gettext_lazy("Cargo del titular"), 28),
    _c("suplente_grado", gettext_lazy("Grado del suplente"), 10),
    _c("suplente_nombre", gettext_lazy("Representante suplente"), 28, ayuda=gettext_lazy("No puede ser el titular.")),
    _c("suplente_cargo", gettext_lazy("Cargo del suplente"), 28),
    _c("peso", gettext_lazy("Peso"), 9, "peso", ayuda=_AYUDA_PESO),
    _c("enlaces", gettext_lazy("Enlaces"), 50, ayuda=gettext_lazy("Uno por línea: «título | https://…» o solo la dirección.")),
    *_columnas_del_retiro(destino=gettext_lazy(
        "Solo si se fusionó o se sustituyó: la clave del compromiso con el que se fusionó o que lo sustituye, "
        "p. ej. «2.1»; debe estar en esta hoja y no ser el mismo.")),
]

COLUMNAS_ACCIONES = [
    _c("clave", gettext_lazy("Clave"), 9, "clave", True, gettext_lazy("Compromiso y número, p. ej. «1.5.3».")),
    _c("descripcion", gettext_lazy("Descripción"), 60, obligatoria=True),
    _c("destacado", gettext_lazy("Texto destacado"), 24, ayuda=gettext_lazy("Palabras de la descripción que van en negritas; deben aparecer tal cual en ella.")),
    _c("entregable", gettext_lazy("Entregable"), 36),
    _c("fecha_inicio", gettext_lazy("Fecha de inicio"), 13, "fecha"),
    _c("fecha_fin", gettext_lazy("Fecha de fin"), 13, "fecha", ayuda=gettext_lazy("No anterior a la de inicio.")),
    _c("peso", gettext_lazy("Peso"), 9, "peso", ayuda=_AYUDA_PESO),
    *_columnas_del_retiro(destino=gettext_lazy(
        "Solo si se fusionó o se sustituyó: la clave de la acción con la que se fusionó o que la sustituye, "
        "p. ej. «1.5.2»; debe estar en esta hoja y no ser la misma.")),
]

COLUMNAS_INSTITUCIONES = [
    _c("nombre", gettext_lazy("Nombre"), 44, obligatoria=True, ayuda=gettext_lazy("Nombre oficial completo; si ya está en el portal, se usa la registrada.")),
    _c("siglas", gettext_lazy("Siglas"), 12),
    _c("tipo", gettext_lazy("Tipo"), 22, "tipo", True, gettext_lazy("Uno de la lista.")),
    _c("sitio_web", gettext_lazy("Sitio web"), 30, "url"),
    _c("correo", gettext_lazy("Correo institucional"), 28, "correo"),
    _c("telefono", gettext_lazy("Teléfono institucional"), 20),
]

#: Las hojas de filas, en su orden, con sus columnas.
HOJAS = {
    HOJA_EJES: COLUMNAS_EJES,
    HOJA_COMPROMISOS: COLUMNAS_COMPROMISOS,
    HOJA_ACCIONES: COLUMNAS_ACCIONES,
    HOJA_INSTITUCIONES: COLUMNAS_INSTITUCIONES,
}
ENCABEZADO_CAMPO = gettext_lazy("Campo")
ENCABEZADO_VALOR = gettext_lazy("Valor")
ENCABEZADO_AYUDA = gettext_lazy("Qué va")


def tipos_de_institucion() -> list[str]:
    return [str(etiqueta) for etiqueta in Institucion.Tipo.labels]


def licencias() -> list[str]:
    return [str(etiqueta) for etiqueta in Licencia.labels]


def retiros() -> list[str]:
    return [str(etiqueta) for etiqueta in Retiro.labels]


# --- Escritura ----------------------------------------------------------------------------------


def _lista(valores: list[str], *, titulo: str, mensaje: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1='"' + ",".join(v.replace('"', "") for v in valores) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=titulo,
        error=mensaje,
    )


def _validacion(columna: Columna) -> DataValidation | None:
    if columna.tipo == "peso":
        return DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle=_("Peso no válido"),
            error=_("Escriba un número no negativo, p. ej. 1 o 0.5."),
        )
    if columna.tipo == "entero":
        return DataValidation(
            type="whole", operator="between", formula1="1", formula2="9999", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle=_("Número no válido"),
            error=_("Escriba un número entero positivo."),
        )
    if columna.tipo == "fecha":
        return DataValidation(
            type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle=_("Fecha no válida"),
            error=_("Escriba una fecha entre 2000 y 2099 (dd/mm/aaaa)."),
        )
    if columna.tipo == "tipo":
        return _lista(tipos_de_institucion(), titulo=_("Tipo no válido"), mensaje=_("Elija un tipo de la lista."))
    if columna.tipo == "licencia":
        return _lista(licencias(), titulo=_("Licencia no válida"), mensaje=_("Elija una licencia de la lista."))
    if columna.tipo == "retiro":
        return _lista(retiros(), titulo=_("Retiro no válido"), mensaje=_("Elija un retiro de la lista o deje la celda vacía (vigente)."))
    if columna.tipo == "si_no":
        return _lista([SI, NO], titulo=_("Sí o No"), mensaje=_("Elija «Sí» o «No»."))
    return None


def _instrucciones(ws, *, titulo: str, exportado: bool) -> None:
    ws.title = HOJA_INSTRUCCIONES
    lineas: list[tuple[str, Font | None]] = [
        (titulo, _TITULO),
        (
            _("Este libro es la estructura de un Plan de Acción Local. Se carga en Estado Abierto en «Mi trabajo» → "
              "«Importar un plan de una hoja de cálculo»: se revisa todo, se muestran todos los errores juntos con su "
              "hoja, fila y columna, y sin errores se ve la vista previa del plan antes de crearlo. Si hay un solo "
              "error no se crea nada."),
            None,
        ),
    ]
    if exportado:
        lineas.append(
            (_("Se exportó de un plan del portal: trae todos sus compromisos y acciones, también los retirados "
               "(con su retiro, su motivo, su fecha y en favor de cuál), sin avances. Puede cargarse como un plan "
               "nuevo, con otro identificador."), None)
        )
    lineas += [("", None), (_("Las hojas"), _NEGRITA)]
    lineas.append((_("«%(hoja)s»: una fila por campo del plan; escriba el valor en la columna «%(valor)s».")
                   % {"hoja": HOJA_PLAN, "valor": ENCABEZADO_VALOR}, None))
    descripciones = {
        HOJA_EJES: _("una fila por eje."),
        HOJA_COMPROMISOS: _("una fila por compromiso; su clave dice de qué eje es."),
        HOJA_ACCIONES: _("una fila por acción; su clave dice de qué compromiso es."),
        HOJA_INSTITUCIONES: _("las instituciones que nombran los compromisos (responsables y partes cocreadoras). "
                              "Una que ya está en el portal (por su nombre o sus siglas) no se duplica."),
    }
    for hoja, columnas in HOJAS.items():
        lineas.append((f"«{hoja}»: {descripciones[hoja]}", _NEGRITA))
        for columna in columnas:
            obligatoria = _(" (obligatoria)") if columna.obligatoria else ""
            ayuda = f": {columna.ayuda}" if columna.ayuda else ""
            lineas.append((f"    · {columna.encabezado}{obligatoria}{ayuda}", None))
    lineas += [
        ("", None),
        (_("Reglas"), _NEGRITA),
        (_("No cambie los nombres de las hojas ni los encabezados (la primera fila de cada hoja). El orden de las columnas no importa."), None),
        (_("Las claves no se repiten: «1.5» es el compromiso 5 del eje 1 y debe existir el eje 1; «1.5.3» es la acción 3 del compromiso 1.5, que debe existir."), None),
        (_("Los tipos de institución: %(tipos)s.") % {"tipos": "; ".join(tipos_de_institucion())}, None),
        (_("Las fechas, como fecha de la hoja de cálculo o escritas dd/mm/aaaa. Las listas (ODS, metas ODS, partes cocreadoras), separadas por «;»."), None),
        (_("El texto destacado de una acción debe aparecer tal cual en su descripción."), None),
        (_("Un compromiso o una acción retirados llevan su retiro (%(retiros)s), su motivo y su fecha; si se fusionaron "
           "o se sustituyeron, también la clave del elemento del mismo nivel en favor del cual se retiraron. Los vigentes "
           "dejan vacías esas cuatro columnas.") % {"retiros": "; ".join(retiros())}, None),
        (_("No escriba fórmulas: se rechazan."), None),
        ("", None),
        (_("Ejemplo"), _NEGRITA),
        (_("Ejes: 1 | Transparencia | Acceso a la información | 1"), None),
        (_("Compromisos: 1.1 | Datos abiertos de obra pública | … | ODS «16» | Metas ODS «16.6; 16.10» | Institución «IACIP» | Partes cocreadoras «UG» | Representante titular «Ana Pérez» | Peso 1"), None),
        (_("Acciones: 1.1.1 | Publicar el catálogo de obras en datos abiertos | Texto destacado «catálogo» | Entregable «Conjunto de datos» | Peso 1"), None),
        (_("Acción retirada: 1.1.2 | … | Retiro «Fusionada con otra» | Motivo del retiro «Acuerdo de la Primera Sesión Ordinaria» | Fecha del retiro 04/03/2024 | Retirada en favor de «1.1.1»"), None),
        (_("Instituciones: Instituto de Acceso a la Información Pública para el Estado de Guanajuato | IACIP | Organismo autónomo"), None),
    ]
    for texto, fuente in lineas:
        ws.append([texto])
        if fuente is not None:
            ws.cell(row=ws.max_row, column=1).font = fuente
    ws.column_dimensions["A"].width = 130
    for (celda,) in ws.iter_rows(min_col=1, max_col=1):
        celda.alignment = _AJUSTE


def _hoja_plan(libro: Workbook, valores: dict) -> None:
    ws = libro.create_sheet(HOJA_PLAN)
    ws.append([str(ENCABEZADO_CAMPO), str(ENCABEZADO_VALOR), str(ENCABEZADO_AYUDA)])
    for celda in ws[1]:
        celda.font = _NEGRITA
        celda.fill = _ENCABEZADO
    for numero, campo in enumerate(CAMPOS_PLAN, start=2):
        ws.cell(row=numero, column=1, value=str(campo.encabezado)).font = _NEGRITA
        celda = ws.cell(row=numero, column=2, value=valores.get(campo.clave))
        celda.alignment = _AJUSTE
        if campo.tipo == "fecha":
            celda.number_format = FORMATO_FECHA
        ayuda = (_("Obligatorio. ") if campo.obligatoria else "") + str(campo.ayuda)
        ws.cell(row=numero, column=3, value=ayuda.strip() or None).alignment = _AJUSTE
        validacion = _validacion(campo)
        if validacion is not None:
            validacion.add(f"B{numero}")
            ws.add_data_validation(validacion)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 50
    ws.freeze_panes = "A2"


def _hoja_de_filas(libro: Workbook, hoja: str, columnas: list[Columna], filas: list[dict]) -> None:
    ws = libro.create_sheet(hoja)
    for indice, columna in enumerate(columnas, start=1):
        celda = ws.cell(row=1, column=indice, value=str(columna.encabezado))
        celda.font = _NEGRITA
        celda.fill = _ENCABEZADO
        celda.alignment = _AJUSTE
        ws.column_dimensions[get_column_letter(indice)].width = columna.ancho
    for numero, valores in enumerate(filas, start=2):
        for indice, columna in enumerate(columnas, start=1):
            celda = ws.cell(row=numero, column=indice, value=valores.get(columna.clave))
            celda.alignment = _AJUSTE
            if columna.tipo == "fecha":
                celda.number_format = FORMATO_FECHA
            elif columna.tipo in ("clave", "lista"):
                celda.number_format = "@"  # «1.10» no es un número ni «16.6» una fecha
    ultima = max(len(filas) + 1, FILAS_CON_VALIDACION + 1)
    for indice, columna in enumerate(columnas, start=1):
        letra = get_column_letter(indice)
        validacion = _validacion(columna)
        if validacion is not None:
            validacion.add(f"{letra}2:{letra}{ultima}")
            ws.add_data_validation(validacion)
    ws.freeze_panes = "B2"


def libro_del_plan(
    *, titulo: str, plan: dict, hojas: dict[str, Iterable[dict]] | None = None, exportado: bool = False
) -> bytes:
    """Los bytes del libro: ``plan`` son los valores de la hoja «Plan» por clave de campo y
    ``hojas`` las filas de cada hoja (diccionarios por clave de columna)."""
    hojas = hojas or {}
    libro = Workbook()
    _instrucciones(libro.active, titulo=titulo, exportado=exportado)
    _hoja_plan(libro, plan)
    for hoja, columnas in HOJAS.items():
        _hoja_de_filas(libro, hoja, columnas, list(hojas.get(hoja, ())))
    libro.active = 0
    return guardar_libro(libro, titulo=titulo)


def plantilla() -> bytes:
    """La plantilla vacía para crear un plan."""
    return libro_del_plan(titulo=_("Plantilla para crear un Plan de Acción Local en Estado Abierto"), plan={})
