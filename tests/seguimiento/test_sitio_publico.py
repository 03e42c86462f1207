"""Un informe congelado lleva la dirección pública del portal (``SITIO_URL``), nunca una local.

El PDF publicado no cambia nunca: si sus enlaces dijeran ``http://127.0.0.1:8000/…`` no
llevarían a ninguna parte fuera de la máquina que lo generó. Por eso congelar (el servicio,
``manage.py informe --publicar``, el botón del STL y ``preparar``) exige una ``SITIO_URL`` que no
sea local, y lo dice en español nombrando la variable.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from estado_abierto import sitio
from plan.models import Membresia, Plan
from seguimiento.informes import publicar_informe
from seguimiento.models import Avance, Informe
from tests.ayudas import cuerpo, enlaces_pdf, partes_de_xlsx, texto_de, texto_pdf

pytestmark = pytest.mark.django_db

LOCALES = ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000", "http://127.0.1.1", "http://0.0.0.0:8000"]
#: Lo que delata una dirección local en un archivo.
DIRECCION_LOCAL = re.compile(r"127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0", re.IGNORECASE)


@pytest.fixture
def sin_direccion_publica(settings):
    """Como `manage.py preparar` en desarrollo sin SITIO_URL: la de omisión, local."""
    settings.SITIO_URL = "http://127.0.0.1:8000"
    errores = StringIO()
    call_command("preparar", verbosity=0, stdout=StringIO(), stderr=errores)
    return Informe.objects.get(plan__slug="pal-2022-2024", numero=1), errores.getvalue()


@pytest.mark.parametrize("url", LOCALES)
def test_las_direcciones_de_la_propia_maquina_son_locales(url):
    assert sitio.es_local(url)


@pytest.mark.parametrize("url", ["https://estadoabierto.example.gob.mx", "https://www.gobiernoabiertogto.org.mx", "http://10.0.0.8"])
def test_una_direccion_publica_o_de_red_no_es_local(url):
    assert not sitio.es_local(url)


def test_preparar_sin_direccion_publica_carga_todo_y_deja_el_informe_sin_congelar(sin_direccion_publica, client):
    informe, errores = sin_direccion_publica
    assert "1 informe(s) publicado(s) quedan sin congelar" in errores
    assert "SITIO_URL es http://127.0.0.1:8000, una dirección local" in errores
    assert not informe.congelado
    # El resto sí se cargó: los dos planes y los 33 avances del 1er Informe.
    assert Plan.objects.count() == 2
    assert Avance.objects.filter(accion__compromiso__eje__plan=informe.plan).count() == 33
    assert "Todavía no hay informes publicados." in texto_de(client.get("/informes/"))


def test_el_servicio_no_congela_sin_direccion_publica(sin_direccion_publica):
    informe, _errores = sin_direccion_publica
    with pytest.raises(ValidationError) as error:
        publicar_informe(informe=informe)
    mensaje = " ".join(error.value.messages)
    assert "No se puede congelar el informe: falta la dirección pública del portal." in mensaje
    assert "Defina la variable de entorno SITIO_URL" in mensaje and "http://127.0.0.1:8000" in mensaje
    informe.refresh_from_db()
    assert not informe.congelado and informe.pdf_sha256 == ""


def test_el_comando_no_congela_sin_direccion_publica(sin_direccion_publica, tmp_path):
    with pytest.raises(CommandError, match="variable de entorno SITIO_URL"):
        call_command("informe", "pal-2022-2024", "1", "--publicar", "--salida", str(tmp_path / "i.pdf"), stderr=StringIO())
    assert not (tmp_path / "i.pdf").exists()
    assert not Informe.objects.get(plan__slug="pal-2022-2024", numero=1).congelado


def test_el_boton_del_stl_avisa_antes_y_no_congela_sin_direccion_publica(sin_direccion_publica, client, django_user_model):
    informe, _errores = sin_direccion_publica
    facilitadora = django_user_model.objects.create_user("facilitadora", "f@example.org", "x")
    Membresia.objects.create(usuario=facilitadora, plan=informe.plan, rol=Membresia.Rol.FACILITADOR)
    client.force_login(facilitadora)
    pagina = reverse("trabajo:informe", args=[informe.plan.slug, informe.pk])
    assert "Defina la variable de entorno SITIO_URL" in texto_de(client.get(pagina))
    respuesta = client.post(reverse("trabajo:informe_publicar", args=[informe.plan.slug, informe.pk]), follow=True)
    assert "No se puede congelar el informe: falta la dirección pública del portal." in texto_de(respuesta)
    assert not Informe.objects.get(pk=informe.pk).congelado


def test_con_la_direccion_publica_preparar_congela_lo_que_habia_dejado(sin_direccion_publica, settings):
    settings.SITIO_URL = "https://estadoabierto.example.gob.mx"
    salida = StringIO()
    call_command("preparar", verbosity=0, stdout=salida, stderr=StringIO())
    assert "Informe congelado: Primer Informe Parcial (PAL 2022-2024)" in salida.getvalue()
    informe = Informe.objects.get(plan__slug="pal-2022-2024", numero=1)
    assert informe.congelado
    assert informe.contenido["direcciones"]["plan"] == "https://estadoabierto.example.gob.mx/planes/pal-2022-2024/"


def test_el_informe_congelado_del_fixture_no_lleva_ninguna_direccion_local(pal, client, settings):
    """El 1er Informe Parcial como lo congela `preparar`: sus enlaces al portal usan la dirección
    pública configurada; ni el PDF (texto y enlaces) ni el XLSX nombran la máquina local."""
    informe = Informe.objects.get(plan=pal, numero=1)
    pdf = cuerpo(client.get(informe.url_pdf))
    xlsx = cuerpo(client.get(informe.url_xlsx))
    texto = texto_pdf(pdf)
    enlaces = enlaces_pdf(pdf)
    assert not DIRECCION_LOCAL.search(texto)
    assert not [e for e in enlaces if DIRECCION_LOCAL.search(e)]
    assert not DIRECCION_LOCAL.search(partes_de_xlsx(xlsx))
    # Los enlaces al propio portal (datos abiertos y el cálculo) llevan la dirección pública.
    propios = {f"{settings.SITIO_URL}/planes/pal-2022-2024/como-se-calcula/", f"{settings.SITIO_URL}/datos/"}
    assert propios <= set(enlaces)
    # Y los de las evidencias impresas siguen siendo los del informe.
    assert "https://dinamicamente.guanajuato.gob.mx/" in enlaces
