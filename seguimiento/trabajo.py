"""Vistas del trabajo bimestral, con sesión: el espacio del responsable, el tablero del STL,
la captura y la revisión de avances y la gestión de periodos.

Cada vista empieza por ``plan_y_acceso`` (404 a quien no tiene papel en el plan) y exige lo
que pide con ``Acceso.exigir_*`` (404 o 403 según ``seguimiento/permisos.py``). Las reglas
del ciclo están en ``seguimiento/flujo.py``; estas vistas solo leen la petición, llaman al
servicio y muestran el resultado. Ninguna de estas páginas entra en la caché pública.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plan.claves import destino_de_clave_anterior
from plan.models import Accion, ClaveAnterior, Compromiso, Institucion

from . import flujo
from .bitacora import historial_del_avance, historial_del_periodo
from .formularios import (
    AvanceForm,
    EvidenciasNuevas,
    PeriodoForm,
    ProrrogaForm,
    QuitarEvidenciasForm,
    RevisionForm,
    aplicar_errores,
)
from .models import Avance
from .permisos import plan_y_acceso, planes_de, vista_privada
from .selectores import (
    ESTADOS,
    accion_o_404,
    compromisos_con_evidencias,
    avance_del_periodo,
    filas_del_periodo,
    periodo_o_404,
    validado_anterior,
)


# --- Inicio y espacio de trabajo -----------------------------------------------------------


@vista_privada
def inicio(request):
    planes = list(planes_de(request.user))
    if len(planes) == 1:
        return redirect("trabajo:plan", slug=planes[0].slug)
    return render(request, "trabajo/inicio.html", {"planes": planes})


@vista_privada
def plan(request, slug):
    plan, acceso = plan_y_acceso(request, slug)
    abierto = plan.periodos.abiertos().first()
    contexto = {"plan": plan, "acceso": acceso, "abierto": abierto}
    if acceso.es_responsable:
        # Lo retirado ya no recibe avances: no se pide ni cuenta como pendiente.
        propias = Accion.objects.del_plan(plan).filter(
            compromiso__institucion_responsable_id__in=acceso.instituciones, retiro="", compromiso__retiro=""
        )
        filas = filas_del_periodo(propias, abierto) if abierto else []
        contexto.update(
            filas=filas,
            pendientes=sum(1 for f in filas if f.pendiente),
            instituciones=Institucion.objects.filter(pk__in=acceso.instituciones),
            devueltos=Avance.objects.filter(
                estado=Avance.Estado.DEVUELTO,
                accion__in=propias,
            )
            .exclude(periodo=abierto)
            .select_related("periodo", "accion__compromiso__eje"),
        )
        if abierto:
            contexto["compromisos_evidencias"] = compromisos_con_evidencias(
                Compromiso.objects.filter(eje__plan=plan, institucion_responsable_id__in=acceso.instituciones),
                abierto,
            )
    if acceso.ve_todo:
        periodos = plan.periodos.annotate(
            **{f"n_{valor}": Count("avances", filter=Q(avances__estado=valor)) for valor in Avance.Estado.values}
        ).order_by("-inicio")
        contexto.update(periodos=periodos, total_acciones=Accion.objects.del_plan(plan).count())
    return render(request, "trabajo/plan.html", contexto)


@vista_privada
@require_POST
def ajustes(request, slug):
    """La facilitadora decide si el plan exige evidencia para validar (queda en el historial)."""
    plan, acceso = plan_y_acceso(request, slug)
    acceso.exigir_gestion()
    exige = request.POST.get("exige_evidencia") == "on"
    if plan.exige_evidencia != exige:
        plan.exige_evidencia = exige
        plan._change_reason = (
            _("Exigir evidencia para validar: sí") if exige else _("Exigir evidencia para validar: no")
        )
        plan.save(update_fields=["exige_evidencia"])
    messages.success(
        request,
        _("Desde ahora, validar un avance exige al menos una evidencia.")
        if exige
        else _("Desde ahora, un avance puede validarse sin evidencias."),
    )
    return redirect("trabajo:plan", slug=plan.slug)


# --- Tablero del STL -----------------------------------------------------------------------


@vista_privada
def tablero(request, slug, periodo):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    acceso.exigir_tablero()
    filas = filas_del_periodo(acceso.acciones().filter(retiro="", compromiso__retiro=""), periodo)
    conteo = Counter(f.estado for f in filas)
    instituciones = sorted(
        {f.accion.compromiso.institucion_responsable for f in filas}, key=lambda i: i.nombre_corto
    )
    filtro_estado = request.GET.get("estado", "")
    filtro_institucion = request.GET.get("institucion", "")
    errores_filtro = []
    if filtro_estado and filtro_estado not in dict(ESTADOS):
        errores_filtro.append(_("El estado «%(valor)s» no existe; se muestran todos.") % {"valor": filtro_estado})
        filtro_estado = ""
    if filtro_institucion and filtro_institucion not in {str(i.pk) for i in instituciones}:
        errores_filtro.append(
            _("La institución «%(valor)s» no tiene acciones en este plan; se muestran todas.")
            % {"valor": filtro_institucion}
        )
        filtro_institucion = ""
    visibles = [
        f
        for f in filas
        if (not filtro_estado or f.estado == filtro_estado)
        and (not filtro_institucion or str(f.accion.compromiso.institucion_responsable_id) == filtro_institucion)
    ]
    return render(
        request,
        "trabajo/tablero.html",
        {
            "plan": plan,
            "acceso": acceso,
            "periodo": periodo,
            "filas": visibles,
            "total": len(filas),
            "conteo": [(valor, texto, conteo.get(valor, 0)) for valor, texto in ESTADOS],
            "validados": conteo.get(Avance.Estado.VALIDADO, 0),
            "sin_validar": len(filas) - conteo.get(Avance.Estado.VALIDADO, 0),
            "instituciones": instituciones,
            "estados": ESTADOS,
            "filtro_estado": filtro_estado,
            "filtro_institucion": filtro_institucion,
            "errores_filtro": errores_filtro,
            "historial": historial_del_periodo(periodo),
            "prorroga": ProrrogaForm(),
            "compromisos_evidencias": compromisos_con_evidencias(Compromiso.objects.filter(eje__plan=plan), periodo),
        },
    )


# --- Captura de un avance ------------------------------------------------------------------


def _contexto_captura(plan, acceso, periodo, accion, avance, anterior, **extra):
    puede_capturar = acceso.captura_institucion(accion.compromiso.institucion_responsable_id)
    retirada = flujo.motivo_retiro(accion)
    bloqueo = retirada or flujo.motivo_bloqueo(avance, periodo, como_stl=acceso.gestiona)
    contexto = {
        "plan": plan,
        "acceso": acceso,
        "periodo": periodo,
        "accion": accion,
        "avance": avance,
        "anterior": anterior,
        "editable": puede_capturar and bloqueo is None,
        "bloqueo": bloqueo if puede_capturar or retirada else None,
        "solo_lectura": not puede_capturar,
        "evidencias": list(avance.evidencias.vigentes()) if avance else [],
        "retiradas": list(avance.evidencias.exclude(retirada_en=None)) if avance else [],
        "historial": historial_del_avance(avance) if avance else [],
        "etapas": flujo.ETAPAS_SUGERIDAS,
        "exige_evidencia": plan.exige_evidencia,
    }
    contexto.update(extra)
    contexto.setdefault("form", AvanceForm(initial=AvanceForm.inicial(avance), anterior=anterior))
    contexto.setdefault("nuevas", EvidenciasNuevas())
    contexto.setdefault("quitar", QuitarEvidenciasForm(avance=avance))
    return contexto


@vista_privada
def captura(request, slug, periodo, clave):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    try:
        accion = accion_o_404(plan, clave)
    except Http404:
        # Una clave de antes de renumerar lleva a la de hoy (302: la sesión no se guarda en caché).
        destino = destino_de_clave_anterior(plan, ClaveAnterior.Nivel.ACCION, clave)
        if destino is None:
            raise
        direccion = reverse("trabajo:captura", args=[plan.slug, periodo.slug, destino.clave])
        consulta = request.META.get("QUERY_STRING", "")
        return redirect(f"{direccion}?{consulta}" if consulta else direccion)
    institucion_id = accion.compromiso.institucion_responsable_id
    acceso.exigir_ver_institucion(institucion_id)
    avance = avance_del_periodo(accion, periodo)
    anterior = validado_anterior(accion, periodo)
    if request.method != "POST":
        return render(
            request, "trabajo/captura.html", _contexto_captura(plan, acceso, periodo, accion, avance, anterior)
        )

    acceso.exigir_captura(institucion_id)
    form = AvanceForm(request.POST, anterior=anterior)
    nuevas = EvidenciasNuevas(request.POST, request.FILES)
    quitar = QuitarEvidenciasForm(request.POST, avance=avance)
    enviar = request.POST.get("operacion") == "enviar"
    extra = {"form": form, "nuevas": nuevas, "quitar": quitar}
    validos = form.is_valid() & nuevas.is_valid() & quitar.is_valid()
    if validos:
        try:
            avance = flujo.guardar_avance(
                accion=accion,
                periodo=periodo,
                usuario=request.user,
                datos=form.datos_avance(),
                version=form.cleaned_data["version"],
                enviar=enviar,
                como_stl=acceso.gestiona,
                evidencias_nuevas=nuevas.nuevas(),
                evidencias_quitar=[e.pk for e in quitar.cleaned_data["quitar"]],
            )
        except flujo.Conflicto as conflicto:
            return _conflicto_captura(request, plan, acceso, periodo, accion, anterior, form, conflicto, extra)
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            if enviar:
                messages.success(
                    request,
                    _("Avance de la acción %(clave)s enviado al STL para su revisión.") % {"clave": accion.clave},
                )
                destino = "trabajo:tablero" if acceso.gestiona and not acceso.es_responsable else "trabajo:plan"
                if destino == "trabajo:tablero":
                    return redirect(destino, slug=plan.slug, periodo=periodo.slug)
                return redirect(destino, slug=plan.slug)
            messages.success(request, _("Borrador guardado. Aún no se envía al STL."))
            return redirect("trabajo:captura", slug=plan.slug, periodo=periodo.slug, clave=accion.clave)
    contexto = _contexto_captura(plan, acceso, periodo, accion, avance, anterior, **extra)
    contexto["errores"] = True
    return render(request, "trabajo/captura.html", contexto, status=400)


def _conflicto_captura(request, plan, acceso, periodo, accion, anterior, form, conflicto, extra):
    """Conserva lo que escribió la persona y le muestra lo que guardó la otra (409)."""
    actual = conflicto.actual
    datos = request.POST.copy()
    datos["version"] = actual.version if actual else 0
    extra["form"] = AvanceForm(datos, anterior=anterior)
    extra["form"].is_valid()
    extra["nuevas"] = EvidenciasNuevas()
    contexto = _contexto_captura(
        plan, acceso, periodo, accion, actual, anterior, conflicto=actual, archivos_perdidos=bool(request.FILES), **extra
    )
    return render(request, "trabajo/captura.html", contexto, status=409)


# --- Revisión del STL ----------------------------------------------------------------------


@vista_privada
def revision(request, slug, periodo, clave):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    accion = accion_o_404(plan, clave)
    acceso.exigir_ver_institucion(accion.compromiso.institucion_responsable_id)
    acceso.exigir_tablero()
    avance = avance_del_periodo(accion, periodo)
    form = RevisionForm(initial={"version": avance.version if avance else 0})
    estado = 200
    conflicto = None
    if request.method == "POST":
        acceso.exigir_gestion()
        form = RevisionForm(request.POST)
        decision = request.POST.get("decision")
        if avance is None:
            form.add_error(None, _("Esta acción no tiene avance en el periodo: no hay nada que revisar."))
        elif decision not in ("validar", "devolver"):
            form.add_error(None, _("Elija «Validar» o «Devolver con observaciones»."))
        elif form.is_valid():
            try:
                if decision == "validar":
                    flujo.validar_avance(avance_id=avance.pk, usuario=request.user, version=form.cleaned_data["version"])
                    messages.success(request, _("Avance de la acción %(clave)s validado.") % {"clave": accion.clave})
                else:
                    flujo.devolver_avance(
                        avance_id=avance.pk,
                        usuario=request.user,
                        version=form.cleaned_data["version"],
                        observaciones=form.cleaned_data["observaciones"],
                        motivo_retiro=form.cleaned_data["motivo_retiro"],
                    )
                    messages.success(
                        request,
                        _("Avance de la acción %(clave)s devuelto; se avisó por correo a su institución.")
                        % {"clave": accion.clave},
                    )
                return redirect("trabajo:tablero", slug=plan.slug, periodo=periodo.slug)
            except flujo.Conflicto as error:
                conflicto = error.actual
                avance = conflicto
                datos = request.POST.copy()
                datos["version"] = avance.version if avance else 0
                form = RevisionForm(datos)
                form.is_valid()
                estado = 409
            except ValidationError as error:
                aplicar_errores(form, error)
        if estado == 200:
            estado = 400
    return render(
        request,
        "trabajo/revision.html",
        {
            "plan": plan,
            "acceso": acceso,
            "periodo": periodo,
            "accion": accion,
            "avance": avance,
            "anterior": validado_anterior(accion, periodo),
            "evidencias": list(avance.evidencias.vigentes()) if avance else [],
            "retiradas": list(avance.evidencias.exclude(retirada_en=None)) if avance else [],
            "historial": historial_del_avance(avance) if avance else [],
            "form": form,
            "conflicto": conflicto,
        },
        status=estado,
    )


# --- Periodos ------------------------------------------------------------------------------


@vista_privada
def abrir_periodo(request, slug):
    plan, acceso = plan_y_acceso(request, slug)
    acceso.exigir_gestion()
    form = PeriodoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            periodo = flujo.abrir_periodo(plan=plan, usuario=request.user, **form.cleaned_data)
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            messages.success(
                request,
                _("Periodo %(periodo)s abierto; recibe avances hasta el %(fecha)s.")
                % {"periodo": periodo.nombre, "fecha": periodo.fecha_limite.strftime("%d/%m/%Y")},
            )
            return redirect("trabajo:tablero", slug=plan.slug, periodo=periodo.slug)
    return render(
        request,
        "trabajo/periodo_form.html",
        {"plan": plan, "form": form, "titulo": _("Abrir un periodo"), "boton": _("Abrir el periodo")},
        status=400 if form.is_bound else 200,
    )


def _cambiar_fecha(request, slug, periodo, servicio, titulo, boton, exito):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    acceso.exigir_gestion()
    form = ProrrogaForm(request.POST or None, initial={"fecha_limite": periodo.fecha_limite})
    if request.method == "POST" and form.is_valid():
        try:
            servicio(periodo=periodo, usuario=request.user, **form.cleaned_data)
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            messages.success(request, exito % {"periodo": periodo.nombre, "fecha": form.cleaned_data["fecha_limite"].strftime("%d/%m/%Y")})
            return redirect("trabajo:tablero", slug=plan.slug, periodo=periodo.slug)
    return render(
        request,
        "trabajo/periodo_form.html",
        {"plan": plan, "periodo": periodo, "form": form, "titulo": titulo % {"periodo": periodo.nombre}, "boton": boton},
        status=400 if form.is_bound else 200,
    )


@vista_privada
def prorrogar_periodo(request, slug, periodo):
    return _cambiar_fecha(
        request,
        slug,
        periodo,
        flujo.prorrogar_periodo,
        _("Prorrogar la fecha límite de %(periodo)s"),
        _("Prorrogar"),
        _("Fecha límite de %(periodo)s prorrogada al %(fecha)s."),
    )


@vista_privada
def reabrir_periodo(request, slug, periodo):
    return _cambiar_fecha(
        request,
        slug,
        periodo,
        flujo.reabrir_periodo,
        _("Reabrir %(periodo)s"),
        _("Reabrir el periodo"),
        _("Periodo %(periodo)s reabierto hasta el %(fecha)s."),
    )


def _transicion(request, slug, periodo, servicio, exito):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    acceso.exigir_gestion()
    try:
        servicio(periodo=periodo, usuario=request.user)
    except ValidationError as error:
        for mensaje in error.messages:
            messages.error(request, mensaje)
    else:
        messages.success(request, exito % {"periodo": periodo.nombre})
    return redirect(reverse("trabajo:tablero", kwargs={"slug": plan.slug, "periodo": periodo.slug}))


@vista_privada
@require_POST
def cerrar_periodo(request, slug, periodo):
    return _transicion(
        request,
        slug,
        periodo,
        flujo.cerrar_periodo,
        _("Periodo %(periodo)s cerrado: los responsables ya no pueden editar ni enviar avances."),
    )


@vista_privada
@require_POST
def publicar_periodo(request, slug, periodo):
    return _transicion(
        request,
        slug,
        periodo,
        flujo.publicar_periodo,
        _("Periodo %(periodo)s publicado: sus avances validados ya están en el portal."),
    )
