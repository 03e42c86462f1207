"""El informe parcial: PDF fiel al de la sesión, XLSX por nivel, publicación congelada y
correcciones por versión. El PDF se lee como lo leería una persona (pdftotext, pdffonts)."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from plan.models import Accion
from seguimiento import flujo, informes
from seguimiento.models import Avance, CifraPublicada, Evidencia, Informe, Periodo
from seguimiento.rollup import redondear
from tests.ayudas import paginas_pdf


def fuentes_pdf(datos: bytes, tmp_path) -> list[list[str]]:
    ruta = tmp_path / "informe.pdf"
    ruta.write_bytes(datos)
    salida = subprocess.run(["pdffonts", str(ruta)], capture_output=True, check=True, text=True).stdout
    return [linea.split() for linea in salida.splitlines()[2:] if linea.strip()]


def leer(campo) -> bytes:
    with campo.open("rb") as archivo:
        return archivo.read()


def una_linea(texto: str) -> str:
    """Texto en una línea; «42 %» y «42%» se leen igual (pdftotext a veces omite el espacio)."""
    return re.sub(r"\s+%", "%", re.sub(r"\s+", " ", texto))


@pytest.fixture
def primero(pal) -> Informe:
    return Informe.objects.select_related("plan", "periodo_inicial", "periodo_final").get(plan=pal, numero=1)


# --- El 1er Informe Parcial del fixture --------------------------------------------------


def test_el_primer_informe_llega_publicado_y_congelado_con_sus_cifras(primero):
    assert primero.congelado and primero.estado == Informe.Estado.PUBLICADO
    assert primero.origen_cifras == Informe.OrigenCifras.CAPTURA
    pdf, xlsx = leer(primero.pdf), leer(primero.xlsx)
    assert hashlib.sha256(pdf).hexdigest() == primero.pdf_sha256
    assert hashlib.sha256(xlsx).hexdigest() == primero.xlsx_sha256
    assert pdf.startswith(b"%PDF-")
    # Presenta lo que publicó (42 %, meta 58 %), no el cálculo (45.33 %).
    assert primero.contenido["global"]["cifra"] == "42"
    assert primero.contenido["global"]["meta"] == "58"
    assert Decimal(primero.contenido["global"]["calculado"]).quantize(Decimal("0.01")) == Decimal("45.33")
    # Los archivos se guardan con un nombre generado, nunca uno elegido por alguien.
    assert re.fullmatch(r"informes/pal-2022-2024/informe-1-v1-[0-9a-f]{12}\.pdf", primero.pdf.name)


def test_el_pdf_dice_cada_eje_compromiso_y_accion_con_su_cifra(primero):
    paginas = paginas_pdf(leer(primero.pdf))
    texto_completo = una_linea(" ".join(paginas))
    # Portada como la de la sesión.
    portada = una_linea(paginas[0])
    for frase in (
        "Secretariado Técnico Local de Estado Abierto Guanajuato 2022-2024",
        "Cuarta Sesión Ordinaria 2023",
        "Lunes 4 de diciembre de 2023",
        "1.º Informe Parcial",
        "AGOSTO–NOVIEMBRE 2023",
        "33 ACCIONES | 13 COMPROMISOS | 7 EJES",
    ):
        assert frase in portada, frase
    contenido = primero.contenido
    for eje in contenido["ejes"]:
        # Divisor del eje y página «Avance del Eje N».
        assert f"EJE {eje['clave']}" in texto_completo
        pagina_avance = next(una_linea(p) for p in paginas if f"Avance del Eje {eje['clave']}" in p)
        assert f"{eje['cifra']}%" in pagina_avance
        for comp in eje["compromisos"]:
            pagina = next(una_linea(p) for p in paginas if f"Compromiso {comp['clave']}." in p)
            # Acentos intactos: el nombre tal cual (p. ej. «Economía», «Dinámicamente»).
            assert una_linea(comp["nombre"]) in pagina, comp["clave"]
            if comp["cifra"] is not None:
                assert f"{comp['cifra']}%" in pagina
            representante = comp["representante"]
            assert representante["nombre"].upper() in pagina
            for accion in comp["acciones"]:
                assert f"{accion['numero']}. " + una_linea(accion["descripcion"])[:40] in pagina, accion["clave"]
                figura = f"{redondear(Decimal(accion['avance']))}%" + ("*" if accion["nota"] else "")
                assert figura in pagina, (accion["clave"], figura)
                if accion["etapa"]:
                    assert accion["etapa"].upper() in pagina
    # Cierre: avance global y meta por alcanzar con la fecha del plan.
    cierre = next(una_linea(p) for p in paginas if "META POR ALCANZAR" in p)
    assert "42%" in cierre and "58%" in cierre and "AGOSTO DE 2024" in cierre
    # Páginas numeradas.
    assert f"Página 2 de {len(paginas) - 1}" in paginas[1] and "Página" not in paginas[0]
    assert "Economía para todas y todos: Más Empleo para Guanajuato" in texto_completo
    assert "*Nota aclaratoria" in texto_completo


def test_el_anexo_explica_pesos_y_donde_el_calculo_difiere_de_lo_publicado(primero):
    paginas = paginas_pdf(leer(primero.pdf))
    anexo = una_linea(" ".join(p for p in paginas if "Anexo" in p or "ANEXO" in p))
    assert "Σ (peso × avance de cada hijo) ÷ Σ pesos" in anexo
    assert "Dónde la cifra del informe difiere del cálculo" in anexo
    # Global: publicó 42 %, el cálculo da 45.33; eje 1: 51 % frente a 53.25; 1.5: 23 % frente a 36.25.
    assert "Avance global 42% 45.33% +3.33" in anexo
    assert "1. Gobierno Abierto 51% 53.25% +2.25" in anexo
    assert "36.25% +13.25" in anexo
    assert "1.2. Estrategia Dinámicamente sin cifra publicada" in anexo
    # La cuenta de un compromiso, término a término, con sus pesos.
    assert "(1 × 60.00 + 1 × 0.00) ÷ 2 = 30.00" in anexo
    claves = {d["clave"] for d in primero.contenido["diferencias"]}
    assert claves == {"", "1", "1.2", "1.5", "2", "2.1", "5", "5.1"}


def test_el_pdf_lleva_incrustadas_solo_las_fuentes_del_proyecto(primero, tmp_path):
    fuentes = fuentes_pdf(leer(primero.pdf), tmp_path)
    assert fuentes, "el PDF no declara fuentes"
    for fila in fuentes:
        nombre, incrustada = fila[0], fila[-5]
        assert "Noto-Sans" in nombre, f"fuente ajena al proyecto: {nombre}"
        assert incrustada == "yes", f"{nombre} no está incrustada"
    nombres = {fila[0].split("+", 1)[-1] for fila in fuentes}
    assert {"Noto-Sans", "Noto-Sans-Bold"} <= nombres


def test_la_conversion_es_determinista_y_el_archivo_congelado_es_el_que_da_su_contenido(primero):
    """Mismo contenido → mismos bytes: lo guardado es lo que da el contenido guardado."""
    original = informes.pdf_del_contenido.original  # sin la memoria de las pruebas
    assert original(primero.contenido) == leer(primero.pdf)
    assert informes.xlsx_del_contenido.original(primero.contenido) == leer(primero.xlsx)


def test_el_xlsx_tiene_una_hoja_por_nivel_con_las_cifras_exactas(primero):
    libro = load_workbook(io.BytesIO(leer(primero.xlsx)))
    assert libro.sheetnames == ["Informe", "Plan", "Ejes", "Compromisos", "Acciones", "Diferencias"]
    plan = list(libro["Plan"].iter_rows(values_only=True))
    assert plan[0][:4] == ("plan", "avance_informe", "avance_calculado", "meta_por_alcanzar")
    assert plan[1][1] == 42 and plan[1][3] == 58
    assert round(plan[1][2], 2) == 45.33
    assert libro["Ejes"].max_row - 1 == 7
    assert libro["Compromisos"].max_row - 1 == 13
    acciones = list(libro["Acciones"].iter_rows(min_row=2, values_only=True))
    assert len(acciones) == 33
    assert acciones[0][:4] == ("1.1.1", Accion.objects.get(compromiso__eje__plan=primero.plan, compromiso__numero=1, compromiso__eje__numero=1, numero=1).descripcion, 1, 60)
    assert libro["Diferencias"].max_row - 1 == 8


def test_construir_el_contenido_cuesta_las_mismas_consultas_sea_cual_sea_el_plan(primero, django_assert_num_queries):
    # 3 del cálculo (ejes, compromisos, acciones con su avance) + cifras capturadas
    # + compromisos con representante e institución + sus partes cocreadoras (prefetch)
    # + enlaces de los compromisos + palabras destacadas + avances que cuentan + evidencias
    # + evidencias de todo cada compromiso en los periodos del informe.
    with django_assert_num_queries(11):
        informes.construir_contenido(primero)
    # Más acciones, avances y evidencias: las mismas consultas.
    periodo = primero.periodo_final
    compromiso = primero.plan.ejes.get(numero=1).compromisos.get(numero=1)
    for numero in range(3, 23):
        accion = Accion.objects.create(compromiso=compromiso, numero=numero, descripcion=f"Acción extra {numero}")
        avance = Avance.objects.create(accion=accion, periodo=periodo, porcentaje=50, estado=Avance.Estado.VALIDADO)
        Evidencia.objects.create(avance=avance, url=f"https://example.org/{numero}")
    with django_assert_num_queries(11):
        contenido = informes.construir_contenido(primero)
    assert contenido["totales"]["acciones"] == 53


# --- Publicar, congelar, corregir --------------------------------------------------------


def _validado(ciclo, clave: str, porcentaje) -> Avance:
    eje, comp, numero = (int(x) for x in clave.split("."))
    accion = Accion.objects.get(compromiso__eje__plan=ciclo.plan, compromiso__eje__numero=eje, compromiso__numero=comp, numero=numero)
    return Avance.objects.create(
        accion=accion, periodo=ciclo.periodo, porcentaje=Decimal(porcentaje), estado=Avance.Estado.VALIDADO,
        validado_por=ciclo.facilitadora,
    )


def _publicar_periodo(ciclo):
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)


def _segundo(ciclo, **campos) -> Informe:
    campos.setdefault("titulo", "Segundo Informe Parcial")
    return Informe.objects.create(
        plan=ciclo.plan, numero=2, periodo_inicial=ciclo.periodo, periodo_final=ciclo.periodo, **campos
    )


def test_publicar_exige_los_periodos_publicados_y_no_escribe_nada(ciclo):
    informe = _segundo(ciclo)
    with pytest.raises(ValidationError, match="publique los periodos que cubre: Diciembre 2023–enero 2024"):
        informes.publicar_informe(informe=informe, usuario=ciclo.facilitadora)
    informe.refresh_from_db()
    assert informe.estado == Informe.Estado.BORRADOR and not informe.congelado
    assert not CifraPublicada.objects.filter(informe=informe).exists()


def test_publicar_guarda_las_cifras_del_calculo_y_lo_congela(ciclo):
    _validado(ciclo, "4.1.1", 80)
    _publicar_periodo(ciclo)
    informe = informes.publicar_informe(informe=_segundo(ciclo), usuario=ciclo.facilitadora)
    assert informe.congelado and informe.publicado_por == ciclo.facilitadora
    assert informe.origen_cifras == Informe.OrigenCifras.CALCULO
    # 4.1 pasa de (33 + 33 + 34) / 3 a (80 + 33 + 34) / 3 = 49 (redondeado una sola vez).
    cifra = CifraPublicada.objects.get(informe=informe, compromiso__numero=1, compromiso__eje__numero=4)
    assert cifra.porcentaje == 49
    global_ = CifraPublicada.objects.get(informe=informe, nivel=CifraPublicada.Nivel.PLAN).porcentaje
    assert informe.meta_por_alcanzar_publicada == 100 - global_
    assert informe.contenido["diferencias"] == []  # sus cifras son las del cálculo
    pagina = next(una_linea(p) for p in paginas_pdf(leer(informe.pdf)) if "Compromiso 4.1." in p)
    assert "49%" in pagina and "80%" in pagina
    assert "BORRADOR" not in " ".join(paginas_pdf(leer(informe.pdf)))


def test_un_avance_corregido_despues_no_cambia_el_informe_publicado(ciclo):
    avance = _validado(ciclo, "4.1.1", 80)
    _publicar_periodo(ciclo)
    informe = informes.publicar_informe(informe=_segundo(ciclo), usuario=ciclo.facilitadora)
    pdf, xlsx, contenido = leer(informe.pdf), leer(informe.xlsx), informe.contenido
    Avance.objects.filter(pk=avance.pk).update(porcentaje=10)
    informe.refresh_from_db()
    assert leer(informe.pdf) == pdf and leer(informe.xlsx) == xlsx and informe.contenido == contenido
    assert CifraPublicada.objects.get(informe=informe, compromiso__numero=1, compromiso__eje__numero=4).porcentaje == 49
    # Volver a publicarlo no lo reescribe: se corrige con una versión nueva.
    with pytest.raises(ValidationError, match="ya está publicado y congelado"):
        informes.publicar_informe(informe=informe, usuario=ciclo.facilitadora)


def test_una_correccion_es_una_version_nueva_y_la_anterior_se_conserva(ciclo):
    avance = _validado(ciclo, "4.1.1", 80)
    _publicar_periodo(ciclo)
    v1 = informes.publicar_informe(informe=_segundo(ciclo), usuario=ciclo.facilitadora)
    pdf_v1 = leer(v1.pdf)
    Avance.objects.filter(pk=avance.pk).update(porcentaje=20)
    with pytest.raises(ValidationError):
        informes.corregir_informe(informe=v1, motivo="   ", usuario=ciclo.facilitadora)
    v2 = informes.corregir_informe(informe=v1, motivo="La cifra de 4.1.1 era 20 %, no 80 %.", usuario=ciclo.facilitadora)
    assert (v2.version, v2.corrige, v2.estado) == (2, v1, Informe.Estado.BORRADOR)
    v2 = informes.publicar_informe(informe=v2, usuario=ciclo.facilitadora)
    v1.refresh_from_db()
    assert v1.congelado and leer(v1.pdf) == pdf_v1 and v1.pdf.name != v2.pdf.name
    assert CifraPublicada.objects.get(informe=v2, compromiso__numero=1, compromiso__eje__numero=4).porcentaje == 29
    assert "Versión 2 (corrección)" in una_linea(paginas_pdf(leer(v2.pdf))[0])
    # Solo se corrige la última versión.
    with pytest.raises(ValidationError, match="Ya existe la versión 2"):
        informes.corregir_informe(informe=v1, motivo="otra", usuario=ciclo.facilitadora)


def test_la_base_exige_motivo_y_version_anterior_en_una_correccion(primero):
    with pytest.raises(IntegrityError), transaction.atomic():
        Informe.objects.create(
            plan=primero.plan, numero=1, version=2, titulo="x",
            periodo_inicial=primero.periodo_inicial, periodo_final=primero.periodo_final,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Informe.objects.create(
            plan=primero.plan, numero=1, version=2, titulo="x", corrige=primero, motivo_correccion="",
            periodo_inicial=primero.periodo_inicial, periodo_final=primero.periodo_final,
        )


def test_la_base_no_admite_un_borrador_con_archivos(primero):
    with pytest.raises(IntegrityError), transaction.atomic():
        Informe.objects.filter(pk=primero.pk).update(estado=Informe.Estado.BORRADOR)


def test_el_borrador_lleva_su_marca_y_usa_avances_validados_aun_sin_publicar(ciclo):
    _validado(ciclo, "4.1.1", 80)  # validado, periodo abierto: aún no es público
    informe = _segundo(ciclo)
    contenido = informes.construir_contenido(informe)
    assert contenido["informe"]["borrador"] is True
    comp = next(c for e in contenido["ejes"] for c in e["compromisos"] if c["clave"] == "4.1")
    assert comp["cifra"] == "49"
    paginas = paginas_pdf(informes.pdf_del_contenido(contenido))
    assert "BORRADOR · NO PUBLICADO" in paginas[0] and "BORRADOR · NO PUBLICADO" in paginas[3]


def test_un_rango_de_periodos_se_nombra_por_sus_meses(pal):
    inicial = Periodo(plan=pal, nombre="a", inicio=datetime.date(2023, 12, 1), fin=datetime.date(2024, 1, 31))
    final = Periodo(plan=pal, nombre="b", inicio=datetime.date(2024, 2, 1), fin=datetime.date(2024, 5, 31))
    assert informes.etiqueta_periodo(inicial, final) == "diciembre 2023–mayo 2024"
    assert informes.etiqueta_periodo(final, final) == "febrero–mayo 2024"
    with pytest.raises(ValidationError, match="empieza antes que el inicial"):
        informes.validar_periodos(pal, final, inicial)


def test_volver_a_congelar_el_mismo_contenido_no_duplica_archivos(primero):
    """Con la misma carpeta de archivos (p. ej. al recrear la base), se reutiliza el archivo."""
    from pathlib import Path

    nombre = primero.pdf.name
    informes._guardar_archivos(primero, primero.contenido)
    assert primero.pdf.name == nombre
    assert len(list(Path(primero.pdf.path).parent.glob("*.pdf"))) == 1
    # Un archivo distinto con el mismo nombre no se pisa: se guarda con otro nombre.
    Path(primero.pdf.path).write_bytes(b"%PDF-otro")
    informes._guardar_archivos(primero, primero.contenido)
    assert primero.pdf.name != nombre
    assert hashlib.sha256(leer(primero.pdf)).hexdigest() == primero.pdf_sha256


def test_preparar_sin_weasyprint_avisa_en_espanol_y_deja_el_portal_listo(db, monkeypatch):
    """Sin Pango (WeasyPrint no carga) el portal queda listo y el aviso dice qué instalar."""
    import sys
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # «import weasyprint» falla
    errores = StringIO()
    call_command("preparar", stdout=StringIO(), stderr=errores)
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in errores.getvalue()
    informe = Informe.objects.get(plan__slug="pal-2022-2024", numero=1)
    assert informe.estado == Informe.Estado.PUBLICADO and not informe.congelado
