"""Personas y cuentas del plan, bajo ``/trabajo/<plan>/personas/``: cuentas y membresías con sus
invitaciones, instituciones, personas y representantes de cada compromiso.

Regla de acceso de ``gestion/acceso.py``: la facilitación (y la administración) cambia; una
integrante del STL lee y recibe 403 al pedir un cambio; cualquier otra cuenta, 404. Estas vistas
solo leen la petición, llaman al servicio (``personas.py``, ``invitaciones.py``) y muestran el
resultado; un error del servicio queda junto a su campo y no se escribe nada.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from seguimiento.bitacora import nombre_de_cuenta
from seguimiento.formularios import aplicar_errores
from seguimiento.permisos import vista_privada

from . import invitaciones, personas
from . import selectores_personas as selectores
from .acceso import plan_del_stl
from .formularios_personas import InstitucionForm, InvitacionForm, PapelForm, PersonaForm, RepresentantesForm
from .models import Invitacion


def _cambio_por_post(vista):
    """Una acción de un solo botón: primero el acceso (404 o 403, también por GET), luego el
    método (405 si no es POST). La vista recibe el plan ya comprobado."""

    @wraps(vista)
    def envoltura(request, slug, **argumentos):
        plan, _acceso = plan_del_stl(request, slug, cambia=True)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return vista(request, plan, **argumentos)

    return vista_privada(envoltura)


def _formulario(request, plan, acceso, *, titulo, form, boton, volver, volver_texto, **extra):
    return render(request, "gestion/personas/formulario.html", {
        "plan": plan, "acceso": acceso, "titulo": titulo, "form": form, "boton": boton,
        "volver": volver, "volver_texto": volver_texto, **extra,
    })


def _guardar(request, form, servicio, **argumentos):
    """Llama al servicio; si lo rechaza, pone sus errores en ``form`` y devuelve ``None``."""
    try:
        return servicio(**argumentos)
    except ValidationError as error:
        aplicar_errores(form, error)
        return None


def _accion(request, servicio, exito: str, **argumentos):
    """Una acción de un solo botón (dar de baja, reenviar, borrar): su resultado como mensaje."""
    try:
        resultado = servicio(**argumentos)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, exito)
    return resultado


# --- Cuentas y membresías -----------------------------------------------------------------------


@vista_privada
def inicio(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    ultimas = selectores.ultima_invitacion_por_membresia(plan)
    ahora = timezone.now()
    filas = [
        {"membresia": m, "invitacion": ultimas.get(m.pk), "sin_contrasena": not m.usuario.has_usable_password()}
        for m in selectores.membresias_del_plan(plan)
    ]
    pendientes = [
        f for f in filas
        if f["invitacion"] is not None and f["invitacion"].estado(ahora) == Invitacion.Estado.PENDIENTE
    ]
    return render(request, "gestion/personas/inicio.html", {
        "plan": plan, "acceso": acceso, "filas": filas, "pendientes": pendientes, "ahora": ahora,
    })


@vista_privada
def invitar(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    form = InvitacionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        datos = form.cleaned_data
        resultado = _guardar(
            request, form, invitaciones.invitar, plan=plan, nombre=datos["nombre"], correo=datos["correo"],
            rol=datos["rol"], institucion=datos["institucion"], persona=datos["persona"],
            crear_persona=datos["crear_persona"], cargo=datos["cargo"], por=request.user,
        )
        if resultado is not None:
            messages.success(request, resultado.mensaje)
            return redirect("gestion:personas", slug=plan.slug)
    return _formulario(
        request, plan, acceso, titulo=_("Invitar a una persona"), form=form, boton=_("Enviar la invitación"),
        volver="gestion:personas", volver_texto=_("Personas y cuentas"),
        explicacion=_("Recibirá por correo un enlace para elegir su contraseña: sirve una vez y vence en %(dias)s días. "
                      "Si el correo ya tiene cuenta en el portal, se le da el papel y se le avisa, sin enlace.")
        % {"dias": invitaciones.vigencia().days},
    )


@vista_privada
def papel(request, slug, pk):
    plan, acceso = plan_del_stl(request, slug)
    membresia = selectores.membresia_o_404(plan, pk)
    form = PapelForm(request.POST or None, plan=plan, membresia=membresia)
    if request.method == "POST" and form.is_valid():
        if _guardar(request, form, personas.cambiar_papel, membresia=membresia, rol=form.cleaned_data["rol"],
                    institucion=form.cleaned_data["institucion"], usuario=request.user) is not None:
            messages.success(request, _("Papel de %(cuenta)s guardado.") % {"cuenta": membresia.usuario.email
                                                                           or membresia.usuario.username})
            return redirect("gestion:personas", slug=plan.slug)
    return _formulario(
        request, plan, acceso, titulo=_("Papel de %(cuenta)s") % {
            "cuenta": nombre_de_cuenta(membresia.usuario, eliminada=True)},
        form=form, boton=_("Guardar el papel"), volver="gestion:personas", volver_texto=_("Personas y cuentas"),
        membresia=membresia,
    )


@_cambio_por_post
def baja(request, plan, pk):
    membresia = selectores.membresia_o_404(plan, pk)
    _accion(request, personas.dar_de_baja, _("%(cuenta)s ya no tiene acceso a este plan; lo que hizo sigue con su nombre.")
            % {"cuenta": nombre_de_cuenta(membresia.usuario, eliminada=True)},
            membresia=membresia, usuario=request.user)
    return redirect("gestion:personas", slug=plan.slug)


@_cambio_por_post
def alta(request, plan, pk):
    membresia = selectores.membresia_o_404(plan, pk)
    _accion(request, personas.reactivar, _("%(cuenta)s vuelve a tener acceso a este plan.")
            % {"cuenta": nombre_de_cuenta(membresia.usuario, eliminada=True)},
            membresia=membresia, usuario=request.user)
    return redirect("gestion:personas", slug=plan.slug)


@_cambio_por_post
def reenviar(request, plan, pk):
    invitacion = selectores.invitacion_o_404(plan, pk)
    _accion(request, invitaciones.reenviar, _("Invitación reenviada a %(correo)s: el enlace anterior ya no sirve.")
            % {"correo": invitacion.correo}, invitacion=invitacion, por=request.user)
    return redirect("gestion:personas", slug=plan.slug)


# --- Instituciones ------------------------------------------------------------------------------


@vista_privada
def instituciones(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    return render(request, "gestion/personas/instituciones.html", {
        "plan": plan, "acceso": acceso, "instituciones": selectores.instituciones_editables(plan).order_by("nombre"),
    })


@vista_privada
def institucion(request, slug, pk=None):
    plan, acceso = plan_del_stl(request, slug)
    objeto = selectores.institucion_o_404(plan, pk) if pk is not None else None
    form = InstitucionForm(request.POST or None, instance=objeto)
    if request.method == "POST" and form.is_valid():
        guardada = _guardar(request, form, personas.guardar_institucion, institucion=form.save(commit=False),
                            usuario=request.user)
        if guardada is not None:
            messages.success(request, _("Institución «%(nombre)s» guardada.") % {"nombre": guardada.nombre})
            return redirect("gestion:instituciones", slug=plan.slug)
    return _formulario(
        request, plan, acceso, titulo=objeto.nombre if objeto else _("Registrar una institución"), form=form,
        boton=_("Guardar la institución"), volver="gestion:instituciones", volver_texto=_("Instituciones"),
        borrar="gestion:borrar_institucion" if objeto else "", objeto=objeto,
        explicacion=_("Las instituciones son de todos los planes: lo que corrija aquí se ve en cada plan que la usa."),
    )


@_cambio_por_post
def borrar_institucion(request, plan, pk):
    objeto = selectores.institucion_o_404(plan, pk)
    if _accion(request, personas.borrar_institucion, _("Institución «%(nombre)s» borrada.") % {"nombre": objeto.nombre},
               institucion=objeto, usuario=request.user) is None and objeto.pk:
        return redirect("gestion:institucion", slug=plan.slug, pk=objeto.pk)
    return redirect("gestion:instituciones", slug=plan.slug)


# --- Personas -----------------------------------------------------------------------------------


@vista_privada
def lista_personas(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    return render(request, "gestion/personas/personas.html", {
        "plan": plan, "acceso": acceso,
        "personas": selectores.personas_editables(plan).order_by("institucion__nombre", "nombre"),
    })


@vista_privada
def persona(request, slug, pk=None):
    plan, acceso = plan_del_stl(request, slug)
    objeto = selectores.persona_o_404(plan, pk) if pk is not None else None
    form = PersonaForm(request.POST or None, instance=objeto, plan=plan)
    if request.method == "POST" and form.is_valid():
        guardada = _guardar(request, form, personas.guardar_persona, persona=form.save(commit=False),
                            usuario=request.user)
        if guardada is not None:
            messages.success(request, _("%(persona)s guardada.") % {"persona": guardada})
            return redirect("gestion:lista_personas", slug=plan.slug)
    return _formulario(
        request, plan, acceso, titulo=str(objeto) if objeto else _("Registrar una persona"), form=form,
        boton=_("Guardar la persona"), volver="gestion:lista_personas", volver_texto=_("Personas"),
        borrar="gestion:borrar_persona" if objeto else "", objeto=objeto,
        explicacion=_("Cambiar de institución a una persona no cambia lo que ya hizo: el historial guarda la anterior."),
    )


@_cambio_por_post
def borrar_persona(request, plan, pk):
    objeto = selectores.persona_o_404(plan, pk)
    if _accion(request, personas.borrar_persona, _("%(persona)s borrada.") % {"persona": objeto},
               persona=objeto, usuario=request.user) is None and objeto.pk:
        return redirect("gestion:persona", slug=plan.slug, pk=objeto.pk)
    return redirect("gestion:lista_personas", slug=plan.slug)


# --- Representantes -----------------------------------------------------------------------------


@vista_privada
def representantes(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    return render(request, "gestion/personas/representantes.html", {
        "plan": plan, "acceso": acceso, "compromisos": selectores.compromisos_con_representantes(plan),
    })


@vista_privada
def representantes_del_compromiso(request, slug, clave):
    plan, acceso = plan_del_stl(request, slug)
    compromiso = selectores.compromiso_o_404(plan, clave)
    form = RepresentantesForm(request.POST or None, compromiso=compromiso)
    if request.method == "POST" and form.is_valid():
        if _guardar(request, form, personas.asignar_representantes, compromiso=compromiso,
                    titular=form.cleaned_data["representante"], suplente=form.cleaned_data["representante_suplente"],
                    usuario=request.user) is not None:
            messages.success(request, _("Representantes del compromiso %(clave)s guardados.") % {"clave": compromiso.clave})
            return redirect("gestion:representantes", slug=plan.slug)
    return _formulario(
        request, plan, acceso, titulo=_("Representantes del compromiso %(clave)s") % {"clave": compromiso.clave},
        form=form, boton=_("Guardar los representantes"), volver="gestion:representantes",
        volver_texto=_("Representantes"), explicacion=compromiso.nombre,
    )
