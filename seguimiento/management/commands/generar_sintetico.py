"""``python manage.py generar_sintetico``: un conjunto de datos sintético a escala nacional.

Por omisión genera 32 planes (uno por entidad federativa, ``sintetico-<entidad>``, con
«(datos sintéticos)» en el nombre), cada uno con 6 ejes × 4 compromisos × 6-7 acciones
(≈ 5,000 acciones en total), 20 periodos bimestrales (todos publicados salvo el penúltimo,
cerrado, y el último, abierto) y ≈ 90,000 avances acumulados: nunca bajan de un periodo al
siguiente, hay acciones sin reporte y avances en borrador, enviados o devueltos que no
cuentan nunca. Además instituciones con su representante por plan, pesos variados, enlaces,
evidencias (enlaces), alineación ODS si el catálogo está cargado, e informes publicados con
sus cifras (las del cálculo, a veces con una diferencia, como en los informes reales).

Sirve para medir el portal a escala (``tests/benchmarks/portal.py``) y para ver cómo se
comporta con muchos planes. Con la misma ``--semilla`` y las mismas opciones los datos son
idénticos. No toca nunca un plan que no sea sintético.
"""

from __future__ import annotations

import calendar
import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from plan.models import (
    Accion,
    Compromiso,
    Eje,
    EnlaceCompromiso,
    Institucion,
    MetaODS,
    ObjetivoODS,
    Persona,
    Plan,
)
from seguimiento.models import (
    Avance,
    CifraPublicada,
    EstatusCompromiso,
    Evidencia,
    Informe,
    Periodo,
)
from seguimiento.publicacion import invalidar
from seguimiento.rollup import Alcance, calcular_avance, redondear

PREFIJO_SLUG = "sintetico-"
MARCA = "datos sintéticos"
LOTE = 2000

#: (nombre, abreviatura) de las 32 entidades federativas.
ENTIDADES = [
    ("Aguascalientes", "AGS"),
    ("Baja California", "BC"),
    ("Baja California Sur", "BCS"),
    ("Campeche", "CAMP"),
    ("Chiapas", "CHIS"),
    ("Chihuahua", "CHIH"),
    ("Ciudad de México", "CDMX"),
    ("Coahuila", "COAH"),
    ("Colima", "COL"),
    ("Durango", "DGO"),
    ("Estado de México", "MEX"),
    ("Guanajuato", "GTO"),
    ("Guerrero", "GRO"),
    ("Hidalgo", "HGO"),
    ("Jalisco", "JAL"),
    ("Michoacán", "MICH"),
    ("Morelos", "MOR"),
    ("Nayarit", "NAY"),
    ("Nuevo León", "NL"),
    ("Oaxaca", "OAX"),
    ("Puebla", "PUE"),
    ("Querétaro", "QRO"),
    ("Quintana Roo", "QROO"),
    ("San Luis Potosí", "SLP"),
    ("Sinaloa", "SIN"),
    ("Sonora", "SON"),
    ("Tabasco", "TAB"),
    ("Tamaulipas", "TAMPS"),
    ("Tlaxcala", "TLAX"),
    ("Veracruz", "VER"),
    ("Yucatán", "YUC"),
    ("Zacatecas", "ZAC"),
]

#: (nombre base, siglas base, tipo, cargo de su representante titular).
INSTITUCIONES = [
    (
        "Poder Ejecutivo",
        "PE",
        Institucion.Tipo.PODER_EJECUTIVO,
        "Titular de la Coordinación de Gobierno Abierto",
    ),
    (
        "Poder Legislativo",
        "PL",
        Institucion.Tipo.PODER_LEGISLATIVO,
        "Presidencia de la Comisión de Transparencia",
    ),
    ("Poder Judicial", "PJ", Institucion.Tipo.PODER_JUDICIAL, "Titular de la Unidad de Transparencia"),
    (
        "Órgano Garante de Transparencia",
        "OGT",
        Institucion.Tipo.ORGANISMO_AUTONOMO,
        "Comisionada(o) Presidente",
    ),
    ("Instituto Electoral", "IE", Institucion.Tipo.ORGANISMO_AUTONOMO, "Consejera(o) Presidente"),
    (
        "Municipio Capital",
        "MC",
        Institucion.Tipo.MUNICIPIO,
        "Titular de la Dirección de Participación Ciudadana",
    ),
    ("Universidad Pública", "UP", Institucion.Tipo.ACADEMIA, "Titular de la Coordinación de Vinculación"),
    ("Colectivo Ciudadano por la Apertura", "CCA", Institucion.Tipo.SOCIEDAD_CIVIL, "Coordinación general"),
]

NOMBRES = (
    "María José Ana Luis Guadalupe Juan Rosa Carlos Laura Miguel Patricia Jorge Claudia Fernando "
    "Verónica Alejandro Gabriela Ricardo"
).split()
APELLIDOS = (
    "Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez "
    "Morales Vázquez Reyes Jiménez Torres Díaz"
).split()
GRADOS = ["Lic.", "Mtra.", "Mtro.", "Dra.", "Dr.", "Ing.", ""]

EJES = [
    "Gobierno Abierto",
    "Parlamento Abierto",
    "Justicia Abierta",
    "Transparencia Proactiva",
    "Participación Ciudadana",
    "Datos Abiertos",
    "Rendición de Cuentas",
    "Academia Abierta",
    "Municipios Abiertos",
    "Inclusión y Derechos Humanos",
]
TEMAS = [
    "datos abiertos de obra pública",
    "presupuesto participativo",
    "contrataciones abiertas",
    "transparencia en salud",
    "sentencias en lenguaje ciudadano",
    "parlamento abierto en comisiones",
    "padrones de programas sociales",
    "calidad del aire",
    "movilidad urbana",
    "seguridad ciudadana",
    "gestión del agua",
    "igualdad de género",
    "accesibilidad para personas con discapacidad",
    "protección de datos personales",
    "archivos públicos",
    "quejas y denuncias ciudadanas",
    "educación cívica",
    "trámites digitales",
    "rendición de cuentas municipal",
    "gasto en comunicación social",
    "declaraciones patrimoniales",
    "consulta a pueblos indígenas",
    "protección civil",
    "empleo juvenil",
]
FORMAS_COMPROMISO = [
    "Plataforma de {tema}",
    "Observatorio ciudadano de {tema}",
    "Mesa de cocreación sobre {tema}",
    "Tablero público de {tema}",
    "Programa de {tema} con participación ciudadana",
    "Lenguaje ciudadano en {tema}",
]
FORMAS_ACCION = [
    "Diseñar la metodología de {tema}",
    "Publicar el conjunto de datos de {tema}",
    "Capacitar a personas servidoras públicas en {tema}",
    "Realizar mesas de trabajo sobre {tema}",
    "Evaluar los resultados de {tema}",
    "Difundir en medios locales los avances de {tema}",
    "Integrar el padrón de participantes de {tema}",
    "Presentar el informe de resultados de {tema}",
]
NARRATIVAS = [
    "Se llevaron a cabo reuniones de seguimiento con las partes cocreadoras.",
    "Se publicó la versión preliminar y se recibieron comentarios de la ciudadanía.",
    "Se concluyó la etapa de diseño y comenzó la implementación.",
    "Se capacitó a personal de las áreas responsables.",
    "La actividad se retrasó por cambios en el equipo responsable.",
    "Se entregó el producto comprometido al Secretariado Técnico Local.",
]
MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
ORDINALES = "Primer Segundo Tercer Cuarto Quinto Sexto Séptimo Octavo Noveno Décimo".split()
ORDINALES_SESION = ["Primera", "Segunda", "Tercera", "Cuarta", "Quinta", "Sexta"]

PESOS_EJE = ["1", "1", "1", "1", "2", "0.5", "1.5"]
PESOS_COMPROMISO = ["1", "1", "1", "2", "3", "0.5"]
PESOS_ACCION = ["1"] * 8 + ["2", "3", "0.5", "0.25", "0"]

ANIO_INICIO = 2023

ESTADOS_EN_PLURAL = {
    Avance.Estado.BORRADOR: "en borrador (no cuentan)",
    Avance.Estado.ENVIADO: "enviados (no cuentan)",
    Avance.Estado.DEVUELTO: "devueltos (no cuentan)",
    Avance.Estado.VALIDADO: "validados",
}


def es_sintetico(plan: Plan) -> bool:
    return plan.slug.startswith(PREFIJO_SLUG) and f"({MARCA}" in plan.nombre


def _fin_de_mes(anio: int, mes: int) -> datetime.date:
    return datetime.date(anio, mes, calendar.monthrange(anio, mes)[1])


def _meses_despues(anio: int, mes: int, meses: int) -> tuple[int, int]:
    indice = anio * 12 + (mes - 1) + meses
    return indice // 12, indice % 12 + 1


def _persona(rng: random.Random) -> tuple[str, str]:
    """Grado y nombre completo al azar."""
    return rng.choice(GRADOS), f"{rng.choice(NOMBRES)} {rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"


#: Lo que el STL pide corregir en los avances devueltos sintéticos (la base lo exige).
OBSERVACIONES = "Falta el medio de verificación del avance (observación sintética)."


def _periodos(n: int) -> list[dict]:
    """Bimestres desde enero de ``ANIO_INICIO``: publicados, el penúltimo cerrado, el último abierto."""
    periodos = []
    for k in range(n):
        anio, mes = _meses_despues(ANIO_INICIO, 1, 2 * k)
        anio_fin, mes_fin = _meses_despues(anio, mes, 1)
        inicio = datetime.date(anio, mes, 1)
        fin = _fin_de_mes(anio_fin, mes_fin)
        if k == n - 1:
            estado = Periodo.Estado.ABIERTO
        elif k == n - 2:
            estado = Periodo.Estado.CERRADO
        else:
            estado = Periodo.Estado.PUBLICADO
        anio_texto = str(anio) if anio == anio_fin else f"{anio}-{anio_fin}"
        periodos.append(
            {
                "nombre": f"{MESES[mes - 1].capitalize()}–{MESES[mes_fin - 1]} {anio_texto}",
                "slug": f"{MESES[mes - 1]}-{MESES[mes_fin - 1]}-{anio_texto}",
                "inicio": inicio,
                "fin": fin,
                "fecha_limite": fin + datetime.timedelta(days=21),
                "fecha_publicacion": fin + datetime.timedelta(days=30)
                if estado == Periodo.Estado.PUBLICADO
                else None,
                "estado": estado,
            }
        )
    return periodos


def _trayectoria(rng: random.Random, n: int) -> list[Decimal | None]:
    """Avance acumulado de una acción en cada uno de ``n`` periodos (``None``: no reportó).

    Nunca baja: cada valor es el máximo entre el anterior y la curva con ruido.
    """
    inicio = 0 if rng.random() < 0.85 else rng.randint(1, max(1, min(3, n - 1)))
    final = 100 if rng.random() < 0.35 else rng.randint(30, 95)
    llega = rng.randint(min(n - 1, inicio + max(1, (n - inicio) // 2)), n - 1) if n > 1 else 0
    curva = rng.uniform(0.7, 1.6)
    medios_puntos = rng.random() < 0.1
    valores: list[Decimal | None] = []
    actual = 0.0
    for k in range(n):
        if k < inicio or (k > inicio and rng.random() < 0.02):
            valores.append(None)
            continue
        fraccion = min(1.0, (k - inicio + 1) / (llega - inicio + 1)) if llega >= inicio else 1.0
        objetivo = final * fraccion**curva + rng.uniform(-3, 3)
        actual = min(100.0, max(actual, objetivo, 0.0))
        valor = round(actual * 2) / 2 if medios_puntos else round(actual)
        actual = float(valor)
        valores.append(Decimal(str(valor)).quantize(Decimal("0.01")))
    return valores


#: Reparto del estado de revisión de los avances según el estado de su periodo: (umbral, estado)
#: para un número al azar entre 0 y 1; si no alcanza ningún umbral, el avance aún no se capturó.
REPARTO_ESTADOS = {
    Periodo.Estado.ABIERTO: [(0.4, Avance.Estado.BORRADOR), (0.85, Avance.Estado.ENVIADO)],
    Periodo.Estado.CERRADO: [
        (0.7, Avance.Estado.VALIDADO),
        (0.85, Avance.Estado.ENVIADO),
        (1.0, Avance.Estado.DEVUELTO),
    ],
    Periodo.Estado.PUBLICADO: [
        (0.95, Avance.Estado.VALIDADO),
        (0.97, Avance.Estado.DEVUELTO),
        (0.99, Avance.Estado.ENVIADO),
        (1.0, Avance.Estado.BORRADOR),
    ],
}


def _estado_avance(rng: random.Random, estado_periodo: str) -> str | None:
    """Estado de revisión de un avance según el de su periodo (``None``: aún no se capturó)."""
    r = rng.random()
    return next((estado for umbral, estado in REPARTO_ESTADOS[estado_periodo] if r < umbral), None)


@dataclass
class Opciones:
    planes: int
    ejes: int
    compromisos: int
    acciones: int
    periodos: int
    semilla: int


class Generador:
    def __init__(self, opciones: Opciones):
        self.o = opciones
        self.rng = random.Random(opciones.semilla)
        self.ods = {o.numero: o for o in ObjetivoODS.objects.all()}
        self.metas = {m.clave: m for m in MetaODS.objects.all()}

    def entidades(self):
        for indice in range(self.o.planes):
            nombre, abreviatura = ENTIDADES[indice % len(ENTIDADES)]
            ronda = indice // len(ENTIDADES) + 1
            if ronda > 1:
                nombre, abreviatura = f"{nombre} {ronda}", f"{abreviatura}{ronda}"
            yield nombre, abreviatura, f"{PREFIJO_SLUG}{slugify(nombre)}"

    def generar(self) -> None:
        for entidad, abreviatura, slug in self.entidades():
            self._plan(entidad, abreviatura, slug)

    def _plan(self, entidad: str, abreviatura: str, slug: str) -> None:
        rng, o = self.rng, self.o
        datos_periodos = _periodos(o.periodos)
        ultimo_fin = datos_periodos[-1]["fin"]
        meta_anio, meta_mes = _meses_despues(ultimo_fin.year, ultimo_fin.month, 4)
        fecha_meta = _fin_de_mes(meta_anio, meta_mes)
        vigencia = f"{ANIO_INICIO}-{fecha_meta.year}"
        plan = Plan.objects.create(
            nombre=f"Plan de Acción Local de Estado Abierto de {entidad} {vigencia} ({MARCA})",
            nombre_corto=f"PAL {entidad} (sintético)",
            slug=slug,
            entidad=entidad,
            anio_inicio=ANIO_INICIO,
            anio_fin=fecha_meta.year,
            fecha_meta=fecha_meta,
            descripcion=(
                "Datos sintéticos generados con «manage.py generar_sintetico» para medir el portal "
                "a escala nacional. No corresponden a ningún plan real."
            ),
        )
        periodos = Periodo.objects.bulk_create(Periodo(plan=plan, **datos) for datos in datos_periodos)

        instituciones = Institucion.objects.bulk_create(
            Institucion(nombre=f"{base} de {entidad} ({MARCA})", siglas=f"{siglas}-{abreviatura}", tipo=tipo)
            for base, siglas, tipo, _cargo in INSTITUCIONES
        )
        personas = []
        for institucion, (_base, _siglas, _tipo, cargo) in zip(instituciones, INSTITUCIONES, strict=True):
            grado, nombre = _persona(rng)
            personas.append(Persona(grado=grado, nombre=nombre, cargo=cargo, institucion=institucion))
        personas = Persona.objects.bulk_create(personas)

        nombres_ejes = rng.sample(EJES, min(o.ejes, len(EJES)))
        ejes = []
        for n in range(1, o.ejes + 1):
            materia = nombres_ejes[(n - 1) % len(nombres_ejes)]
            ejes.append(
                Eje(
                    plan=plan,
                    numero=n,
                    nombre=materia if n <= len(nombres_ejes) else f"{materia} ({n})",
                    descripcion=f"Compromisos de {entidad} en materia de {materia.lower()}.",
                    peso=Decimal(rng.choice(PESOS_EJE)),
                )
            )
        ejes = Eje.objects.bulk_create(ejes)
        compromisos, temas = [], []
        temas_del_plan = rng.sample(TEMAS, len(TEMAS))
        for eje in ejes:
            for m in range(1, o.compromisos + 1):
                tema = temas_del_plan[len(temas) % len(temas_del_plan)]
                indice = rng.randrange(len(instituciones))
                con_fechas = rng.random() < 0.5
                inicio = datetime.date(ANIO_INICIO, rng.randint(1, 6), 1) if con_fechas else None
                fin = fecha_meta - datetime.timedelta(days=30 * rng.randint(0, 8)) if con_fechas else None
                if con_fechas:
                    fin = max(inicio, fin)
                compromisos.append(
                    Compromiso(
                        eje=eje,
                        numero=m,
                        nombre=rng.choice(FORMAS_COMPROMISO).format(tema=tema),
                        descripcion=f"Compromiso sintético de {entidad} sobre {tema}.",
                        problema=f"La información sobre {tema} no se publica de forma completa ni oportuna.",
                        objetivo_principal=f"Que la ciudadanía de {entidad} conozca y vigile {tema}.",
                        metas_verificables=f"Publicar cada bimestre la información de {tema}.",
                        medios_verificacion="Sitio web del compromiso y actas del Secretariado Técnico Local.",
                        fecha_inicio=inicio,
                        fecha_conclusion=fin,
                        institucion_responsable=instituciones[indice],
                        representante=personas[indice],
                        peso=Decimal(rng.choice(PESOS_COMPROMISO)),
                    )
                )
                temas.append(tema)
        compromisos = Compromiso.objects.bulk_create(compromisos)
        self._relaciones(plan, compromisos, instituciones)

        acciones = []
        for compromiso, tema in zip(compromisos, temas, strict=True):
            cuantas = o.acciones + rng.randint(0, 1)
            pesos = [Decimal(rng.choice(PESOS_ACCION)) for _ in range(cuantas)]
            if not any(pesos):
                pesos[0] = Decimal("1")  # siempre calculable: al menos un peso mayor que 0
            formas = rng.sample(FORMAS_ACCION, len(FORMAS_ACCION))
            for k, peso in enumerate(pesos, start=1):
                forma = formas[(k - 1) % len(formas)]
                if k > len(formas):
                    forma += f" (etapa {(k - 1) // len(formas) + 1})"
                con_fechas = rng.random() < 0.3
                inicio = datetime.date(ANIO_INICIO, rng.randint(1, 12), 1) if con_fechas else None
                con_entregable = rng.random() < 0.5
                acciones.append(
                    Accion(
                        compromiso=compromiso,
                        numero=k,
                        descripcion=f"{forma.format(tema=tema)}.",
                        entregable=f"Documento o sitio con los resultados de {tema}."
                        if con_entregable
                        else "",
                        fecha_inicio=inicio,
                        fecha_fin=fecha_meta if con_fechas else None,
                        peso=peso,
                    )
                )
        acciones = Accion.objects.bulk_create(acciones, batch_size=LOTE)
        self._avances(plan, periodos, acciones)
        self._informes(plan, periodos)

    def _relaciones(
        self, plan: Plan, compromisos: list[Compromiso], instituciones: list[Institucion]
    ) -> None:
        rng = self.rng
        cocreadoras, objetivos, metas, enlaces = [], [], [], []
        Cocreadora = Compromiso.partes_cocreadoras.through
        ObjetivoDeCompromiso = Compromiso.objetivos_ods.through
        MetaDeCompromiso = Compromiso.metas_ods.through
        for compromiso in compromisos:
            clave = f"{compromiso.eje.numero}.{compromiso.numero}"
            for institucion in rng.sample(instituciones, 2):
                cocreadoras.append(Cocreadora(compromiso_id=compromiso.pk, institucion_id=institucion.pk))
            # Se sortea siempre, haya o no catálogo ODS, para que la semilla dé los mismos datos.
            numeros = sorted({16, rng.choice([4, 5, 8, 10, 11, 17])})
            claves_metas = rng.sample(["16.6", "16.7", "16.10"], rng.randint(1, 2))
            objetivos += [
                ObjetivoDeCompromiso(compromiso_id=compromiso.pk, objetivoods_id=self.ods[n].pk)
                for n in numeros
                if n in self.ods
            ]
            metas += [
                MetaDeCompromiso(compromiso_id=compromiso.pk, metaods_id=self.metas[c].pk)
                for c in sorted(claves_metas)
                if c in self.metas
            ]
            if rng.random() < 0.5:
                enlaces.append(
                    EnlaceCompromiso(
                        compromiso=compromiso,
                        url=f"https://example.org/sintetico/{plan.slug}/{clave}/",
                        titulo="Sitio del compromiso (sintético)",
                    )
                )
        Cocreadora.objects.bulk_create(cocreadoras, batch_size=LOTE)
        ObjetivoDeCompromiso.objects.bulk_create(objetivos, batch_size=LOTE)
        MetaDeCompromiso.objects.bulk_create(metas, batch_size=LOTE)
        EnlaceCompromiso.objects.bulk_create(enlaces, batch_size=LOTE)

    def _avances(self, plan: Plan, periodos: list[Periodo], acciones: list[Accion]) -> None:
        rng = self.rng
        # Al menos una acción sin reporte por plan, además de las que salgan al azar.
        sin_reporte = {rng.randrange(len(acciones))}
        avances, con_evidencia = [], []
        for indice, accion in enumerate(acciones):
            trayectoria = _trayectoria(rng, len(periodos))
            if indice in sin_reporte or rng.random() < 0.03:
                continue
            for periodo, porcentaje in zip(periodos, trayectoria, strict=True):
                if porcentaje is None:
                    continue
                estado = _estado_avance(rng, periodo.estado)
                if estado is None:
                    continue
                validado = estado == Avance.Estado.VALIDADO
                nota = validado and rng.random() < 0.02
                texto_nota = "Cifra ajustada tras la revisión del STL." if nota and rng.random() < 0.5 else ""
                validado_en = None
                if validado:
                    dia = periodo.fin + datetime.timedelta(days=rng.randint(1, 20))
                    validado_en = timezone.make_aware(datetime.datetime.combine(dia, datetime.time(12)))
                avance = Avance(
                    accion=accion,
                    periodo=periodo,
                    porcentaje=porcentaje,
                    observaciones=OBSERVACIONES if estado == Avance.Estado.DEVUELTO else "",
                    etapa="En etapa de diseño" if porcentaje == 0 else "",
                    narrativa=rng.choice(NARRATIVAS) if rng.random() < 0.3 else "",
                    nota_aclaratoria_marcada=nota,
                    nota_aclaratoria=texto_nota,
                    estado=estado,
                    validado_en=validado_en,
                )
                avances.append(avance)
                if validado and rng.random() < 0.12:
                    con_evidencia.append(avance)
        # Al menos un avance de un periodo publicado que no cuenta (devuelto) por plan.
        publicados = [a for a in avances if a.periodo.estado == Periodo.Estado.PUBLICADO]
        if publicados and all(a.estado == Avance.Estado.VALIDADO for a in publicados):
            elegido = rng.choice(publicados)
            elegido.estado, elegido.validado_en = Avance.Estado.DEVUELTO, None
            elegido.observaciones = OBSERVACIONES
            elegido.nota_aclaratoria_marcada, elegido.nota_aclaratoria = False, ""
            if elegido in con_evidencia:
                con_evidencia.remove(elegido)
        Avance.objects.bulk_create(avances, batch_size=LOTE)
        Evidencia.objects.bulk_create(
            (
                Evidencia(
                    avance=avance,
                    url=(
                        f"https://example.org/sintetico/{plan.slug}/evidencias/"
                        f"{avance.accion.clave}/{avance.periodo.slug}"
                    ),
                    descripcion="Evidencia del avance (enlace sintético)",
                )
                for avance in con_evidencia
            ),
            batch_size=LOTE,
        )

    def _informes(self, plan: Plan, periodos: list[Periodo]) -> None:
        """Un informe publicado cada seis bimestres y en el último publicado; uno en borrador
        para el periodo cerrado. Sus cifras son las calculadas (redondeadas), con diferencias
        ocasionales como las de los informes reales."""
        publicados = [i for i, p in enumerate(periodos) if p.estado == Periodo.Estado.PUBLICADO]
        finales = [
            (i, Informe.Estado.PUBLICADO) for i in publicados if (i + 1) % 6 == 0 or i == publicados[-1]
        ]
        finales += [
            (i, Informe.Estado.BORRADOR) for i, p in enumerate(periodos) if p.estado == Periodo.Estado.CERRADO
        ]
        desde = 0
        cifras = []
        for numero, (final, estado) in enumerate(finales, start=1):
            periodo = periodos[final]
            resultado = calcular_avance(
                plan,
                periodo=periodo,
                alcance=Alcance.PUBLICO if estado == Informe.Estado.PUBLICADO else Alcance.INTERNO,
            )
            global_publicado = self._cifra(resultado.avance)
            meta = None if global_publicado is None else Decimal(100) - global_publicado
            sesion = ORDINALES_SESION[numero % len(ORDINALES_SESION)]
            informe = Informe.objects.create(
                plan=plan,
                numero=numero,
                titulo=(
                    f"{ORDINALES[numero - 1]} Informe Parcial"
                    if numero <= len(ORDINALES)
                    else f"Informe Parcial {numero}"
                ),
                periodo_inicial=periodos[desde],
                periodo_final=periodo,
                sesion=f"{sesion} Sesión Ordinaria {periodo.fin.year}",
                fecha_sesion=periodo.fin + datetime.timedelta(days=40),
                estado=estado,
                meta_por_alcanzar_publicada=meta,
            )
            desde = min(final + 1, len(periodos) - 1)
            cifras.append(
                CifraPublicada(informe=informe, nivel=CifraPublicada.Nivel.PLAN, porcentaje=global_publicado)
            )
            for eje in resultado.ejes:
                cifras.append(
                    CifraPublicada(
                        informe=informe,
                        nivel=CifraPublicada.Nivel.EJE,
                        eje_id=eje.id,
                        porcentaje=self._cifra(eje.avance),
                    )
                )
                for compromiso in eje.compromisos:
                    cifras.append(
                        CifraPublicada(
                            informe=informe,
                            nivel=CifraPublicada.Nivel.COMPROMISO,
                            compromiso_id=compromiso.id,
                            porcentaje=self._cifra(compromiso.avance),
                        )
                    )
        CifraPublicada.objects.bulk_create(cifras, batch_size=LOTE)

    def _cifra(self, calculado: Decimal | None) -> Decimal | None:
        """La cifra impresa: el cálculo redondeado y, una de cada diez veces, otra cercana."""
        if calculado is None:
            return None
        cifra = redondear(calculado)
        if self.rng.random() < 0.1:
            cifra = min(Decimal(100), max(Decimal(0), cifra + self.rng.choice([-5, -3, -2, 2, 3, 5])))
        return cifra


def planes_sinteticos():
    """Planes con el prefijo sintético. Falla si alguno no está marcado como sintético."""
    planes = list(Plan.objects.filter(slug__startswith=PREFIJO_SLUG).order_by("slug"))
    ajenos = [p.slug for p in planes if not es_sintetico(p)]
    if ajenos:
        raise CommandError(
            "Estos planes empiezan con «%s» pero su nombre no dice «(%s)»: no son datos "
            "sintéticos y este comando no los toca. Cambie su identificador antes de seguir: %s."
            % (PREFIJO_SLUG, MARCA, ", ".join(ajenos))
        )
    return planes


def borrar_sinteticos(*, planes: list[Plan]) -> dict[str, int]:
    """Borra los planes sintéticos y lo que cuelga de ellos, con DELETE directos.

    ``QuerySet.delete()`` mandaría una señal por objeto (historial e invalidación de la
    caché: cientos de miles de escrituras); aquí se borra tabla por tabla, de las hojas a
    la raíz, y se invalida la caché una vez al final. Las instituciones y personas
    sintéticas se borran solo si ningún plan no sintético las usa.
    """
    ids = [p.pk for p in planes]
    de_acciones = Q(accion__compromiso__eje__plan_id__in=ids) | Q(periodo__plan_id__in=ids)
    compromisos = Compromiso.objects.filter(eje__plan_id__in=ids)
    borrados = {}

    def borrar(nombre, queryset):
        borrados[nombre] = borrados.get(nombre, 0) + (queryset._raw_delete(queryset.db) or 0)

    borrar("evidencias", Evidencia.objects.filter(avance__in=Avance.objects.filter(de_acciones)))
    borrar("cifras publicadas", CifraPublicada.objects.filter(informe__plan_id__in=ids))
    borrar("informes", Informe.objects.filter(plan_id__in=ids))
    borrar("avances", Avance.objects.filter(de_acciones))
    for relacion in (Compromiso.partes_cocreadoras, Compromiso.objetivos_ods, Compromiso.metas_ods):
        borrar("relaciones de compromisos", relacion.through.objects.filter(compromiso__in=compromisos))
    borrar("enlaces", EnlaceCompromiso.objects.filter(compromiso__in=compromisos))
    borrar("estatus", EstatusCompromiso.objects.filter(compromiso__in=compromisos))
    borrar("acciones", Accion.objects.filter(compromiso__in=compromisos))
    borrar("compromisos", Compromiso.objects.filter(eje__plan_id__in=ids))
    borrar("ejes", Eje.objects.filter(plan_id__in=ids))
    borrar("periodos", Periodo.objects.filter(plan_id__in=ids))
    borrar("planes", Plan.objects.filter(pk__in=ids))
    instituciones = Institucion.objects.filter(nombre__endswith=f"({MARCA})").exclude(
        Q(compromisos__isnull=False) | Q(compromisos_cocreados__isnull=False)
    )
    personas = Persona.objects.filter(institucion__in=instituciones, compromisos__isnull=True)
    borrar("personas", personas)
    borrar("instituciones", instituciones.exclude(personas__isnull=False))
    invalidar()
    return borrados


def analizar() -> None:
    """``ANALYZE`` de las tablas cargadas, como recomienda PostgreSQL tras una carga masiva.

    Sin estadísticas el planificador supone tablas casi vacías y elige planes malos hasta que
    autovacuum las analiza (ver tests/benchmarks/README.md).
    """
    modelos = [
        Institucion,
        Persona,
        Plan,
        Eje,
        Compromiso,
        EnlaceCompromiso,
        Accion,
        Periodo,
        Avance,
        Evidencia,
        Informe,
        CifraPublicada,
        Compromiso.partes_cocreadoras.through,
        Compromiso.objetivos_ods.through,
        Compromiso.metas_ods.through,
    ]
    with connection.cursor() as cursor:
        for modelo in modelos:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(modelo._meta.db_table)}")


def contar(planes_ids: list[int]) -> list[tuple[str, int]]:
    avances = Avance.objects.filter(accion__compromiso__eje__plan_id__in=planes_ids).aggregate(
        total=Count("pk"),
        **{estado: Count("pk", filter=Q(estado=estado)) for estado in Avance.Estado.values},
        publicos=Count(
            "pk", filter=Q(estado=Avance.Estado.VALIDADO, periodo__estado=Periodo.Estado.PUBLICADO)
        ),
    )
    acciones = Accion.objects.filter(compromiso__eje__plan_id__in=planes_ids)
    return [
        ("Planes", len(planes_ids)),
        ("Instituciones sintéticas", Institucion.objects.filter(nombre__endswith=f"({MARCA})").count()),
        ("Ejes", Eje.objects.filter(plan_id__in=planes_ids).count()),
        ("Compromisos", Compromiso.objects.filter(eje__plan_id__in=planes_ids).count()),
        ("Acciones", acciones.count()),
        (
            "Acciones sin ningún avance validado",
            acciones.exclude(avances__estado=Avance.Estado.VALIDADO).count(),
        ),
        ("Periodos", Periodo.objects.filter(plan_id__in=planes_ids).count()),
        ("Avances", avances["total"]),
        ("  validados de periodos publicados (los que ve la ciudadanía)", avances["publicos"]),
        *((f"  {ESTADOS_EN_PLURAL[e]}", avances[e]) for e in Avance.Estado.values),
        (
            "Evidencias",
            Evidencia.objects.filter(avance__accion__compromiso__eje__plan_id__in=planes_ids).count(),
        ),
        (
            "Informes publicados",
            Informe.objects.publicados().filter(plan_id__in=planes_ids).count(),
        ),
        ("Cifras publicadas", CifraPublicada.objects.filter(informe__plan_id__in=planes_ids).count()),
    ]


class Command(BaseCommand):
    help = (
        "Genera planes sintéticos a escala nacional (por omisión 32 planes, ≈ 5,000 acciones, "
        "20 periodos bimestrales por plan y ≈ 90,000 avances) para medir el portal. Los planes "
        "se llaman «sintetico-<entidad>» y su nombre dice «(datos sintéticos)»; el comando nunca "
        "toca otros planes. Con la misma --semilla los datos son idénticos. Se insertan con "
        "bulk_create, que no escribe historial (django-simple-history): los datos sintéticos "
        "no tienen registro inicial de historial, lo cual es aceptable para medir. En "
        "PostgreSQL termina con ANALYZE de las tablas cargadas. --borrar "
        "elimina los planes sintéticos generados antes (y sus instituciones)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--planes", type=int, default=32, help="número de planes (por omisión 32, uno por entidad)"
        )
        parser.add_argument("--ejes", type=int, default=6, help="ejes por plan (por omisión 6)")
        parser.add_argument(
            "--compromisos-por-eje",
            type=int,
            default=4,
            dest="compromisos",
            help="compromisos por eje (por omisión 4)",
        )
        parser.add_argument(
            "--acciones-por-compromiso",
            type=int,
            default=6,
            dest="acciones",
            help="cada compromiso tiene N o N+1 acciones, al azar (por omisión 6)",
        )
        parser.add_argument(
            "--periodos", type=int, default=20, help="periodos bimestrales por plan (por omisión 20)"
        )
        parser.add_argument(
            "--semilla", type=int, default=2024, help="semilla del generador (por omisión 2024)"
        )
        parser.add_argument(
            "--borrar", action="store_true", help="borrar los planes sintéticos generados antes, y nada más"
        )

    def handle(self, *args, **opciones):
        inicio = time.perf_counter()
        if opciones["borrar"]:
            with transaction.atomic():
                planes = planes_sinteticos()
                borrados = borrar_sinteticos(planes=planes)
            self.stdout.write("Filas borradas:")
            for nombre, cuantos in borrados.items():
                self.stdout.write(f"  {nombre}: {cuantos:,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Se borraron {len(planes)} planes sintéticos en {time.perf_counter() - inicio:.1f} s."
                )
            )
            return

        o = Opciones(
            planes=opciones["planes"],
            ejes=opciones["ejes"],
            compromisos=opciones["compromisos"],
            acciones=opciones["acciones"],
            periodos=opciones["periodos"],
            semilla=opciones["semilla"],
        )
        for nombre, valor, maximo in [
            ("--planes", o.planes, 999),
            ("--ejes", o.ejes, 99),
            ("--compromisos-por-eje", o.compromisos, 99),
            ("--acciones-por-compromiso", o.acciones, 99),
            ("--periodos", o.periodos, 120),
        ]:
            if not 1 <= valor <= maximo:
                raise CommandError(f"{nombre} debe estar entre 1 y {maximo}; se recibió {valor}.")

        with transaction.atomic():
            existentes = planes_sinteticos()
            generador = Generador(o)
            repetidos = sorted({slug for *_, slug in generador.entidades()} & {p.slug for p in existentes})
            if repetidos:
                raise CommandError(
                    "Ya existen planes sintéticos (%s%s). Bórrelos primero con "
                    "«manage.py generar_sintetico --borrar»."
                    % (", ".join(repetidos[:5]), "…" if len(repetidos) > 5 else "")
                )
            generador.generar()
            # bulk_create no manda señales: se invalida la caché de páginas una sola vez.
            invalidar()
            ids = list(
                Plan.objects.filter(slug__in=[slug for *_, slug in generador.entidades()]).values_list(
                    "pk", flat=True
                )
            )
        if connection.vendor == "postgresql":
            analizar()
            self.stdout.write("Estadísticas de PostgreSQL actualizadas (ANALYZE de las tablas cargadas).")
        for nombre, cuantos in contar(ids):
            self.stdout.write(f"{nombre}: {cuantos:,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Se generaron {len(ids)} planes sintéticos (semilla {o.semilla}) en "
                f"{time.perf_counter() - inicio:.1f} s."
            )
        )
