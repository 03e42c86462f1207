"""Crear planes: a mano (vacío) o desde una hoja de cálculo, y la estructura de un plan en
hoja de cálculo.

Permisos: la plantilla, el plan nuevo y la importación son de quien puede crear planes
(``acceso.puede_crear_planes``); cualquier otra cuenta recibe 404 (ni se revela que la página
existe) y sin sesión, la página de entrada. La estructura de un plan la descarga su STL
(``acceso.plan_del_stl``: facilitación e integrantes).

La importación es en dos pasos, como la carga de avances (``seguimiento/excel_views.py``): al
subir el libro se revisa entero; sin errores, el archivo queda guardado del lado del servidor
(en el almacenamiento de archivos) bajo un identificador aleatorio que se anota en la sesión, y
se muestra la vista previa. Al confirmar solo llega ese identificador y el identificador del
plan: el archivo guardado se vuelve a leer y revisar y el plan se crea entero en una
transacción, o nada.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from seguimiento.archivos import XLSX, nombre_enviado
from seguimiento.excel import Problema
from seguimiento.permisos import vista_privada

from . import exportacion_plan, importacion_plan, plantilla_plan
from .acceso import plan_del_stl, puede_crear_planes
from .formularios_planes import ImportarPlanForm, PlanNuevoForm
from .servicios_planes import MOTIVO_A_MANO, crear_plan

#: Clave de la sesión con las importaciones en vista previa, por identificador aleatorio.
SESION = "importaciones_de_planes"
MAXIMO_EN_SESION = 3
CARPETA = "importaciones-de-planes"
YA_NO_DISPONIBLE = gettext_lazy(
    "La vista previa ya no está disponible: ya se creó el plan o se reemplazó por una carga más reciente. "
    "No se creó nada; vuelva a cargar el archivo."
)


def _exigir_creador(request) -> None:
    if not puede_crear_planes(request.user):
        raise Http404(_("No existe la página."))


def _xlsx(contenido: bytes, nombre: str) -> HttpResponse:
    respuesta = HttpResponse(contenido, content_type=XLSX.mime)
    respuesta["Content-Disposition"] = content_disposition_header(True, nombre)
    respuesta["X-Content-Type-Options"] = "nosniff"
    return respuesta


@vista_privada
@require_GET
def plantilla(request):
    _exigir_creador(request)
    return _xlsx(plantilla_plan.plantilla(), "plantilla-plan-estado-abierto.xlsx")


@vista_privada
@require_GET
def estructura(request, slug):
    plan, _acceso = plan_del_stl(request, slug)
    return _xlsx(exportacion_plan.exportar(plan), exportacion_plan.nombre_de_archivo(plan))


@vista_privada
@require_http_methods(["GET", "POST"])
def plan_nuevo(request):
    _exigir_creador(request)
    form = PlanNuevoForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        plan = crear_plan(datos=form.cleaned_data, usuario=request.user, motivo=MOTIVO_A_MANO)
        messages.success(request, _("Se creó el plan «%(plan)s»; usted es su facilitador(a).") % {"plan": plan})
        return redirect("trabajo:plan", slug=plan.slug)
    return render(request, "gestion/planes/nuevo.html", {"form": form}, status=400 if form.is_bound else 200)


# --- Importación -------------------------------------------------------------------------------------


def _pagina_importar(request, *, form=None, errores=(), status=200):
    return render(
        request,
        "gestion/planes/importar.html",
        {"form": form or ImportarPlanForm(), "errores": list(errores)},
        status=status,
    )


def _guardar(request, archivo, nombre: str, slug: str) -> str:
    token = secrets.token_urlsafe(16)
    cargas = request.session.get(SESION, {})
    for viejo in list(cargas)[: max(0, len(cargas) - MAXIMO_EN_SESION + 1)]:
        default_storage.delete(cargas.pop(viejo)["ruta"])
    archivo.seek(0)
    ruta = default_storage.save(f"{CARPETA}/{token}.xlsx", ContentFile(archivo.read()))
    cargas[token] = {"ruta": ruta, "archivo": nombre, "slug": slug, "usuario": request.user.pk}
    request.session[SESION] = cargas
    return token


def _carga(request, token: str) -> dict | None:
    carga = request.session.get(SESION, {}).get(token)
    if carga is None or carga["usuario"] != request.user.pk or not default_storage.exists(carga["ruta"]):
        return None
    return carga


def _quitar(request, token: str) -> None:
    cargas = request.session.get(SESION, {})
    carga = cargas.pop(token, None)
    if carga is not None:
        default_storage.delete(carga["ruta"])
        request.session[SESION] = cargas


def _form_de_confirmacion(slug: str) -> ImportarPlanForm:
    """El formulario de la vista previa: solo el identificador (el archivo ya está guardado)."""
    form = ImportarPlanForm({"slug": slug})
    form.fields["archivo"].required = False
    return form


def _vista_previa(request, token: str, carga: dict, lectura, *, form=None, status=200):
    if form is None:
        form = _form_de_confirmacion(carga["slug"])
        form.is_valid()  # el identificador pudo tomarse después de subir el archivo: su error, junto al campo
    return render(
        request,
        "gestion/planes/vista_previa.html",
        {"token": token, "carga": carga, "lectura": lectura, "form": form, "errores": lectura.errores},
        status=status,
    )


@vista_privada
@require_http_methods(["GET", "POST"])
def importar(request):
    """GET: cómo funciona y el formulario. POST: revisa el libro; sin errores, a la vista previa."""
    _exigir_creador(request)
    if request.method != "POST":
        return _pagina_importar(request)
    form = ImportarPlanForm(request.POST, request.FILES)
    archivo = request.FILES.get("archivo")
    if archivo is None or not form.is_valid():
        errores = []
        if archivo is not None:
            # El identificador no sirve, pero el archivo se revisa igual: todos los errores de una vez.
            errores = importacion_plan.leer(archivo, slug="", nombre=nombre_enviado(archivo)).errores
        return _pagina_importar(request, form=form, errores=errores, status=400)
    nombre = nombre_enviado(archivo)
    lectura = importacion_plan.leer(archivo, slug=form.cleaned_data["slug"], nombre=nombre)
    if not lectura.valida:
        return _pagina_importar(request, form=form, errores=lectura.errores, status=400)
    token = _guardar(request, archivo, lectura.archivo, lectura.slug)
    return redirect("gestion:plan_importar_vista_previa", token=token)


@vista_privada
@require_GET
def vista_previa(request, token):
    _exigir_creador(request)
    carga = _carga(request, token)
    if carga is None:
        return _pagina_importar(request, errores=[Problema(str(YA_NO_DISPONIBLE))], status=404)
    with default_storage.open(carga["ruta"], "rb") as archivo:
        lectura = importacion_plan.leer(archivo, slug=carga["slug"], nombre=carga["archivo"])
    return _vista_previa(request, token, carga, lectura, status=200 if lectura.valida else 409)


@vista_privada
@require_POST
def confirmar(request, token):
    """Vuelve a leer y revisar el libro guardado y crea el plan (todo o nada)."""
    _exigir_creador(request)
    carga = _carga(request, token)
    if carga is None:
        return _pagina_importar(request, errores=[Problema(str(YA_NO_DISPONIBLE))], status=400)
    form = _form_de_confirmacion(request.POST.get("slug", ""))
    with default_storage.open(carga["ruta"], "rb") as archivo:
        if not form.is_valid():
            lectura = importacion_plan.leer(archivo, slug=carga["slug"], nombre=carga["archivo"])
            return _vista_previa(request, token, carga, lectura, form=form, status=409)
        try:
            plan = importacion_plan.importar(
                archivo, slug=form.cleaned_data["slug"], usuario=request.user, nombre=carga["archivo"]
            )
        except importacion_plan.ImportacionRechazada as rechazo:
            for error in rechazo.lectura.errores_slug:
                form.add_error("slug", error[:1].upper() + error[1:])
            return _vista_previa(request, token, carga, rechazo.lectura, form=form, status=409)
    _quitar(request, token)
    messages.success(
        request,
        _("Se creó el plan «%(plan)s» desde «%(archivo)s»; usted es su facilitador(a).")
        % {"plan": plan, "archivo": carga["archivo"]},
    )
    return redirect("trabajo:plan", slug=plan.slug)
