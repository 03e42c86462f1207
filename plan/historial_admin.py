"""El historial de cambios en el admin, legible: la base de cada admin con historial.

``SimpleHistoryAdmin`` muestra cada cambio con ``str()`` del valor crudo: «None» para un campo
vacío, «2026-12-02 12:45:39.240887+00:00» para una fecha, «Deleted usuario (pk=None)» para la
cuenta que ya no existe y «None» como motivo de un registro sin motivo. Aquí cada valor se
muestra como el admin de Django muestra ese campo en sus listas (``display_for_field``: fechas
y números en el formato de es-MX, opciones por su nombre, vacío como «—») y lo que se eliminó,
con palabras.
"""

from django.contrib.admin.utils import display_for_field
from django.contrib.auth import get_user_model
from django.db.models import ManyToManyField
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

#: Lo que se muestra de un campo vacío (el mismo guion del admin de Django).
VACIO = "—"


def valor_eliminado(objeto: DeletedObject) -> str:
    if objeto.model is get_user_model():
        return _("una cuenta eliminada")
    return _("%(tipo)s que ya no existe") % {"tipo": objeto.model._meta.verbose_name}


class CambiosLegibles(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        campo = self.model._meta.get_field(change.field)
        if isinstance(campo, ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if isinstance(value, DeletedObject):
            # simple-history también envuelve así una relación vacía (pk None).
            return VACIO if value.pk is None else valor_eliminado(value)
        return display_for_field(value, campo, VACIO, avoid_link=True)


class HistorialAdmin(SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` con los cambios y los motivos escritos para una persona."""

    def get_historical_record_context_helper(self, request, historical_record):
        return CambiosLegibles(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for registro in historical_records:
            # Un registro sin motivo (lo creado desde el admin) no dice «None».
            if registro.history_change_reason is None:
                registro.history_change_reason = ""
