"""Lecturas de la gestión de personas y cuentas de un plan (consultas fijas, sin escribir)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from plan.models import Compromiso, Institucion, IntegranteSTL, Membresia, Persona

from .models import Invitacion


def _usada_por(plan=None) -> Q:
    """Instituciones que usa ``plan`` (o cualquier plan, sin él): responsables de compromisos,
    cocreadoras, integrantes del STL y de las membresías de responsables."""
    filtro = {"eje__plan": plan} if plan is not None else {}
    stl = {"plan": plan} if plan is not None else {}
    return (
        Q(Exists(Compromiso.objects.filter(institucion_responsable=OuterRef("pk"), **filtro)))
        | Q(Exists(Compromiso.partes_cocreadoras.through.objects.filter(
            institucion=OuterRef("pk"), **{f"compromiso__{k}": v for k, v in filtro.items()})))
        | Q(Exists(IntegranteSTL.objects.filter(institucion=OuterRef("pk"), **stl)))
        | Q(Exists(Membresia.objects.filter(institucion=OuterRef("pk"), **stl)))
    )


def instituciones_editables(plan):
    """Las que el STL de ``plan`` puede ver y corregir: las que usa el plan y las que todavía no
    usa ningún plan (recién registradas). Las de otros planes no son suyas."""
    return Institucion.objects.filter(_usada_por(plan) | ~_usada_por()).annotate(en_el_plan=_usada_por(plan))


def institucion_o_404(plan, pk):
    return get_object_or_404(instituciones_editables(plan), pk=pk)


def personas_editables(plan):
    return Persona.objects.filter(institucion__in=instituciones_editables(plan)).select_related("institucion", "usuario")


def persona_o_404(plan, pk):
    return get_object_or_404(personas_editables(plan), pk=pk)


def compromisos_con_representantes(plan):
    return Compromiso.objects.del_plan(plan).select_related(
        "eje", "institucion_responsable", "representante", "representante_suplente"
    )


def compromiso_o_404(plan, clave: str):
    eje, numero = clave.split(".")
    return get_object_or_404(compromisos_con_representantes(plan), eje__numero=int(eje), numero=int(numero))


def membresias_del_plan(plan):
    """Activas primero; luego por papel y nombre de la cuenta."""
    return (
        Membresia.objects.del_plan(plan)
        .select_related("usuario", "institucion")
        .order_by("-activa", "rol", "institucion__nombre", "usuario__first_name", "usuario__username")
    )


def membresia_o_404(plan, pk):
    return get_object_or_404(Membresia.objects.del_plan(plan).select_related("usuario", "institucion", "plan"), pk=pk)


def invitaciones_del_plan(plan):
    return Invitacion.objects.del_plan(plan).select_related("usuario", "membresia", "creada_por")


def invitacion_o_404(plan, pk):
    return get_object_or_404(invitaciones_del_plan(plan), pk=pk)


def ultima_invitacion_por_membresia(plan) -> dict[int, Invitacion]:
    ultimas: dict[int, Invitacion] = {}
    for invitacion in invitaciones_del_plan(plan).order_by("creada_en", "pk"):
        ultimas[invitacion.membresia_id] = invitacion
    return ultimas
