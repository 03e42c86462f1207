"""La página del historial del plan (``/trabajo/<plan>/historial/``): solo se lee (facilitación,
administración e integrantes; el resto 404, ver ``gestion/acceso.py``). El filtro es un
formulario GET, sin JavaScript; la lectura y la paginación, en ``gestion/historial.py``."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seguimiento.bitacora import nombre_de_cuenta
from seguimiento.formularios import Fecha
from seguimiento.permisos import vista_privada

from . import historial
from .acceso import METODOS_DE_LECTURA, plan_del_stl


class FiltroHistorialForm(forms.Form):
    tipo = forms.MultipleChoiceField(
        label=gettext_lazy("Tipo de elemento"), required=False,
        choices=[(t.clave, t.nombre) for t in historial.TIPOS],
        help_text=gettext_lazy("Ninguno marcado: todos."),
        widget=forms.CheckboxSelectMultiple,
    )
    cuenta = forms.ChoiceField(label=gettext_lazy("Quién"), required=False)
    desde = forms.DateField(label=gettext_lazy("Desde el día"), required=False, widget=Fecha())
    hasta = forms.DateField(label=gettext_lazy("Hasta el día"), required=False, widget=Fecha())
    clave = forms.CharField(
        label=gettext_lazy("Clave"), required=False, max_length=20,
        help_text=gettext_lazy("Un eje, compromiso o acción y lo que cuelga de él: 3, 1.5 o 1.5.3."),
    )
    elemento = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)

    def __init__(self, *args, cuentas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cuenta"].choices = [
            ("", _("Cualquiera")),
            (historial.CUENTA_CARGA_INICIAL, _("Carga inicial (sin cuenta)")),
            *[(str(c.pk), nombre_de_cuenta(c, eliminada=True)) for c in cuentas],
        ]

    def clean(self):
        datos = super().clean()
        desde, hasta = datos.get("desde"), datos.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", _("Debe ser el mismo día que «desde» o uno posterior."))
        return datos

    def filtros(self) -> historial.Filtros:
        d = self.cleaned_data
        return historial.Filtros(
            tipos=d["tipo"], cuenta=d["cuenta"], desde=d["desde"], hasta=d["hasta"],
            clave=d["clave"].strip(), elemento=d["elemento"].strip(),
        )


@vista_privada
def historial_del_plan(request, slug):
    plan, acceso = plan_del_stl(request, slug)
    if request.method not in METODOS_DE_LECTURA:
        return HttpResponseNotAllowed(sorted(METODOS_DE_LECTURA))
    formulario = FiltroHistorialForm(request.GET or None, cuentas=historial.cuentas_del_historial(plan))
    filtros = formulario.filtros() if formulario.is_bound and formulario.is_valid() else historial.Filtros()
    resultado = None
    if not formulario.is_bound or formulario.is_valid():
        try:
            resultado = historial.pagina(plan, filtros, request.GET.get("pagina"))
        except historial.FiltroInvalido as error:
            campo = "clave" if filtros.clave and not filtros.elemento else None
            formulario.add_error(campo, str(error))
    consulta = request.GET.copy()
    consulta.pop("pagina", None)
    return render(
        request,
        "gestion/historial.html",
        {
            "plan": plan,
            "acceso": acceso,
            "form": formulario,
            "resultado": resultado,
            "consulta": consulta.urlencode(),
            "filtrado": bool(consulta),
            "elemento": filtros.elemento,
        },
    )
