"""Crear un plan (vacío, a mano, o como primer paso de una importación) y las reglas de su
identificador en la dirección."""

from __future__ import annotations

from django.core.validators import validate_slug
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plan.models import Membresia, Plan

#: Identificadores que no puede tener un plan: ``/trabajo/planes/…`` es la creación de planes
#: (``gestion/urls_planes.py``) y ``nuevo`` se lee como «plan nuevo».
PALABRAS_RESERVADAS = frozenset({"planes", "nuevo", "importar", "plantilla"})
SLUG_TOMADO = _("ya lo usa otro plan; elija otro.")
MOTIVO_A_MANO = _("Plan creado a mano en /trabajo/planes/nuevo/")
#: Con el nombre del archivo.
MOTIVO_IMPORTACION = _("Plan importado de la hoja de cálculo «%(archivo)s»")

#: Los campos de ``Plan`` que se dan al crearlo (a mano o desde el libro).
CAMPOS = (
    "nombre", "nombre_corto", "slug", "entidad", "anio_inicio", "anio_fin", "fecha_meta", "descripcion",
    "stl_nombre", "stl_facilitacion", "stl_correo", "stl_sitio_web", "stl_domicilio", "licencia", "exige_evidencia",
)


def errores_del_slug(slug: str) -> list[str]:
    """Por qué ``slug`` no sirve como identificador de un plan nuevo (vacío si sirve)."""
    if not slug:
        return [str(_("falta el identificador del plan en la dirección, p. ej. «pal-2025-2027»."))]
    errores = []
    largo = Plan._meta.get_field("slug").max_length
    if len(slug) > largo:
        errores.append(str(_("tiene %(n)s caracteres; el máximo es %(max)s.")) % {"n": len(slug), "max": largo})
    try:
        validate_slug(slug)
    except ValidationError:
        errores.append(str(_("use solo letras sin acentos, números, guiones y guiones bajos, p. ej. «pal-2025-2027».")))
    if slug.lower() in PALABRAS_RESERVADAS:
        errores.append(str(_("«%(slug)s» es una palabra reservada del portal; elija otro.")) % {"slug": slug})
    elif Plan.objects.filter(slug__iexact=slug).exists():
        errores.append(str(SLUG_TOMADO))
    return errores


def crear_plan(*, datos: dict, usuario, motivo: str) -> Plan:
    """El plan, sin ejes, y su facilitador(a): quien lo crea (``usuario``). ``datos`` trae los ``CAMPOS``
    (los que falten quedan con su valor por omisión). Lanza ``IntegrityError`` si el
    identificador se tomó mientras tanto (la base lo impide)."""
    with transaction.atomic():
        plan = Plan(**{campo: valor for campo, valor in datos.items() if campo in CAMPOS and valor is not None})
        plan._change_reason = str(motivo)
        plan.save()
        if usuario is not None:  # ``importar_plan`` sin ``--usuario``: sin facilitador(a) todavía
            membresia = Membresia(usuario=usuario, plan=plan, rol=Membresia.Rol.FACILITADOR)
            membresia._change_reason = str(motivo)
            membresia.save()
    return plan
