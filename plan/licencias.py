"""Licencias con que un STL puede publicar los datos abiertos de su plan.

El STL elige una por plan en el admin (``Plan.licencia``). Mientras no elija, el portal usa
``POR_OMISION`` y lo dice en la página de datos y en cada archivo: es una decisión del portal
(la licencia más usada para datos abiertos de gobierno, que solo pide citar la fuente), no algo
que haya publicado el STL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licencia(models.TextChoices):
    CC_BY_4 = "cc-by-4.0", _("Creative Commons Atribución 4.0 Internacional (CC BY 4.0)")
    CC_BY_SA_4 = "cc-by-sa-4.0", _("Creative Commons Atribución-CompartirIgual 4.0 Internacional (CC BY-SA 4.0)")
    CC0_1 = "cc0-1.0", _("Creative Commons CC0 1.0 Universal (dominio público)")


#: Dirección del texto legal (en español) de cada licencia.
URLS = {
    Licencia.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/deed.es",
    Licencia.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/deed.es",
    Licencia.CC0_1: "https://creativecommons.org/publicdomain/zero/1.0/deed.es",
}

POR_OMISION = Licencia.CC_BY_4


@dataclass(frozen=True)
class LicenciaDelPlan:
    """La licencia que rige los datos de un plan y si la fijó el STL o es la del portal."""

    clave: str
    nombre: str
    url: str
    fijada_por_el_stl: bool

    def como_json(self) -> dict:
        return {
            "clave": self.clave,
            "nombre": self.nombre,
            "url": self.url,
            "fijada_por_el_stl": self.fijada_por_el_stl,
        }


def licencia_del_plan(plan) -> LicenciaDelPlan:
    clave = Licencia(plan.licencia) if plan.licencia else POR_OMISION
    return LicenciaDelPlan(
        clave=clave.value, nombre=str(clave.label), url=URLS[clave], fijada_por_el_stl=bool(plan.licencia)
    )
