"""La ficha de un compromiso como la lee la ciudadanía: lo que el plan publicó y lo que no.

Sin consultas propias: trabaja con el compromiso y sus relaciones ya precargadas
(``objetivos_ods``, ``metas_ods__objetivo``, ``partes_cocreadoras``, ``enlaces``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Compromiso, MetaODS, ObjetivoODS

#: Una línea de la ficha que solo enumera objetivos o metas («Objetivo: 5,16», «Metas: 16.5,
#: 16.6, 16.7, 16.10.», «Meta: 2.1, 3.7, 5b»): eso ya lo dice la lista de ODS y metas.
_ENUMERACION = re.compile(
    r"^\s*(?:objetivos?|metas?)\s*:?\s*(?:\d+[a-z]?(?:[.,]+(?:\d+|[a-z]))?[.,]?\s*)+$", re.IGNORECASE
)


@dataclass
class Alineacion:
    objetivo: ObjetivoODS
    metas: list[MetaODS] = field(default_factory=list)


@dataclass
class Ficha:
    #: Cada ODS con sus metas, en orden (ODS 5 antes que 16; 16.5 antes que 16.10).
    alineacion: list[Alineacion]
    #: El texto de alineación de la ficha sin las líneas que solo enumeran ODS y metas.
    alineacion_texto: str
    #: Lo que el plan no publicó de este compromiso, en el orden de la ficha.
    sin_publicar: list[str]

    @property
    def sin_publicar_texto(self) -> str:
        """«problema, plazos y enlaces»."""
        if len(self.sin_publicar) < 2:
            return "".join(self.sin_publicar)
        return _("%(lista)s y %(ultimo)s") % {"lista": ", ".join(self.sin_publicar[:-1]), "ultimo": self.sin_publicar[-1]}

    @property
    def sin_plazos(self) -> bool:
        return _("plazos") in self.sin_publicar


def alineacion(compromiso: Compromiso) -> list[Alineacion]:
    """Los ODS del compromiso, cada uno con sus metas; una meta cuyo ODS no se registró aparte
    trae el suyo. Las metas llegan en el orden natural de ``MetaODS``."""
    grupos = {objetivo.pk: Alineacion(objetivo) for objetivo in compromiso.objetivos_ods.all()}
    for meta in compromiso.metas_ods.all():
        grupos.setdefault(meta.objetivo_id, Alineacion(meta.objetivo)).metas.append(meta)
    return sorted(grupos.values(), key=lambda grupo: grupo.objetivo.numero)


def texto_de_alineacion(texto: str) -> str:
    return "\n".join(linea for linea in texto.splitlines() if not _ENUMERACION.match(linea)).strip()


def ficha(compromiso: Compromiso) -> Ficha:
    grupos = alineacion(compromiso)
    texto = texto_de_alineacion(compromiso.alineacion_agenda_2030)
    campos = [
        (_("descripción y relevancia"), compromiso.descripcion),
        (_("problema"), compromiso.problema),
        (_("objetivo principal"), compromiso.objetivo_principal),
        (_("propósito ciudadano (metas verificables)"), compromiso.metas_verificables),
        (_("plazos"), compromiso.fecha_inicio or compromiso.fecha_conclusion),
        (_("medios de verificación"), compromiso.medios_verificacion),
        (_("alineación con la Agenda 2030"), grupos or texto),
        (_("representante titular"), compromiso.representante_id),
        (_("partes cocreadoras"), compromiso.partes_cocreadoras.all()),
        (_("enlaces"), compromiso.enlaces.all()),
    ]
    return Ficha(
        alineacion=grupos,
        alineacion_texto=texto,
        sin_publicar=[nombre for nombre, valor in campos if not valor],
    )
