"""El ciclo bimestral en Chromium, como lo viven sus personas: una responsable reporta con un
archivo y lo envía; la facilitadora lo devuelve; la responsable corrige; la facilitadora valida
y publica; la ciudadanía lo ve. Y cada página del trabajo, accesible (WCAG 2.1 AA), en un
teléfono de 360 px y sin JavaScript."""

import re

import pytest

from tests.ayudas import PDF
from tests.navegador.axe import revisar_accesibilidad
from tests.navegador.ayudas import clic, entrar
from tests.navegador.paginas import revisar_sin_desplazamiento_horizontal

PERIODO = "diciembre-2023-enero-2024"


def fila(pagina, clave):
    return pagina.get_by_role("row", name=re.compile(rf"^{re.escape(clave)} "))


def test_reportar_devolver_corregir_validar_publicar_y_ver(nueva_pagina, ciclo, tmp_path, mailoutbox):
    minuta = tmp_path / "minuta de la mesa.pdf"
    minuta.write_bytes(PDF)
    responsable, facilitadora, ciudadania = nueva_pagina(), nueva_pagina(), nueva_pagina()

    # 1. La responsable del IACIP ve lo que le falta y reporta la acción 4.1.2 con un archivo.
    entrar(responsable, ciclo, "iacip")
    assert "Faltan 6 de 6" in responsable.locator(".resumen-pendientes").inner_text()
    revisar_accesibilidad(responsable)
    clic(responsable.get_by_role("link", name="Reportar la acción 4.1.2"))
    revisar_accesibilidad(responsable)
    responsable.get_by_label("Avance acumulado (%)").fill("50")
    responsable.get_by_label("Narrativa").fill("Se instaló la mesa de personas facilitadoras del DAI.")
    nueva = responsable.get_by_role("group", name="Evidencia nueva 1")
    nueva.get_by_label("Descripción").fill("Minuta de la mesa")
    nueva.get_by_label("o archivo").set_input_files(minuta)
    clic(responsable.get_by_role("button", name="Enviar al STL"))
    assert "Avance de la acción 4.1.2 enviado al STL" in responsable.get_by_role("status").inner_text()
    assert "Enviado" in fila(responsable, "4.1.2").inner_text()
    assert "Faltan 5 de 6" in responsable.locator(".resumen-pendientes").inner_text()

    # 2. La facilitadora lo revisa desde su tablero y lo devuelve con observaciones.
    entrar(facilitadora, ciclo, "facilitadora")
    clic(facilitadora.get_by_role("link", name="Diciembre 2023–enero 2024"))
    revisar_accesibilidad(facilitadora)
    assert "Iacip" in fila(facilitadora, "4.1.2").inner_text()
    clic(facilitadora.get_by_role("link", name="Revisar la acción 4.1.2"))
    assert facilitadora.get_by_role("link", name="Minuta de la mesa").is_visible()
    with facilitadora.expect_download() as descarga:
        clic(facilitadora.get_by_role("link", name="Minuta de la mesa"))
    assert open(descarga.value.path(), "rb").read() == PDF
    revisar_accesibilidad(facilitadora)
    facilitadora.get_by_label("Observaciones para el responsable").fill("Agregue la lista de asistencia.")
    clic(facilitadora.get_by_role("button", name="Devolver con observaciones"))
    assert "devuelto; se avisó por correo" in facilitadora.get_by_role("status").inner_text()
    assert "Devuelto" in fila(facilitadora, "4.1.2").inner_text()
    assert [m.to for m in mailoutbox] == [["iacip@example.org"]]
    assert "Agregue la lista de asistencia." in mailoutbox[0].body

    # 3. La responsable ve las observaciones, corrige y vuelve a enviar.
    responsable.reload(wait_until="load")
    clic(responsable.get_by_role("link", name="Corregir la acción 4.1.2"))
    assert "Agregue la lista de asistencia." in responsable.get_by_role("note").inner_text()
    assert responsable.get_by_label("Avance acumulado (%)").input_value() == "50.00"
    responsable.get_by_label("Avance acumulado (%)").fill("55")
    nueva = responsable.get_by_role("group", name="Evidencia nueva 1")
    nueva.get_by_label("Descripción").fill("Lista de asistencia")
    nueva.get_by_label("Enlace").fill("https://iacip-gto.org.mx/dai/asistencia")
    clic(responsable.get_by_role("button", name="Enviar al STL"))
    assert "Enviado" in fila(responsable, "4.1.2").inner_text()

    # 4. La facilitadora valida y publica el periodo en un paso.
    facilitadora.reload(wait_until="load")
    clic(facilitadora.get_by_role("link", name="Revisar la acción 4.1.2"))
    assert "Lista de asistencia" in facilitadora.locator(".evidencias").inner_text()
    clic(facilitadora.get_by_role("button", name="Validar"))
    assert "Validado" in fila(facilitadora, "4.1.2").inner_text()
    clic(facilitadora.get_by_role("button", name="Publicar el periodo"))
    assert "publicado" in facilitadora.get_by_role("status").inner_text()

    # 5. La ciudadanía lo ve en el portal, con sus evidencias.
    ciudadania.goto(ciclo + "/planes/pal-2022-2024/acciones/4.1.2/")
    avance = ciudadania.locator("#periodo-" + PERIODO)
    assert avance.get_by_role("heading", level=3).inner_text() == "Diciembre 2023–enero 2024: 55\u00a0%"
    assert "Se instaló la mesa" in avance.inner_text()
    assert avance.get_by_role("link", name="Lista de asistencia").get_attribute("href") == "https://iacip-gto.org.mx/dai/asistencia"
    with ciudadania.expect_download() as descarga:
        avance.get_by_role("link", name="Minuta de la mesa").click()
    assert descarga.value.suggested_filename == "minuta de la mesa.pdf"


def test_un_archivo_disfrazado_se_rechaza_en_espanol_y_conserva_lo_escrito(pagina, ciclo, tmp_path):
    falso = tmp_path / "informe.pdf"
    falso.write_bytes(b"<html><body><script>alert('x')</script></body></html>")
    entrar(pagina, ciclo, "iacip")
    clic(pagina.get_by_role("link", name="Reportar la acción 4.1.1"))
    pagina.get_by_label("Avance acumulado (%)").fill("20")
    pagina.get_by_label("Narrativa").fill("Texto que no debe perderse")
    pagina.get_by_role("group", name="Evidencia nueva 1").get_by_label("o archivo").set_input_files(falso)
    clic(pagina.get_by_role("button", name="Guardar borrador"))
    alerta = pagina.get_by_role("alert").first
    assert "No se guardó nada" in alerta.inner_text()
    assert "El archivo «informe.pdf» contiene HTML, SVG o XML" in pagina.content()
    # 20 % es menos que el 33 % validado: también se pide la justificación, junto a su campo.
    justificacion = pagina.get_by_label("Justificación si el avance disminuye")
    assert justificacion.get_attribute("aria-invalid") == "true"
    assert pagina.get_by_label("Narrativa").input_value() == "Texto que no debe perderse"
    revisar_accesibilidad(pagina)


PAGINAS_DEL_TRABAJO = {
    "espacio": ("iacip", "/trabajo/pal-2022-2024/"),
    "captura": ("iacip", f"/trabajo/pal-2022-2024/periodos/{PERIODO}/acciones/7.1.1/"),
    "tablero": ("facilitadora", f"/trabajo/pal-2022-2024/periodos/{PERIODO}/"),
    "revision": ("integrante", f"/trabajo/pal-2022-2024/periodos/{PERIODO}/acciones/3.2.1/revision/"),
    "abrir-periodo": ("facilitadora", "/trabajo/pal-2022-2024/periodos/nuevo/"),
    "prorroga": ("facilitadora", f"/trabajo/pal-2022-2024/periodos/{PERIODO}/prorroga/"),
    "tareas": ("integrante", "/trabajo/pal-2022-2024/tareas/"),
}


@pytest.mark.parametrize("nombre", list(PAGINAS_DEL_TRABAJO))
def test_paginas_del_trabajo_accesibles_y_en_un_telefono(nueva_pagina, ciclo, nombre):
    usuario, ruta = PAGINAS_DEL_TRABAJO[nombre]
    escritorio = nueva_pagina()
    entrar(escritorio, ciclo, usuario)
    escritorio.goto(ciclo + ruta)
    assert escritorio.get_by_role("heading", level=1).is_visible()
    revisar_accesibilidad(escritorio)
    from tests.navegador import chromium

    movil = nueva_pagina(viewport=chromium.VENTANA_MOVIL, is_mobile=True, has_touch=True, device_scale_factor=2)
    entrar(movil, ciclo, usuario)
    movil.goto(ciclo + ruta)
    revisar_sin_desplazamiento_horizontal(movil)
    revisar_accesibilidad(movil)


def test_la_entrada_accesible_y_con_error_en_espanol(pagina, ciclo):
    pagina.goto(ciclo + "/cuentas/entrar/")
    revisar_accesibilidad(pagina)
    pagina.get_by_label("Nombre de usuario").fill("iacip")
    pagina.get_by_label("Contraseña").fill("equivocada")
    clic(pagina.get_by_role("button", name="Entrar"))
    assert "Por favor introduzca nombre de usuario y contraseña correctos" in pagina.get_by_role("alert").inner_text()
    revisar_accesibilidad(pagina)


def test_reportar_sin_javascript(pagina_sin_js, ciclo):
    entrar(pagina_sin_js, ciclo, "iacip")
    clic(pagina_sin_js.get_by_role("link", name="Reportar la acción 7.1.2"))
    pagina_sin_js.get_by_label("Avance acumulado (%)").fill("60")
    clic(pagina_sin_js.get_by_role("button", name="Guardar borrador"))
    assert "Borrador guardado" in pagina_sin_js.get_by_role("status").inner_text()
    assert pagina_sin_js.get_by_label("Avance acumulado (%)").input_value() == "60.00"


def test_cargar_la_plantilla_de_excel_con_vista_previa(pagina, ciclo, tmp_path):
    """La responsable descarga su plantilla, la llena, la carga, revisa la vista previa y envía."""
    import io

    from openpyxl import load_workbook

    entrar(pagina, ciclo, "iacip")
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar la plantilla de Excel").click()
    libro = load_workbook(io.BytesIO(open(descarga.value.path(), "rb").read()))
    hoja = libro["Avances"]
    cabecera = next(f for f in range(1, hoja.max_row + 1) if hoja.cell(f, 1).value == "Clave")
    columna = {c.value: c.column for c in hoja[cabecera]}
    filas = {hoja.cell(f, 1).value: f for f in range(cabecera + 1, hoja.max_row + 1) if hoja.cell(f, 1).value}
    assert sorted(filas) == ["4.1.1", "4.1.2", "4.1.3", "7.1.1", "7.1.2", "7.1.3"]
    hoja.cell(filas["7.1.2"], columna["Avance %"]).value = 70
    hoja.cell(filas["7.1.2"], columna["Narrativa"]).value = "Capacitación a los siete partidos."
    lleno = tmp_path / "plantilla llena.xlsx"
    salida = io.BytesIO()
    libro.save(salida)
    lleno.write_bytes(salida.getvalue())

    clic(pagina.get_by_role("link", name="Cargar avances desde Excel"))
    revisar_accesibilidad(pagina)
    pagina.get_by_label("Plantilla llena (.xlsx)").set_input_files(lleno)
    clic(pagina.get_by_role("button", name="Revisar el archivo"))
    assert pagina.get_by_role("heading", level=1).inner_text() == "Vista previa de la carga"
    cambios = pagina.get_by_role("row", name=re.compile(r"^7\.1\.2 ")).inner_text()
    assert "→ 70" in cambios and "Capacitación a los siete partidos." in cambios
    revisar_accesibilidad(pagina)
    clic(pagina.get_by_role("button", name="Guardar y enviar al STL"))
    # La escritura es una tarea en segundo plano: su página dice el resultado y lleva a las acciones.
    resultado = pagina.get_by_role("region", name="Resultado")
    assert "Se envió 1 avance al STL para su revisión." in resultado.inner_text()
    revisar_accesibilidad(pagina)
    clic(resultado.get_by_role("link", name="Ir a sus acciones"))
    assert "Enviado" in fila(pagina, "7.1.2").inner_text()
