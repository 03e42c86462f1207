"""Un plan nuevo desde el libro de ``plantilla_plan.py``: leer, revisar, mostrar y crear.

* ``leer(archivo, slug=…)`` revisa el archivo por su contenido (un libro de Excel de verdad,
  de tamaño permitido, sin bomba zip: ``seguimiento.archivos.detectar_tipo``, como la carga de
  avances), lee **todas** las hojas y junta **todos** los errores, cada uno con hoja, fila y
  columna (``seguimiento.excel.Problema``). No escribe nada; sin errores, ``Lectura`` trae el
  árbol que se creará (para la vista previa).
* ``importar(archivo, slug=…, usuario=…)`` vuelve a leer y revisar el archivo (nada viene del
  navegador entre la vista previa y la confirmación) y crea el plan entero en una transacción:
  o todo o nada. Quien importa queda como facilitador(a) del plan nuevo; las instituciones se
  reconocen por su nombre o sus siglas (se crean las que no están) y las personas por su nombre
  en su institución.

Un compromiso o una acción retirados (columnas «Retiro», «Motivo del retiro», «Fecha del retiro»
y «Retirada en favor de») se crean con su retiro en la misma transacción; el destino de una
fusión o una sustitución es la clave de otro elemento del mismo nivel del mismo libro, y se
resuelve cuando ya existen todas las filas. Las reglas son las de ``gestion.retiro`` salvo una:
el destino puede estar retirado él también (una fusión en cadena, como la exporta el portal).

Un libro hecho a mano es entrada hostil: una fórmula en cualquier celda leída es un error (no
se calcula ni se confía en su resultado guardado), igual que una celda combinada; hay un
máximo de filas y columnas por hoja y de tamaño descomprimido.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from plan.licencias import Licencia
from plan.models import (
    PESO_POR_OMISION,
    Accion,
    Compromiso,
    Eje,
    EnlaceCompromiso,
    Institucion,
    MetaODS,
    ObjetivoODS,
    Persona,
    Plan,
    Retiro,
)
from seguimiento.archivos import XLSX, detectar_tipo, limpiar_nombre
from seguimiento.excel import Problema
from seguimiento.excel import _texto_celda as texto_de_celda

from . import plantilla_plan as formato
from .retiro import describir_retiro
from .servicios_planes import MOTIVO_IMPORTACION, SLUG_TOMADO, crear_plan, errores_del_slug

#: Filas y columnas que se leen como máximo en cada hoja (un plan tiene decenas de acciones).
MAXIMO_FILAS = 2000
MAXIMO_COLUMNAS = 60
#: Tamaño descomprimido máximo del libro (un plan real ocupa unos cientos de KB).
MAXIMO_DESCOMPRIMIDO = 25 * 1024 * 1024
LARGO_TEXTO = 20_000

_CLAVE_COMPROMISO = re.compile(r"^(\d{1,4})\.(\d{1,4})$")
_CLAVE_ACCION = re.compile(r"^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$")
_SI = {"si", "sí", "s", "true", "verdadero", "1"}
_NO = {"no", "n", "false", "falso", "0", ""}


class ArchivoIlegible(Exception):
    """Lo que impide leer las hojas (tipo, tamaño, libro dañado)."""

    def __init__(self, mensaje: str):
        self.problema = Problema(mensaje)


class ImportacionRechazada(Exception):
    """El archivo o el identificador tienen errores: no se creó nada."""

    def __init__(self, lectura: Lectura):
        self.lectura = lectura


# --- Lo leído -----------------------------------------------------------------------------------


@dataclass
class PersonaLeida:
    grado: str
    nombre: str
    cargo: str


@dataclass
class InstitucionLeida:
    fila: int | None
    nombre: str
    siglas: str = ""
    tipo: str = ""
    sitio_web: str = ""
    correo: str = ""
    telefono: str = ""
    #: La institución del portal con ese nombre o esas siglas (se usa la registrada).
    existente: Institucion | None = None

    @property
    def nombre_corto(self) -> str:
        return self.siglas or self.nombre


@dataclass
class RetiroLeido:
    """El retiro de una fila: su valor (``Retiro``), motivo, fecha y la clave del destino."""

    retiro: str
    motivo: str
    fecha: datetime.date | None
    destino: str
    accion: bool

    @property
    def descripcion(self) -> str:
        """«retirada: cancelada», «retirado: fusionado con el compromiso 2.1»."""
        return _("%(retirada)s: %(como)s") % {
            "retirada": _("retirada") if self.accion else _("retirado"),
            "como": describir_retiro(retiro=self.retiro, accion=self.accion, destino=self.destino),
        }

    @property
    def campos(self) -> dict:
        """Los campos del modelo, sin el destino (se resuelve cuando existen todas las filas)."""
        return {"retiro": self.retiro, "retiro_motivo": self.motivo, "retiro_fecha": self.fecha}


@dataclass
class AccionLeida:
    fila: int
    clave: str
    numero: int
    campos: dict
    peso: Decimal
    retiro: RetiroLeido | None = None


@dataclass
class CompromisoLeido:
    fila: int
    clave: str
    eje: int
    numero: int
    campos: dict
    peso: Decimal
    objetivos_ods: list[ObjetivoODS] = field(default_factory=list)
    metas_ods: list[MetaODS] = field(default_factory=list)
    institucion: InstitucionLeida | None = None
    partes: list[InstitucionLeida] = field(default_factory=list)
    titular: PersonaLeida | None = None
    suplente: PersonaLeida | None = None
    enlaces: list[tuple[str, str]] = field(default_factory=list)
    acciones: list[AccionLeida] = field(default_factory=list)
    retiro: RetiroLeido | None = None

    @property
    def nombre(self) -> str:
        return self.campos["nombre"]


@dataclass
class EjeLeido:
    fila: int
    numero: int
    campos: dict
    peso: Decimal
    compromisos: list[CompromisoLeido] = field(default_factory=list)

    @property
    def nombre(self) -> str:
        return self.campos["nombre"]


@dataclass
class Lectura:
    archivo: str
    slug: str
    errores: list[Problema] = field(default_factory=list)
    plan: dict = field(default_factory=dict)
    ejes: list[EjeLeido] = field(default_factory=list)
    instituciones: list[InstitucionLeida] = field(default_factory=list)
    #: Lo que impide usar ``slug`` (formato, palabra reservada, ya tomado): van junto al campo.
    errores_slug: list[str] = field(default_factory=list)

    @property
    def valida(self) -> bool:
        return not self.errores and not self.errores_slug

    @property
    def todos_los_errores(self) -> list[Problema]:
        """Los del identificador primero y luego los del archivo, para una lista (el comando)."""
        return [
            Problema(_("Identificador «%(slug)s»: %(error)s") % {"slug": self.slug, "error": e}) for e in self.errores_slug
        ] + self.errores

    @property
    def compromisos(self) -> list[CompromisoLeido]:
        return [c for e in self.ejes for c in e.compromisos]

    @property
    def acciones(self) -> list[AccionLeida]:
        return [a for c in self.compromisos for a in c.acciones]

    @property
    def instituciones_nuevas(self) -> list[InstitucionLeida]:
        return [i for i in self.instituciones if i.existente is None and self._usada(i)]

    @property
    def instituciones_existentes(self) -> list[InstitucionLeida]:
        return [i for i in self.instituciones if i.existente is not None and self._usada(i)]

    def _usada(self, institucion: InstitucionLeida) -> bool:
        return any(c.institucion is institucion or institucion in c.partes for c in self.compromisos)


# --- Celdas ------------------------------------------------------------------------------------


class _Celda(ValueError):
    """El valor de una celda no sirve; el mensaje es para la persona."""


def _texto(valor, largo: int = LARGO_TEXTO) -> str:
    texto = texto_de_celda(valor)
    if len(texto) > largo:
        raise _Celda(_("el texto tiene %(n)s caracteres; el máximo es %(max)s.") % {"n": f"{len(texto):,}", "max": f"{largo:,}"})
    return texto


def _entero(valor) -> int:
    texto = texto_de_celda(valor)
    if isinstance(valor, bool) or not re.fullmatch(r"\d{1,4}", texto) or int(texto) < 1:
        raise _Celda(_("«%(valor)s» no es un número entero positivo.") % {"valor": texto})
    return int(texto)


def _peso(valor) -> Decimal:
    texto = texto_de_celda(valor)
    if texto == "":
        return PESO_POR_OMISION
    if isinstance(valor, bool):
        raise _Celda(_("«%(valor)s» no es un número.") % {"valor": texto})
    if isinstance(valor, (int, float)):
        numero = Decimal(str(valor))
    else:
        limpio = texto.replace("\u00a0", " ").strip()
        if "," in limpio and "." not in limpio:
            limpio = limpio.replace(",", ".")
        try:
            numero = Decimal(limpio)
        except InvalidOperation:
            raise _Celda(_("«%(valor)s» no es un número.") % {"valor": texto}) from None
    if not numero.is_finite():
        raise _Celda(_("«%(valor)s» no es un número.") % {"valor": texto})
    if numero < 0:
        raise _Celda(_("«%(valor)s» es negativo; el peso es un número no negativo.") % {"valor": texto})
    if numero >= 100_000 or numero.normalize().as_tuple().exponent < -4:
        raise _Celda(_("«%(valor)s» tiene demasiadas cifras: hasta 99999 con cuatro decimales.") % {"valor": texto})
    return numero


def _fecha(valor) -> datetime.date | None:
    if valor is None or valor == "":
        return None
    if isinstance(valor, datetime.datetime):
        return valor.date()
    if isinstance(valor, datetime.date):
        return valor
    if isinstance(valor, (int, float)) and not isinstance(valor, bool) and 1 <= valor < 2_958_466:
        return from_excel(valor).date()
    texto = texto_de_celda(valor)
    for formato_fecha in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(texto, formato_fecha).date()
        except ValueError:
            continue
    raise _Celda(_("«%(valor)s» no es una fecha; escríbala dd/mm/aaaa (p. ej. 31/08/2024).") % {"valor": texto})


def _si_no(valor) -> bool:
    if isinstance(valor, bool):
        return valor
    texto = texto_de_celda(valor).casefold()
    if texto in _SI:
        return True
    if texto in _NO:
        return False
    raise _Celda(_("«%(valor)s» no es «Sí» ni «No».") % {"valor": texto_de_celda(valor)})


def _de_catalogo(valor, opciones, nombre: str) -> str:
    texto = texto_de_celda(valor)
    if texto == "":
        return ""
    for clave, etiqueta in opciones:
        if texto.casefold() in (str(etiqueta).casefold(), clave.casefold()):
            return clave
    raise _Celda(
        _("«%(valor)s» no es %(nombre)s de la lista: %(lista)s.")
        % {"valor": texto, "nombre": nombre, "lista": "; ".join(str(e) for _c, e in opciones)}
    )


def _url(valor) -> str:
    texto = _texto(valor, 500)
    if texto:
        try:
            URLValidator(schemes=["http", "https"])(texto)
        except ValidationError:
            raise _Celda(_("«%(valor)s» no es una dirección web (https://…).") % {"valor": texto}) from None
    return texto


def _correo(valor) -> str:
    texto = _texto(valor, 254)
    if texto:
        try:
            EmailValidator()(texto)
        except ValidationError:
            raise _Celda(_("«%(valor)s» no es un correo electrónico.") % {"valor": texto}) from None
    return texto


def _lista(valor) -> list[str]:
    return [parte.strip() for parte in texto_de_celda(valor).split(formato.SEPARADOR) if parte.strip()]


# --- Hojas -------------------------------------------------------------------------------------


class _Hoja:
    """Una hoja de filas leída por el nombre de sus encabezados (primera fila)."""

    def __init__(self, lectura: Lectura, ws, nombre: str, columnas: list[formato.Columna]):
        self.lectura = lectura
        self.nombre = nombre
        self.columnas = {c.clave: c for c in columnas}
        self.posiciones: dict[str, int] = {}
        self.filas: list[tuple[int, tuple]] = []
        self.valida = True
        if ws is None:
            lectura.errores.append(Problema(_("Al archivo le falta la hoja «%(hoja)s».") % {"hoja": nombre}))
            self.valida = False
            return
        celdas = _celdas_revisadas(lectura, ws, nombre)
        if not celdas:
            self.error(_("La hoja está vacía: le falta la fila de encabezados."))
            self.valida = False
            return
        encabezados = {str(c.encabezado).casefold(): c.clave for c in columnas}
        for indice, valor in enumerate(celdas[0][1]):
            clave = encabezados.get(texto_de_celda(valor).casefold())
            if clave is not None and clave not in self.posiciones:
                self.posiciones[clave] = indice
        faltan = [c for c in columnas if c.clave not in self.posiciones and c.obligatoria]
        if faltan:
            self.error(
                ngettext(
                    "Falta la columna %(columnas)s en la primera fila. No cambie los encabezados de la plantilla.",
                    "Faltan las columnas %(columnas)s en la primera fila. No cambie los encabezados de la plantilla.",
                    len(faltan),
                )
                % {"columnas": ", ".join(f"«{c.encabezado}»" for c in faltan)},
                fila=1,
            )
            self.valida = False
            return
        self.filas = [(n, v) for n, v in celdas[1:] if any(texto_de_celda(x) for x in v)]

    def error(self, mensaje: str, *, fila: int | None = None, clave: str | None = None) -> None:
        lugar = {"hoja": self.nombre, "fila": fila}
        if clave is not None and clave in self.posiciones:
            lugar.update(columna=get_column_letter(self.posiciones[clave] + 1), encabezado=str(self.columnas[clave].encabezado))
        self.lectura.errores.append(Problema(mensaje, **lugar))

    def valor(self, valores: tuple, clave: str):
        indice = self.posiciones.get(clave)
        return None if indice is None or indice >= len(valores) else valores[indice]

    def leer(self, numero: int, valores: tuple, clave: str, lector=_texto, *, obligatoria: bool | None = None):
        """El valor de la celda con ``lector``; ``None`` (y un error anotado) si no sirve."""
        valor = self.valor(valores, clave)
        obligatoria = self.columnas[clave].obligatoria if obligatoria is None else obligatoria
        if obligatoria and texto_de_celda(valor) == "":
            self.error(_("falta el dato: es obligatorio."), fila=numero, clave=clave)
            return None
        try:
            return lector(valor)
        except _Celda as error:
            self.error(str(error), fila=numero, clave=clave)
            return None


def _celdas_revisadas(lectura: Lectura, ws, nombre: str) -> list[tuple[int, tuple]]:
    """Los valores de cada fila (número, valores), tras anotar fórmulas, celdas combinadas y
    hojas demasiado grandes."""
    for rango in list(ws.merged_cells.ranges)[:20]:
        lectura.errores.append(
            Problema(
                _("las celdas %(rango)s están combinadas; sepárelas y escriba cada dato en su celda.") % {"rango": rango.coord},
                hoja=nombre, fila=rango.min_row,
            )
        )
    if ws.max_row > MAXIMO_FILAS + 1:
        lectura.errores.append(
            Problema(
                _("La hoja tiene %(n)s filas; el máximo es %(max)s. Quite las filas que no son del plan.")
                % {"n": f"{ws.max_row:,}", "max": f"{MAXIMO_FILAS:,}"},
                hoja=nombre,
            )
        )
    if ws.max_column > MAXIMO_COLUMNAS:
        lectura.errores.append(
            Problema(
                _("La hoja tiene %(n)s columnas; el máximo es %(max)s.") % {"n": ws.max_column, "max": MAXIMO_COLUMNAS},
                hoja=nombre,
            )
        )
    filas = []
    formulas = 0
    for numero, fila in enumerate(
        ws.iter_rows(max_row=min(ws.max_row, MAXIMO_FILAS + 1), max_col=min(ws.max_column, MAXIMO_COLUMNAS)), start=1
    ):
        valores = []
        for celda in fila:
            if celda.data_type == "f" or (isinstance(celda.value, str) and celda.data_type != "s" and celda.value.startswith("=")):
                formulas += 1
                if formulas <= 20:
                    lectura.errores.append(
                        Problema(
                            _("la celda tiene una fórmula; escriba el dato mismo, no una fórmula."),
                            hoja=nombre, fila=numero, columna=celda.column_letter,
                            encabezado=texto_de_celda(ws.cell(row=1, column=celda.column).value) or celda.column_letter,
                        )
                    )
                valores.append(None)
            else:
                valores.append(celda.value)
        filas.append((numero, tuple(valores)))
    if formulas > 20:
        lectura.errores.append(
            Problema(_("y %(n)s fórmulas más en esta hoja.") % {"n": formulas - 20}, hoja=nombre)
        )
    return filas


def _leer_plan(lectura: Lectura, ws) -> None:
    nombre = formato.HOJA_PLAN
    if ws is None:
        lectura.errores.append(Problema(_("Al archivo le falta la hoja «%(hoja)s».") % {"hoja": nombre}))
        return
    por_encabezado = {str(c.encabezado).casefold(): c for c in formato.CAMPOS_PLAN}
    filas: dict[str, tuple[int, object]] = {}
    for numero, valores in _celdas_revisadas(lectura, ws, nombre):
        campo = por_encabezado.get(texto_de_celda(valores[0] if valores else None).casefold())
        if campo is not None and campo.clave not in filas:
            filas[campo.clave] = (numero, valores[1] if len(valores) > 1 else None)
    lectores = {
        "entero": _entero, "fecha": _fecha, "si_no": _si_no, "url": _url, "correo": _correo,
        "licencia": lambda v: _de_catalogo(v, Licencia.choices, _("una licencia")),
    }
    largos = {f.name: f.max_length for f in Plan._meta.get_fields() if getattr(f, "max_length", None)}
    for campo in formato.CAMPOS_PLAN:
        numero, valor = filas.get(campo.clave, (None, None))
        lugar = {"hoja": nombre, "fila": numero, "columna": "B" if numero else None, "encabezado": str(campo.encabezado)}
        if numero is None and campo.obligatoria:
            lectura.errores.append(
                Problema(_("falta la fila «%(campo)s» (columna A), con su valor en la columna B.") % {"campo": campo.encabezado}, hoja=nombre)
            )
            continue
        if campo.obligatoria and texto_de_celda(valor) == "":
            lectura.errores.append(Problema(_("falta el dato: es obligatorio."), **lugar))
            continue
        lector = lectores.get(campo.tipo) or (lambda v, largo=largos.get(campo.clave, LARGO_TEXTO): _texto(v, largo))
        try:
            lectura.plan[campo.clave] = lector(valor)
        except _Celda as error:
            lectura.errores.append(Problema(str(error), **lugar))
    inicio, fin = lectura.plan.get("anio_inicio"), lectura.plan.get("anio_fin")
    if inicio and fin and inicio > fin:
        numero = filas["anio_fin"][0]
        lectura.errores.append(
            Problema(
                _("el año de fin (%(fin)s) es anterior al de inicio (%(inicio)s).") % {"fin": fin, "inicio": inicio},
                hoja=nombre, fila=numero, columna="B", encabezado=str(formato.CAMPOS_PLAN[4].encabezado),
            )
        )


def _largos(modelo) -> dict[str, int]:
    return {f.name: f.max_length for f in modelo._meta.get_fields() if getattr(f, "max_length", None)}


def _leer_instituciones(lectura: Lectura, hoja: _Hoja) -> None:
    largos = _largos(Institucion)
    nombres: dict[str, int] = {}
    siglas: dict[str, int] = {}
    existentes = list(Institucion.objects.all())
    por_nombre = {i.nombre.casefold(): i for i in existentes}
    por_siglas: dict[str, list[Institucion]] = {}
    for registrada in existentes:
        if registrada.siglas:
            por_siglas.setdefault(registrada.siglas.casefold(), []).append(registrada)
    for numero, valores in hoja.filas:
        nombre = hoja.leer(numero, valores, "nombre", lambda v: _texto(v, largos["nombre"]))
        sigla = hoja.leer(numero, valores, "siglas", lambda v: _texto(v, largos["siglas"])) or ""
        tipo = hoja.leer(numero, valores, "tipo", lambda v: _de_catalogo(v, Institucion.Tipo.choices, _("un tipo")))
        datos = {
            "sitio_web": hoja.leer(numero, valores, "sitio_web", _url) or "",
            "correo": hoja.leer(numero, valores, "correo", _correo) or "",
            "telefono": hoja.leer(numero, valores, "telefono", lambda v: _texto(v, largos["telefono_institucional"])) or "",
        }
        if not nombre:
            continue
        if nombre.casefold() in nombres:
            hoja.error(_("«%(nombre)s» ya viene en la fila %(fila)s.") % {"nombre": nombre, "fila": nombres[nombre.casefold()]}, fila=numero, clave="nombre")
            continue
        nombres[nombre.casefold()] = numero
        if sigla and sigla.casefold() in siglas:
            hoja.error(_("las siglas «%(siglas)s» ya vienen en la fila %(fila)s.") % {"siglas": sigla, "fila": siglas[sigla.casefold()]}, fila=numero, clave="siglas")
            continue
        if sigla:
            siglas[sigla.casefold()] = numero
        existente = por_nombre.get(nombre.casefold())
        if existente is None and len(por_siglas.get(sigla.casefold(), [])) == 1:
            existente = por_siglas[sigla.casefold()][0]
        lectura.instituciones.append(
            InstitucionLeida(numero, nombre, sigla, tipo or "", existente=existente, **datos)
        )


class _Referencias:
    """Cómo un compromiso nombra una institución: nombre o siglas de la hoja «Instituciones» o,
    si no viene en ella, de una institución del portal."""

    def __init__(self, lectura: Lectura):
        self.lectura = lectura
        self.mapa: dict[str, InstitucionLeida] = {}
        for i in lectura.instituciones:
            self.mapa.setdefault(i.nombre.casefold(), i)
            if i.siglas:
                self.mapa.setdefault(i.siglas.casefold(), i)
        self.del_portal: dict[str, list[Institucion]] = {}
        for i in Institucion.objects.all():
            self.del_portal.setdefault(i.nombre.casefold(), []).append(i)
            if i.siglas:
                self.del_portal.setdefault(i.siglas.casefold(), []).append(i)

    def buscar(self, referencia: str) -> InstitucionLeida:
        clave = referencia.casefold()
        if clave in self.mapa:
            return self.mapa[clave]
        candidatas = self.del_portal.get(clave, [])
        if len(candidatas) == 1:
            registrada = candidatas[0]
            leida = InstitucionLeida(None, registrada.nombre, registrada.siglas, registrada.tipo, existente=registrada)
            self.lectura.instituciones.append(leida)
            self.mapa[registrada.nombre.casefold()] = leida
            if registrada.siglas:
                self.mapa.setdefault(registrada.siglas.casefold(), leida)
            self.mapa[clave] = leida
            return leida
        if len(candidatas) > 1:
            raise _Celda(
                _("«%(ref)s» nombra a más de una institución del portal; escriba su nombre completo.") % {"ref": referencia}
            )
        raise _Celda(
            _("«%(ref)s» no es una institución de la hoja «%(hoja)s» ni del portal; agréguela a esa hoja.")
            % {"ref": referencia, "hoja": formato.HOJA_INSTITUCIONES}
        )


def _persona(hoja: _Hoja, numero: int, valores: tuple, prefijo: str) -> PersonaLeida | None:
    largos = _largos(Persona)
    nombre = hoja.leer(numero, valores, f"{prefijo}_nombre", lambda v: _texto(v, largos["nombre"]))
    grado = hoja.leer(numero, valores, f"{prefijo}_grado", lambda v: _texto(v, largos["grado"])) or ""
    cargo = hoja.leer(numero, valores, f"{prefijo}_cargo", lambda v: _texto(v, largos["cargo"])) or ""
    if not nombre:
        if grado or cargo:
            hoja.error(_("tiene grado o cargo pero no el nombre de la persona."), fila=numero, clave=f"{prefijo}_nombre")
        return None
    return PersonaLeida(grado, nombre, cargo)


def _enlaces(valor) -> list[tuple[str, str]]:
    enlaces = []
    for linea in texto_de_celda(valor).splitlines():
        if not linea.strip():
            continue
        titulo, _sep, url = linea.rpartition(formato.SEPARADOR_ENLACE)
        titulo, url = titulo.strip(), url.strip()
        if len(titulo) > 200:
            raise _Celda(_("el título «%(titulo)s…» pasa de 200 caracteres.") % {"titulo": titulo[:40]})
        enlaces.append((titulo, _url(url)))
        if [u for _t, u in enlaces].count(url) > 1:
            raise _Celda(_("el enlace %(url)s viene dos veces.") % {"url": url})
    return enlaces


def _normalizada(clave: str, patron: re.Pattern) -> str | None:
    """«01.5» → «1.5»; ``None`` si no es una clave de ese nivel."""
    coincide = patron.match(clave)
    return None if coincide is None else ".".join(str(int(x)) for x in coincide.groups())


def _leer_retiro(lectura: Lectura, hoja: _Hoja, numero: int, valores: tuple, *, accion: bool) -> RetiroLeido | None:
    """Las cuatro columnas del retiro de una fila, con sus errores anotados (el destino se revisa
    después, con todas las claves de la hoja: ``_revisar_destinos``); ``None`` si está vigente."""
    retiro = hoja.leer(numero, valores, "retiro", lambda v: _de_catalogo(v, Retiro.choices, _("un retiro")))
    motivo = hoja.leer(numero, valores, "retiro_motivo") or ""
    fecha = hoja.leer(numero, valores, "retiro_fecha", _fecha)
    destino = hoja.leer(numero, valores, "retiro_destino") or ""
    con_fecha = texto_de_celda(hoja.valor(valores, "retiro_fecha")) != ""
    if texto_de_celda(hoja.valor(valores, "retiro")) == "":
        vigente = _("está vigente (la columna «%(retiro)s» está vacía): deje vacía esta celda o elija el retiro.") % {
            "retiro": hoja.columnas["retiro"].encabezado
        }
        for clave, hay in (("retiro_motivo", motivo), ("retiro_fecha", con_fecha), ("retiro_destino", destino)):
            if hay:
                hoja.error(vigente, fila=numero, clave=clave)
        return None
    # Con un retiro (aunque no sea de la lista), el motivo y la fecha son obligatorios.
    if not motivo:
        hoja.error(_("falta el motivo del retiro: es obligatorio si se retiró."), fila=numero, clave="retiro_motivo")
    if not con_fecha:
        hoja.error(_("falta la fecha del retiro: es obligatoria si se retiró."), fila=numero, clave="retiro_fecha")
    elif fecha is not None:
        anio = lectura.plan.get("anio_inicio")
        if fecha > timezone.localdate():
            hoja.error(
                _("la fecha del retiro (%(fecha)s) no puede ser futura.") % {"fecha": f"{fecha:%d/%m/%Y}"},
                fila=numero, clave="retiro_fecha",
            )
        elif anio and fecha.year < anio:
            hoja.error(
                _("la fecha del retiro (%(fecha)s) es anterior al inicio del plan (%(anio)s).")
                % {"fecha": f"{fecha:%d/%m/%Y}", "anio": anio},
                fila=numero, clave="retiro_fecha",
            )
    if retiro in (Retiro.FUSIONADA, Retiro.SUSTITUIDA) and not destino:
        hoja.error(
            (_("falta la clave de la acción en favor de la cual se retiró: es obligatoria si se fusionó o se sustituyó.")
             if accion else
             _("falta la clave del compromiso en favor del cual se retiró: es obligatoria si se fusionó o se sustituyó.")),
            fila=numero, clave="retiro_destino",
        )
    elif retiro == Retiro.CANCELADA and destino:
        hoja.error(
            _("una cancelación no lleva destino: deje vacía esta celda o elija «%(fusionada)s» o «%(sustituida)s».")
            % {"fusionada": Retiro.FUSIONADA.label, "sustituida": Retiro.SUSTITUIDA.label},
            fila=numero, clave="retiro_destino",
        )
    # Un retiro que no es de la lista (ya anotado) vuelve vacío: su destino se revisa igual.
    return RetiroLeido(retiro or "", motivo, fecha, destino, accion)


def _revisar_destinos(hoja: _Hoja, retirados: list[tuple[int, str | None, RetiroLeido]], claves, *, accion: bool) -> None:
    """El destino de cada fusión o sustitución: una clave del mismo nivel de esta hoja (``claves``),
    que no es la de la fila misma. Deja en ``RetiroLeido.destino`` la clave normalizada."""
    patron, otro = (_CLAVE_ACCION, _CLAVE_COMPROMISO) if accion else (_CLAVE_COMPROMISO, _CLAVE_ACCION)
    for numero, propia, retiro in retirados:
        if not retiro.destino or retiro.retiro == Retiro.CANCELADA:
            continue
        destino = _normalizada(retiro.destino, patron)
        if destino is None and _normalizada(retiro.destino, otro) is not None:
            mensaje = (
                _("«%(destino)s» es la clave de un compromiso; una acción se retira en favor de otra acción (p. ej. «1.5.2»).")
                if accion else
                _("«%(destino)s» es la clave de una acción; un compromiso se retira en favor de otro compromiso (p. ej. «2.1»).")
            )
        elif destino is None or destino not in claves:
            mensaje = _("«%(destino)s» no es la clave de ninguna fila de la hoja «%(hoja)s».")
        elif destino == propia:
            mensaje = (
                _("la acción %(destino)s no puede retirarse en favor de sí misma.")
                if accion else
                _("el compromiso %(destino)s no puede retirarse en favor de sí mismo.")
            )
        else:
            retiro.destino = destino
            continue
        hoja.error(mensaje % {"destino": destino or retiro.destino, "hoja": hoja.nombre}, fila=numero, clave="retiro_destino")


def _leer_ejes(lectura: Lectura, hoja: _Hoja) -> dict[int, EjeLeido]:
    largos = _largos(Eje)
    ejes: dict[int, EjeLeido] = {}
    for numero, valores in hoja.filas:
        eje = hoja.leer(numero, valores, "numero", _entero)
        nombre = hoja.leer(numero, valores, "nombre", lambda v: _texto(v, largos["nombre"]))
        descripcion = hoja.leer(numero, valores, "descripcion")
        peso = hoja.leer(numero, valores, "peso", _peso)
        if eje is None:
            continue
        if eje in ejes:
            hoja.error(_("el eje %(n)s ya viene en la fila %(fila)s.") % {"n": eje, "fila": ejes[eje].fila}, fila=numero, clave="numero")
            continue
        # Con un error en su nombre o su peso el eje cuenta igual: sus compromisos no se marcan por él.
        ejes[eje] = EjeLeido(numero, eje, {"nombre": nombre or "", "descripcion": descripcion or ""}, peso or PESO_POR_OMISION)
    if hoja.valida and not ejes and not hoja.filas:
        hoja.error(_("La hoja no trae ningún eje: un plan tiene al menos uno."))
    return ejes


_TEXTOS_COMPROMISO = ("descripcion", "problema", "objetivo_principal", "metas_verificables", "medios_verificacion", "alineacion_agenda_2030")


def _leer_compromisos(lectura: Lectura, hoja: _Hoja, ejes: dict[int, EjeLeido], referencias: _Referencias) -> dict[str, CompromisoLeido]:
    largo_nombre = _largos(Compromiso)["nombre"]
    objetivos = {o.numero: o for o in ObjetivoODS.objects.all()}
    metas = {m.clave: m for m in MetaODS.objects.all()}
    compromisos: dict[str, CompromisoLeido] = {}
    retirados: list[tuple[int, str | None, RetiroLeido]] = []
    for numero, valores in hoja.filas:
        clave = hoja.leer(numero, valores, "clave")
        campos = {"nombre": hoja.leer(numero, valores, "nombre", lambda v: _texto(v, largo_nombre))}
        for texto in _TEXTOS_COMPROMISO:
            campos[texto] = hoja.leer(numero, valores, texto) or ""
        campos["fecha_inicio"] = hoja.leer(numero, valores, "fecha_inicio", _fecha)
        campos["fecha_conclusion"] = hoja.leer(numero, valores, "fecha_conclusion", _fecha)
        peso = hoja.leer(numero, valores, "peso", _peso)
        leido = CompromisoLeido(numero, clave or "", 0, 0, campos, peso or PESO_POR_OMISION)
        leido.retiro = _leer_retiro(lectura, hoja, numero, valores, accion=False)
        if leido.retiro is not None:
            retirados.append((numero, _normalizada(clave or "", _CLAVE_COMPROMISO), leido.retiro))
        hubo = any(e.hoja == hoja.nombre and e.fila == numero for e in lectura.errores)

        for ods in _lista(hoja.valor(valores, "objetivos_ods")):
            numero_ods = ods.upper().removeprefix("ODS").strip()
            if not numero_ods.isdigit() or int(numero_ods) not in objetivos:
                hoja.error(_("«%(ods)s» no es un ODS (van del 1 al 17).") % {"ods": ods}, fila=numero, clave="objetivos_ods")
                hubo = True
            else:
                leido.objetivos_ods.append(objetivos[int(numero_ods)])
        for meta in _lista(hoja.valor(valores, "metas_ods")):
            if meta not in metas:
                hoja.error(_("«%(meta)s» no es una meta ODS registrada (p. ej. 16.6).") % {"meta": meta}, fila=numero, clave="metas_ods")
                hubo = True
            else:
                leido.metas_ods.append(metas[meta])
        referencia = hoja.leer(numero, valores, "institucion")
        if referencia:
            try:
                leido.institucion = referencias.buscar(referencia)
            except _Celda as error:
                hoja.error(str(error), fila=numero, clave="institucion")
                hubo = True
        for parte in _lista(hoja.valor(valores, "partes_cocreadoras")):
            try:
                institucion = referencias.buscar(parte)
            except _Celda as error:
                hoja.error(str(error), fila=numero, clave="partes_cocreadoras")
                hubo = True
                continue
            if institucion not in leido.partes:
                leido.partes.append(institucion)
        leido.titular = _persona(hoja, numero, valores, "titular")
        leido.suplente = _persona(hoja, numero, valores, "suplente")
        if leido.titular and leido.suplente and leido.titular.nombre.casefold() == leido.suplente.nombre.casefold():
            hoja.error(_("el suplente no puede ser el titular."), fila=numero, clave="suplente_nombre")
            hubo = True
        enlaces = hoja.leer(numero, valores, "enlaces", _enlaces)
        leido.enlaces = enlaces or []
        inicio, fin = campos["fecha_inicio"], campos["fecha_conclusion"]
        if inicio and fin and inicio > fin:
            hoja.error(
                _("la fecha de conclusión (%(fin)s) es anterior a la de inicio (%(inicio)s).") % {"fin": f"{fin:%d/%m/%Y}", "inicio": f"{inicio:%d/%m/%Y}"},
                fila=numero, clave="fecha_conclusion",
            )
            hubo = True
        if not clave:
            continue
        coincide = _CLAVE_COMPROMISO.match(clave)
        if coincide is None:
            hoja.error(_("«%(clave)s» no es una clave de compromiso: eje y número, p. ej. «1.5».") % {"clave": clave}, fila=numero, clave="clave")
            continue
        leido.eje, leido.numero = int(coincide[1]), int(coincide[2])
        leido.clave = f"{leido.eje}.{leido.numero}"
        if leido.numero < 1:
            hoja.error(_("el número del compromiso empieza en 1."), fila=numero, clave="clave")
            continue
        if leido.clave in compromisos:
            hoja.error(
                _("la clave %(clave)s ya viene en la fila %(fila)s.") % {"clave": leido.clave, "fila": compromisos[leido.clave].fila},
                fila=numero, clave="clave",
            )
            continue
        compromisos[leido.clave] = leido
        if leido.eje not in ejes:
            hoja.error(
                _("el eje %(eje)s de la clave %(clave)s no está en la hoja «%(hoja)s».")
                % {"eje": leido.eje, "clave": leido.clave, "hoja": formato.HOJA_EJES},
                fila=numero, clave="clave",
            )
            continue
        if not hubo:
            ejes[leido.eje].compromisos.append(leido)
    _revisar_destinos(hoja, retirados, compromisos, accion=False)
    return compromisos


def _leer_acciones(lectura: Lectura, hoja: _Hoja, compromisos: dict[str, CompromisoLeido]) -> None:
    largo_destacado = _largos(Accion)["destacado"]
    vistas: dict[str, int] = {}
    retirados: list[tuple[int, str | None, RetiroLeido]] = []
    for numero, valores in hoja.filas:
        clave = hoja.leer(numero, valores, "clave")
        campos = {
            "descripcion": hoja.leer(numero, valores, "descripcion"),
            "destacado": hoja.leer(numero, valores, "destacado", lambda v: _texto(v, largo_destacado)) or "",
            "entregable": hoja.leer(numero, valores, "entregable") or "",
            "fecha_inicio": hoja.leer(numero, valores, "fecha_inicio", _fecha),
            "fecha_fin": hoja.leer(numero, valores, "fecha_fin", _fecha),
        }
        peso = hoja.leer(numero, valores, "peso", _peso)
        retiro = _leer_retiro(lectura, hoja, numero, valores, accion=True)
        if retiro is not None:
            retirados.append((numero, _normalizada(clave or "", _CLAVE_ACCION), retiro))
        hubo = any(e.hoja == hoja.nombre and e.fila == numero for e in lectura.errores)
        if campos["destacado"] and campos["descripcion"] and campos["destacado"] not in campos["descripcion"]:
            hoja.error(
                _("«%(destacado)s» no aparece tal cual en la descripción de la acción.") % {"destacado": campos["destacado"]},
                fila=numero, clave="destacado",
            )
            hubo = True
        inicio, fin = campos["fecha_inicio"], campos["fecha_fin"]
        if inicio and fin and inicio > fin:
            hoja.error(
                _("la fecha de fin (%(fin)s) es anterior a la de inicio (%(inicio)s).") % {"fin": f"{fin:%d/%m/%Y}", "inicio": f"{inicio:%d/%m/%Y}"},
                fila=numero, clave="fecha_fin",
            )
            hubo = True
        if not clave:
            continue
        coincide = _CLAVE_ACCION.match(clave)
        if coincide is None:
            hoja.error(_("«%(clave)s» no es una clave de acción: compromiso y número, p. ej. «1.5.3».") % {"clave": clave}, fila=numero, clave="clave")
            continue
        eje, comp, n = (int(x) for x in coincide.groups())
        clave = f"{eje}.{comp}.{n}"
        if n < 1:
            hoja.error(_("el número de la acción empieza en 1."), fila=numero, clave="clave")
            continue
        if clave in vistas:
            hoja.error(_("la clave %(clave)s ya viene en la fila %(fila)s.") % {"clave": clave, "fila": vistas[clave]}, fila=numero, clave="clave")
            continue
        vistas[clave] = numero
        compromiso = compromisos.get(f"{eje}.{comp}")
        if compromiso is None:
            hoja.error(
                _("el compromiso %(comp)s de la clave %(clave)s no está en la hoja «%(hoja)s».")
                % {"comp": f"{eje}.{comp}", "clave": clave, "hoja": formato.HOJA_COMPROMISOS},
                fila=numero, clave="clave",
            )
            continue
        if not hubo:
            compromiso.acciones.append(AccionLeida(numero, clave, n, campos, peso, retiro))
    _revisar_destinos(hoja, retirados, vistas, accion=True)


# --- Lectura completa ----------------------------------------------------------------------------


def _revisar_archivo(archivo, nombre: str) -> None:
    """Un libro de Excel por su contenido, de tamaño permitido, sin bomba zip y de tamaño
    descomprimido razonable para un plan."""
    ayuda = _("Descargue la plantilla de planes, llénela y guárdela como libro de Excel (.xlsx).")
    try:
        tipo = detectar_tipo(archivo, nombre)
    except ValidationError as error:
        if error.code in ("marcado", "tipo_no_permitido"):
            raise ArchivoIlegible(_("El archivo «%(nombre)s» no es un libro de Excel (.xlsx). ") % {"nombre": nombre} + ayuda) from None
        raise ArchivoIlegible(" ".join(error.messages)) from None
    if tipo != XLSX:
        raise ArchivoIlegible(
            _("El archivo «%(nombre)s» es un(a) %(tipo)s, no un libro de Excel (.xlsx). ") % {"nombre": nombre, "tipo": tipo.nombre}
            + ayuda
        )
    archivo.seek(0)
    with zipfile.ZipFile(archivo) as zip_:
        descomprimido = sum(m.file_size for m in zip_.infolist())
    if descomprimido > MAXIMO_DESCOMPRIMIDO:
        raise ArchivoIlegible(
            _("El archivo «%(nombre)s» se descomprime a %(mb)s MB; un plan cabe en mucho menos (máximo %(max)s MB).")
            % {"nombre": nombre, "mb": descomprimido // (1024 * 1024), "max": MAXIMO_DESCOMPRIMIDO // (1024 * 1024)}
        )


def _abrir(archivo, nombre: str):
    try:
        archivo.seek(0)
        return load_workbook(archivo, data_only=False, keep_links=False)
    except Exception:  # openpyxl lanza errores de muchos tipos ante un libro dañado
        raise ArchivoIlegible(
            _("El archivo «%(nombre)s» parece un libro de Excel, pero no se pudo abrir: puede estar dañado. "
              "Ábralo en Excel, guárdelo de nuevo como .xlsx y vuelva a cargarlo.") % {"nombre": nombre}
        ) from None


def leer(archivo, *, slug: str, nombre: str | None = None) -> Lectura:
    """Revisa el archivo entero y el identificador del plan nuevo; no escribe nada."""
    nombre = limpiar_nombre(nombre or getattr(archivo, "name", "") or "") or _("sin nombre")
    lectura = Lectura(archivo=nombre, slug=slug)
    lectura.errores_slug = errores_del_slug(slug)
    try:
        _revisar_archivo(archivo, nombre)
        libro = _abrir(archivo, nombre)
    except ArchivoIlegible as error:
        lectura.errores.append(error.problema)
        return lectura
    hojas = {h.title.casefold(): h for h in libro.worksheets}

    def hoja(titulo):
        return hojas.get(titulo.casefold())

    _leer_plan(lectura, hoja(formato.HOJA_PLAN))
    instituciones = _Hoja(lectura, hoja(formato.HOJA_INSTITUCIONES), formato.HOJA_INSTITUCIONES, formato.COLUMNAS_INSTITUCIONES)
    _leer_instituciones(lectura, instituciones)
    referencias = _Referencias(lectura)
    hoja_ejes = _Hoja(lectura, hoja(formato.HOJA_EJES), formato.HOJA_EJES, formato.COLUMNAS_EJES)
    ejes = _leer_ejes(lectura, hoja_ejes)
    hoja_compromisos = _Hoja(lectura, hoja(formato.HOJA_COMPROMISOS), formato.HOJA_COMPROMISOS, formato.COLUMNAS_COMPROMISOS)
    compromisos = _leer_compromisos(lectura, hoja_compromisos, ejes, referencias)
    hoja_acciones = _Hoja(lectura, hoja(formato.HOJA_ACCIONES), formato.HOJA_ACCIONES, formato.COLUMNAS_ACCIONES)
    _leer_acciones(lectura, hoja_acciones, compromisos)
    lectura.ejes = [ejes[n] for n in sorted(ejes)]
    for eje in lectura.ejes:
        eje.compromisos.sort(key=lambda c: c.numero)
        for compromiso in eje.compromisos:
            compromiso.acciones.sort(key=lambda a: a.numero)
    # Los errores en el orden del libro: primero los del archivo y el identificador, luego por hoja.
    orden = {h: i for i, h in enumerate([None, formato.HOJA_PLAN, formato.HOJA_INSTITUCIONES, *formato.HOJAS])}
    lectura.errores.sort(key=lambda e: (orden.get(e.hoja, 99), e.fila or 0))
    return lectura


# --- Creación ----------------------------------------------------------------------------------


def _guardar(objeto, motivo: str):
    objeto._change_reason = motivo
    objeto.save()
    return objeto


def _persona_de(leida: PersonaLeida | None, institucion: Institucion, motivo: str, cache: dict) -> Persona | None:
    if leida is None:
        return None
    clave = (leida.nombre.casefold(), institucion.pk)
    if clave not in cache:
        persona = Persona.objects.filter(nombre__iexact=leida.nombre, institucion=institucion).first()
        if persona is None:
            persona = _guardar(Persona(grado=leida.grado, nombre=leida.nombre, cargo=leida.cargo, institucion=institucion), motivo)
        cache[clave] = persona
    return cache[clave]


def _crear(lectura: Lectura, *, usuario) -> Plan:
    motivo = MOTIVO_IMPORTACION % {"archivo": lectura.archivo}
    plan = crear_plan(datos={**lectura.plan, "slug": lectura.slug}, usuario=usuario, motivo=motivo)
    instituciones: dict[int, Institucion] = {}
    for leida in lectura.instituciones:
        if leida.existente is not None:
            instituciones[id(leida)] = leida.existente
        elif lectura._usada(leida):
            instituciones[id(leida)] = _guardar(
                Institucion(
                    nombre=leida.nombre, siglas=leida.siglas, tipo=leida.tipo, sitio_web=leida.sitio_web,
                    correo_institucional=leida.correo, telefono_institucional=leida.telefono,
                ),
                motivo,
            )
    personas: dict = {}
    #: Las fusiones y sustituciones: (elemento creado, su retiro), para cuando existan todas las filas.
    con_destino: list[tuple[Compromiso | Accion, RetiroLeido]] = []
    creados: dict[tuple[bool, str], Compromiso | Accion] = {}

    def crear(elemento, leido):
        """Guarda el elemento; una cancelación va completa, una fusión o sustitución espera a su destino."""
        if leido.retiro is not None and leido.retiro.retiro == Retiro.CANCELADA:
            for campo, valor in leido.retiro.campos.items():
                setattr(elemento, campo, valor)
        _guardar(elemento, motivo)
        creados[(isinstance(elemento, Accion), leido.clave)] = elemento
        if leido.retiro is not None and leido.retiro.retiro != Retiro.CANCELADA:
            con_destino.append((elemento, leido.retiro))
        return elemento

    for eje_leido in lectura.ejes:
        eje = _guardar(Eje(plan=plan, numero=eje_leido.numero, peso=eje_leido.peso, **eje_leido.campos), motivo)
        for leido in eje_leido.compromisos:
            responsable = instituciones[id(leido.institucion)]
            compromiso = crear(
                Compromiso(
                    eje=eje, numero=leido.numero, peso=leido.peso, institucion_responsable=responsable,
                    representante=_persona_de(leido.titular, responsable, motivo, personas),
                    representante_suplente=_persona_de(leido.suplente, responsable, motivo, personas),
                    **leido.campos,
                ),
                leido,
            )
            compromiso.objetivos_ods.set(leido.objetivos_ods)
            compromiso.metas_ods.set(leido.metas_ods)
            compromiso.partes_cocreadoras.set([instituciones[id(p)] for p in leido.partes])
            for orden, (titulo, url) in enumerate(leido.enlaces, start=1):
                _guardar(EnlaceCompromiso(compromiso=compromiso, url=url, titulo=titulo, orden=orden), motivo)
            for accion in leido.acciones:
                crear(Accion(compromiso=compromiso, numero=accion.numero, peso=accion.peso, **accion.campos), accion)
    for elemento, retiro in con_destino:
        for campo, valor in retiro.campos.items():
            setattr(elemento, campo, valor)
        elemento.retiro_destino = creados[(retiro.accion, retiro.destino)]
        _guardar(elemento, motivo)
    return plan


def importar(archivo, *, slug: str, usuario, nombre: str | None = None) -> Plan:
    """Lee y revisa otra vez el archivo y crea el plan entero, o nada: ``ImportacionRechazada``
    con todos los errores (también si el identificador se tomó mientras tanto)."""
    lectura = leer(archivo, slug=slug, nombre=nombre)
    if not lectura.valida:
        raise ImportacionRechazada(lectura)
    try:
        with transaction.atomic():
            return _crear(lectura, usuario=usuario)
    except IntegrityError:
        # Otra persona creó un plan (o una institución) con lo mismo entre la revisión y la escritura.
        if Plan.objects.filter(slug=slug).exists():
            lectura.errores_slug.append(str(SLUG_TOMADO))
        else:
            lectura.errores.append(
                Problema(_("Alguien cambió las instituciones o personas del portal mientras se importaba; no se creó nada. Vuelva a intentarlo."))
            )
        raise ImportacionRechazada(lectura) from None


