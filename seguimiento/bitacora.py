"""Bitácora pública de una acción, tomada del historial de django-simple-history.

Se muestra qué cambió y cuándo, y quién lo hizo solo como institución («Poder Judicial del
Estado de Guanajuato», «Secretariado Técnico Local»): nunca nombres de usuario ni correos.
De los avances solo entran las versiones **validadas** de periodos **publicados**: los
borradores, envíos y devoluciones nunca aparecen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Avance, Periodo
from .numeros import numero_exacto

_CAMPOS_ACCION = ["numero", "descripcion", "destacado", "entregable", "fecha_inicio", "fecha_fin", "peso"]
_CAMPOS_AVANCE = ["porcentaje", "etapa", "narrativa", "nota_aclaratoria_marcada", "nota_aclaratoria"]


@dataclass
class Cambio:
    campo: str
    antes: str
    despues: str


@dataclass
class Entrada:
    """Una línea de la bitácora. ``fecha`` es la del hecho: la del registro de historial para lo
    que pasó en el portal; para lo que trajo la carga inicial (``preparar``), la que imprime su
    fuente (``Avance.fecha_reporte``) o ``None`` si no la publica. ``llegada``: cuándo llegó al
    portal, solo si es otro día que el del hecho (o el hecho no tiene fecha publicada)."""

    fecha: datetime.datetime | datetime.date | None
    autor: str
    resumen: str
    cambios: list[Cambio] = field(default_factory=list)
    llegada: datetime.datetime | None = None

    @property
    def con_hora(self) -> bool:
        return isinstance(self.fecha, datetime.datetime)

    def orden(self) -> tuple:
        """Del hecho más antiguo al más reciente; lo cargado sin fecha publicada, primero (es el
        origen: el plan tal como se publicó)."""
        if self.fecha is None:
            return (0, datetime.datetime.min)
        if self.con_hora:
            return (1, timezone.localtime(self.fecha).replace(tzinfo=None))
        return (1, datetime.datetime.combine(self.fecha, datetime.time.min))


def _de_la_carga_inicial(registro) -> bool:
    return registro.history_change_reason == MOTIVO_CARGA_INICIAL


def _entrada(registro, resumen: str, cambios=None, *, fecha_en_la_fuente=None) -> Entrada:
    """La entrada de ``registro``: con la fecha del hecho y, si llegó al portal otro día, esa."""
    if not _de_la_carga_inicial(registro):
        return Entrada(registro.history_date, _autor(registro), resumen, cambios or [])
    llegada = registro.history_date
    mismo_dia = fecha_en_la_fuente is not None and timezone.localdate(llegada) == fecha_en_la_fuente
    return Entrada(fecha_en_la_fuente, _autor(registro), resumen, cambios or [], None if mismo_dia else llegada)


def _autor(registro) -> str:
    usuario = registro.history_user
    if usuario is None:
        return _("Registro del sistema (carga de datos)")
    try:
        persona = usuario.persona
    except Exception:  # sin persona vinculada: cuenta del STL
        persona = None
    if persona is not None:
        return persona.institucion.nombre_corto
    return _("Secretariado Técnico Local")


def _texto(valor) -> str:
    if valor is None or valor == "":
        return _("(vacío)")
    if isinstance(valor, bool):
        return _("sí") if valor else _("no")
    if isinstance(valor, datetime.date):
        return valor.isoformat()
    if isinstance(valor, Decimal):
        return numero_exacto(valor)
    return str(valor)


def _cambios(modelo, nuevo, anterior, campos) -> list[Cambio]:
    cambios = []
    for campo in campos:
        antes, despues = getattr(anterior, campo), getattr(nuevo, campo)
        if antes != despues:
            nombre = str(modelo._meta.get_field(campo).verbose_name)
            cambios.append(Cambio(nombre, _texto(antes), _texto(despues)))
    return cambios


def _entrada_de_avance(registro, previo, ultima_validada) -> Entrada | None:
    """Lo que la ciudadanía ve de una versión de un avance de un periodo publicado, frente a la
    versión anterior del mismo avance (``previo``) y a su última versión validada
    (``ultima_validada``), o ``None`` si no se ve nada.

    Solo las versiones validadas son públicas. Una versión no validada solo aparece como el
    **retiro** de la validada que la precedió (con el motivo público del STL): nunca se
    muestra lo que dice un borrador, un envío o una devolución.
    """
    periodo = registro.periodo.nombre
    validado = registro.estado == Avance.Estado.VALIDADO
    era_publico = previo is not None and previo.estado == Avance.Estado.VALIDADO
    if registro.history_type == "-":
        if not era_publico and not validado:
            return None
        return _entrada(registro, _("Se retiró el avance del periodo %(periodo)s.") % {"periodo": periodo})
    if not validado:
        if not era_publico:
            return None
        datos = {"periodo": periodo, "porcentaje": numero_exacto(previo.porcentaje)}
        if registro.motivo_retiro:
            resumen = _(
                "El STL retiró del portal el avance validado del periodo %(periodo)s (%(porcentaje)s %%), "
                "que deja de contar en las cifras hasta que se valide de nuevo. Motivo: %(motivo)s"
            ) % {**datos, "motivo": registro.motivo_retiro}
        else:
            resumen = _(
                "El STL devolvió para corregirlo el avance validado del periodo %(periodo)s "
                "(%(porcentaje)s %%); deja de contar en las cifras hasta que se valide de nuevo."
            ) % datos
        return _entrada(registro, resumen)
    datos = {"periodo": periodo, "porcentaje": numero_exacto(registro.porcentaje)}
    if ultima_validada is None:
        return _entrada(
            registro,
            _("Avance del periodo %(periodo)s validado: %(porcentaje)s %%.") % datos,
            fecha_en_la_fuente=registro.fecha_reporte,
        )
    if not era_publico:
        # Tras un retiro: qué cambió frente a la versión que se retiró.
        return _entrada(
            registro,
            _("Avance del periodo %(periodo)s validado de nuevo: %(porcentaje)s %%.") % datos,
            _cambios(Avance, registro, ultima_validada, _CAMPOS_AVANCE),
        )
    cambios = _cambios(Avance, registro, previo, _CAMPOS_AVANCE)
    if not cambios:
        return None
    return _entrada(registro, _("Se corrigió el avance validado del periodo %(periodo)s.") % {"periodo": periodo}, cambios)


def bitacora_de_accion(accion) -> list[Entrada]:
    """Entradas de la más reciente a la más antigua. Dos consultas."""
    entradas: list[Entrada] = []
    # Consulta 1: versiones de la acción, con la institución de quien la cambió.
    anterior = None
    for registro in accion.history.select_related("history_user__persona__institucion").order_by(
        "history_date", "history_id"
    ):
        if anterior is None:
            # Las fuentes no publican cuándo se registró cada acción del plan: sin fecha del hecho.
            entradas.append(_entrada(registro, _("Acción registrada en el plan.")))
        else:
            cambios = _cambios(accion.__class__, registro, anterior, _CAMPOS_ACCION)
            if cambios:
                entradas.append(_entrada(registro, _("Cambió la acción."), cambios))
        anterior = registro
    # Consulta 2: las versiones de sus avances de periodos publicados. Se leen todas para ver
    # cuándo una validada deja de estarlo (un retiro); ``_entrada_de_avance`` decide qué se ve.
    previas: dict[int, object] = {}
    validadas: dict[int, object] = {}
    for registro in (
        Avance.history.filter(accion_id=accion.pk, periodo__estado=Periodo.Estado.PUBLICADO)
        .select_related("periodo", "history_user__persona__institucion")
        .order_by("history_date", "history_id")
    ):
        entrada = _entrada_de_avance(registro, previas.get(registro.id), validadas.get(registro.id))
        if entrada is not None:
            entradas.append(entrada)
        previas[registro.id] = registro
        if registro.estado == Avance.Estado.VALIDADO:
            validadas[registro.id] = registro
    entradas.sort(key=Entrada.orden, reverse=True)
    return entradas


# --- Historial interno (STL y responsables, con sesión) -------------------------------------

_CAMPOS_AVANCE_INTERNO = [*_CAMPOS_AVANCE, "justificacion", "estado", "observaciones"]


@dataclass
class EntradaInterna:
    fecha: datetime.datetime
    cuenta: str
    estado: str
    motivo: str
    cambios: list[Cambio] = field(default_factory=list)


#: Motivo de historial de lo que cargó ``manage.py preparar`` (``registrar_historial_inicial``).
MOTIVO_CARGA_INICIAL = "Carga inicial"


def nombre_de_cuenta(usuario, *, eliminada: bool) -> str:
    """Quién hizo algo, para el trabajo interno: el nombre de la cuenta; si ya no hay cuenta,
    «una cuenta eliminada» (``eliminada``: consta que alguien lo hizo) o «registro del sistema»
    (lo cargó el sistema, p. ej. los avances del 1er Informe Parcial)."""
    if usuario is not None:
        return usuario.get_full_name() or usuario.get_username()
    return _("una cuenta eliminada") if eliminada else _("registro del sistema")


def _cuenta(registro) -> str:
    """Quién hizo una versión del historial: la carga inicial no tiene cuenta; cualquier otra
    versión sin cuenta la hizo una cuenta que se eliminó después."""
    nombre = nombre_de_cuenta(
        registro.history_user, eliminada=registro.history_change_reason != MOTIVO_CARGA_INICIAL
    )
    return nombre[:1].upper() + nombre[1:]


def historial_del_avance(avance) -> list[EntradaInterna]:
    """Cada versión del avance (de la más reciente a la más antigua) con quién, por qué y
    qué cambió, incluidos borradores y devoluciones. Una consulta. Solo para el trabajo
    interno: muestra nombres de cuenta."""
    entradas: list[EntradaInterna] = []
    anterior = None
    registros = avance.history.select_related("history_user").order_by("history_date", "history_id")
    for registro in registros:
        cambios = _cambios(Avance, registro, anterior, _CAMPOS_AVANCE_INTERNO) if anterior else []
        entradas.append(
            EntradaInterna(
                fecha=registro.history_date,
                cuenta=_cuenta(registro),
                estado=Avance.Estado(registro.estado).label,
                motivo=registro.history_change_reason or (_("Avance creado.") if anterior is None else ""),
                cambios=[c for c in cambios if c.campo != str(Avance._meta.get_field("estado").verbose_name)],
            )
        )
        anterior = registro
    entradas.reverse()
    return entradas


def historial_del_periodo(periodo) -> list[EntradaInterna]:
    """Apertura, prórrogas (con su motivo), cierre, reapertura y publicación. Una consulta."""
    entradas: list[EntradaInterna] = []
    anterior = None
    campos = ["fecha_limite", "inicio", "fin", "nombre"]
    for registro in periodo.history.select_related("history_user").order_by("history_date", "history_id"):
        cambios = _cambios(Periodo, registro, anterior, campos) if anterior else []
        otro_estado = anterior is not None and anterior.estado != registro.estado
        if anterior is None or cambios or otro_estado or registro.history_change_reason:
            entradas.append(
                EntradaInterna(
                    fecha=registro.history_date,
                    cuenta=_cuenta(registro),
                    estado=Periodo.Estado(registro.estado).label,
                    motivo=registro.history_change_reason or "",
                    cambios=cambios,
                )
            )
        anterior = registro
    entradas.reverse()
    return entradas
