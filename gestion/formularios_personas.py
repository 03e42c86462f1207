"""Formularios de personas y cuentas del plan: instituciones, personas, representantes de un
compromiso, invitar por correo y cambiar el papel de una membresía. Validan la forma; las
reglas que dependen de la base (en uso, repetido, última facilitación) las dice el servicio
(``personas.py``, ``invitaciones.py``) y la vista las pone junto a su campo."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.models import Institucion, Membresia, Persona

from .selectores_personas import instituciones_editables, personas_editables


class InstitucionForm(forms.ModelForm):
    class Meta:
        model = Institucion
        fields = ["nombre", "siglas", "tipo", "sitio_web", "correo_institucional", "telefono_institucional"]


class PersonaForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = ["grado", "nombre", "cargo", "institucion"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institucion"].queryset = instituciones_editables(plan).order_by("nombre")

    def validate_unique(self):
        """La unicidad (nombre e institución) la dice el servicio junto al nombre."""


class _Persona(forms.ModelChoiceField):
    def label_from_instance(self, persona):
        return f"{persona} — {persona.cargo}" if persona.cargo else str(persona)


class RepresentantesForm(forms.Form):
    representante = _Persona(
        queryset=Persona.objects.none(), required=False, label=_("Representante titular"),
        empty_label=_("— sin titular —"),
    )
    representante_suplente = _Persona(
        queryset=Persona.objects.none(), required=False, label=_("Representante suplente"),
        empty_label=_("— sin suplente —"),
    )

    def __init__(self, *args, compromiso, **kwargs):
        kwargs.setdefault("initial", {
            "representante": compromiso.representante_id, "representante_suplente": compromiso.representante_suplente_id,
        })
        super().__init__(*args, **kwargs)
        personas = Persona.objects.filter(institucion_id=compromiso.institucion_responsable_id).order_by("nombre")
        texto = _("Personas de %(institucion)s. ¿No está? Regístrela en «Personas».") % {
            "institucion": compromiso.institucion_responsable.nombre_corto
        }
        for campo in self.fields.values():
            campo.queryset = personas
            campo.help_text = texto


class _Rol(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Membresia.Rol.choices, label=_("Papel"), **kwargs)


def _institucion_de_responsable(plan):
    return forms.ModelChoiceField(
        queryset=instituciones_editables(plan).order_by("nombre"), required=False, label=_("Institución"),
        help_text=_("Solo para responsables: la institución cuyas acciones reporta."),
        empty_label=_("— elija (solo responsables) —"),
    )


class _ExigeInstitucion:
    def clean(self):
        datos = super().clean()
        if datos.get("rol") == Membresia.Rol.RESPONSABLE and not datos.get("institucion"):
            self.add_error("institucion", _("Elija la institución de la que será responsable."))
        elif datos.get("rol") and datos.get("rol") != Membresia.Rol.RESPONSABLE and datos.get("institucion"):
            self.add_error("institucion", _("Solo los responsables llevan institución: deje este campo vacío."))
        return datos


class InvitacionForm(_ExigeInstitucion, forms.Form):
    nombre = forms.CharField(label=_("Nombre completo"), max_length=150)
    correo = forms.EmailField(
        label=_("Correo electrónico"), max_length=254,
        help_text=_("Recibirá el enlace para elegir su contraseña. Será también su nombre de usuario."),
    )
    rol = _Rol()
    institucion = forms.ModelChoiceField(queryset=Institucion.objects.none(), required=False)
    persona = _Persona(
        queryset=Persona.objects.none(), required=False, label=_("Ligar con una persona registrada"),
        empty_label=_("— ninguna —"),
        help_text=_("Opcional: la funcionaria o representante que usará esta cuenta."),
    )
    crear_persona = forms.BooleanField(
        required=False, label=_("Registrarla también como persona de su institución"),
        help_text=_("Solo responsables, si no la eligió arriba: con su nombre y el cargo de abajo."),
    )
    cargo = forms.CharField(label=_("Cargo"), max_length=300, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institucion"] = _institucion_de_responsable(plan)
        self.fields["persona"].queryset = personas_editables(plan).filter(usuario__isnull=True).order_by("nombre")

    def clean(self):
        datos = super().clean()
        if datos.get("persona") and datos.get("crear_persona"):
            self.add_error("crear_persona", _("Ya eligió una persona registrada: no marque también esta casilla."))
        return datos


class PapelForm(_ExigeInstitucion, forms.Form):
    rol = _Rol()
    institucion = forms.ModelChoiceField(queryset=Institucion.objects.none(), required=False)

    def __init__(self, *args, plan, membresia, **kwargs):
        kwargs.setdefault("initial", {"rol": membresia.rol, "institucion": membresia.institucion_id})
        super().__init__(*args, **kwargs)
        self.fields["institucion"] = _institucion_de_responsable(plan)
