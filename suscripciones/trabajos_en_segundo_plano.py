"""Los correos de las suscripciones se envían en segundo plano (``tareas``), no en la petición.

La confirmación y el enlace para borrar los datos los pide ``servicios.py``; la tarea guarda solo
los números de las suscripciones (la dirección se lee de ellas al enviar: no queda copiada en la
tarea, y si la persona se dio de baja antes, no se envía nada).

Los receptores de las señales de ``seguimiento/senales.py`` (conectados en ``apps.py``) solo piden
la tarea; la tarea vuelve a leer el periodo o el informe y envía un correo por dirección
(``correos.avisar_periodo`` y ``correos.avisar_informe``). Una tarea fallida (el servidor de correo
no responde) queda a la vista en las tareas del plan y se reintenta desde allí.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seguimiento.models import Informe, Periodo
from tareas.registro import trabajo
from tareas.servicios import encolar

from . import correos
from .models import Suscripcion


def _resumen(enviados: int) -> dict:
    if not enviados:
        return {"resumen": _("Nadie que siga el plan o sus compromisos esperaba este aviso: no se envió ningún correo.")}
    return {
        "resumen": ngettext(
            "Aviso enviado a %(n)s dirección que sigue el plan o sus compromisos.",
            "Aviso enviado a %(n)s direcciones que siguen el plan o sus compromisos.",
            enviados,
        ) % {"n": enviados}
    }


def _buscar(modelo, pk: int, mensaje: str):
    objeto = modelo.objects.select_related("plan").filter(pk=pk).first()
    if objeto is None:
        raise ValidationError(mensaje, code="no_existe")
    return objeto


@trabajo("suscripciones.avisar_periodo")
def avisar_periodo(tarea, *, periodo_id: int) -> dict:
    periodo = _buscar(Periodo, periodo_id, _("El periodo ya no existe: no hay nada que avisar."))
    return _resumen(correos.avisar_periodo(periodo=periodo))


@trabajo("suscripciones.avisar_informe")
def avisar_informe(tarea, *, informe_id: int) -> dict:
    informe = _buscar(Informe, informe_id, _("El informe ya no existe: no hay nada que avisar."))
    return _resumen(correos.avisar_informe(informe=informe))


def al_publicarse_periodo(sender, periodo, usuario=None, **_datos) -> None:
    """Receptor de ``periodo_publicado``: pide los avisos."""
    encolar(
        tipo="suscripciones.avisar_periodo",
        descripcion=_("Avisos por correo a quien sigue el plan: periodo %(periodo)s publicado")
        % {"periodo": periodo.nombre},
        argumentos={"periodo_id": periodo.pk},
        plan=periodo.plan,
        usuario=usuario,
    )


def al_publicarse_informe(sender, informe, usuario=None, **_datos) -> None:
    """Receptor de ``informe_publicado``: pide los avisos."""
    encolar(
        tipo="suscripciones.avisar_informe",
        descripcion=_("Avisos por correo a quien sigue el plan: %(informe)s publicado") % {"informe": informe.titulo},
        argumentos={"informe_id": informe.pk},
        plan=informe.plan,
        usuario=usuario,
    )


@trabajo("suscripciones.confirmar")
def confirmar(tarea, *, suscripcion_id: int) -> dict:
    suscripcion = Suscripcion.objects.select_related("plan", "compromiso__eje__plan").filter(pk=suscripcion_id).first()
    if suscripcion is None or suscripcion.confirmada:
        return {"resumen": _("La suscripción ya no espera confirmación: no se envió ningún correo.")}
    correos.enviar_confirmacion(suscripcion)
    return {"resumen": _("Correo de confirmación enviado.")}


@trabajo("suscripciones.enlace_de_borrado")
def enlace_de_borrado(tarea, *, ids: list[int]) -> dict:
    direcciones = set(Suscripcion.objects.filter(pk__in=ids).values_list("correo", flat=True))
    if len(direcciones) != 1:  # ya se borraron (o nunca fueron de una sola dirección)
        return {"resumen": _("Esas suscripciones ya no existen: no se envió ningún correo.")}
    correos.enviar_enlace_de_borrado(direcciones.pop(), ids)
    return {"resumen": _("Enlace para borrar los datos enviado.")}


def pedir_confirmacion(suscripcion: Suscripcion) -> None:
    plan = suscripcion.plan or suscripcion.compromiso.eje.plan
    encolar(
        tipo="suscripciones.confirmar",
        descripcion=_("Correo de confirmación a quien pidió seguir %(que)s")
        % {"que": plan if suscripcion.plan_id else _("el compromiso %(clave)s") % {"clave": suscripcion.compromiso.clave}},
        argumentos={"suscripcion_id": suscripcion.pk},
        plan=plan,
    )


def pedir_enlace_de_borrado(ids: list[int]) -> None:
    encolar(
        tipo="suscripciones.enlace_de_borrado",
        descripcion=_("Correo con el enlace para borrar los datos de quien sigue el portal"),
        argumentos={"ids": ids},
    )
