"""``manage.py crear_usuarios_demo``: cuentas de capacitación con sus membresías."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plan.management.commands.crear_usuarios_demo import cuentas_del_plan
from plan.models import Compromiso, Eje, Institucion, Membresia
from tests.ayudas import autenticar
from tests.fabricas import crear_institucion, crear_plan

pytestmark = pytest.mark.django_db

CLAVE = "Mesa-de-trabajo-Otoño#7"
USUARIOS_PAL = {
    "facilitacion-pal-2022-2024": (Membresia.Rol.FACILITADOR, None),
    "integrante-pal-2022-2024": (Membresia.Rol.INTEGRANTE, None),
    "iacip-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Instituto de Acceso a la Información Pública para el Estado de Guanajuato"),
    "ousaneg-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Observatorio Universitario de Seguridad Alimentaria y Nutricional del Estado de Guanajuato, A.C."),
    "tja-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Tribunal de Justicia Administrativa del Estado de Guanajuato"),
    "teeg-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Tribunal Estatal Electoral de Guanajuato"),
    "ug-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Universidad de Guanajuato"),
    # Sin siglas: el nombre, cortado en una palabra completa (no en «de») a 40 caracteres como máximo.
    "poder-ejecutivo-del-estado-de-guanajuato-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Poder Ejecutivo del Estado de Guanajuato"),
    "poder-legislativo-del-estado-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Poder Legislativo del Estado de Guanajuato"),
    "poder-judicial-del-estado-de-guanajuato-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "Poder Judicial del Estado de Guanajuato"),
    "10000-mujeres-unidas-por-mexico-ac-pal-2022-2024": (Membresia.Rol.RESPONSABLE, "10,000 Mujeres Unidas por México, A.C., Capítulo Guanajuato"),
}


def _demo(*args):
    salida = StringIO()
    call_command("crear_usuarios_demo", *args, stdout=salida)
    return salida.getvalue()


def _membresias(plan):
    return {
        (m.usuario.username, m.rol, m.institucion.nombre if m.institucion else None)
        for m in Membresia.objects.filter(plan=plan).select_related("usuario", "institucion")
    }


def test_crea_facilitacion_integrante_y_un_responsable_por_institucion(pal):
    salida = _demo("pal-2022-2024", "--password", CLAVE)

    usuarios = get_user_model().objects.filter(username__in=USUARIOS_PAL)
    assert usuarios.count() == 11
    assert _membresias(pal) == {(u, rol, inst) for u, (rol, inst) in USUARIOS_PAL.items()}
    # Las 9 instituciones del plan tienen su responsable.
    instituciones = Institucion.objects.filter(compromisos__eje__plan=pal).distinct()
    assert instituciones.count() == 9
    assert set(
        Membresia.objects.filter(plan=pal, rol=Membresia.Rol.RESPONSABLE).values_list("institucion", flat=True)
    ) == set(instituciones.values_list("pk", flat=True))
    for usuario in usuarios:
        assert usuario.email == f"{usuario.username}@demo.estado-abierto.local"
        assert usuario.is_active and not usuario.is_staff and not usuario.is_superuser
        assert len(usuario.username) <= 150
    iacip = usuarios.get(username="iacip-pal-2022-2024")
    assert iacip.get_full_name() == "Responsable IACIP"
    assert usuarios.get(username="facilitacion-pal-2022-2024").get_full_name() == "Facilitación del STL, PAL 2022-2024"
    assert usuarios.get(username="integrante-pal-2022-2024").get_full_name() == "Integrante del STL, PAL 2022-2024"
    # Las membresías quedan en el historial.
    assert Membresia.history.filter(usuario__username__in=USUARIOS_PAL, history_type="+").count() == 11

    lineas = salida.splitlines()
    assert lineas[0].split() == ["Usuario", "Papel", "Institución", "Cuenta"]
    assert any(l.startswith("iacip-pal-2022-2024 ") and "Responsable o enlace" in l and "IACIP" in l for l in lineas)
    assert lineas[-1] == "11 cuentas creadas, 0 actualizadas (contraseña restablecida); 11 membresías nuevas."


def test_las_cuentas_entran_con_la_contrasena(pal):
    _demo("pal-2022-2024", "--password", CLAVE)
    for username in USUARIOS_PAL:
        assert autenticar(username, CLAVE) is not None, username
    assert autenticar("iacip-pal-2022-2024", "otra-clave-123") is None


def test_repetir_no_duplica_y_restablece_contrasenas(pal):
    _demo("pal-2022-2024", "--password", CLAVE)
    usuario = get_user_model().objects.get(username="ug-pal-2022-2024")
    # Entre capacitaciones alguien cambió la contraseña, la desactivó y le quitó su membresía.
    usuario.set_password("la-cambio-alguien-99")
    usuario.is_active = False
    usuario.save()
    Membresia.objects.filter(usuario=usuario).delete()
    total_usuarios = get_user_model().objects.count()

    salida = _demo("pal-2022-2024", "--password", "Nueva-Clave-Demo-2024")

    assert get_user_model().objects.count() == total_usuarios
    assert Membresia.objects.filter(plan=pal).count() == 11
    assert _membresias(pal) == {(u, rol, inst) for u, (rol, inst) in USUARIOS_PAL.items()}
    for username in USUARIOS_PAL:
        assert autenticar(username, "Nueva-Clave-Demo-2024") is not None, username
        assert autenticar(username, CLAVE) is None
    assert salida.splitlines()[-1] == "0 cuentas creadas, 11 actualizadas (contraseña restablecida); 1 membresía nueva."
    filas = salida.splitlines()[2:-1]
    assert len(filas) == 11 and all(f.endswith("  actualizada") for f in filas)


@pytest.mark.parametrize(
    "clave, mensaje",
    [
        ("corta1", "demasiado corta"),
        ("83749201746", "totalmente numérica"),
        ("password123", "muy común"),
        ("iacip-pal-2022-2024", "muy similar"),  # igual a un nombre de usuario
    ],
)
def test_contrasena_debil_se_rechaza_sin_crear_nada(pal, clave, mensaje):
    with pytest.raises(CommandError, match=mensaje) as error:
        _demo("pal-2022-2024", "--password", clave)
    assert str(error.value).startswith("La contraseña no es válida:")
    assert "No se creó ni cambió ninguna cuenta." in str(error.value)
    assert not get_user_model().objects.exists()
    assert not Membresia.objects.exists()


def test_falta_la_contrasena(pal):
    with pytest.raises(CommandError, match="Falta --password"):
        _demo("pal-2022-2024")
    assert not get_user_model().objects.exists()


def test_plan_desconocido(pal):
    with pytest.raises(CommandError, match=r"No existe el plan «pal-2030»\. Planes disponibles: pal-2019-2021, pal-2022-2024\."):
        _demo("pal-2030", "--password", CLAVE)
    with pytest.raises(CommandError, match=r"Indique el plan .*pal-2022-2024"):
        _demo("--password", CLAVE)


def test_no_toca_una_cuenta_real_con_el_mismo_nombre(pal, django_user_model):
    real = django_user_model.objects.create_user("ug-pal-2022-2024", "enlace@ugto.mx", "su-clave-real-77", is_staff=True)
    with pytest.raises(CommandError, match="no son de demostración: ug-pal-2022-2024"):
        _demo("pal-2022-2024", "--password", CLAVE)
    real.refresh_from_db()
    assert real.check_password("su-clave-real-77") and real.is_staff
    assert django_user_model.objects.count() == 1  # y lo demás se deshizo
    assert not Membresia.objects.exists()


def test_una_cuenta_demo_con_privilegios_los_pierde(pal):
    _demo("pal-2022-2024", "--password", CLAVE)
    get_user_model().objects.filter(username="iacip-pal-2022-2024").update(is_staff=True, is_superuser=True)
    _demo("pal-2022-2024", "--password", CLAVE)
    usuario = get_user_model().objects.get(username="iacip-pal-2022-2024")
    assert not usuario.is_staff and not usuario.is_superuser


def test_nombres_unicos_con_siglas_repetidas_y_sin_siglas():
    plan = crear_plan(slug="plan-demo")
    eje = Eje.objects.create(plan=plan, numero=1, nombre="Eje")
    instituciones = [
        crear_institucion(nombre="Secretaría de Finanzas", siglas="SF"),
        crear_institucion(nombre="Secretaría de la Función Pública", siglas="S.F."),
        crear_institucion(nombre="Organismo " + "muy " * 60 + "largo", siglas=""),
        crear_institucion(nombre="Comisión de la Defensa de los Derechos de las Personas", siglas=""),
        crear_institucion(nombre="¡¿?!", siglas=""),
    ]
    for numero, institucion in enumerate(instituciones, start=1):
        Compromiso.objects.create(eje=eje, numero=numero, nombre=f"C{numero}", institucion_responsable=institucion)

    cuentas = cuentas_del_plan(plan)
    nombres = {c.institucion.pk if c.institucion else c.rol: c.username for c in cuentas}

    assert nombres[instituciones[0].pk] == f"sf-{instituciones[0].pk}-plan-demo"
    assert nombres[instituciones[1].pk] == f"sf-{instituciones[1].pk}-plan-demo"
    assert nombres[instituciones[2].pk] == "organismo-muy-muy-muy-muy-muy-muy-muy-plan-demo"
    assert nombres[instituciones[3].pk] == "comision-de-la-defensa-de-los-derechos-plan-demo"
    assert nombres[instituciones[4].pk] == f"institucion-{instituciones[4].pk}-plan-demo"
    assert cuentas_del_plan(plan) == cuentas  # deterministas
    assert len({c.username for c in cuentas}) == len(cuentas) == 7
    assert all(len(c.username) <= 150 for c in cuentas)
    # El nombre largo se corta también en el apellido (máximo 150 caracteres).
    _demo("plan-demo", "--password", CLAVE)
    assert get_user_model().objects.filter(username__in=nombres.values()).count() == 7
