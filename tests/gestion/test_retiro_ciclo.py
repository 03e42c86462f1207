"""El ciclo bimestral con lo retirado: una acción retirada (o de un compromiso retirado) no
recibe avances —la captura dice por qué y el servicio se niega— ni cuenta como pendiente en el
espacio del responsable, el tablero y los recordatorios; la captura con una clave anterior
lleva a la de hoy."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from plan.models import ClaveAnterior
from seguimiento.models import Avance
from seguimiento import flujo, recordatorios
from tests.ayudas import accion, texto_de
from tests.gestion.ayudas_retiro import retirar_accion, retirar_compromiso


def _captura(ciclo, clave):
    return f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/acciones/{clave}/"


def test_la_captura_de_una_accion_retirada_dice_por_que_y_no_guarda(client, ciclo):
    retirar_accion(ciclo.plan, "4.1.2", ciclo.facilitadora)
    client.force_login(ciclo.iacip)
    respuesta = client.get(_captura(ciclo, "4.1.2"))
    assert respuesta.status_code == 200
    texto = texto_de(respuesta)
    assert (
        "La acción 4.1.2 se retiró del plan el 3 de marzo de 2024 («Cancelada»): ya no recibe avances. "
        "Motivo: Acuerdo de la Primera Sesión Ordinaria 2024"
    ) in texto
    assert 'name="porcentaje"' not in respuesta.content.decode()
    datos = {"porcentaje": "45", "etapa": "", "narrativa": "x", "justificacion": "", "nota_aclaratoria": "",
             "version": "0", "operacion": "enviar", "evidencias-TOTAL_FORMS": "0", "evidencias-INITIAL_FORMS": "0"}
    respuesta = client.post(_captura(ciclo, "4.1.2"), datos)
    assert respuesta.status_code == 400
    assert "ya no recibe avances" in texto_de(respuesta)
    assert not Avance.objects.filter(accion=accion(ciclo.plan, "4.1.2"), periodo=ciclo.periodo).exists()


def test_el_servicio_se_niega_tambien_si_se_retiro_su_compromiso(ciclo):
    retirar_compromiso(ciclo.plan, "7.1", ciclo.facilitadora)
    with pytest.raises(ValidationError) as excinfo:
        flujo.guardar_avance(
            accion=accion(ciclo.plan, "7.1.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
            datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=0, enviar=True,
        )
    assert excinfo.value.messages[0].startswith("El compromiso 7.1 se retiró del plan el 3 de marzo de 2024")
    assert not Avance.objects.filter(periodo=ciclo.periodo).exists()


def test_lo_retirado_no_es_pendiente_para_el_responsable_ni_en_el_tablero(client, ciclo):
    """El IACIP responde de 4.1 (3 acciones) y 7.1 (3): retirada 4.1.3, le faltan 5."""
    client.force_login(ciclo.iacip)
    assert "Faltan 6 de 6 acciones por enviar." in texto_de(client.get(f"/trabajo/{ciclo.plan.slug}/"))
    retirar_accion(ciclo.plan, "4.1.3", ciclo.facilitadora)
    texto = texto_de(client.get(f"/trabajo/{ciclo.plan.slug}/"))
    assert "Faltan 5 de 5 acciones por enviar." in texto
    assert "4.1.3" not in texto
    client.force_login(ciclo.facilitadora)
    tablero = client.get(f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/")
    assert [f.accion.clave for f in tablero.context["filas"]].count("4.1.3") == 0
    assert tablero.context["total"] == 32


def test_los_recordatorios_no_piden_lo_retirado(ciclo, settings):
    retirar_accion(ciclo.plan, "4.1.3", ciclo.facilitadora)
    retirar_compromiso(ciclo.plan, "7.1", ciclo.facilitadora)
    recordatorios.enviar_recordatorios(hoy=datetime.date(2024, 2, 8))
    del_iacip = [m for m in mail.outbox if "iacip@example.org" in m.to]
    assert del_iacip, [m.to for m in mail.outbox]
    cuerpo = del_iacip[0].body
    assert "4.1.1" in cuerpo and "4.1.2" in cuerpo
    assert "4.1.3" not in cuerpo and "7.1.1" not in cuerpo


def test_la_captura_con_una_clave_anterior_lleva_a_la_de_hoy(client, ciclo):
    ClaveAnterior.objects.create(plan=ciclo.plan, nivel="accion", clave="4.1.9", clave_nueva="4.1.2", accion=accion(ciclo.plan, "4.1.2"))
    client.force_login(ciclo.iacip)
    base = f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/acciones"
    respuesta = client.get(f"{base}/4.1.9/?desde=correo")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{base}/4.1.2/?desde=correo"
    assert client.get(f"{base}/4.1.8/").status_code == 404
    # A quien no ve el plan, la clave anterior no le revela nada: 404 antes de buscarla.
    client.force_login(ciclo.sin_papel)
    assert client.get(f"{base}/4.1.9/").status_code == 404
