from django.contrib import admin

from .models import Tarea


@admin.register(Tarea)
class TareaAdmin(admin.ModelAdmin):
    """Solo lectura: una tarea se pide desde el trabajo del STL y se reintenta allí."""

    list_display = ("descripcion", "plan", "estado", "progreso", "intentos", "creada", "terminada")
    list_filter = ("estado", "tipo", "plan")
    search_fields = ("descripcion", "tipo")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
