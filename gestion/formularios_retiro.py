"""Formularios del retiro de un compromiso o una acción (las reglas están en ``retiro.py``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from plan.models import Accion, Compromiso, Retiro
from seguimiento.formularios import Fecha


class _Destino(forms.ModelChoiceField):
    def label_from_instance(self, elemento):
        texto = elemento.descripcion if isinstance(elemento, Accion) else elemento.nombre
        return f"{elemento.clave} · {Truncator(' '.join(texto.split())).chars(90)}"


class RetiroForm(forms.Form):
    retiro = forms.ChoiceField(
        label=_("Cómo se retira"),
        choices=Retiro.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Elija si se cancela, se fusiona con otra o la sustituye otra.")},
    )
    destino = _Destino(
        label=_("Fusionada con o sustituida por"),
        queryset=Accion.objects.none(),
        required=False,
        empty_label=_("— ninguna (cancelada) —"),
        help_text=_("Obligatorio si se fusiona o se sustituye: otro elemento vigente del mismo plan y nivel."),
        error_messages={"invalid_choice": _("Ese destino no existe en este plan o ya está retirado: elija otro de la lista.")},
    )
    fecha = forms.DateField(
        label=_("Fecha del retiro"),
        widget=Fecha(),
        help_text=_("Desde esta fecha sale del cálculo. No puede ser futura ni anterior al inicio del plan."),
        error_messages={"required": _("Escriba la fecha del retiro."), "invalid": _("Escriba una fecha válida (día, mes y año).")},
    )
    motivo = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Se publica junto al elemento, p. ej. el acuerdo de la sesión del STL."),
        error_messages={"required": _("Escriba el motivo del retiro: se publica junto al elemento.")},
    )

    def __init__(self, *args, elemento: Compromiso | Accion, **kwargs):
        kwargs.setdefault("initial", {"fecha": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if isinstance(elemento, Accion):
            opciones = (
                Accion.objects.del_plan(elemento.compromiso.eje.plan_id)
                .vigentes()
                .select_related("compromiso__eje")
                .order_by("compromiso__eje__numero", "compromiso__numero", "numero")
            )
            self.fields["destino"].label = _("Fusionada con o sustituida por la acción")
        else:
            opciones = (
                Compromiso.objects.filter(eje__plan_id=elemento.eje.plan_id)
                .vigentes()
                .select_related("eje")
                .order_by("eje__numero", "numero")
            )
            self.fields["destino"].label = _("Fusionado con o sustituido por el compromiso")
        self.fields["destino"].queryset = opciones.exclude(pk=elemento.pk)


class RestituirForm(forms.Form):
    motivo = forms.CharField(
        label=_("Por qué se restituye"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Queda en el historial junto al retiro que corrige."),
        error_messages={"required": _("Escriba por qué se restituye: queda en el historial.")},
    )
