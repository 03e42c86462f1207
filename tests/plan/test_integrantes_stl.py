"""Integrantes del STL de cada plan, tal como los imprimen las semillas: la tabla del PAL
2019-2021 (semilla 001) y los representantes titulares del 1er Informe Parcial (semilla 000)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from plan.licencias import licencia_del_plan
from plan.models import Institucion, IntegranteSTL, Persona, Plan

pytestmark = pytest.mark.django_db


def _tabla(slug):
    return [
        (i.institucion.nombre, i.titular.nombre, i.suplente.nombre if i.suplente else None)
        for i in IntegranteSTL.objects.del_plan(Plan.objects.get(slug=slug))
    ]


def test_tabla_del_stl_del_pal_2019_2021_como_la_imprime(pal):
    assert _tabla("pal-2019-2021") == [
        ("Instituto de Acceso a la Información Pública para el Estado de Guanajuato", "Ma. de Los Angeles Ducoing Valdepeña", "Angela Lorena Vela Cervantes"),
        ("Asociación Mexicana de Mujeres Empresarias Capítulo León", "Ma. Eduviges Velázquez Castellanos", "Margarita Alonso Hernández"),
        ("Poder Legislativo del Estado de Guanajuato", "Carolina Medina Vallejo", "María Fernanda Arreguín Gámez"),
        ("Gentileza es Unión A.C.", "Regina Mercado Calderón", "Alejandro Domínguez López Velarde"),
        ("Poder Ejecutivo del Estado de Guanajuato", "J. Jesús Soria Narváez", "Omar Alberto Ortiz Vázquez"),
        ("Colores del Rincón, A.C.", "Gerardo Eugenio Martínez Villanueva", "Miriam Patricia Calle Saravia"),
        ("Poder Judicial del Estado de Guanajuato", "Francisco Javier Zamora Rocha", "Hugo Arturo Morales Treviño"),
        ("Universidad de Guanajuato", "Diego Enrique Ramírez García", None),  # sin suplente impreso
        ("Municipio de León", "Omar Silva Palancares", "Karla Venecia López Pérez"),
    ]
    plan = Plan.objects.get(slug="pal-2019-2021")
    assert plan.stl_facilitacion == "Mariela del Carmen Huerta Guerrero"
    assert plan.stl_nombre == "Secretariado Técnico Local de Gobierno Abierto para el Estado de Guanajuato"
    # La tabla no imprime cargos: las personas nuevas quedan sin cargo, no se inventa.
    assert Persona.objects.get(nombre="Angela Lorena Vela Cervantes").cargo == ""
    # Ni correo ni domicilio del STL: no están en las semillas.
    assert (plan.stl_correo, plan.stl_domicilio, plan.licencia) == ("", "", "")


def test_representantes_titulares_del_pal_2022_2024_segun_el_informe(pal):
    tabla = _tabla("pal-2022-2024")
    assert len(tabla) == 9 and all(suplente is None for *_resto, suplente in tabla)
    assert tabla[0] == ("Poder Ejecutivo del Estado de Guanajuato", "J. Jesús Soria Narváez", None)
    assert ("Instituto de Acceso a la Información Pública para el Estado de Guanajuato", "José Cristian Urrutia Negrete", None) in tabla
    # Son los mismos registros que los representantes de los compromisos: nada duplicado.
    titulares = {i.titular_id for i in IntegranteSTL.objects.filter(plan=pal)}
    assert titulares == set(pal.ejes.values_list("compromisos__representante", flat=True))
    assert pal.stl_nombre == "Secretariado Técnico Local de Estado Abierto Guanajuato 2022-2024"
    # Una persona y una institución, un solo registro en los dos planes.
    assert Persona.objects.filter(nombre="J. Jesús Soria Narváez").count() == 1
    assert Institucion.objects.filter(siglas="IACIP").count() == 1


def test_contacto_institucional_solo_el_impreso(pal):
    judicial = Institucion.objects.get(nombre="Poder Judicial del Estado de Guanajuato")
    assert judicial.sitio_web == "https://www.poderjudicial-gto.gob.mx/"
    assert not Institucion.objects.exclude(pk=judicial.pk).filter(sitio_web__gt="").exists()
    assert not Institucion.objects.exclude(correo_institucional="", telefono_institucional="").exists()


def test_licencia_por_omision_hasta_que_el_stl_la_fija(pal):
    licencia = licencia_del_plan(pal)
    assert (licencia.clave, licencia.fijada_por_el_stl) == ("cc-by-4.0", False)
    pal.licencia = "cc0-1.0"
    pal.save()
    licencia = licencia_del_plan(pal)
    assert (licencia.url, licencia.fijada_por_el_stl) == ("https://creativecommons.org/publicdomain/zero/1.0/deed.es", True)
    pal.licencia = "propia"
    with pytest.raises(IntegrityError), transaction.atomic():
        pal.save()


def test_restricciones_de_la_base(pal):
    integrante = IntegranteSTL.objects.filter(plan=pal).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IntegranteSTL.objects.create(plan=pal, institucion=integrante.institucion, titular=integrante.titular)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntegranteSTL.objects.filter(pk=integrante.pk).update(suplente=integrante.titular)
    # Titular y suplente son de la institución que representan.
    otra = Persona.objects.exclude(institucion=integrante.institucion).first()
    integrante.suplente = otra
    with pytest.raises(ValidationError) as error:
        integrante.full_clean()
    assert "suplente" in error.value.message_dict


def test_cada_plan_carga_solo_con_su_stl(transactional_db):
    call_command("loaddata", "ods", "pal_2019_2021", verbosity=0, stdout=StringIO())
    assert IntegranteSTL.objects.count() == 9
    call_command("loaddata", "pal_2022_2024", verbosity=0, stdout=StringIO())
    assert IntegranteSTL.objects.count() == 18
    # El segundo fixture no cambió a la persona que comparten.
    assert Persona.objects.get(nombre="J. Jesús Soria Narváez").grado == "Mtro."


def test_en_el_admin_un_integrante_vacio_o_de_otra_institucion_es_un_error_en_su_campo(client, pal, superusuario):
    client.force_login(superusuario)
    vacio = client.post("/admin/plan/integrantestl/add/", {})
    assert vacio.status_code == 200 and "Este campo es obligatorio" in vacio.content.decode()
    integrante = IntegranteSTL.objects.filter(plan=pal).select_related("titular").first()
    ajena = Persona.objects.exclude(institucion=integrante.institucion).first()
    respuesta = client.post(
        "/admin/plan/integrantestl/add/",
        {"plan": pal.pk, "institucion": ajena.institucion_id, "titular": integrante.titular_id, "orden": 1},
    )
    assert "Debe ser una persona de la institución que representa." in respuesta.content.decode()
