"""El ciclo bimestral: capturar, enviar, revisar y publicar avances; abrir y cerrar periodos.

Cada función es una operación completa del STL o de un responsable, en una transacción:
o se hace entera o no se escribe nada. Lanzan ``ValidationError`` con un mensaje en español
cuando la operación no procede, y ``Conflicto`` cuando alguien más cambió el avance desde
que la persona lo abrió. Quién puede llamarlas lo deciden las vistas con
``seguimiento.permisos``; aquí se cuidan las reglas del ciclo:

Estados de un avance (acción × periodo)::

    (sin enviar) ──guardar──▶ borrador ──enviar──▶ enviado ──validar──▶ validado
                                 ▲                    │                    │
                                 └──── corregir ── devuelto ◀──devolver────┘

* Un responsable edita un avance sin enviar o en borrador mientras el periodo está
  **abierto**; uno **devuelto** lo puede corregir aunque el periodo ya esté cerrado (el STL
  lo reabrió al devolverlo). Enviado o validado, queda bloqueado para el responsable.
* La persona facilitadora también captura (p. ej. lo que una institución entregó por
  correo), incluso con el periodo cerrado; enviados y validados solo cambian al devolverlos.
* Solo cuenta para el avance, y solo se ve en público, lo **validado** de un periodo
  **publicado** (``AvanceQuerySet.publicados``).
* Cada cambio queda en el historial (django-simple-history) con quién, cuándo y por qué.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plan.models import Accion, Plan
from tareas import servicios as tareas

from .models import Avance, Evidencia, Periodo
from .numeros import numero_exacto
from .selectores import validado_anterior
from .senales import enviar_al_confirmar, periodo_publicado


class Conflicto(Exception):
    """Otra persona cambió el avance desde que se abrió el formulario.

    ``actual`` es el avance como está ahora en la base (o ``None`` si se borró).
    """

    def __init__(self, actual: Avance | None):
        self.actual = actual
        super().__init__(_("Otra persona cambió este avance mientras usted lo editaba."))


@dataclass
class DatosAvance:
    porcentaje: Decimal
    etapa: str = ""
    narrativa: str = ""
    nota_aclaratoria_marcada: bool = False
    nota_aclaratoria: str = ""
    justificacion: str = ""

    CAMPOS = (
        "porcentaje",
        "etapa",
        "narrativa",
        "nota_aclaratoria_marcada",
        "nota_aclaratoria",
        "justificacion",
    )


#: Etapas que se sugieren al capturar un avance (formulario y plantilla de Excel); se puede
#: escribir otra.
ETAPAS_SUGERIDAS = [
    "En etapa de diseño",
    "En etapa de planeación",
    "En implementación",
    "En etapa de evaluación",
    "Concluida",
]


# --- Reglas ---------------------------------------------------------------------------------


def motivo_retiro(accion: Accion) -> str | None:
    """Por qué una acción retirada, o de un compromiso retirado, ya no recibe avances (``None``
    si está vigente). Nada publicado se borra: sus avances anteriores siguen publicados."""
    retirada = accion if accion.retirada else accion.compromiso if accion.compromiso.retirada else None
    if retirada is None:
        return None
    fecha = date_format(retirada.retiro_fecha, "j \\d\\e F \\d\\e Y").lower()
    if retirada is accion:
        texto = _("La acción %(clave)s se retiró del plan el %(fecha)s («%(como)s»): ya no recibe avances. Motivo: %(motivo)s")
    else:
        texto = _("El compromiso %(clave)s se retiró del plan el %(fecha)s («%(como)s»): sus acciones ya no reciben avances. Motivo: %(motivo)s")
    return texto % {
        "clave": retirada.clave, "como": retirada.get_retiro_display(), "fecha": fecha,
        "motivo": retirada.retiro_motivo,
    }


def motivo_bloqueo(avance: Avance | None, periodo: Periodo, *, como_stl: bool = False) -> str | None:
    """Por qué no se puede editar el avance (``None`` si se puede)."""
    if periodo.estado == Periodo.Estado.PROGRAMADO:
        return _("El periodo %(periodo)s todavía no se abre.") % {"periodo": periodo.nombre}
    estado = avance.estado if avance else None
    if estado == Avance.Estado.ENVIADO:
        return _("El avance está enviado y espera la revisión del STL.")
    if estado == Avance.Estado.VALIDADO:
        return _("El avance ya fue validado; para corregirlo, el STL debe devolverlo.")
    if estado == Avance.Estado.DEVUELTO or como_stl:
        return None
    if periodo.estado != Periodo.Estado.ABIERTO:
        return _(
            "El periodo %(periodo)s está %(estado)s: ya no recibe avances. "
            "Solo el STL puede reabrirlo."
        ) % {"periodo": periodo.nombre, "estado": periodo.get_estado_display().lower()}
    return None


def errores_de_datos(datos: DatosAvance, anterior: Avance | None) -> dict[str, str]:
    """Reglas del contenido de un avance, comunes al formulario y a la carga de Excel."""
    errores = {}
    if anterior is not None and datos.porcentaje < anterior.porcentaje and not datos.justificacion.strip():
        errores["justificacion"] = _(
            "El avance es acumulado: %(nuevo)s %% es menor que el %(anterior)s %% validado en "
            "%(periodo)s. Escriba por qué disminuye."
        ) % {
            "nuevo": numero_exacto(datos.porcentaje),
            "anterior": numero_exacto(anterior.porcentaje),
            "periodo": anterior.periodo.nombre,
        }
    if datos.nota_aclaratoria.strip() and not datos.nota_aclaratoria_marcada:
        datos.nota_aclaratoria_marcada = True
    return errores


# --- Captura de un responsable (o del STL) -----------------------------------------------


def _evidencia_exigida(plan: Plan, avance: Avance, nuevas: int = 0, quitadas: int = 0) -> bool:
    """``True`` si el plan exige evidencia y el avance quedaría sin ninguna."""
    if not plan.exige_evidencia:
        return False
    actuales = avance.evidencias.vigentes().count() if avance.pk else 0
    return actuales - quitadas + nuevas <= 0


@transaction.atomic
def guardar_avance(
    *,
    accion: Accion,
    periodo: Periodo,
    usuario,
    datos: DatosAvance,
    version: int,
    enviar: bool = False,
    como_stl: bool = False,
    evidencias_nuevas: list[Evidencia] = (),
    evidencias_quitar: list[int] = (),
) -> Avance:
    """Guarda el avance de ``accion`` en ``periodo`` como borrador o lo envía.

    ``version`` es la que tenía el avance cuando la persona abrió el formulario (0 si no
    existía): si ya no coincide, lanza ``Conflicto`` y no escribe nada. Las evidencias
    nuevas llegan ya revisadas (sin guardar); ``evidencias_quitar`` son ids del avance. La
    referencia del avance acumulado (el último validado anterior) la busca aquí: un porcentaje
    menor sin justificación se rechaza, llame quien llame.
    """
    if accion.compromiso.eje.plan_id != periodo.plan_id:
        raise ValidationError(_("La acción no pertenece al plan de este periodo."))
    retirada = motivo_retiro(accion)
    if retirada:
        raise ValidationError(retirada)
    avance = Avance.objects.select_for_update().filter(accion=accion, periodo=periodo).first()
    actual = avance.version if avance else 0
    if version != actual:
        raise Conflicto(avance)
    motivo = motivo_bloqueo(avance, periodo, como_stl=como_stl)
    if motivo:
        raise ValidationError(motivo)
    errores = errores_de_datos(datos, validado_anterior(accion, periodo))
    if errores:
        raise ValidationError(errores)

    nuevo = avance is None
    if nuevo:
        avance = Avance(accion=accion, periodo=periodo, capturado_por=usuario, version=0)
    for campo in DatosAvance.CAMPOS:
        setattr(avance, campo, getattr(datos, campo))
    quitar = list(avance.evidencias.vigentes().filter(pk__in=evidencias_quitar)) if not nuevo else []
    if enviar and _evidencia_exigida(periodo.plan, avance, len(evidencias_nuevas), len(quitar)):
        raise ValidationError(
            _("Este plan exige al menos una evidencia (enlace o archivo) para enviar un avance.")
        )
    if enviar:
        avance.estado = Avance.Estado.ENVIADO
        avance.enviado_por = usuario
        avance.enviado_en = timezone.now()
        avance._change_reason = _("Enviado al STL para su revisión.")
    elif avance.estado != Avance.Estado.DEVUELTO:
        avance.estado = Avance.Estado.BORRADOR
        avance._change_reason = _("Guardado como borrador.")
    else:
        avance._change_reason = _("Corrección guardada (sigue devuelto).")
    if not nuevo and avance.estado == Avance.Estado.BORRADOR:
        avance.capturado_por = usuario
    _guardar_con_version(avance, usuario, nuevo=nuevo)
    for evidencia in quitar:
        _quitar_evidencia(evidencia, usuario, periodo)
    for evidencia in evidencias_nuevas:
        evidencia.avance = avance
        evidencia._history_user = usuario
        evidencia.save()
    return avance


def _quitar_evidencia(evidencia: Evidencia, usuario, periodo: Periodo) -> None:
    """Quita una evidencia de su avance. En un periodo publicado no se destruye: lo que pudo
    publicarse se conserva (archivo incluido), marcado como retirado; en otro, se borra."""
    evidencia._history_user = usuario
    if periodo.publicado:
        evidencia.retirada_en = timezone.now()
        evidencia._change_reason = _("Retirada del avance; el archivo se conserva.")
        evidencia.save(update_fields=["retirada_en"])
    else:
        evidencia.delete()


def _guardar_con_version(avance: Avance, usuario, *, nuevo: bool) -> None:
    """Guarda subiendo ``version``; si otra transacción se adelantó, lanza ``Conflicto``."""
    avance._history_user = usuario
    if nuevo:
        avance.version = 1
        try:
            with transaction.atomic():
                avance.save()
        except IntegrityError:
            # Otra persona creó el avance de esta acción y periodo al mismo tiempo.
            raise Conflicto(
                Avance.objects.filter(accion=avance.accion, periodo=avance.periodo).first()
            ) from None
        return
    # Actualización condicional: solo gana quien aún tiene la versión leída.
    if not Avance.objects.filter(pk=avance.pk, version=avance.version).update(version=avance.version + 1):
        raise Conflicto(Avance.objects.filter(pk=avance.pk).first())
    avance.version += 1
    avance.save()


# --- Revisión del STL ---------------------------------------------------------------------


def _avance_para_revisar(avance_id: int, version: int) -> Avance:
    avance = (
        Avance.objects.select_for_update()
        .select_related("periodo__plan", "accion__compromiso__eje")
        .filter(pk=avance_id)
        .first()
    )
    if avance is None or avance.version != version:
        raise Conflicto(avance)
    return avance


@transaction.atomic
def validar_avance(*, avance_id: int, usuario, version: int) -> Avance:
    """Aprueba un avance enviado. Con el periodo publicado, se ve en público al instante."""
    avance = _avance_para_revisar(avance_id, version)
    if avance.estado != Avance.Estado.ENVIADO:
        raise ValidationError(
            _("Solo se valida un avance enviado; este está %(estado)s.")
            % {"estado": avance.get_estado_display().lower()}
        )
    if _evidencia_exigida(avance.periodo.plan, avance):
        raise ValidationError(
            _("Este plan exige al menos una evidencia para validar un avance, y este no tiene ninguna.")
        )
    avance.estado = Avance.Estado.VALIDADO
    avance.motivo_retiro = ""  # el de un retiro anterior queda en el historial
    avance.validado_por = usuario
    avance.validado_en = timezone.now()
    avance._change_reason = _("Validado por el STL.")
    _guardar_con_version(avance, usuario, nuevo=False)
    return avance


@transaction.atomic
def devolver_avance(
    *, avance_id: int, usuario, version: int, observaciones: str, motivo_retiro: str = ""
) -> Avance:
    """Devuelve un avance enviado (o ya validado) con observaciones; avisa por correo (en segundo
    plano: la tarea ``correos.devolucion``, pedida en esta misma transacción).

    Devolver un avance **publicado** (validado en un periodo publicado) lo retira del portal y
    de las cifras: exige ``motivo_retiro``, el porqué para la ciudadanía, que queda en la
    historia pública de la acción con la fecha del retiro.
    """
    observaciones = observaciones.strip()
    motivo_retiro = motivo_retiro.strip()
    errores = {}
    if not observaciones:
        errores["observaciones"] = _("Escriba qué debe corregirse.")
    avance = _avance_para_revisar(avance_id, version)
    if avance.estado not in (Avance.Estado.ENVIADO, Avance.Estado.VALIDADO):
        raise ValidationError(
            _("Solo se devuelve un avance enviado o validado; este está %(estado)s.")
            % {"estado": avance.get_estado_display().lower()}
        )
    publicado = avance.estado == Avance.Estado.VALIDADO and avance.periodo.publicado
    if publicado and not motivo_retiro:
        errores["motivo_retiro"] = _(
            "Este avance está publicado en el portal: devolverlo lo retira de las cifras. Escriba el "
            "motivo para la ciudadanía; se publica en la historia de la acción %(clave)s."
        ) % {"clave": avance.accion.clave}
    if errores:
        raise ValidationError(errores)
    avance.estado = Avance.Estado.DEVUELTO
    avance.motivo_retiro = motivo_retiro if publicado else ""
    avance.observaciones = observaciones
    avance.devuelto_por = usuario
    avance.devuelto_en = timezone.now()
    avance.validado_por = None
    avance.validado_en = None
    avance._change_reason = (
        _("Retirado del portal y devuelto: %(motivo)s") % {"motivo": motivo_retiro}
        if publicado
        else _("Devuelto con observaciones: %(obs)s") % {"obs": observaciones}
    )
    _guardar_con_version(avance, usuario, nuevo=False)
    tareas.encolar(
        tipo="correos.devolucion",
        descripcion=_("Aviso por correo: avance devuelto de la acción %(clave)s (%(periodo)s)")
        % {"clave": avance.accion.clave, "periodo": avance.periodo.nombre},
        argumentos={"avance_id": avance.pk},
        plan=avance.periodo.plan,
        usuario=usuario,
    )
    return avance


# --- Periodos -------------------------------------------------------------------------------


def _guardar_periodo(periodo: Periodo, usuario, motivo: str) -> None:
    periodo._history_user = usuario
    periodo._change_reason = motivo
    periodo.save()


def _bloquear_en_estado(periodo: Periodo, *estados, accion: str) -> Periodo:
    """El periodo releído y bloqueado hasta el fin de la transacción, si está en ``estados``."""
    periodo = Periodo.objects.select_for_update().get(pk=periodo.pk)
    if periodo.estado not in estados:
        raise ValidationError(
            _("No se puede %(accion)s el periodo %(periodo)s: está %(estado)s.")
            % {
                "accion": accion,
                "periodo": periodo.nombre,
                "estado": periodo.get_estado_display().lower(),
            }
        )
    return periodo


def _sin_otro_abierto(plan: Plan, excepto: Periodo | None = None) -> None:
    abiertos = Periodo.objects.abiertos().filter(plan=plan)
    if excepto is not None:
        abiertos = abiertos.exclude(pk=excepto.pk)
    otro = abiertos.first()
    if otro is not None:
        raise ValidationError(
            _("El periodo %(periodo)s sigue abierto: ciérrelo antes de abrir otro.")
            % {"periodo": otro.nombre}
        )


def _revisar_periodo_nuevo(plan: Plan, *, nombre: str, inicio, fin, fecha_limite) -> str:
    """Las reglas de un periodo nuevo; devuelve su identificador o lanza ``ValidationError``."""
    errores = {}
    if fin < inicio:
        errores["fin"] = _("El fin del periodo no puede ser anterior a su inicio.")
    if fecha_limite < inicio:
        errores["fecha_limite"] = _("La fecha límite no puede ser anterior al inicio del periodo.")
    traslape = plan.periodos.filter(inicio__lte=fin, fin__gte=inicio).first()
    if traslape is not None and "fin" not in errores:
        errores["inicio"] = _(
            "Las fechas se traslapan con el periodo %(periodo)s (%(inicio)s a %(fin)s)."
        ) % {"periodo": traslape.nombre, "inicio": traslape.inicio, "fin": traslape.fin}
    # «Agosto–noviembre 2023» → «agosto-noviembre-2023» (slugify borraría la raya).
    slug = slugify(re.sub(r"[–—/]", " ", nombre))[:100] or f"periodo-{inicio:%Y-%m}"
    if plan.periodos.filter(slug=slug).exists():
        errores["nombre"] = _("Ya hay un periodo con ese nombre en el plan.")
    if errores:
        raise ValidationError(errores)
    _sin_otro_abierto(plan)
    return slug


@transaction.atomic
def abrir_periodo(
    *,
    plan: Plan,
    usuario,
    nombre: str,
    inicio: datetime.date,
    fin: datetime.date,
    fecha_limite: datetime.date,
) -> Periodo:
    """Abre un periodo nuevo para recibir avances.

    Si otra petición abre uno al mismo tiempo (dos pestañas, dos personas), la base rechaza el
    segundo (un abierto por plan, nombres únicos): se responde con el mismo error en español que
    si se hubiera abierto antes, y no queda nada a medias.
    """
    fechas = {"nombre": nombre, "inicio": inicio, "fin": fin, "fecha_limite": fecha_limite}
    slug = _revisar_periodo_nuevo(plan, **fechas)
    periodo = Periodo(plan=plan, slug=slug, estado=Periodo.Estado.ABIERTO, **fechas)
    try:
        with transaction.atomic():
            _guardar_periodo(periodo, usuario, _("Periodo abierto."))
    except IntegrityError:
        # Lo que se guardó a la vez ya se ve: las reglas dicen qué choca con qué.
        _revisar_periodo_nuevo(plan, **fechas)
        raise ValidationError(
            _("Otra persona abrió o cambió un periodo de este plan al mismo tiempo; no se abrió este. Revise los periodos del plan.")
        ) from None
    return periodo


def _motivo_y_fecha(motivo: str, falta_motivo: str, error_fecha: str | None) -> str:
    """El motivo sin espacios sobrantes; o ``ValidationError`` con el del motivo y la fecha."""
    motivo = motivo.strip()
    errores = {"motivo": falta_motivo} if not motivo else {}
    if error_fecha:
        errores["fecha_limite"] = error_fecha
    if errores:
        raise ValidationError(errores)
    return motivo


@transaction.atomic
def prorrogar_periodo(*, periodo: Periodo, usuario, fecha_limite: datetime.date, motivo: str) -> Periodo:
    """Amplía la fecha límite de un periodo abierto; el motivo queda en el historial."""
    periodo = _bloquear_en_estado(periodo, Periodo.Estado.ABIERTO, accion=_("prorrogar"))
    motivo = _motivo_y_fecha(
        motivo,
        _("Escriba el motivo de la prórroga."),
        _("La nueva fecha límite debe ser posterior a la actual (%(fecha)s).")
        % {"fecha": periodo.fecha_limite.strftime("%d/%m/%Y")}
        if periodo.fecha_limite and fecha_limite <= periodo.fecha_limite
        else None,
    )
    anterior = periodo.fecha_limite
    periodo.fecha_limite = fecha_limite
    _guardar_periodo(
        periodo,
        usuario,
        _("Prórroga del %(antes)s al %(despues)s: %(motivo)s")
        % {
            "antes": anterior.strftime("%d/%m/%Y") if anterior else "—",
            "despues": fecha_limite.strftime("%d/%m/%Y"),
            "motivo": motivo,
        },
    )
    return periodo


@transaction.atomic
def cerrar_periodo(*, periodo: Periodo, usuario) -> Periodo:
    """Cierra la recepción: los responsables ya no editan ni envían (salvo devueltos)."""
    periodo = _bloquear_en_estado(periodo, Periodo.Estado.ABIERTO, accion=_("cerrar"))
    periodo.estado = Periodo.Estado.CERRADO
    _guardar_periodo(periodo, usuario, _("Periodo cerrado."))
    return periodo


@transaction.atomic
def reabrir_periodo(*, periodo: Periodo, usuario, fecha_limite: datetime.date, motivo: str) -> Periodo:
    """Reabre un periodo cerrado con una nueva fecha límite; el motivo queda registrado."""
    periodo = _bloquear_en_estado(periodo, Periodo.Estado.CERRADO, accion=_("reabrir"))
    motivo = _motivo_y_fecha(
        motivo,
        _("Escriba el motivo para reabrir el periodo."),
        _("La nueva fecha límite no puede estar en el pasado.")
        if fecha_limite < timezone.localdate()
        else None,
    )
    _sin_otro_abierto(periodo.plan, excepto=periodo)
    periodo.estado = Periodo.Estado.ABIERTO
    periodo.fecha_limite = fecha_limite
    _guardar_periodo(
        periodo,
        usuario,
        _("Periodo reabierto hasta el %(fecha)s: %(motivo)s")
        % {"fecha": fecha_limite.strftime("%d/%m/%Y"), "motivo": motivo},
    )
    return periodo


@transaction.atomic
def publicar_periodo(*, periodo: Periodo, usuario) -> Periodo:
    """Publica el periodo en un paso: sus avances validados pasan al portal y al cálculo.

    Un periodo abierto se cierra al publicarse. Lo no validado no se publica.
    """
    periodo = _bloquear_en_estado(periodo, Periodo.Estado.ABIERTO, Periodo.Estado.CERRADO, accion=_("publicar"))
    periodo.estado = Periodo.Estado.PUBLICADO
    periodo.fecha_publicacion = max(timezone.localdate(), periodo.inicio)
    _guardar_periodo(periodo, usuario, _("Periodo publicado."))
    enviar_al_confirmar(periodo_publicado, Periodo, periodo=periodo, usuario=usuario)
    return periodo
