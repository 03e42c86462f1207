"""El informe parcial: su contenido, su PDF (WeasyPrint), su XLSX, y su publicación congelada.

Un informe se arma en tres pasos, siempre los mismos para el borrador y para el publicado:

1. ``construir_contenido(informe)`` reúne de la base **cuanto** dice el documento, en un
   diccionario de tipos JSON (los porcentajes como texto decimal exacto): el plan, el periodo,
   cada eje, compromiso y acción con su cifra, sus evidencias, el representante titular, las
   notas aclaratorias, los pesos y la cuenta de cada cifra. Hace un número fijo de consultas,
   sea cual sea el tamaño del plan.
2. ``pdf_del_contenido`` y ``xlsx_del_contenido`` convierten ese diccionario en archivos, sin
   consultar la base: el mismo contenido da los mismos bytes.
3. ``publicar_informe`` guarda el contenido, los dos archivos y su SHA-256 en el ``Informe``
   (lo **congela**). Desde entonces el informe se sirve de lo guardado: un avance corregido
   después no lo altera. Una corrección es otra versión (``corregir_informe``).

**Cifras del informe.** Si el informe ya trae cifras capturadas (``CifraPublicada``: un informe
histórico como el 1er Informe Parcial del PAL 2022-2024, capturado tal como se imprimió), esas
son las que el documento presenta, y el anexo muestra dónde el cálculo con los avances
publicados da otra cosa. Si no trae, el portal calcula cada cifra con ``rollup.py`` (avances
validados de periodos publicados hasta el periodo final del informe), la redondea una sola vez
a entero para imprimirla y, al publicar, la guarda como ``CifraPublicada``. La meta por alcanzar
es 100 menos el avance global impreso.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from estado_abierto import sitio
from plan.models import Accion, Compromiso, EnlaceCompromiso

from .cifras import dos_cifras
from .datos import periodo_json
from .hojas_de_calculo import guardar_libro
from .models import Avance, CifraPublicada, Evidencia, Informe, Periodo
from .numeros import numero_exacto
from .rollup import CIEN, Alcance, Comparacion, calcular_avance, desglose, redondear
from .senales import enviar_al_confirmar, informe_publicado

#: Versión de la forma de ``Informe.contenido``; sube si cambia, para leer los viejos.
ESQUEMA = 1

#: Carpeta de las fuentes que se incrustan en el PDF (OFL, ver static/fonts/OFL.txt).
CARPETA_FUENTES = Path(settings.BASE_DIR) / "static" / "fonts"

ORDINALES = {
    1: "Primer", 2: "Segundo", 3: "Tercer", 4: "Cuarto", 5: "Quinto", 6: "Sexto",
    7: "Séptimo", 8: "Octavo", 9: "Noveno", 10: "Décimo", 11: "Undécimo", 12: "Duodécimo",
}

MESES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


# --- Texto -----------------------------------------------------------------------------------


def titulo_sugerido(numero: int) -> str:
    """«Primer Informe Parcial», …; «Informe Parcial 13» más allá del duodécimo."""
    if numero in ORDINALES:
        return f"{ORDINALES[numero]} Informe Parcial"
    return f"Informe Parcial {numero}"


def etiqueta_periodo(inicial: Periodo, final: Periodo) -> str:
    """Lo que cubre el informe, como lo imprime la portada: «agosto–noviembre 2023»."""
    desde, hasta = inicial.inicio, final.fin
    if (desde.year, desde.month) == (hasta.year, hasta.month):
        return f"{MESES[desde.month - 1]} {desde.year}"
    if desde.year == hasta.year:
        return f"{MESES[desde.month - 1]}–{MESES[hasta.month - 1]} {hasta.year}"
    return f"{MESES[desde.month - 1]} {desde.year}–{MESES[hasta.month - 1]} {hasta.year}"


def nombre_stl(plan) -> str:
    return f"Secretariado Técnico Local de Estado Abierto {plan.entidad} {plan.anio_inicio}-{plan.anio_fin}"


def _txt(valor: Decimal | None) -> str | None:
    """Decimal exacto como texto (JSON no tiene decimales); ``None`` se queda."""
    return None if valor is None else numero_exacto(valor)


def _dec(valor: str | None) -> Decimal | None:
    return None if valor is None else Decimal(valor)


def _num(valor: Decimal, decimales: int = 2) -> str:
    return format(redondear(valor, decimales), "f")


def _expresion(nodo) -> str:
    """La cuenta de un nivel, término a término: «(1 × 60 + 1 × 0) ÷ 2 = 30.00»."""
    if not nodo.calculable:
        return str(nodo.error)
    if nodo.avance is None:
        return _("Sin reporte: ninguna acción debajo tiene un avance publicado.")
    cuenta = desglose(nodo)
    terminos = []
    for termino in cuenta.terminos:
        if termino.excluido:
            continue
        valor = _num(termino.valor)
        if termino.sin_reporte:
            valor = _("0 (sin reporte)")
        terminos.append(f"{numero_exacto(termino.peso)} × {valor}")
    return "({}) ÷ {} = {}".format(" + ".join(terminos), numero_exacto(cuenta.suma_pesos), _num(nodo.avance))


def _cobertura(nodo) -> list[int]:
    return [nodo.cobertura.con_reporte, nodo.cobertura.total]


# --- 1. Contenido ----------------------------------------------------------------------------


def origen_de_cifras(informe: Informe) -> str:
    """Capturadas si el informe ya tiene cifras registradas; si no, del cálculo."""
    if informe.origen_cifras:
        return informe.origen_cifras
    if informe.pk and CifraPublicada.objects.filter(informe=informe).exists():
        return Informe.OrigenCifras.CAPTURA
    return Informe.OrigenCifras.CALCULO


def construir_contenido(informe: Informe, *, origen: str | None = None) -> dict:
    """Cuanto dice el informe, en tipos JSON. Consultas fijas (ver las pruebas):

    el cálculo (3), las cifras capturadas (1), los compromisos con su representante e
    institución (1) y sus partes cocreadoras (1), los enlaces de los compromisos (1), las
    acciones con sus palabras destacadas (1), los avances que cuentan (1) y sus evidencias (1), y
    las evidencias de todo cada compromiso en los periodos del informe (1).
    """
    plan = informe.plan
    inicial, final = informe.periodo_inicial, informe.periodo_final
    origen = origen or origen_de_cifras(informe)
    publicado = informe.estado == Informe.Estado.PUBLICADO
    # El borrador usa los avances validados aunque su periodo aún no se publique (vista del
    # STL); el publicado, solo los de periodos publicados (lo que la ciudadanía puede revisar).
    alcance = Alcance.PUBLICO if publicado else Alcance.INTERNO
    resultado = calcular_avance(plan, periodo=final, alcance=alcance)

    capturadas = {}
    if origen == Informe.OrigenCifras.CAPTURA:
        for cifra in CifraPublicada.objects.filter(informe=informe).values(
            "nivel", "eje_id", "compromiso_id", "porcentaje", "evidencias"
        ):
            llave = {"plan": ("plan", None), "eje": ("eje", cifra["eje_id"])}.get(
                cifra["nivel"], ("compromiso", cifra["compromiso_id"])
            )
            capturadas[llave] = cifra

    compromisos = {
        c.pk: c
        for c in Compromiso.objects.filter(eje__plan=plan)
        .select_related("institucion_responsable", "representante__institucion")
        .prefetch_related(Prefetch("partes_cocreadoras"))
    }
    enlaces: dict[int, list[dict]] = {}
    for enlace in EnlaceCompromiso.objects.filter(compromiso__eje__plan=plan).order_by("compromiso_id", "orden", "pk"):
        enlaces.setdefault(enlace.compromiso_id, []).append({"url": enlace.url, "titulo": enlace.titulo})
    destacados = dict(Accion.objects.del_plan(plan).values_list("pk", "destacado"))

    # Los avances que el cálculo tomó (acción, periodo del último que cuenta), con su nota y
    # sus evidencias.
    pares = {(a.id, a.periodo_id) for a in resultado.acciones() if a.periodo_id is not None}
    avances = {}
    if pares:
        for avance in Avance.objects.filter(
            accion__compromiso__eje__plan=plan, periodo_id__in={p for _a, p in pares}
        ).select_related("periodo"):
            if (avance.accion_id, avance.periodo_id) in pares:
                avances[avance.accion_id] = avance
    evidencias: dict[int, list[dict]] = {}
    for evidencia in Evidencia.objects.vigentes().filter(avance__in=[a.pk for a in avances.values()]).order_by("avance_id", "pk"):
        evidencias.setdefault(evidencia.avance_id, []).append(_evidencia(evidencia))

    # Las evidencias de todo el compromiso (la columna «Evidencias» del informe impreso) de los
    # periodos que cubre el informe, con el mismo alcance que las cifras.
    de_compromisos = Evidencia.objects.vigentes().filter(
        avance__isnull=True,
        compromiso__eje__plan=plan,
        estado=Evidencia.Revision.VALIDADA,
        periodo__inicio__gte=inicial.inicio,
        periodo__inicio__lte=final.inicio,
    )
    if publicado:
        de_compromisos = de_compromisos.filter(periodo__estado=Periodo.Estado.PUBLICADO)
    evidencias_de_compromisos: dict[int, list[dict]] = {}
    for evidencia in de_compromisos.select_related("periodo").order_by("compromiso_id", "periodo__inicio", "pk"):
        evidencias_de_compromisos.setdefault(evidencia.compromiso_id, []).append(
            {**_evidencia(evidencia), "periodo": evidencia.periodo.nombre}
        )

    # Por qué una cifra oficial capturada no coincide con la recalculada (cifras.py, sin consultas).
    nodos = [resultado, *resultado.ejes, *resultado.compromisos()]
    cifras = dos_cifras(
        resultado,
        informe,
        {
            (nodo.nivel, nodo.clave): Comparacion(
                nodo.nivel, nodo.clave, nodo.nombre, capturadas[llave]["porcentaje"], nodo.avance
            )
            for nodo in nodos
            if (llave := (nodo.nivel, None if nodo.nivel == "plan" else nodo.id)) in capturadas
        },
    )

    def por_que(nodo) -> str:
        dos = cifras.de(nodo)
        return dos.explicacion if dos.difiere else ""

    def cifra_de(llave, nodo):
        if origen == Informe.OrigenCifras.CAPTURA:
            fila = capturadas.get(llave)
            return _txt(fila["porcentaje"]) if fila and fila["porcentaje"] is not None else None
        return _txt(redondear(nodo.avance)) if nodo.calculable else None

    ejes = []
    for eje in resultado.ejes:
        datos_eje = {
            "numero": eje.numero,
            "clave": eje.clave,
            "nombre": eje.nombre,
            "peso": numero_exacto(eje.peso),
            "cifra": cifra_de(("eje", eje.id), eje),
            "calculado": _txt(eje.avance),
            "por_que": por_que(eje),
            "cobertura": _cobertura(eje),
            "calculo": _expresion(eje),
            "compromisos": [],
        }
        for compromiso in eje.compromisos:
            modelo = compromisos[compromiso.id]
            capturada = capturadas.get(("compromiso", compromiso.id)) or {}
            datos_eje["compromisos"].append(
                {
                    "numero": compromiso.numero,
                    "clave": compromiso.clave,
                    "nombre": compromiso.nombre,
                    "peso": numero_exacto(compromiso.peso),
                    "cifra": cifra_de(("compromiso", compromiso.id), compromiso),
                    "calculado": _txt(compromiso.avance),
                    "por_que": por_que(compromiso),
                    "cobertura": _cobertura(compromiso),
                    "calculo": _expresion(compromiso),
                    "institucion": modelo.institucion_responsable.nombre,
                    "representante": _representante(modelo),
                    "partes_cocreadoras": [p.nombre for p in modelo.partes_cocreadoras.all()],
                    "enlaces": enlaces.get(compromiso.id, []),
                    "evidencias_texto": capturada.get("evidencias", ""),
                    "evidencias": evidencias_de_compromisos.get(compromiso.id, []),
                    "acciones": [
                        _accion(accion, destacados.get(accion.id, ""), avances.get(accion.id), evidencias, final)
                        for accion in compromiso.acciones
                    ],
                }
            )
        ejes.append(datos_eje)

    cifra_global = cifra_de(("plan", None), resultado)
    if origen == Informe.OrigenCifras.CAPTURA:
        meta = _txt(informe.meta_por_alcanzar_publicada)
    else:
        meta = None if cifra_global is None else _txt(CIEN - Decimal(cifra_global))
    contenido = {
        "esquema": ESQUEMA,
        "origen_cifras": origen,
        "alcance": alcance.value,
        "plan": {
            "nombre": plan.nombre,
            "nombre_corto": plan.nombre_corto,
            "slug": plan.slug,
            "entidad": plan.entidad,
            "vigencia": f"{plan.anio_inicio}-{plan.anio_fin}",
            "stl": nombre_stl(plan),
            "fecha_meta": plan.fecha_meta.isoformat() if plan.fecha_meta else None,
        },
        "informe": {
            "numero": informe.numero,
            "version": informe.version,
            "titulo": informe.titulo,
            "sesion": informe.sesion,
            "fecha_sesion": informe.fecha_sesion.isoformat() if informe.fecha_sesion else None,
            "hora_sesion": informe.hora_sesion.strftime("%H:%M") if informe.hora_sesion else None,
            "periodo": etiqueta_periodo(inicial, final),
            "periodo_inicial": periodo_json(inicial),
            "periodo_final": periodo_json(final),
            "motivo_correccion": informe.motivo_correccion,
            "borrador": not publicado,
        },
        "totales": {
            "ejes": len(resultado.ejes),
            "compromisos": sum(len(e.compromisos) for e in resultado.ejes),
            "acciones": sum(1 for _a in resultado.acciones()),
        },
        "global": {
            "cifra": cifra_global,
            "calculado": _txt(resultado.avance),
            "por_que": por_que(resultado),
            "meta": meta,
            "meta_calculada": _txt(resultado.meta_por_alcanzar) if resultado.calculable else None,
            "cobertura": _cobertura(resultado),
            "calculo": _expresion(resultado),
        },
        "ejes": ejes,
        "direcciones": {
            "plan": settings.SITIO_URL + reverse("plan:plan", args=[plan.slug]),
            "calculo": settings.SITIO_URL + reverse("plan:calculo", args=[plan.slug]),
            "datos": settings.SITIO_URL + reverse("datos:indice"),
        },
    }
    contenido["diferencias"] = diferencias(contenido)
    return contenido


def _representante(compromiso: Compromiso) -> dict | None:
    persona = compromiso.representante
    if persona is None:
        return None
    institucion = persona.institucion or compromiso.institucion_responsable
    return {
        "grado": persona.grado,
        "nombre": persona.nombre,
        "cargo": persona.cargo,
        "institucion": institucion.nombre,
    }


def _evidencia(evidencia: Evidencia) -> dict:
    if evidencia.url:
        return {"url": evidencia.url, "texto": evidencia.descripcion or evidencia.url, "tipo": "enlace"}
    if not evidencia.archivo:
        # Descrita: el texto que el informe imprimió, sin enlace.
        return {"url": "", "texto": evidencia.descripcion, "tipo": "descrita"}
    ruta = reverse("seguimiento:evidencia", args=[evidencia.pk])
    return {
        "url": f"{settings.SITIO_URL}{ruta}",
        "texto": evidencia.descripcion or evidencia.nombre_original or _("Archivo de evidencia"),
        "tipo": "archivo",
    }


def _accion(accion, destacado: str, avance: Avance | None, evidencias, final: Periodo) -> dict:
    datos = {
        "clave": accion.clave,
        "numero": accion.numero,
        "descripcion": accion.descripcion,
        "destacado": destacado,
        "peso": numero_exacto(accion.peso),
        "avance": _txt(accion.avance),
        "etapa": accion.etapa,
        "nota": accion.nota_aclaratoria_marcada,
        "nota_texto": "",
        "periodo": None,
        "evidencias": [],
    }
    if avance is not None:
        datos["nota_texto"] = avance.nota_aclaratoria
        datos["evidencias"] = evidencias.get(avance.pk, [])
        if avance.periodo_id != final.pk:
            # Cifra acumulada que viene de un periodo anterior: se dice de cuál.
            datos["periodo"] = avance.periodo.nombre
    return datos


def diferencias(contenido: dict) -> list[dict]:
    """Dónde la cifra del informe no es la que da el cálculo (redondeado a entero)."""
    filas = []

    def revisar(nivel, clave, nombre, nodo):
        cifra, calculado = _dec(nodo["cifra"]), _dec(nodo["calculado"])
        if cifra is None and calculado is None:
            return
        if cifra is not None and calculado is not None and redondear(calculado) == redondear(cifra):
            return
        filas.append(
            {
                "nivel": nivel,
                "clave": clave,
                "nombre": nombre,
                "cifra": nodo["cifra"],
                "calculado": nodo["calculado"],
                "diferencia": None if cifra is None or calculado is None else _txt(calculado - cifra),
                # Un contenido congelado antes de existir «por_que» no lo trae.
                "por_que": nodo.get("por_que", ""),
            }
        )

    revisar("plan", "", _("Avance global"), contenido["global"])
    for eje in contenido["ejes"]:
        revisar("eje", eje["clave"], eje["nombre"], eje)
        for compromiso in eje["compromisos"]:
            revisar("compromiso", compromiso["clave"], compromiso["nombre"], compromiso)
    return filas


def claves_que_difieren(contenido: dict) -> set[str]:
    """«plan:», «eje:1», «compromiso:1.5»: los elementos del anexo de diferencias."""
    return {f"{d['nivel']}:{d['clave']}" for d in contenido["diferencias"]}


# --- 2. Archivos -----------------------------------------------------------------------------


DIAS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def _fecha_larga(iso: str | None, con_dia: bool = True) -> str:
    """«lunes 4 de diciembre de 2023» o, sin día, «agosto de 2024» (minúsculas, como en español)."""
    if not iso:
        return ""
    fecha = datetime.date.fromisoformat(iso)
    if con_dia:
        return f"{DIAS[fecha.weekday()]} {fecha.day} de {MESES[fecha.month - 1]} de {fecha.year}"
    return f"{MESES[fecha.month - 1]} de {fecha.year}"


def contexto_del_documento(contenido: dict) -> dict:
    """Lo que la plantilla necesita además del contenido (fechas en palabras, fuentes)."""
    informe = contenido["informe"]
    return {
        "c": contenido,
        "fecha_sesion": _fecha_larga(informe["fecha_sesion"]),
        "fecha_meta": _fecha_larga(contenido["plan"]["fecha_meta"], con_dia=False),
        "fuentes": CARPETA_FUENTES.as_uri(),
        "ordinal": f"{informe['numero']}.º",
    }


def html_del_contenido(contenido: dict) -> str:
    return render_to_string("informes/documento.html", contexto_del_documento(contenido))


def pdf_del_contenido(contenido: dict) -> bytes:
    """El PDF del informe (WeasyPrint), con las fuentes del proyecto incrustadas."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fuentes = FontConfiguration()
    documento = HTML(string=html_del_contenido(contenido), base_url=str(CARPETA_FUENTES))
    # PDF etiquetado (estructura de encabezados, tablas y enlaces para lectores de pantalla).
    return documento.write_pdf(font_config=fuentes, pdf_tags=True)


#: Hojas del XLSX: (nombre, columnas). Una por nivel, más «Diferencias».
_ENCABEZADO = Font(bold=True, color="FFFFFF")
_FONDO = PatternFill("solid", fgColor="0B5E6B")


def _escribir_hoja(libro, nombre, columnas, filas, anchos):
    """Una hoja con su fila de encabezados; los textos se vuelven celdas de texto (nunca
    fórmulas) al guardar el libro con ``guardar_libro``."""
    hoja = libro.create_sheet(nombre)
    hoja.append(columnas)
    for celda in hoja[1]:
        celda.font = _ENCABEZADO
        celda.fill = _FONDO
        celda.alignment = Alignment(wrap_text=True, vertical="top")
    for fila in filas:
        hoja.append(fila)
    for i, ancho in enumerate(anchos, start=1):
        hoja.column_dimensions[get_column_letter(i)].width = ancho
    hoja.freeze_panes = "A2"
    return hoja


def _pct(valor: str | None):
    return None if valor is None else Decimal(valor)


def xlsx_del_contenido(contenido: dict) -> bytes:
    """El mismo informe en un libro: «Informe», «Plan», «Ejes», «Compromisos», «Acciones» y
    «Diferencias». Porcentajes exactos (sin redondear) junto a la cifra impresa; sin fechas de
    generación, así el mismo contenido da los mismos bytes. Lo escribe ``hojas_de_calculo``:
    ningún texto del contenido (una etapa, una nota, un nombre, el motivo de una corrección) se
    vuelve fórmula en el archivo que se congela."""
    plan, informe, totales, glob = (
        contenido["plan"], contenido["informe"], contenido["totales"], contenido["global"],
    )
    libro = Workbook()
    portada = libro.active
    portada.title = "Informe"
    filas = [
        ("Plan", plan["nombre"]),
        ("Secretariado Técnico Local", plan["stl"]),
        ("Informe", informe["titulo"]),
        ("Número", informe["numero"]),
        ("Versión", informe["version"]),
        ("Motivo de la corrección", informe["motivo_correccion"]),
        ("Periodo que cubre", informe["periodo"]),
        ("Avances hasta el periodo", f"{informe['periodo_final']['nombre']} ({informe['periodo_final']['fin']})"),
        ("Sesión del STL", informe["sesion"]),
        ("Fecha de la sesión", informe["fecha_sesion"] or ""),
        ("Hora de la sesión", informe.get("hora_sesion") or ""),
        ("Estado", "Borrador (no publicado)" if informe["borrador"] else "Publicado"),
        ("Origen de las cifras", _origen_texto(contenido["origen_cifras"])),
        ("Acciones", totales["acciones"]),
        ("Compromisos", totales["compromisos"]),
        ("Ejes", totales["ejes"]),
        ("Avance global: cifra oficial del informe (%)", _pct(glob["cifra"])),
        ("Avance global: cifra recalculada por el portal (%, exacta)", _pct(glob["calculado"])),
        ("Meta por alcanzar (%)", _pct(glob["meta"])),
        ("Fecha de la meta", plan["fecha_meta"] or ""),
        ("Cómo se calcula", "Cada nivel es la media ponderada de sus hijos: Σ(peso × avance) ÷ Σ peso. "
         "Una acción sin reporte cuenta como 0 y se dice. La cifra oficial es la que publica el informe; "
         "la cifra recalculada, la que da esa cuenta con los avances de las acciones (se redondea a "
         "entero solo al imprimirse). La hoja «Diferencias» dice dónde no coinciden y por qué."),
    ]
    for fila in filas:
        portada.append(fila)
    for celda in portada["A"]:
        celda.font = Font(bold=True)
    portada.column_dimensions["A"].width = 38
    portada.column_dimensions["B"].width = 100
    for celda in portada["B"]:
        celda.alignment = Alignment(wrap_text=True, vertical="top")

    _escribir_hoja(
        libro, "Plan",
        ["plan", "cifra_oficial", "cifra_recalculada", "meta_por_alcanzar", "acciones_con_reporte",
         "acciones", "calculo"],
        [[plan["slug"], _pct(glob["cifra"]), _pct(glob["calculado"]), _pct(glob["meta"]),
          glob["cobertura"][0], glob["cobertura"][1], glob["calculo"]]],
        (18, 16, 18, 18, 20, 10, 80),
    )
    _escribir_hoja(
        libro, "Ejes",
        ["eje", "nombre", "peso", "cifra_oficial", "cifra_recalculada", "acciones_con_reporte", "acciones", "calculo"],
        [[int(e["clave"]), e["nombre"], Decimal(e["peso"]), _pct(e["cifra"]), _pct(e["calculado"]),
          e["cobertura"][0], e["cobertura"][1], e["calculo"]] for e in contenido["ejes"]],
        (6, 40, 8, 16, 18, 20, 10, 80),
    )
    compromisos = [c for e in contenido["ejes"] for c in e["compromisos"]]
    _escribir_hoja(
        libro, "Compromisos",
        ["compromiso", "nombre", "peso", "cifra_oficial", "cifra_recalculada", "acciones_con_reporte",
         "acciones", "institucion", "representante", "enlaces", "evidencias_impresas", "calculo",
         "evidencias_del_compromiso"],
        [[c["clave"], c["nombre"], Decimal(c["peso"]), _pct(c["cifra"]), _pct(c["calculado"]),
          c["cobertura"][0], c["cobertura"][1], c["institucion"], _persona(c["representante"]),
          " | ".join(e["url"] for e in c["enlaces"]), c["evidencias_texto"], c["calculo"],
          " | ".join(e["url"] or e["texto"] for e in c.get("evidencias", []))]
         for c in compromisos],
        (12, 50, 8, 16, 18, 20, 10, 40, 40, 50, 50, 80, 60),
    )
    _escribir_hoja(
        libro, "Acciones",
        ["accion", "descripcion", "peso", "avance", "etapa", "nota_aclaratoria", "nota_aclaratoria_texto",
         "periodo_del_avance", "evidencias"],
        [[a["clave"], a["descripcion"], Decimal(a["peso"]), _pct(a["avance"]), a["etapa"],
          "Sí" if a["nota"] else "No", a["nota_texto"],
          a["periodo"] or informe["periodo_final"]["nombre"] if a["avance"] is not None else "",
          " | ".join(e["url"] for e in a["evidencias"])]
         for c in compromisos for a in c["acciones"]],
        (12, 80, 8, 10, 30, 16, 40, 24, 60),
    )
    _escribir_hoja(
        libro, "Diferencias",
        ["nivel", "clave", "nombre", "cifra_oficial", "cifra_recalculada", "diferencia_pp", "por_que_difieren"],
        [[d["nivel"], d["clave"], d["nombre"], _pct(d["cifra"]), _pct(d["calculado"]), _pct(d["diferencia"]),
          d.get("por_que", "")]
         for d in contenido["diferencias"]],
        (12, 10, 50, 18, 18, 16, 80),
    )
    for hoja in libro.worksheets[1:]:
        for fila in hoja.iter_rows(min_row=2):
            for celda in fila:
                celda.alignment = Alignment(wrap_text=True, vertical="top")
    return guardar_libro(libro, titulo=f"{informe['titulo']} · {plan['nombre']}")


def _persona(persona: dict | None) -> str:
    if not persona:
        return ""
    return ", ".join(x for x in (f"{persona['grado']} {persona['nombre']}".strip(), persona["cargo"]) if x)


def _origen_texto(origen: str) -> str:
    return str(Informe.OrigenCifras(origen).label)


# --- 3. Publicar, congelar, corregir ---------------------------------------------------------


def sha256(datos: bytes) -> str:
    return hashlib.sha256(datos).hexdigest()


def periodos_sin_publicar(informe: Informe) -> list[Periodo]:
    """Periodos del plan hasta el final del informe que aún no se publican."""
    return list(
        Periodo.objects.filter(plan=informe.plan, inicio__lte=informe.periodo_final.inicio)
        .exclude(estado=Periodo.Estado.PUBLICADO)
        .order_by("inicio")
    )


def validar_periodos(plan, inicial: Periodo, final: Periodo) -> None:
    errores = {}
    if inicial.plan_id != plan.pk:
        errores["periodo_inicial"] = _("El periodo inicial no es de este plan.")
    if final.plan_id != plan.pk:
        errores["periodo_final"] = _("El periodo final no es de este plan.")
    if not errores and inicial.inicio > final.inicio:
        errores["periodo_final"] = _(
            "El periodo final (%(final)s) empieza antes que el inicial (%(inicial)s)."
        ) % {"final": final.nombre, "inicial": inicial.nombre}
    if errores:
        raise ValidationError(errores)


def _sin_progreso(progreso: int, paso: str) -> None:
    """Por omisión nadie mira el progreso de una publicación (``manage.py informe``, fixtures)."""


def _guardar_archivos(informe: Informe, contenido: dict, al_avanzar: Callable[[int, str], None] = _sin_progreso) -> None:
    al_avanzar(35, _("Generando el PDF"))
    pdf = pdf_del_contenido(contenido)
    al_avanzar(75, _("Generando el XLSX"))
    xlsx = xlsx_del_contenido(contenido)
    al_avanzar(90, _("Guardando y congelando"))
    informe.contenido = contenido
    informe.pdf_sha256 = sha256(pdf)
    informe.xlsx_sha256 = sha256(xlsx)
    # Nombre generado: plan, número, versión y el comienzo de la huella (nunca se reescribe).
    base = f"{informe.plan.slug}/informe-{informe.numero}-v{informe.version}"
    _guardar(informe.pdf, f"{base}-{informe.pdf_sha256[:12]}.pdf", pdf, informe.pdf_sha256)
    _guardar(informe.xlsx, f"{base}-{informe.xlsx_sha256[:12]}.xlsx", xlsx, informe.xlsx_sha256)


def _guardar(campo, nombre: str, datos: bytes, huella: str) -> None:
    """Guarda ``datos``; si ya hay un archivo con ese nombre y la misma huella (p. ej. al
    volver a cargar el fixture con la misma carpeta de archivos), lo reutiliza en vez de
    duplicarlo. Uno distinto con el mismo nombre no se toca: el almacenamiento elige otro."""
    ruta = campo.field.generate_filename(campo.instance, nombre)
    if campo.storage.exists(ruta):
        with campo.storage.open(ruta, "rb") as existente:
            if sha256(existente.read()) == huella:
                campo.name = ruta
                return
    campo.save(nombre, ContentFile(datos), save=False)


def exigir_direccion_publica() -> str:
    """La dirección pública del portal (``SITIO_URL``) con que se congelan los enlaces de un
    informe, o ``ValidationError`` si no está definida o es local (127.0.0.1, localhost…): el PDF
    publicado no cambia nunca y esos enlaces no llevarían a ninguna parte fuera de esta máquina."""
    if sitio.es_local(settings.SITIO_URL):
        raise ValidationError(
            _(
                "No se puede congelar el informe: falta la dirección pública del portal. Defina la "
                "variable de entorno SITIO_URL con la dirección con que la ciudadanía abre el portal "
                "(p. ej. SITIO_URL=https://estadoabierto.example.gob.mx) y vuelva a intentarlo. Ahora "
                "es %(url)s, una dirección local: los enlaces del PDF congelado la llevarían para siempre."
            )
            % {"url": settings.SITIO_URL},
            code="sin_direccion_publica",
        )
    return settings.SITIO_URL


def exigir_publicable(informe: Informe) -> None:
    """Lo que ``publicar_informe`` exige antes de empezar, revisado sin convertir nada (unas
    consultas): la dirección pública, que no esté congelado y que sus periodos estén publicados.
    La publicación lo vuelve a revisar con el informe bloqueado; esto sirve para contestar en la
    petición, antes de pedir el trabajo en segundo plano."""
    exigir_direccion_publica()
    if informe.congelado:
        raise ValidationError(
            _("El informe «%(informe)s» ya está publicado y congelado; para cambiarlo, publique una corrección.")
            % {"informe": informe},
            code="congelado",
        )
    pendientes = periodos_sin_publicar(informe)
    if pendientes:
        raise ValidationError(
            _("Antes de publicar el informe publique los periodos que cubre: %(periodos)s.")
            % {"periodos": ", ".join(p.nombre for p in pendientes)},
            code="periodos_sin_publicar",
        )


def publicar_informe(
    *, informe: Informe, usuario=None, motivo: str = "", al_avanzar: Callable[[int, str], None] = _sin_progreso
) -> Informe:
    """Publica y congela ``informe``: cifras, contenido, PDF, XLSX y sus SHA-256.

    Exige que estén publicados los periodos que cubre (lo que el informe dice debe poder
    revisarse con los datos abiertos). Si el informe no tiene cifras capturadas, guarda como
    ``CifraPublicada`` las del cálculo, redondeadas a entero. También sirve para congelar un
    informe que llegó publicado sin archivos (p. ej. desde el fixture del PAL 2022-2024).
    Exige la dirección pública del portal y lo demás de ``exigir_publicable``.

    ``al_avanzar(progreso, paso)`` recibe cada paso (la tarea en segundo plano lo muestra).
    """
    exigir_direccion_publica()
    with transaction.atomic():
        informe = Informe.objects.select_for_update().select_related(
            "plan", "periodo_inicial", "periodo_final"
        ).get(pk=informe.pk)
        exigir_publicable(informe)
        al_avanzar(10, _("Calculando las cifras"))
        origen = origen_de_cifras(informe)
        # Uno que llegó publicado sin archivos (fixture) solo se congela: no es una publicación nueva.
        nuevo = informe.estado != Informe.Estado.PUBLICADO
        informe.estado = Informe.Estado.PUBLICADO
        contenido = construir_contenido(informe, origen=origen)
        if origen == Informe.OrigenCifras.CALCULO:
            _guardar_cifras(informe, contenido)
            informe.meta_por_alcanzar_publicada = _dec(contenido["global"]["meta"])
        informe.origen_cifras = origen
        informe.publicado_en = timezone.now()
        informe.publicado_por = usuario if usuario is not None and usuario.is_authenticated else None
        _guardar_archivos(informe, contenido, al_avanzar)
        # Si la base rechaza el informe, sus archivos no quedan huérfanos en el almacenamiento.
        guardados = [informe.pdf.name, informe.xlsx.name]
        try:
            informe._change_reason = motivo or _("Publicación del informe (contenido, PDF y XLSX congelados)")
            informe.save()
        except Exception:
            for nombre in guardados:
                informe.pdf.storage.delete(nombre)
            raise
        if informe.corrige_id:
            Informe.objects.get(pk=informe.corrige_id).save()  # deja constancia en su historial
        if nuevo:
            enviar_al_confirmar(informe_publicado, Informe, informe=informe, usuario=informe.publicado_por)
    return informe


def _guardar_cifras(informe: Informe, contenido: dict) -> None:
    ejes = {e.numero: e.pk for e in informe.plan.ejes.all()}
    compromisos = {c.clave: c.pk for c in Compromiso.objects.filter(eje__plan=informe.plan).select_related("eje")}
    filas = [CifraPublicada(informe=informe, nivel=CifraPublicada.Nivel.PLAN, porcentaje=_dec(contenido["global"]["cifra"]))]
    for eje in contenido["ejes"]:
        filas.append(
            CifraPublicada(informe=informe, nivel=CifraPublicada.Nivel.EJE, eje_id=ejes[eje["numero"]],
                           porcentaje=_dec(eje["cifra"]))
        )
        for compromiso in eje["compromisos"]:
            filas.append(
                CifraPublicada(informe=informe, nivel=CifraPublicada.Nivel.COMPROMISO,
                               compromiso_id=compromisos[compromiso["clave"]], porcentaje=_dec(compromiso["cifra"]))
            )
    for fila in filas:  # una por una: cada cifra con su registro de historial
        fila.save()


def congelar_publicados_sin_archivos(*, usuario=None) -> list[Informe]:
    """Congela los informes que llegaron publicados sin archivos (fixtures, cargas). Sin
    dirección pública, ``ValidationError`` antes de tocar ninguno."""
    exigir_direccion_publica()
    congelados = []
    for informe in Informe.objects.publicados().filter(pdf_sha256="").order_by("plan_id", "numero", "version"):
        congelados.append(
            publicar_informe(informe=informe, usuario=usuario, motivo=_("Congelado al cargarse: contenido, PDF y XLSX generados"))
        )
    return congelados


def corregir_informe(*, informe: Informe, motivo: str, usuario=None) -> Informe:
    """Nueva versión en borrador de un informe publicado; la anterior queda publicada.

    Si las cifras del original eran capturadas, se copian para corregirlas; si eran del
    cálculo, la corrección las vuelve a calcular al publicarse.
    """
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo_correccion": _("Escriba el motivo de la corrección: qué cambia y por qué.")})
    with transaction.atomic():
        original = Informe.objects.select_for_update().get(pk=informe.pk)
        if not original.congelado:
            raise ValidationError(_("Solo se corrige un informe publicado; este aún se puede editar."))
        ultima = Informe.objects.filter(plan=original.plan, numero=original.numero).order_by("-version").first()
        if ultima.pk != original.pk:
            raise ValidationError(
                _("Ya existe la versión %(version)s de este informe; corrija esa.") % {"version": ultima.version}
            )
        nueva = Informe(
            plan=original.plan,
            numero=original.numero,
            titulo=original.titulo,
            periodo_inicial=original.periodo_inicial,
            periodo_final=original.periodo_final,
            sesion=original.sesion,
            fecha_sesion=original.fecha_sesion,
            hora_sesion=original.hora_sesion,
            version=original.version + 1,
            corrige=original,
            motivo_correccion=motivo,
        )
        if original.origen_cifras == Informe.OrigenCifras.CAPTURA:
            nueva.meta_por_alcanzar_publicada = original.meta_por_alcanzar_publicada
        nueva._change_reason = _("Corrección de la versión %(version)s: %(motivo)s") % {
            "version": original.version, "motivo": motivo,
        }
        nueva.save()
        if original.origen_cifras == Informe.OrigenCifras.CAPTURA:
            for cifra in CifraPublicada.objects.filter(informe=original):
                cifra.pk = None
                cifra.informe = nueva
                cifra.save()
    return nueva
