"""El formato «json» de Django (``dumpdata``, ``loaddata``, el respaldo) con una diferencia: una
llave foránea sin restricción que apunta a una fila que ya no existe se escribe con su número.

El historial (django-simple-history) copia cada llave foránea de su modelo como ``DO_NOTHING`` y
sin restricción en la base, para que la historia de un objeto sobreviva al objeto. Al borrar una
cuenta, sus registros de historial siguen guardando su número (``validado_por``,
``capturado_por``, el ``usuario`` de la membresía que se borró con ella…), y el admin lo muestra
como «una cuenta eliminada». Con ``--natural-foreign``, el serializador de Django pide la llave
natural de esa cuenta (su nombre) y, como ya no existe, ``dumpdata`` fallaba entero.

Aquí, si la fila referida no existe, se escribe el número tal cual: ``loaddata`` acepta un número
donde espera una llave natural, así que la historia se restaura igual (la columna no tiene
restricción que lo impida). Una llave con restricción que apunte a nada sigue siendo un error.
Se registra como ``json`` en ``SERIALIZATION_MODULES``: vale para ``dumpdata`` y para todo lo demás.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import Deserializer, Serializer as SerializadorDeDjango

__all__ = ["Deserializer", "Serializer"]


class Serializer(SerializadorDeDjango):
    def handle_fk_field(self, obj, field):
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            if field.db_constraint:
                raise
            self._current[field.name] = self._value_from_field(obj, field)
