"""Crear planes: quién entra a cada dirección (papel × dirección) y el plan vacío a mano."""

import pytest
from django.urls import reverse

from gestion.exportacion_plan import exportar
from plan.models import Membresia, Plan
from tests.ayudas import texto_de
from tests.gestion.ayudas_planes import cliente_de, como_archivo

PAPELES = ["anonimo", "sin_papel", "iacip", "integrante", "extrana", "facilitadora", "admin"]
#: Quién puede crear planes: la facilitación de algún plan (la de otro plan también) y la administración.
CREAN = {"extrana", "facilitadora", "admin"}


def _vista_previa(client, ciclo) -> str:
    """Sube un libro válido como la facilitadora y devuelve la dirección de su vista previa."""
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(
        reverse("gestion:plan_importar"),
        {"archivo": como_archivo(exportar(ciclo.plan)), "slug": "pal-copia"},
    )
    assert respuesta.status_code == 302, texto_de(respuesta)
    return respuesta["Location"]


@pytest.mark.parametrize("papel", PAPELES)
@pytest.mark.parametrize(
    "nombre, metodo",
    [("gestion:plan_nuevo", "get"), ("gestion:plan_nuevo", "post"), ("gestion:plan_plantilla", "get"),
     ("gestion:plan_importar", "get"), ("gestion:plan_importar", "post")],
)
def test_crear_planes_solo_quien_puede(client, ciclo, django_user_model, papel, nombre, metodo):
    cliente = cliente_de(client, ciclo, papel, django_user_model)
    respuesta = getattr(cliente, metodo)(reverse(nombre))
    if papel == "anonimo":
        assert respuesta.status_code == 302 and respuesta["Location"].startswith(reverse("cuentas:entrar"))
    elif papel in CREAN:
        assert respuesta.status_code == (200 if metodo == "get" else 400)  # POST vacío: errores del formulario
    else:
        assert respuesta.status_code == 404
    assert not Plan.objects.exclude(slug__in=["pal-2022-2024", "pal-2019-2021", "otro-plan"]).exists()


@pytest.mark.parametrize("papel", PAPELES)
def test_la_vista_previa_y_su_confirmacion_son_de_quien_subio_el_archivo(client, ciclo, django_user_model, papel):
    direccion = _vista_previa(client, ciclo)
    cliente = client
    if papel != "facilitadora":  # en la misma sesión, la suya
        client.logout()
        cliente = cliente_de(client, ciclo, papel, django_user_model)
    vista = cliente.get(direccion)
    confirmar = cliente.post(direccion + "confirmar/", {"slug": "pal-copia"})
    if papel == "anonimo":
        assert vista.status_code == confirmar.status_code == 302
    elif papel == "facilitadora":
        assert vista.status_code == 200 and "Vista previa del plan importado" in texto_de(vista)
        assert confirmar.status_code == 302 and confirmar["Location"] == "/trabajo/pal-copia/"
    elif papel in CREAN:
        # Otra sesión, otra cuenta: la vista previa no es suya.
        assert (vista.status_code, confirmar.status_code) == (404, 400)
        assert "ya no está disponible" in texto_de(vista)
    else:
        assert vista.status_code == confirmar.status_code == 404
    assert Plan.objects.filter(slug="pal-copia").exists() == (papel == "facilitadora")


@pytest.mark.parametrize("papel", PAPELES)
def test_la_estructura_la_descarga_el_stl_del_plan(client, ciclo, django_user_model, papel):
    cliente = cliente_de(client, ciclo, papel, django_user_model)
    respuesta = cliente.get(reverse("gestion:plan_estructura", args=[ciclo.plan.slug]))
    if papel == "anonimo":
        assert respuesta.status_code == 302
    elif papel in {"integrante", "facilitadora", "admin"}:
        assert respuesta.status_code == 200
        assert respuesta["Content-Disposition"] == 'attachment; filename="estructura-pal-2022-2024.xlsx"'
        assert respuesta["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert respuesta.status_code == 404


def test_la_estructura_no_se_cambia_con_post(client, ciclo):
    client.force_login(ciclo.integrante)
    assert client.post(reverse("gestion:plan_estructura", args=[ciclo.plan.slug])).status_code == 405


def test_el_inicio_ofrece_crear_planes_solo_a_quien_puede(client, ciclo):
    historico = Plan.objects.get(slug="pal-2019-2021")
    for cuenta, rol in ((ciclo.facilitadora, Membresia.Rol.FACILITADOR), (ciclo.integrante, Membresia.Rol.INTEGRANTE)):
        # Con dos planes, /trabajo/ lista los planes (con uno solo lleva directo a él).
        Membresia.objects.create(usuario=cuenta, plan=historico, rol=rol)
    client.force_login(ciclo.facilitadora)
    texto = texto_de(client.get(reverse("trabajo:inicio")))
    assert "Crear un plan vacío, con sus datos generales" in texto.replace(" ,", ",")
    assert "Importar un plan de una hoja de cálculo, con toda su estructura" in texto.replace(" ,", ",")
    client.force_login(ciclo.integrante)
    assert "Crear un plan" not in texto_de(client.get(reverse("trabajo:inicio")))


def test_la_pagina_del_plan_enlaza_su_estructura_y_la_creacion_de_planes(client, ciclo):
    client.force_login(ciclo.facilitadora)
    html = client.get(reverse("trabajo:plan", args=[ciclo.plan.slug])).content.decode()
    assert 'href="/trabajo/pal-2022-2024/estructura.xlsx"' in html and 'href="/trabajo/planes/importar/"' in html
    client.force_login(ciclo.integrante)
    html = client.get(reverse("trabajo:plan", args=[ciclo.plan.slug])).content.decode()
    assert 'href="/trabajo/pal-2022-2024/estructura.xlsx"' in html and "/trabajo/planes/" not in html


def _datos(**cambios):
    datos = {
        "nombre": "Plan de Acción Local de Estado Abierto Guanajuato 2025-2027", "nombre_corto": "PAL 2025-2027",
        "slug": "pal-2025-2027", "entidad": "Guanajuato", "anio_inicio": "2025", "anio_fin": "2027",
        "fecha_meta": "2027-08-31", "descripcion": "Tercer plan del STL.",
    }
    return {**datos, **cambios}


def test_un_plan_vacio_a_mano(client, ciclo):
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(reverse("gestion:plan_nuevo"), _datos(), follow=True)
    assert respuesta.redirect_chain[-1][0] == "/trabajo/pal-2025-2027/"
    assert "Se creó el plan «PAL 2025-2027»" in texto_de(respuesta)
    plan = Plan.objects.get(slug="pal-2025-2027")
    assert (plan.anio_inicio, plan.anio_fin, str(plan.fecha_meta), plan.ejes.count()) == (2025, 2027, "2027-08-31", 0)
    assert Membresia.objects.get(plan=plan).rol == Membresia.Rol.FACILITADOR
    assert plan.history.get().history_change_reason.startswith("Plan creado a mano")


@pytest.mark.parametrize(
    "cambios, campo, mensaje",
    [
        ({"slug": "planes"}, "slug", "es una palabra reservada"),
        ({"slug": "Nuevo"}, "slug", "es una palabra reservada"),
        ({"slug": "PAL-2022-2024"}, "slug", "Ya lo usa otro plan"),
        ({"slug": "pal 2025/27"}, "slug", "Use solo letras sin acentos"),
        ({"anio_fin": "2024"}, "anio_fin", "no puede ser anterior al de inicio"),
        ({"nombre": ""}, "nombre", "obligatorio"),
    ],
)
def test_un_plan_nuevo_con_errores_no_se_crea(client, ciclo, cambios, campo, mensaje):
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(reverse("gestion:plan_nuevo"), _datos(**cambios))
    assert respuesta.status_code == 400
    assert mensaje in " ".join(respuesta.context["form"].errors[campo])
    assert f'id="id_{campo}_error"' in respuesta.content.decode()  # el error, junto a su campo
    assert Plan.objects.count() == 3
