"""Oficina del STL: la estructura del plan en el admin de Django, con historial.

Lo que depende del seguimiento (el avance calculado de un plan, los estatus de un compromiso)
lo añade ``seguimiento/admin.py`` a estas clases: ``plan`` no depende de nada encima de él.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .historial_admin import HistorialAdmin
from .models import (
    Accion,
    ClaveAnterior,
    Compromiso,
    Eje,
    EnlaceCompromiso,
    Institucion,
    IntegranteSTL,
    Membresia,
    MetaODS,
    ObjetivoODS,
    Persona,
    Plan,
)


@admin.register(Institucion)
class InstitucionAdmin(HistorialAdmin):
    list_display = ["nombre", "siglas", "tipo"]
    list_filter = ["tipo"]
    search_fields = ["nombre", "siglas"]


@admin.register(Persona)
class PersonaAdmin(HistorialAdmin):
    list_display = ["__str__", "cargo", "institucion", "usuario"]
    list_select_related = ["institucion", "usuario"]
    list_filter = ["institucion"]
    search_fields = ["nombre", "cargo", "institucion__nombre", "institucion__siglas"]
    autocomplete_fields = ["institucion"]
    raw_id_fields = ["usuario"]


class MetaODSInline(admin.TabularInline):
    model = MetaODS
    extra = 0


@admin.register(ObjetivoODS)
class ObjetivoODSAdmin(HistorialAdmin):
    list_display = ["numero", "nombre"]
    inlines = [MetaODSInline]


@admin.register(MetaODS)
class MetaODSAdmin(HistorialAdmin):
    list_display = ["clave", "objetivo", "descripcion"]
    list_select_related = ["objetivo"]
    list_filter = ["objetivo"]
    search_fields = ["clave", "descripcion"]


class EjeInline(admin.TabularInline):
    model = Eje
    fields = ["numero", "nombre", "peso"]
    extra = 0
    show_change_link = True


class IntegranteSTLInline(admin.TabularInline):
    model = IntegranteSTL
    fields = ["orden", "institucion", "titular", "suplente"]
    extra = 0
    autocomplete_fields = ["institucion", "titular", "suplente"]


@admin.register(Plan)
class PlanAdmin(HistorialAdmin):
    list_display = ["__str__", "slug", "entidad", "vigencia", "fecha_meta"]
    search_fields = ["nombre", "nombre_corto", "slug"]
    prepopulated_fields = {"slug": ["nombre_corto"]}
    fieldsets = [
        (None, {"fields": ["nombre", "nombre_corto", "slug", "entidad", "descripcion"]}),
        (_("Vigencia"), {"fields": ["anio_inicio", "anio_fin", "fecha_meta"]}),
        (_("Revisión de avances"), {"fields": ["exige_evidencia"]}),
        (
            _("Secretariado Técnico Local"),
            {"fields": ["stl_nombre", "stl_facilitacion", "stl_correo", "stl_sitio_web", "stl_domicilio"]},
        ),
        (_("Datos abiertos"), {"fields": ["licencia"]}),
    ]
    inlines = [EjeInline, IntegranteSTLInline]


@admin.register(IntegranteSTL)
class IntegranteSTLAdmin(HistorialAdmin):
    list_display = ["institucion", "titular", "suplente", "plan", "orden"]
    list_select_related = ["institucion", "titular", "suplente", "plan"]
    list_filter = ["plan"]
    search_fields = ["institucion__nombre", "titular__nombre", "suplente__nombre"]
    autocomplete_fields = ["institucion", "titular", "suplente"]


class CompromisoInline(admin.TabularInline):
    model = Compromiso
    fields = ["numero", "nombre", "institucion_responsable", "peso"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["institucion_responsable"]


@admin.register(Eje)
class EjeAdmin(HistorialAdmin):
    list_display = ["__str__", "plan", "peso"]
    list_select_related = ["plan"]
    list_filter = ["plan"]
    search_fields = ["nombre"]
    inlines = [CompromisoInline]


class AccionInline(admin.StackedInline):
    model = Accion
    fields = [("numero", "peso"), "descripcion", "destacado", "entregable", ("fecha_inicio", "fecha_fin")]
    extra = 0
    show_change_link = True


class EnlaceInline(admin.TabularInline):
    model = EnlaceCompromiso
    fields = ["url", "titulo", "orden"]
    extra = 0


@admin.register(Compromiso)
class CompromisoAdmin(HistorialAdmin):
    list_display = ["clave_display", "nombre", "institucion_responsable", "representante", "peso"]
    list_select_related = ["eje__plan", "institucion_responsable", "representante"]
    list_filter = ["eje__plan", "eje", "institucion_responsable"]
    search_fields = ["nombre", "descripcion", "problema", "objetivo_principal"]
    autocomplete_fields = ["institucion_responsable", "representante", "representante_suplente", "partes_cocreadoras"]
    filter_horizontal = ["objetivos_ods", "metas_ods"]
    fieldsets = [
        (None, {"fields": ["eje", "numero", "nombre", "peso"]}),
        (
            _("Ficha del compromiso"),
            {
                "fields": [
                    "descripcion",
                    "problema",
                    "objetivo_principal",
                    "metas_verificables",
                    "medios_verificacion",
                    ("fecha_inicio", "fecha_conclusion"),
                ]
            },
        ),
        (
            _("Responsables"),
            {"fields": ["institucion_responsable", "representante", "representante_suplente", "partes_cocreadoras"]},
        ),
        (
            _("Alineación con la Agenda 2030"),
            {"fields": ["objetivos_ods", "metas_ods", "alineacion_agenda_2030"]},
        ),
        (_("Retiro"), {"fields": ["retiro", "retiro_motivo", "retiro_fecha", "retiro_destino"]}),
    ]
    inlines = [AccionInline, EnlaceInline]

    @admin.display(description=_("número"), ordering="eje__numero")
    def clave_display(self, compromiso):
        return compromiso.clave


@admin.register(Accion)
class AccionAdmin(HistorialAdmin):
    list_display = ["clave_display", "descripcion_corta", "compromiso", "peso", "retiro"]
    list_select_related = ["compromiso__eje__plan"]
    list_filter = ["compromiso__eje__plan", "compromiso__institucion_responsable", "retiro"]
    search_fields = ["descripcion", "entregable"]
    autocomplete_fields = ["compromiso", "retiro_destino"]

    @admin.display(description=_("número"), ordering="compromiso__eje__numero")
    def clave_display(self, accion):
        return accion.clave

    @admin.display(description=_("descripción"))
    def descripcion_corta(self, accion):
        texto = " ".join(accion.descripcion.split())
        return texto if len(texto) <= 90 else texto[:89] + "…"


@admin.register(Membresia)
class MembresiaAdmin(HistorialAdmin):
    list_display = ["usuario", "plan", "rol", "institucion", "activa"]
    list_select_related = ["usuario", "plan", "institucion"]
    list_filter = ["plan", "rol", "activa", "institucion"]
    search_fields = ["usuario__username", "usuario__first_name", "usuario__last_name", "usuario__email"]
    autocomplete_fields = ["institucion"]
    raw_id_fields = ["usuario"]


@admin.register(ClaveAnterior)
class ClaveAnteriorAdmin(HistorialAdmin):
    """Las direcciones viejas que redirigen; las escribe la renumeración del editor del plan."""

    list_display = ["clave", "nivel", "clave_nueva", "plan", "cambiada_en", "cambiada_por"]
    list_select_related = ["plan", "cambiada_por"]
    list_filter = ["plan", "nivel"]
    search_fields = ["clave", "clave_nueva"]
    readonly_fields = ["plan", "nivel", "clave", "clave_nueva", "eje", "compromiso", "accion", "cambiada_en", "cambiada_por"]

    def has_add_permission(self, request):
        return False


class MembresiaInline(admin.TabularInline):
    """Papeles de la cuenta en cada plan (facilitación, integrante del STL o responsable)."""

    model = Membresia
    fields = ["plan", "rol", "institucion", "activa"]
    autocomplete_fields = ["institucion"]
    extra = 0


Usuario = get_user_model()
admin.site.unregister(Usuario)


@admin.register(Usuario)
class UsuarioAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembresiaInline]
