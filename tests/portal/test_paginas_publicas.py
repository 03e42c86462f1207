"""Páginas públicas de eje, compromiso, acción y «¿Cómo se calcula?» con el plan real."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plan.models import Accion, Persona
from seguimiento.models import Avance, Evidencia, Periodo
from tests.ayudas import PDF, cuerpo, texto_de
from tests.fabricas import crear_periodo, plan_generado

pytestmark = pytest.mark.django_db





def _url(plan, *partes):
    return "/".join([f"/planes/{plan.slug}", *partes]) + "/"


def test_pagina_del_eje_con_sus_compromisos_responsables_y_estado(client, pal):
    respuesta = client.get(_url(pal, "ejes", "1"))
    assert respuesta.status_code == 200
    texto = texto_de(respuesta)
    assert "Eje 1. Gobierno Abierto" in texto
    assert (
        "Avance del eje 51 % Cifra oficial del Primer Informe Parcial (periodo agosto–noviembre 2023) "
        "Cifra recalculada por el portal: 53 % La diferencia viene del compromiso 1.5, cuya cifra oficial no es la "
        "media de los avances de sus acciones. Con las cifras oficiales de sus compromisos, la media sí da 51 %."
    ) in texto
    bloque_15 = texto[texto.index("Compromiso 1.5.") :]
    assert "23 % Cifra oficial del Primer Informe Parcial Cifra recalculada por el portal: 36 %" in bloque_15
    bloque_12 = texto[texto.index("Compromiso 1.2.") : texto.index("Compromiso 1.3.")]
    assert "0 % Cifra recalculada por el portal El Primer Informe Parcial no publicó cifra para el compromiso 1.2." in bloque_12
    assert "5 compromisos · 10 de 10 acciones con reporte" in texto
    assert "Compromiso 1.5. Sistema de vigilancia" in texto
    assert "Responsable: OUSANEG · Dra. Rebeca Monroy Torres, Presidente Fundadora del OUSANEG" in texto
    # 1.3 está al 100 %: concluido. 1.1 no tiene fechas publicadas: no se califica con las supuestas.
    bloque_13 = texto[texto.index("Compromiso 1.3.") : texto.index("Compromiso 1.4.")]
    assert "Cumplimiento (escala OGP): Completo Estado: Concluido" in bloque_13
    bloque_11 = texto[texto.index("Compromiso 1.1.") : texto.index("Compromiso 1.2.")]
    assert "Cumplimiento (escala OGP): Limitado Estado: Sin calendario publicado" in bloque_11
    bloque_12 = texto[texto.index("Compromiso 1.2.") : texto.index("Compromiso 1.3.")]
    assert "Cumplimiento (escala OGP): No iniciado" in bloque_12
    assert "El plan no publicó las fechas de inicio ni de conclusión de estos compromisos" in texto
    assert "Con retraso" not in texto and "En riesgo" not in texto
    html = respuesta.content.decode()
    assert 'href="/planes/pal-2022-2024/compromisos/1.5/"' in html
    assert 'href="/planes/pal-2022-2024/como-se-calcula/#e-1"' in html


def test_pagina_del_compromiso_con_acciones_etapas_grafica_y_ficha(client, pal):
    respuesta = client.get(_url(pal, "compromisos", "1.5"))
    assert respuesta.status_code == 200
    texto = texto_de(respuesta)
    assert "Compromiso 1.5. Sistema de vigilancia para la transformación de la producción de ladrillo" in texto
    assert (
        "Avance del compromiso 23 % Cifra oficial del Primer Informe Parcial (periodo agosto–noviembre 2023) "
        "Cifra recalculada por el portal: 36 % El Primer Informe Parcial publicó 23 %, pero la media de los avances "
        "publicados de sus acciones (35, 10, 100 y 0), con los pesos registrados, es 36.25, que se muestra como 36 %"
    ) in texto
    assert "4 de 4 acciones con reporte" in texto
    for clave, cifra in [("1.5.1", "35 %"), ("1.5.2", "10 %"), ("1.5.3", "100 %"), ("1.5.4", "0 %")]:
        assert re.search(rf"{re.escape(clave)} .*? {cifra}", texto), clave
    assert "En etapa de diseño de las mesas" in texto
    # Sin fechas publicadas no se califica; la cuenta con las supuestas va como referencia.
    assert "Estado: Sin calendario publicado" in texto
    assert "Fechas supuestas: el 1 de enero de 2022 (inicio del primer año de la vigencia; el plan no publicó su fecha de inicio)" in texto
    assert "Solo como referencia, calculado con esas fechas supuestas: al 30 de noviembre de 2023 habría transcurrido el 72 % del plazo y la cifra recalculada es 36 %." in texto
    assert "Sin plazos publicados, su estado es «Sin calendario publicado»: no se evalúa con fechas supuestas." in texto
    assert "Con retraso" not in texto.split("Regla del estado", 1)[0]
    # Escala OGP junto al avance: 36.25 % exacto (el informe publicó 23 %), limitado.
    assert "Cumplimiento (escala OGP): Limitado. Cifra recalculada de 36.25 %: más de 0 y menos de 50 %, limitado." in texto
    # Un solo periodo publicado: la cifra, sin una gráfica de un punto (ver test_procedencia.py).
    assert "Agosto–noviembre 2023, el único periodo publicado: 36 % de cifra recalculada (4 de 4 acciones con reporte)." in texto
    assert 'role="img"' not in respuesta.content.decode()
    # Ficha: representante titular con cargo e institución; lo no impreso se dice en una línea.
    assert "Dra. Rebeca Monroy Torres, Presidente Fundadora del OUSANEG · Observatorio Universitario" in texto
    assert "El plan no publicó de este compromiso: descripción y relevancia, problema," in texto
    assert "No registrado en el plan." not in texto


def test_compromiso_con_notas_aclaratorias_y_enlaces_de_evidencia(client, pal):
    texto = texto_de(client.get(_url(pal, "compromisos", "3.3")))
    assert "100 % *" in texto
    assert "* Nota aclaratoria" in texto
    html = client.get(_url(pal, "compromisos", "6.1")).content.decode()
    assert 'href="https://www.ugto.mx/antenauniversitariaug/"' in html
    # Sin asteriscos no se explica una nota que no está.
    assert "* Nota aclaratoria" not in texto_de(client.get(_url(pal, "compromisos", "1.1")))


def test_pagina_de_la_accion_con_avances_evidencias_y_bitacora(client, pal, django_user_model):
    accion = Accion.objects.get(compromiso__eje__plan=pal, compromiso__eje__numero=1, compromiso__numero=5, numero=1)
    avance = accion.avances.get()
    avance.narrativa = "Se impartieron tres talleres sobre la PNT."
    avance.save()
    Evidencia.objects.create(avance=avance, url="https://example.org/talleres", descripcion="Memoria de los talleres")
    Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("lista.pdf", PDF), descripcion="Lista de asistencia")
    # Un cambio hecho por la cuenta de una institución se atribuye a la institución, no a la persona.
    usuario = django_user_model.objects.create_user("enlace-ousaneg", password="x")
    Persona.objects.filter(nombre="Rebeca Monroy Torres").update(usuario=usuario)
    accion = Accion.objects.get(pk=accion.pk)
    accion._history_user = usuario
    accion.entregable = "Informe de la campaña"
    accion.save()
    # Un borrador de un periodo sin publicar nunca aparece.
    siguiente = crear_periodo(pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.ABIERTO)
    Avance.objects.create(accion=accion, periodo=siguiente, porcentaje=Decimal(90), narrativa="BORRADOR SECRETO")

    respuesta = client.get(_url(pal, "acciones", "1.5.1"))
    assert respuesta.status_code == 200
    texto = texto_de(respuesta)
    assert "Acción 1.5.1" in texto
    assert "Diseñar una campaña de comunicación" in texto
    assert "Agosto–noviembre 2023: 35 %" in texto
    assert "Se impartieron tres talleres sobre la PNT." in texto
    assert "Memoria de los talleres" in texto and "Lista de asistencia" in texto
    assert "BORRADOR SECRETO" not in texto and "90 %" not in texto
    assert "Entregable Informe de la campaña" in texto
    # Bitácora: qué cambió, cuándo y qué institución, sin nombres de usuario.
    assert "OUSANEG: Cambió la acción." in texto
    assert "Entregable: «(vacío)» → «Informe de la campaña»" in texto
    assert "Avance del periodo Agosto–noviembre 2023 validado: 35 %." in texto
    assert "Se corrigió el avance validado del periodo Agosto–noviembre 2023." in texto
    assert "enlace-ousaneg" not in respuesta.content.decode()
    html = respuesta.content.decode()
    evidencia = Evidencia.objects.get(descripcion="Lista de asistencia")
    assert f'href="/evidencias/{evidencia.pk}/" download' in html


def test_como_se_calcula_muestra_la_aritmetica_de_cada_cifra(client, pal):
    texto = texto_de(client.get(_url(pal, "como-se-calcula")))
    assert "317.3333 ÷ 7 = 45.3333 → cifra recalculada 45 %" in texto
    assert "Meta por alcanzar = 100 − 45.3333 = 54.6667 → 55 %" in texto
    assert "266.25 ÷ 5 = 53.25 → cifra recalculada 53 %" in texto
    assert "145 ÷ 4 = 36.25 → cifra recalculada 36 %" in texto
    assert "183 ÷ 3 = 61 → cifra recalculada 61 %" in texto
    assert "Cifra oficial del Primer Informe Parcial: 23 % . El Primer Informe Parcial publicó 23 %, pero" in texto
    assert "Justicia Abierta Administrativa: cifra recalculada 61 % Cifra oficial del Primer Informe Parcial: 61 % . Coincide con la cifra recalculada." in texto
    assert "Rezago de más de 10 y hasta 25 puntos En riesgo" in texto
    assert "Plazo vencido sin concluir, o rezago de más de 25 puntos Con retraso" in texto
    assert "Ni el compromiso ni sus acciones tienen fechas publicadas Sin calendario publicado (no se evalúa)" in texto
    assert "En el PAL 2022-2024, 13 compromisos no tienen fechas publicadas (ni sus acciones)." in texto


def test_como_se_calcula_dice_lo_que_esta_sin_reporte(client, pal):
    Avance.objects.filter(accion__compromiso__eje__numero=1, accion__compromiso__numero=5, accion__numero=2).update(
        estado=Avance.Estado.DEVUELTO, observaciones="Falta la evidencia"
    )
    texto = texto_de(client.get(_url(pal, "como-se-calcula")))
    assert "sin reporte → 0" in texto
    assert "135 ÷ 4 = 33.75 → cifra recalculada 34 %" in texto
    compromiso = texto_de(client.get(_url(pal, "compromisos", "1.5")))
    assert "3 de 4 acciones con reporte; las acciones sin reporte cuentan como 0 %" in compromiso
    assert re.search(r"1\.5\.2 .*? sin reporte", compromiso)


@pytest.mark.parametrize(
    "ruta",
    [
        "/planes/no-existe/ejes/1/",
        "/planes/pal-2022-2024/ejes/99/",
        "/planes/pal-2022-2024/compromisos/9.9/",
        "/planes/pal-2022-2024/compromisos/1.x/",
        "/planes/pal-2022-2024/acciones/1.1.9/",
        "/planes/pal-2022-2024/acciones/1.1/",
        "/planes/no-existe/como-se-calcula/",
    ],
)
def test_direcciones_que_no_existen_dan_404_en_espanol(client, pal, ruta):
    respuesta = client.get(ruta)
    assert respuesta.status_code == 404


def test_la_pagina_se_renueva_al_publicar_aunque_este_en_cache(client, pal):
    url = _url(pal, "compromisos", "1.5")
    primera = client.get(url)
    oficial = "Avance del compromiso 23 % Cifra oficial del Primer Informe Parcial"
    assert oficial in texto_de(primera)
    etag = primera["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # El STL valida y publica un nuevo periodo: la página cambia en la siguiente petición.
    periodo = crear_periodo(pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.CERRADO)
    accion = Accion.objects.get(compromiso__eje__plan=pal, compromiso__eje__numero=1, compromiso__numero=5, numero=2)
    Avance.objects.create(accion=accion, periodo=periodo, porcentaje=Decimal(50), estado=Avance.Estado.VALIDADO)
    assert oficial in texto_de(client.get(url))  # validado pero sin publicar
    periodo.estado = Periodo.Estado.PUBLICADO
    periodo.save()
    segunda = client.get(url)
    assert segunda["ETag"] != etag
    # Ningún informe cubre el periodo nuevo: la cifra es la recalculada, (35 + 50 + 100 + 0) / 4 = 46.25.
    assert "Avance del compromiso 46 % Cifra recalculada por el portal Ningún informe publicado cubre este periodo." in texto_de(segunda)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def _evidencia_archivo(avance):
    return Evidencia.objects.create(avance=avance, archivo=SimpleUploadedFile("acta.pdf", PDF))


def test_evidencia_publicada_se_descarga_como_adjunto(client, pal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidencia = _evidencia_archivo(Avance.objects.del_plan(pal).first())
    respuesta = client.get(f"/evidencias/{evidencia.pk}/")
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "application/pdf"
    assert respuesta["Content-Disposition"] == 'attachment; filename="acta.pdf"'
    assert respuesta["X-Content-Type-Options"] == "nosniff"
    assert cuerpo(respuesta) == PDF


@pytest.mark.parametrize("estado", [Avance.Estado.BORRADOR, Avance.Estado.ENVIADO, Avance.Estado.DEVUELTO])
def test_evidencia_de_un_avance_no_validado_no_existe_para_la_ciudadania(client, pal, settings, tmp_path, estado):
    settings.MEDIA_ROOT = tmp_path
    avance = Avance.objects.del_plan(pal).first()
    evidencia = _evidencia_archivo(avance)
    Avance.objects.filter(pk=avance.pk).update(estado=estado, observaciones="Revisar la cifra")
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 404


def test_evidencia_de_un_periodo_sin_publicar_no_existe_para_la_ciudadania(client, pal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    periodo = crear_periodo(pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.CERRADO)
    avance = Avance.objects.create(
        accion=Accion.objects.del_plan(pal).first(), periodo=periodo, porcentaje=70, estado=Avance.Estado.VALIDADO
    )
    evidencia = _evidencia_archivo(avance)
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 404
    enlace = Evidencia.objects.create(avance=avance, url="https://example.org/x")
    assert client.get(f"/evidencias/{enlace.pk}/").status_code == 404


@pytest.fixture(params=["real", "600-acciones"])
def plan_medido(request, pal):
    if request.param == "real":
        return pal, True
    plan, _ = plan_generado(10, 10, 6)
    return plan, False


def test_eje_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    plan, con_informe = plan_medido
    # 1. versión publicada  2. plan  3. último periodo publicado  4-6. roll-up (ejes,
    # compromisos, acciones)  7. informe publicado del periodo  [8. sus cifras, si lo hay]
    # 8/9. compromisos del eje con institución y representante
    with django_assert_num_queries(9 if con_informe else 8):
        assert client.get(_url(plan, "ejes", "1")).status_code == 200


def test_compromiso_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    plan, con_informe = plan_medido
    # 1. versión  2. plan  3. último periodo publicado  4-6. roll-up  7. informe  [8. cifras]
    # compromiso con eje, institución y representante; sus ODS, metas, partes cocreadoras,
    # enlaces y estatus (5 prefetch); periodos publicados (gráfica); avances publicados de
    # sus acciones (gráfica); evidencias de los avances mostrados; evidencias publicadas de todo
    # el compromiso con su periodo.
    with django_assert_num_queries(18 if con_informe else 17):
        assert client.get(_url(plan, "compromisos", "1.2")).status_code == 200


def test_accion_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    plan, _ = plan_medido
    # 1. versión  2. plan  3. último periodo publicado  4-6. roll-up  7. la acción con su
    # compromiso y eje  8. sus avances publicados con periodo  9. sus evidencias
    # 10. evidencias publicadas de todo su compromiso  11. historial de la acción
    # 12. historial de sus avances validados y publicados
    with django_assert_num_queries(12):
        assert client.get(_url(plan, "acciones", "1.2.1")).status_code == 200


def test_como_se_calcula_en_consultas_constantes(client, plan_medido, django_assert_num_queries):
    plan, con_informe = plan_medido
    # 1. versión  2. plan  3. último periodo publicado  4-6. roll-up  7. informe  [8. cifras]
    # +1 claves anteriores (anclas)  +1 historial de pesos de ejes, compromisos y acciones (unido)
    with django_assert_num_queries(10 if con_informe else 9):
        assert client.get(_url(plan, "como-se-calcula")).status_code == 200
    with django_assert_num_queries(1):
        # 1. versión: la segunda vez sale de la caché
        assert client.get(_url(plan, "como-se-calcula")).status_code == 200


@pytest.mark.parametrize("clave", ["1.3", "1.4", "3.3"])
def test_un_compromiso_concluido_dice_su_estado_en_palabras(client, pal, clave):
    # Antes: «100 % al» se leía como el formato «%a» y se imprimía el diccionario con Decimal('72').
    texto = texto_de(client.get(_url(pal, "compromisos", clave)))
    assert re.search(r"Avance del 100 % al \d+ de \w+ de \d{4}", texto)
    assert "Decimal(" not in texto and "{'" not in texto


def test_como_se_calcula_no_imprime_internos(client, pal):
    texto = texto_de(client.get(_url(pal, "como-se-calcula")))
    assert "Avance del 100 % al" in texto
    assert "Decimal(" not in texto and "{'" not in texto


def test_la_historia_de_las_acciones_dice_el_porcentaje_sin_notacion_cientifica(client, pal):
    # Las cifras redondas (100, 50, 30…) salían «validado: 1E+2 %» en 19 historias.
    redondas = [
        a for a in Avance.objects.filter(accion__compromiso__eje__plan=pal).select_related("accion", "periodo")
        if a.porcentaje % 10 == 0 and a.porcentaje > 0
    ]
    assert len(redondas) == 19
    for avance in redondas:
        texto = texto_de(client.get(_url(pal, "acciones", avance.accion.clave)))
        esperado = f"Avance del periodo {avance.periodo.nombre} validado: {int(avance.porcentaje)} %."
        assert esperado in texto, avance.accion.clave
        assert not re.search(r"\dE\+\d", texto), avance.accion.clave


def test_como_se_calcula_explica_las_dos_cifras_y_donde_no_coinciden(client, pal):
    texto = texto_de(client.get(_url(pal, "como-se-calcula")))
    seccion = texto[texto.index("Dos cifras: la oficial y la recalculada") : texto.index("Avance global: cifra recalculada")]
    assert "Cifra oficial La que el Secretariado Técnico Local (STL) publicó en un informe parcial" in seccion
    assert "Para el periodo Agosto–noviembre 2023 es el Primer Informe Parcial" in seccion
    assert "Cifra recalculada La que este portal calcula con los avances publicados de las acciones y sus pesos" in seccion
    assert "Avance global. La diferencia viene de los compromisos 1.5, 2.1 y 5.1 (ejes 1, 2 y 5)" in seccion
    filas = [
        "Avance global 42 % 45 % Difiere por los compromisos 1.5, 2.1 y 5.1. Tampoco es la media de las cifras oficiales de sus ejes (44.57 %).",
        "Eje 1 51 % 53 % Difiere por el compromiso 1.5.",
        "Compromiso 1.2 no publicó cifra 0 % El Primer Informe Parcial no publicó cifra para el compromiso 1.2. Se muestra la cifra recalculada.",
        "Compromiso 1.5 23 % 36 % La cifra oficial no es la media de los avances de sus acciones.",
        "Eje 2 35 % 34 % Difiere por el compromiso 2.1.",
        "Compromiso 2.1 35 % 34 % La cifra oficial no es la media de los avances de sus acciones.",
        "Eje 5 42 % 46 % Difiere por el compromiso 5.1.",
        "Compromiso 5.1 42 % 46 % La cifra oficial no es la media de los avances de sus acciones.",
    ]
    assert " ".join(filas) in seccion
    assert "Eje 3 " not in seccion  # 65 % publicado y recalculado: no es una diferencia
