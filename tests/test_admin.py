"""La oficina del STL en el admin: cada modelo editable, en español y con historial."""

import re
from html import unescape

import pytest
from django.urls import reverse

from plan.models import Accion, Compromiso, Eje, EnlaceCompromiso, Institucion, ObjetivoODS, Persona, Plan
from seguimiento.models import Avance, Evidencia, Informe, Periodo
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db

MODELOS = [Plan, Eje, Compromiso, Accion, Institucion, Persona, ObjetivoODS, Periodo, Avance, Informe]


@pytest.fixture
def staff(client, superusuario):
    client.force_login(superusuario)
    return client


def _url(modelo, accion, *args):
    return reverse(f"admin:{modelo._meta.app_label}_{modelo._meta.model_name}_{accion}", args=args)


@pytest.mark.parametrize("modelo", MODELOS, ids=lambda m: m.__name__)
def test_listado_formulario_e_historial_de_cada_modelo(staff, pal, modelo):
    call = staff.get(_url(modelo, "changelist"))
    assert call.status_code == 200
    objeto = modelo.objects.first()
    if objeto is None:
        objeto = ObjetivoODS.objects.create(numero=16, nombre="Paz, justicia e instituciones sólidas")
    assert staff.get(_url(modelo, "change", objeto.pk)).status_code == 200
    historial = staff.get(_url(modelo, "history", objeto.pk))
    assert historial.status_code == 200


def test_admin_en_espanol(staff, pal):
    html = staff.get(reverse("admin:index")).content.decode()
    assert "Estado Abierto · Oficina del STL" in html
    for etiqueta in ["Planes de acción local", "Compromisos", "Acciones", "Avances", "Periodos de reporte", "Instituciones", "Informes"]:
        assert etiqueta in html
    formulario = staff.get(_url(Compromiso, "change", Compromiso.objects.first().pk)).content.decode()
    for etiqueta in ["Propósito ciudadano (metas verificables)", "Partes cocreadoras", "Representante titular", "Alineación con la Agenda 2030"]:
        assert etiqueta in formulario


def test_plan_muestra_su_avance_calculado_y_los_errores_de_pesos(staff, pal):
    html = staff.get(_url(Plan, "change", pal.pk)).content.decode()
    assert "45 % · 33 de 33 acciones con reporte" in html
    Accion.objects.filter(compromiso__eje__plan=pal, compromiso__eje__numero=6).update(peso=0)
    html = staff.get(_url(Plan, "change", pal.pk)).content.decode()
    assert "Los pesos de las acciones del compromiso 6.1 suman 0" in html


def _datos_compromiso(compromiso, **cambios):
    acciones = list(compromiso.acciones.order_by("numero"))
    datos = {
        "eje": compromiso.eje_id,
        "numero": compromiso.numero,
        "nombre": compromiso.nombre,
        "peso": "1",
        "institucion_responsable": compromiso.institucion_responsable_id,
        "representante": compromiso.representante_id or "",
        "acciones-TOTAL_FORMS": len(acciones),
        "acciones-INITIAL_FORMS": len(acciones),
        "acciones-MIN_NUM_FORMS": 0,
        "acciones-MAX_NUM_FORMS": 1000,
        "enlaces-TOTAL_FORMS": 0,
        "enlaces-INITIAL_FORMS": 0,
        "enlaces-MIN_NUM_FORMS": 0,
        "enlaces-MAX_NUM_FORMS": 1000,
        "estatus-TOTAL_FORMS": 0,
        "estatus-INITIAL_FORMS": 0,
        "estatus-MIN_NUM_FORMS": 0,
        "estatus-MAX_NUM_FORMS": 1000,
        "evidencias-TOTAL_FORMS": 0,
        "evidencias-INITIAL_FORMS": 0,
        "evidencias-MIN_NUM_FORMS": 0,
        "evidencias-MAX_NUM_FORMS": 1000,
    }
    for i, accion in enumerate(acciones):
        datos.update(
            {
                f"acciones-{i}-id": accion.pk,
                f"acciones-{i}-compromiso": compromiso.pk,
                f"acciones-{i}-numero": accion.numero,
                f"acciones-{i}-peso": str(accion.peso),
                f"acciones-{i}-descripcion": accion.descripcion,
                f"acciones-{i}-destacado": accion.destacado,
            }
        )
    datos.update(cambios)
    return datos


def test_editar_pesos_de_acciones_en_linea_queda_en_el_historial(staff, pal, superusuario):
    compromiso = Compromiso.objects.get(eje__plan=pal, eje__numero=1, numero=5)
    respuesta = staff.post(_url(Compromiso, "change", compromiso.pk), _datos_compromiso(compromiso, **{"acciones-2-peso": "3"}))
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    accion = compromiso.acciones.get(numero=3)
    assert accion.peso == 3
    ultimo = accion.history.first()
    assert ultimo.history_type == "~" and ultimo.history_user == superusuario
    assert ultimo.prev_record.peso == 1
    # Con 1.5.3 (100 %) pesando 3: (35 + 10 + 3×100 + 0) / 6 = 57.5
    from seguimiento.rollup import calcular_avance

    assert next(c for c in calcular_avance(pal).compromisos() if c.clave == "1.5").avance == 57.5


def test_peso_negativo_rechazado_con_mensaje_en_espanol(staff, pal):
    compromiso = Compromiso.objects.get(eje__plan=pal, eje__numero=1, numero=1)
    respuesta = staff.post(_url(Compromiso, "change", compromiso.pk), _datos_compromiso(compromiso, **{"acciones-0-peso": "-1"}))
    assert respuesta.status_code == 200
    assert "Asegúrese de que este valor sea mayor o igual a 0." in respuesta.content.decode()
    assert compromiso.acciones.get(numero=1).peso == 1


def test_validar_un_avance_registra_quien_y_cuando(staff, pal, superusuario):
    avance = Avance.objects.get(accion__compromiso__eje__numero=2, accion__numero=1)
    Avance.objects.filter(pk=avance.pk).update(estado=Avance.Estado.ENVIADO)
    datos = {
        "accion": avance.accion_id,
        "periodo": avance.periodo_id,
        "estado": "validado",
        "porcentaje": "30.00",
        "etapa": "",
        "narrativa": "Se realizaron dos consultas.",
        "nota_aclaratoria": "",
        "evidencias-TOTAL_FORMS": 1,
        "evidencias-INITIAL_FORMS": 0,
        "evidencias-MIN_NUM_FORMS": 0,
        "evidencias-MAX_NUM_FORMS": 1000,
        "evidencias-0-descripcion": "Micrositio de la consulta",
        "evidencias-0-url": "https://congresogto.gob.mx/consulta",
    }
    respuesta = staff.post(_url(Avance, "change", avance.pk), datos)
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    avance.refresh_from_db()
    assert avance.estado == "validado" and avance.validado_por == superusuario and avance.validado_en
    assert avance.evidencias.get().url == "https://congresogto.gob.mx/consulta"
    assert avance.history.first().narrativa == "Se realizaron dos consultas."


def test_la_evidencia_de_un_periodo_publicado_no_se_borra_desde_el_admin(staff, pal):
    avance = Avance.objects.filter(periodo__estado=Periodo.Estado.PUBLICADO).first()
    evidencia = Evidencia.objects.create(avance=avance, url="https://congresogto.gob.mx/acta", descripcion="Acta")
    pagina = staff.get(_url(Avance, "change", avance.pk)).content.decode()
    assert 'name="evidencias-0-id"' in pagina and 'name="evidencias-0-DELETE"' not in pagina
    datos = {
        "accion": avance.accion_id, "periodo": avance.periodo_id, "estado": avance.estado,
        "porcentaje": str(avance.porcentaje), "etapa": avance.etapa, "narrativa": avance.narrativa,
        "nota_aclaratoria": avance.nota_aclaratoria, "observaciones": avance.observaciones,
        "evidencias-TOTAL_FORMS": 1, "evidencias-INITIAL_FORMS": 1,
        "evidencias-MIN_NUM_FORMS": 0, "evidencias-MAX_NUM_FORMS": 1000,
        "evidencias-0-id": evidencia.pk, "evidencias-0-avance": avance.pk,
        "evidencias-0-descripcion": "Acta", "evidencias-0-url": evidencia.url, "evidencias-0-DELETE": "on",
    }
    staff.post(_url(Avance, "change", avance.pk), datos)
    assert Evidencia.objects.filter(pk=evidencia.pk).exists()


def test_enlaces_y_su_historial(pal):
    enlace = EnlaceCompromiso.objects.first()
    enlace.titulo = "Sitio oficial"
    enlace.save()
    # El registro inicial (de preparar) y el cambio.
    assert [h.history_type for h in enlace.history.all()] == ["~", "+"]
    assert enlace.history.first().titulo == "Sitio oficial"


def test_el_historial_se_lee_sin_valores_crudos(staff, pal, django_user_model):
    """Cada cambio del historial dice su valor como lo lee una persona: la cuenta que se eliminó,
    la fecha en es-MX, «—» para lo vacío; nunca «None», «Deleted usuario (pk=…)» ni una fecha ISO."""
    from seguimiento import flujo

    avance = Avance.objects.get(accion__compromiso__eje__numero=2, accion__compromiso__numero=1, accion__numero=1)
    Avance.objects.filter(pk=avance.pk).update(estado=Avance.Estado.ENVIADO, validado_en=None, validado_por=None)
    temporal = django_user_model.objects.create_user("facilitadora-que-se-fue", "f@example.org", "clave-segura-123")
    avance = flujo.validar_avance(avance_id=avance.pk, usuario=temporal, version=avance.version)
    temporal.delete()
    respuesta = staff.get(_url(Avance, "history", avance.pk))
    html = respuesta.content.decode()
    texto = re.sub(r"\s+", " ", unescape(texto_de(respuesta)))
    assert "Validado por: — → una cuenta eliminada" in texto  # antes no lo había validado nadie
    assert "Validado el: — → " in texto and "Versión: 1 → 2" in texto
    assert "None" not in html and "Deleted" not in html
    # Lo que simple-history no trae en español (estado_abierto/locale).
    for encabezado in ("Historial de cambios: Avance", "Cambiado por", "Motivo del cambio", "Cambios", "Elija una fecha de la lista"):
        assert encabezado in texto, encabezado
    assert avance.validado_en.isoformat()[:19].replace("T", " ") not in html


def test_las_cifras_publicadas_dicen_de_que_son(staff, pal):
    informe = Informe.objects.get(plan=pal, numero=1)
    html = staff.get(_url(Informe, "change", informe.pk)).content.decode()
    assert "Compromiso 1.1: 30 %" in html
    assert "Compromiso 1.2: sin cifra" in html  # el informe lo presentó sin cifra
    assert "Avance global: 42 %" in html
    assert "Compromiso: None" not in html and ": None" not in html
