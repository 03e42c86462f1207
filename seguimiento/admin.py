"""Oficina del STL: periodos, avances con evidencias e informes, con historial."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from plan.admin import CompromisoAdmin, PlanAdmin
from plan.historial_admin import HistorialAdmin
from plan.models import Compromiso, Institucion, Plan

from .models import Avance, CifraPublicada, EstatusCompromiso, Evidencia, Informe, Periodo, Recordatorio
from .rollup import calcular_avance, redondear


class EstatusInline(admin.StackedInline):
    """Estatus narrativos publicados sin porcentaje (planes históricos)."""

    model = EstatusCompromiso
    fields = [("fecha", "con_desfase"), "fuente", "texto"]
    extra = 0


class EvidenciaDelCompromisoInline(admin.TabularInline):
    """Evidencias de todo el compromiso, por periodo (las que el informe presenta en su columna
    «Evidencias»). Se revisan en el trabajo del STL; las de un periodo publicado no se borran."""

    model = Evidencia
    fk_name = "compromiso"
    fields = ["periodo", "descripcion", "url", "archivo", "estado", "observaciones", "retirada_en"]
    readonly_fields = ["retirada_en"]
    extra = 0
    verbose_name = _("evidencia del compromiso")
    verbose_name_plural = _("evidencias del compromiso (por periodo)")

    def has_delete_permission(self, request, obj=None):
        # ``obj`` es el compromiso: si alguna de sus evidencias es de un periodo publicado, no se
        # borra desde aquí (se retira desde el trabajo del STL, que la conserva).
        publicada = obj is not None and obj.evidencias.filter(periodo__estado=Periodo.Estado.PUBLICADO).exists()
        return not publicada and super().has_delete_permission(request, obj)


admin.site.unregister(Compromiso)


@admin.register(Compromiso)
class CompromisoConEstatusAdmin(CompromisoAdmin):
    """El compromiso del admin de ``plan`` con sus estatus publicados y sus evidencias."""

    inlines = [*CompromisoAdmin.inlines, EstatusInline, EvidenciaDelCompromisoInline]


admin.site.unregister(Plan)


@admin.register(Plan)
class PlanConAvanceAdmin(PlanAdmin):
    """El plan del admin de ``plan`` con el avance calculado con lo publicado (diagnóstico)."""

    readonly_fields = ["diagnostico_avance"]
    fieldsets = [*PlanAdmin.fieldsets, (_("Cálculo del avance"), {"fields": ["diagnostico_avance"]})]

    @admin.display(description=_("avance calculado con lo publicado"))
    def diagnostico_avance(self, plan):
        if plan.pk is None:
            return "—"
        resultado = calcular_avance(plan)
        if resultado.avance is None and not resultado.errores:
            return _("Sin reporte: ningún avance publicado todavía (%(cobertura)s).") % {
                "cobertura": resultado.cobertura
            }
        resumen = format_html(
            "{} % · {}",
            redondear(resultado.avance) if resultado.avance is not None else "—",
            resultado.cobertura,
        )
        if not resultado.errores:
            return resumen
        return format_html(
            '{}<ul class="errorlist">{}</ul>',
            resumen,
            format_html_join("", "<li>{}</li>", ((str(error),) for error in resultado.errores)),
        )


@admin.register(Periodo)
class PeriodoAdmin(HistorialAdmin):
    list_display = ["nombre", "plan", "inicio", "fin", "fecha_limite", "fecha_publicacion", "estado"]
    list_select_related = ["plan"]
    list_filter = ["plan", "estado"]
    search_fields = ["nombre"]
    prepopulated_fields = {"slug": ["nombre"]}
    date_hierarchy = "inicio"


class EvidenciaInline(admin.TabularInline):
    """Evidencias del avance. Las de un periodo publicado no se borran: lo que pudo publicarse se
    conserva (se retira desde la captura, que la marca ``retirada_en``)."""

    model = Evidencia
    fields = ["descripcion", "url", "archivo", "retirada_en"]
    readonly_fields = ["retirada_en"]
    extra = 0

    def _de_periodo_publicado(self, avance) -> bool:
        return avance is not None and avance.pk is not None and avance.periodo.estado == Periodo.Estado.PUBLICADO

    def has_delete_permission(self, request, obj=None):
        return not self._de_periodo_publicado(obj) and super().has_delete_permission(request, obj)


@admin.register(Evidencia)
class EvidenciaAdmin(HistorialAdmin):
    """Todas las evidencias, de avances y de compromisos, con su historial (solo lectura: se
    agregan y revisan en el trabajo bimestral o en su avance o compromiso)."""

    list_display = ["__str__", "dueno", "periodo_de_la_evidencia", "tipo", "estado", "retirada_en"]
    list_select_related = ["avance__accion__compromiso__eje", "avance__periodo", "compromiso__eje", "periodo"]
    list_filter = ["estado", "periodo"]
    search_fields = ["descripcion", "url", "nombre_original"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("de"))
    def dueno(self, evidencia):
        if evidencia.avance_id is None:
            return _("Compromiso %(clave)s") % {"clave": evidencia.compromiso.clave}
        return _("Acción %(clave)s") % {"clave": evidencia.avance.accion.clave}

    @admin.display(description=_("periodo"))
    def periodo_de_la_evidencia(self, evidencia):
        return evidencia.periodo if evidencia.avance_id is None else evidencia.avance.periodo


class InstitucionFiltro(admin.SimpleListFilter):
    title = _("institución responsable")
    parameter_name = "institucion"

    def lookups(self, request, model_admin):
        return [(str(i.pk), i.nombre_corto) for i in Institucion.objects.filter(compromisos__isnull=False).distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(accion__compromiso__institucion_responsable_id=self.value())
        return queryset


@admin.register(Avance)
class AvanceAdmin(HistorialAdmin):
    list_display = [
        "accion_clave",
        "periodo",
        "porcentaje",
        "etapa",
        "nota_aclaratoria_marcada",
        "estado",
        "validado_por",
    ]
    list_select_related = ["accion__compromiso__eje__plan", "periodo", "validado_por"]
    list_filter = ["periodo__plan", "periodo", "estado", InstitucionFiltro]
    search_fields = ["accion__descripcion", "narrativa", "etapa"]
    autocomplete_fields = ["accion"]
    readonly_fields = [
        "capturado_por",
        "enviado_por",
        "enviado_en",
        "devuelto_por",
        "devuelto_en",
        "validado_por",
        "validado_en",
        "version",
        "creado",
        "actualizado",
    ]
    fieldsets = [
        (None, {"fields": ["accion", "periodo", "estado", "observaciones"]}),
        (_("Avance"), {"fields": ["porcentaje", "etapa", "narrativa", "justificacion"]}),
        (_("Nota aclaratoria"), {"fields": ["nota_aclaratoria_marcada", "nota_aclaratoria"]}),
        (
            _("Registro"),
            {
                "fields": [
                    "capturado_por",
                    ("enviado_por", "enviado_en"),
                    ("devuelto_por", "devuelto_en"),
                    ("validado_por", "validado_en"),
                    "version",
                    "creado",
                    "actualizado",
                ]
            },
        ),
    ]
    inlines = [EvidenciaInline]

    @admin.display(description=_("acción"), ordering="accion__compromiso__eje__numero")
    def accion_clave(self, avance):
        return avance.accion.clave

    def save_model(self, request, obj, form, change):
        if not change and obj.capturado_por_id is None:
            obj.capturado_por = request.user
        if "estado" in form.changed_data:
            validado = obj.estado == Avance.Estado.VALIDADO
            obj.validado_por = request.user if validado else None
            obj.validado_en = timezone.now() if validado else None
        if change:
            # Quien tenga el avance abierto en el portal recibirá un conflicto, no lo sobrescribirá.
            obj.version += 1
        super().save_model(request, obj, form, change)


class CifraPublicadaInline(admin.TabularInline):
    """Cifras tal como las imprimió el informe. Las de un informe publicado no se tocan."""

    model = CifraPublicada
    fields = ["nivel", "eje", "compromiso", "porcentaje", "evidencias"]
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.estado == Informe.Estado.BORRADOR

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Informe)
class InformeAdmin(HistorialAdmin):
    """Un informe publicado es de solo lectura (se corrige con una versión nueva desde
    «Mi trabajo» → Informes); un borrador se edita y sus cifras capturadas también."""

    list_display = ["titulo", "version", "plan", "periodo_inicial", "periodo_final", "fecha_sesion", "estado", "publicado_en"]
    list_select_related = ["plan", "periodo_inicial", "periodo_final"]
    list_filter = ["plan", "estado"]
    inlines = [CifraPublicadaInline]
    readonly_fields = ["estado", "version", "corrige", "origen_cifras", "publicado_en", "publicado_por", "pdf_sha256", "xlsx_sha256", "archivos"]

    @admin.display(description=_("archivos publicados"))
    def archivos(self, obj):
        if not obj or not obj.congelado:
            return "—"
        return format_html('<a href="{}">PDF</a> · <a href="{}">XLSX</a>', obj.url_pdf, obj.url_xlsx)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.estado == Informe.Estado.PUBLICADO:
            editables = [f.name for f in Informe._meta.fields if f.editable and f.name not in self.readonly_fields]
            return editables + self.readonly_fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.estado == Informe.Estado.PUBLICADO:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Recordatorio)
class RecordatorioAdmin(admin.ModelAdmin):
    """Registro de los correos de recordatorio (``manage.py enviar_recordatorios``); de solo lectura."""

    list_display = ["fecha", "tipo", "usuario", "correo", "periodo", "fecha_limite"]
    list_select_related = ["usuario", "periodo__plan"]
    list_filter = ["periodo__plan", "tipo", "fecha"]
    search_fields = ["usuario__username", "correo", "pendientes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
