"""Los correos de las suscripciones, por el backend de correo de Django (como
``seguimiento/correos.py``): la confirmación, el enlace para borrar los datos de una dirección y
**un aviso por dirección** cada vez que se publica un periodo o un informe que le concierne.

Cada aviso lleva un enlace de baja por cada cosa que sigue y los encabezados ``List-Unsubscribe``
y ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): el programa de correo ofrece
«Cancelar suscripción» y lo hace con un POST, sin abrir el portal.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from seguimiento.correos import url_absoluta
from seguimiento.models import Avance
from seguimiento.portal import estado_con_cifras

from . import enlaces
from .cifras import cifra_del_compromiso, cifra_del_plan
from .models import Suscripcion

log = logging.getLogger(__name__)


def _nombre_del_objetivo(suscripcion: Suscripcion) -> str:
    if suscripcion.plan_id:
        return str(suscripcion.plan.nombre)
    compromiso = suscripcion.compromiso
    return _("el compromiso %(clave)s. %(nombre)s (%(plan)s)") % {
        "clave": compromiso.clave, "nombre": compromiso.nombre, "plan": compromiso.eje.plan,
    }


def enviar_confirmacion(suscripcion: Suscripcion) -> int:
    contexto = {
        "que": _nombre_del_objetivo(suscripcion),
        "url": enlaces.url([suscripcion.pk], enlaces.CONFIRMAR),
        "horas": int(enlaces.vigencia().total_seconds() // 3600),
        "url_borrar": url_absoluta(reverse("suscripciones:borrar")),
    }
    return send_mail(
        _("Confirme que quiere seguir %(que)s") % contexto,
        render_to_string("correos/suscripcion_confirmar.txt", contexto),
        None,
        [suscripcion.correo],
    )


def enviar_enlace_de_borrado(correo: str, ids: list[int]) -> int:
    contexto = {"url": enlaces.url(ids, enlaces.BORRAR), "horas": int(enlaces.vigencia().total_seconds() // 3600)}
    return send_mail(
        _("Borrar sus datos de Estado Abierto"),
        render_to_string("correos/suscripcion_borrar.txt", contexto),
        None,
        [correo],
    )


# --- Avisos de publicación ------------------------------------------------------------------


def avisar_periodo(*, periodo) -> int:
    """Al publicarse un periodo (tarea ``suscripciones.avisar_periodo``): a quien sigue el plan y a
    quien sigue un compromiso con algún avance validado en el periodo."""
    plan = periodo.plan
    con_avances = set(
        Avance.objects.validados().filter(periodo=periodo).values_list("accion__compromiso_id", flat=True)
    )
    return _avisar(
        plan,
        asunto=_("Nuevos avances publicados: %(plan)s, %(periodo)s") % {"plan": plan, "periodo": periodo.nombre},
        novedad=_("El Secretariado Técnico Local publicó los avances del periodo %(periodo)s del %(plan)s.")
        % {"periodo": periodo.nombre, "plan": plan.nombre},
        url=url_absoluta(plan.get_absolute_url()),
        concierne=lambda compromiso_id: compromiso_id in con_avances,
    )


def avisar_informe(*, informe) -> int:
    """Al publicarse un informe (tarea ``suscripciones.avisar_informe``): el informe cubre todo el
    plan, a quien siga el plan o cualquiera de sus compromisos."""
    plan = informe.plan
    titulo = informe.titulo if informe.version == 1 else _("%(titulo)s, versión %(version)s") % {
        "titulo": informe.titulo, "version": informe.version,
    }
    return _avisar(
        plan,
        asunto=_("Informe publicado: %(informe)s del %(plan)s") % {"informe": titulo, "plan": plan},
        novedad=_("El Secretariado Técnico Local publicó el %(informe)s del %(plan)s, en PDF y en Excel.")
        % {"informe": titulo, "plan": plan.nombre},
        url=url_absoluta(informe.get_absolute_url()),
        concierne=lambda compromiso_id: True,
    )


def _avisar(plan, *, asunto: str, novedad: str, url: str, concierne) -> int:
    """Un correo por dirección confirmada con todo lo que sigue del plan y le concierne (cinco
    consultas para el estado público y una para las suscripciones, sean cuantas sean)."""
    suscripciones = (
        Suscripcion.objects.confirmadas().del_plan(plan).select_related("plan", "compromiso__eje__plan").order_by("pk")
    )
    por_correo: dict[str, list[Suscripcion]] = defaultdict(list)
    for suscripcion in suscripciones:
        if suscripcion.plan_id or concierne(suscripcion.compromiso_id):
            por_correo[suscripcion.correo].append(suscripcion)
    if not por_correo:
        return 0
    estado, cifras_del_plan = estado_con_cifras(plan)
    mensajes = []
    for correo, propias in por_correo.items():
        propias.sort(key=lambda s: (s.compromiso_id is not None, s.compromiso.eje.numero if s.compromiso_id else 0,
                                    s.compromiso.numero if s.compromiso_id else 0))
        cifras = []
        for suscripcion in propias:
            cifra = (
                cifra_del_plan(estado, cifras_del_plan)
                if suscripcion.plan_id
                else cifra_del_compromiso(estado, cifras_del_plan, suscripcion.compromiso.clave)
            )
            cifras.append(
                {
                    "cifra": cifra,
                    "url": url_absoluta(cifra.ruta),
                    "que": _nombre_del_objetivo(suscripcion),
                    "baja": enlaces.url([suscripcion.pk], enlaces.BAJA),
                }
            )
        baja_de_todo = enlaces.url([s.pk for s in propias], enlaces.BAJA)
        contexto = {"novedad": novedad, "url": url, "cifras": cifras, "baja_de_todo": baja_de_todo,
                    "url_borrar": url_absoluta(reverse("suscripciones:borrar"))}
        mensajes.append(
            EmailMessage(
                asunto,
                render_to_string("correos/suscripcion_aviso.txt", contexto),
                None,
                [correo],
                headers={
                    "List-Unsubscribe": f"<{baja_de_todo}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    with get_connection() as conexion:
        enviados = conexion.send_messages(mensajes) or 0
    log.info("Avisos de publicación del %s: %s de %s correos enviados.", plan.slug, enviados, len(mensajes))
    return enviados
