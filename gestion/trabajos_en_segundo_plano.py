"""Lo que ``gestion`` hace en segundo plano (``tareas.registro``), fuera de la petición:

* ``gestion.invitacion``: enviar el correo con el enlace para elegir la contraseña. El token del
  enlace se calcula aquí, al enviar: no queda en ``Tarea.argumentos`` ni en ninguna tabla.
* ``gestion.aviso_de_membresia``: avisar a una cuenta que ya entraba al portal que ahora tiene un
  papel en otro plan (sin enlace: ya tiene contraseña).

Reciben solo números y vuelven a leer de la base; si la invitación ya no está pendiente (se
reenvió, se aceptó o venció) no envían nada.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plan.models import Membresia
from tareas.registro import trabajo

from . import invitaciones
from .models import Invitacion


@trabajo("gestion.invitacion")
def enviar_invitacion(tarea, *, invitacion_id: int) -> dict:
    invitacion = Invitacion.objects.select_related("plan", "membresia", "usuario", "creada_por").filter(
        pk=invitacion_id
    ).first()
    if invitacion is None:
        raise ValidationError(_("La invitación ya no existe: no se envió ningún correo."), code="no_existe")
    if invitacion.estado() != Invitacion.Estado.PENDIENTE:
        return {"resumen": _("La invitación a %(correo)s ya está %(estado)s: no se envió ningún correo.")
                % {"correo": invitacion.correo, "estado": invitacion.estado_texto}}
    invitaciones.enviar_invitacion(invitacion)
    return {"resumen": _("Invitación enviada a %(correo)s.") % {"correo": invitacion.correo}}


@trabajo("gestion.aviso_de_membresia")
def avisar_membresia(tarea, *, membresia_id: int) -> dict:
    membresia = Membresia.objects.select_related("plan", "usuario", "institucion").filter(
        pk=membresia_id, activa=True
    ).first()
    if membresia is None:
        return {"resumen": _("La membresía ya no existe o se dio de baja: no se envió ningún correo.")}
    invitaciones.enviar_aviso_de_membresia(membresia)
    return {"resumen": _("Aviso enviado a %(correo)s.") % {"correo": membresia.usuario.email}}
