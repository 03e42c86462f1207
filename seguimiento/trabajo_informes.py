"""Informes parciales en el trabajo del STL: crear el borrador, revisarlo (PDF y XLSX de vista
previa), publicarlo (lo congela, en segundo plano: ``trabajos_en_segundo_plano.py``) y corregir
uno publicado con una versión nueva.

Permisos (``seguimiento/permisos.py``): el STL (facilitación e integrantes) ve los informes del
plan y descarga sus vistas previas; solo la facilitación crea, edita, publica, corrige o borra
(403 para integrantes y responsables, que sí tienen papel en el plan; 404 para el resto).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tareas import selectores as selectores_de_tareas
from tareas import servicios as tareas

from . import informes as servicio
from .formularios import CorreccionForm, InformeForm, aplicar_errores
from .models import CifraPublicada, Informe, Periodo
from .permisos import plan_y_acceso, vista_privada
from .trabajos_en_segundo_plano import clave_de_publicacion

TIPOS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _stl(request, slug):
    plan, acceso = plan_y_acceso(request, slug)
    acceso.exigir_tablero()
    return plan, acceso


def _informe(plan, pk) -> Informe:
    try:
        return Informe.objects.select_related("plan", "periodo_inicial", "periodo_final", "corrige").get(
            plan=plan, pk=pk
        )
    except Informe.DoesNotExist:
        raise Http404(_("No existe ese informe en este plan.")) from None


@vista_privada
def lista(request, slug):
    plan, acceso = _stl(request, slug)
    informes = list(
        Informe.objects.filter(plan=plan)
        .select_related("periodo_inicial", "periodo_final")
        .order_by("-numero", "-version")
    )
    return render(request, "trabajo/informes.html", {"plan": plan, "acceso": acceso, "informes": informes})


@vista_privada
def nuevo(request, slug):
    plan, acceso = _stl(request, slug)
    acceso.exigir_gestion()
    siguiente = (Informe.objects.filter(plan=plan).aggregate(n=Max("numero"))["n"] or 0) + 1
    ultimo = Periodo.objects.filter(plan=plan).exclude(estado=Periodo.Estado.PROGRAMADO).order_by("-inicio").first()
    form = InformeForm(
        request.POST or None,
        plan=plan,
        instance=Informe(plan=plan),
        initial={
            "numero": siguiente,
            "titulo": servicio.titulo_sugerido(siguiente),
            "periodo_inicial": ultimo,
            "periodo_final": ultimo,
        },
    )
    if request.method == "POST" and form.is_valid():
        informe = form.save(commit=False)
        informe._change_reason = _("Borrador creado")
        informe.save()
        messages.success(
            request, _("Borrador del %(informe)s creado. Revise su vista previa antes de publicarlo.") % {"informe": informe.titulo}
        )
        return redirect("trabajo:informe", slug=plan.slug, pk=informe.pk)
    return render(
        request,
        "trabajo/informe_form.html",
        {"plan": plan, "acceso": acceso, "form": form, "titulo": _("Nuevo informe parcial"), "boton": _("Crear el borrador")},
        status=400 if form.is_bound else 200,
    )


@vista_privada
def editar(request, slug, pk):
    plan, acceso = _stl(request, slug)
    acceso.exigir_gestion()
    informe = _informe(plan, pk)
    if informe.estado != Informe.Estado.BORRADOR:
        messages.error(request, _("Un informe publicado no se edita: publique una corrección."))
        return redirect("trabajo:informe", slug=plan.slug, pk=informe.pk)
    form = InformeForm(request.POST or None, plan=plan, instance=informe)
    if informe.version > 1:
        form.fields["numero"].disabled = True
    if request.method == "POST" and form.is_valid():
        informe = form.save(commit=False)
        informe._change_reason = _("Borrador editado")
        informe.save()
        messages.success(request, _("Borrador guardado."))
        return redirect("trabajo:informe", slug=plan.slug, pk=informe.pk)
    return render(
        request,
        "trabajo/informe_form.html",
        {
            "plan": plan, "acceso": acceso, "form": form, "informe": informe,
            "titulo": _("Editar el borrador: %(informe)s") % {"informe": informe.titulo},
            "boton": _("Guardar el borrador"),
        },
        status=400 if form.is_bound else 200,
    )


@vista_privada
def detalle(request, slug, pk):
    plan, acceso = _stl(request, slug)
    informe = _informe(plan, pk)
    if informe.congelado:
        contenido = informe.contenido
    else:
        contenido = servicio.construir_contenido(informe)
    sin_direccion_publica = ""
    if not informe.congelado:
        try:
            servicio.exigir_direccion_publica()
        except ValidationError as error:
            sin_direccion_publica = " ".join(error.messages)
    return render(
        request,
        "trabajo/informe.html",
        {
            "plan": plan,
            "acceso": acceso,
            "informe": informe,
            "c": contenido,
            "difieren": servicio.claves_que_difieren(contenido),
            "pendientes": [] if informe.congelado else servicio.periodos_sin_publicar(informe),
            "sin_direccion_publica": sin_direccion_publica,
            "publicacion_en_marcha": None if informe.congelado
            else selectores_de_tareas.activa_con_clave(clave_de_publicacion(informe)),
            "capturadas": CifraPublicada.objects.filter(informe=informe).count(),
            "versiones": Informe.objects.filter(plan=plan, numero=informe.numero).order_by("-version"),
            "historial": informe.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@vista_privada
def vista_previa(request, slug, pk, extension):
    """El PDF o XLSX del borrador, generado en el momento; el de un publicado es el congelado."""
    plan, _acceso = _stl(request, slug)
    informe = _informe(plan, pk)
    if extension not in TIPOS:
        raise Http404(_("Formato desconocido: use .pdf o .xlsx."))
    if informe.congelado:
        return redirect(informe.url_pdf if extension == "pdf" else informe.url_xlsx)
    contenido = servicio.construir_contenido(informe)
    if extension == "pdf":
        datos = servicio.pdf_del_contenido(contenido)
    else:
        datos = servicio.xlsx_del_contenido(contenido)
    respuesta = HttpResponse(datos, content_type=TIPOS[extension])
    nombre = informe.nombre_de_archivo(extension).replace(".", "-borrador.", 1)
    disposicion = "inline" if extension == "pdf" else "attachment"
    respuesta["Content-Disposition"] = f'{disposicion}; filename="{nombre}"'
    respuesta["X-Content-Type-Options"] = "nosniff"
    return respuesta


@vista_privada
@require_POST
def publicar(request, slug, pk):
    """Revisa en la petición lo que se revisa pronto (``exigir_publicable``) y pide la publicación
    en segundo plano (``informes.publicar``: convertir y congelar tarda); lleva a la página de la
    tarea. Si ya hay una publicación de este informe en marcha, lleva a esa."""
    plan, acceso = _stl(request, slug)
    acceso.exigir_gestion()
    informe = _informe(plan, pk)
    try:
        servicio.exigir_publicable(informe)
        tarea = tareas.encolar(
            tipo="informes.publicar",
            descripcion=_("Publicar y congelar el %(informe)s") % {"informe": informe},
            argumentos={"informe_id": informe.pk, "usuario_id": request.user.pk},
            plan=plan,
            usuario=request.user,
            clave=clave_de_publicacion(informe),
            origen=reverse("trabajo:informe", args=[plan.slug, informe.pk]),
        )
    except tareas.TareaActiva as activa:
        messages.info(request, activa.messages[0])
        return redirect("trabajo:tarea", slug=plan.slug, pk=activa.tarea.pk)
    except ValidationError as error:
        for mensaje in error.messages:
            messages.error(request, mensaje)
        return redirect("trabajo:informe", slug=plan.slug, pk=informe.pk)
    messages.success(
        request, _("Se pidió la publicación del %(informe)s; esta página muestra cómo va.") % {"informe": informe}
    )
    return redirect("trabajo:tarea", slug=plan.slug, pk=tarea.pk)


@vista_privada
def corregir(request, slug, pk):
    plan, acceso = _stl(request, slug)
    acceso.exigir_gestion()
    informe = _informe(plan, pk)
    form = CorreccionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nueva = servicio.corregir_informe(
                informe=informe, motivo=form.cleaned_data["motivo_correccion"], usuario=request.user
            )
        except ValidationError as error:
            aplicar_errores(form, error)
        else:
            messages.success(
                request,
                _("Versión %(version)s creada en borrador. La versión %(anterior)s sigue publicada hasta que publique esta.")
                % {"version": nueva.version, "anterior": informe.version},
            )
            return redirect("trabajo:informe", slug=plan.slug, pk=nueva.pk)
    return render(
        request,
        "trabajo/informe_corregir.html",
        {
            "plan": plan, "acceso": acceso, "informe": informe, "form": form,
            "boton": _("Crear la versión %(version)s en borrador") % {"version": informe.version + 1},
        },
        status=400 if form.is_bound else 200,
    )


@vista_privada
@require_POST
def borrar(request, slug, pk):
    plan, acceso = _stl(request, slug)
    acceso.exigir_gestion()
    with transaction.atomic():
        informe = Informe.objects.select_for_update().filter(plan=plan, pk=pk).first()
        if informe is None:
            raise Http404(_("No existe ese informe en este plan."))
        if informe.estado != Informe.Estado.BORRADOR:
            messages.error(request, _("Un informe publicado no se borra: se conserva siempre."))
            return redirect("trabajo:informe", slug=plan.slug, pk=informe.pk)
        titulo = str(informe)
        informe._change_reason = _("Borrador eliminado")
        informe.delete()
    messages.success(request, _("Borrador «%(informe)s» eliminado (queda en el historial).") % {"informe": titulo})
    return redirect("trabajo:informes", slug=plan.slug)
