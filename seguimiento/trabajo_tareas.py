"""El trabajo en segundo plano de un plan, a la vista del STL: qué se pidió, quién, cuándo, en qué
va y cómo terminó (``tareas``: publicar un informe, avisos por correo, cargas de Excel).

Permisos (``seguimiento/permisos.py``): el STL (facilitación e integrantes) ve la lista y cada
tarea del plan; un responsable no ve la lista (403), pero sí cada tarea que pidió él (su carga
de Excel), y ninguna otra (404). Reintentar una tarea fallida: la facilitación, o quien la pidió;
una integrante recibe 403. Mientras una tarea está activa su página se recarga cada 3 segundos
(``<meta http-equiv="refresh">``, sin JavaScript), salvo que se pida no hacerlo.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tareas import selectores, servicios

from .permisos import plan_y_acceso, vista_privada

#: Segundos entre recargas de la página de una tarea activa.
RECARGA_SEGUNDOS = 3


def _tarea(request, slug, pk):
    """El plan, el acceso y la tarea, si esta cuenta puede verla (404 si no)."""
    plan, acceso = plan_y_acceso(request, slug)
    tarea = selectores.tarea_del_plan(plan, pk)
    if tarea is None or not (acceso.ve_todo or tarea.pedida_por_id == request.user.pk):
        raise Http404(_("No existe esa tarea en este plan."))
    return plan, acceso, tarea


@vista_privada
def lista(request, slug):
    plan, acceso = plan_y_acceso(request, slug)
    acceso.exigir_tablero()
    tareas = selectores.tareas_del_plan(plan)
    return render(
        request,
        "trabajo/tareas.html",
        {
            "plan": plan,
            "acceso": acceso,
            "tareas": tareas,
            "maximo": selectores.MAXIMO_EN_LISTA,
            "recarga": RECARGA_SEGUNDOS if any(t.activa for t in tareas) and not request.GET.get("quieta") else None,
        },
    )


@vista_privada
def detalle(request, slug, pk):
    plan, acceso, tarea = _tarea(request, slug, pk)
    return render(
        request,
        "trabajo/tarea.html",
        {
            "plan": plan,
            "acceso": acceso,
            "tarea": tarea,
            "puede_reintentar": tarea.reintentable and (acceso.gestiona or tarea.pedida_por_id == request.user.pk),
            "recarga": RECARGA_SEGUNDOS if tarea.activa and not request.GET.get("quieta") else None,
        },
    )


@vista_privada
@require_POST
def reintentar(request, slug, pk):
    plan, acceso, tarea = _tarea(request, slug, pk)
    if not (acceso.gestiona or tarea.pedida_por_id == request.user.pk):
        raise PermissionDenied(_("Solo la persona facilitadora del STL, o quien la pidió, reintenta una tarea."))
    try:
        tarea = servicios.reintentar(tarea=tarea, usuario=request.user)
    except servicios.TareaActiva as activa:
        messages.info(request, activa.messages[0])
        return redirect("trabajo:tarea", slug=plan.slug, pk=activa.tarea.pk)
    except ValidationError as error:
        for mensaje in error.messages:
            messages.error(request, mensaje)
    else:
        messages.success(request, _("Tarea reintentada; esta página muestra cómo va."))
    return redirect("trabajo:tarea", slug=plan.slug, pk=tarea.pk)
