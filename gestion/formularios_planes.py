"""Formularios de la creación de planes: a mano (vacío) y desde una hoja de cálculo."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.models import Plan
from seguimiento.archivos import tamano_maximo

from .servicios_planes import errores_del_slug

AYUDA_SLUG = _("Va en la dirección del plan (/planes/identificador/): letras sin acentos, números y guiones, p. ej. «pal-2025-2027». No se cambia después.")


def _limpiar_slug(valor: str) -> str:
    slug = (valor or "").strip().lower()
    errores = errores_del_slug(slug)
    if errores:
        raise forms.ValidationError([e[:1].upper() + e[1:] for e in errores])
    return slug


class PlanNuevoForm(forms.ModelForm):
    """Un plan vacío: sus datos generales. Ejes, compromisos y acciones se agregan después."""

    class Meta:
        model = Plan
        fields = ["nombre", "nombre_corto", "slug", "entidad", "anio_inicio", "anio_fin", "fecha_meta", "descripcion"]
        widgets = {
            "fecha_meta": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "descripcion": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": AYUDA_SLUG}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in ("anio_inicio", "anio_fin"):
            self.fields[campo].widget.attrs.update(min=2000, max=2100)
        self.fields["slug"].validators = []  # las reglas están en clean_slug, con sus mensajes

    def clean_slug(self):
        return _limpiar_slug(self.cleaned_data.get("slug"))

    def validate_unique(self):
        """La unicidad del identificador la revisa ``clean_slug`` (sin distinguir mayúsculas)."""

    def clean(self):
        datos = super().clean()
        inicio, fin = datos.get("anio_inicio"), datos.get("anio_fin")
        if inicio and fin and inicio > fin:
            self.add_error("anio_fin", _("El año de fin no puede ser anterior al de inicio."))
        return datos


class ImportarPlanForm(forms.Form):
    archivo = forms.FileField(
        label=_("Libro del plan (.xlsx)"),
        allow_empty_file=True,  # el archivo vacío lo rechaza la revisión, con su nombre
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    slug = forms.CharField(label=_("Identificador del plan nuevo"), max_length=80, help_text=AYUDA_SLUG)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archivo"].help_text = _(
            "La plantilla de planes llena, o la estructura exportada de otro plan. Máximo %(mb)s MB."
        ) % {"mb": tamano_maximo() // (1024 * 1024)}

    def clean_slug(self):
        return _limpiar_slug(self.cleaned_data.get("slug"))


class ConfirmarImportacionForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
