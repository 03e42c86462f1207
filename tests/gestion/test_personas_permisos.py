"""Matriz papel × dirección de «Personas y cuentas» (``/trabajo/<plan>/personas/…``).

Regla (gestion/acceso.py): sin sesión → a la entrada; facilitadora y administración cambian;
la integrante lee (GET 200) y recibe 403 al pedir un cambio; cualquier otra cuenta —los
responsables, la facilitadora de otro plan, una cuenta sin papel— recibe 404.
"""

import pytest

from gestion import invitaciones
from plan.models import Institucion, Membresia, Persona
from tests.gestion.ayudas_personas import AJENOS, PAPELES, PLAN, como, con_admin


@pytest.fixture
def escenario(ciclo, django_user_model):
    con_admin(ciclo, django_user_model)
    ciclo.m_iacip = Membresia.objects.get(plan=ciclo.plan, usuario=ciclo.iacip)
    ciclo.persona = Persona.objects.filter(institucion=ciclo.inst_iacip).first()
    ciclo.libre = Institucion.objects.create(nombre="Colectivo Datos Guanajuato", tipo="sociedad_civil")
    ciclo.invitacion = invitaciones.invitar(
        plan=ciclo.plan, nombre="Ana", correo="ana@example.org", rol="integrante", por=ciclo.facilitadora
    ).invitacion
    return ciclo


def _paginas(e):
    return [
        "personas/", "personas/invitar/", f"personas/cuentas/{e.m_iacip.pk}/", "personas/instituciones/",
        "personas/instituciones/nueva/", f"personas/instituciones/{e.inst_iacip.pk}/", "personas/funcionarias/",
        "personas/funcionarias/nueva/", f"personas/funcionarias/{e.persona.pk}/", "personas/representantes/",
        "personas/representantes/4.1/",
    ]


def _acciones(e):
    """Las de un solo botón (solo POST)."""
    return [
        f"personas/cuentas/{e.m_iacip.pk}/baja/", f"personas/cuentas/{e.m_iacip.pk}/reactivar/",
        f"personas/invitaciones/{e.invitacion.pk}/reenviar/", f"personas/instituciones/{e.libre.pk}/borrar/",
        f"personas/funcionarias/{e.persona.pk}/borrar/",
    ]


@pytest.mark.parametrize("papel", PAPELES)
def test_leer_cada_pagina(client, escenario, papel):
    como(client, escenario, papel)
    for ruta in _paginas(escenario):
        respuesta = client.get(f"{PLAN}/{ruta}")
        if papel == "anonimo":
            assert respuesta.status_code == 302 and respuesta.url.startswith("/cuentas/entrar/"), ruta
        elif papel in AJENOS:
            assert respuesta.status_code == 404, ruta
        else:
            assert respuesta.status_code == 200, ruta
            assert "no-store" in respuesta["Cache-Control"], ruta


def _huella():
    return (
        sorted(Membresia.objects.values_list("pk", "rol", "activa", "institucion")),
        sorted(Institucion.objects.values_list("pk", "nombre")),
        sorted(Persona.objects.values_list("pk", "nombre", "institucion")),
        invitaciones.Invitacion.objects.count(),
    )


@pytest.mark.parametrize("papel", ["anonimo", "sin_papel", "extrana", "judicial", "iacip", "integrante"])
def test_quien_no_gestiona_no_cambia_nada(client, escenario, papel):
    como(client, escenario, papel)
    antes = _huella()
    for ruta in _paginas(escenario) + _acciones(escenario):
        respuesta = client.post(f"{PLAN}/{ruta}", {"nombre": "Cambio", "rol": "integrante", "correo": "x@example.org"})
        esperado = 302 if papel == "anonimo" else 404 if papel in AJENOS else 403
        assert respuesta.status_code == esperado, ruta
        if papel == "integrante":  # y por GET, las acciones de un botón tampoco son suyas
            assert client.get(f"{PLAN}/{ruta}").status_code == (403 if ruta in _acciones(escenario) else 200), ruta
    assert _huella() == antes


@pytest.mark.parametrize("papel", ["facilitadora", "admin"])
def test_la_facilitacion_y_la_administracion_cambian(client, escenario, papel):
    como(client, escenario, papel)
    for ruta in _acciones(escenario):
        assert client.get(f"{PLAN}/{ruta}").status_code == 405, ruta
    respuesta = client.post(f"{PLAN}/personas/cuentas/{escenario.m_iacip.pk}/baja/")
    assert respuesta.status_code == 302
    assert not Membresia.objects.get(pk=escenario.m_iacip.pk).activa
    respuesta = client.post(f"{PLAN}/personas/instituciones/{escenario.libre.pk}/borrar/")
    assert respuesta.status_code == 302 and not Institucion.objects.filter(pk=escenario.libre.pk).exists()


def test_la_institucion_o_persona_de_otro_plan_no_existe_aqui(client, escenario):
    """Una institución que usa solo otro plan no es de este STL: 404, ni para leerla."""
    otra = Institucion.objects.create(nombre="Municipio de Otro Plan", tipo="municipio")
    Membresia.objects.create(usuario=escenario.sin_papel, plan=Membresia.objects.get(usuario=escenario.extrana).plan,
                             rol="responsable", institucion=otra)
    persona = Persona.objects.create(nombre="Luis Otro", institucion=otra)
    como(client, escenario, "facilitadora")
    assert client.get(f"{PLAN}/personas/instituciones/{otra.pk}/").status_code == 404
    assert client.get(f"{PLAN}/personas/funcionarias/{persona.pk}/").status_code == 404
    assert client.get(f"{PLAN}/personas/representantes/9.9/").status_code == 404
