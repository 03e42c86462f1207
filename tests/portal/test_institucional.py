"""«¿Qué es el STL?», glosario, accesibilidad, aviso de privacidad, el pie que las enlaza y el
contacto institucional de cada compromiso, con los planes reales como los carga ``preparar``."""

import pytest
from django.urls import reverse

from plan.models import Institucion
from tests.ayudas import texto_de

pytestmark = pytest.mark.django_db

PAGINAS = ["/planes/pal-2022-2024/stl/", "/planes/pal-2019-2021/stl/", "/glosario/", "/accesibilidad/", "/privacidad/"]


def test_stl_del_pal_2019_2021_con_su_tabla_de_integrantes(client, pal):
    texto = texto_de(client.get("/planes/pal-2019-2021/stl/"))
    assert "Secretariado Técnico Local de Gobierno Abierto para el Estado de Guanajuato" in texto
    assert "Asociación Mexicana de Mujeres Empresarias Capítulo León (AMEXME) Ma. Eduviges Velázquez Castellanos Margarita Alonso Hernández" in texto
    assert "Universidad de Guanajuato (UG) Diego Enrique Ramírez García Titular de la Unidad de Transparencia No publicado en el plan." in texto
    # El cargo de 2023 de J. Jesús Soria Narváez no se atribuye al plan 2019-2021, que no lo imprime.
    assert "Poder Ejecutivo del Estado de Guanajuato Mtro. J. Jesús Soria Narváez Omar Alberto Ortiz Vázquez" in texto
    assert "Facilitación del STL: Mariela del Carmen Huerta Guerrero." in texto
    assert "Sitio web: http://gobiernoabiertogto.org.mx/" in texto
    assert "el STL aún no ha registrado un correo de contacto en este portal" in texto
    assert "El PAL 2019-2021 tiene 7 ejes, 11 compromisos y 34 acciones." in texto
    assert "El PAL 2019-2021 aún no tiene periodos publicados en este portal." in texto
    assert "El PAL 2019-2021 aún no tiene informes publicados en este portal." in texto


def test_stl_del_pal_2022_2024_con_los_representantes_del_informe(client, pal):
    respuesta = client.get("/planes/pal-2022-2024/stl/")
    texto = texto_de(respuesta)
    assert "Secretariado Técnico Local de Estado Abierto Guanajuato 2022-2024" in texto
    assert (
        "Instituto de Acceso a la Información Pública para el Estado de Guanajuato (IACIP) Mtro. José Cristian Urrutia Negrete "
        "Jefe de Gobierno Abierto y Vinculación Institucional No publicado en el plan." in texto
    )
    assert texto.count("No publicado en el plan.") == 9  # el informe no nombra suplentes
    assert "El PAL 2022-2024 tiene 7 ejes, 13 compromisos y 33 acciones." in texto
    assert "Periodos publicados del PAL 2022-2024: Agosto–noviembre 2023." in texto
    assert 'href="/informes/pal-2022-2024/1/">Primer Informe Parcial</a>' in respuesta.content.decode()
    assert 'href="/planes/pal-2019-2021/stl/"' in respuesta.content.decode()


def test_stl_sin_plan_lleva_al_vigente_y_plan_desconocido_404(client, pal):
    assert client.get("/stl/")["Location"] == "/planes/pal-2022-2024/stl/"
    assert client.get("/planes/no-existe/stl/").status_code == 404


def test_stl_en_consultas_constantes(client, pal, django_assert_num_queries):
    # 1. versión publicada  2. plan  3. número de ejes, compromisos y acciones
    # 4. representantes de los compromisos del plan (para sus cargos)  5. integrantes con
    # institución, titular y suplente  6. periodos publicados  7. informes publicados  8. planes
    with django_assert_num_queries(8):
        assert client.get("/planes/pal-2022-2024/stl/").status_code == 200
    with django_assert_num_queries(1):  # la versión: la página sale de la caché
        assert client.get("/planes/pal-2022-2024/stl/").status_code == 200


def test_glosario_con_los_terminos_y_ejemplos_del_plan_vigente(client, pal):
    respuesta = client.get("/glosario/")
    html = respuesta.content.decode()
    for ancla in ["eje", "compromiso", "accion", "avance", "nota-aclaratoria", "cifra-oficial", "cifra-recalculada", "cobertura"]:
        assert f'<dt id="{ancla}">' in html, ancla
    texto = texto_de(respuesta)
    assert "el Primer Informe Parcial del PAL 2022-2024 publicó un avance global de 42 %" in texto
    assert "el portal calcula 45.3 % de avance global" in texto
    assert "En el PAL 2022-2024: 33 de 33 acciones con reporte." in texto
    assert "«1.5.3» es la acción 3 del compromiso 1.5" in texto


def test_glosario_en_consultas_constantes(client, pal, django_assert_num_queries):
    # 1. versión  2. plan vigente  3. último periodo publicado  4-6. roll-up (ejes, compromisos,
    # acciones con su último avance)  7. informe publicado del periodo  8. sus cifras
    with django_assert_num_queries(8):
        assert client.get("/glosario/").status_code == 200


@pytest.mark.parametrize("url", ["/accesibilidad/", "/privacidad/"])
def test_accesibilidad_y_privacidad_en_dos_consultas(client, pal, url, django_assert_num_queries):
    # 1. versión publicada  2. plan vigente (los datos de su STL)
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_declaracion_de_accesibilidad(client, pal):
    texto = texto_de(client.get("/accesibilidad/"))
    assert "Pautas de Accesibilidad para el Contenido Web (WCAG) 2.1, nivel AA" in texto
    assert "a 1280 px y a 360 px de ancho" in texto and "axe-core" in texto
    assert "Limitaciones conocidas" in texto and "Los informes en PDF reproducen el documento" in texto
    assert "el STL aún no ha registrado un correo de contacto en este portal" in texto


def test_aviso_de_privacidad_integral(client, pal):
    texto = texto_de(client.get("/privacidad/"))
    assert "Responsable del tratamiento: el Secretariado Técnico Local de Estado Abierto Guanajuato 2022-2024" in texto
    assert "el STL aún no ha registrado su domicilio en este portal" in texto
    assert "nombre, correo electrónico institucional, nombre de usuario" in texto
    assert "Avisos por correo , si el portal los ofrece" in texto and "solo su dirección de correo" in texto
    assert "Ley General de Protección de Datos Personales en Posesión de Sujetos Obligados" in texto
    for derecho in ["acceso", "rectificación", "cancelación", "oponerse"]:
        assert derecho in texto
    assert "No se transfieren datos personales a terceros" in texto
    assert "sessionid" in texto and "csrftoken" in texto and "No hay cookies de analítica" in texto
    assert "Cambios a este aviso" in texto


def test_lo_que_el_stl_registra_en_el_admin_aparece_en_cuanto_se_guarda(client, pal):
    client.get("/privacidad/")  # queda en la caché
    pal.stl_correo = "stl@example.org"
    pal.stl_domicilio = "Calle Ejemplo 1, Guanajuato"
    pal.save()
    for url in ["/privacidad/", "/accesibilidad/", "/planes/pal-2022-2024/stl/"]:
        html = client.get(url).content.decode()
        assert '<a href="mailto:stl@example.org">stl@example.org</a>' in html, url
    assert "Domicilio: Calle Ejemplo 1, Guanajuato." in texto_de(client.get("/privacidad/"))


def test_el_pie_enlaza_las_cuatro_paginas(client, pal):
    assert reverse("portal:privacidad") == "/privacidad/"
    for url in ["/", "/datos/", *PAGINAS]:
        html = client.get(url).content.decode()
        pie = html[html.index('<footer class="pie">') :]
        for destino, nombre in [("/stl/", "¿Qué es el STL?"), ("/glosario/", "Glosario"),
                                ("/accesibilidad/", "Accesibilidad"), ("/privacidad/", "Aviso de privacidad")]:
            assert f'<a href="{destino}">{nombre}</a>' in pie, (url, destino)


def test_contacto_institucional_en_el_compromiso(client, pal):
    judicial = texto_de(client.get("/planes/pal-2022-2024/compromisos/3.1/"))
    assert "Contacto institucional Sitio web: https://www.poderjudicial-gto.gob.mx/" in judicial
    html = client.get("/planes/pal-2022-2024/compromisos/1.1/").content.decode()
    assert (
        'El plan no publicó un contacto institucional de Poder Ejecutivo del Estado de Guanajuato; puede dirigirse al '
        '<a href="/planes/pal-2022-2024/stl/">Secretariado Técnico Local</a>.' in html
    )


def test_contacto_institucional_en_la_institucion(client, pal):
    ug = Institucion.objects.get(siglas="UG")
    html = client.get(f"/instituciones/{ug.pk}/").content.decode()
    assert 'El plan no publicó un contacto institucional de UG; puede dirigirse al <a href="/stl/">' in html
    ug.correo_institucional = "transparencia@example.org"
    ug.telefono_institucional = "473 000 0000 ext. 1"
    ug.save()
    texto = texto_de(client.get(f"/instituciones/{ug.pk}/"))
    assert "Contacto institucional Correo: transparencia@example.org Teléfono: 473 000 0000 ext. 1" in texto
