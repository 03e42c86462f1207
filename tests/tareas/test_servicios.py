"""``tareas.servicios`` sin broker (eager, como la primera orden del README): pedir, correr, fallar
con el motivo en español, reintentar, entregas repetidas, una sola activa por clave y un broker
que no responde."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from estado_abierto.celery import app
from seguimiento import flujo
from seguimiento.models import Informe, Periodo
from tareas import registro, servicios
from tareas.models import Tarea
from tests.ayudas import accion, al_confirmarse
from tests.tareas.conftest import otro_broker


def _publicar(informe, usuario) -> Tarea:
    return servicios.encolar(
        tipo="informes.publicar",
        descripcion=f"Publicar y congelar el {informe}",
        argumentos={"informe_id": informe.pk, "usuario_id": usuario.pk},
        plan=informe.plan,
        usuario=usuario,
        clave=f"informes.publicar:{informe.pk}",
    )


def test_los_trabajos_de_las_apps_estan_registrados():
    assert {
        "informes.publicar", "correos.devolucion", "excel.confirmar", "suscripciones.avisar_periodo",
        "suscripciones.avisar_informe",
    } <= set(registro.registrados())
    with pytest.raises(LookupError, match="No hay un trabajo registrado"):
        servicios.encolar(tipo="informes.publicarr", descripcion="Errata", argumentos={})


def test_sin_broker_la_tarea_corre_al_confirmarse_y_congela_el_informe(ciclo, borrador):
    with al_confirmarse():
        tarea = _publicar(borrador, ciclo.facilitadora)
        # Dentro de la transacción que la pide todavía no corre: el informe aún no existe para otros.
        assert Tarea.objects.get(pk=tarea.pk).estado == Tarea.Estado.PENDIENTE
    tarea.refresh_from_db()
    borrador.refresh_from_db()
    assert (tarea.estado, tarea.progreso, tarea.paso, tarea.intentos, tarea.error) == ("terminada", 100, "", 1, "")
    assert tarea.iniciada <= tarea.terminada
    assert borrador.congelado and borrador.publicado_por == ciclo.facilitadora
    assert tarea.resultado["url"] == f"/trabajo/{ciclo.plan.slug}/informes/{borrador.pk}/"
    assert tarea.resultado["resumen"].startswith("Segundo Informe Parcial (PAL 2022-2024) publicado y congelado")


def test_el_informe_avisa_cada_paso(ciclo, borrador, monkeypatch):
    pasos = []
    original = servicios.avanzar
    monkeypatch.setattr(
        "seguimiento.trabajos_en_segundo_plano.avanzar",
        lambda tarea, progreso, paso: (pasos.append((progreso, paso)), original(tarea, progreso, paso)),
    )
    with al_confirmarse():
        _publicar(borrador, ciclo.facilitadora)
    assert pasos == [
        (10, "Calculando las cifras"), (35, "Generando el PDF"), (75, "Generando el XLSX"), (90, "Guardando y congelando"),
    ]


def test_una_tarea_que_no_se_puede_hacer_queda_fallida_con_su_motivo_y_se_reintenta(ciclo):
    # Un informe del periodo abierto: no se publica mientras su periodo no esté publicado.
    informe = Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=ciclo.periodo,
        periodo_final=ciclo.periodo,
    )
    with al_confirmarse():
        tarea = _publicar(informe, ciclo.facilitadora)
    tarea.refresh_from_db()
    assert tarea.estado == Tarea.Estado.FALLIDA and tarea.terminada is not None
    assert tarea.error == "Antes de publicar el informe publique los periodos que cubre: Diciembre 2023–enero 2024."
    assert not Informe.objects.get(pk=informe.pk).congelado

    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    with al_confirmarse():
        tarea = servicios.reintentar(tarea=tarea, usuario=ciclo.facilitadora)
    tarea.refresh_from_db()
    assert (tarea.estado, tarea.intentos, tarea.error) == ("terminada", 2, "")
    assert Informe.objects.get(pk=informe.pk).congelado
    with pytest.raises(ValidationError, match="Solo se reintenta una tarea que falló; esta está «Terminada»"):
        servicios.reintentar(tarea=tarea, usuario=ciclo.facilitadora)


def test_un_error_inesperado_se_dice_en_general_y_queda_en_el_registro(ciclo, monkeypatch, caplog):
    avance = flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0, enviar=True,
    )

    def servidor_caido(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("seguimiento.correos.send_mail", servidor_caido)
    with al_confirmarse():
        flujo.devolver_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version,
                              observaciones="Falta la minuta.")
    tarea = Tarea.objects.get(tipo="correos.devolucion")
    assert tarea.estado == Tarea.Estado.FALLIDA
    assert tarea.error == (
        "Error inesperado al hacer este trabajo (SMTPServerDisconnected). El equipo técnico lo encuentra en el "
        "registro del servidor; puede reintentarlo."
    )
    assert "Connection unexpectedly closed" in caplog.text  # el detalle, solo en el registro
    # La devolución sí quedó: el correo es aparte.
    assert avance.__class__.objects.get(pk=avance.pk).estado == "devuelto"


def test_una_entrega_repetida_no_corre_la_tarea_dos_veces(ciclo, borrador, monkeypatch):
    tarea = _publicar(borrador, ciclo.facilitadora)  # sin confirmarse: nadie la entregó aún
    llamadas = []
    original = registro.buscar("informes.publicar")
    monkeypatch.setitem(registro._TRABAJOS, "informes.publicar", lambda t, **a: llamadas.append(1) or original(t, **a))
    assert servicios.ejecutar(tarea.pk).estado == Tarea.Estado.TERMINADA
    assert servicios.ejecutar(tarea.pk) is None  # el broker la entrega otra vez (acks_late)
    assert len(llamadas) == 1
    assert Tarea.objects.get(pk=tarea.pk).intentos == 1


@pytest.fixture
def olvidada(ciclo, borrador) -> Tarea:
    """Una publicación pedida hace 11 minutos cuyo mensaje nunca llegó al broker (se pidió sin
    confirmarse la transacción: nadie la entregó)."""
    tarea = _publicar(borrador, ciclo.facilitadora)
    Tarea.objects.filter(pk=tarea.pk).update(creada=timezone.now() - timedelta(minutes=11))
    return tarea


def test_una_tarea_cuyo_mensaje_se_perdio_vuelve_a_la_cola_y_termina(olvidada, borrador):
    """El broker se reinició sin guardar el mensaje (o el proceso que la pidió murió antes de
    entregarla): la tarea sigue «en espera». El programador la vuelve a entregar pasados 10 minutos."""
    assert servicios.reentregar_olvidadas() == [olvidada.pk]
    olvidada.refresh_from_db()
    borrador.refresh_from_db()
    assert olvidada.estado == Tarea.Estado.TERMINADA and borrador.congelado
    assert servicios.reentregar_olvidadas() == []  # terminada: nada que entregar


def test_no_se_pide_dos_veces_la_publicacion_del_mismo_informe(ciclo, borrador):
    primera = _publicar(borrador, ciclo.facilitadora)
    with pytest.raises(servicios.TareaActiva) as segunda:
        _publicar(borrador, ciclo.facilitadora)
    assert segunda.value.tarea == primera
    assert segunda.value.messages == [
        "Este trabajo ya está en marcha (Publicar y congelar el Segundo Informe Parcial (PAL 2022-2024), en espera): "
        "no se pidió otra vez."
    ]
    assert Tarea.objects.count() == 1
    # La base lo garantiza aunque se salte el servicio (dos peticiones a la vez).
    with pytest.raises(IntegrityError), transaction.atomic():
        Tarea.objects.create(tipo="informes.publicar", descripcion="Otra", clave=primera.clave, plan=ciclo.plan)
    # Terminada la primera, se puede pedir otra (y fallará con su motivo: ya está congelado).
    servicios.ejecutar(primera.pk)
    with al_confirmarse():
        otra = _publicar(borrador, ciclo.facilitadora)
    otra.refresh_from_db()
    assert otra.estado == Tarea.Estado.FALLIDA and "ya está publicado y congelado" in otra.error


@pytest.fixture
def broker_caido():
    """Un broker de verdad que no responde (nadie escucha en el puerto 1)."""
    with otro_broker(app, "redis://127.0.0.1:1/0"):
        yield


def test_si_el_broker_no_responde_la_tarea_queda_fallida_con_el_motivo(ciclo, borrador, broker_caido):
    with al_confirmarse():
        tarea = _publicar(borrador, ciclo.facilitadora)
    tarea.refresh_from_db()
    assert tarea.estado == Tarea.Estado.FALLIDA
    assert tarea.error.startswith("No se pudo poner en la cola de trabajo (")
    assert tarea.error.endswith("Reinténtela cuando el servicio vuelva.")
    assert not Informe.objects.get(pk=borrador.pk).congelado


def test_publicar_un_periodo_pide_los_avisos_a_quien_sigue_el_plan(ciclo, mailoutbox):
    from suscripciones import enlaces
    from suscripciones import servicios as suscripciones
    from suscripciones.models import Suscripcion

    suscripciones.pedir_suscripcion(correo="ana@example.org", plan=ciclo.plan)
    suscripcion = Suscripcion.objects.get()
    suscripciones.confirmar(token=enlaces.firmar([suscripcion.pk], enlaces.CONFIRMAR))
    mailoutbox.clear()
    with al_confirmarse():
        flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    tarea = Tarea.objects.get(tipo="suscripciones.avisar_periodo")
    assert (tarea.estado, tarea.pedida_por, tarea.plan) == ("terminada", ciclo.facilitadora, ciclo.plan)
    assert tarea.argumentos == {"periodo_id": Periodo.objects.get(pk=ciclo.periodo.pk).pk}
    assert tarea.resultado == {"resumen": "Aviso enviado a 1 dirección que sigue el plan o sus compromisos."}
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


def test_una_recien_pedida_no_se_entrega_otra_vez(ciclo, borrador):
    _publicar(borrador, ciclo.facilitadora)
    assert servicios.reentregar_olvidadas() == []


def test_el_comando_de_cron_vuelve_a_entregar_las_olvidadas(olvidada):
    salida = StringIO()
    call_command("reentregar_tareas", stdout=salida)
    assert salida.getvalue() == "1 tarea entregada de nuevo.\n"
    assert Tarea.objects.get(pk=olvidada.pk).estado == Tarea.Estado.TERMINADA
