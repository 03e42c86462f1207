"""Evidencias de un compromiso en un periodo, con sesión: el responsable las agrega o las quita,
el STL las valida o las devuelve (reglas en ``seguimiento/evidencias.py``).

Permisos como en todo ``/trabajo/`` (``seguimiento/permisos.py``): 404 a quien no es del plan o
es responsable de otra institución; 403 a un integrante (solo lectura) que intenta cambiar algo
y a un responsable que intenta revisar.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import evidencias as servicio
from .formularios import EvidenciaDeCompromisoForm, RevisionEvidenciaForm, aplicar_errores
from .models import Evidencia
from .permisos import plan_y_acceso, vista_privada
from .selectores import compromiso_o_404, evidencias_del_compromiso, periodo_o_404


def _contexto(request, slug, periodo, clave):
    """Plan, acceso, periodo y compromiso de la dirección; 404 a quien no ve la institución."""
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    compromiso = compromiso_o_404(plan, clave)
    acceso.exigir_ver_institucion(compromiso.institucion_responsable_id)
    return plan, acceso, periodo, compromiso


def _volver(plan, periodo, compromiso):
    return redirect(
        "trabajo:evidencias_compromiso", slug=plan.slug, periodo=periodo.slug, clave=compromiso.clave
    )


@vista_privada
def evidencias_compromiso(request, slug, periodo, clave):
    """Las evidencias del compromiso en el periodo; un responsable de su institución (o el STL)
    agrega una con un POST."""
    plan, acceso, periodo, compromiso = _contexto(request, slug, periodo, clave)
    puede_agregar = acceso.captura_institucion(compromiso.institucion_responsable_id)
    bloqueo = servicio.motivo_bloqueo(periodo, como_stl=acceso.gestiona)
    form = EvidenciaDeCompromisoForm()
    estado = 200
    if request.method == "POST":
        acceso.exigir_captura(compromiso.institucion_responsable_id)
        form = EvidenciaDeCompromisoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                servicio.agregar_evidencia_de_compromiso(
                    compromiso=compromiso,
                    periodo=periodo,
                    usuario=request.user,
                    evidencia=form.save(commit=False),
                    como_stl=acceso.gestiona,
                )
            except ValidationError as error:
                aplicar_errores(form, error)
            else:
                messages.success(
                    request,
                    _("Evidencia del compromiso %(clave)s enviada al STL para su revisión.")
                    % {"clave": compromiso.clave},
                )
                return _volver(plan, periodo, compromiso)
        estado = 400
    todas = evidencias_del_compromiso(compromiso, periodo)
    return render(
        request,
        "trabajo/evidencias_compromiso.html",
        {
            "plan": plan,
            "acceso": acceso,
            "periodo": periodo,
            "compromiso": compromiso,
            "evidencias": [e for e in todas if e.retirada_en is None],
            "retiradas": [e for e in todas if e.retirada_en is not None],
            "form": form,
            "editable": puede_agregar and bloqueo is None,
            "bloqueo": bloqueo if puede_agregar else None,
            "solo_lectura": not puede_agregar,
        },
        status=estado,
    )


def _evidencia_o_404(compromiso, periodo, pk) -> Evidencia:
    evidencia = Evidencia.objects.de_compromisos().filter(compromiso=compromiso, periodo=periodo, pk=pk).first()
    if evidencia is None:
        raise Http404(_("El compromiso no tiene esa evidencia en el periodo."))
    return evidencia


@vista_privada
@require_POST
def revisar_evidencia(request, slug, periodo, clave, pk):
    """El STL valida o devuelve una evidencia del compromiso."""
    plan, acceso, periodo, compromiso = _contexto(request, slug, periodo, clave)
    acceso.exigir_gestion()
    evidencia = _evidencia_o_404(compromiso, periodo, pk)
    form = RevisionEvidenciaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija «Validar» o «Devolver con observaciones»."))
        return _volver(plan, periodo, compromiso)
    try:
        if form.cleaned_data["decision"] == "validar":
            servicio.validar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=request.user)
            messages.success(request, _("Evidencia validada."))
        else:
            servicio.devolver_evidencia_de_compromiso(
                evidencia_id=evidencia.pk,
                usuario=request.user,
                observaciones=form.cleaned_data["observaciones"],
            )
            messages.success(request, _("Evidencia devuelta con observaciones."))
    except ValidationError as error:
        for mensaje in error.messages:
            messages.error(request, mensaje)
    return _volver(plan, periodo, compromiso)


@vista_privada
@require_POST
def quitar_evidencia(request, slug, periodo, clave, pk):
    """Quita una evidencia del compromiso (su responsable, sin validar; el STL, cualquiera)."""
    plan, acceso, periodo, compromiso = _contexto(request, slug, periodo, clave)
    acceso.exigir_captura(compromiso.institucion_responsable_id)
    evidencia = _evidencia_o_404(compromiso, periodo, pk)
    try:
        servicio.quitar_evidencia_de_compromiso(
            evidencia_id=evidencia.pk, usuario=request.user, como_stl=acceso.gestiona
        )
    except ValidationError as error:
        for mensaje in error.messages:
            messages.error(request, mensaje)
    else:
        messages.success(request, _("Evidencia quitada del compromiso."))
    return _volver(plan, periodo, compromiso)
