"""Ayudas de las pruebas de personas y cuentas (``test_personas*.py``, ``test_invitaciones.py``):
las cuentas del ciclo por papel, invitar como la facilitadora y leer el enlace de un correo."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core import mail

from tests.ayudas import CLAVE, al_confirmarse, enlace_en

PAPELES = ["anonimo", "sin_papel", "extrana", "judicial", "iacip", "integrante", "facilitadora", "admin"]
#: Los que no tienen nada que ver con la gestión del plan: 404 (ni se revela que la página existe).
AJENOS = {"sin_papel", "extrana", "judicial", "iacip"}
PLAN = "/trabajo/pal-2022-2024"


def con_admin(ciclo, django_user_model):
    ciclo.admin = django_user_model.objects.create_superuser("admin", "admin@example.org", CLAVE)
    return ciclo


def como(client, ciclo, papel):
    client.logout()
    if papel != "anonimo":
        client.force_login(getattr(ciclo, papel))
    return client


def invitar(client, ciclo, *, correo="ana.lopez@iacip-gto.org.mx", nombre="Ana López", rol="responsable",
            institucion=None, **extra):
    """La facilitadora llena «Invitar a una persona»; devuelve la respuesta."""
    client.force_login(ciclo.facilitadora)
    if institucion is None and rol == "responsable":
        institucion = ciclo.inst_iacip
    datos = {"nombre": nombre, "correo": correo, "rol": rol, "institucion": institucion.pk if institucion else "",
             "persona": "", "cargo": "", **extra}
    with al_confirmarse():  # el correo sale en una tarea, al confirmarse la petición
        return client.post(f"{PLAN}/personas/invitar/", datos)


def ruta_del_correo(correo=None) -> str:
    """La ruta del enlace de invitación del último correo (o de ``correo``)."""
    correo = correo or mail.outbox[-1]
    return urlsplit(enlace_en(correo.body, "/cuentas/invitacion/")).path
