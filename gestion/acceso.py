"""Quién entra a la gestión del plan (``/trabajo/<plan>/estructura/``, ``…/personas/``,
``…/historial/``…) y quién puede crear planes.

Regla, más estricta que la del ciclo bimestral (``seguimiento/permisos.py``) porque la gestión
es solo del STL:

* Sin sesión: a la página de entrada (lo hace ``vista_privada``).
* Facilitación del plan y administración: leen y cambian.
* Integrante del STL: lee (``GET``); pedir un cambio (cualquier otro método) es **403**.
* Cualquier otra cuenta —un responsable del plan incluido— recibe **404**: ni se revela que
  la página existe.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from plan.models import Membresia
from seguimiento.permisos import Acceso, plan_y_acceso

METODOS_DE_LECTURA = frozenset({"GET", "HEAD", "OPTIONS"})


def plan_del_stl(request, slug: str, *, cambia: bool | None = None):
    """``(plan, acceso)`` para una página de gestión; 404 o 403 según la regla del módulo.

    ``cambia`` dice si la petición cambia algo; por omisión, toda petición que no sea de
    lectura (``POST``…) cambia.
    """
    plan, acceso = plan_y_acceso(request, slug)
    if not acceso.ve_todo:
        raise Http404(_("No existe el plan «%(slug)s».") % {"slug": slug})
    if cambia is None:
        cambia = request.method not in METODOS_DE_LECTURA
    if cambia:
        acceso.exigir_gestion()
    return plan, acceso


def puede_crear_planes(usuario) -> bool:
    """Crea planes: la administración, quien tenga el permiso ``plan.add_plan`` y quien
    facilita (con membresía activa) algún plan. Quien crea un plan queda como su facilitador(a)."""
    if not usuario.is_authenticated or not usuario.is_active:
        return False
    if usuario.is_superuser or usuario.has_perm("plan.add_plan"):
        return True
    return Membresia.objects.activas().filter(usuario=usuario, rol=Membresia.Rol.FACILITADOR).exists()


__all__ = ["Acceso", "plan_del_stl", "puede_crear_planes"]
