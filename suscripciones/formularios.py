from django import forms
from django.utils.translation import gettext_lazy as _


class FormularioCorreo(forms.Form):
    correo = forms.EmailField(
        label=_("Su correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "aria-describedby": "ayuda-correo"}),
        error_messages={
            "required": _("Escriba su dirección de correo."),
            "invalid": _("Escriba una dirección de correo válida, p. ej. nombre@dominio.mx."),
        },
    )
