"""El servicio del retiro (gestion/retiro.py) sobre el PAL 2022-2024 real: reglas con su
mensaje junto al campo, nada escrito ante un error, historial, restitución."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gestion import retiro
from plan.models import Accion, Compromiso, Plan, Retiro
from tests.ayudas import accion
from tests.gestion.ayudas_retiro import (
    FECHA, MOTIVO, compromiso, estado_de_retiro, retirar_accion, retirar_compromiso,
)


def _errores(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_cancelar_una_accion_la_deja_retirada_con_motivo_y_en_el_historial(ciclo):
    hecha = retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora)
    hecha.refresh_from_db()
    assert (hecha.retiro, hecha.retiro_motivo, hecha.retiro_fecha, hecha.retiro_destino) == (
        Retiro.CANCELADA, MOTIVO, FECHA, None,
    )
    assert hecha.retirada
    registro = hecha.history.first()
    assert registro.history_user == ciclo.facilitadora
    assert registro.history_change_reason == f"Retiro (cancelada) el 3 de marzo de 2024: {MOTIVO}"
    assert Accion.objects.del_plan(ciclo.plan).retiradas().count() == 1


def test_fusionar_con_otra_accion_guarda_el_destino(ciclo):
    hecha = retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, como=Retiro.FUSIONADA, destino="1.5.2")
    assert hecha.retiro_destino == accion(ciclo.plan, "1.5.2")
    assert list(accion(ciclo.plan, "1.5.2").absorbidas.all()) == [hecha]
    assert "fusionada con la acción 1.5.2" in hecha.history.first().history_change_reason


def test_retirar_un_compromiso_no_retira_sus_acciones(ciclo):
    retirar_compromiso(ciclo.plan, "1.5", ciclo.facilitadora, como=Retiro.SUSTITUIDA, destino="1.1")
    assert compromiso(ciclo.plan, "1.5").retiro_destino == compromiso(ciclo.plan, "1.1")
    assert not Accion.objects.del_plan(ciclo.plan).retiradas().exists()


@pytest.mark.parametrize(
    "como, destino, campo, mensaje",
    [
        (Retiro.FUSIONADA, None, "destino", "Elija con qué se fusiona."),
        (Retiro.SUSTITUIDA, None, "destino", "Elija cuál la sustituye."),
        (Retiro.FUSIONADA, "1.5.3", "destino", "La acción 1.5.3 no puede fusionarse ni sustituirse consigo."),
        (Retiro.CANCELADA, "1.5.2", "destino", "Una cancelación no lleva destino"),
        ("borrada", None, "retiro", "Elija si se cancela, se fusiona con otra o la sustituye otra."),
    ],
)
def test_reglas_del_destino_y_del_tipo(ciclo, como, destino, campo, mensaje):
    antes = estado_de_retiro(Accion)
    with pytest.raises(ValidationError) as excinfo:
        retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, como=como, destino=destino)
    assert any(mensaje in m for m in _errores(excinfo)[campo])
    assert estado_de_retiro(Accion) == antes


def test_el_destino_debe_ser_del_mismo_nivel_y_plan_y_estar_vigente(ciclo):
    elemento = accion(ciclo.plan, "1.5.3")
    with pytest.raises(ValidationError) as excinfo:
        retiro.retirar(elemento=elemento, retiro=Retiro.FUSIONADA, motivo=MOTIVO, fecha=FECHA,
                       destino=compromiso(ciclo.plan, "1.5"), usuario=ciclo.facilitadora)
    assert "mismo nivel" in _errores(excinfo)["destino"][0]

    otro = Plan.objects.get(slug="pal-2019-2021")
    ajena = Accion.objects.del_plan(otro).first()
    with pytest.raises(ValidationError) as excinfo:
        retiro.retirar(elemento=elemento, retiro=Retiro.FUSIONADA, motivo=MOTIVO, fecha=FECHA,
                       destino=ajena, usuario=ciclo.facilitadora)
    assert _errores(excinfo)["destino"] == ["El destino debe ser del mismo plan."]

    retirar_accion(ciclo.plan, "1.5.2", ciclo.facilitadora)
    with pytest.raises(ValidationError) as excinfo:
        retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, como=Retiro.FUSIONADA, destino="1.5.2")
    assert _errores(excinfo)["destino"] == ["La acción 1.5.2 también está retirada: elija uno vigente."]
    assert not accion(ciclo.plan, "1.5.3").retirada


def test_la_fecha_no_es_futura_ni_anterior_al_plan_y_el_motivo_es_obligatorio(ciclo):
    manana = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, fecha=manana, motivo="  ")
    errores = _errores(excinfo)
    assert "no puede ser futura" in errores["fecha"][0]
    assert errores["motivo"] == ["Escriba el motivo del retiro: se publica junto al elemento."]

    with pytest.raises(ValidationError) as excinfo:
        retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, fecha=datetime.date(2021, 12, 31))
    assert _errores(excinfo)["fecha"] == [
        "La fecha del retiro (31 de diciembre de 2021) es anterior al inicio del plan (1 de enero de 2022)."
    ]
    with pytest.raises(ValidationError) as excinfo:
        retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, fecha=None)
    assert _errores(excinfo)["fecha"] == ["Escriba la fecha del retiro."]
    assert not accion(ciclo.plan, "1.5.3").retirada


def test_retirar_dos_veces_dice_que_ya_esta_retirada(ciclo):
    retirar_compromiso(ciclo.plan, "6.1", ciclo.facilitadora)
    with pytest.raises(ValidationError) as excinfo:
        retirar_compromiso(ciclo.plan, "6.1", ciclo.facilitadora, motivo="Otra vez")
    assert excinfo.value.messages == [
        "El compromiso 6.1 ya está retirado (cancelado el 3 de marzo de 2024). "
        "Si el retiro fue un error, restitúyalo primero."
    ]
    assert compromiso(ciclo.plan, "6.1").retiro_motivo == MOTIVO


def test_restituir_la_deja_vigente_y_el_historial_guarda_ambos(ciclo):
    retirar_accion(ciclo.plan, "1.5.3", ciclo.facilitadora, como=Retiro.FUSIONADA, destino="1.5.2")
    with pytest.raises(ValidationError) as excinfo:
        retiro.restituir(elemento=accion(ciclo.plan, "1.5.3"), motivo="", usuario=ciclo.facilitadora)
    assert _errores(excinfo)["motivo"] == ["Escriba por qué se restituye: queda en el historial."]

    vigente = retiro.restituir(elemento=accion(ciclo.plan, "1.5.3"), motivo="Se retiró por error", usuario=ciclo.facilitadora)
    vigente.refresh_from_db()
    assert (vigente.retiro, vigente.retiro_motivo, vigente.retiro_fecha, vigente.retiro_destino) == ("", "", None, None)
    razones = [r.history_change_reason for r in vigente.history.order_by("-history_date", "-history_id")[:2]]
    assert razones == [
        "Restitución (estaba: fusionada con la acción 1.5.2 el 3 de marzo de 2024): Se retiró por error",
        f"Retiro (fusionada con la acción 1.5.2) el 3 de marzo de 2024: {MOTIVO}",
    ]
    with pytest.raises(ValidationError) as excinfo:
        retiro.restituir(elemento=vigente, motivo="Otra vez", usuario=ciclo.facilitadora)
    assert excinfo.value.messages == ["La acción 1.5.3 no está retirada: no hay nada que restituir."]


def test_la_base_guarda_la_invariante_aunque_no_se_use_el_servicio(ciclo):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Compromiso.objects.filter(pk=compromiso(ciclo.plan, "1.5").pk).update(retiro=Retiro.FUSIONADA, retiro_motivo="x", retiro_fecha=FECHA)
