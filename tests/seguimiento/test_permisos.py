"""Matriz papel × dirección del trabajo bimestral.

Regla (seguimiento/permisos.py): sin sesión → a la entrada (302); sin relación con el objeto
→ 404 (una cuenta sin papel en el plan, la facilitadora de otro plan, el responsable de otra
institución); puede verlo pero no hacer lo que pide → 403 (la integrante de solo lectura, un
responsable ante el tablero o la gestión del STL).
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plan.models import Compromiso
from seguimiento import evidencias, flujo
from seguimiento.models import Avance, Evidencia, Informe, Periodo
from tareas.models import Tarea
from tests.ayudas import PDF, accion, al_confirmarse
from tests.seguimiento.conftest import CLAVE

PAPELES = ["anonimo", "sin_papel", "extrana", "judicial", "iacip", "integrante", "facilitadora", "admin"]


@pytest.fixture
def escenario(ciclo, django_user_model, settings, tmp_path):
    """La acción 4.1.1 (IACIP) con un avance enviado que lleva un archivo de evidencia."""
    settings.MEDIA_ROOT = tmp_path
    ciclo.admin = django_user_model.objects.create_superuser("admin", "admin@example.org", CLAVE)
    avance = flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0, enviar=True,
        evidencias_nuevas=[Evidencia(archivo=SimpleUploadedFile("minuta.pdf", PDF), descripcion="Minuta")],
    )
    ciclo.avance = avance
    ciclo.evidencia = avance.evidencias.get()
    # Y el compromiso 7.1 (IACIP) con un archivo de evidencia de todo el compromiso, enviado.
    ciclo.evidencia_compromiso = evidencias.agregar_evidencia_de_compromiso(
        compromiso=Compromiso.objects.get(eje__plan=ciclo.plan, eje__numero=7, numero=1),
        periodo=ciclo.periodo, usuario=ciclo.iacip,
        evidencia=Evidencia(archivo=SimpleUploadedFile("mapa.pdf", PDF), descripcion="Mapa de municipios"),
    )
    publicado = Periodo.objects.get(plan=ciclo.plan, slug="agosto-noviembre-2023")
    ciclo.borrador = Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=publicado, periodo_final=publicado
    )
    ciclo.informe_publicado = Informe.objects.get(plan=ciclo.plan, numero=1)
    # Tareas en segundo plano: un aviso que falló (pedido por la facilitadora) y la carga de Excel
    # del IACIP, terminada.
    ciclo.tarea_fallida = Tarea.objects.create(
        tipo="correos.devolucion", descripcion="Aviso por correo: avance devuelto de la acción 4.1.1",
        argumentos={"avance_id": avance.pk}, plan=ciclo.plan, pedida_por=ciclo.facilitadora,
        estado=Tarea.Estado.FALLIDA, error="El servidor de correo no respondió.", terminada=timezone.now(), intentos=1,
    )
    ciclo.tarea_del_iacip = Tarea.objects.create(
        tipo="excel.confirmar", descripcion="Carga de Excel «captura.xlsx»", argumentos={}, plan=ciclo.plan,
        pedida_por=ciclo.iacip, estado=Tarea.Estado.TERMINADA, terminada=timezone.now(), progreso=100,
        resultado={"resumen": "Se guardaron 2 avances desde Excel, sin enviarlos al STL."},
    )
    return ciclo


def _informes(e, sufijo=""):
    return f"/trabajo/{e.plan.slug}/informes/{sufijo}"


def _informe_nuevo_post(e):
    publicado = Periodo.objects.get(plan=e.plan, slug="agosto-noviembre-2023")
    return {"numero": "3", "titulo": "Tercer Informe Parcial", "periodo_inicial": publicado.pk,
            "periodo_final": publicado.pk, "sesion": "", "fecha_sesion": ""}


def _estado_informes():
    return sorted(Informe.objects.values_list("pk", "estado", "version", "pdf_sha256", "titulo"))


def _cliente(client, escenario, papel):
    if papel != "anonimo":
        client.force_login(getattr(escenario, papel))
    return client


def _base(e):
    return f"/trabajo/{e.plan.slug}/periodos/{e.periodo.slug}"


def _evidencias_compromiso(e, sufijo=""):
    return f"{_base(e)}/compromisos/7.1/evidencias/{sufijo}"


def _tareas(e, sufijo=""):
    return f"/trabajo/{e.plan.slug}/tareas/{sufijo}"


def _estado_tareas():
    return sorted(Tarea.objects.values_list("pk", "estado", "intentos"))


def _estado_evidencias():
    return sorted(Evidencia.objects.values_list("pk", "estado", "retirada_en", "url"))


def _captura_post(e):
    return {
        "porcentaje": "45", "etapa": "", "narrativa": "Avance del IACIP", "justificacion": "",
        "nota_aclaratoria": "", "version": "0", "operacion": "guardar",
        "evidencias-TOTAL_FORMS": "0", "evidencias-INITIAL_FORMS": "0",
    }


# (nombre, método, dirección, datos) → respuesta esperada por papel, en el orden de PAPELES.
CASOS = {
    "espacio del plan": ("get", lambda e: f"/trabajo/{e.plan.slug}/", None, [302, 404, 404, 200, 200, 200, 200, 200]),
    "captura (ver) 4.1.1": ("get", lambda e: f"{_base(e)}/acciones/4.1.1/", None, [302, 404, 404, 404, 200, 200, 200, 200]),
    "captura (guardar) 4.1.2": (
        "post", lambda e: f"{_base(e)}/acciones/4.1.2/", _captura_post, [302, 404, 404, 404, 302, 403, 302, 302],
    ),
    "tablero": ("get", lambda e: f"{_base(e)}/", None, [302, 404, 404, 403, 403, 200, 200, 200]),
    "revisión (ver) 4.1.1": ("get", lambda e: f"{_base(e)}/acciones/4.1.1/revision/", None, [302, 404, 404, 404, 403, 200, 200, 200]),
    "revisión (validar) 4.1.1": (
        "post", lambda e: f"{_base(e)}/acciones/4.1.1/revision/",
        lambda e: {"decision": "validar", "version": str(e.avance.version), "observaciones": ""},
        [302, 404, 404, 404, 403, 403, 302, 302],
    ),
    "abrir periodo (ver)": ("get", lambda e: f"/trabajo/{e.plan.slug}/periodos/nuevo/", None, [302, 404, 404, 403, 403, 403, 200, 200]),
    "prórroga (ver)": ("get", lambda e: f"{_base(e)}/prorroga/", None, [302, 404, 404, 403, 403, 403, 200, 200]),
    "prórroga (guardar)": (
        "post", lambda e: f"{_base(e)}/prorroga/",
        lambda e: {"fecha_limite": "2024-03-01", "motivo": "Acuerdo de sesión"},
        [302, 404, 404, 403, 403, 403, 302, 302],
    ),
    "cerrar": ("post", lambda e: f"{_base(e)}/cerrar/", lambda e: {}, [302, 404, 404, 403, 403, 403, 302, 302]),
    "publicar": ("post", lambda e: f"{_base(e)}/publicar/", lambda e: {}, [302, 404, 404, 403, 403, 403, 302, 302]),
    "plantilla de Excel": ("get", lambda e: f"{_base(e)}/plantilla.xlsx", None, [302, 404, 404, 200, 200, 200, 200, 200]),
    "exportación a Excel": ("get", lambda e: f"{_base(e)}/avances.xlsx", None, [302, 404, 404, 200, 200, 200, 200, 200]),
    "carga de Excel (ver)": ("get", lambda e: f"{_base(e)}/importar/", None, [302, 404, 404, 200, 200, 403, 200, 200]),
    # Sin archivo: quien puede cargar recibe el error del formulario (400).
    "carga de Excel (subir)": ("post", lambda e: f"{_base(e)}/importar/", lambda e: {}, [302, 404, 404, 400, 400, 403, 400, 400]),
    "carga de Excel (confirmar)": (
        "post", lambda e: f"{_base(e)}/importar/confirmar/", lambda e: {"token": "x", "operacion": "enviar"},
        [302, 404, 404, 400, 400, 403, 400, 400],
    ),
    "ajustes del plan": (
        "post", lambda e: f"/trabajo/{e.plan.slug}/ajustes/", lambda e: {"exige_evidencia": "on"},
        [302, 404, 404, 403, 403, 403, 302, 302],
    ),
    "evidencia sin publicar": ("get", lambda e: f"/evidencias/{e.evidencia.pk}/", None, [404, 404, 404, 404, 200, 200, 200, 200]),
    # Evidencias de todo un compromiso (7.1, del IACIP): su responsable las agrega y quita, el STL
    # las revisa; el responsable de otra institución no sabe que existen.
    "evidencias del compromiso (ver) 7.1": (
        "get", lambda e: _evidencias_compromiso(e), None, [302, 404, 404, 404, 200, 200, 200, 200],
    ),
    "evidencias del compromiso (agregar) 7.1": (
        "post", lambda e: _evidencias_compromiso(e), lambda e: {"evidencia-url": "https://example.org/acta", "evidencia-descripcion": "Acta"},
        [302, 404, 404, 404, 302, 403, 302, 302],
    ),
    "evidencia del compromiso (validar) 7.1": (
        "post", lambda e: _evidencias_compromiso(e, f"{e.evidencia_compromiso.pk}/revision/"), lambda e: {"decision": "validar"},
        [302, 404, 404, 404, 403, 403, 302, 302],
    ),
    "evidencia del compromiso (quitar) 7.1": (
        "post", lambda e: _evidencias_compromiso(e, f"{e.evidencia_compromiso.pk}/quitar/"), lambda e: {},
        [302, 404, 404, 404, 302, 403, 302, 302],
    ),
    "evidencia del compromiso sin publicar": (
        "get", lambda e: f"/evidencias/{e.evidencia_compromiso.pk}/", None, [404, 404, 404, 404, 200, 200, 200, 200],
    ),
    # Informes parciales: el STL los ve; solo la facilitación los crea, publica, corrige o borra.
    "informes (lista)": ("get", lambda e: _informes(e), None, [302, 404, 404, 403, 403, 200, 200, 200]),
    "informe borrador (ver)": ("get", lambda e: _informes(e, f"{e.borrador.pk}/"), None, [302, 404, 404, 403, 403, 200, 200, 200]),
    "informe borrador (vista previa PDF)": (
        "get", lambda e: _informes(e, f"{e.borrador.pk}/vista-previa.pdf"), None, [302, 404, 404, 403, 403, 200, 200, 200],
    ),
    "informe nuevo (ver)": ("get", lambda e: _informes(e, "nuevo/"), None, [302, 404, 404, 403, 403, 403, 200, 200]),
    "informe nuevo (crear)": ("post", lambda e: _informes(e, "nuevo/"), _informe_nuevo_post, [302, 404, 404, 403, 403, 403, 302, 302]),
    "informe (editar)": ("post", lambda e: _informes(e, f"{e.borrador.pk}/editar/"), _informe_nuevo_post, [302, 404, 404, 403, 403, 403, 302, 302]),
    "informe (publicar)": ("post", lambda e: _informes(e, f"{e.borrador.pk}/publicar/"), lambda e: {}, [302, 404, 404, 403, 403, 403, 302, 302]),
    "informe (corregir)": (
        "post", lambda e: _informes(e, f"{e.informe_publicado.pk}/corregir/"), lambda e: {"motivo_correccion": "Errata en 1.5"},
        [302, 404, 404, 403, 403, 403, 302, 302],
    ),
    "informe (borrar borrador)": ("post", lambda e: _informes(e, f"{e.borrador.pk}/borrar/"), lambda e: {}, [302, 404, 404, 403, 403, 403, 302, 302]),
    # Trabajo en segundo plano: el STL ve la lista y cada tarea; un responsable, solo las que pidió;
    # reintenta la facilitación (o quien la pidió), nunca la integrante.
    "tareas (lista)": ("get", lambda e: _tareas(e), None, [302, 404, 404, 403, 403, 200, 200, 200]),
    "tarea de la facilitadora (ver)": (
        "get", lambda e: _tareas(e, f"{e.tarea_fallida.pk}/"), None, [302, 404, 404, 404, 404, 200, 200, 200],
    ),
    "tarea del IACIP (ver)": ("get", lambda e: _tareas(e, f"{e.tarea_del_iacip.pk}/"), None, [302, 404, 404, 404, 200, 200, 200, 200]),
    "tarea fallida (reintentar)": (
        "post", lambda e: _tareas(e, f"{e.tarea_fallida.pk}/reintentar/"), lambda e: {}, [302, 404, 404, 404, 404, 403, 302, 302],
    ),
}


@pytest.mark.parametrize("papel", PAPELES)
@pytest.mark.parametrize("caso", list(CASOS))
def test_matriz_de_permisos(client, escenario, caso, papel):
    metodo, direccion, datos, esperados = CASOS[caso]
    esperado = esperados[PAPELES.index(papel)]
    cliente = _cliente(client, escenario, papel)
    antes = {a.pk: (a.estado, a.version, a.porcentaje) for a in Avance.objects.all()}
    periodo_antes = (escenario.periodo.estado, escenario.periodo.fecha_limite)
    informes_antes = _estado_informes()
    evidencias_antes = _estado_evidencias()
    tareas_antes = _estado_tareas()
    # Como en una petición de verdad, lo que espera a la confirmación corre (las tareas, sin broker).
    with al_confirmarse():
        if metodo == "get":
            respuesta = cliente.get(direccion(escenario))
        else:
            respuesta = cliente.post(direccion(escenario), datos(escenario))
    assert respuesta.status_code == esperado, f"{caso} como {papel}: {respuesta.status_code}"
    if esperado == 302 and papel == "anonimo":
        assert respuesta["Location"].startswith("/cuentas/entrar/?next=")
    if esperado in (403, 404) or papel == "anonimo":
        # Un rechazo no cambia nada.
        assert {a.pk: (a.estado, a.version, a.porcentaje) for a in Avance.objects.all()} == antes
        escenario.periodo.refresh_from_db()
        assert (escenario.periodo.estado, escenario.periodo.fecha_limite) == periodo_antes
        escenario.plan.refresh_from_db()
        assert not escenario.plan.exige_evidencia
        assert _estado_informes() == informes_antes
        assert _estado_evidencias() == evidencias_antes
        assert _estado_tareas() == tareas_antes
    elif caso.startswith("tarea") and metodo == "post":
        assert _estado_tareas() != tareas_antes, f"{caso} como {papel} no cambió nada"
    elif caso.startswith("informe") and metodo == "post":
        assert _estado_informes() != informes_antes, f"{caso} como {papel} no cambió nada"
    elif caso.startswith("evidencia") and metodo == "post":
        assert _estado_evidencias() != evidencias_antes, f"{caso} como {papel} no cambió nada"


def test_un_404_no_revela_nada_de_otra_institucion(client, escenario):
    client.force_login(escenario.judicial)
    respuesta = client.get(f"{_base(escenario)}/acciones/4.1.1/")
    assert respuesta.status_code == 404
    assert "Avance del IACIP" not in respuesta.content.decode()
    assert "Transparencia" not in respuesta.content.decode()


def test_el_espacio_del_responsable_solo_lista_sus_acciones(client, escenario):
    client.force_login(escenario.judicial)
    html = client.get(f"/trabajo/{escenario.plan.slug}/").content.decode()
    assert "3.1.1" in html and "3.1.2" in html
    assert "4.1.1" not in html and "7.1.1" not in html


def test_las_paginas_del_trabajo_no_se_guardan_en_caches_compartidas(client, escenario):
    client.force_login(escenario.iacip)
    respuesta = client.get(f"{_base(escenario)}/acciones/4.1.1/")
    assert "private" in respuesta["Cache-Control"] and "no-store" in respuesta["Cache-Control"]
    descarga = client.get(f"/evidencias/{escenario.evidencia.pk}/")
    assert descarga["Content-Disposition"].startswith("attachment")
    assert descarga["X-Content-Type-Options"] == "nosniff"
    assert "private" in descarga["Cache-Control"]


def test_cerrar_y_publicar_no_aceptan_get(client, escenario):
    client.force_login(escenario.facilitadora)
    assert client.get(f"{_base(escenario)}/cerrar/").status_code == 405
    assert client.get(f"{_base(escenario)}/publicar/").status_code == 405


def test_una_cuenta_inactiva_no_entra(client, escenario):
    escenario.iacip.is_active = False
    escenario.iacip.save()
    respuesta = client.post("/cuentas/entrar/", {"username": "iacip", "password": CLAVE})
    assert respuesta.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(escenario.iacip)  # una sesión abierta antes de desactivarla ya no vale
    assert client.get(f"/trabajo/{escenario.plan.slug}/").status_code == 302


def test_el_periodo_inexistente_y_la_accion_inexistente_dan_404_en_espanol(client, escenario):
    client.force_login(escenario.facilitadora)
    respuesta = client.get(f"/trabajo/{escenario.plan.slug}/periodos/no-existe/")
    assert respuesta.status_code == 404
    respuesta = client.get(f"{_base(escenario)}/acciones/9.9.9/")
    assert respuesta.status_code == 404
    assert "No encontramos esta página" in respuesta.content.decode()
