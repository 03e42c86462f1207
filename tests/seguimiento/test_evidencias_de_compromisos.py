"""Evidencias de todo un compromiso en un periodo: la columna «Evidencias» del informe.

El 1er Informe Parcial imprime las evidencias por compromiso (el proyecto «Capacítandome…» de
1.5, los enlaces de 1.2, 1.3…): el fixture las carga como evidencias del periodo agosto–noviembre
2023, tal como se imprimieron; un responsable agrega las suyas en el periodo abierto y el STL las
revisa y las publica con el periodo, como los avances.
"""

import re
from html import unescape
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from plan.models import Compromiso, EnlaceCompromiso
from seguimiento import evidencias, flujo
from seguimiento.models import Evidencia
from tests.ayudas import PDF, accion, texto_de, texto_de_html

#: Lo que el 1er Informe Parcial imprime en la columna «Evidencias» del compromiso 1.5.
EVIDENCIA_1_5 = (
    "Proyecto:\n"
    "Capacítandome para transformar la producción de ladrillo y mejorar la calidad del aire en la "
    'Comunidad de "Las Ladrilleras del Refugio", a través del uso de herramientas de acceso a la '
    "información.\n\n"
    "Aproximadamente 129 beneficiarios directos e indirectos\n\n"
    "Guanajuato\nLeón"
)

#: Lo demás que imprime, por compromiso: los enlaces y el texto de 7.1 (sin enlace propio).
IMPRESAS = {
    "1.2": ["https://dinamicamente.guanajuato.gob.mx/"],
    "1.3": ["https://smaot.guanajuato.gob.mx/sitio/ecoapp/"],
    "1.4": ["https://smaot.guanajuato.gob.mx/agave/"],
    "1.5": [EVIDENCIA_1_5],
    "3.2": ["https://datos.tjagto.gob.mx/dataset/sentencias"],
    "3.3": ["https://denuncia.teegto.org.mx/"],
    "6.1": ["https://www.ugto.mx/antenauniversitariaug/", "https://www.instagram.com/udeguanajuato/?igshid=NzZlODBkYWWE4Ng%3D%3D"],
    "7.1": ["Municipios Abiertos del Estado de Guanajuato\n2022-2024", "https://www.gobiernoabiertocto.org.mx/municipios2/mapa.html"],
}


def _compromiso(plan, clave):
    eje, numero = (int(x) for x in clave.split("."))
    return Compromiso.objects.get(eje__plan=plan, eje__numero=eje, numero=numero)


def _tabla(respuesta) -> str:
    """El texto de la tabla de acciones de la página de un compromiso."""
    html = respuesta.content.decode()
    return unescape(texto_de_html(re.search(r"<table.*?</table>", html, re.S).group()))


# --- El modelo -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "campos",
    [
        pytest.param({"url": "https://example.org/a", "archivo": "evidencias/a.pdf"}, id="enlace y archivo"),
        pytest.param({}, id="sin enlace, archivo ni descripción"),
        pytest.param({"descripcion": "Taller", "con_avance": True}, id="descrita de un avance"),
        pytest.param({"url": "https://example.org/a", "con_avance": True, "con_compromiso": True}, id="dos dueños"),
        pytest.param({"url": "https://example.org/a", "con_compromiso": True, "sin_periodo": True}, id="compromiso sin periodo"),
        pytest.param({"url": "https://example.org/a", "con_avance": True, "estado": "validada"}, id="avance con revisión propia"),
        pytest.param({"url": "https://example.org/a", "con_compromiso": True, "estado": ""}, id="compromiso sin revisión"),
        pytest.param({"url": "https://example.org/a", "con_compromiso": True, "estado": "devuelta"}, id="devuelta sin observaciones"),
    ],
)
def test_la_base_exige_un_dueno_y_un_medio(pal, campos):
    campos = dict(campos)
    periodo = pal.periodos.get()
    dueno = {}
    if campos.pop("con_avance", False):
        dueno["avance"] = accion(pal, "1.5.1").avances.get()
    if campos.pop("con_compromiso", False):
        dueno.update(compromiso=_compromiso(pal, "1.5"), estado=Evidencia.Revision.ENVIADA, periodo=periodo)
    if campos.pop("sin_periodo", False):
        dueno.pop("periodo")
    if "avance" not in dueno and "compromiso" not in dueno:
        dueno["avance"] = accion(pal, "1.5.1").avances.get()
    dueno.update(campos)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidencia.objects.bulk_create([Evidencia(**dueno)])


def test_una_evidencia_descrita_es_solo_su_texto(pal):
    evidencia = Evidencia.objects.get(compromiso=_compromiso(pal, "1.5"))
    assert evidencia.tipo == "descrita" and not evidencia.url and not evidencia.archivo
    assert evidencia.publicada


# --- Cargadas como se imprimieron ------------------------------------------------------------


def test_el_fixture_carga_lo_que_imprimio_el_informe_en_su_columna_evidencias(pal):
    periodo = pal.periodos.get(slug="agosto-noviembre-2023")
    cargadas = list(Evidencia.objects.de_compromisos().filter(compromiso__eje__plan=pal).select_related("compromiso__eje"))
    assert {e.periodo_id for e in cargadas} == {periodo.pk}
    assert {e.estado for e in cargadas} == {Evidencia.Revision.VALIDADA}
    impresas: dict[str, list[str]] = {}
    for e in cargadas:
        # Un enlace sin descripción inventada; un texto sin enlace inventado.
        assert bool(e.url) != bool(e.descripcion) and not e.archivo
        impresas.setdefault(e.compromiso.clave, []).append(e.url or e.descripcion)
    assert impresas == IMPRESAS
    # Los «Enlaces» del compromiso siguen ahí: son los enlaces que el informe imprimió.
    enlaces = sorted(EnlaceCompromiso.objects.filter(compromiso__eje__plan=pal).values_list("url", flat=True))
    assert enlaces == sorted(e.url for e in cargadas if e.url)


def test_la_pagina_del_compromiso_las_muestra_en_su_tabla(client, pal):
    tabla = _tabla(client.get(f"/planes/{pal.slug}/compromisos/1.5/"))
    assert "Evidencias del compromiso 1.5 en Agosto–noviembre 2023" in tabla
    assert re.sub(r"\s+", " ", EVIDENCIA_1_5) in tabla
    assert "Sin evidencias en el avance publicado" not in tabla
    html = client.get(f"/planes/{pal.slug}/compromisos/6.1/").content.decode()
    tabla = re.search(r"<table.*?</table>", html, re.S).group()
    assert 'href="https://www.ugto.mx/antenauniversitariaug/"' in tabla
    # La página de cada acción de 1.5 las muestra junto a su avance del mismo periodo.
    accion_1_5_3 = unescape(texto_de(client.get(f"/planes/{pal.slug}/acciones/1.5.3/")))
    assert "Evidencias de todo el compromiso 1.5 en Agosto–noviembre 2023" in accion_1_5_3
    assert "Aproximadamente 129 beneficiarios directos e indirectos" in accion_1_5_3
    # Un compromiso sin evidencias impresas sigue diciendo que no las hay.
    assert "Sin evidencias en el avance publicado" in _tabla(client.get(f"/planes/{pal.slug}/compromisos/2.1/"))


def test_el_pdf_del_informe_las_pone_en_la_columna_evidencias(pal):
    from seguimiento import informes
    from seguimiento.models import Informe

    contenido = informes.construir_contenido(Informe.objects.get(plan=pal, numero=1))
    compromisos = {c["clave"]: c for e in contenido["ejes"] for c in e["compromisos"]}
    assert [e["texto"] for e in compromisos["1.5"]["evidencias"]] == [EVIDENCIA_1_5]
    assert [e["url"] for e in compromisos["7.1"]["evidencias"]] == [
        "", "https://www.gobiernoabiertocto.org.mx/municipios2/mapa.html"
    ]
    html = informes.html_del_contenido(contenido)
    tabla_1_5 = re.search(r"Compromiso 1\.5\..*?</table>", html, re.S).group()
    assert 'rowspan="4"' in tabla_1_5 and "Aproximadamente 129 beneficiarios directos e indirectos" in tabla_1_5


# --- El ciclo: agregar, revisar, publicar ----------------------------------------------------


def _pagina(ciclo, clave="7.1", sufijo=""):
    return f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/compromisos/{clave}/evidencias/{sufijo}"


def test_responsable_agrega_facilitadora_publica_y_la_ciudadania_la_ve(client, ciclo):
    client.force_login(ciclo.iacip)
    respuesta = client.post(_pagina(ciclo), {"evidencia-url": "https://example.org/minuta-7-1", "evidencia-descripcion": "Minuta de la instalación"})
    assert respuesta.status_code == 302
    evidencia = Evidencia.objects.get(url="https://example.org/minuta-7-1")
    assert (evidencia.compromiso.clave, evidencia.periodo, evidencia.estado) == ("7.1", ciclo.periodo, "enviada")
    assert evidencia.history.first().history_user == ciclo.iacip
    # Enviada: la ciudadanía no la ve; el STL la ve en su tablero como «por revisar».
    publica = f"/planes/{ciclo.plan.slug}/compromisos/7.1/"
    assert "Minuta de la instalación" not in client.get(publica).content.decode()
    client.force_login(ciclo.facilitadora)
    tablero = texto_de(client.get(f"/trabajo/{ciclo.plan.slug}/periodos/{ciclo.periodo.slug}/"))
    assert "Compromiso 7.1 (Municipios Abiertos y Partidos Abiertos) · IACIP: 1 por revisar" in tablero
    assert client.post(_pagina(ciclo, sufijo=f"{evidencia.pk}/revision/"), {"decision": "validar"}).status_code == 302
    evidencia.refresh_from_db()
    assert evidencia.estado == "validada" and evidencia.revisada_por == ciclo.facilitadora
    # Validada pero con el periodo sin publicar: todavía no es pública.
    client.logout()
    assert "Minuta de la instalación" not in client.get(publica).content.decode()
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    tabla = _tabla(client.get(publica))
    assert "Evidencias del compromiso 7.1 en Diciembre 2023–enero 2024" in tabla
    assert "Minuta de la instalación" in tabla
    # La del informe sigue, con su periodo.
    assert "Evidencias del compromiso 7.1 en Agosto–noviembre 2023" in tabla
    csv = client.get(f"/datos/{ciclo.plan.slug}/evidencias.csv").content.decode("utf-8-sig")
    assert (
        '"pal-2022-2024","diciembre-2023-enero-2024","Diciembre 2023–enero 2024","7","7.1","","compromiso",'
        '"enlace","https://example.org/minuta-7-1","Minuta de la instalación"\r\n'
    ) in csv


def test_un_archivo_del_compromiso_se_descarga_solo_publicado(client, ciclo):
    evidencia = evidencias.agregar_evidencia_de_compromiso(
        compromiso=_compromiso(ciclo.plan, "7.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        evidencia=Evidencia(archivo=SimpleUploadedFile("mapa.pdf", PDF)),
    )
    assert evidencia.nombre_original == "mapa.pdf" and evidencia.archivo.name.endswith(".pdf")
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 404
    evidencias.validar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.facilitadora)
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    assert client.get(f"/evidencias/{evidencia.pk}/").status_code == 200


def test_devolver_exige_observaciones_y_la_responsable_la_ve(client, ciclo):
    evidencia = evidencias.agregar_evidencia_de_compromiso(
        compromiso=_compromiso(ciclo.plan, "4.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        evidencia=Evidencia(url="https://example.org/lista"),
    )
    with pytest.raises(ValidationError):
        evidencias.devolver_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.facilitadora, observaciones="  ")
    evidencias.devolver_evidencia_de_compromiso(
        evidencia_id=evidencia.pk, usuario=ciclo.facilitadora, observaciones="El enlace no abre."
    )
    client.force_login(ciclo.iacip)
    texto = texto_de(client.get(_pagina(ciclo, "4.1")))
    assert "Devuelta" in texto and "Observaciones del STL: El enlace no abre." in texto


def test_la_responsable_no_quita_lo_validado_y_en_un_periodo_publicado_se_conserva(ciclo):
    evidencia = evidencias.agregar_evidencia_de_compromiso(
        compromiso=_compromiso(ciclo.plan, "7.1"), periodo=ciclo.periodo, usuario=ciclo.iacip,
        evidencia=Evidencia(url="https://example.org/acta"),
    )
    evidencias.validar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.facilitadora)
    with pytest.raises(ValidationError):
        evidencias.quitar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.iacip)
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    evidencias.quitar_evidencia_de_compromiso(evidencia_id=evidencia.pk, usuario=ciclo.facilitadora, como_stl=True)
    evidencia.refresh_from_db()
    assert evidencia.retirada_en is not None
    assert not Evidencia.objects.publicadas_de_compromisos().filter(pk=evidencia.pk).exists()


def test_con_el_periodo_cerrado_la_responsable_ya_no_agrega(client, ciclo):
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    client.force_login(ciclo.iacip)
    pagina = texto_de(client.get(_pagina(ciclo)))
    assert "ya no recibe evidencias" in pagina and "Agregar una evidencia" not in pagina
    respuesta = client.post(_pagina(ciclo), {"evidencia-url": "https://example.org/tarde"})
    assert respuesta.status_code == 400
    assert "ya no recibe evidencias" in texto_de(respuesta)
    assert not Evidencia.objects.filter(url="https://example.org/tarde").exists()


def test_el_compromiso_de_otro_plan_no_se_mezcla(ciclo):
    from tests.fabricas import construir_plan

    otro, _periodo = construir_plan([(1, [(1, [(1, None)])])])
    with pytest.raises(ValidationError):
        evidencias.agregar_evidencia_de_compromiso(
            compromiso=Compromiso.objects.get(eje__plan=otro), periodo=ciclo.periodo,
            usuario=ciclo.facilitadora, evidencia=Evidencia(url="https://example.org/x"), como_stl=True,
        )
    assert not Evidencia.objects.filter(url="https://example.org/x").exists()
