"""Lo que comparten las pruebas de operación: las personas del ciclo bimestral
(``tests/seguimiento/conftest.py``), que recorren el mismo ciclo con otra infraestructura debajo, y
una instalación con una cuenta ya borrada."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plan.models import Institucion, Membresia
from seguimiento import flujo
from seguimiento.models import Evidencia
from tests.ayudas import CLAVE, PDF, abrir_diciembre_2023, accion
from tests.seguimiento.conftest import ciclo

__all__ = ["ciclo", "cuenta_borrada"]


@pytest.fixture
def cuenta_borrada(pal, django_user_model):
    """Una responsable del IACIP envía un avance con un PDF de evidencia (quedan su membresía,
    su avance y su evidencia en el historial) y luego su cuenta se borra. Devuelve la evidencia."""
    facilitadora = django_user_model.objects.create_user("facilitadora", "stl@example.org", CLAVE)
    Membresia.objects.create(usuario=facilitadora, plan=pal, rol=Membresia.Rol.FACILITADOR)
    responsable = django_user_model.objects.create_user("se-fue", "se-fue@example.org", CLAVE)
    Membresia.objects.create(
        usuario=responsable, plan=pal, rol=Membresia.Rol.RESPONSABLE, institucion=Institucion.objects.get(siglas="IACIP")
    )
    periodo = abrir_diciembre_2023(pal, facilitadora)
    evidencia = Evidencia(archivo=SimpleUploadedFile("acta.pdf", PDF), descripcion="Acta de instalación")
    flujo.guardar_avance(
        accion=accion(pal, "4.1.1"), periodo=periodo, usuario=responsable,
        datos=flujo.DatosAvance(porcentaje=40), version=0, enviar=True, evidencias_nuevas=[evidencia],
    )
    responsable.delete()
    evidencia.refresh_from_db()
    return evidencia
