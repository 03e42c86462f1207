"""Lo que notan un responsable y la facilitadora en las páginas del trabajo bimestral."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from seguimiento import flujo
from seguimiento.models import Avance, Evidencia, Periodo
from tests.ayudas import PDF, accion, texto_de


def _base(c):
    return f"/trabajo/{c.plan.slug}/periodos/{c.periodo.slug}"


def _form(porcentaje="45", version=0, operacion="guardar", **extra):
    datos = {
        "porcentaje": porcentaje, "etapa": "", "narrativa": "", "justificacion": "", "nota_aclaratoria": "",
        "version": str(version), "operacion": operacion,
        "evidencias-TOTAL_FORMS": "2", "evidencias-INITIAL_FORMS": "0",
        "evidencias-MIN_NUM_FORMS": "0", "evidencias-MAX_NUM_FORMS": "10",
    }
    datos.update(extra)
    return datos


@pytest.fixture
def medios(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _archivos_guardados(raiz):
    return [p for p in raiz.rglob("*") if p.is_file()]


def test_el_espacio_del_responsable_dice_que_falta_y_la_fecha_limite(client, ciclo):
    client.force_login(ciclo.iacip)
    html = client.get(f"/trabajo/{ciclo.plan.slug}/").content.decode()
    assert "Acciones de IACIP" in html
    assert "Faltan 6 de 6" in html
    assert "10 de febrero de 2024" in html
    flujo.guardar_avance(
        accion=accion(ciclo.plan, "7.1.3"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal("90")), version=0, enviar=True,
    )
    html = client.get(f"/trabajo/{ciclo.plan.slug}/").content.decode()
    assert "Faltan 5 de 6" in html


def test_la_entrada_lleva_al_espacio_de_su_plan(client, ciclo):
    respuesta = client.post("/cuentas/entrar/", {"username": "iacip", "password": "clave-de-prueba-123"}, follow=True)
    assert respuesta.redirect_chain[-1][0] == f"/trabajo/{ciclo.plan.slug}/"
    respuesta = type(client)().post("/cuentas/entrar/", {"username": "iacip", "password": "mal"})
    assert respuesta.status_code == 200
    assert "Por favor introduzca nombre de usuario y contraseña correctos" in respuesta.content.decode()


def test_reportar_con_archivo_y_enviar(client, ciclo, medios):
    client.force_login(ciclo.iacip)
    archivo = io.BytesIO(PDF)
    archivo.name = "minuta de la sesión.pdf"
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/4.1.2/",
        _form("50", operacion="enviar", narrativa="Se instaló la mesa.", **{
            "evidencias-0-descripcion": "Minuta", "evidencias-0-archivo": archivo,
            "evidencias-1-descripcion": "Transmisión", "evidencias-1-url": "youtube.com/watch?v=abc",
        }),
    )
    assert respuesta.status_code == 302 and respuesta["Location"] == f"/trabajo/{ciclo.plan.slug}/"
    avance = Avance.objects.get(periodo=ciclo.periodo, accion=accion(ciclo.plan, "4.1.2"))
    assert (avance.estado, avance.porcentaje, avance.enviado_por) == ("enviado", Decimal("50"), ciclo.iacip)
    evidencias = {e.descripcion: e for e in avance.evidencias.all()}
    assert evidencias["Transmisión"].url == "https://youtube.com/watch?v=abc"
    guardado = evidencias["Minuta"]
    assert guardado.nombre_original == "minuta de la sesión.pdf"
    assert guardado.archivo.name.startswith("evidencias/") and guardado.archivo.name.endswith(".pdf")
    assert "minuta" not in guardado.archivo.name
    # Enviado, ya no se edita: la página lo muestra sin formulario.
    html = client.get(f"{_base(ciclo)}/acciones/4.1.2/").content.decode()
    assert "espera la revisión del STL" in html and 'name="operacion"' not in html


@pytest.mark.parametrize(
    "nombre, contenido, mensaje",
    [
        ("informe.pdf", b"<html><script>alert(1)</script></html>", "contiene HTML, SVG o XML"),
        ("grafica.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "contiene HTML, SVG o XML"),
        ("programa.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "no es de un tipo permitido"),
    ],
)
def test_un_archivo_hostil_se_rechaza_y_no_se_guarda_nada(client, ciclo, medios, nombre, contenido, mensaje):
    client.force_login(ciclo.iacip)
    archivo = io.BytesIO(contenido)
    archivo.name = nombre
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/4.1.2/",
        _form("50", operacion="enviar", narrativa="Texto que no se pierde", **{"evidencias-0-archivo": archivo}),
    )
    assert respuesta.status_code == 400
    html = respuesta.content.decode()
    assert f"El archivo «{nombre}» {mensaje}" in html
    assert "No se guardó nada" in html
    assert "Texto que no se pierde" in html
    assert not Avance.objects.filter(periodo=ciclo.periodo).exists()
    assert not Evidencia.objects.filter(avance__periodo=ciclo.periodo).exists()
    assert _archivos_guardados(medios) == []


def test_un_archivo_demasiado_grande_y_una_bomba_zip_se_rechazan(client, ciclo, medios, settings):
    settings.EVIDENCIA_TAMANO_MAXIMO_MB = 1
    client.force_login(ciclo.iacip)
    grande = io.BytesIO(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    grande.name = "escaneo.pdf"
    bomba = io.BytesIO()
    with zipfile.ZipFile(bomba, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "0" * (50 * 1024 * 1024))
    bomba.seek(0)
    bomba.name = "informe.docx"
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/4.1.2/",
        _form("50", **{"evidencias-0-archivo": grande, "evidencias-1-archivo": bomba}),
    )
    html = respuesta.content.decode()
    assert respuesta.status_code == 400
    assert "El archivo «escaneo.pdf» pesa 1.1 MB (1,048,595 bytes); el máximo permitido es 1 MB (1,048,576 bytes)." in html
    assert "El archivo «informe.docx» se descomprime a 50 MB: parece una bomba zip y se rechaza." in html
    assert not Avance.objects.filter(periodo=ciclo.periodo).exists()
    assert _archivos_guardados(medios) == []


def test_una_evidencia_con_enlace_y_archivo_a_la_vez_es_un_error_claro(client, ciclo, medios):
    client.force_login(ciclo.iacip)
    archivo = io.BytesIO(PDF)
    archivo.name = "a.pdf"
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/4.1.2/",
        _form("50", **{"evidencias-0-archivo": archivo, "evidencias-0-url": "https://a.mx"}),
    )
    assert respuesta.status_code == 400
    assert "Escriba un enlace o adjunte un archivo, no ambos" in respuesta.content.decode()


def test_disminuir_sin_justificacion_se_marca_junto_al_campo(client, ciclo):
    client.force_login(ciclo.iacip)
    respuesta = client.post(f"{_base(ciclo)}/acciones/4.1.1/", _form("20"))
    html = respuesta.content.decode()
    assert respuesta.status_code == 400
    assert 'id="id_justificacion_error"' in html
    assert "es menor que el 33 % validado en Agosto–noviembre 2023" in html
    assert 'aria-invalid="true"' in html


def test_borrador_y_luego_envio(client, ciclo):
    client.force_login(ciclo.iacip)
    respuesta = client.post(f"{_base(ciclo)}/acciones/4.1.1/", _form("40", narrativa="Primera versión"))
    assert respuesta.status_code == 302
    respuesta = client.get(respuesta["Location"])
    assert "Borrador guardado" in respuesta.content.decode()
    avance = Avance.objects.get(periodo=ciclo.periodo, accion=accion(ciclo.plan, "4.1.1"))
    assert avance.estado == "borrador"
    client.post(f"{_base(ciclo)}/acciones/4.1.1/", _form("42", version=avance.version, operacion="enviar"))
    avance.refresh_from_db()
    assert (avance.estado, avance.porcentaje, avance.version) == ("enviado", Decimal("42"), 2)


def test_dos_personas_editando_el_mismo_avance(client, ciclo, django_user_model):
    """La segunda recibe un conflicto claro y conserva su texto; no sobrescribe a la primera."""
    from django.test import Client

    otra = Client()
    client.force_login(ciclo.iacip)
    otra.force_login(ciclo.facilitadora)
    # Ambas abrieron el formulario sin avance (versión 0).
    assert client.post(f"{_base(ciclo)}/acciones/4.1.1/", _form("40", narrativa="Texto de la responsable")).status_code == 302
    respuesta = otra.post(f"{_base(ciclo)}/acciones/4.1.1/", _form("60", narrativa="Texto de la facilitadora"))
    assert respuesta.status_code == 409
    html = respuesta.content.decode()
    assert "No se guardaron sus cambios" in html
    assert "Otra persona (Iacip) cambió este avance" in html
    assert "Texto de la facilitadora" in html  # lo suyo sigue en el formulario
    assert "Texto de la responsable" in html  # y ve lo guardado
    assert 'name="version" value="1"' in html  # puede volver a guardar a sabiendas
    avance = Avance.objects.get(periodo=ciclo.periodo, accion=accion(ciclo.plan, "4.1.1"))
    assert avance.narrativa == "Texto de la responsable"


def _enviado(ciclo, clave="7.1.3", porcentaje="85"):
    return flujo.guardar_avance(
        accion=accion(ciclo.plan, clave), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal(porcentaje), narrativa="Mapa actualizado"), version=0, enviar=True,
    )


def test_devolver_avisa_y_el_responsable_ve_las_observaciones(client, ciclo, mailoutbox, django_capture_on_commit_callbacks):
    avance = _enviado(ciclo)
    client.force_login(ciclo.facilitadora)
    with django_capture_on_commit_callbacks(execute=True):
        respuesta = client.post(
            f"{_base(ciclo)}/acciones/7.1.3/revision/",
            {"decision": "devolver", "version": avance.version, "observaciones": "Adjunte el mapa en PDF."},
        )
    assert respuesta.status_code == 302
    assert len(mailoutbox) == 1 and "Adjunte el mapa en PDF." in mailoutbox[0].body
    client.force_login(ciclo.iacip)
    html = client.get(f"/trabajo/{ciclo.plan.slug}/").content.decode()
    assert "Corregir" in html
    html = client.get(f"{_base(ciclo)}/acciones/7.1.3/").content.decode()
    assert "Observaciones del STL" in html and "Adjunte el mapa en PDF." in html
    assert 'name="operacion"' in html  # vuelve a ser editable


def test_devolver_sin_observaciones_es_un_error_en_el_campo(client, ciclo):
    avance = _enviado(ciclo)
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/7.1.3/revision/", {"decision": "devolver", "version": avance.version, "observaciones": ""}
    )
    assert respuesta.status_code == 400
    assert "Escriba qué debe corregirse." in respuesta.content.decode()
    assert Avance.objects.get(pk=avance.pk).estado == "enviado"


def test_revisar_una_version_vieja_es_conflicto(client, ciclo):
    avance = _enviado(ciclo)
    client.force_login(ciclo.facilitadora)
    flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)
    respuesta = client.post(
        f"{_base(ciclo)}/acciones/7.1.3/revision/",
        {"decision": "devolver", "version": avance.version, "observaciones": "Mis observaciones"},
    )
    assert respuesta.status_code == 409
    html = respuesta.content.decode()
    assert "No se aplicó su decisión" in html and "Mis observaciones" in html
    assert Avance.objects.get(pk=avance.pk).estado == "validado"


def test_el_historial_muestra_cada_cambio_a_la_facilitadora(client, ciclo):
    avance = _enviado(ciclo)
    flujo.devolver_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version, observaciones="Falta el PDF")
    client.force_login(ciclo.facilitadora)
    html = client.get(f"{_base(ciclo)}/acciones/7.1.3/revision/").content.decode()
    assert "Historial de este avance" in html
    assert "Enviado al STL para su revisión." in html
    assert "Devuelto con observaciones: Falta el PDF" in html
    assert "Facilitadora" in html and "Iacip" in html


def test_tablero_con_estados_quien_y_cuando(client, ciclo):
    _enviado(ciclo)
    client.force_login(ciclo.integrante)
    respuesta = client.get(f"{_base(ciclo)}/")
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "33 de 33 acciones" in html
    assert "Enviado" in html and "Iacip" in html
    assert "Publicar el periodo" not in html  # la integrante solo lee
    html = client.get(f"{_base(ciclo)}/?estado=enviado").content.decode()
    assert "1 de 33 acciones" in html
    html = client.get(f"{_base(ciclo)}/?estado=inventado&institucion=999").content.decode()
    assert "El estado «inventado» no existe; se muestran todos." in html
    assert "La institución «999» no tiene acciones en este plan; se muestran todas." in html


def test_el_tablero_cuesta_las_mismas_consultas_con_mas_avances(client, ciclo, django_assert_num_queries):
    client.force_login(ciclo.facilitadora)
    # 1 sesión  2 cuenta  3 plan  4 papeles de la cuenta  5 periodo  6 acciones con compromiso,
    # eje e institución  7 avances del periodo con sus cuentas  8 últimos validados anteriores
    # 9 historial del periodo con sus cuentas  10 compromisos con el conteo de sus evidencias del
    # periodo (evidencias de todo un compromiso)
    with django_assert_num_queries(10):
        client.get(f"{_base(ciclo)}/")
    for clave in ("4.1.1", "4.1.2", "4.1.3", "7.1.1"):
        _enviado(ciclo, clave, "90")
    with django_assert_num_queries(10):
        client.get(f"{_base(ciclo)}/")


def test_abrir_un_periodo_desde_la_pagina(client, ciclo):
    client.force_login(ciclo.facilitadora)
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    respuesta = client.post(
        f"/trabajo/{ciclo.plan.slug}/periodos/nuevo/",
        {"nombre": "Traslape", "inicio": "2024-01-15", "fin": "2024-03-31", "fecha_limite": "2024-04-10"},
    )
    assert respuesta.status_code == 400
    assert "se traslapan con el periodo Diciembre 2023–enero 2024" in respuesta.content.decode()
    respuesta = client.post(
        f"/trabajo/{ciclo.plan.slug}/periodos/nuevo/",
        {"nombre": "Febrero–marzo 2024", "inicio": "2024-02-01", "fin": "2024-03-31", "fecha_limite": "2024-04-10"},
    )
    assert respuesta.status_code == 302
    nuevo = Periodo.objects.get(slug="febrero-marzo-2024")
    assert (nuevo.estado, nuevo.history.latest().history_user) == ("abierto", ciclo.facilitadora)


def test_abrir_un_periodo_que_otra_pestana_abre_al_mismo_tiempo(client, ciclo, monkeypatch):
    """Dos pestañas abren el mismo periodo: las dos revisan antes de que la otra guarde, y la
    base rechaza la segunda. La página lo dice en español (400) y queda un solo periodo abierto."""
    client.force_login(ciclo.facilitadora)
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    datos = {"nombre": "Febrero–marzo 2024", "inicio": "2024-02-01", "fin": "2024-03-31", "fecha_limite": "2024-04-10"}
    # La otra pestaña guarda primero.
    flujo.abrir_periodo(
        plan=ciclo.plan, usuario=ciclo.facilitadora, nombre=datos["nombre"], inicio=datetime.date(2024, 2, 1),
        fin=datetime.date(2024, 3, 31), fecha_limite=datetime.date(2024, 4, 10),
    )
    revisar = flujo._revisar_periodo_nuevo

    def revisado_antes_de_que_la_otra_guardara(plan, **fechas):
        # Esta pestaña revisó cuando aún no había nada; lo que sigue ya ve lo que hay.
        monkeypatch.setattr(flujo, "_revisar_periodo_nuevo", revisar)
        return "febrero-marzo-2024"

    monkeypatch.setattr(flujo, "_revisar_periodo_nuevo", revisado_antes_de_que_la_otra_guardara)
    respuesta = client.post(f"/trabajo/{ciclo.plan.slug}/periodos/nuevo/", datos)
    assert respuesta.status_code == 400
    assert 'class="errorlist' in respuesta.content.decode()
    assert "Ya hay un periodo con ese nombre en el plan." in texto_de(respuesta)
    assert list(Periodo.objects.filter(plan=ciclo.plan, estado="abierto").values_list("nombre", flat=True)) == [
        "Febrero–marzo 2024"
    ]


def test_publicar_desde_el_tablero_y_la_ciudadania_lo_ve(client, ciclo):
    avance = _enviado(ciclo, "6.1.1", "75")
    client.force_login(ciclo.facilitadora)
    client.post(f"{_base(ciclo)}/acciones/6.1.1/revision/", {"decision": "validar", "version": avance.version})
    assert Avance.objects.get(pk=avance.pk).estado == "validado"
    ciudadania = type(client)()
    assert "Diciembre 2023–enero 2024" not in ciudadania.get(f"/planes/{ciclo.plan.slug}/acciones/6.1.1/").content.decode()
    respuesta = client.post(f"{_base(ciclo)}/publicar/", follow=True)
    assert "publicado: sus avances validados ya están en el portal" in respuesta.content.decode()
    html = ciudadania.get(f"/planes/{ciclo.plan.slug}/acciones/6.1.1/").content.decode()
    assert "Diciembre 2023–enero 2024: 75\u00a0%" in html


def test_cerrar_dos_veces_da_un_mensaje_claro(client, ciclo):
    client.force_login(ciclo.facilitadora)
    client.post(f"{_base(ciclo)}/cerrar/")
    respuesta = client.post(f"{_base(ciclo)}/cerrar/", follow=True)
    assert "No se puede cerrar el periodo Diciembre 2023–enero 2024: está cerrado." in respuesta.content.decode()


def test_la_facilitadora_exige_evidencia_y_queda_en_el_historial(client, ciclo):
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(f"/trabajo/{ciclo.plan.slug}/ajustes/", {"exige_evidencia": "on"}, follow=True)
    assert "validar un avance exige al menos una evidencia" in respuesta.content.decode()
    ciclo.plan.refresh_from_db()
    assert ciclo.plan.exige_evidencia
    registro = ciclo.plan.history.latest()
    assert (registro.history_user, registro.history_change_reason) == (ciclo.facilitadora, "Exigir evidencia para validar: sí")
    client.post(f"/trabajo/{ciclo.plan.slug}/ajustes/", {})
    ciclo.plan.refresh_from_db()
    assert not ciclo.plan.exige_evidencia


@pytest.fixture
def instalado(pal, client):
    """Como queda tras la primera orden del README y ``crear_usuarios_demo``: los avances del
    1er Informe Parcial no tienen cuenta que los capturara, enviara o validara."""
    from io import StringIO

    from django.core.management import call_command

    call_command("crear_usuarios_demo", "pal-2022-2024", "--password", "Clave-Demo-2024", stdout=StringIO())
    return pal


@pytest.mark.parametrize("cuenta", ["facilitacion-pal-2022-2024", "integrante-pal-2022-2024"])
def test_el_tablero_del_periodo_del_informe_abre_en_una_instalacion_nueva(client, instalado, cuenta, django_user_model):
    # Antes: 500 (``default`` con ``….username`` de una cuenta que no existe).
    client.force_login(django_user_model.objects.get(username=cuenta))
    base = "/trabajo/pal-2022-2024/periodos/agosto-noviembre-2023/"
    tablero = client.get(base)
    assert tablero.status_code == 200
    assert "Registro del sistema" in texto_de(tablero)
    if cuenta.startswith("facilitacion"):
        # Publicado: la gestión dice qué queda por hacer en vez de quedar vacía.
        assert "Periodo publicado: sus avances validados están en el portal." in texto_de(tablero)
    for ruta in ("acciones/1.5.1/", "acciones/1.5.1/revision/"):
        respuesta = client.get(base + ruta)
        assert respuesta.status_code in (200, 403), ruta
        if respuesta.status_code == 200:
            assert "registro del sistema" in texto_de(respuesta).lower(), ruta


def test_una_cuenta_eliminada_que_envio_un_avance_no_rompe_el_tablero_ni_la_revision(client, ciclo):
    avance = flujo.guardar_avance(
        accion=accion(ciclo.plan, "4.1.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        datos=flujo.DatosAvance(porcentaje=Decimal(40), narrativa="Convocatoria publicada"), version=0, enviar=True,
    )
    ciclo.iacip.delete()
    client.force_login(ciclo.facilitadora)
    tablero = client.get(_base(ciclo) + "/")
    assert tablero.status_code == 200 and "Una cuenta eliminada" in texto_de(tablero)
    revision = client.get(f"{_base(ciclo)}/acciones/4.1.1/revision/")
    assert revision.status_code == 200 and "una cuenta eliminada" in texto_de(revision).lower()
    assert Avance.objects.get(pk=avance.pk).narrativa == "Convocatoria publicada"
