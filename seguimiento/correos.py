"""Correos del ciclo bimestral, por los backends de correo de Django.

En consola por omisión y por SMTP si se configura ``EMAIL_HOST`` (ver README). Los enlaces
son absolutos con ``settings.SITIO_URL``, porque los correos no salen de una petición.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from plan.models import Membresia

log = logging.getLogger(__name__)


def url_absoluta(ruta: str) -> str:
    return f"{settings.SITIO_URL}{ruta}"


def correos_de_responsables(plan, institucion_id: int, *extra) -> list[str]:
    """Correos de los responsables de la institución en el plan (y de ``extra``), sin repetir."""
    usuarios = get_user_model().objects.filter(
        membresias__in=Membresia.objects.responsables_de(plan, institucion_id), is_active=True
    )
    correos = [u.email for u in usuarios if u.email]
    correos += [u.email for u in extra if u is not None and u.is_active and u.email]
    return sorted(set(correos), key=correos.index)


def url_captura(avance) -> str:
    return url_absoluta(
        reverse(
            "trabajo:captura",
            kwargs={
                "slug": avance.periodo.plan.slug,
                "periodo": avance.periodo.slug,
                "clave": avance.accion.clave,
            },
        )
    )


def avisar_devolucion(*, avance) -> int:
    """Avisa a los responsables que el STL devolvió el avance, con sus observaciones (un correo a
    todos). Devuelve a cuántas direcciones se envió. Lo corre la tarea ``correos.devolucion``
    (``trabajos_en_segundo_plano.py``), fuera de la petición."""
    plan = avance.periodo.plan
    institucion_id = avance.accion.compromiso.institucion_responsable_id
    destinatarios = correos_de_responsables(plan, institucion_id, avance.enviado_por)
    if not destinatarios:
        log.warning("Avance %s devuelto sin responsables con correo a quién avisar.", avance.pk)
        return 0
    contexto = {
        "avance": avance,
        "accion": avance.accion,
        "periodo": avance.periodo,
        "plan": plan,
        "url": url_captura(avance),
    }
    asunto = _("Avance devuelto: acción %(clave)s (%(periodo)s)") % {
        "clave": avance.accion.clave,
        "periodo": avance.periodo.nombre,
    }
    enviado = send_mail(asunto, render_to_string("correos/devolucion.txt", contexto), None, destinatarios)
    return len(destinatarios) if enviado else 0
