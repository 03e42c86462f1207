"""Formularios de la estructura del plan: los datos del plan, eje, compromiso (con su ficha
completa y sus enlaces) y acción. Validan lo que ve la persona (números, fechas y vigencia en
orden, texto destacado dentro de la descripción); guardar lo hacen los servicios de
``gestion/estructura.py``.

Cada formulario lleva la versión del elemento oculta (``version``) y, con ``solo_lectura``, se
muestra con sus campos desactivados (lo que ve una integrante del STL).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from plan.licencias import Licencia
from plan.models import Accion, Compromiso, Eje, Institucion, MetaODS, ObjetivoODS, Plan
from seguimiento.formularios import Fecha

from .estructura import CAMPOS_ACCION, CAMPOS_COMPROMISO, CAMPOS_EJE, CAMPOS_PLAN, M2M_COMPROMISO, DatosEnlace


class _ConVersion(forms.ModelForm):
    """Lo común a todos: la versión oculta y el modo de solo lectura. Las restricciones de la
    base las revisa el servicio (con un mensaje en español junto al campo), no ``validate_unique``."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version: str | None = None, solo_lectura: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if version is not None:
            self.initial["version"] = version
        self.solo_lectura = solo_lectura
        if solo_lectura:
            for campo in self.fields.values():
                campo.disabled = True

    def validate_unique(self):
        """Sin la validación de unicidad y restricciones del modelo: la hace el servicio."""

    def _fechas_en_orden(self, inicio: str, fin: str) -> None:
        desde, hasta = self.cleaned_data.get(inicio), self.cleaned_data.get(fin)
        if desde and hasta and desde > hasta:
            self.add_error(fin, _("Debe ser igual o posterior a la fecha de inicio."))

    @property
    def datos(self) -> dict:
        """Lo que recibe el servicio: los campos del modelo, sin la versión."""
        return {c: v for c, v in self.cleaned_data.items() if c != "version"}


class _Estructura(_ConVersion):
    """Un eje, compromiso o acción: además, el número (1 a 9999, lo que admite una dirección).
    Un número repetido lo revisa el servicio, con un mensaje que nombra la clave."""

    numero = forms.IntegerField(label=_l("número"), min_value=1, max_value=9999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numero"].label = self._meta.model._meta.get_field("numero").verbose_name.capitalize()
        self.fields["numero"].help_text = self._meta.model._meta.get_field("numero").help_text


class PlanForm(_ConVersion):
    """Los datos del plan: nombre, vigencia, fecha meta, el STL y la licencia de sus datos
    abiertos. El identificador no está: es la dirección pública del plan y no se cambia."""

    class Meta:
        model = Plan
        fields = CAMPOS_PLAN
        widgets = {
            "fecha_meta": Fecha(),
            "descripcion": forms.Textarea(attrs={"rows": 4}),
            "stl_domicilio": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in ("anio_inicio", "anio_fin"):
            self.fields[campo].widget.attrs.update(min=2000, max=2100)
        self.fields["licencia"].choices = [
            ("", _("Sin fijar: se usa la del portal por omisión (CC BY 4.0)")), *Licencia.choices,
        ]

    def clean(self):
        datos = super().clean()
        inicio, fin = datos.get("anio_inicio"), datos.get("anio_fin")
        if inicio and fin and inicio > fin:
            self.add_error("anio_fin", _("El año de fin no puede ser anterior al de inicio."))
        return datos


class EjeForm(_Estructura):
    class Meta:
        model = Eje
        fields = CAMPOS_EJE


class CompromisoForm(_Estructura):
    """La ficha completa del compromiso. Los representantes titular y suplente no van aquí:
    tienen su propia página (personas)."""

    class Meta:
        model = Compromiso
        fields = (*CAMPOS_COMPROMISO, *M2M_COMPROMISO)
        widgets = {
            "fecha_inicio": Fecha(),
            "fecha_conclusion": Fecha(),
            "objetivos_ods": forms.CheckboxSelectMultiple,
            "metas_ods": forms.CheckboxSelectMultiple,
            "partes_cocreadoras": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objetivos_ods"].queryset = ObjetivoODS.objects.order_by("numero")
        self.fields["metas_ods"].queryset = MetaODS.objects.select_related("objetivo")
        self.fields["institucion_responsable"].queryset = Institucion.objects.order_by("nombre")
        self.fields["partes_cocreadoras"].queryset = Institucion.objects.order_by("nombre")

    def clean(self):
        datos = super().clean()
        self._fechas_en_orden("fecha_inicio", "fecha_conclusion")
        return datos

    @property
    def campos_de_la_ficha(self):
        """Los campos que se muestran uno tras otro (los ODS van agrupados aparte)."""
        return [self[c] for c in self.fields if c not in ("objetivos_ods", "metas_ods", "version")]

    @property
    def ods_agrupados(self) -> list[dict]:
        """Una casilla por ODS y, bajo cada una, las de sus metas: se marcan sin JavaScript."""
        metas: dict[int, list] = {}
        for casilla in self["metas_ods"].subwidgets:
            metas.setdefault(casilla.data["value"].instance.objetivo_id, []).append(casilla)
        return [
            {"objetivo": casilla.data["value"].instance, "casilla": casilla, "metas": metas.get(casilla.data["value"].instance.pk, [])}
            for casilla in self["objetivos_ods"].subwidgets
        ]


class EnlaceForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    url = forms.URLField(label=_l("Dirección (URL)"), max_length=500, assume_scheme="https")
    titulo = forms.CharField(label=_l("Título"), max_length=200, required=False)
    orden = forms.IntegerField(label=_l("Orden"), min_value=0, max_value=32767, initial=0)


class _Enlaces(forms.BaseFormSet):
    def clean(self):
        vistas = set()
        for form in self.forms:
            vacio = not form.has_changed() and not form.initial
            if vacio or self._should_delete_form(form) or not form.is_valid():
                continue
            url = form.cleaned_data.get("url")
            if url in vistas:
                form.add_error("url", _("Este enlace ya está en la lista."))
            vistas.add(url)

    @property
    def datos(self) -> list[DatosEnlace]:
        """Los renglones con algo escrito (o marcados para quitar), para el servicio."""
        datos = []
        for form in self.forms:
            limpio = form.cleaned_data
            if not limpio or (not form.has_changed() and not limpio.get("id")):
                continue
            datos.append(
                DatosEnlace(
                    id=limpio.get("id"), url=limpio.get("url", ""), titulo=limpio.get("titulo", ""),
                    orden=limpio.get("orden") or 0, borrar=bool(limpio.get("DELETE")),
                )
            )
        return datos


EnlacesFormSet = forms.formset_factory(EnlaceForm, formset=_Enlaces, extra=1, can_delete=True, max_num=50)


def formulario_de_enlaces(compromiso: Compromiso | None, data=None, *, solo_lectura: bool = False):
    """Los enlaces del compromiso (y un renglón vacío para uno nuevo)."""
    inicial = [] if compromiso is None else [
        {"id": e.pk, "url": e.url, "titulo": e.titulo, "orden": e.orden} for e in compromiso.enlaces.all()
    ]
    formset = EnlacesFormSet(data, initial=inicial, prefix="enlaces")
    if solo_lectura:
        for form in formset.forms:
            for campo in form.fields.values():
                campo.disabled = True
    for form in formset.forms:
        form.fields["DELETE"].label = _("Quitar este enlace")
    return formset


class AccionForm(_Estructura):
    class Meta:
        model = Accion
        fields = CAMPOS_ACCION
        widgets = {"fecha_inicio": Fecha(), "fecha_fin": Fecha(), "descripcion": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        datos = super().clean()
        self._fechas_en_orden("fecha_inicio", "fecha_fin")
        return datos
