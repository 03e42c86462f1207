"""Seguir un compromiso o un plan por correo: pedir, confirmar, recibir un aviso por publicación,
darse de baja con un clic y borrar los datos de una dirección."""

from __future__ import annotations

import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.test import Client

from seguimiento import flujo
from suscripciones.models import Suscripcion
from tests.ayudas import avance_validado, enlace_en, texto_de

PLAN = "/planes/pal-2022-2024/"
SEGUIR_4_1 = "/planes/pal-2022-2024/compromisos/4.1/seguir/"
SEGUIR_3_1 = "/planes/pal-2022-2024/compromisos/3.1/seguir/"
SEGUIR_PLAN = "/planes/pal-2022-2024/seguir/"
REVISE = "/suscripciones/revise-su-correo/"


@pytest.fixture
def correo(ciclo, settings, mailoutbox, django_capture_on_commit_callbacks):
    """``correo.post(url, datos)`` como la persona, con los correos que salen al confirmarse la
    transacción; ``correo.enlace(ruta)`` la ruta del enlace del último correo que la contiene."""
    settings.SITIO_URL = "https://portal.example.org"

    class Correo:
        cliente = Client()

        def post(self, url, datos=None, cliente=None):
            with django_capture_on_commit_callbacks(execute=True):
                return (cliente or self.cliente).post(url, datos or {})

        def enlace(self, ruta, mensaje=None):
            mensaje = mensaje or next(m for m in reversed(mailoutbox) if ruta in m.body)
            url = enlace_en(mensaje.body, ruta)
            assert url.startswith("https://portal.example.org/")
            return urlsplit(url).path

        def seguir(self, url, direccion):
            """Pide y confirma: la suscripción queda lista."""
            assert self.post(url, {"correo": direccion})["Location"] == REVISE
            confirmar = self.enlace("/suscripciones/confirmar/", mailoutbox[-1])
            assert self.post(confirmar).status_code == 200

    return Correo()


def _publicar(ciclo, django_capture_on_commit_callbacks, periodo=None):
    with django_capture_on_commit_callbacks(execute=True):
        return flujo.publicar_periodo(periodo=periodo or ciclo.periodo, usuario=ciclo.facilitadora)


def test_seguir_un_compromiso_de_la_pagina_al_aviso_y_la_baja(client, ciclo, correo, mailoutbox, django_capture_on_commit_callbacks):
    pagina = client.get("/planes/pal-2022-2024/compromisos/4.1/")
    assert f'href="{SEGUIR_4_1}"' in pagina.content.decode()
    formulario = client.get(SEGUIR_4_1)
    assert "Seguir el compromiso 4.1. Transparencia, Datos Personales y Estado Abierto" in texto_de(formulario)

    respuesta = correo.post(SEGUIR_4_1, {"correo": "  Ana.Lopez@Example.org "})
    assert (respuesta.status_code, respuesta["Location"]) == (302, REVISE)
    assert len(mailoutbox) == 1
    confirmacion = mailoutbox[0]
    assert confirmacion.to == ["ana.lopez@example.org"]
    assert "Confirme que quiere seguir el compromiso 4.1." in confirmacion.subject
    suscripcion = Suscripcion.objects.get()
    assert not suscripcion.confirmada

    # Abrir el enlace (o que un antivirus lo abra) no confirma; el botón sí.
    confirmar = correo.enlace("/suscripciones/confirmar/")
    assert "Confirmar" in texto_de(client.get(confirmar))
    suscripcion.refresh_from_db()
    assert not suscripcion.confirmada
    assert "Suscripción confirmada" in texto_de(correo.post(confirmar))
    suscripcion.refresh_from_db()
    assert suscripcion.confirmada

    # Se publica el periodo con un avance validado de la acción 4.1.1: un solo aviso.
    avance_validado(ciclo.periodo, "4.1.1", responsable=ciclo.iacip, revisora=ciclo.facilitadora, porcentaje="60")
    _publicar(ciclo, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    aviso = mailoutbox[1]
    assert aviso.to == ["ana.lopez@example.org"]
    assert aviso.subject == "Nuevos avances publicados: PAL 2022-2024, Diciembre 2023–enero 2024"
    # La cifra de la página: ningún informe cubre el periodo nuevo, así que es la recalculada,
    # (60 + 33 + 34) ÷ 3 = 42.33 → 42 %, y lo dice.
    assert "42\u00a0%, cifra recalculada por el portal, con lo publicado hasta Diciembre 2023–enero 2024" in aviso.body
    baja = enlace_en(aviso.extra_headers["List-Unsubscribe"].strip("<>"), "/suscripciones/baja/")
    assert aviso.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert baja in aviso.body

    # El programa de correo da de baja con un POST, sin cookies ni CSRF (RFC 8058).
    programa_de_correo = Client(enforce_csrf_checks=True)
    respuesta = programa_de_correo.post(
        urlsplit(baja).path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert respuesta.status_code == 200
    assert not Suscripcion.objects.exists()

    # Ya no llega nada al publicar el siguiente periodo.
    febrero = flujo.abrir_periodo(
        plan=ciclo.plan, usuario=ciclo.facilitadora, nombre="Febrero–marzo 2024",
        inicio=ciclo.periodo.fin.replace(month=2, day=1), fin=ciclo.periodo.fin.replace(month=3, day=31),
        fecha_limite=ciclo.periodo.fin.replace(month=4, day=10),
    )
    avance_validado(febrero, "4.1.2", responsable=ciclo.iacip, revisora=ciclo.facilitadora, porcentaje="50")
    _publicar(ciclo, django_capture_on_commit_callbacks, febrero)
    assert len(mailoutbox) == 2


def test_un_aviso_por_direccion_con_todo_lo_que_le_concierne(ciclo, correo, mailoutbox, django_capture_on_commit_callbacks):
    correo.seguir(SEGUIR_PLAN, "ana@example.org")
    correo.seguir(SEGUIR_4_1, "ana@example.org")
    correo.seguir(SEGUIR_3_1, "beto@example.org")  # el 3.1 no tiene avances en el periodo
    correo.post(SEGUIR_4_1, {"correo": "sin-confirmar@example.org"})
    enviados = len(mailoutbox)

    avance_validado(ciclo.periodo, "4.1.1", responsable=ciclo.iacip, revisora=ciclo.facilitadora, porcentaje="60")
    _publicar(ciclo, django_capture_on_commit_callbacks)

    avisos = mailoutbox[enviados:]
    assert [a.to for a in avisos] == [["ana@example.org"]]
    cuerpo = avisos[0].body
    # Primero el plan y después el compromiso, cada uno con su cifra y su propio enlace de baja.
    assert cuerpo.index("Plan de Acción Local de Estado Abierto Guanajuato 2022-2024 (PAL 2022-2024): ") < cuerpo.index(
        "Compromiso 4.1. Transparencia, Datos Personales y Estado Abierto (PAL 2022-2024): 42\u00a0%, cifra recalculada"
    )
    assert cuerpo.count("/suscripciones/baja/") == 3  # uno por cada cosa y el de todo


def test_publicar_un_informe_avisa_a_quien_sigue_el_plan_o_sus_compromisos(ciclo, correo, mailoutbox, django_capture_on_commit_callbacks):
    from seguimiento import informes
    from seguimiento.models import Informe

    correo.seguir(SEGUIR_3_1, "beto@example.org")
    _publicar(ciclo, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1  # el 3.1 no tuvo avances en el periodo: solo la confirmación
    informe = Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=ciclo.periodo, periodo_final=ciclo.periodo
    )
    with django_capture_on_commit_callbacks(execute=True):
        informes.publicar_informe(informe=informe, usuario=ciclo.facilitadora)
    aviso = mailoutbox[-1]
    assert aviso.subject == "Informe publicado: Segundo Informe Parcial del PAL 2022-2024"
    assert aviso.to == ["beto@example.org"]
    assert f"https://portal.example.org{informe.get_absolute_url()}" in aviso.body


def test_la_respuesta_no_dice_si_la_direccion_ya_seguia(correo, ciclo, mailoutbox):
    correo.seguir(SEGUIR_4_1, "ana@example.org")
    enviados = len(mailoutbox)
    ya_confirmada = correo.post(SEGUIR_4_1, {"correo": "ana@example.org"})
    nueva = correo.post(SEGUIR_4_1, {"correo": "nueva@example.org"})
    repetida = correo.post(SEGUIR_4_1, {"correo": "nueva@example.org"})  # antes de 10 minutos
    assert {(r.status_code, r["Location"]) for r in (ya_confirmada, nueva, repetida)} == {(302, REVISE)}
    assert [m.to for m in mailoutbox[enviados:]] == [["nueva@example.org"]]


def test_el_formulario_pide_una_direccion_valida(client, ciclo):
    respuesta = client.post(SEGUIR_4_1, {"correo": "no es un correo"})
    assert respuesta.status_code == 200
    assert "Escriba una dirección de correo válida" in texto_de(respuesta)
    assert not Suscripcion.objects.exists()


def test_demasiadas_solicitudes_desde_una_ip(correo, ciclo, settings, mailoutbox):
    settings.SUSCRIPCION_PETICIONES_POR_HORA = 2
    for numero in range(2):
        assert correo.post(SEGUIR_4_1, {"correo": f"p{numero}@example.org"}).status_code == 302
    respuesta = correo.post(SEGUIR_4_1, {"correo": "p3@example.org"})
    assert respuesta.status_code == 429
    assert "Demasiadas solicitudes" in texto_de(respuesta)
    assert len(mailoutbox) == 2


def test_borrar_los_datos_de_una_direccion(client, correo, ciclo, mailoutbox):
    correo.seguir(SEGUIR_PLAN, "ana@example.org")
    correo.seguir(SEGUIR_4_1, "ana@example.org")
    correo.seguir(SEGUIR_4_1, "otra@example.org")
    enviados = len(mailoutbox)

    desconocida = correo.post("/suscripciones/borrar/", {"correo": "nadie@example.org"})
    conocida = correo.post("/suscripciones/borrar/", {"correo": "ANA@example.org"})
    assert (desconocida.status_code, desconocida["Location"]) == (conocida.status_code, conocida["Location"]) == (302, REVISE)
    assert [m.to for m in mailoutbox[enviados:]] == [["ana@example.org"]]

    borrar = correo.enlace("/suscripciones/borrar/")
    assert "No se puede deshacer" in texto_de(client.get(borrar))
    assert Suscripcion.objects.filter(correo="ana@example.org").count() == 2
    assert "Datos borrados" in texto_de(correo.post(borrar))
    assert list(Suscripcion.objects.values_list("correo", flat=True)) == ["otra@example.org"]


@pytest.mark.parametrize(
    "ruta",
    ["/suscripciones/confirmar/{}/", "/suscripciones/baja/{}/", "/suscripciones/borrar/{}/"],
)
def test_un_enlace_alterado_es_un_404_en_espanol(client, ciclo, ruta):
    for metodo in ("get", "post"):
        respuesta = getattr(client, metodo)(ruta.format("WzFd:1vAbCd:enlace-alterado"))
        assert respuesta.status_code == 404
        assert "Enlace no válido" in texto_de(respuesta)


def test_un_enlace_vencido_es_un_400_en_espanol(client, correo, ciclo, mailoutbox):
    correo.post(SEGUIR_4_1, {"correo": "ana@example.org"})
    confirmar = correo.enlace("/suscripciones/confirmar/")
    dentro_de_tres_dias = time.time() + 3 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=dentro_de_tres_dias):
        respuesta = client.post(confirmar)
    assert respuesta.status_code == 400
    assert "El enlace venció" in texto_de(respuesta)
    assert not Suscripcion.objects.get().confirmada


def test_confirmar_una_suscripcion_que_ya_se_borro(client, correo, ciclo, mailoutbox):
    correo.post(SEGUIR_4_1, {"correo": "ana@example.org"})
    confirmar = correo.enlace("/suscripciones/confirmar/")
    Suscripcion.objects.all().delete()
    respuesta = client.get(confirmar)
    assert respuesta.status_code == 404
    assert "Esta suscripción ya no existe" in texto_de(respuesta)


def test_la_base_exige_un_plan_o_un_compromiso_y_una_por_direccion(ciclo):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from plan.models import Compromiso

    compromiso = Compromiso.objects.filter(eje__plan=ciclo.plan).first()
    for datos in ({}, {"plan": ciclo.plan, "compromiso": compromiso}, {"plan": ciclo.plan, "correo": "Ana@example.org"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Suscripcion.objects.create(**{"correo": "ana@example.org", **datos}, confirmacion_enviada_en=timezone.now())
    Suscripcion.objects.create(correo="ana@example.org", plan=ciclo.plan, confirmacion_enviada_en=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Suscripcion.objects.create(correo="ana@example.org", plan=ciclo.plan, confirmacion_enviada_en=timezone.now())


def test_las_direcciones_no_tienen_historial_ni_admin():
    from django.contrib import admin

    assert not hasattr(Suscripcion, "history")
    assert Suscripcion not in admin.site._registry


def test_los_avisos_cuestan_las_mismas_consultas_sean_cuantas_sean_las_direcciones(
    ciclo, correo, mailoutbox, django_assert_num_queries
):
    from suscripciones.correos import avisar_periodo

    avance_validado(ciclo.periodo, "4.1.1", responsable=ciclo.iacip, revisora=ciclo.facilitadora, porcentaje="60")
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)  # sin confirmar: no avisa aún
    correo.seguir(SEGUIR_4_1, "ana@example.org")
    # 1 los compromisos con avances en el periodo, 1 las suscripciones, 4 el estado público del
    # plan, 1 el informe publicado de ese periodo (no hay: no se leen cifras oficiales).
    with django_assert_num_queries(7):
        assert avisar_periodo(periodo=ciclo.periodo) == 1
    for numero in range(3):
        correo.seguir(SEGUIR_PLAN, f"persona{numero}@example.org")
    with django_assert_num_queries(7):
        assert avisar_periodo(periodo=ciclo.periodo) == 4


def test_las_direcciones_sin_confirmar_se_borran_al_vencer_su_enlace(correo, ciclo, mailoutbox):
    import datetime
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    correo.seguir(SEGUIR_PLAN, "confirmada@example.org")
    correo.post(SEGUIR_4_1, {"correo": "olvidadiza@example.org"})
    correo.post(SEGUIR_3_1, {"correo": "reciente@example.org"})
    Suscripcion.objects.filter(correo="olvidadiza@example.org").update(
        confirmacion_enviada_en=timezone.now() - datetime.timedelta(hours=49)
    )
    salida = StringIO()
    call_command("borrar_suscripciones_vencidas", stdout=salida)
    assert salida.getvalue().strip() == "Suscripciones sin confirmar borradas: 1."
    assert sorted(Suscripcion.objects.values_list("correo", flat=True)) == ["confirmada@example.org", "reciente@example.org"]


def test_los_correos_del_formulario_salen_de_una_tarea_que_no_guarda_la_direccion(correo, mailoutbox):
    """La confirmación y el enlace para borrar los datos no se envían dentro de la petición
    pública: una tarea los envía (en un worker, con broker), y la tarea solo sabe el número de la
    suscripción, nunca la dirección (que se borra con la suscripción)."""
    from tareas.models import Tarea

    correo.post(SEGUIR_4_1, {"correo": "ana.lopez@example.org"})
    correo.post("/suscripciones/borrar/", {"correo": "ana.lopez@example.org"})
    tareas = list(Tarea.objects.filter(tipo__startswith="suscripciones.").order_by("pk"))
    assert [(t.tipo, t.estado) for t in tareas] == [
        ("suscripciones.confirmar", Tarea.Estado.TERMINADA),
        ("suscripciones.enlace_de_borrado", Tarea.Estado.TERMINADA),
    ]
    assert [m.subject for m in mailoutbox] == [
        "Confirme que quiere seguir el compromiso 4.1. Transparencia, Datos Personales y Estado Abierto (PAL 2022-2024)",
        "Borrar sus datos de Estado Abierto",
    ]
    for tarea in tareas:
        assert "ana.lopez" not in f"{tarea.descripcion} {tarea.argumentos} {tarea.resultado} {tarea.paso}"
