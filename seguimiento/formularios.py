"""Formularios del ciclo bimestral: captura de un avance, revisión y periodos.

Las reglas del ciclo viven en ``seguimiento/flujo.py``; aquí solo se leen y revisan los datos
de la petición, con errores en español junto a cada campo.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .archivos import PERMITIDOS, tamano_maximo
from .flujo import DatosAvance, errores_de_datos
from .informes import validar_periodos
from .models import Avance, Evidencia, Informe, Periodo


def aplicar_errores(formulario: forms.BaseForm, error: ValidationError) -> None:
    """Pone los errores de un servicio junto a su campo (o arriba del formulario)."""
    if hasattr(error, "error_dict"):
        for campo, errores in error.error_dict.items():
            formulario.add_error(campo if campo in formulario.fields else None, errores)
    else:
        formulario.add_error(None, error)


class Fecha(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AvanceForm(forms.Form):
    porcentaje = forms.DecimalField(
        label=_("Avance acumulado (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("De 0 a 100: lo logrado desde el inicio de la acción, no solo en este periodo."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    etapa = forms.CharField(
        label=_("Etapa"),
        required=False,
        max_length=200,
        help_text=_("Opcional, p. ej. «En etapa de diseño de las encuestas»."),
        widget=forms.TextInput(attrs={"list": "etapas-sugeridas"}),
    )
    narrativa = forms.CharField(
        label=_("Narrativa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Qué se hizo en el periodo y qué falta."),
    )
    justificacion = forms.CharField(
        label=_("Justificación si el avance disminuye"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoria solo si el porcentaje es menor que el último validado."),
    )
    nota_aclaratoria_marcada = forms.BooleanField(
        label=_("La cifra lleva nota aclaratoria (*)"), required=False
    )
    nota_aclaratoria = forms.CharField(
        label=_("Texto de la nota aclaratoria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, anterior: Avance | None = None, **kwargs):
        self.anterior = anterior
        super().__init__(*args, **kwargs)

    @classmethod
    def inicial(cls, avance: Avance | None) -> dict:
        if avance is None:
            return {"version": 0}
        datos = {campo: getattr(avance, campo) for campo in DatosAvance.CAMPOS}
        datos["version"] = avance.version
        return datos

    def clean(self):
        datos = super().clean()
        if self.errors:
            return datos
        avance = self.datos_avance()
        for campo, mensaje in errores_de_datos(avance, self.anterior).items():
            self.add_error(campo, mensaje)
        datos["nota_aclaratoria_marcada"] = avance.nota_aclaratoria_marcada
        return datos

    def datos_avance(self) -> DatosAvance:
        d = self.cleaned_data
        return DatosAvance(
            porcentaje=d["porcentaje"],
            etapa=d.get("etapa", "").strip(),
            narrativa=d.get("narrativa", "").strip(),
            nota_aclaratoria_marcada=d.get("nota_aclaratoria_marcada", False),
            nota_aclaratoria=d.get("nota_aclaratoria", "").strip(),
            justificacion=d.get("justificacion", "").strip(),
        )


class NuevaEvidenciaForm(forms.ModelForm):
    """Una evidencia nueva: un enlace o un archivo, con su descripción."""

    class Meta:
        model = Evidencia
        fields = ["descripcion", "url", "archivo"]
        labels = {"descripcion": _("Descripción"), "url": _("Enlace"), "archivo": _("o archivo")}
        help_texts = {
            "descripcion": _("Opcional: qué es, p. ej. «Lista de asistencia»."),
            "url": _("Dirección pública, p. ej. https://…"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        archivo = self.fields["archivo"]
        archivo.help_text = _("%(permitidos)s Máximo %(mb)s MB.") % {
            "permitidos": PERMITIDOS,
            "mb": tamano_maximo() // (1024 * 1024),
        }
        # El nombre (hasta 255 caracteres) y el archivo vacío los revisa ``validar_evidencia``, con
        # un mensaje que nombra el archivo; no el campo de Django, que dice «máximo 100 caracteres»
        # (el largo del nombre *guardado*, que es generado) o «El archivo enviado está vacío.».
        archivo.max_length = None
        archivo.allow_empty_file = True

    def clean(self):
        datos = super().clean()
        url, archivo = datos.get("url"), datos.get("archivo")
        if url and archivo:
            raise ValidationError(
                _("Escriba un enlace o adjunte un archivo, no ambos en la misma evidencia.")
            )
        if not url and not archivo and not self.errors:
            raise ValidationError(_("Falta el enlace o el archivo de esta evidencia."))
        return datos

    def validate_constraints(self, exclude=None):
        # La restricción «enlace o archivo» ya se revisa en clean() con un mensaje claro.
        return


class EvidenciasNuevasBase(forms.BaseModelFormSet):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Evidencia.objects.none())
        kwargs.setdefault("prefix", "evidencias")
        super().__init__(*args, **kwargs)

    def nuevas(self) -> list[Evidencia]:
        """Evidencias con datos, sin guardar (el servicio las guarda con su avance)."""
        return [f.save(commit=False) for f in self.forms if f.has_changed() and f.is_valid()]


EvidenciasNuevas = forms.modelformset_factory(
    Evidencia, form=NuevaEvidenciaForm, formset=EvidenciasNuevasBase, extra=2, max_num=10
)


class QuitarEvidenciasForm(forms.Form):
    quitar = forms.ModelMultipleChoiceField(
        label=_("Quitar evidencias"),
        queryset=Evidencia.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, avance: Avance | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if avance is not None and avance.pk:
            self.fields["quitar"].queryset = avance.evidencias.vigentes()


class RevisionForm(forms.Form):
    observaciones = forms.CharField(
        label=_("Observaciones para el responsable"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatorias para devolver: qué debe corregirse."),
    )
    motivo_retiro = forms.CharField(
        label=_("Motivo público del retiro"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Solo si el avance ya está publicado: al devolverlo sale del portal y de las cifras, y "
            "este motivo se publica en la historia de la acción. Escríbalo para la ciudadanía."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PeriodoForm(forms.Form):
    nombre = forms.CharField(
        label=_("Nombre"), max_length=100, help_text=_("p. ej. «Diciembre 2023–enero 2024»")
    )
    inicio = forms.DateField(label=_("Inicio"), widget=Fecha())
    fin = forms.DateField(label=_("Fin"), widget=Fecha())
    fecha_limite = forms.DateField(label=_("Fecha límite de entrega"), widget=Fecha())


class ProrrogaForm(forms.Form):
    fecha_limite = forms.DateField(label=_("Nueva fecha límite"), widget=Fecha())
    motivo = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Queda en el historial del periodo, p. ej. el acuerdo de la sesión del STL."),
    )


class InformeForm(forms.ModelForm):
    """Datos de un informe en borrador: número, título, periodos que cubre y sesión del STL."""

    class Meta:
        model = Informe
        fields = ["numero", "titulo", "periodo_inicial", "periodo_final", "sesion", "fecha_sesion", "hora_sesion"]
        widgets = {"fecha_sesion": Fecha(), "hora_sesion": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "periodo_inicial": _("Primer periodo que cubre el informe."),
            "periodo_final": _(
                "Último periodo que cubre: las cifras son las de los avances validados hasta este periodo."
            ),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        periodos = Periodo.objects.filter(plan=plan).order_by("inicio")
        for campo in ("periodo_inicial", "periodo_final"):
            self.fields[campo].queryset = periodos
            self.fields[campo].empty_label = _("Elija un periodo")
        self.fields["numero"].min_value = 1
        self.fields["numero"].widget.attrs["min"] = 1

    def clean(self):
        datos = super().clean()
        inicial, final, numero = datos.get("periodo_inicial"), datos.get("periodo_final"), datos.get("numero")
        if inicial and final:
            try:
                validar_periodos(self.plan, inicial, final)
            except ValidationError as error:
                aplicar_errores(self, error)
        if numero:
            otros = Informe.objects.filter(plan=self.plan, numero=numero)
            if self.instance.pk:
                otros = otros.exclude(pk=self.instance.pk)
            if otros.exists():
                self.add_error(
                    "numero",
                    _("Ya existe el informe número %(numero)s en este plan; para cambiarlo, corríjalo desde su página.")
                    % {"numero": numero},
                )
        return datos

    def validate_unique(self):
        """La unicidad (plan, número, versión) ya la revisa ``clean`` con un mensaje claro."""


class CorreccionForm(forms.Form):
    motivo_correccion = forms.CharField(
        label=_("Motivo de la corrección"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Qué cambia respecto de la versión publicada y por qué. Se publica con la nueva versión."),
    )


class EvidenciaDeCompromisoForm(NuevaEvidenciaForm):
    """Una evidencia de todo el compromiso en el periodo: un enlace o un archivo."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "evidencia")
        super().__init__(*args, **kwargs)


class RevisionEvidenciaForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[("validar", _("Validar")), ("devolver", _("Devolver con observaciones"))],
    )
    observaciones = forms.CharField(
        label=_("Observaciones para el responsable"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatorias para devolver: qué debe corregirse."),
    )
