"""Las páginas del retiro: matriz papel × dirección (gestion/acceso.py), el formulario con sus
errores en español junto al campo y lo que la facilitadora ve después."""

import pytest

from plan.models import Accion, Compromiso, Retiro
from tests.ayudas import CLAVE, accion, texto_de
from tests.gestion.ayudas_retiro import compromiso, estado_de_retiro, retirar_accion, retirar_compromiso

PAPELES = ["anonimo", "sin_papel", "extrana", "judicial", "iacip", "integrante", "facilitadora", "admin"]


@pytest.fixture
def escenario(ciclo, django_user_model):
    """Vigentes: la acción 1.5.3 y el compromiso 1.2. Retiradas: la acción 1.5.4 y el compromiso 6.1."""
    ciclo.admin = django_user_model.objects.create_superuser("admin", "admin@example.org", CLAVE)
    retirar_accion(ciclo.plan, "1.5.4", ciclo.facilitadora)
    retirar_compromiso(ciclo.plan, "6.1", ciclo.facilitadora)
    return ciclo


def _ruta(e, nivel, clave, paso):
    return f"/trabajo/{e.plan.slug}/estructura/{nivel}/{clave}/{paso}/"


RETIRO = {"retiro": "cancelada", "destino": "", "fecha": "2024-03-03", "motivo": "Acuerdo del STL"}
RESTITUCION = {"motivo": "Se retiró por error"}
TODOS = [302, 404, 404, 404, 404, 200, 200, 200]
CAMBIOS = [302, 404, 404, 404, 404, 403, 302, 302]

# (método, nivel, clave, paso, datos, respuesta por papel en el orden de PAPELES)
CASOS = {
    "retirar acción (ver)": ("get", "acciones", "1.5.3", "retirar", None, TODOS),
    "retirar acción (guardar)": ("post", "acciones", "1.5.3", "retirar", RETIRO, CAMBIOS),
    "retirar compromiso (ver)": ("get", "compromisos", "1.2", "retirar", None, TODOS),
    "retirar compromiso (guardar)": ("post", "compromisos", "1.2", "retirar", RETIRO, CAMBIOS),
    "restituir acción (ver)": ("get", "acciones", "1.5.4", "restituir", None, TODOS),
    "restituir acción (guardar)": ("post", "acciones", "1.5.4", "restituir", RESTITUCION, CAMBIOS),
    "restituir compromiso (ver)": ("get", "compromisos", "6.1", "restituir", None, TODOS),
    "restituir compromiso (guardar)": ("post", "compromisos", "6.1", "restituir", RESTITUCION, CAMBIOS),
}


@pytest.mark.parametrize("papel", PAPELES)
@pytest.mark.parametrize("caso", list(CASOS))
def test_matriz_de_permisos(client, escenario, caso, papel):
    metodo, nivel, clave, paso, datos, esperadas = CASOS[caso]
    if papel != "anonimo":
        client.force_login(getattr(escenario, papel))
    antes = (estado_de_retiro(Accion), estado_de_retiro(Compromiso))
    ruta = _ruta(escenario, nivel, clave, paso)
    respuesta = client.post(ruta, datos) if metodo == "post" else client.get(ruta)
    esperada = esperadas[PAPELES.index(papel)]
    assert respuesta.status_code == esperada, (caso, papel)
    cambio = (estado_de_retiro(Accion), estado_de_retiro(Compromiso)) != antes
    assert cambio == (metodo == "post" and esperada == 302 and papel != "anonimo"), (caso, papel)
    if papel == "anonimo":
        assert respuesta["Location"].startswith("/cuentas/entrar/")
    if esperada == 200:
        assert "no-store" in respuesta["Cache-Control"]


def test_la_facilitadora_retira_una_accion_y_ve_el_resultado(client, escenario):
    client.force_login(escenario.facilitadora)
    ruta = _ruta(escenario, "acciones", "1.5.3", "retirar")
    pagina = texto_de(client.get(ruta))
    assert "Retirar la acción 1.5.3" in pagina
    assert "1.5.2 · " in pagina  # una opción de destino
    assert "1.5.4 · " not in pagina  # retirada: no es destino
    datos = {"retiro": "fusionada", "destino": str(accion(escenario.plan, "1.5.2").pk), "fecha": "2024-03-03",
             "motivo": "Las mesas se harán dentro de la acción 1.5.2"}
    respuesta = client.post(ruta, datos, follow=True)
    texto = texto_de(respuesta)
    assert "Se retiró la acción 1.5.3" in texto
    assert "La acción 1.5.3 está retirada: fusionada con la acción 1.5.2, el 3 de marzo de 2024" in texto
    assert "Motivo: Las mesas se harán dentro de la acción 1.5.2" in texto
    assert "Retiro (fusionada con la acción 1.5.2) el 3 de marzo de 2024" in texto  # historial
    assert "Restituir la acción 1.5.3" in texto


def test_los_errores_se_muestran_junto_al_campo_y_no_se_guarda_nada(client, escenario):
    client.force_login(escenario.facilitadora)
    antes = estado_de_retiro(Accion)
    respuesta = client.post(
        _ruta(escenario, "acciones", "1.5.3", "retirar"),
        {"retiro": "sustituida", "destino": "", "fecha": "2030-01-01", "motivo": ""},
    )
    assert respuesta.status_code == 400
    texto = texto_de(respuesta)
    assert texto.startswith("Error: ") or "Error: Retirar la acción 1.5.3" in texto
    assert "No se guardó nada. Revise lo marcado abajo." in texto
    assert "Escriba el motivo del retiro: se publica junto al elemento." in texto
    respuesta = client.post(
        _ruta(escenario, "acciones", "1.5.3", "retirar"),
        {"retiro": "sustituida", "destino": "", "fecha": "2030-01-01", "motivo": "Otra la sustituye"},
    )
    texto = texto_de(respuesta)
    assert "Elija cuál la sustituye." in texto
    assert "La fecha del retiro (1 de enero de 2030) no puede ser futura." in texto
    assert estado_de_retiro(Accion) == antes


def test_un_destino_retirado_o_de_otro_plan_no_se_acepta(client, escenario):
    client.force_login(escenario.facilitadora)
    for destino in (accion(escenario.plan, "1.5.4").pk, Accion.objects.exclude(compromiso__eje__plan=escenario.plan).first().pk):
        respuesta = client.post(
            _ruta(escenario, "acciones", "1.5.3", "retirar"),
            {"retiro": "fusionada", "destino": str(destino), "fecha": "2024-03-03", "motivo": "x"},
        )
        assert respuesta.status_code == 400
        assert "Ese destino no existe en este plan o ya está retirado" in texto_de(respuesta)
    assert not accion(escenario.plan, "1.5.3").retirada


def test_la_integrante_lee_sin_formulario(client, escenario):
    client.force_login(escenario.integrante)
    texto = texto_de(client.get(_ruta(escenario, "compromisos", "6.1", "retirar")))
    assert "El compromiso 6.1 está retirado: cancelado" in texto
    assert "Restituir el compromiso" not in texto
    texto = texto_de(client.get(_ruta(escenario, "acciones", "1.5.3", "retirar")))
    assert "Su cuenta es de solo lectura" in texto
    assert "<form method=\"post\" class=\"formulario\"" not in client.get(_ruta(escenario, "acciones", "1.5.3", "retirar")).content.decode()


def test_restituir_desde_su_pagina(client, escenario):
    client.force_login(escenario.facilitadora)
    respuesta = client.post(_ruta(escenario, "compromisos", "6.1", "restituir"), {"motivo": ""})
    assert respuesta.status_code == 400
    assert "Escriba por qué se restituye: queda en el historial." in texto_de(respuesta)
    texto = texto_de(client.post(_ruta(escenario, "compromisos", "6.1", "restituir"), RESTITUCION, follow=True))
    assert "Se restituyó el compromiso 6.1: vuelve a entrar al cálculo." in texto
    assert "El compromiso 6.1 está vigente: no hay nada que restituir." in texto
    assert "Restitución (estaba: cancelado el 3 de marzo de 2024): Se retiró por error" in texto
    assert not compromiso(escenario.plan, "6.1").retirada


def test_una_clave_que_no_existe_da_404(client, escenario):
    client.force_login(escenario.facilitadora)
    assert client.get(_ruta(escenario, "acciones", "9.9.9", "retirar")).status_code == 404
    assert client.get(_ruta(escenario, "compromisos", "1.9", "restituir")).status_code == 404


def test_dos_retiros_a_la_vez_el_segundo_recibe_un_error_de_formulario(client, escenario):
    """La segunda pestaña envía el formulario cuando la primera ya retiró: error, no 500."""
    client.force_login(escenario.facilitadora)
    ruta = _ruta(escenario, "acciones", "1.5.3", "retirar")
    client.get(ruta)
    retirar_accion(escenario.plan, "1.5.3", escenario.facilitadora, como=Retiro.CANCELADA)
    respuesta = client.post(ruta, RETIRO)
    assert respuesta.status_code == 400
    assert "La acción 1.5.3 ya está retirada (cancelada el 3 de marzo de 2024)" in texto_de(respuesta)
