"""Archivos guardados en disco o en un bucket S3 (``seguimiento/almacenamiento.py``).

Con S3, el portal habla por HTTP con un servidor de la API de S3 que corre en la prueba (moto,
``servidor_s3`` en ``tests/conftest.py``), y cada prueba mira el bucket desde fuera con boto3:
lo subido y lo congelado está ahí, y nada queda en ``MEDIA_ROOT``. Las reglas de los archivos
sin dueño y de los archivos que faltan se prueban en los dos almacenamientos.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from seguimiento import evidencias, flujo
from seguimiento.models import Avance, Evidencia, Informe
from tests.ayudas import PDF, accion, cuerpo, nombre_descargado
from tests.seguimiento.test_archivos import subir

CAPTURA = "/trabajo/pal-2022-2024/periodos/diciembre-2023-enero-2024/acciones/4.1.2/"


@dataclass
class Carpeta:
    """``MEDIA_ROOT`` con la misma cara que el ``Bucket`` de las pruebas de S3."""

    raiz: Path

    def claves(self) -> list[str]:
        return sorted(p.relative_to(self.raiz).as_posix() for p in self.raiz.rglob("*") if p.is_file())

    def borrar(self, clave: str) -> None:
        (self.raiz / clave).unlink()


@pytest.fixture(params=["disco", "s3"])
def almacen(request, settings):
    """Cada prueba que la pide corre dos veces: con los archivos en disco y en un bucket S3.
    Pídala antes que ``pal`` o ``ciclo``."""
    if request.param == "s3":
        return request.getfixturevalue("almacenamiento_s3")
    return Carpeta(Path(settings.MEDIA_ROOT))


def _en_disco(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _borrador_con_archivo(ciclo) -> Evidencia:
    """La responsable del IACIP guarda el borrador de la acción 4.1.2 con un PDF."""
    avance = flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.2"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=0,
        evidencias_nuevas=[Evidencia(archivo=SimpleUploadedFile("acta.pdf", PDF), descripcion="Acta")],
    )
    return avance.evidencias.get()


# --- En un bucket S3 --------------------------------------------------------------------------


def test_la_evidencia_subida_va_al_bucket_y_publicada_baja_de_el_como_adjunto(client, almacenamiento_s3, ciclo, settings):
    assert subir(client, ciclo, ("acta.html", PDF)).status_code == 302
    evidencia = Evidencia.objects.get(avance__periodo=ciclo.periodo)
    assert evidencia.archivo.name.startswith("evidencias/") and evidencia.archivo.name.endswith(".pdf")
    assert evidencia.archivo.name in almacenamiento_s3.claves()
    assert almacenamiento_s3.leer(evidencia.archivo.name) == PDF
    objeto = almacenamiento_s3.cliente.head_object(Bucket=almacenamiento_s3.nombre, Key=evidencia.archivo.name)
    assert objeto["ContentType"] == "application/pdf" and objeto["ContentDisposition"] == "attachment"

    avance = evidencia.avance
    enviado = flujo.guardar_avance(
        accion=avance.accion, periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=avance.version, enviar=True,
    )
    flujo.validar_avance(avance_id=enviado.pk, usuario=ciclo.facilitadora, version=enviado.version)
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)

    client.logout()
    respuesta = client.get(f"/evidencias/{evidencia.pk}/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Disposition"].startswith("attachment;")
    assert nombre_descargado(respuesta) == "acta.pdf"
    assert respuesta["Content-Type"] == "application/pdf"
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    assert respuesta["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" not in respuesta.get("Cache-Control", "")
    assert cuerpo(respuesta) == PDF
    assert _en_disco(settings) == []


def test_el_informe_congelado_va_al_bucket_y_se_sirve_de_el_con_su_huella(client, almacenamiento_s3, pal, settings):
    informe = Informe.objects.get(plan=pal, numero=1)
    assert {informe.pdf.name, informe.xlsx.name} <= set(almacenamiento_s3.claves())
    for campo, huella, disposicion in ((informe.pdf, informe.pdf_sha256, "inline"),
                                       (informe.xlsx, informe.xlsx_sha256, "attachment")):
        assert hashlib.sha256(almacenamiento_s3.leer(campo.name)).hexdigest() == huella
        respuesta = client.get(informe.url_pdf if campo is informe.pdf else informe.url_xlsx)
        assert respuesta.status_code == 200
        assert respuesta["Content-Disposition"].startswith(disposicion)
        assert respuesta["ETag"] == f'"{huella}"' and respuesta["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in respuesta["Cache-Control"]
        assert hashlib.sha256(cuerpo(respuesta)).hexdigest() == huella
    pagina = client.get("/informes/pal-2022-2024/1/v1/").content.decode()
    assert "no disponible" not in pagina
    assert _en_disco(settings) == []


def test_un_informe_alterado_en_el_bucket_no_se_sirve(client, almacenamiento_s3, pal):
    informe = Informe.objects.get(plan=pal, numero=1)
    almacenamiento_s3.escribir(informe.pdf.name, almacenamiento_s3.leer(informe.pdf.name) + b"%% alterado")
    respuesta = client.get(informe.url_pdf)
    assert respuesta.status_code == 500
    assert "no coincide con la huella SHA-256 publicada" in respuesta.content.decode()


# --- Archivos que faltan ----------------------------------------------------------------------


def test_un_archivo_que_falta_no_rompe_ninguna_pagina(client, almacen, ciclo, admin_user):
    evidencia = _borrador_con_archivo(ciclo)
    informe = Informe.objects.get(plan=ciclo.plan, numero=1)
    for nombre in (evidencia.archivo.name, informe.pdf.name):
        almacen.borrar(nombre)
    client.force_login(ciclo.iacip)
    captura = client.get(CAPTURA)
    assert captura.status_code == 200 and "(archivo acta.pdf; no disponible)" in captura.content.decode()
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 404
    assert client.get("/informes/pal-2022-2024/1/v1/").status_code == 200
    assert client.get(informe.url_pdf).status_code == 404
    client.force_login(admin_user)
    for pagina in (f"/admin/seguimiento/avance/{evidencia.avance_id}/change/",
                   f"/admin/seguimiento/evidencia/{evidencia.pk}/change/",
                   f"/admin/seguimiento/evidencia/{evidencia.pk}/history/"):
        assert client.get(pagina).status_code == 200, pagina


# --- Archivos sin dueño -----------------------------------------------------------------------


def _quitar_de_su_avance(evidencia, ciclo):
    avance = evidencia.avance
    flujo.guardar_avance(
        accion=avance.accion, periodo=avance.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("50")), version=avance.version,
        evidencias_quitar=[evidencia.pk],
    )


def _quitar_del_compromiso(ciclo):
    """Una evidencia del compromiso 4.1, agregada y quitada por la responsable del IACIP."""
    compromiso = accion(ciclo.plan, "4.1.2").compromiso
    evidencia = evidencias.agregar_evidencia_de_compromiso(
        compromiso=compromiso, periodo=ciclo.periodo, usuario=ciclo.iacip,
        evidencia=Evidencia(archivo=SimpleUploadedFile("minuta.pdf", PDF), descripcion="Minuta"),
    )
    nombre = evidencia.archivo.name
    evidencias.quitar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.iacip)
    return nombre


@pytest.mark.parametrize("de", ["avance", "compromiso"])
def test_quitar_una_evidencia_sin_publicar_borra_su_archivo_al_confirmarse(
    almacen, ciclo, django_capture_on_commit_callbacks, de
):
    with django_capture_on_commit_callbacks(execute=True):
        if de == "avance":
            evidencia = _borrador_con_archivo(ciclo)
            nombre = evidencia.archivo.name
            _quitar_de_su_avance(evidencia, ciclo)
        else:
            nombre = _quitar_del_compromiso(ciclo)
        assert nombre in almacen.claves()  # hasta que la transacción se confirma
    assert not Evidencia.objects.filter(archivo=nombre).exists()
    assert nombre not in almacen.claves()


def test_si_la_transaccion_se_deshace_el_archivo_sigue_con_su_evidencia(almacen, ciclo, django_capture_on_commit_callbacks):
    evidencia = _borrador_con_archivo(ciclo)
    with django_capture_on_commit_callbacks(execute=True) as pendientes:
        with pytest.raises(RuntimeError), transaction.atomic():
            _quitar_de_su_avance(evidencia, ciclo)
            raise RuntimeError("falla después de quitarla")
    assert pendientes == []
    assert Evidencia.objects.filter(pk=evidencia.pk).exists()
    assert evidencia.archivo.name in almacen.claves()


def test_reemplazar_el_archivo_de_una_evidencia_sin_publicar_borra_el_anterior(
    almacen, ciclo, django_capture_on_commit_callbacks
):
    evidencia = Evidencia.objects.get(pk=_borrador_con_archivo(ciclo).pk)
    anterior = evidencia.archivo.name
    with django_capture_on_commit_callbacks(execute=True):
        evidencia.archivo = SimpleUploadedFile("acta-corregida.pdf", PDF)
        evidencia.save()
    assert evidencia.archivo.name != anterior
    assert evidencia.archivo.name in almacen.claves() and anterior not in almacen.claves()


def test_lo_de_un_periodo_publicado_conserva_su_archivo_aunque_se_borre_su_fila(
    almacen, pal, django_capture_on_commit_callbacks
):
    """Retirarla (lo que hace el portal) o borrar su fila (el admin en cascada): el archivo pudo
    ser público y su historial lo nombra; se conserva."""
    avance = Avance.objects.del_plan(pal).filter(estado=Avance.Estado.VALIDADO, periodo__estado="publicado").first()
    retirada, borrada = (
        Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile(nombre, PDF)) for nombre in ("a.pdf", "b.pdf")
    )
    with django_capture_on_commit_callbacks(execute=True):
        flujo._quitar_evidencia(retirada, None, avance.periodo)
        Evidencia.objects.filter(pk=borrada.pk).delete()
    assert Evidencia.objects.get(pk=retirada.pk).retirada_en is not None
    assert not Evidencia.objects.filter(pk=borrada.pk).exists()
    assert {retirada.archivo.name, borrada.archivo.name} <= set(almacen.claves())
    assert borrada.archivo.name in {h.archivo for h in Evidencia.history.filter(id=borrada.pk, history_type="-")}
