"""El informe parcial en Chromium, como lo viven sus personas.

- La ciudadanía llega a «Informes» desde la cabecera, ve el Primer Informe Parcial del PAL
  2022-2024 con su avance global (42 %) y la huella SHA-256 de sus archivos, los descarga y
  comprueba que la huella de lo descargado es la publicada.
- La facilitadora del STL crea el Segundo Informe Parcial (con un error de captura antes),
  revisa su vista previa en PDF (marcada como borrador), lo publica (se congela), lo corrige
  con una versión nueva y la publica: la versión anterior avisa que fue corregida.
- Una integrante del STL ve los informes pero no puede publicarlos.
- Cada página, accesible (WCAG 2.1 AA con axe-core), en un teléfono de 360 px y sin JavaScript.
"""

import hashlib
import io
import re

import pytest
from openpyxl import load_workbook

from tests.ayudas import CLAVE, texto_pdf
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PLAN = "pal-2022-2024"
LISTA = "/informes/"
PRIMERO = f"/informes/{PLAN}/1/v1/"
TRABAJO = f"/trabajo/{PLAN}/"
INFORMES_DEL_TRABAJO = f"/trabajo/{PLAN}/informes/"
HUELLA = re.compile(r"^[0-9a-f]{64}$")


# --- Ayudas ------------------------------------------------------------------------------


def descargar(pagina, enlace) -> bytes:
    """Los bytes del archivo al que lleva ``enlace``, como los recibe el navegador.

    Si el archivo se descarga (``Content-Disposition: attachment``), con la descarga de
    Chromium; si se abre en el navegador (el PDF), con una petición del mismo contexto (mismas
    cookies): la respuesta de la navegación al PDF no sirve, Playwright entrega en su lugar la
    página del visor de PDF de Chromium, no el archivo.
    """
    href = enlace.get_attribute("href")
    respuesta = pagina.request.get(href if href.startswith("http") else _origen(pagina) + href)
    assert respuesta.ok, f"{href} respondió {respuesta.status}"
    disposicion = respuesta.headers.get("content-disposition", "")
    if disposicion.startswith("attachment"):
        with pagina.expect_download() as descarga:
            enlace.click()
        datos = open(descarga.value.path(), "rb").read()
        nombre = re.search(r'filename="([^"]+)"', disposicion).group(1)
        assert descarga.value.suggested_filename == nombre
        assert datos == respuesta.body()
        return datos
    return respuesta.body()


def _origen(pagina) -> str:
    return re.match(r"^https?://[^/]+", pagina.url).group(0)


def contar_informes() -> int:
    from seguimiento.models import Informe

    return Informe.objects.filter(plan__slug=PLAN).count()


@pytest.fixture
def stl(portal, pal_vivo, django_user_model):
    """La facilitadora y una integrante del STL del PAL 2022-2024 (como el ``ciclo`` de
    tests/seguimiento/conftest.py), sobre los planes reales con el Primer Informe Parcial ya
    publicado y congelado por ``manage.py preparar``."""
    from plan.models import Membresia

    for nombre, rol in [("facilitadora", Membresia.Rol.FACILITADOR), ("integrante", Membresia.Rol.INTEGRANTE)]:
        cuenta = django_user_model.objects.create_user(
            nombre, f"{nombre}@example.org", CLAVE, first_name=nombre.capitalize()
        )
        Membresia.objects.create(usuario=cuenta, plan=pal_vivo, rol=rol)
    return portal


# --- Ciudadanía (solo leen: servidor compartido) -----------------------------------------


def test_la_ciudadania_descarga_el_informe_y_su_huella_coincide(pagina, portal_lectura, tmp_path):
    pagina.goto(portal_lectura + "/")
    navegacion = pagina.get_by_role("navigation", name="Secciones del portal")
    clic(navegacion.get_by_role("link", name="Informes", exact=True))
    assert pagina.url == portal_lectura + LISTA
    assert pagina.get_by_role("heading", level=1).inner_text() == "Informes publicados"

    primero = pagina.locator("li.informe-publicado").filter(
        has=pagina.get_by_role("heading", level=3, name="Primer Informe Parcial")
    )
    assert primero.count() == 1
    assert "Avance global: 42\u00a0%" in primero.inner_text()
    huellas_de_la_lista = primero.locator("code.huella").all_inner_texts()
    assert len(huellas_de_la_lista) == 2 and all(HUELLA.match(h) for h in huellas_de_la_lista)

    clic(primero.get_by_role("link", name="Primer Informe Parcial", exact=True))
    assert pagina.url == portal_lectura + PRIMERO
    assert pagina.get_by_role("heading", level=1).inner_text() == "Primer Informe Parcial"
    assert "Esta versión fue corregida" not in pagina.content()
    assert "Avance global: 42\u00a0%" in pagina.get_by_role("region", name="Cifras del informe", exact=True).inner_text()

    archivos = pagina.get_by_role("table", name=re.compile("Archivos de esta versión"))
    huellas, descargados = {}, {}
    for extension in ("pdf", "xlsx"):
        nombre = f"{PLAN}-informe-1-v1.{extension}"
        fila = archivos.get_by_role("row", name=re.compile(rf"^{re.escape(nombre)}"))
        huella = fila.locator("code.huella").inner_text()
        assert HUELLA.match(huella)
        datos = descargar(pagina, fila.get_by_role("link", name=nombre))
        assert hashlib.sha256(datos).hexdigest() == huella, f"La huella del {extension} descargado no es la publicada"
        huellas[extension], descargados[extension] = huella, datos
    assert [huellas["pdf"], huellas["xlsx"]] == huellas_de_la_lista

    assert descargados["xlsx"][:2] == b"PK"  # el XLSX es un ZIP
    assert descargados["pdf"].startswith(b"%PDF-")
    texto = texto_pdf(descargados["pdf"])
    assert "33 ACCIONES | 13 COMPROMISOS | 7 EJES" in texto
    assert "Avance del Eje 1" in texto
    assert "BORRADOR" not in texto


def test_el_xlsx_se_descarga_y_el_pdf_se_abre_en_el_navegador(pagina, portal_lectura):
    """Al hacer clic, Chromium descarga el XLSX y abre el PDF en su visor (``inline``).

    El PDF va al final: al salir de su visor, Chromium cancela los recursos internos del visor
    (``chrome-extension://…``) y la vigilancia de recursos los contaría como fallos del portal.
    """
    pagina.goto(portal_lectura + PRIMERO)
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name=f"{PLAN}-informe-1-v1.xlsx").click()
    assert descarga.value.suggested_filename == f"{PLAN}-informe-1-v1.xlsx"
    assert descarga.value.failure() is None

    pdf = pagina.get_by_role("link", name=f"{PLAN}-informe-1-v1.pdf")
    direccion = portal_lectura + pdf.get_attribute("href")
    with pagina.expect_response(direccion) as abierto:
        clic(pdf)
    respuesta = abierto.value
    assert pagina.url == direccion
    assert respuesta.status == 200
    assert respuesta.headers["content-type"] == "application/pdf"
    assert respuesta.headers["content-disposition"] == f'inline; filename="{PLAN}-informe-1-v1.pdf"'
    assert respuesta.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("ruta", [LISTA, PRIMERO], ids=["lista", "version"])
def test_paginas_publicas_de_informes_cumplen_wcag_21_aa(pagina, portal_lectura, ruta):
    pagina.goto(portal_lectura + ruta)
    revisar_accesibilidad(pagina)


@pytest.mark.parametrize("ruta", [LISTA, PRIMERO], ids=["lista", "version"])
def test_paginas_publicas_de_informes_en_un_telefono_de_360_px(pagina_movil, portal_lectura, ruta):
    pagina_movil.goto(portal_lectura + ruta)
    revisar_sin_desplazamiento_horizontal(pagina_movil)
    revisar_accesibilidad(pagina_movil)


def test_sin_version_lleva_a_la_vigente_y_un_informe_inexistente_da_404(pagina, portal_lectura):
    respuesta = pagina.goto(portal_lectura + f"/informes/{PLAN}/9/v1/")
    assert respuesta.status == 404
    respuesta = pagina.goto(portal_lectura + f"/informes/{PLAN}/1/")
    assert pagina.url == portal_lectura + PRIMERO and respuesta.status == 200


# --- La facilitadora del STL --------------------------------------------------------------


def test_crear_revisar_publicar_y_corregir_un_informe(nueva_pagina, stl, tmp_path):
    facilitadora, ciudadania = nueva_pagina(), nueva_pagina()
    entrar(facilitadora, stl, "facilitadora")

    # 1. De «Mi trabajo» a los informes del plan.
    navegacion = facilitadora.get_by_role("navigation", name="Secciones del portal")
    clic(navegacion.get_by_role("link", name="Mi trabajo"))
    assert facilitadora.url == stl + TRABAJO
    clic(facilitadora.get_by_role("link", name="Informes del plan"))
    assert facilitadora.url == stl + INFORMES_DEL_TRABAJO
    assert facilitadora.get_by_role("heading", level=1).inner_text() == "Informes parciales"
    assert "Publicado el" in facilitadora.get_by_role("row", name=re.compile(r"^1\. Primer Informe Parcial")).inner_text()
    revisar_accesibilidad(facilitadora)

    # 2. El formulario llega lleno con el siguiente número y su título.
    clic(facilitadora.get_by_role("link", name="Nuevo informe parcial"))
    assert facilitadora.get_by_role("heading", level=1).inner_text() == "Nuevo informe parcial"
    numero, titulo = facilitadora.get_by_label("Número"), facilitadora.get_by_label("Título")
    assert numero.input_value() == "2"
    assert titulo.input_value() == "Segundo Informe Parcial"
    for campo in ("Periodo inicial", "Periodo final"):
        elegido = facilitadora.get_by_label(campo).locator("option:checked").inner_text()
        assert elegido == "Agosto–noviembre 2023"
    revisar_accesibilidad(facilitadora)

    # 3. Un número que ya existe y un título vacío: errores en español, nada se crea.
    numero.fill("1")
    titulo.fill("")
    clic(facilitadora.get_by_role("button", name="Crear el borrador"))
    assert facilitadora.title().startswith("Error: ")
    assert "No se guardó nada" in facilitadora.get_by_role("alert").inner_text()
    assert "Ya existe el informe número 1 en este plan" in facilitadora.locator(".campo--error").first.inner_text()
    assert "Este campo es obligatorio" in facilitadora.locator(".campo--error").nth(1).inner_text()
    assert numero.get_attribute("aria-invalid") == "true"
    assert titulo.get_attribute("aria-invalid") == "true"
    assert contar_informes() == 1
    revisar_accesibilidad(facilitadora)

    # 4. Corregido, se crea el borrador.
    numero.fill("2")
    titulo.fill("Segundo Informe Parcial")
    facilitadora.get_by_label("Sesión del STL").fill("Primera Sesión Ordinaria 2024")
    clic(facilitadora.get_by_role("button", name="Crear el borrador"))
    assert "Borrador del Segundo Informe Parcial creado" in facilitadora.get_by_role("status").inner_text()
    assert facilitadora.get_by_role("heading", level=1).inner_text() == "Segundo Informe Parcial"
    assert "Borrador: nadie fuera del STL lo ve" in facilitadora.locator(".ficha").inner_text()
    assert contar_informes() == 2
    revisar_accesibilidad(facilitadora)

    # Aún no es público.
    assert ciudadania.goto(stl + f"/informes/{PLAN}/2/").status == 404

    # 5. La vista previa en PDF lleva la marca de borrador.
    previa = descargar(facilitadora, facilitadora.get_by_role("link", name="Vista previa en PDF"))
    texto = texto_pdf(previa)
    assert "BORRADOR" in texto
    assert "Segundo Informe Parcial" in texto
    xlsx = descargar(facilitadora, facilitadora.get_by_role("link", name="Vista previa en XLSX"))
    portada = {fila[0]: fila[1] for fila in load_workbook(io.BytesIO(xlsx))["Informe"].iter_rows(values_only=True)}
    assert portada["Informe"] == "Segundo Informe Parcial"
    assert portada["Estado"] == "Borrador (no publicado)"

    # 6. Publicar: se pide en segundo plano (sin broker corre en la misma petición) y se llega a la
    # página de la tarea, con su resultado; se congela con las cifras del cálculo (45.33 % → 45 %).
    clic(facilitadora.get_by_role("button", name="Publicar y congelar"))
    assert "Se pidió la publicación del Segundo Informe Parcial" in facilitadora.get_by_role("status").first.inner_text()
    assert facilitadora.get_by_role("heading", level=1).inner_text().startswith("Publicar y congelar el Segundo Informe Parcial")
    resultado = facilitadora.get_by_role("region", name="Resultado").inner_text()
    assert "Segundo Informe Parcial (" in resultado and "publicado y congelado" in resultado
    assert "Terminada" in facilitadora.locator(".datos").inner_text()
    revisar_accesibilidad(facilitadora)
    clic(facilitadora.get_by_role("link", name="Ver el informe congelado"))
    assert "Publicado y congelado el" in facilitadora.locator(".ficha").inner_text()
    assert not facilitadora.get_by_role("button", name="Publicar y congelar").count()
    archivos = facilitadora.get_by_role("region", name="Archivos publicados")
    huellas_v1 = archivos.locator("code.huella").all_inner_texts()
    assert len(huellas_v1) == 2 and all(HUELLA.match(h) for h in huellas_v1)
    assert "Avance global: 45\u00a0%" in facilitadora.get_by_role("region", name="Cifras", exact=True).inner_text()
    revisar_accesibilidad(facilitadora)

    # La ciudadanía ya lo ve en «Informes», con su cifra.
    ciudadania.goto(stl + LISTA)
    segundo = ciudadania.locator("li.informe-publicado").filter(
        has=ciudadania.get_by_role("heading", level=3, name="Segundo Informe Parcial")
    )
    assert "Avance global: 45\u00a0%" in segundo.inner_text()
    assert ciudadania.get_by_role("heading", level=3, name="Primer Informe Parcial").is_visible()

    # 7. Corregir: el motivo es obligatorio; la versión 2 nace en borrador.
    clic(facilitadora.get_by_role("link", name="Corregir este informe (nueva versión)"))
    revisar_accesibilidad(facilitadora)
    clic(facilitadora.get_by_role("button", name="Crear la versión 2 en borrador"))
    assert "No se creó la corrección" in facilitadora.get_by_role("alert").inner_text()
    assert contar_informes() == 2
    revisar_accesibilidad(facilitadora)
    motivo = "Se corrige el nombre de la sesión del STL."
    facilitadora.get_by_label("Motivo de la corrección").fill(motivo)
    clic(facilitadora.get_by_role("button", name="Crear la versión 2 en borrador"))
    assert "Versión 2 creada en borrador" in facilitadora.get_by_role("status").inner_text()
    assert facilitadora.get_by_role("heading", level=1).inner_text() == "Segundo Informe Parcial"
    assert f"Corrige la versión 1: {motivo}" in facilitadora.get_by_role("main").inner_text()
    revisar_accesibilidad(facilitadora)
    # Mientras tanto, la versión 1 sigue siendo la vigente.
    ciudadania.goto(stl + f"/informes/{PLAN}/2/")
    assert ciudadania.url == stl + f"/informes/{PLAN}/2/v1/"

    clic(facilitadora.get_by_role("button", name="Publicar y congelar"))
    assert "publicado y congelado" in facilitadora.get_by_role("region", name="Resultado").inner_text()
    # Las dos publicaciones, en la lista de tareas del plan.
    clic(facilitadora.get_by_role("link", name="Trabajo en segundo plano"))
    filas = facilitadora.get_by_role("row", name=re.compile("^Publicar y congelar el Segundo Informe Parcial"))
    assert filas.count() == 2 and all("Terminada" in t for t in filas.all_inner_texts())
    revisar_accesibilidad(facilitadora)

    # 8. La versión 1 se conserva, avisa que fue corregida y lleva a la 2.
    ciudadania.goto(stl + f"/informes/{PLAN}/2/v1/")
    aviso = ciudadania.get_by_role("note")
    assert "Esta versión fue corregida" in aviso.inner_text()
    assert motivo in aviso.inner_text()
    # Sus archivos siguen siendo los que se publicaron, byte por byte.
    assert ciudadania.locator("code.huella").all_inner_texts() == huellas_v1
    pdf_v1 = descargar(ciudadania, ciudadania.get_by_role("link", name=f"{PLAN}-informe-2-v1.pdf"))
    assert hashlib.sha256(pdf_v1).hexdigest() == huellas_v1[0]
    revisar_accesibilidad(ciudadania)
    clic(aviso.get_by_role("link", name="versión 2"))
    assert ciudadania.url == stl + f"/informes/{PLAN}/2/v2/"
    assert f"Corrige la versión 1: {motivo}" in ciudadania.get_by_role("main").inner_text()
    assert not ciudadania.get_by_text("Esta versión fue corregida").count()
    huella_v2 = ciudadania.locator("code.huella").first.inner_text()
    assert huella_v2 != huellas_v1[0]
    pdf_v2 = descargar(ciudadania, ciudadania.get_by_role("link", name=f"{PLAN}-informe-2-v2.pdf"))
    assert hashlib.sha256(pdf_v2).hexdigest() == huella_v2
    texto = texto_pdf(pdf_v2)
    assert "Versión 2 (corrección)." in texto and motivo in texto
    assert "BORRADOR" not in texto
    revisar_accesibilidad(ciudadania)

    # La dirección sin versión lleva a la vigente, y la lista la muestra primero.
    ciudadania.goto(stl + f"/informes/{PLAN}/2/")
    assert ciudadania.url == stl + f"/informes/{PLAN}/2/v2/"
    ciudadania.goto(stl + LISTA)
    segundo = ciudadania.locator("li.informe-publicado").filter(
        has=ciudadania.get_by_role("heading", level=3, name=re.compile("^Segundo Informe Parcial"))
    )
    assert "versión 2" in segundo.get_by_role("heading", level=3).inner_text()
    assert segundo.get_by_role("link", name="versión 1").get_attribute("href") == f"/informes/{PLAN}/2/v1/"


def test_la_integrante_ve_los_informes_pero_no_los_publica(pagina, stl):
    from seguimiento.models import Informe, Periodo

    periodo = Periodo.objects.get(plan__slug=PLAN, slug="agosto-noviembre-2023")
    borrador = Informe.objects.create(
        plan=periodo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=periodo, periodo_final=periodo
    )
    entrar(pagina, stl, "integrante")
    clic(pagina.get_by_role("link", name="Informes del plan"))
    assert pagina.get_by_role("row", name=re.compile(r"^2\. Segundo Informe Parcial")).is_visible()
    assert not pagina.get_by_role("link", name="Nuevo informe parcial").count()

    clic(pagina.get_by_role("link", name="2. Segundo Informe Parcial"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Segundo Informe Parcial"
    assert pagina.get_by_role("link", name="Vista previa en PDF").is_visible()
    for boton in ("Publicar y congelar", "Eliminar el borrador"):
        assert not pagina.get_by_role("button", name=boton).count()
    assert not pagina.get_by_role("link", name="Editar los datos").count()

    # Aunque arme la petición a mano (con su token CSRF válido), no puede publicar.
    token = pagina.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    respuesta = pagina.request.post(
        stl + f"{INFORMES_DEL_TRABAJO}{borrador.pk}/publicar/", form={"csrfmiddlewaretoken": token}
    )
    assert respuesta.status == 403
    borrador.refresh_from_db()
    assert borrador.estado == Informe.Estado.BORRADOR and not borrador.congelado


# --- Accesibilidad y teléfono en el trabajo del STL ---------------------------------------


def test_paginas_de_informes_del_trabajo_en_un_telefono(nueva_pagina, stl):
    """Lista, formulario y borrador, en un teléfono de 360 px: sin desplazarse a los lados."""
    from seguimiento.models import Informe, Periodo
    from tests.navegador import chromium

    periodo = Periodo.objects.get(plan__slug=PLAN, slug="agosto-noviembre-2023")
    borrador = Informe.objects.create(
        plan=periodo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=periodo, periodo_final=periodo
    )
    primero = Informe.objects.get(plan__slug=PLAN, numero=1)
    movil = nueva_pagina(viewport=chromium.VENTANA_MOVIL, is_mobile=True, has_touch=True, device_scale_factor=2)
    entrar(movil, stl, "facilitadora")
    for ruta in ("", "nuevo/", f"{borrador.pk}/", f"{primero.pk}/", f"{primero.pk}/corregir/"):
        movil.goto(stl + INFORMES_DEL_TRABAJO + ruta)
        assert movil.get_by_role("heading", level=1).is_visible()
        revisar_sin_desplazamiento_horizontal(movil)
        revisar_accesibilidad(movil)


# --- Sin JavaScript -----------------------------------------------------------------------


def test_crear_y_publicar_un_informe_sin_javascript(pagina_sin_js, stl):
    pagina = pagina_sin_js
    entrar(pagina, stl, "facilitadora")
    clic(pagina.get_by_role("link", name="Informes del plan"))
    clic(pagina.get_by_role("link", name="Nuevo informe parcial"))
    assert pagina.get_by_label("Número").input_value() == "2"
    clic(pagina.get_by_role("button", name="Crear el borrador"))
    assert "Borrador del Segundo Informe Parcial creado" in pagina.get_by_role("status").inner_text()
    clic(pagina.get_by_role("button", name="Publicar y congelar"))
    assert "publicado y congelado" in pagina.get_by_role("region", name="Resultado").inner_text()
    assert contar_informes() == 2

    pagina.goto(stl + LISTA)
    assert pagina.get_by_role("heading", level=3, name="Segundo Informe Parcial").is_visible()
    pagina.goto(stl + f"/informes/{PLAN}/2/")
    assert pagina.url == stl + f"/informes/{PLAN}/2/v1/"


def test_una_tarea_fallida_dice_por_que_y_se_reintenta(nueva_pagina, stl):
    """Una publicación que no se pudo hacer (el borrador se borró antes de que la tarea corriera)
    queda a la vista, con su motivo y «Reintentar», legible a 1280 y a 360 px."""
    from plan.models import Plan
    from tareas import servicios

    tarea = servicios.encolar(
        tipo="informes.publicar", descripcion="Publicar y congelar el Segundo Informe Parcial",
        argumentos={"informe_id": 999999}, plan=Plan.objects.get(slug=PLAN),
    )
    motivo = "El informe ya no existe (se borró el borrador): no hay nada que publicar."
    facilitadora = nueva_pagina()
    entrar(facilitadora, stl, "facilitadora")
    clic(facilitadora.get_by_role("link", name="Tareas del plan"))
    fila = facilitadora.get_by_role("row", name=re.compile("^Publicar y congelar el Segundo Informe Parcial"))
    assert "Falló" in fila.inner_text()
    revisar_accesibilidad(facilitadora)
    clic(fila.get_by_role("link", name=re.compile("^Ver por qué falló")))
    assert motivo in facilitadora.get_by_role("region", name="Por qué falló").inner_text()
    revisar_accesibilidad(facilitadora)
    clic(facilitadora.get_by_role("button", name="Reintentar"))
    assert "Tarea reintentada" in facilitadora.get_by_role("status").first.inner_text()
    assert "(intento 2)" in facilitadora.locator(".datos").inner_text()
    assert motivo in facilitadora.get_by_role("region", name="Por qué falló").inner_text()

    from tests.navegador import chromium

    movil = nueva_pagina(viewport=chromium.VENTANA_MOVIL, is_mobile=True, has_touch=True, device_scale_factor=2)
    entrar(movil, stl, "facilitadora")
    for ruta in (f"/trabajo/{PLAN}/tareas/", f"/trabajo/{PLAN}/tareas/{tarea.pk}/"):
        movil.goto(stl + ruta)
        revisar_sin_desplazamiento_horizontal(movil)
        revisar_accesibilidad(movil)
