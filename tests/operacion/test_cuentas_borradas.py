"""Una cuenta borrada no deja el historial apuntando a nadie (plan/historial.py)."""

import json
from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plan.historial import olvidar_cuentas_borradas, referencias_a_cuentas
from seguimiento.models import Avance, Evidencia


def test_el_historial_olvida_la_cuenta_borrada_como_el_modelo_vivo(cuenta_borrada):
    avance = cuenta_borrada.avance
    assert avance.capturado_por is None and avance.enviado_por is None
    registros = avance.history.all()
    assert registros.count() == 1
    assert [(r.capturado_por_id, r.enviado_por_id, r.history_user_id) for r in registros] == [(None, None, None)]
    cuentas = set(get_user_model().objects.values_list("pk", flat=True))
    referencias = referencias_a_cuentas(apps.get_models(), get_user_model())
    # Las columnas copiadas de capturado_por, enviada_por, usuario (membresía)… en el historial.
    assert {(m._meta.label, c) for m, c in referencias} >= {
        ("seguimiento.HistoricalAvance", "capturado_por_id"),
        ("seguimiento.HistoricalEvidencia", "enviada_por_id"),
        ("plan.HistoricalMembresia", "usuario_id"),
    }
    for modelo, columna in referencias:
        colgantes = modelo.objects.exclude(**{f"{columna}__isnull": True}).exclude(**{f"{columna}__in": cuentas})
        assert not colgantes.exists(), (modelo._meta.label, columna)


def test_dumpdata_con_llaves_naturales_tras_borrar_una_cuenta(cuenta_borrada):
    salida = StringIO()
    call_command("dumpdata", "seguimiento", "plan", natural_foreign=True, stdout=salida)
    objetos = json.loads(salida.getvalue())
    historico = [o for o in objetos if o["model"] == "seguimiento.historicalavance"]
    assert historico and all(o["fields"]["capturado_por"] is None for o in historico)
    assert Avance.objects.filter(pk=cuenta_borrada.avance_id).exists()


def test_lo_que_ya_colgaba_se_vacia_sin_tocar_lo_demas(cuenta_borrada, django_user_model):
    # Como quedaba antes del arreglo (lo que vacían las migraciones 0008 de plan y 0009 de
    # seguimiento): el historial con el número de una cuenta que ya no existe.
    inexistente = django_user_model.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    viva = django_user_model.objects.get(username="facilitadora")
    Evidencia.history.update(enviada_por_id=inexistente, revisada_por_id=viva.pk)
    cambiadas = olvidar_cuentas_borradas(modelos=apps.get_models(), modelo_de_cuenta=django_user_model)
    assert cambiadas == Evidencia.history.count() > 0
    assert set(Evidencia.history.values_list("enviada_por_id", "revisada_por_id")) == {(None, viva.pk)}
