from django.contrib import admin
from plan.historial_admin import HistorialAdmin

from .models import Invitacion


@admin.register(Invitacion)
class InvitacionAdmin(HistorialAdmin):
    """Solo lectura: las invitaciones se envían y reenvían desde «Personas y cuentas» del plan
    (``/trabajo/<plan>/personas/``); el enlace no se guarda en ningún lado."""

    list_display = ("correo", "plan", "membresia", "creada_por", "creada_en", "expira_en", "aceptada_en", "reemplazada_en")
    list_filter = ("plan",)
    search_fields = ("correo",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
