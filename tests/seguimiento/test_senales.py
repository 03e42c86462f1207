"""Las señales de publicación (seguimiento/senales.py): salen una vez, confirmada la transacción,
y un receptor que falla no deshace ni interrumpe lo publicado."""

from __future__ import annotations

import logging

from seguimiento import flujo
from seguimiento.models import Periodo
from seguimiento.senales import informe_publicado, periodo_publicado
from tareas.models import Tarea


def test_un_receptor_que_falla_queda_en_la_bitacora_y_el_periodo_queda_publicado(ciclo, caplog, django_capture_on_commit_callbacks):
    recibidos = []

    def falla(sender, periodo, **_datos):
        recibidos.append(periodo.slug)
        raise RuntimeError("el servidor de correo no responde")

    periodo_publicado.connect(falla, dispatch_uid="prueba-falla")
    try:
        with caplog.at_level(logging.ERROR, logger="seguimiento.senales"), django_capture_on_commit_callbacks(execute=True) as pendientes:
            flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
            assert recibidos == []  # todavía no: la transacción no se ha confirmado
    finally:
        periodo_publicado.disconnect(dispatch_uid="prueba-falla")
    # Una señal al confirmarse; su otro receptor (suscripciones) pidió los avisos, que se entregan
    # al confirmarse a su vez: el receptor que falla no lo impidió.
    assert [p.__qualname__ for p in pendientes] == ["enviar_al_confirmar.<locals>.enviar", "encolar.<locals>.<lambda>"]
    assert Tarea.objects.get(tipo="suscripciones.avisar_periodo").estado == Tarea.Estado.TERMINADA
    assert recibidos == [ciclo.periodo.slug]
    assert Periodo.objects.get(pk=ciclo.periodo.pk).publicado
    assert "al recibir la publicación de Periodo" in caplog.text and "el servidor de correo no responde" in caplog.text


def test_congelar_el_informe_que_llego_publicado_no_es_una_publicacion_nueva(db, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    recibidos = []
    informe_publicado.connect(lambda sender, informe, **_d: recibidos.append(informe), dispatch_uid="prueba-informe", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("preparar", verbosity=0, stdout=StringIO())  # congela el 1er Informe Parcial
    finally:
        informe_publicado.disconnect(dispatch_uid="prueba-informe")
    assert recibidos == []
