"""Matriz papel × dirección del editor de la estructura (regla de ``gestion/acceso.py``): sin
sesión, a la entrada; la facilitadora y la administración editan; la integrante lee (GET 200) y
recibe 403 al pedir un cambio; cualquier otra cuenta —responsables, la facilitadora de otro
plan, una cuenta sin papel— 404. Nadie que no edite escribe nada."""

import pytest

from plan.models import Accion, ClaveAnterior, Compromiso, EnlaceCompromiso, Eje, Plan
from tests.ayudas import CLAVE

BASE = "/trabajo/pal-2022-2024/estructura/"
DIRECCIONES = [
    "", "plan/", "ejes/nuevo/", "ejes/1/", "ejes/1/borrar/", "ejes/1/compromisos/nuevo/",
    "compromisos/1.5/", "compromisos/1.5/borrar/", "compromisos/1.5/acciones/nueva/",
    "acciones/1.5.3/", "acciones/1.5.3/borrar/",
]
SIN_ACCESO = ["sin_papel", "extrana", "iacip", "judicial"]


@pytest.fixture
def cuentas(ciclo, django_user_model):
    ciclo.admin = django_user_model.objects.create_superuser("admin", "admin@example.org", CLAVE)
    return ciclo


def _cliente(client, cuentas, papel):
    if papel != "anonimo":
        client.force_login(getattr(cuentas, papel))
    return client


def _huella():
    """Todo lo que el editor puede escribir, con su historial."""
    modelos = (Plan, Eje, Compromiso, Accion, EnlaceCompromiso, ClaveAnterior)
    return [(m.objects.count(), m.history.count()) for m in modelos]


@pytest.mark.parametrize("ruta", DIRECCIONES)
def test_sin_sesion_a_la_entrada(client, cuentas, ruta):
    for metodo in (client.get, client.post):
        respuesta = metodo(BASE + ruta)
        assert respuesta.status_code == 302 and "/cuentas/entrar/" in respuesta["Location"]


@pytest.mark.parametrize("papel", SIN_ACCESO)
@pytest.mark.parametrize("ruta", DIRECCIONES)
def test_las_demas_cuentas_reciben_404(client, cuentas, papel, ruta):
    antes = _huella()
    cliente = _cliente(client, cuentas, papel)
    assert cliente.get(BASE + ruta).status_code == 404
    assert cliente.post(BASE + ruta, {"numero": "9", "nombre": "X", "peso": "1"}).status_code == 404
    assert _huella() == antes


@pytest.mark.parametrize("ruta", DIRECCIONES)
def test_la_integrante_lee_y_no_cambia(client, cuentas, ruta):
    antes = _huella()
    cliente = _cliente(client, cuentas, "integrante")
    assert cliente.get(BASE + ruta).status_code == 200
    assert cliente.post(BASE + ruta, {"numero": "9", "nombre": "X", "peso": "1", "ver_efecto": "1"}).status_code == 403
    assert _huella() == antes


@pytest.mark.parametrize("papel", ["facilitadora", "admin"])
@pytest.mark.parametrize("ruta", DIRECCIONES)
def test_la_facilitadora_y_la_administracion_editan(client, cuentas, papel, ruta):
    cliente = _cliente(client, cuentas, papel)
    pagina = cliente.get(BASE + ruta)
    assert pagina.status_code == 200
    if ruta and not ruta.endswith("borrar/"):
        assert "Guardar" in pagina.content.decode()
    # Un envío incompleto: errores en el formulario (o el borrado rechazado), nunca 403/404/500.
    assert cliente.post(BASE + ruta, {}).status_code == (405 if not ruta else 409 if ruta.endswith("borrar/") else 400)


def test_claves_que_no_existen_son_404(client, cuentas):
    cliente = _cliente(client, cuentas, "facilitadora")
    for ruta in ("ejes/9/", "compromisos/1.9/", "acciones/1.5.9/", "compromisos/9.1/acciones/nueva/"):
        assert cliente.get(BASE + ruta).status_code == 404
