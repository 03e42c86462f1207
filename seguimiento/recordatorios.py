"""Recordatorios por correo a los responsables antes y después de la fecha límite.

``manage.py enviar_recordatorios`` (para cron, una vez al día o más) llama a
``enviar_recordatorios``. Para cada periodo **abierto** con fecha límite y cada cuenta
responsable del plan (activa y con correo), las *acciones pendientes* son las de sus
instituciones cuyo avance del periodo no existe o está en borrador o devuelto (enviado y
validado ya no son pendientes). Una cuenta responsable de varias instituciones recibe **un**
correo con todas sus pendientes.

* **Próximo**: faltan entre 0 y ``settings.RECORDATORIO_DIAS_ANTES`` días para la fecha límite.
* **Vencido**: la fecha límite ya pasó.

El *estado* de un recordatorio es ``(tipo, fecha límite, claves pendientes)``. Se avisa una vez
por cambio de estado: no se envía si el último recordatorio de la cuenta en el periodo tiene
el mismo estado, y nunca dos el mismo día (la base lo impide también). Cada correo enviado
queda en ``Recordatorio``, solo después de que ``send_mail`` terminó sin error.

Las lecturas son un número fijo de consultas, sin importar cuántas acciones o cuentas haya:
periodos, membresías, acciones, avances entregados y recordatorios anteriores; después, una
inserción por correo enviado.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.models import Accion, Membresia, Plan

from .correos import url_absoluta
from .models import Avance, Periodo, Recordatorio

log = logging.getLogger(__name__)

#: Estados de un avance que ya no cuentan como pendientes.
ENTREGADOS = (Avance.Estado.ENVIADO, Avance.Estado.VALIDADO)
#: Largo máximo de la descripción de cada acción en el correo.
LARGO_DESCRIPCION = 120


class Resultado(Enum):
    ENVIADO = "enviado"
    SIMULADO = "simulado"
    MISMO_ESTADO = "mismo_estado"
    MISMO_DIA = "mismo_dia"
    FALLIDO = "fallido"


@dataclass(frozen=True)
class Pendiente:
    """Acción pendiente de enviar, con lo que el correo muestra de ella."""

    clave: str
    orden: tuple[int, int, int]
    descripcion: str
    institucion: str


@dataclass
class Aviso:
    """Recordatorio que corresponde a una cuenta en un periodo, y qué se hizo con él."""

    periodo: Periodo
    usuario: object
    tipo: str
    pendientes: list[Pendiente]
    resultado: Resultado | None = None
    detalle: str = ""
    anterior: Recordatorio | None = None

    @property
    def claves(self) -> str:
        """Las claves pendientes, en orden, separadas por comas (como se guardan)."""
        return ",".join(p.clave for p in self.pendientes)

    @property
    def estado(self) -> tuple[str, datetime.date, str]:
        return (self.tipo, self.periodo.fecha_limite, self.claves)


@dataclass
class PeriodoRevisado:
    """Un periodo abierto y si toca avisar en la fecha dada."""

    periodo: Periodo
    dias: int  # días que faltan para la fecha límite (negativo si ya pasó)
    tipo: str | None  # None: aún no toca avisar


@dataclass
class Resumen:
    hoy: datetime.date
    simulacion: bool
    periodos: list[PeriodoRevisado] = field(default_factory=list)
    avisos: list[Aviso] = field(default_factory=list)
    #: Cuentas responsables revisadas que no tienen nada pendiente.
    sin_pendientes: int = 0

    def con_resultado(self, resultado: Resultado) -> list[Aviso]:
        return [a for a in self.avisos if a.resultado is resultado]

    @property
    def fallidos(self) -> list[Aviso]:
        return self.con_resultado(Resultado.FALLIDO)


def tipo_de_recordatorio(fecha_limite: datetime.date, hoy: datetime.date, dias_antes: int) -> str | None:
    """``proximo``, ``vencido`` o ``None`` si todavía no toca avisar."""
    dias = (fecha_limite - hoy).days
    if dias < 0:
        return Recordatorio.Tipo.VENCIDO
    if dias <= dias_antes:
        return Recordatorio.Tipo.PROXIMO
    return None


def enviar_recordatorios(
    *,
    hoy: datetime.date,
    plan: Plan | None = None,
    simular: bool = False,
    dias_antes: int | None = None,
) -> Resumen:
    """Decide, envía y registra los recordatorios del día ``hoy``; devuelve lo que pasó.

    Con ``simular`` no envía ni registra nada. Un error al enviar un correo no detiene a los
    demás: queda en el resumen como ``FALLIDO`` y no se registra (se reintenta en la siguiente
    ejecución).
    """
    if dias_antes is None:
        dias_antes = settings.RECORDATORIO_DIAS_ANTES
    resumen = Resumen(hoy=hoy, simulacion=simular)
    # Una transacción para decidir y registrar: el bloqueo de los periodos abiertos (en
    # PostgreSQL) hace esperar a otra ejecución simultánea hasta que esta termine, y esa ve
    # entonces los recordatorios registrados aquí, así que no repite ningún correo.
    with transaction.atomic():
        periodos = Periodo.objects.abiertos().filter(fecha_limite__isnull=False).select_related("plan")
        if plan is not None:
            periodos = periodos.filter(plan=plan)
        if not simular:
            periodos = periodos.select_for_update(of=("self",))
        for periodo in periodos.order_by("plan__slug", "inicio"):
            tipo = tipo_de_recordatorio(periodo.fecha_limite, hoy, dias_antes)
            resumen.periodos.append(
                PeriodoRevisado(periodo=periodo, dias=(periodo.fecha_limite - hoy).days, tipo=tipo)
            )
        por_avisar = [r for r in resumen.periodos if r.tipo is not None]
        if not por_avisar:
            return resumen
        _decidir(resumen, por_avisar, hoy)
        for aviso in resumen.avisos:
            if aviso.resultado is None:
                _enviar(aviso, hoy, simular)
    return resumen


def _decidir(resumen: Resumen, por_avisar: list[PeriodoRevisado], hoy: datetime.date) -> None:
    """Arma los avisos de cada cuenta y marca los que no se envían (cuatro consultas)."""
    planes = {r.periodo.plan_id for r in por_avisar}
    periodos = {r.periodo.pk: r for r in por_avisar}

    # Consulta 1: cuentas responsables (activas y con correo) de esos planes.
    instituciones_de: dict[tuple[int, int], set[int]] = defaultdict(set)  # (plan, usuario) → instituciones
    usuarios = {}
    for membresia in Membresia.objects.filter(
        plan_id__in=planes,
        rol=Membresia.Rol.RESPONSABLE,
        activa=True,
        usuario__is_active=True,
    ).exclude(usuario__email="").select_related("usuario"):
        instituciones_de[(membresia.plan_id, membresia.usuario_id)].add(membresia.institucion_id)
        usuarios[membresia.usuario_id] = membresia.usuario
    if not usuarios:
        return

    # Consulta 2: acciones de sus instituciones en esos planes, con eje, compromiso e institución.
    todas = {i for ids in instituciones_de.values() for i in ids}
    acciones_de: dict[tuple[int, int], list[tuple[int, Pendiente]]] = defaultdict(list)  # (plan, inst)
    # Una acción retirada (o de un compromiso retirado) ya no recibe avances: no está pendiente.
    for accion in Accion.objects.filter(
        compromiso__eje__plan_id__in=planes, compromiso__institucion_responsable_id__in=todas,
        retiro="", compromiso__retiro="",
    ).select_related("compromiso__eje", "compromiso__institucion_responsable").order_by():
        compromiso = accion.compromiso
        acciones_de[(compromiso.eje.plan_id, compromiso.institucion_responsable_id)].append(
            (
                accion.pk,
                Pendiente(
                    clave=accion.clave,
                    orden=(compromiso.eje.numero, compromiso.numero, accion.numero),
                    descripcion=Truncator(" ".join(accion.descripcion.split())).chars(LARGO_DESCRIPCION),
                    institucion=compromiso.institucion_responsable.nombre_corto,
                ),
            )
        )

    # Consulta 3: avances ya entregados (enviados o validados) de esos periodos.
    entregados = set(
        Avance.objects.filter(periodo_id__in=periodos, estado__in=ENTREGADOS)
        .order_by()
        .values_list("periodo_id", "accion_id")
    )

    # Consulta 4: recordatorios anteriores de esos periodos; vale el último hasta ``hoy``.
    ultimos: dict[tuple[int, int], Recordatorio] = {}
    de_hoy: set[tuple[int, int]] = set()
    for recordatorio in Recordatorio.objects.filter(periodo_id__in=periodos, fecha__lte=hoy).order_by(
        "fecha", "enviado_en", "pk"
    ):
        llave = (recordatorio.periodo_id, recordatorio.usuario_id)
        ultimos[llave] = recordatorio
        if recordatorio.fecha == hoy:
            de_hoy.add(llave)

    for revisado in por_avisar:
        periodo = revisado.periodo
        cuentas = sorted(
            (u for (p, u) in instituciones_de if p == periodo.plan_id),
            key=lambda u: usuarios[u].username,
        )
        for usuario_id in cuentas:
            pendientes = sorted(
                (
                    pendiente
                    for institucion_id in instituciones_de[(periodo.plan_id, usuario_id)]
                    for accion_id, pendiente in acciones_de[(periodo.plan_id, institucion_id)]
                    if (periodo.pk, accion_id) not in entregados
                ),
                key=lambda p: p.orden,
            )
            if not pendientes:
                resumen.sin_pendientes += 1
                continue
            llave = (periodo.pk, usuario_id)
            aviso = Aviso(
                periodo=periodo,
                usuario=usuarios[usuario_id],
                tipo=revisado.tipo,
                pendientes=pendientes,
                anterior=ultimos.get(llave),
            )
            anterior = aviso.anterior
            if llave in de_hoy:
                aviso.resultado = Resultado.MISMO_DIA
            elif anterior is not None and (
                anterior.tipo,
                anterior.fecha_limite,
                anterior.pendientes,
            ) == aviso.estado:
                aviso.resultado = Resultado.MISMO_ESTADO
            resumen.avisos.append(aviso)


def asunto(aviso: Aviso, hoy: datetime.date) -> str:
    periodo = aviso.periodo.nombre
    if aviso.tipo == Recordatorio.Tipo.VENCIDO:
        return _("Fecha límite vencida: avances pendientes de %(periodo)s") % {"periodo": periodo}
    dias = (aviso.periodo.fecha_limite - hoy).days
    if dias == 0:
        return _("Recordatorio: hoy vence el plazo para enviar los avances de %(periodo)s") % {
            "periodo": periodo
        }
    return ngettext(
        "Recordatorio: falta %(dias)d día para enviar los avances de %(periodo)s",
        "Recordatorio: faltan %(dias)d días para enviar los avances de %(periodo)s",
        dias,
    ) % {"dias": dias, "periodo": periodo}


def cuerpo(aviso: Aviso, hoy: datetime.date) -> str:
    periodo = aviso.periodo
    plan = periodo.plan
    por_institucion: dict[str, list[Pendiente]] = defaultdict(list)
    for pendiente in aviso.pendientes:
        por_institucion[pendiente.institucion].append(pendiente)
    contexto = {
        "usuario": aviso.usuario,
        "nombre": aviso.usuario.get_full_name() or aviso.usuario.get_username(),
        "plan": plan,
        "periodo": periodo,
        "fecha_limite": formats.date_format(periodo.fecha_limite, "j \\d\\e F \\d\\e Y").lower(),
        "dias": (periodo.fecha_limite - hoy).days,
        "dias_vencido": (hoy - periodo.fecha_limite).days,
        "pendientes": aviso.pendientes,
        "por_institucion": dict(por_institucion),
        "url": url_absoluta(reverse("trabajo:plan", kwargs={"slug": plan.slug})),
    }
    plantilla = (
        "correos/recordatorio_vencido.txt"
        if aviso.tipo == Recordatorio.Tipo.VENCIDO
        else "correos/recordatorio_proximo.txt"
    )
    return render_to_string(plantilla, contexto)


def _enviar(aviso: Aviso, hoy: datetime.date, simular: bool) -> None:
    # El correo se arma antes de enviar: un error de plantilla o de URL también es un fallo
    # de esta cuenta, no del comando entero.
    try:
        mensaje = (asunto(aviso, hoy), cuerpo(aviso, hoy))
    except Exception as error:  # noqa: BLE001 — se informa y se sigue con los demás
        log.exception("No se pudo preparar el recordatorio para %s.", aviso.usuario.email)
        aviso.resultado, aviso.detalle = Resultado.FALLIDO, str(error) or error.__class__.__name__
        return
    if simular:
        aviso.resultado = Resultado.SIMULADO
        return
    try:
        send_mail(mensaje[0], mensaje[1], None, [aviso.usuario.email])
    except Exception as error:  # noqa: BLE001 — SMTP puede fallar de muchas formas
        log.exception("No se pudo enviar el recordatorio a %s.", aviso.usuario.email)
        aviso.resultado, aviso.detalle = Resultado.FALLIDO, str(error) or error.__class__.__name__
        return
    try:
        # Punto de guardado propio: si otra ejecución registró uno hoy (carrera en SQLite,
        # que no bloquea filas), se informa sin deshacer los registros de los demás.
        with transaction.atomic():
            Recordatorio.objects.create(
                periodo=aviso.periodo,
                usuario=aviso.usuario,
                tipo=aviso.tipo,
                fecha=hoy,
                fecha_limite=aviso.periodo.fecha_limite,
                pendientes=aviso.claves,
                correo=aviso.usuario.email,
            )
    except IntegrityError as error:
        log.error("Recordatorio enviado a %s sin registrar: %s", aviso.usuario.email, error)
        aviso.resultado = Resultado.FALLIDO
        aviso.detalle = _("se envió, pero otra ejecución ya había registrado uno hoy")
        return
    aviso.resultado = Resultado.ENVIADO
