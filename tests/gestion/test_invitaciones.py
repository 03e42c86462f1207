"""Invitar por correo: el enlace para elegir la contraseña sirve una vez, vence a los
``INVITACION_DIAS`` días y reenviarlo anula el anterior; una cuenta que ya existe recibe el papel
y un aviso sin enlace."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from gestion import invitaciones
from gestion.models import Invitacion
from plan.models import Membresia, Persona
from tareas.models import Tarea
from tests.ayudas import al_confirmarse, texto_de
from tests.gestion.ayudas_personas import PLAN, invitar, ruta_del_correo

CLAVE_NUEVA = "girasol-de-obsidiana-42"


def _elegir(client, ruta, clave=CLAVE_NUEVA, otra=None):
    """Abre el enlace y elige la contraseña; devuelve la respuesta del formulario."""
    client.logout()
    abierta = client.get(ruta)
    assert abierta.status_code == 302 and abierta.url.endswith("/elegir/")
    assert ruta.split("/")[-2] not in abierta.url  # el token no queda en la dirección
    return client.post(abierta.url, {"new_password1": clave, "new_password2": otra or clave})


def test_invitar_elegir_la_contrasena_y_entrar_una_sola_vez(client, ciclo):
    respuesta = invitar(client, ciclo, crear_persona="on", cargo="Enlace de transparencia")
    assert respuesta.status_code == 302 and respuesta.url == f"{PLAN}/personas/"
    assert "Invitación enviada a ana.lopez@iacip-gto.org.mx" in texto_de(client.get(respuesta.url))
    cuenta = get_user_model().objects.get(email="ana.lopez@iacip-gto.org.mx")
    assert cuenta.username == "ana.lopez@iacip-gto.org.mx" and not cuenta.has_usable_password()
    assert Membresia.objects.get(usuario=cuenta).institucion == ciclo.inst_iacip
    assert Persona.objects.get(usuario=cuenta).cargo == "Enlace de transparencia"
    [correo] = mail.outbox
    assert correo.to == ["ana.lopez@iacip-gto.org.mx"]
    assert correo.subject == "Invitación al trabajo del PAL 2022-2024 en Estado Abierto"
    assert "vence en 7 días" in correo.body and "responsable" in correo.body.lower()
    ruta = ruta_del_correo()
    # El token no se guarda: ni en la invitación ni en la tarea que envió el correo.
    token = ruta.split("/")[-2]
    assert all(token not in json.dumps(t.argumentos) + json.dumps(t.resultado) for t in Tarea.objects.all())

    debil = _elegir(client, ruta, clave="12345678")
    assert debil.status_code == 200
    assert "contraseña" in texto_de(debil).lower() and "No se guardó la contraseña" in texto_de(debil)
    assert not get_user_model().objects.get(pk=cuenta.pk).has_usable_password()

    lista = _elegir(client, ruta)
    assert lista.status_code == 302 and lista.url == f"{PLAN}/"
    plan = client.get(lista.url)
    assert plan.status_code == 200 and "Acciones de IACIP" in texto_de(plan)
    assert "4.1.1" in texto_de(plan) and "3.1.1" not in texto_de(plan)
    assert Invitacion.objects.get().estado() == Invitacion.Estado.ACEPTADA

    client.logout()
    otra_vez = client.get(ruta)
    assert otra_vez.status_code == 200 and "El enlace ya se usó" in texto_de(otra_vez)
    entrada = client.post("/cuentas/entrar/", {"username": "ana.lopez@iacip-gto.org.mx", "password": CLAVE_NUEVA})
    assert entrada.status_code == 302


def test_el_enlace_vence_a_los_dias_de_la_configuracion(client, ciclo, monkeypatch, settings):
    settings.INVITACION_DIAS = 3
    invitar(client, ciclo)
    ruta = ruta_del_correo()
    assert "vence en 3 días" in mail.outbox[0].body
    ahora = invitaciones.generador._now()
    monkeypatch.setattr(invitaciones.generador, "_now", lambda: ahora + timedelta(days=3, minutes=1))
    client.logout()
    vencida = client.get(ruta)
    assert vencida.status_code == 200
    assert "La invitación venció" in texto_de(vencida) and "reenvíe" in texto_de(vencida)
    monkeypatch.setattr(invitaciones.generador, "_now", lambda: ahora + timedelta(days=2, hours=23))
    assert client.get(ruta).status_code == 302


def test_vencida_por_el_reloj_del_portal_la_lista_lo_dice(client, ciclo, monkeypatch):
    invitar(client, ciclo)
    ruta = ruta_del_correo()
    despues = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: despues)
    client.logout()
    assert "La invitación venció" in texto_de(client.get(ruta))
    client.force_login(ciclo.facilitadora)
    pagina = texto_de(client.get(f"{PLAN}/personas/"))
    assert "No hay invitaciones esperando respuesta" in pagina and "Vencida" in pagina


def test_reenviar_anula_el_enlace_anterior(client, ciclo):
    invitar(client, ciclo)
    primera = ruta_del_correo()
    invitacion = Invitacion.objects.get()
    with al_confirmarse():
        respuesta = client.post(f"{PLAN}/personas/invitaciones/{invitacion.pk}/reenviar/")
    assert respuesta.status_code == 302
    assert "el enlace anterior ya no sirve" in texto_de(client.get(respuesta.url))
    assert len(mail.outbox) == 2
    segunda = ruta_del_correo()
    assert segunda != primera
    client.logout()
    assert "envió después otra invitación" in texto_de(client.get(primera))
    assert _elegir(client, segunda).status_code == 302
    assert [i.estado() for i in Invitacion.objects.order_by("pk")] == ["reemplazada", "aceptada"]


def test_un_enlace_alterado_no_da_500(client, ciclo):
    invitar(client, ciclo)
    ruta = ruta_del_correo()
    client.logout()
    for mala in (ruta[:-3] + "xx/", "/cuentas/invitacion/zzzz/abc-123/", "/cuentas/invitacion/MTIzNDU/1-2/",
                 "/cuentas/invitacion/MQ/elegir/"):
        respuesta = client.get(mala)
        assert respuesta.status_code == 200 and "Pida al Secretariado Técnico Local" in texto_de(respuesta), mala


def test_una_cuenta_existente_recibe_el_papel_y_un_aviso_sin_enlace(client, ciclo):
    respuesta = invitar(client, ciclo, correo="EXTRANA@example.org", nombre="Extraña", rol="integrante")
    assert respuesta.status_code == 302
    assert "ya tenía cuenta" in texto_de(client.get(respuesta.url))
    assert Membresia.objects.get(usuario=ciclo.extrana, plan=ciclo.plan).rol == "integrante"
    assert not Invitacion.objects.exists()
    [correo] = mail.outbox
    assert correo.to == ["extrana@example.org"] and "/cuentas/invitacion/" not in correo.body
    assert "integrante" in correo.body.lower() and "/trabajo/pal-2022-2024/" in correo.body
    client.force_login(ciclo.extrana)
    assert client.get(f"{PLAN}/personas/").status_code == 200


@pytest.mark.parametrize("datos, campo, error", [
    ({"rol": "responsable", "institucion": ""}, "institucion", "Elija la institución"),
    ({"correo": "iacip@example.org"}, "correo", "ya es responsable"),
    ({"correo": "no-es-correo"}, "correo", "correo electrónico válida"),
    ({"rol": "integrante", "institucion": "", "crear_persona": "on"}, "crear_persona", "elija su institución"),
    ({"rol": "integrante"}, "institucion", "Solo los responsables llevan institución"),
])
def test_un_error_queda_junto_a_su_campo_y_no_escribe_nada(client, ciclo, datos, campo, error):
    antes = (get_user_model().objects.count(), Membresia.objects.count(), Persona.objects.count())
    client.force_login(ciclo.facilitadora)
    formulario = {"nombre": "Ana López", "correo": "ana@example.org", "rol": "responsable",
                  "institucion": ciclo.inst_iacip.pk, **datos}
    with al_confirmarse():
        respuesta = client.post(f"{PLAN}/personas/invitar/", formulario)
    assert respuesta.status_code == 200
    assert error in " ".join(respuesta.context["form"].errors[campo])
    assert "No se guardó nada" in texto_de(respuesta)
    assert (get_user_model().objects.count(), Membresia.objects.count(), Persona.objects.count()) == antes
    assert not mail.outbox


def test_dar_de_baja_la_membresia_anula_el_enlace(client, ciclo):
    invitar(client, ciclo)
    ruta = ruta_del_correo()
    membresia = Membresia.objects.get(usuario__email="ana.lopez@iacip-gto.org.mx")
    client.post(f"{PLAN}/personas/cuentas/{membresia.pk}/baja/")
    client.logout()
    assert "Pida al Secretariado Técnico Local" in texto_de(client.get(ruta))


def test_la_cuenta_invitada_sigue_protegida_por_el_bloqueo_de_la_entrada(client, ciclo, settings):
    invitar(client, ciclo)
    _elegir(client, ruta_del_correo())
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/cuentas/entrar/", {"username": "ana.lopez@iacip-gto.org.mx", "password": "no-es"})
    bloqueada = client.post("/cuentas/entrar/", {"username": "ana.lopez@iacip-gto.org.mx", "password": CLAVE_NUEVA})
    assert bloqueada.status_code == 429
