"""Vistas de Excel del trabajo bimestral: plantilla de captura, carga con vista previa y
exportación de los avances de un periodo. La lógica de las hojas está en ``excel.py``.

Permisos (``seguimiento/permisos.py``): cualquiera con papel en el plan descarga la plantilla y
la exportación de las acciones que ve; cargan la persona facilitadora (todas las acciones) y
los responsables (solo las de su institución); un integrante del STL recibe 403 y una cuenta
sin papel en el plan, 404.

La carga es en dos pasos. Al subir el archivo se revisa entero y, si no hay errores, se
muestra lo que cambiaría; esos cambios quedan en la sesión bajo un identificador aleatorio,
con la ``version`` de cada avance leída en ese momento. Al confirmar solo llega el
identificador y la elección (borradores o enviar): nada de lo que se escribe viene del
navegador en ese paso. Lo escribe una tarea en segundo plano (``excel.confirmar``), que recibe
los cambios en sus argumentos (JSON), no la sesión; la vista previa sale de la sesión al pedirla.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tareas import selectores as selectores_de_tareas
from tareas import servicios as tareas

from . import excel, flujo
from .archivos import XLSX, tamano_maximo
from .permisos import plan_y_acceso, vista_privada
from .selectores import filas_del_periodo, periodo_o_404

#: Clave de la sesión con las cargas en vista previa, por identificador.
SESION = "excel_cargas"
#: Cargas en vista previa que se conservan por sesión (las más recientes).
MAXIMO_EN_SESION = 3
YA_NO_DISPONIBLE = gettext_lazy(
    "La vista previa ya no está disponible: ya se guardó o se reemplazó por una carga más "
    "reciente. No se guardó nada; vuelva a cargar el archivo."
)


class CargaForm(forms.Form):
    archivo = forms.FileField(
        label=gettext_lazy("Plantilla llena (.xlsx)"),
        allow_empty_file=True,  # el archivo vacío lo rechaza excel.revisar_archivo con su nombre
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archivo"].help_text = _(
            "La plantilla de este periodo, guardada como libro de Excel. Máximo %(mb)s MB."
        ) % {"mb": tamano_maximo() // (1024 * 1024)}


def _respuesta_xlsx(contenido: bytes, nombre: str) -> HttpResponse:
    respuesta = HttpResponse(contenido, content_type=XLSX.mime)
    respuesta["Content-Disposition"] = content_disposition_header(True, nombre)
    respuesta["X-Content-Type-Options"] = "nosniff"
    return respuesta


def _exigir_carga(acceso) -> None:
    if not (acceso.gestiona or acceso.es_responsable):
        raise PermissionDenied(_("Su cuenta es de solo lectura: no puede cargar avances."))


# --- Descargas ----------------------------------------------------------------------------------


@vista_privada
def plantilla(request, slug, periodo):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    contenido = excel.plantilla(
        plan=plan,
        periodo=periodo,
        filas=filas_del_periodo(acceso.acciones(), periodo),
        url_carga=request.build_absolute_uri(reverse("trabajo:importar", args=[plan.slug, periodo.slug])),
    )
    return _respuesta_xlsx(contenido, f"plantilla-{plan.slug}-{periodo.slug}.xlsx")


@vista_privada
def exportar(request, slug, periodo):
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    contenido = excel.exportar(
        plan=plan,
        periodo=periodo,
        filas=filas_del_periodo(acceso.acciones(), periodo),
        url_de_archivo=lambda e: request.build_absolute_uri(reverse("seguimiento:evidencia", args=[e.pk])),
    )
    return _respuesta_xlsx(contenido, f"avances-{plan.slug}-{periodo.slug}.xlsx")


# --- Carga ----------------------------------------------------------------------------------------


def _contexto(plan, acceso, periodo, **extra) -> dict:
    contexto = {
        "plan": plan,
        "acceso": acceso,
        "periodo": periodo,
        # Aviso si el periodo no recibe avances de esta cuenta (p. ej. cerrado, para un responsable).
        "bloqueo": flujo.motivo_bloqueo(None, periodo, como_stl=acceso.gestiona),
        "largo_etapa": excel.LARGO_ETAPA,
    }
    contexto.update(extra)
    contexto.setdefault("form", CargaForm())
    return contexto


def _pagina_carga(request, plan, acceso, periodo, *, errores=(), form=None, status=200):
    errores = [e if isinstance(e, excel.Problema) else excel.Problema(str(e)) for e in errores]
    contexto = _contexto(plan, acceso, periodo, errores=errores)
    if form is not None:
        contexto["form"] = form
    return render(request, "trabajo/importar.html", contexto, status=status)


def _carga(nombre: str, lectura: excel.Lectura) -> dict:
    """Lo que muestra la vista previa y lo que se escribe al confirmar (JSON, para la sesión)."""
    return {
        "archivo": nombre,
        "cambios": [c.para_sesion() for c in lectura.cambios + lectura.por_enviar],
        "sin_cambios": lectura.sin_cambios,
        "sin_evidencia": lectura.sin_evidencia,
    }


def _guardar_en_sesion(request, plan, periodo, carga: dict) -> str:
    token = secrets.token_urlsafe(16)
    cargas = request.session.get(SESION, {})
    # Solo las más recientes: una sesión no acumula vistas previas abandonadas.
    for viejo in list(cargas)[: max(0, len(cargas) - MAXIMO_EN_SESION + 1)]:
        del cargas[viejo]
    cargas[token] = {"plan": plan.slug, "periodo": periodo.slug, "usuario": request.user.pk, **carga}
    request.session[SESION] = cargas
    return token


def _carga_de_sesion(request, token: str, plan, periodo) -> dict | None:
    carga = request.session.get(SESION, {}).get(token) if token else None
    if (
        carga is None
        or carga["plan"] != plan.slug
        or carga["periodo"] != periodo.slug
        or carga["usuario"] != request.user.pk
    ):
        return None
    return carga


def _anotar_tarea(request, token: str, tarea) -> None:
    cargas = request.session.get(SESION, {})
    if token in cargas:
        cargas[token]["tarea"] = tarea.pk
        request.session[SESION] = cargas


def _tarea_de_la_carga(plan, carga: dict | None):
    """La tarea que ya se pidió con esta vista previa, si la hay."""
    if carga is None or not carga.get("tarea"):
        return None
    return selectores_de_tareas.tarea_del_plan(plan, carga["tarea"])


def _quitar_de_sesion(request, token: str) -> None:
    cargas = request.session.get(SESION, {})
    if cargas.pop(token, None) is not None:
        request.session[SESION] = cargas


def _vista_previa(request, plan, acceso, periodo, carga: dict, token: str | None, *, errores=(), status=200):
    cambios = [c for c in carga["cambios"] if not c["solo_enviar"]]
    por_enviar = [c for c in carga["cambios"] if c["solo_enviar"]]
    return render(
        request,
        "trabajo/importar_vista_previa.html",
        _contexto(
            plan,
            acceso,
            periodo,
            archivo=carga["archivo"],
            cambios=cambios,
            por_enviar=por_enviar,
            sin_cambios=carga["sin_cambios"],
            sin_evidencia=carga["sin_evidencia"],
            token=token,
            errores=[excel.Problema(str(e)) for e in errores],
        ),
        status=status,
    )


@vista_privada
def importar(request, slug, periodo):
    """GET: el formulario y cómo funciona. POST: revisa el archivo y muestra la vista previa."""
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    _exigir_carga(acceso)
    if request.method != "POST":
        # De vuelta de una tarea que falló: la vista previa sigue en la sesión.
        token = request.GET.get("vista", "")
        carga = _carga_de_sesion(request, token, plan, periodo)
        anterior = _tarea_de_la_carga(plan, carga)
        if carga is not None and (anterior is None or anterior.estado == anterior.Estado.FALLIDA):
            return _vista_previa(request, plan, acceso, periodo, carga, token)
        return _pagina_carga(request, plan, acceso, periodo)

    form = CargaForm(request.POST, request.FILES)
    if not form.is_valid():
        return _pagina_carga(request, plan, acceso, periodo, form=form, status=400)
    archivo = form.cleaned_data["archivo"]
    lectura = excel.leer_captura(archivo, plan=plan, periodo=periodo, acceso=acceso, nombre=archivo.name)
    if lectura.errores:
        return _pagina_carga(request, plan, acceso, periodo, errores=lectura.errores, form=form, status=400)
    carga = _carga(archivo.name, lectura)
    # Sin nada que guardar no hay nada que confirmar: la vista previa dice «sin cambios».
    token = _guardar_en_sesion(request, plan, periodo, carga) if lectura.hay_algo_que_guardar else None
    return _vista_previa(request, plan, acceso, periodo, carga, token)


@vista_privada
@require_POST
def confirmar(request, slug, periodo):
    """Pide que se escriba la carga de la vista previa (tarea ``excel.confirmar``: entera en una
    transacción, o nada) y lleva a la página de la tarea, con el resultado o el motivo."""
    plan, acceso = plan_y_acceso(request, slug)
    periodo = periodo_o_404(plan, periodo)
    _exigir_carga(acceso)
    token = request.POST.get("token", "")
    carga = _carga_de_sesion(request, token, plan, periodo)
    anterior = _tarea_de_la_carga(plan, carga)
    if anterior is not None and anterior.activa:
        # La misma vista previa confirmada otra vez mientras se escribe: no se pide otra escritura.
        messages.info(request, _("Esta carga ya se está guardando; esta página muestra cómo va."))
        return redirect("trabajo:tarea", slug=plan.slug, pk=anterior.pk)
    if anterior is not None and anterior.estado == anterior.Estado.TERMINADA:
        _quitar_de_sesion(request, token)
        carga = None
    if carga is None:
        return _pagina_carga(request, plan, acceso, periodo, errores=[YA_NO_DISPONIBLE], status=400)
    operacion = request.POST.get("operacion")
    if operacion not in ("borrador", "enviar"):
        return _vista_previa(
            request,
            plan,
            acceso,
            periodo,
            carga,
            token,
            errores=[_("Elija «Guardar como borradores» o «Guardar y enviar al STL».")],
            status=400,
        )
    enviar = operacion == "enviar"
    try:
        excel.revisar_confirmacion(periodo=periodo, cambios=carga["cambios"], enviar=enviar)
        tarea = tareas.encolar(
            tipo="excel.confirmar",
            descripcion=_("Carga de Excel «%(archivo)s» (%(periodo)s): %(que)s")
            % {
                "archivo": carga["archivo"],
                "periodo": periodo.nombre,
                "que": _("guardar y enviar al STL") if enviar else _("guardar como borradores"),
            },
            argumentos={
                "plan_id": plan.pk,
                "periodo_id": periodo.pk,
                "usuario_id": request.user.pk,
                "cambios": carga["cambios"],
                "enviar": enviar,
            },
            plan=plan,
            usuario=request.user,
            # Dos confirmaciones simultáneas de la misma vista previa: la base admite una sola activa.
            clave=f"excel.confirmar:{token}",
            origen=reverse("trabajo:importar", args=[plan.slug, periodo.slug]) + f"?vista={token}",
        )
    except tareas.TareaActiva as activa:
        messages.info(request, activa.messages[0])
        return redirect("trabajo:tarea", slug=plan.slug, pk=activa.tarea.pk)
    except excel.CargaRechazada as error:
        if error.conflicto:
            # Las versiones de la vista previa ya no sirven: hay que volver a leer el archivo.
            _quitar_de_sesion(request, token)
            return _pagina_carga(request, plan, acceso, periodo, errores=[error.mensaje], status=409)
        return _vista_previa(request, plan, acceso, periodo, carga, token, errores=[error.mensaje], status=400)
    # La vista previa queda en la sesión con su tarea: si la tarea falla (p. ej. falta una
    # evidencia para enviar) se puede volver a ella y elegir otra cosa; si termina, ya se usó.
    _anotar_tarea(request, token, tarea)
    messages.success(request, _("Se pidió guardar la carga de Excel; esta página muestra cómo va."))
    return redirect("trabajo:tarea", slug=plan.slug, pk=tarea.pk)
