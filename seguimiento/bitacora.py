"""Bitácora pública de una acción, tomada del historial de django-simple-history.

Se muestra qué cambió y cuándo, y quién lo hizo solo como institución («Poder Judicial del
Estado de Guanajuato», «Secretariado Técnico Local»): nunca nombres de usuario ni correos.
De los avances solo entran las versiones **validadas** de periodos **publicados**: los
borradores, envíos y devoluciones nunca aparecen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Avance, Periodo

_CAMPOS_ACCION = ["numero", "descripcion", "destacado", "entregable", "fecha_inicio", "fecha_fin", "peso"]
_CAMPOS_AVANCE = ["porcentaje", "etapa", "narrativa", "nota_aclaratoria_marcada", "nota_aclaratoria"]


@dataclass
class Cambio:
    campo: str
    antes: str
    despues: str


@dataclass
class Entrada:
    fecha: datetime.datetime
    autor: str
    resumen: str
    cambios: list[Cambio] = field(default_factory=list)


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
    return str(valor)


def _cambios(modelo, nuevo, anterior, campos) -> list[Cambio]:
    cambios = []
    for campo in campos:
        antes, despues = getattr(anterior, campo), getattr(nuevo, campo)
        if antes != despues:
            nombre = str(modelo._meta.get_field(campo).verbose_name)
            cambios.append(Cambio(nombre, _texto(antes), _texto(despues)))
    return cambios


def bitacora_de_accion(accion) -> list[Entrada]:
    """Entradas de la más reciente a la más antigua. Dos consultas."""
    entradas: list[Entrada] = []
    # Consulta 1: versiones de la acción, con la institución de quien la cambió.
    anterior = None
    for registro in accion.history.select_related("history_user__persona__institucion").order_by(
        "history_date", "history_id"
    ):
        if anterior is None:
            entradas.append(Entrada(registro.history_date, _autor(registro), _("Acción registrada en el plan.")))
        else:
            cambios = _cambios(accion.__class__, registro, anterior, _CAMPOS_ACCION)
            if cambios:
                entradas.append(Entrada(registro.history_date, _autor(registro), _("Cambió la acción."), cambios))
        anterior = registro
    # Consulta 2: versiones validadas de sus avances de periodos publicados.
    previas: dict[int, object] = {}
    for registro in (
        Avance.history.filter(
            accion_id=accion.pk,
            estado=Avance.Estado.VALIDADO,
            periodo__estado=Periodo.Estado.PUBLICADO,
        )
        .select_related("periodo", "history_user__persona__institucion")
        .order_by("history_date", "history_id")
    ):
        previa = previas.get(registro.id)
        if registro.history_type == "-":
            resumen = _("Se retiró el avance del periodo %(periodo)s.") % {"periodo": registro.periodo.nombre}
            entradas.append(Entrada(registro.history_date, _autor(registro), resumen))
        elif previa is None:
            resumen = _("Avance del periodo %(periodo)s validado: %(porcentaje)s %%.") % {
                "periodo": registro.periodo.nombre,
                "porcentaje": _texto(registro.porcentaje.normalize()),
            }
            entradas.append(Entrada(registro.history_date, _autor(registro), resumen))
        else:
            cambios = _cambios(Avance, registro, previa, _CAMPOS_AVANCE)
            if cambios:
                resumen = _("Se corrigió el avance validado del periodo %(periodo)s.") % {
                    "periodo": registro.periodo.nombre
                }
                entradas.append(Entrada(registro.history_date, _autor(registro), resumen, cambios))
        previas[registro.id] = registro
    entradas.sort(key=lambda entrada: entrada.fecha, reverse=True)
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


def _cuenta(usuario) -> str:
    if usuario is None:
        return _("Registro del sistema")
    return usuario.get_full_name() or usuario.get_username()


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
                cuenta=_cuenta(registro.history_user),
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
                    cuenta=_cuenta(registro.history_user),
                    estado=Periodo.Estado(registro.estado).label,
                    motivo=registro.history_change_reason or "",
                    cambios=cambios,
                )
            )
        anterior = registro
    entradas.reverse()
    return entradas
