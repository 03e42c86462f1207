"""Lo que ``seguimiento`` hace en segundo plano (``tareas.registro``), fuera de la petición:

* ``informes.publicar``: convertir el informe a PDF y XLSX y congelarlo (``informes.publicar_informe``,
  con su progreso paso a paso).
* ``correos.devolucion``: avisar a los responsables que el STL devolvió un avance.
* ``excel.confirmar``: escribir los avances de una carga de Excel confirmada, toda o nada
  (``excel.aplicar_cambios``).

Cada uno recibe solo identificadores y datos JSON (``Tarea.argumentos``) y vuelve a leer de la
base lo que necesita: el worker no ve la sesión ni la petición. Lo que devuelven queda en
``Tarea.resultado``: ``resumen`` (lo que pasó, en una frase) y, si lo hay, ``url`` y ``enlace``
(a dónde ir a verlo).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.models import Plan
from tareas.registro import trabajo
from tareas.servicios import avanzar

from . import correos, excel, informes
from .models import Avance, Informe, Periodo
from .permisos import acceso_al_plan


def _usuario(usuario_id: int | None):
    if usuario_id is None:
        return None
    return get_user_model().objects.filter(pk=usuario_id, is_active=True).first()


def _o_no_existe(consulta, pk: int, mensaje: str):
    objeto = consulta.filter(pk=pk).first()
    if objeto is None:
        raise ValidationError(mensaje, code="no_existe")
    return objeto


def clave_de_publicacion(informe: Informe) -> str:
    """La clave de la tarea que publica ``informe``: una sola activa a la vez (``Tarea.clave``)."""
    return f"informes.publicar:{informe.pk}"


@trabajo("informes.publicar")
def publicar_informe(tarea, *, informe_id: int, usuario_id: int | None = None) -> dict:
    informe = _o_no_existe(
        Informe.objects.all(), informe_id, _("El informe ya no existe (se borró el borrador): no hay nada que publicar.")
    )
    informe = informes.publicar_informe(
        informe=informe,
        usuario=_usuario(usuario_id),
        al_avanzar=lambda progreso, paso: avanzar(tarea, progreso, paso),
    )
    return {
        "resumen": _("%(informe)s publicado y congelado: el PDF y el XLSX ya están en «Informes» con su SHA-256.")
        % {"informe": informe},
        "url": reverse("trabajo:informe", kwargs={"slug": informe.plan.slug, "pk": informe.pk}),
        "enlace": _("Ver el informe congelado"),
    }


@trabajo("correos.devolucion")
def avisar_devolucion(tarea, *, avance_id: int) -> dict:
    avance = _o_no_existe(
        Avance.objects.select_related("periodo__plan", "accion__compromiso", "enviado_por"),
        avance_id,
        _("El avance devuelto ya no existe: no hay a quién avisar."),
    )
    enviados = correos.avisar_devolucion(avance=avance)
    return {
        "resumen": ngettext(
            "Aviso de la devolución enviado a %(n)s dirección.",
            "Aviso de la devolución enviado a %(n)s direcciones.",
            enviados,
        ) % {"n": enviados}
        if enviados
        else _("La institución no tiene responsables con correo: nadie recibió el aviso de la devolución."),
    }


@trabajo("excel.confirmar")
def confirmar_carga(
    tarea, *, plan_id: int, periodo_id: int, usuario_id: int, cambios: list[dict], enviar: bool
) -> dict:
    plan = _o_no_existe(Plan.objects.all(), plan_id, _("El plan de esta carga ya no existe."))
    periodo = _o_no_existe(Periodo.objects.filter(plan=plan), periodo_id, _("El periodo de esta carga ya no existe."))
    usuario = _usuario(usuario_id)
    acceso = acceso_al_plan(usuario, plan) if usuario is not None else None
    if acceso is None:
        raise ValidationError(
            _("La cuenta que pidió la carga ya no tiene papel en el plan. No se guardó ningún avance."),
            code="sin_acceso",
        )
    avanzar(tarea, 10, _("Guardando los avances"))
    try:
        guardados = excel.aplicar_cambios(
            plan=plan, periodo=periodo, acceso=acceso, usuario=usuario, cambios=cambios, enviar=enviar
        )
    except excel.CargaRechazada as error:
        raise ValidationError(error.mensaje, code="conflicto" if error.conflicto else "rechazada") from None
    if enviar:
        resumen = ngettext(
            "Se envió %(n)s avance al STL para su revisión.",
            "Se enviaron %(n)s avances al STL para su revisión.",
            guardados,
        )
    else:
        resumen = ngettext(
            "Se guardó %(n)s avance desde Excel, sin enviarlo al STL.",
            "Se guardaron %(n)s avances desde Excel, sin enviarlos al STL.",
            guardados,
        )
    if acceso.gestiona and not acceso.es_responsable:
        url, enlace = reverse("trabajo:tablero", kwargs={"slug": plan.slug, "periodo": periodo.slug}), _("Ir al tablero")
    else:
        url, enlace = reverse("trabajo:plan", kwargs={"slug": plan.slug}), _("Ir a sus acciones")
    return {"resumen": resumen % {"n": guardados}, "guardados": guardados, "url": url, "enlace": enlace}
