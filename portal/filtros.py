"""Filtrar los compromisos públicos por estado e institución responsable.

Lo usan la página de cada plan (``views.py``) y la búsqueda (``consulta.py``): el mismo
formulario (un GET sin JavaScript), la misma regla y las mismas filas para las tarjetas de
``consulta/_fila_compromiso.html``. Los estados son los de ``seguimiento.semaforo.Estado``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seguimiento.semaforo import Estado

from plan.models import Compromiso

#: Parámetros de la dirección que leen los filtros (y que distinguen la página en la caché).
PARAMETROS = ("estado", "institucion")


def responsables(planes) -> dict[int, object]:
    """``{compromiso_id: Institucion responsable}`` de los compromisos de ``planes`` (1 consulta)."""
    return {
        compromiso.pk: compromiso.institucion_responsable
        for compromiso in Compromiso.objects.filter(eje__plan__in=list(planes))
        .select_related("institucion_responsable")
        .only("id", "institucion_responsable")
    }


def instituciones_de(responsables_por_compromiso) -> list:
    """Las instituciones responsables de algún compromiso, por nombre (sin consultas)."""
    unicas = {institucion.pk: institucion for institucion in responsables_por_compromiso.values()}
    return sorted(unicas.values(), key=lambda institucion: institucion.nombre)


def filas_de_compromisos(estados, responsables_por_compromiso=None):
    """Cada compromiso público con su plan, eje, resultado, semáforo e institución, en orden."""
    responsables_por_compromiso = responsables_por_compromiso or {}
    for estado in estados.values():
        for eje in estado.resultado.ejes:
            for compromiso in eje.compromisos:
                yield {
                    "plan": estado.plan,
                    "eje": eje,
                    "resultado": compromiso,
                    "semaforo": estado.semaforo(compromiso),
                    "institucion": responsables_por_compromiso.get(compromiso.id),
                }


class FiltrosDeCompromisos(forms.Form):
    institucion = forms.ChoiceField(label=gettext_lazy("Institución responsable"), required=False)
    estado = forms.ChoiceField(label=gettext_lazy("Estado"), required=False)

    def __init__(self, *args, instituciones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institucion"].choices = [("", _("Todas"))] + [(str(i.pk), i.nombre) for i in instituciones]
        self.fields["estado"].choices = [("", _("Todos"))] + list(Estado.choices)
        invalido = gettext_lazy("«%(value)s» no es una opción válida.")
        for campo in self.fields.values():
            if isinstance(campo, forms.ChoiceField):
                campo.error_messages["invalid_choice"] = invalido

    @property
    def hay_criterios(self) -> bool:
        return any(self.cleaned_data.get(campo) for campo in self.fields)

    def admite(self, fila) -> bool:
        """¿La fila (de ``filas_de_compromisos``) cumple el estado y la institución elegidos?"""
        criterios = self.cleaned_data
        if criterios["estado"] and fila["semaforo"].estado != criterios["estado"]:
            return False
        institucion = fila["institucion"]
        return not criterios["institucion"] or (institucion is not None and str(institucion.pk) == criterios["institucion"])
