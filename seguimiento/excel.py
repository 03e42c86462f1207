"""Excel del trabajo bimestral: plantilla de captura, carga de avances y exportación (sin HTTP;
las vistas están en ``excel_views.py``).

* ``plantilla(...)`` arma el libro que descarga el STL o un responsable: una hoja
  «Instrucciones» y una hoja «Avances» con una fila por acción; las columnas que identifican
  la acción van en gris y protegidas, las editables tienen validación de datos, y una hoja
  oculta «Control» dice de qué plan y periodo es el archivo.
* ``leer_captura(...)`` revisa un archivo subido (tipo por contenido, tamaño, bomba zip),
  lee **todas** las filas y junta **todos** los errores, cada uno con hoja, fila y columna.
  No escribe nada: devuelve los cambios para la vista previa.
* ``aplicar_cambios(...)`` escribe los cambios confirmados en una sola transacción con
  ``flujo.guardar_avance`` (con la ``version`` leída en la vista previa): si un avance cambió
  o ya no se puede editar, no se guarda ninguno.
* ``exportar(...)`` escribe los avances de un periodo que la cuenta puede ver.

Las reglas del ciclo (bloqueos, disminución sin justificación) son las de ``flujo.py``; aquí
solo se traducen celdas a ``DatosAvance`` y errores a frases en español.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plan.models import Accion, Plan

from . import flujo
from .archivos import XLSX, detectar_tipo
from .flujo import ETAPAS_SUGERIDAS, DatosAvance
from .hojas_de_calculo import guardar_libro, numero_de_celda
from .models import Avance, Evidencia, Periodo
from .numeros import numero_exacto
from .selectores import avances_validados_anteriores

HOJA_INSTRUCCIONES = "Instrucciones"
HOJA_AVANCES = "Avances"
HOJA_CONTROL = "Control"
HOJA_EXPORTACION = "Avances del periodo"
#: Versión del formato de la plantilla (hoja «Control»): sube si cambian sus columnas.
FORMATO = 1

#: Largo máximo de la etapa (el del modelo) y de los textos largos de un avance.
LARGO_ETAPA = Avance._meta.get_field("etapa").max_length
LARGO_TEXTO = 10_000
#: Filas que se leen como máximo de la hoja «Avances» (un plan tiene decenas de acciones).
MAXIMO_FILAS = 3000

SI, NO = "Sí", "No"
_SI = {"si", "sí", "s", "yes", "true", "verdadero", "1"}
_NO = {"no", "n", "false", "falso", "0"}

_GRIS = PatternFill("solid", fgColor="E7E6E6")
_ENCABEZADO_EDITABLE = PatternFill("solid", fgColor="FFF2CC")
_NEGRITA = Font(bold=True)
_TITULO = Font(bold=True, size=14)
_AJUSTE = Alignment(wrap_text=True, vertical="top")
_ARRIBA = Alignment(vertical="top")
_FORMATO_FECHA_HORA = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Columna:
    clave: str
    encabezado: str
    ancho: int
    editable: bool = False


# Los encabezados son los que se buscan al leer el archivo: la hoja se lee por nombre de
# columna, no por posición.
COLUMNAS = [
    Columna("clave", gettext_lazy("Clave"), 9),
    Columna("compromiso", gettext_lazy("Compromiso"), 28),
    Columna("accion", gettext_lazy("Acción"), 50),
    Columna("institucion", gettext_lazy("Institución"), 18),
    Columna("anterior", gettext_lazy("Último avance validado (%)"), 14),
    Columna("estado", gettext_lazy("Estado actual"), 13),
    Columna("porcentaje", gettext_lazy("Avance %"), 11, editable=True),
    Columna("etapa", gettext_lazy("Etapa"), 28, editable=True),
    Columna("narrativa", gettext_lazy("Narrativa"), 50, editable=True),
    Columna("nota_aclaratoria_marcada", gettext_lazy("Nota aclaratoria (*)"), 13, editable=True),
    Columna("nota_aclaratoria", gettext_lazy("Texto de la nota aclaratoria"), 36, editable=True),
    Columna("justificacion", gettext_lazy("Justificación si disminuye"), 36, editable=True),
]
_POR_CLAVE = {c.clave: c for c in COLUMNAS}
EDITABLES = [c for c in COLUMNAS if c.editable]
#: Fila del título, fila de encabezados y primera fila de datos de la hoja «Avances».
FILA_TITULO, FILA_ENCABEZADOS, PRIMERA_FILA = 1, 2, 3


def _letra(clave: str) -> str:
    return get_column_letter(COLUMNAS.index(_POR_CLAVE[clave]) + 1)


def _fecha(valor: datetime.date | None) -> str:
    return valor.strftime("%d/%m/%Y") if valor else _("no registrada")


def _persona(usuario) -> str:
    if usuario is None:
        return ""
    return usuario.get_full_name() or usuario.get_username()


def _a_excel(momento: datetime.datetime | None):
    """Excel no guarda zonas horarias: la hora de la Ciudad de México, sin zona."""
    if momento is None:
        return None
    return timezone.localtime(momento).replace(tzinfo=None)


# --- Plantilla de captura --------------------------------------------------------------------


def _instrucciones(ws, *, plan: Plan, periodo: Periodo, url_carga: str, filas: int) -> None:
    ws.title = HOJA_INSTRUCCIONES
    ancho = _letra("porcentaje")
    ultima = _letra("justificacion")
    lineas: list[tuple[str, Font | None]] = [
        (_("Plantilla de captura de avances"), _TITULO),
        (_("Plan: %(plan)s") % {"plan": plan.nombre}, _NEGRITA),
        (
            _("Periodo: %(periodo)s (del %(inicio)s al %(fin)s)")
            % {"periodo": periodo.nombre, "inicio": _fecha(periodo.inicio), "fin": _fecha(periodo.fin)},
            _NEGRITA,
        ),
        (_("Fecha límite de entrega: %(fecha)s") % {"fecha": _fecha(periodo.fecha_limite)}, _NEGRITA),
        (
            ngettext(
                "La hoja «%(hoja)s» trae %(n)s acción.",
                "La hoja «%(hoja)s» trae %(n)s acciones.",
                filas,
            )
            % {"hoja": HOJA_AVANCES, "n": filas},
            None,
        ),
        ("", None),
        (_("Cómo llenarla"), _NEGRITA),
        (
            _(
                "1. Capture en la hoja «%(hoja)s», una fila por acción. Solo escriba en las columnas "
                "blancas (de la %(de)s a la %(a)s). Las columnas grises identifican la acción y están "
                "protegidas: no las cambie, ni agregue, borre o mueva filas o columnas."
            )
            % {"hoja": HOJA_AVANCES, "de": ancho, "a": ultima},
            None,
        ),
        (
            _(
                "2. «Avance %»: el avance ACUMULADO de la acción desde su inicio (no solo lo de este "
                "periodo): un número de 0 a 100, con hasta dos decimales y sin el signo %. "
                "Ejemplos: 45 o 37.5."
            ),
            None,
        ),
        (
            _(
                "3. Si el avance es menor que el «Último avance validado (%)», escriba en «Justificación "
                "si disminuye» por qué disminuye. Sin justificación, la carga se rechaza."
            ),
            None,
        ),
        (
            _("4. «Etapa»: elija una de la lista (%(etapas)s) o escriba otra, de hasta %(largo)s caracteres.")
            % {"etapas": "; ".join(ETAPAS_SUGERIDAS), "largo": LARGO_ETAPA},
            None,
        ),
        (_("5. «Narrativa»: qué se hizo en el periodo y qué falta."), None),
        (
            _(
                "6. «Nota aclaratoria (*)»: «%(si)s» si la cifra lleva nota aclaratoria, «%(no)s» si no. "
                "Escriba el texto de la nota en la columna siguiente."
            )
            % {"si": SI, "no": NO},
            None,
        ),
        (
            _(
                "7. Una fila con todas sus columnas blancas vacías no cambia nada. Un avance enviado o "
                "validado no se puede cambiar con la plantilla: deje su fila como está."
            ),
            None,
        ),
        (
            _("8. Las evidencias no van en la plantilla: agréguelas en la página de captura de cada acción."),
            None,
        ),
        ("", None),
        (_("Cómo cargarla"), _NEGRITA),
        (
            _(
                "1. Guarde el archivo como libro de Excel (.xlsx) y cárguelo en Estado Abierto: Mi trabajo → "
                "el plan → «Cargar avances desde Excel»."
            ),
            None,
        ),
        (
            _(
                "2. Se revisan todas las filas y se muestran todos los errores, cada uno con su hoja, fila "
                "y columna. Si hay un solo error no se guarda nada: corríjalo y vuelva a cargar el archivo."
            ),
            None,
        ),
        (
            _(
                "3. Sin errores, verá lo que va a cambiar en cada acción y elegirá «Guardar como "
                "borradores» o «Guardar y enviar al STL»."
            ),
            None,
        ),
        (
            _("4. Esta plantilla es solo del plan %(plan)s y del periodo %(periodo)s: en otro periodo se rechaza.")
            % {"plan": plan, "periodo": periodo.nombre},
            None,
        ),
    ]
    if plan.exige_evidencia:
        lineas.append(
            (_("5. Este plan exige al menos una evidencia para enviar un avance al STL."), None)
        )
    if url_carga:
        lineas.append((_("Dirección para cargarla: %(url)s") % {"url": url_carga}, None))
    for texto, fuente in lineas:
        ws.append([texto])
        if fuente is not None:
            ws.cell(row=ws.max_row, column=1).font = fuente
    ws.column_dimensions["A"].width = 120
    for (celda,) in ws.iter_rows(min_col=1, max_col=1):
        celda.alignment = Alignment(wrap_text=True, vertical="top")
    ws.protection.sheet = True


def _control(libro: Workbook, *, plan: Plan, periodo: Periodo) -> None:
    ws = libro.create_sheet(HOJA_CONTROL)
    ws.append([_("Hoja de control de la plantilla de Estado Abierto: no la cambie.")])
    ws.append(["plan", plan.slug])
    ws.append(["periodo", periodo.slug])
    ws.append(["formato", FORMATO])
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _validaciones(ws, ultima_fila: int) -> None:
    def rango(clave: str) -> str:
        letra = _letra(clave)
        return f"{letra}{PRIMERA_FILA}:{letra}{ultima_fila}"

    porcentaje = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        errorStyle="stop",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=_("Avance fuera de rango"),
        error=_("Escriba un número de 0 a 100: el avance acumulado, sin el signo %."),
        promptTitle=_("Avance acumulado"),
        prompt=_("De 0 a 100, con hasta dos decimales: lo logrado desde el inicio de la acción."),
    )
    etapas = ",".join(ETAPAS_SUGERIDAS)
    etapa = DataValidation(
        type="list",
        formula1=f'"{etapas}"',
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=_("Etapa no sugerida"),
        error=_("No es una de las etapas sugeridas. ¿La deja así? (hasta %(n)s caracteres)") % {"n": LARGO_ETAPA},
        promptTitle=_("Etapa"),
        prompt=_("Elija una etapa de la lista o escriba otra (hasta %(n)s caracteres).") % {"n": LARGO_ETAPA},
    )
    nota = DataValidation(
        type="list",
        formula1=f'"{SI},{NO}"',
        allow_blank=True,
        errorStyle="stop",
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=_("Sí o No"),
        error=_("Elija «%(si)s» o «%(no)s».") % {"si": SI, "no": NO},
        promptTitle=_("Nota aclaratoria (*)"),
        prompt=_("«%(si)s» si la cifra lleva nota aclaratoria.") % {"si": SI},
    )
    texto = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(LARGO_TEXTO),
        allow_blank=True,
        errorStyle="stop",
        showErrorMessage=True,
        errorTitle=_("Texto demasiado largo"),
        error=_("Escriba hasta %(n)s caracteres.") % {"n": f"{LARGO_TEXTO:,}"},
    )
    porcentaje.add(rango("porcentaje"))
    etapa.add(rango("etapa"))
    nota.add(rango("nota_aclaratoria_marcada"))
    for clave in ("narrativa", "nota_aclaratoria", "justificacion"):
        texto.add(rango(clave))
    for validacion in (porcentaje, etapa, nota, texto):
        ws.add_data_validation(validacion)


def plantilla(*, plan: Plan, periodo: Periodo, filas: Iterable, url_carga: str = "") -> bytes:
    """Libro de captura del periodo: una fila por acción de ``filas``.

    ``filas`` son las de ``selectores.filas_del_periodo`` (acción, su avance en el periodo y su
    último avance validado anterior): la vista decide qué acciones entran. Cada fila lleva lo
    capturado en el periodo, si lo hay.
    """
    filas = list(filas)
    libro = Workbook()
    _instrucciones(libro.active, plan=plan, periodo=periodo, url_carga=url_carga, filas=len(filas))

    ws = libro.create_sheet(HOJA_AVANCES)
    ws.cell(row=FILA_TITULO, column=1).value = _(
        "%(plan)s · %(periodo)s · fecha límite: %(fecha)s · capture solo en las columnas blancas"
    ) % {"plan": plan, "periodo": periodo.nombre, "fecha": _fecha(periodo.fecha_limite)}
    ws.cell(row=FILA_TITULO, column=1).font = _NEGRITA
    for indice, columna in enumerate(COLUMNAS, start=1):
        celda = ws.cell(row=FILA_ENCABEZADOS, column=indice, value=str(columna.encabezado))
        celda.font = _NEGRITA
        celda.alignment = _AJUSTE
        celda.fill = _ENCABEZADO_EDITABLE if columna.editable else _GRIS
        ws.column_dimensions[get_column_letter(indice)].width = columna.ancho
    ws.cell(row=FILA_ENCABEZADOS, column=COLUMNAS.index(_POR_CLAVE["porcentaje"]) + 1).comment = Comment(
        _("Avance acumulado de 0 a 100, sin el signo %."), "Estado Abierto"
    )

    for numero, fila in enumerate(filas, start=PRIMERA_FILA):
        accion, avance, anterior = fila.accion, fila.avance, fila.anterior
        compromiso = accion.compromiso
        valores = {
            "clave": accion.clave,
            "compromiso": f"{compromiso.clave}. {compromiso.nombre}",
            "accion": accion.descripcion,
            "institucion": compromiso.institucion_responsable.nombre_corto,
            "anterior": numero_de_celda(anterior.porcentaje) if anterior else _("sin reporte"),
            "estado": avance.get_estado_display() if avance else _("Sin enviar"),
        }
        if avance is not None:
            valores.update(
                porcentaje=numero_de_celda(avance.porcentaje),
                etapa=avance.etapa or None,
                narrativa=avance.narrativa or None,
                nota_aclaratoria_marcada=SI if avance.nota_aclaratoria_marcada else NO,
                nota_aclaratoria=avance.nota_aclaratoria or None,
                justificacion=avance.justificacion or None,
            )
        for indice, columna in enumerate(COLUMNAS, start=1):
            celda = ws.cell(row=numero, column=indice, value=valores.get(columna.clave))
            if columna.editable:
                celda.protection = Protection(locked=False)
                celda.alignment = _AJUSTE if columna.clave != "porcentaje" else _ARRIBA
            else:
                celda.fill = _GRIS
                celda.alignment = _AJUSTE
        # La clave siempre como texto: «1.5.3» no es una fecha ni un número.
        ws.cell(row=numero, column=1).number_format = "@"

    ultima_fila = PRIMERA_FILA + max(len(filas), 1) - 1
    _validaciones(ws, ultima_fila)
    ws.freeze_panes = ws.cell(row=PRIMERA_FILA, column=2)
    ws.protection.sheet = True
    # Protegida, pero se puede cambiar el ancho de columnas y el alto de filas.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    _control(libro, plan=plan, periodo=periodo)
    libro.active = 0
    return guardar_libro(libro, titulo=_("Plantilla de captura: %(plan)s, %(periodo)s") % {"plan": plan, "periodo": periodo.nombre})


# --- Lectura de una captura ------------------------------------------------------------------


@dataclass(frozen=True)
class Problema:
    """Un error de la carga, con el lugar exacto del archivo donde está (si lo tiene)."""

    mensaje: str
    hoja: str | None = None
    fila: int | None = None
    columna: str | None = None  # letra
    encabezado: str | None = None

    @property
    def lugar(self) -> str:
        if self.hoja is None:
            return ""
        if self.fila is None:
            return _("Hoja «%(hoja)s»") % {"hoja": self.hoja}
        if self.columna is None:
            return _("Hoja «%(hoja)s», fila %(fila)s") % {"hoja": self.hoja, "fila": self.fila}
        return _("Hoja «%(hoja)s», fila %(fila)s, columna %(columna)s (%(encabezado)s)") % {
            "hoja": self.hoja,
            "fila": self.fila,
            "columna": self.columna,
            "encabezado": self.encabezado,
        }

    def __str__(self) -> str:
        return f"{self.lugar}: {self.mensaje}" if self.lugar else self.mensaje


@dataclass(frozen=True)
class Diferencia:
    campo: str  # encabezado de la columna
    antes: str
    despues: str


@dataclass
class Cambio:
    """Lo que una fila válida del archivo va a escribir en un avance."""

    accion_id: int
    clave: str
    descripcion: str
    fila: int
    #: ``version`` del avance al leer el archivo (0 si no existía): la de ``guardar_avance``.
    version: int
    estado: str  # texto del estado actual: «Sin enviar», «Borrador», «Devuelto»
    datos: DatosAvance
    diferencias: list[Diferencia] = field(default_factory=list)
    #: Sin cambios en los datos: solo se guarda si se elige enviar (un borrador o devuelto).
    solo_enviar: bool = False

    def para_sesion(self) -> dict:
        """Lo que se guarda en la sesión entre la vista previa y la confirmación (JSON)."""
        return {
            "accion": self.accion_id,
            "clave": self.clave,
            "version": self.version,
            "solo_enviar": self.solo_enviar,
            # Para volver a mostrar la vista previa (no se usan al escribir).
            "descripcion": self.descripcion,
            "estado": self.estado,
            "fila": self.fila,
            "diferencias": [
                {"campo": d.campo, "antes": d.antes, "despues": d.despues} for d in self.diferencias
            ],
            "datos": {
                "porcentaje": str(self.datos.porcentaje),
                "etapa": self.datos.etapa,
                "narrativa": self.datos.narrativa,
                "nota_aclaratoria_marcada": self.datos.nota_aclaratoria_marcada,
                "nota_aclaratoria": self.datos.nota_aclaratoria,
                "justificacion": self.datos.justificacion,
            },
        }


@dataclass
class Lectura:
    errores: list[Problema] = field(default_factory=list)
    #: Filas cuyo contenido cambia el avance guardado (o lo crea).
    cambios: list[Cambio] = field(default_factory=list)
    #: Borradores o devueltos sin cambios en el archivo: se envían si se elige enviar.
    por_enviar: list[Cambio] = field(default_factory=list)
    #: Filas con datos iguales a lo guardado.
    sin_cambios: int = 0
    #: Filas con algo en las columnas editables.
    con_datos: int = 0
    #: Claves que no podrían enviarse porque el plan exige evidencia y no tienen.
    sin_evidencia: list[str] = field(default_factory=list)

    @property
    def valida(self) -> bool:
        return not self.errores

    @property
    def hay_algo_que_guardar(self) -> bool:
        return bool(self.cambios or self.por_enviar)


class _ArchivoInvalido(Exception):
    """Error que impide leer las filas (tipo, hojas, encabezados, plan o periodo)."""

    def __init__(self, *problemas: Problema):
        self.problemas = list(problemas)


def revisar_archivo(archivo, nombre: str | None = None) -> None:
    """Que sea un libro de Excel (.xlsx) por su contenido, de tamaño permitido y sin bomba zip.

    Lanza ``ValidationError`` en español que nombra el archivo.
    """
    nombre = nombre or getattr(archivo, "name", None) or _("sin nombre")
    no_es_excel = _(
        "El archivo «%(nombre)s» no es un libro de Excel (.xlsx). Descargue la plantilla del periodo, "
        "capture en ella y guárdela como libro de Excel."
    ) % {"nombre": nombre}
    try:
        tipo = detectar_tipo(archivo, nombre)
    except ValidationError as error:
        if error.code in ("marcado", "tipo_no_permitido"):
            raise ValidationError(no_es_excel, code=error.code) from None
        raise
    if tipo != XLSX:
        raise ValidationError(
            _("El archivo «%(nombre)s» es un(a) %(tipo)s, no un libro de Excel (.xlsx). %(ayuda)s")
            % {
                "nombre": nombre,
                "tipo": tipo.nombre,
                "ayuda": _("Descargue la plantilla del periodo, capture en ella y guárdela como libro de Excel."),
            },
            code="no_es_xlsx",
        )


def _texto_celda(valor) -> str:
    """El valor de una celda como texto, sin espacios sobrantes."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return SI if valor else NO
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    if isinstance(valor, datetime.datetime):
        return valor.strftime("%d/%m/%Y %H:%M") if valor.time() != datetime.time() else valor.strftime("%d/%m/%Y")
    if isinstance(valor, datetime.date):
        return valor.strftime("%d/%m/%Y")
    return str(valor).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "").strip()


def _porcentaje(valor, formato: str | None) -> Decimal:
    """Lee «Avance %»; lanza ``ValueError`` con el mensaje para la persona."""
    mostrado = _texto_celda(valor)
    if isinstance(valor, bool):
        raise ValueError(_("«%(valor)s» no es un número entre 0 y 100.") % {"valor": mostrado})
    if isinstance(valor, (int, float)):
        numero = Decimal(str(valor))
        if formato and "%" in formato:
            # Celda con formato de porcentaje: Excel guarda 45 % como 0.45.
            numero *= 100
            mostrado = f"{numero_exacto(numero)} %"
    else:
        texto = mostrado.replace("\u00a0", " ").removesuffix("%").strip()
        if "," in texto and "." not in texto and texto.count(",") == 1:
            texto = texto.replace(",", ".")
        try:
            numero = Decimal(texto)
        except InvalidOperation:
            raise ValueError(_("«%(valor)s» no es un número entre 0 y 100.") % {"valor": mostrado}) from None
    if not numero.is_finite():
        raise ValueError(_("«%(valor)s» no es un número entre 0 y 100.") % {"valor": mostrado})
    if numero < 0 or numero > 100:
        raise ValueError(
            _("«%(valor)s» está fuera del rango: el avance va de 0 a 100.") % {"valor": mostrado}
        )
    if numero.normalize().as_tuple().exponent < -2:
        raise ValueError(
            _("«%(valor)s» tiene más de dos decimales; escríbalo con dos como máximo (p. ej. 33.33).")
            % {"valor": mostrado}
        )
    return numero.quantize(Decimal("0.01"))


def _si_no(valor) -> bool:
    if valor is None or valor == "":
        return False
    if isinstance(valor, bool):
        return valor
    texto = _texto_celda(valor).lower()
    if texto in _SI:
        return True
    if texto in _NO:
        return False
    raise ValueError(
        _("«%(valor)s» no es «%(si)s» ni «%(no)s».") % {"valor": _texto_celda(valor), "si": SI, "no": NO}
    )


def _mostrar(campo: str, valor) -> str:
    if campo == "porcentaje":
        return f"{numero_exacto(valor)} %" if valor is not None else "—"
    if campo == "nota_aclaratoria_marcada":
        return SI if valor else NO
    return valor or _("(vacío)")


def _diferencias(datos: DatosAvance, avance: Avance | None) -> list[Diferencia]:
    diferencias = []
    for campo in DatosAvance.CAMPOS:
        nuevo = getattr(datos, campo)
        if avance is None:
            antes = None
            # Un avance nuevo: se listan los campos con algo.
            if campo != "porcentaje" and not nuevo:
                continue
        else:
            antes = getattr(avance, campo)
            if antes == nuevo or (isinstance(antes, str) and _texto_celda(antes) == nuevo):
                continue
        diferencias.append(
            Diferencia(
                campo=str(_POR_CLAVE[campo].encabezado),
                antes=_mostrar(campo, antes) if avance is not None else "—",
                despues=_mostrar(campo, nuevo),
            )
        )
    return diferencias


def _abrir(archivo, nombre: str, *, calculado: bool):
    """El libro en solo lectura: con el valor que Excel calculó para cada fórmula
    (``calculado``) o con las fórmulas mismas."""
    try:
        archivo.seek(0)
        return load_workbook(archivo, read_only=True, data_only=calculado)
    except Exception:  # openpyxl lanza errores de muchos tipos ante un libro dañado
        raise _ArchivoInvalido(
            Problema(
                _(
                    "El archivo «%(nombre)s» parece un libro de Excel, pero no se pudo abrir: puede estar "
                    "dañado. Ábralo en Excel, guárdelo de nuevo como .xlsx y vuelva a cargarlo."
                )
                % {"nombre": nombre}
            )
        ) from None


def _revisar_control(libro, *, plan: Plan, periodo: Periodo) -> None:
    descargue = _("Descargue la plantilla del periodo %(periodo)s y capture en ella.") % {"periodo": periodo.nombre}
    if HOJA_CONTROL not in libro.sheetnames:
        raise _ArchivoInvalido(
            Problema(
                _("El archivo no es una plantilla de captura de Estado Abierto (le falta su hoja «%(hoja)s»). ")
                % {"hoja": HOJA_CONTROL}
                + descargue
            )
        )
    control = {}
    for fila in libro[HOJA_CONTROL].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if fila and fila[0] is not None:
            control[_texto_celda(fila[0])] = _texto_celda(fila[1] if len(fila) > 1 else None)
    if control.get("plan") != plan.slug:
        raise _ArchivoInvalido(
            Problema(
                _("Esta plantilla es de otro plan («%(otro)s»), no del %(plan)s. ")
                % {"otro": control.get("plan") or _("sin plan"), "plan": plan}
                + descargue,
                hoja=HOJA_CONTROL,
            )
        )
    if control.get("periodo") != periodo.slug:
        raise _ArchivoInvalido(
            Problema(
                _(
                    "Esta plantilla es de otro periodo («%(otro)s»), no de %(periodo)s. Cárguela en su "
                    "periodo o descargue la de este."
                )
                % {"otro": control.get("periodo") or _("sin periodo"), "periodo": periodo.nombre},
                hoja=HOJA_CONTROL,
            )
        )
    if control.get("formato") != str(FORMATO):
        raise _ArchivoInvalido(
            Problema(_("La plantilla es de una versión anterior de Estado Abierto. ") + descargue, hoja=HOJA_CONTROL)
        )


def _encabezados(filas) -> tuple[int, dict[str, int]]:
    """Número de la fila de encabezados y la posición (0…) de cada columna, por su encabezado."""
    buscados = {str(c.encabezado).casefold(): c.clave for c in COLUMNAS}
    for numero, fila, _formulas in filas:
        textos = [_texto_celda(getattr(celda, "value", None)).casefold() for celda in fila]
        if str(_POR_CLAVE["clave"].encabezado).casefold() not in textos:
            if numero >= 10:
                break
            continue
        posiciones = {}
        for indice, texto in enumerate(textos):
            if texto in buscados and buscados[texto] not in posiciones:
                posiciones[buscados[texto]] = indice
        faltan = [c for c in COLUMNAS if c.clave not in posiciones and (c.editable or c.clave == "clave")]
        if faltan:
            raise _ArchivoInvalido(
                Problema(
                    ngettext(
                        "Falta la columna %(columnas)s. No cambie los encabezados de la plantilla.",
                        "Faltan las columnas %(columnas)s. No cambie los encabezados de la plantilla.",
                        len(faltan),
                    )
                    % {"columnas": ", ".join(f"«{c.encabezado}»" for c in faltan)},
                    hoja=HOJA_AVANCES,
                    fila=numero,
                )
            )
        return numero, posiciones
    raise _ArchivoInvalido(
        Problema(
            _("No se encontró la fila de encabezados (la que empieza con «%(clave)s»). No cambie los encabezados de la plantilla.")
            % {"clave": _POR_CLAVE["clave"].encabezado},
            hoja=HOJA_AVANCES,
        )
    )


def _filas_numeradas(ws, ws_formulas):
    """Cada fila de la hoja con su número (1…), sus celdas con el valor que Excel calculó y las
    mismas celdas con su fórmula, si la tienen (el mismo archivo, leído sin calcular)."""
    for numero, (fila, formulas) in enumerate(zip(ws.iter_rows(), ws_formulas.iter_rows()), start=1):
        yield numero, fila, formulas


def leer_captura(archivo, *, plan: Plan, periodo: Periodo, acceso, nombre: str | None = None) -> Lectura:
    """Revisa el archivo y cada fila de la hoja «Avances»; no escribe nada.

    Junta todos los errores (cada uno con hoja, fila y columna). Sin errores, ``cambios`` trae
    lo que cada fila cambiaría, con la ``version`` de cada avance tal como está ahora.
    Tres consultas, sea cual sea el número de filas.

    El libro se lee dos veces: con los valores que Excel calculó (una fórmula cuenta por su
    resultado, como hasta ahora) y con sus fórmulas, para no tomar por vacía una celda con una
    fórmula que nadie calculó (un archivo escrito por un programa, no por Excel).
    """
    nombre = nombre or getattr(archivo, "name", None) or _("sin nombre")
    lectura = Lectura()
    try:
        revisar_archivo(archivo, nombre)
    except ValidationError as error:
        lectura.errores.extend(Problema(mensaje) for mensaje in error.messages)
        return lectura
    try:
        libro = _abrir(archivo, nombre, calculado=True)
        try:
            _revisar_control(libro, plan=plan, periodo=periodo)
            if HOJA_AVANCES not in libro.sheetnames:
                raise _ArchivoInvalido(
                    Problema(_("Al archivo le falta la hoja «%(hoja)s».") % {"hoja": HOJA_AVANCES})
                )
            con_formulas = _abrir(archivo, nombre, calculado=False)
            try:
                _leer_filas(
                    libro[HOJA_AVANCES], con_formulas[HOJA_AVANCES], lectura, plan=plan, periodo=periodo, acceso=acceso
                )
            finally:
                con_formulas.close()
        finally:
            libro.close()
    except _ArchivoInvalido as error:
        lectura.errores.extend(error.problemas)
    return lectura


@dataclass
class _Contexto:
    """Lo que comparten las filas de una carga: dónde está cada columna, las tablas de consulta
    (leídas una vez, antes de recorrer las filas) y lo que se va juntando."""

    lectura: Lectura
    plan: Plan
    periodo: Periodo
    acceso: object
    posiciones: dict[str, int]
    #: Las acciones del plan por clave (para distinguir «no existe» de «no es suya»).
    acciones: dict[str, Accion]
    #: Los avances del periodo por acción, con cuántas evidencias tienen (``n_evidencias``).
    avances: dict[int, Avance]
    #: El último avance validado de cada acción en un periodo anterior.
    anteriores: dict[int, Avance]
    #: Clave → primera fila donde apareció.
    vistas: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fila:
    """Una fila de la hoja «Avances»: sus celdas por clave de columna y sus errores."""

    numero: int
    celdas: tuple
    formulas: tuple
    contexto: _Contexto

    def _indice(self, clave: str) -> int | None:
        indice = self.contexto.posiciones.get(clave)
        return None if indice is None or indice >= len(self.celdas) else indice

    def celda(self, clave: str):
        indice = self._indice(clave)
        return None if indice is None else self.celdas[indice]

    def valor(self, clave: str):
        return getattr(self.celda(clave), "value", None)

    def formula_sin_valor(self, clave: str) -> str | None:
        """La fórmula de la celda si Excel no guardó su resultado (se leería vacía)."""
        indice = self._indice(clave)
        if indice is None or indice >= len(self.formulas) or self.valor(clave) is not None:
            return None
        celda = self.formulas[indice]
        if getattr(celda, "data_type", None) != "f":
            return None
        return str(celda.value)

    def problema(self, mensaje: str, clave: str | None = None) -> None:
        lugar = {"hoja": HOJA_AVANCES, "fila": self.numero}
        if clave is not None:
            lugar.update(
                columna=get_column_letter(self.contexto.posiciones[clave] + 1),
                encabezado=str(_POR_CLAVE[clave].encabezado),
            )
        self.contexto.lectura.errores.append(Problema(mensaje, **lugar))


def _leer_filas(ws, ws_formulas, lectura: Lectura, *, plan: Plan, periodo: Periodo, acceso) -> None:
    for hoja in (ws, ws_formulas):
        hoja.reset_dimensions()  # no confiar en la dimensión declarada por el archivo
    filas = _filas_numeradas(ws, ws_formulas)
    fila_encabezados, posiciones = _encabezados(filas)

    # Tablas de consulta, una vez antes de recorrer las filas (tres consultas).
    contexto = _Contexto(
        lectura=lectura,
        plan=plan,
        periodo=periodo,
        acceso=acceso,
        posiciones=posiciones,
        acciones={
            a.clave: a
            for a in Accion.objects.del_plan(plan).select_related(
                "compromiso__eje", "compromiso__institucion_responsable"
            )
        },
        avances={
            a.accion_id: a
            for a in Avance.objects.filter(periodo=periodo, accion__compromiso__eje__plan=plan).annotate(
                n_evidencias=Count("evidencias", filter=Q(evidencias__retirada_en__isnull=True))
            )
        },
        anteriores=avances_validados_anteriores(Accion.objects.del_plan(plan), periodo),
    )

    for numero, celdas, formulas in filas:
        if numero > MAXIMO_FILAS:
            lectura.errores.append(
                Problema(
                    _("La hoja tiene más de %(n)s filas; se revisaron solo las primeras. Quite las filas que no son de acciones.")
                    % {"n": MAXIMO_FILAS},
                    hoja=HOJA_AVANCES,
                )
            )
            break
        _leer_fila(_Fila(numero, celdas, formulas, contexto))

    if not lectura.con_datos and not lectura.errores:
        lectura.errores.append(
            Problema(
                _("La hoja no trae ningún avance: todas las filas tienen vacías las columnas para capturar."),
                hoja=HOJA_AVANCES,
            )
        )
    if plan.exige_evidencia:
        lectura.sin_evidencia = [
            c.clave
            for c in lectura.cambios + lectura.por_enviar
            if not getattr(contexto.avances.get(c.accion_id), "n_evidencias", 0)
        ]


#: Columnas que se leen de cada fila: la clave y las editables.
_LEIDAS = ["clave"] + [c.clave for c in EDITABLES]
_LARGO_MOSTRADO_FORMULA = 40


def _leer_fila(fila: _Fila) -> None:
    """Una fila, paso a paso: fórmulas sin calcular, fila vacía, la acción, los datos de cada
    columna y, por último, el cambio que haría (o por qué no se puede)."""
    if _formulas_sin_valor(fila):
        fila.contexto.lectura.con_datos += 1
        return
    if all(_texto_celda(fila.valor(c.clave)) == "" for c in EDITABLES):
        return  # sin nada que capturar: no cambia nada
    fila.contexto.lectura.con_datos += 1
    accion = _accion_de_la_fila(fila)
    if accion is None:
        return
    datos = _datos_de_la_fila(fila)
    if datos is None:
        return
    _registrar_cambio(fila, accion, datos)


def _formulas_sin_valor(fila: _Fila) -> bool:
    """Un error en cada celda leída que tiene una fórmula sin resultado guardado. Excel guarda
    el resultado de cada fórmula; un archivo escrito por otro programa puede no traerlo, y la
    celda se leería vacía: la fila parecería sin cambios."""
    hubo = False
    for clave in _LEIDAS:
        formula = fila.formula_sin_valor(clave)
        if formula is None:
            continue
        if len(formula) > _LARGO_MOSTRADO_FORMULA:
            formula = formula[: _LARGO_MOSTRADO_FORMULA - 1] + "…"
        que = _("el número") if clave == "porcentaje" else _("el valor")
        fila.problema(
            _(
                "la celda tiene una fórmula (%(formula)s) sin valor calculado; escriba %(que)s o ábrala "
                "en Excel y guárdela."
            )
            % {"formula": formula, "que": que},
            clave,
        )
        hubo = True
    return hubo


def _accion_de_la_fila(fila: _Fila) -> Accion | None:
    """La acción de la columna «Clave», si existe, no se repite y la cuenta puede capturarla."""
    contexto = fila.contexto
    clave = _texto_celda(fila.valor("clave"))
    if not clave:
        fila.problema(_("La fila trae datos pero no tiene clave de acción."), "clave")
        return None
    if clave in contexto.vistas:
        fila.problema(
            _("La acción %(clave)s ya viene en la fila %(fila)s: deje una sola fila por acción.")
            % {"clave": clave, "fila": contexto.vistas[clave]},
            "clave",
        )
        return None
    contexto.vistas[clave] = fila.numero
    accion = contexto.acciones.get(clave)
    if accion is None:
        fila.problema(
            _("«%(clave)s» no es la clave de una acción del plan %(plan)s.") % {"clave": clave, "plan": contexto.plan},
            "clave",
        )
        return None
    if not contexto.acceso.captura_institucion(accion.compromiso.institucion_responsable_id):
        fila.problema(
            _("La acción %(clave)s no es de su institución: no puede cargar su avance.") % {"clave": clave},
            "clave",
        )
        return None
    return accion


def _datos_de_la_fila(fila: _Fila) -> DatosAvance | None:
    """Cada columna editable como dato del avance, con todos sus errores (``None`` si hubo)."""
    datos = {}
    hubo_error = False
    texto_porcentaje = fila.valor("porcentaje")
    if _texto_celda(texto_porcentaje) == "":
        fila.problema(_("Falta el avance: escriba un número de 0 a 100."), "porcentaje")
        hubo_error = True
    else:
        try:
            datos["porcentaje"] = _porcentaje(texto_porcentaje, getattr(fila.celda("porcentaje"), "number_format", None))
        except ValueError as error:
            fila.problema(str(error), "porcentaje")
            hubo_error = True
    for campo, largo in (
        ("etapa", LARGO_ETAPA),
        ("narrativa", LARGO_TEXTO),
        ("nota_aclaratoria", LARGO_TEXTO),
        ("justificacion", LARGO_TEXTO),
    ):
        texto = _texto_celda(fila.valor(campo))
        if len(texto) > largo:
            fila.problema(
                _("El texto tiene %(n)s caracteres; el máximo es %(max)s.") % {"n": f"{len(texto):,}", "max": f"{largo:,}"},
                campo,
            )
            hubo_error = True
        datos[campo] = texto
    try:
        datos["nota_aclaratoria_marcada"] = _si_no(fila.valor("nota_aclaratoria_marcada"))
    except ValueError as error:
        fila.problema(str(error), "nota_aclaratoria_marcada")
        hubo_error = True
    return None if hubo_error else DatosAvance(**datos)


def _registrar_cambio(fila: _Fila, accion: Accion, datos: DatosAvance) -> None:
    """Las reglas del ciclo y el bloqueo del avance; si pasa, el cambio (o el envío pendiente)."""
    contexto = fila.contexto
    lectura = contexto.lectura
    anterior = contexto.anteriores.get(accion.id)
    errores_regla = flujo.errores_de_datos(datos, anterior)  # también marca la nota si hay texto
    avance = contexto.avances.get(accion.id)
    diferencias = _diferencias(datos, avance)
    bloqueo = flujo.motivo_bloqueo(avance, contexto.periodo, como_stl=contexto.acceso.gestiona)
    pendiente = avance is not None and avance.estado in (Avance.Estado.BORRADOR, Avance.Estado.DEVUELTO)
    if not diferencias:
        lectura.sin_cambios += 1
        if not pendiente or bloqueo or errores_regla:
            return
    elif bloqueo:
        fila.problema(
            _("La acción %(clave)s no se puede cambiar: %(motivo)s") % {"clave": accion.clave, "motivo": bloqueo}
        )
        return
    if errores_regla:
        for campo, mensaje in errores_regla.items():
            fila.problema(mensaje, campo if campo in contexto.posiciones else None)
        return
    cambio = Cambio(
        accion_id=accion.id,
        clave=accion.clave,
        descripcion=accion.descripcion,
        fila=fila.numero,
        version=avance.version if avance else 0,
        estado=avance.get_estado_display() if avance else _("Sin enviar"),
        datos=datos,
        diferencias=diferencias,
        solo_enviar=not diferencias,
    )
    (lectura.cambios if diferencias else lectura.por_enviar).append(cambio)


# --- Aplicar lo confirmado ---------------------------------------------------------------------


class CargaRechazada(Exception):
    """La confirmación no procede; no se escribió nada. ``conflicto``: otra persona cambió algo."""

    def __init__(self, mensaje: str, *, conflicto: bool = False):
        self.mensaje = mensaje
        self.conflicto = conflicto
        super().__init__(mensaje)


def _datos_de_sesion(datos: dict) -> DatosAvance:
    return DatosAvance(
        porcentaje=Decimal(datos["porcentaje"]),
        etapa=datos["etapa"],
        narrativa=datos["narrativa"],
        nota_aclaratoria_marcada=bool(datos["nota_aclaratoria_marcada"]),
        nota_aclaratoria=datos["nota_aclaratoria"],
        justificacion=datos["justificacion"],
    )


def _quien_cambio(actual: Avance | None) -> str:
    if actual is None:
        return _("el avance se borró")
    texto = _("ahora está %(estado)s") % {"estado": actual.get_estado_display().lower()}
    cuenta, cuando = actual.ultimo_movimiento
    if cuenta is not None:
        texto += _("; lo cambió %(persona)s") % {"persona": _persona(cuenta)}
    if cuando is not None:
        texto += _(" el %(fecha)s") % {"fecha": timezone.localtime(cuando).strftime("%d/%m/%Y a las %H:%M")}
    return texto


def _cambio_despues(clave: str, actual: Avance | None) -> CargaRechazada:
    return CargaRechazada(
        _(
            "El avance de la acción %(clave)s cambió después de la vista previa (%(quien)s). "
            "No se guardó ningún avance: vuelva a cargar el archivo para ver los cambios contra "
            "lo que hay ahora."
        )
        % {"clave": clave, "quien": _quien_cambio(actual)},
        conflicto=True,
    )


def _aplicables(cambios: list[dict], enviar: bool) -> list[dict]:
    aplicables = [c for c in cambios if enviar or not c.get("solo_enviar")]
    if not aplicables:
        raise CargaRechazada(_("No hay nada que guardar: el archivo no cambia ningún avance."))
    return aplicables


def revisar_confirmacion(*, periodo: Periodo, cambios: list[dict], enviar: bool) -> None:
    """Lo que se revisa pronto antes de pedir la escritura (en segundo plano): que haya algo que
    guardar y que ningún avance de la vista previa haya cambiado desde entonces (una consulta,
    con quién lo cambió); si no, ``CargaRechazada``. ``aplicar_cambios`` lo vuelve a exigir,
    avance por avance y con bloqueo, al escribir."""
    aplicables = _aplicables(cambios, enviar)
    actuales = {
        a.accion_id: a
        for a in Avance.objects.filter(periodo=periodo, accion_id__in=[c["accion"] for c in aplicables]).select_related(
            "capturado_por", "enviado_por", "devuelto_por", "validado_por"
        )
    }
    for cambio in aplicables:
        actual = actuales.get(cambio["accion"])
        if (actual.version if actual else 0) != cambio["version"]:
            raise _cambio_despues(cambio["clave"], actual)


def aplicar_cambios(*, plan: Plan, periodo: Periodo, acceso, usuario, cambios: list[dict], enviar: bool) -> int:
    """Escribe los cambios confirmados (``Cambio.para_sesion()``) en una sola transacción.

    Cada avance se guarda con la ``version`` leída en la vista previa: si alguno cambió desde
    entonces, ya no se puede editar o no pasa las reglas del ciclo, lanza ``CargaRechazada``
    con la acción y el motivo, y no queda escrito ninguno. Devuelve cuántos se guardaron.
    """
    aplicables = _aplicables(cambios, enviar)
    acciones = Accion.objects.del_plan(plan).select_related("compromiso__eje").in_bulk([c["accion"] for c in aplicables])
    with transaction.atomic():
        for cambio in aplicables:
            accion = acciones.get(cambio["accion"])
            clave = cambio["clave"]
            if accion is None or not acceso.captura_institucion(accion.compromiso.institucion_responsable_id):
                raise CargaRechazada(
                    _("Su cuenta ya no puede cargar el avance de la acción %(clave)s. No se guardó ningún avance.")
                    % {"clave": clave}
                )
            try:
                flujo.guardar_avance(
                    accion=accion,
                    periodo=periodo,
                    usuario=usuario,
                    datos=_datos_de_sesion(cambio["datos"]),
                    version=cambio["version"],
                    enviar=enviar,
                    como_stl=acceso.gestiona,
                )
            except flujo.Conflicto as error:
                raise _cambio_despues(clave, error.actual) from None
            except ValidationError as error:
                raise CargaRechazada(
                    _("Acción %(clave)s: %(motivo)s No se guardó ningún avance.")
                    % {"clave": clave, "motivo": " ".join(error.messages)}
                ) from None
    return len(aplicables)


# --- Exportación -------------------------------------------------------------------------------


COLUMNAS_EXPORTACION = [
    (gettext_lazy("Clave"), 9),
    (gettext_lazy("Compromiso"), 28),
    (gettext_lazy("Acción"), 50),
    (gettext_lazy("Institución"), 18),
    (gettext_lazy("Estado"), 12),
    (gettext_lazy("Avance %"), 10),
    (gettext_lazy("Último avance validado (%)"), 14),
    (gettext_lazy("Etapa"), 28),
    (gettext_lazy("Narrativa"), 50),
    (gettext_lazy("Nota aclaratoria (*)"), 12),
    (gettext_lazy("Texto de la nota aclaratoria"), 36),
    (gettext_lazy("Justificación si disminuye"), 36),
    (gettext_lazy("Observaciones del STL"), 36),
    (gettext_lazy("Capturado por"), 20),
    (gettext_lazy("Enviado por"), 20),
    (gettext_lazy("Enviado el"), 17),
    (gettext_lazy("Devuelto por"), 20),
    (gettext_lazy("Devuelto el"), 17),
    (gettext_lazy("Validado por"), 20),
    (gettext_lazy("Validado el"), 17),
    (gettext_lazy("Enlaces de evidencia"), 40),
    (gettext_lazy("Archivos de evidencia"), 40),
]
_FECHAS_EXPORTACION = {16, 18, 20}  # columnas (1…) con fecha y hora
#: Filas de encabezado de la exportación (plan, periodo, nota) antes de la tabla.
FILA_TABLA_EXPORTACION = 5


def exportar(*, plan: Plan, periodo: Periodo, filas: Iterable, url_de_archivo: Callable[[Evidencia], str]) -> bytes:
    """Libro con los avances del periodo de ``filas`` (todas las que la cuenta puede ver, en
    cualquier estado), con quién y cuándo los envió, devolvió o validó y sus evidencias.

    ``url_de_archivo(evidencia)`` da la dirección de descarga de una evidencia que es archivo.
    Sin fecha de generación: los mismos datos dan los mismos bytes. Una consulta (evidencias).
    """
    filas = list(filas)
    evidencias: dict[int, list[Evidencia]] = {}
    ids = [f.avance.pk for f in filas if f.avance is not None]
    for evidencia in Evidencia.objects.vigentes().filter(avance_id__in=ids).order_by("avance_id", "pk"):
        evidencias.setdefault(evidencia.avance_id, []).append(evidencia)

    libro = Workbook()
    ws = libro.active
    ws.title = HOJA_EXPORTACION
    ws.append([_("%(plan)s · avances de %(periodo)s") % {"plan": plan.nombre, "periodo": periodo.nombre}])
    ws["A1"].font = _TITULO
    ws.append(
        [
            _("Plan: %(plan)s (%(slug)s) · Periodo: %(periodo)s (%(slug_periodo)s), del %(inicio)s al %(fin)s · Estado del periodo: %(estado)s · Fecha límite: %(limite)s")
            % {
                "plan": plan,
                "slug": plan.slug,
                "periodo": periodo.nombre,
                "slug_periodo": periodo.slug,
                "inicio": _fecha(periodo.inicio),
                "fin": _fecha(periodo.fin),
                "estado": periodo.get_estado_display().lower(),
                "limite": _fecha(periodo.fecha_limite),
            }
        ]
    )
    ws.append(
        [
            ngettext(
                "%(n)s acción. Incluye avances sin validar: solo lo validado de un periodo publicado es público.",
                "%(n)s acciones. Incluye avances sin validar: solo lo validado de un periodo publicado es público.",
                len(filas),
            )
            % {"n": len(filas)}
        ]
    )
    ws.append([])
    ws.append([str(nombre) for nombre, _ancho in COLUMNAS_EXPORTACION])
    for celda in ws[FILA_TABLA_EXPORTACION]:
        celda.font = _NEGRITA
        celda.alignment = _AJUSTE
    for indice, (_nombre, ancho) in enumerate(COLUMNAS_EXPORTACION, start=1):
        ws.column_dimensions[get_column_letter(indice)].width = ancho

    for fila in filas:
        accion, avance, anterior = fila.accion, fila.avance, fila.anterior
        compromiso = accion.compromiso
        base = [
            accion.clave,
            f"{compromiso.clave}. {compromiso.nombre}",
            accion.descripcion,
            compromiso.institucion_responsable.nombre_corto,
            avance.get_estado_display() if avance else _("Sin enviar"),
        ]
        if avance is None:
            ws.append(base + [None, numero_de_celda(anterior.porcentaje) if anterior else None])
            continue
        propias = evidencias.get(avance.pk, [])
        enlaces = [f"{e.descripcion}: {e.url}" if e.descripcion else e.url for e in propias if e.url]
        archivos = [
            f"{e.nombre_original or e.archivo.name} ({url_de_archivo(e)})" for e in propias if not e.url
        ]
        ws.append(
            base
            + [
                numero_de_celda(avance.porcentaje),
                numero_de_celda(anterior.porcentaje) if anterior else None,
                avance.etapa,
                avance.narrativa,
                SI if avance.nota_aclaratoria_marcada else NO,
                avance.nota_aclaratoria,
                avance.justificacion,
                avance.observaciones,
                _persona(avance.capturado_por),
                _persona(avance.enviado_por),
                _a_excel(avance.enviado_en),
                _persona(avance.devuelto_por),
                _a_excel(avance.devuelto_en),
                _persona(avance.validado_por),
                _a_excel(avance.validado_en),
                "\n".join(enlaces),
                "\n".join(archivos),
            ]
        )
    for fila_celdas in ws.iter_rows(min_row=FILA_TABLA_EXPORTACION + 1):
        for celda in fila_celdas:
            celda.alignment = _AJUSTE
            if celda.column in _FECHAS_EXPORTACION:
                celda.number_format = _FORMATO_FECHA_HORA
    ws.freeze_panes = ws.cell(row=FILA_TABLA_EXPORTACION + 1, column=2)
    ultima = get_column_letter(len(COLUMNAS_EXPORTACION))
    ws.auto_filter.ref = f"A{FILA_TABLA_EXPORTACION}:{ultima}{max(ws.max_row, FILA_TABLA_EXPORTACION + 1)}"
    return guardar_libro(libro, titulo=_("Avances de %(periodo)s: %(plan)s") % {"plan": plan, "periodo": periodo.nombre})
