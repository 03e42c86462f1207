"""Instituciones, personas, representantes por compromiso y membresías del plan, desde
«Personas y cuentas»: lo que la facilitadora ve y lo que queda escrito (con su historial)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gestion import personas
from plan.models import Compromiso, Institucion, Membresia, Persona
from seguimiento import flujo
from seguimiento.bitacora import historial_del_avance
from tests.ayudas import accion, texto_de
from tests.gestion.ayudas_personas import PLAN


@pytest.fixture
def stl(client, ciclo):
    client.force_login(ciclo.facilitadora)
    return ciclo


def _compromiso(plan, clave):
    eje, numero = clave.split(".")
    return Compromiso.objects.get(eje__plan=plan, eje__numero=eje, numero=numero)


# --- Instituciones --------------------------------------------------------------------------


def test_registrar_y_corregir_una_institucion(client, stl):
    datos = {"nombre": "Colectivo Datos Guanajuato", "siglas": "CDG", "tipo": "sociedad_civil",
             "sitio_web": "https://datos-gto.example.org", "correo_institucional": "contacto@datos-gto.example.org",
             "telefono_institucional": "473 000 0000"}
    respuesta = client.post(f"{PLAN}/personas/instituciones/nueva/", datos)
    assert respuesta.status_code == 302
    nueva = Institucion.objects.get(siglas="CDG")
    assert nueva.history.get().history_user == stl.facilitadora
    lista = texto_de(client.get(respuesta.url))
    assert "Colectivo Datos Guanajuato (CDG)" in lista and "No (sin uso en ningún plan)" in lista
    repetida = client.post(f"{PLAN}/personas/instituciones/{nueva.pk}/", {**datos, "nombre": stl.inst_iacip.nombre})
    assert repetida.status_code == 200 and "Ya existe" in " ".join(repetida.context["form"].errors["nombre"])
    client.post(f"{PLAN}/personas/instituciones/{nueva.pk}/", {**datos, "telefono_institucional": "473 111 1111"})
    assert Institucion.objects.get(pk=nueva.pk).telefono_institucional == "473 111 1111"


def test_una_institucion_en_uso_no_se_borra_y_se_dice_por_que(client, stl):
    respuesta = client.post(f"{PLAN}/personas/instituciones/{stl.inst_iacip.pk}/borrar/", follow=True)
    texto = texto_de(respuesta)
    assert "No se puede borrar IACIP: es responsable de compromisos" in texto
    assert "tiene cuentas responsables" in texto
    assert Institucion.objects.filter(pk=stl.inst_iacip.pk).exists()


def test_la_lista_de_instituciones_en_consultas_fijas(client, stl, django_assert_num_queries):
    Institucion.objects.create(nombre="Colectivo Datos Guanajuato", tipo="sociedad_civil")
    # sesión, cuenta, plan, membresías de la cuenta en el plan, instituciones (con si el plan las usa)
    with django_assert_num_queries(5):
        respuesta = client.get(f"{PLAN}/personas/instituciones/")
    assert "Instituciones (10)" in texto_de(respuesta)


# --- Personas -------------------------------------------------------------------------------


def test_mover_a_quien_representa_un_compromiso_se_rechaza(client, stl):
    titular = _compromiso(stl.plan, "4.1").representante
    datos = {"grado": titular.grado, "nombre": titular.nombre, "cargo": titular.cargo,
             "institucion": stl.inst_judicial.pk}
    respuesta = client.post(f"{PLAN}/personas/funcionarias/{titular.pk}/", datos)
    assert respuesta.status_code == 200
    error = " ".join(respuesta.context["form"].errors["institucion"])
    assert "el compromiso 4.1 del PAL 2022-2024" in error and "Nombre antes a otra persona" in error
    assert Persona.objects.get(pk=titular.pk).institucion == stl.inst_iacip


def test_mover_a_una_persona_guarda_la_institucion_anterior_en_el_historial(client, stl):
    persona = Persona.objects.create(nombre="Rosa Méndez", cargo="Enlace", institucion=stl.inst_iacip)
    respuesta = client.post(f"{PLAN}/personas/funcionarias/{persona.pk}/",
                            {"grado": "", "nombre": "Rosa Méndez", "cargo": "Enlace", "institucion": stl.inst_judicial.pk})
    assert respuesta.status_code == 302
    versiones = list(Persona.objects.get(pk=persona.pk).history.order_by("history_date"))
    assert [v.institucion_id for v in versiones] == [stl.inst_iacip.pk, stl.inst_judicial.pk]
    assert versiones[-1].history_user == stl.facilitadora


def test_una_persona_que_aparece_en_el_plan_no_se_borra(client, stl):
    titular = _compromiso(stl.plan, "4.1").representante
    texto = texto_de(client.post(f"{PLAN}/personas/funcionarias/{titular.pk}/borrar/", follow=True))
    assert f"No se puede borrar a {titular}: representa compromisos" in texto
    libre = Persona.objects.create(nombre="Rosa Méndez", institucion=stl.inst_iacip)
    assert "Rosa Méndez borrada" in texto_de(client.post(f"{PLAN}/personas/funcionarias/{libre.pk}/borrar/", follow=True))
    assert not Persona.objects.filter(pk=libre.pk).exists()


def test_la_lista_de_personas_en_consultas_fijas(client, stl, django_assert_num_queries):
    # sesión, cuenta, plan, membresías de la cuenta, personas (con institución y cuenta)
    with django_assert_num_queries(5):
        respuesta = client.get(f"{PLAN}/personas/funcionarias/")
    assert "J. Jesús Soria Narváez" in texto_de(respuesta)


# --- Representantes -------------------------------------------------------------------------


def test_nombrar_titular_y_suplente_de_un_compromiso(client, stl):
    compromiso = _compromiso(stl.plan, "4.1")
    titular = compromiso.representante
    suplente = Persona.objects.create(nombre="Rosa Méndez", cargo="Enlace", institucion=stl.inst_iacip)
    ruta = f"{PLAN}/personas/representantes/4.1/"
    igual = client.post(ruta, {"representante": titular.pk, "representante_suplente": titular.pk})
    assert "no puede ser la misma" in " ".join(igual.context["form"].errors["representante_suplente"])
    ajena = Persona.objects.filter(institucion=stl.inst_judicial).first()
    otra = client.post(ruta, {"representante": ajena.pk, "representante_suplente": ""})
    assert otra.status_code == 200 and otra.context["form"].errors["representante"]
    assert client.post(ruta, {"representante": titular.pk, "representante_suplente": suplente.pk}).status_code == 302
    compromiso.refresh_from_db()
    assert compromiso.representante_suplente == suplente
    assert compromiso.history.first().history_change_reason.startswith("Representantes: titular")
    assert "Rosa Méndez" in texto_de(client.get(f"{PLAN}/personas/representantes/"))


def test_el_servicio_rechaza_a_una_persona_de_otra_institucion(stl):
    compromiso = _compromiso(stl.plan, "4.1")
    ajena = Persona.objects.filter(institucion=stl.inst_judicial).first()
    with pytest.raises(Exception) as error:
        personas.asignar_representantes(compromiso=compromiso, titular=ajena, suplente=None, usuario=stl.facilitadora)
    assert "no es de IACIP" in str(error.value)


def test_la_lista_de_representantes_en_consultas_fijas(client, stl, django_assert_num_queries):
    # sesión, cuenta, plan, membresías de la cuenta, compromisos (con eje, institución y representantes)
    with django_assert_num_queries(5):
        respuesta = client.get(f"{PLAN}/personas/representantes/")
    assert "Compromisos de PAL 2022-2024 (13)" in texto_de(respuesta)


# --- Membresías -----------------------------------------------------------------------------


def test_la_lista_de_cuentas_en_consultas_fijas(client, stl, django_assert_num_queries):
    # sesión, cuenta, plan, membresías de la cuenta, invitaciones del plan, membresías del plan
    with django_assert_num_queries(6):
        respuesta = client.get(f"{PLAN}/personas/")
    texto = texto_de(respuesta)
    assert "Membresías de PAL 2022-2024 (4)" in texto and "Responsable o enlace de una institución IACIP" in texto


def test_cambiar_el_papel(client, stl):
    membresia = Membresia.objects.get(plan=stl.plan, usuario=stl.iacip)
    sin = client.post(f"{PLAN}/personas/cuentas/{membresia.pk}/", {"rol": "responsable", "institucion": ""})
    assert "Elija la institución" in " ".join(sin.context["form"].errors["institucion"])
    assert client.post(f"{PLAN}/personas/cuentas/{membresia.pk}/", {"rol": "integrante"}).status_code == 302
    membresia.refresh_from_db()
    assert (membresia.rol, membresia.institucion) == ("integrante", None)
    client.force_login(stl.iacip)
    assert client.get(f"{PLAN}/personas/").status_code == 200  # ahora lee la gestión del plan


def test_la_ultima_facilitadora_no_se_quita_a_si_misma(client, stl):
    propia = Membresia.objects.get(plan=stl.plan, usuario=stl.facilitadora)
    texto = texto_de(client.post(f"{PLAN}/personas/cuentas/{propia.pk}/baja/", follow=True))
    assert "es la única persona facilitadora activa del plan" in texto
    cambio = client.post(f"{PLAN}/personas/cuentas/{propia.pk}/", {"rol": "integrante"})
    assert "única persona facilitadora" in texto_de(cambio)
    propia.refresh_from_db()
    assert propia.activa and propia.rol == "facilitador"


def test_dar_de_baja_quita_el_acceso_y_conserva_lo_que_hizo(client, stl):
    avance = flujo.guardar_avance(
        accion=accion(stl.plan, "4.1.1"), periodo=stl.periodo, usuario=stl.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0, enviar=True,
    )
    membresia = Membresia.objects.get(plan=stl.plan, usuario=stl.iacip)
    otra = client
    responsable = Client()  # la responsable tiene su sesión abierta en otro navegador
    responsable.force_login(stl.iacip)
    assert responsable.get(f"{PLAN}/").status_code == 200
    respuesta = otra.post(f"{PLAN}/personas/cuentas/{membresia.pk}/baja/", follow=True)
    assert "ya no tiene acceso a este plan; lo que hizo sigue con su nombre" in texto_de(respuesta)
    siguiente = responsable.get(f"{PLAN}/")  # la siguiente petición ya no entra: la cuenta está desactivada
    assert siguiente.status_code == 302 and siguiente.url.startswith("/cuentas/entrar/")
    cuenta = get_user_model().objects.get(pk=stl.iacip.pk)
    assert not cuenta.is_active  # no tenía otra membresía activa
    avance.refresh_from_db()
    assert avance.enviado_por == cuenta
    assert [e.cuenta for e in historial_del_avance(avance)] == ["Iacip"]  # el nombre de la cuenta, no «eliminada»
    assert "Dada de baja" in texto_de(client.get(f"{PLAN}/personas/"))

    client.post(f"{PLAN}/personas/cuentas/{membresia.pk}/reactivar/")
    assert get_user_model().objects.get(pk=stl.iacip.pk).is_active
    responsable.force_login(stl.iacip)
    assert responsable.get(f"{PLAN}/").status_code == 200


def test_la_cuenta_de_administracion_no_se_desactiva(client, stl, django_user_model):
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "x", is_staff=True)
    membresia = Membresia.objects.create(usuario=staff, plan=stl.plan, rol="integrante")
    client.post(f"{PLAN}/personas/cuentas/{membresia.pk}/baja/")
    assert get_user_model().objects.get(pk=staff.pk).is_active
