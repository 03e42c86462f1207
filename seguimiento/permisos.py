"""Quién puede ver y cambiar qué en el trabajo del STL (permisos por objeto).

Regla de respuesta, igual en todas las vistas de ``/trabajo/``:

* Sin sesión: a la página de entrada (302).
* **404** a quien no tiene relación con el objeto: una cuenta sin papel en el plan, o un
  responsable ante una acción, avance o evidencia de otra institución. No se revela ni que
  existe.
* **403** a quien puede ver el objeto pero no hacer lo que pide: un integrante del STL (solo
  lectura) que intenta cambiar algo, o un responsable que intenta revisar, gestionar
  periodos o ver el tablero del STL.

Los papeles salen de ``plan.Membresia`` (solo las activas: una dada de baja no da acceso); un superusuario es administrador de todos los planes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from plan.models import Accion, Membresia, Plan


def vista_privada(vista):
    """Vista con sesión (sin ella, a la página de entrada) y sin caché compartida
    (``Cache-Control: private, no-store``). Toda vista de ``/trabajo/`` la lleva."""
    return login_required(never_cache(vista))


@dataclass(frozen=True)
class Acceso:
    """Lo que una cuenta puede hacer en un plan."""

    plan: Plan
    usuario: object
    administra: bool = False
    facilitador: bool = False
    integrante: bool = False
    #: Ids de las instituciones de las que la cuenta es responsable en este plan.
    instituciones: frozenset[int] = frozenset()

    @property
    def gestiona(self) -> bool:
        """Facilitador(a) o administración: gestiona periodos, revisa y publica."""
        return self.administra or self.facilitador

    @property
    def ve_todo(self) -> bool:
        """Ve todas las acciones del plan, incluidos borradores (el STL)."""
        return self.gestiona or self.integrante

    @property
    def es_responsable(self) -> bool:
        return bool(self.instituciones)

    @property
    def solo_lectura(self) -> bool:
        return not self.gestiona and not self.es_responsable

    def ve_institucion(self, institucion_id: int) -> bool:
        return self.ve_todo or institucion_id in self.instituciones

    def captura_institucion(self, institucion_id: int) -> bool:
        return self.gestiona or institucion_id in self.instituciones

    def acciones(self):
        """Acciones del plan que esta cuenta puede ver."""
        acciones = Accion.objects.del_plan(self.plan)
        if not self.ve_todo:
            acciones = acciones.filter(compromiso__institucion_responsable_id__in=self.instituciones)
        return acciones

    # --- Exigencias: lanzan 404 o 403 según la regla del módulo ---------------------------

    def exigir_ver_institucion(self, institucion_id: int) -> None:
        if not self.ve_institucion(institucion_id):
            raise Http404(_("No existe esa acción en sus instituciones."))

    def exigir_captura(self, institucion_id: int) -> None:
        self.exigir_ver_institucion(institucion_id)
        if not self.captura_institucion(institucion_id):
            raise PermissionDenied(_("Su cuenta es de solo lectura: no puede cambiar avances."))

    def exigir_tablero(self) -> None:
        if not self.ve_todo:
            raise PermissionDenied(_("Esta página es del Secretariado Técnico Local."))

    def exigir_gestion(self) -> None:
        if not self.gestiona:
            raise PermissionDenied(
                _("Solo la persona facilitadora del STL puede hacer esto.")
            )


def acceso_al_plan(usuario, plan: Plan) -> Acceso | None:
    """El ``Acceso`` de la cuenta al plan, o ``None`` si no tiene papel en él (una consulta)."""
    if not usuario.is_authenticated or not usuario.is_active:
        return None
    if usuario.is_superuser:
        return Acceso(plan=plan, usuario=usuario, administra=True)
    roles = list(
        Membresia.objects.activas().filter(usuario=usuario, plan=plan).values_list("rol", "institucion_id")
    )
    if not roles:
        return None
    return Acceso(
        plan=plan,
        usuario=usuario,
        facilitador=any(rol == Membresia.Rol.FACILITADOR for rol, _i in roles),
        integrante=any(rol == Membresia.Rol.INTEGRANTE for rol, _i in roles),
        instituciones=frozenset(i for rol, i in roles if rol == Membresia.Rol.RESPONSABLE),
    )


def plan_y_acceso(request, slug: str) -> tuple[Plan, Acceso]:
    """El plan de la dirección y el acceso de quien pide; 404 si no existe o no es suyo."""
    try:
        plan = Plan.objects.get(slug=slug)
    except Plan.DoesNotExist:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug}) from None
    acceso = acceso_al_plan(request.user, plan)
    if acceso is None:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug})
    return plan, acceso


def planes_de(usuario):
    """Planes en los que la cuenta tiene algún papel (todos, para la administración)."""
    if usuario.is_superuser:
        return Plan.objects.vigentes_primero()
    return Plan.objects.filter(membresias__usuario=usuario, membresias__activa=True).distinct().vigentes_primero()
