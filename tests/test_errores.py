"""Páginas de error propias (estado_abierto/errores.py): en español, sin detalles internos, y
la del 500 solo dice que se avisó al equipo si ``ADMINS`` tiene a quién avisar."""

import types

import pytest
from django.test import Client
from django.urls import include, path

from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db


def test_un_formulario_sin_csrf_da_la_pagina_en_espanol_y_no_la_de_django(pal):
    cliente = Client(enforce_csrf_checks=True)
    respuesta = cliente.post("/cuentas/entrar/", {"username": "x", "password": "y"})
    assert respuesta.status_code == 403
    texto = texto_de(respuesta)
    assert "No se pudo enviar el formulario" in texto and "No se guardó nada." in texto
    assert "su navegador no envió la cookie de seguridad del portal" in texto
    assert "DEBUG" not in texto and "CSRF verification failed" not in texto
    assert "default-src 'none'" in respuesta["Content-Security-Policy"]


def test_con_la_cookie_pero_sin_el_token_dice_que_el_formulario_vencio(pal):
    cliente = Client(enforce_csrf_checks=True)
    cliente.get("/cuentas/entrar/")
    texto = texto_de(cliente.post("/cuentas/entrar/", {"username": "x", "password": "y"}))
    assert "quizá la página llevaba mucho tiempo abierta" in texto


def _error_500(settings):
    """Una página que falla, junto a las del portal (su handler500 incluido)."""

    def falla(request):
        raise RuntimeError("detalle interno que nadie debe ver")

    urls = types.ModuleType("urls_que_fallan")
    urls.urlpatterns = [path("falla/", falla), path("", include("estado_abierto.urls"))]
    urls.handler500 = "estado_abierto.errores.error_del_servidor"
    settings.ROOT_URLCONF = urls
    cliente = Client(raise_request_exception=False)
    return cliente.get("/falla/")


def test_el_500_sin_admins_no_dice_que_se_aviso_al_equipo(settings):
    settings.ADMINS = []
    respuesta = _error_500(settings)
    assert respuesta.status_code == 500
    texto = texto_de(respuesta)
    assert "Ocurrió un error en el servidor" in texto
    assert "ya recibió un aviso" not in texto
    assert "avise a quien administra el portal qué página abrió y a qué hora" in texto
    assert "detalle interno" not in texto and "RuntimeError" not in texto


def test_el_500_con_admins_dice_que_el_equipo_recibio_el_aviso(settings, mailoutbox):
    settings.ADMINS = [("Soporte", "soporte@example.org")]
    settings.DEBUG = False
    texto = texto_de(_error_500(settings))
    assert "El equipo del portal ya recibió un aviso con el registro del error." in texto
    assert [c.to for c in mailoutbox] == [["soporte@example.org"]]
