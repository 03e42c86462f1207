"""La entrada con contraseña: bloqueo tras intentos fallidos (django-axes, por cuenta e IP) en el
formulario del portal y en el del admin, la IP detrás de proxies, y el restablecimiento de la
contraseña por correo. Todo por los formularios reales, como una persona."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tests.ayudas import CLAVE, texto_de

pytestmark = pytest.mark.django_db

ENTRADA = "/cuentas/entrar/"
AVISO = re.compile(r"Vuelva a intentarlo después de las (\d\d:\d\d) \(en (\d+) minutos?\)")


@pytest.fixture
def cuenta(django_user_model):
    return django_user_model.objects.create_user("iacip", "enlace@iacip.example.org", CLAVE, first_name="Ana")


def _entrar(client, clave, usuario="iacip", ruta=ENTRADA, **encabezados):
    return client.post(ruta, {"username": usuario, "password": clave}, **encabezados)


def _dentro(client) -> bool:
    return "_auth_user_id" in client.session


def _fallar(client, veces, usuario="iacip", ruta=ENTRADA, **encabezados):
    return [_entrar(client, "equivocada", usuario, ruta, **encabezados).status_code for _ in range(veces)]


def _envejecer_los_intentos(settings):
    """Lo que pasa al correr el reloj: los fallos guardados quedan más viejos que el bloqueo."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))


# --- Bloqueo -----------------------------------------------------------------------------------


def test_tras_30_contrasenas_equivocadas_la_correcta_no_entra_y_dice_cuando_volver(client, cuenta, settings):
    limite = settings.AXES_FAILURE_LIMIT
    codigos = _fallar(client, 30)
    # Los primeros fallos dicen «contraseña incorrecta»; desde el que llega al límite, bloqueo.
    assert codigos == [200] * (limite - 1) + [429] * (30 - limite + 1)

    respuesta = _entrar(client, CLAVE)

    assert respuesta.status_code == 429 and not _dentro(client)
    texto = texto_de(respuesta)
    assert "Demasiados intentos fallidos" in texto
    assert "no puede entrar desde esta dirección por un tiempo, ni con la contraseña correcta" in texto
    hora, minutos = AVISO.search(texto).groups()
    # La hora: el último fallo que contó más el bloqueo, al minuto siguiente, en la hora local.
    ultimo = AccessAttempt.objects.get(username="iacip").attempt_time
    fin = ultimo + settings.AXES_COOLOFF_TIME
    fin = fin.replace(second=0, microsecond=0) + timedelta(minutes=1) if fin.second or fin.microsecond else fin
    assert hora == timezone.localtime(fin).strftime("%H:%M")
    bloqueo = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert int(minutos) in (bloqueo, bloqueo + 1)
    assert 0 < int(respuesta["Retry-After"]) <= (bloqueo + 1) * 60
    assert "no-store" in respuesta["Cache-Control"]
    # La página es la de entrada, con el diseño del sitio y el enlace para restablecer.
    html = respuesta.content.decode()
    assert "<title>Entrada bloqueada: Entrar · Estado Abierto</title>" in html
    assert 'role="alert"' in html and "Saltar al contenido" in html and 'href="/cuentas/restablecer/"' in html
    assert 'value="iacip"' in html
    # Intentar durante el bloqueo no lo alarga: la hora dicha se cumple.
    assert AccessAttempt.objects.get(username="iacip").failures_since_start == limite


def test_pasado_el_bloqueo_la_contrasena_correcta_entra(client, cuenta, settings):
    _fallar(client, settings.AXES_FAILURE_LIMIT)
    assert _entrar(client, CLAVE).status_code == 429

    _envejecer_los_intentos(settings)

    respuesta = _entrar(client, CLAVE)
    assert respuesta.status_code == 302 and _dentro(client)


def test_una_entrada_correcta_reinicia_la_cuenta_de_fallos(client, cuenta, settings):
    limite = settings.AXES_FAILURE_LIMIT
    assert _fallar(client, limite - 1) == [200] * (limite - 1)
    assert _entrar(client, CLAVE).status_code == 302
    client.post("/cuentas/salir/")

    # Tras la entrada correcta vuelven a caber limite - 1 errores; el siguiente bloquea.
    assert _fallar(client, limite - 1) == [200] * (limite - 1)
    assert _fallar(client, 1) == [429]


def test_el_bloqueo_es_de_la_cuenta_en_esa_direccion(cuenta, django_user_model, settings):
    django_user_model.objects.create_user("judicial", "enlace@judicial.example.org", CLAVE)
    desde_aqui, desde_otra = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    _fallar(desde_aqui, settings.AXES_FAILURE_LIMIT)
    assert _entrar(desde_aqui, CLAVE).status_code == 429

    # La misma cuenta desde otra dirección (nadie bloquea a otra persona desde la suya)…
    assert _entrar(desde_otra, CLAVE).status_code == 302
    # …y otra cuenta desde la misma dirección (una oficina detrás de una sola IP) entran.
    assert _entrar(desde_aqui, CLAVE, usuario="judicial").status_code == 302


def test_sin_proxies_declarados_x_forwarded_for_no_cambia_la_direccion(client, cuenta, settings):
    """Quien escribe X-Forwarded-For a mano no estrena dirección en cada intento."""
    assert settings.PROXIES_INVERSOS == 0
    codigos = [
        _entrar(client, "equivocada", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codigos[-1] == 429
    assert _entrar(client, CLAVE, HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == 429


def test_detras_de_un_proxy_la_direccion_es_la_que_el_proxy_agrego(client, cuenta, settings):
    settings.PROXIES_INVERSOS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    _fallar(client, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    # Lo que el cliente antepone no cuenta: el proxy agregó 203.0.113.5 al final.
    assert _entrar(client, CLAVE, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5", **proxy).status_code == 429
    # Otra persona detrás del mismo proxy entra.
    otra = Client()
    assert _entrar(otra, CLAVE, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.parametrize(
    "proxies, reenviadas, esperada",
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # no pasó por los dos proxies: la conexión directa
        (1, "no-es-una-ip", "10.0.0.2"),
        (1, "2001:db8::5", "2001:db8::5"),
    ],
)
def test_ip_del_cliente(rf, settings, proxies, reenviadas, esperada):
    from estado_abierto.proxy import ip_del_cliente

    settings.PROXIES_INVERSOS = proxies
    assert ip_del_cliente(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=reenviadas)) == esperada


def test_la_entrada_del_admin_tambien_se_bloquea(client, django_user_model, settings):
    django_user_model.objects.create_user("oficina", "oficina@example.org", CLAVE, is_staff=True, is_superuser=True)
    codigos = _fallar(client, settings.AXES_FAILURE_LIMIT, usuario="oficina", ruta="/admin/login/")
    assert codigos[-1] == 429

    respuesta = _entrar(client, CLAVE, usuario="oficina", ruta="/admin/login/")

    assert respuesta.status_code == 429 and not _dentro(client)
    assert AVISO.search(texto_de(respuesta))
    # Cuenta igual que la entrada del portal: la misma cuenta tampoco entra por /cuentas/entrar/.
    assert _entrar(client, CLAVE, usuario="oficina").status_code == 429


# --- Restablecer la contraseña -------------------------------------------------------------------


def _enlace(correo) -> str:
    return re.search(r"https?://\S+", correo.body).group(0)


def test_restablecer_la_contrasena_por_correo_de_principio_a_fin(client, cuenta, mailoutbox, settings):
    entrada = client.get(ENTRADA).content.decode()
    assert '<a href="/cuentas/restablecer/">¿Olvidó su contraseña?</a>' in entrada

    respuesta = client.post("/cuentas/restablecer/", {"email": "enlace@iacip.example.org"})

    assert respuesta.status_code == 302 and respuesta["Location"] == "/cuentas/restablecer/enviado/"
    assert len(mailoutbox) == 1
    correo = mailoutbox[0]
    assert correo.to == ["enlace@iacip.example.org"]
    assert correo.subject == "Restablecer su contraseña de Estado Abierto"
    assert "Hola, Ana:" in correo.body and "«iacip»" in correo.body
    assert "sirve una sola vez y durante 72 horas" in correo.body
    assert "VARIABLE-INVÁLIDA" not in correo.body
    enlace = _enlace(correo)
    assert enlace.startswith(settings.SITIO_URL + "/cuentas/restablecer/")

    formulario = client.get(urlsplit(enlace).path, follow=True)
    assert formulario.status_code == 200
    assert "Elija una contraseña nueva" in texto_de(formulario)
    nueva = "Otra-Clave-Para-Entrar-2024"
    guardada = client.post(
        formulario.redirect_chain[-1][0], {"new_password1": nueva, "new_password2": nueva}, follow=True
    )
    assert guardada.redirect_chain[-1][0] == "/cuentas/restablecer/lista/"
    assert "Su contraseña nueva ya está activa" in texto_de(guardada)

    # Entra con la nueva por el formulario de entrada; la anterior ya no sirve.
    assert _entrar(Client(), CLAVE).status_code == 200
    otra = Client()
    assert _entrar(otra, nueva).status_code == 302 and _dentro(otra)
    # El enlace sirve una sola vez.
    de_nuevo = Client().get(urlsplit(enlace).path, follow=True)
    assert "El enlace ya no sirve" in texto_de(de_nuevo)


def test_restablecer_no_revela_si_el_correo_tiene_cuenta(client, cuenta, mailoutbox):
    con_cuenta = client.post("/cuentas/restablecer/", {"email": "enlace@iacip.example.org"}, follow=True)
    sin_cuenta = Client().post("/cuentas/restablecer/", {"email": "nadie@example.org"}, follow=True)

    assert len(mailoutbox) == 1
    assert con_cuenta.redirect_chain == sin_cuenta.redirect_chain == [("/cuentas/restablecer/enviado/", 302)]
    assert texto_de(con_cuenta) == texto_de(sin_cuenta)
    assert "Si el correo que escribió corresponde a una cuenta activa" in texto_de(sin_cuenta)


def test_el_enlace_del_correo_usa_sitio_url_y_no_el_host_de_la_peticion(client, cuenta, mailoutbox, settings):
    settings.SITIO_URL = "https://portal.example.org"
    client.post("/cuentas/restablecer/", {"email": "enlace@iacip.example.org"}, HTTP_HOST="localhost")
    assert _enlace(mailoutbox[0]).startswith("https://portal.example.org/cuentas/restablecer/")


def test_restablecer_con_un_correo_mal_escrito_lo_dice_y_no_envia_nada(client, cuenta, mailoutbox):
    respuesta = client.post("/cuentas/restablecer/", {"email": "enlace-sin-arroba"})
    assert respuesta.status_code == 200 and mailoutbox == []
    assert "Introduzca una dirección de correo electrónico válida" in texto_de(respuesta)
    assert "<title>Error: Restablecer la contraseña · Estado Abierto</title>" in respuesta.content.decode()
