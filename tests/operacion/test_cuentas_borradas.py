"""Una cuenta borrada no rompe dumpdata --natural-foreign ni el respaldo (operacion/serializador_json.py)."""

import json
from io import StringIO

from django.core import serializers
from django.core.management import call_command

from seguimiento.models import Avance


def test_dumpdata_con_llaves_naturales_tras_borrar_una_cuenta(cuenta_borrada, django_user_model):
    registro = Avance.history.get(id=cuenta_borrada.avance_id)
    # El historial guarda el número de la cuenta borrada (el admin la muestra como eliminada).
    borrada = registro.capturado_por_id
    assert borrada is not None and not django_user_model.objects.filter(pk=borrada).exists()
    salida = StringIO()
    call_command("dumpdata", "seguimiento.historicalavance", "plan.historicalmembresia", "seguimiento.historicalperiodo",
                 natural_foreign=True, stdout=salida)
    objetos = json.loads(salida.getvalue())
    (avance,) = [o for o in objetos if o["model"] == "seguimiento.historicalavance" and o["fields"]["id"] == registro.id]
    # La cuenta que ya no existe, con su número; la que existe, con su llave natural (su nombre).
    assert avance["fields"]["capturado_por"] == avance["fields"]["enviado_por"] == borrada
    membresias = [o["fields"]["usuario"] for o in objetos if o["model"] == "plan.historicalmembresia"]
    assert borrada in membresias and ["facilitadora"] in membresias

    # Y se lee de vuelta igual: loaddata acepta el número donde espera la llave natural.
    (leido,) = [o.object for o in serializers.deserialize("json", json.dumps([avance]))]
    assert (leido.capturado_por_id, leido.enviado_por_id, leido.history_id) == (borrada, borrada, registro.history_id)
