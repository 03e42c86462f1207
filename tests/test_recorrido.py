"""Recorrido de todo el sitio: cada dirección, con cada papel, sin un 500 ni un interno a la vista.

Para que no vuelva a pasar lo que ya pasó (un 500 en el tablero con una cuenta eliminada,
«Decimal('72')» y «{'a': …}» en el semáforo, «1E+2 %» en la historia de una acción): se toma cada
patrón de URL del resolvedor (las páginas, los datos abiertos, los informes, el trabajo del STL y
el admin), se le dan argumentos reales y se pide con GET, y con un POST vacío, como la ciudadanía
(sin sesión), la facilitación, la integrante, cada responsable y un superusuario. Falla si:

* un patrón nuevo queda sin argumentos (hay que agregarlo aquí) o nadie lo alcanza (todo 404/405);
* una respuesta es 5xx o la vista lanza una excepción;
* en lo que una persona lee (texto de la página, celdas, texto del PDF) aparece un interno:
  ``Decimal(``, un diccionario o una lista de Python, un número en notación científica, ``None``,
  ``nan``, o la marca de una variable de plantilla sin resolver;
* un archivo que entrega el portal lleva una fórmula viva, un tipo que no es el de sus bytes, un
  nombre de descarga con otra extensión, o (una evidencia) no lleva ``nosniff``;
* los textos de avance que parecen fórmulas no llegan neutralizados a los datos abiertos.

Los datos (``tests/recorrido_datos.py``) se construyen una vez por módulo dentro de una
transacción que se deshace al final; cada POST se deshace también (un POST vacío a «Publicar»
publicaría el periodo abierto), así todas las peticiones ven los mismos datos.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from seguimiento.models import Avance, Informe, Periodo
from tests import recorrido_datos
from tests.ayudas import cuerpo, formulas_en_csv, formulas_en_xlsx, nombre_descargado, texto_pdf
from tests.plantillas import MARCA, variables_invalidas

#: Con la marca, pytest-django crea la base de pruebas aunque se corra solo este módulo; cada
#: prueba corre dentro de la transacción del módulo (la de ``recorrido``), que se deshace al final.
pytestmark = pytest.mark.django_db

# --- Qué es un interno a la vista -------------------------------------------------------------

#: (qué es, expresión) de lo que nunca debe leer una persona. Se buscan en el texto visible: sin
#: etiquetas, ni scripts, ni estilos, con las entidades ya convertidas (el «'» de un diccionario
#: llega escapado como «&#x27;»).
INTERNOS = [
    ("un Decimal de Python", re.compile(r"Decimal\(")),
    ("un diccionario de Python", re.compile(r"\{'[^']*': ")),
    ("una lista de Python", re.compile(r"\['")),
    ("un número en notación científica", re.compile(r"\d(\.\d+)?E\+\d")),
    # Palabra entera: «Nonetheless» o «none» (CSS) no cuentan.
    ("«None» como valor", re.compile(r"(?<![\w-])None(?![\w-])")),
    ("«nan» como valor", re.compile(r"(?<![\w-])(nan|NaN)(?![\w-])")),
    ("una variable de plantilla sin resolver", re.compile(re.escape(MARCA))),
]

#: Atributos que la persona también lee (o su lector de pantalla): el valor de un campo, el
#: texto alternativo, el título, la etiqueta accesible y el texto de ayuda de un campo.
ATRIBUTOS_VISIBLES = {"value", "alt", "title", "aria-label", "placeholder"}


class _TextoVisible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.partes: list[str] = []
        self._oculto = 0

    def handle_starttag(self, etiqueta, atributos):
        if etiqueta in ("script", "style", "template"):
            self._oculto += 1
        for nombre, valor in atributos:
            if nombre in ATRIBUTOS_VISIBLES and valor:
                self.partes.append(valor)

    def handle_endtag(self, etiqueta):
        if etiqueta in ("script", "style", "template") and self._oculto:
            self._oculto -= 1

    def handle_data(self, datos):
        if not self._oculto:
            self.partes.append(datos)


def texto_visible(html: str) -> str:
    """Lo que una persona lee de una página: el texto y los atributos visibles, un trozo por línea."""
    lector = _TextoVisible()
    lector.feed(html)
    lector.close()
    return "\n".join(parte.strip() for parte in lector.partes if parte.strip())


def internos_en(texto: str, *, con_marca: bool = True) -> list[str]:
    """Cada interno que aparece en ``texto``, con un poco de su contexto."""
    hallados = []
    for que, expresion in INTERNOS:
        if not con_marca and expresion.pattern == re.escape(MARCA):
            continue
        for coincidencia in list(expresion.finditer(texto))[:3]:
            inicio, fin = max(coincidencia.start() - 50, 0), coincidencia.end() + 50
            contexto = texto[inicio:fin].replace("\n", " ⏎ ")
            hallados.append(f"{que}: «…{contexto}…»")
    return hallados


def _celdas_csv(datos: bytes) -> list[str]:
    return [celda for fila in csv.reader(io.StringIO(datos.decode("utf-8-sig"), newline="")) for celda in fila]


def _celdas_xlsx(datos: bytes) -> list[str]:
    return [texto for texto, celdas in _celdas_con_estilo(datos).items() for _ in celdas]


def _textos_json(valor) -> list[str]:
    if isinstance(valor, dict):
        return [t for v in valor.values() for t in _textos_json(v)]
    if isinstance(valor, list):
        return [t for v in valor for t in _textos_json(v)]
    return [valor] if isinstance(valor, str) else []


def _sin_constantes(nombre):
    raise ValueError(f"JSON con {nombre}: no es JSON válido y una persona leería «{nombre}»")


# --- Qué es cada archivo ----------------------------------------------------------------------

#: Tipo de archivo → (Content-Type, extensión del nombre de descarga). Escrito aquí, aparte del
#: código del portal, para que la revisión no dependa de lo que revisa.
TIPOS_DE_ARCHIVO = {
    "pdf": ("application/pdf", ".pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "json": ("application/json", ".json"),
    "csv": ("text/csv", ".csv"),
}


def tipo_por_contenido(datos: bytes) -> str | None:
    """Qué archivo es por sus bytes (no por lo que dice la respuesta)."""
    if datos.startswith(b"%PDF-"):
        return "pdf"
    if datos.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(datos)) as archivo:
            return "xlsx" if "xl/workbook.xml" in archivo.namelist() else None
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    try:
        json.loads(texto)
        return "json"
    except ValueError:
        pass
    filas = list(csv.reader(io.StringIO(texto, newline="")))
    if filas and len(filas[0]) > 1 and all(len(f) == len(filas[0]) for f in filas if f):
        return "csv"
    return None


#: Tipos que son un archivo aunque la respuesta no diga con qué nombre guardarlo.
_TIPOS_ARCHIVO = {"application/pdf", TIPOS_DE_ARCHIVO["xlsx"][0], "text/csv", "application/octet-stream"}


def es_archivo(respuesta) -> bool:
    """Un archivo (se guarda o se abre aparte) y no una página: trae nombre o es de un tipo de archivo."""
    tipo = respuesta.get("Content-Type", "").split(";")[0].strip()
    return respuesta.has_header("Content-Disposition") or tipo in _TIPOS_ARCHIVO


# --- Los patrones de URL ----------------------------------------------------------------------


def _unir(ruta, siguiente):
    """Como ``ResolverMatch.route``: las partes seguidas, sin el «^» de las siguientes."""
    return siguiente if not ruta else ruta + siguiente.removeprefix("^")


def patrones(resolvedor=None, prefijo=""):
    """Cada patrón de URL del sitio (incluidos los del admin), como lo nombra ``resolve().route``."""
    resolvedor = resolvedor or get_resolver()
    for patron in resolvedor.url_patterns:
        ruta = _unir(prefijo, str(patron.pattern))
        if isinstance(patron, URLResolver):
            yield from patrones(patron, ruta)
        else:
            yield ruta


def ruta_de(url: str) -> str:
    return resolve(url.split("?")[0]).route


#: Patrones que el recorrido no pide, cada uno con su porqué. Vacía: hoy todos se piden. Un patrón
#: nuevo sin argumentos hace fallar ``test_cada_patron_de_url_tiene_argumentos``; agregarlo aquí
#: solo si de verdad no puede pedirse (y decir por qué), nunca para callar esa prueba.
SIN_RECORRER: dict[str, str] = {}


def _u(nombre_de_url, *args, consulta="", **kwargs):
    return reverse(nombre_de_url, args=args or None, kwargs=kwargs or None) + (f"?{consulta}" if consulta else "")


def _direcciones_propias(d: recorrido_datos.Recorrido) -> list[str]:
    """Las direcciones del portal (no admin) con argumentos reales de los datos del recorrido."""
    plan, historico = d.plan.slug, d.historico.slug
    uid = urlsafe_base64_encode(force_bytes(d.olvidadiza.pk))
    token = default_token_generator.make_token(d.olvidadiza)
    urls = [
        _u("cuentas:entrar"),
        _u("cuentas:entrar", consulta="next=/trabajo/"),
        _u("cuentas:salir"),
        _u("cuentas:contrasena"),
        _u("cuentas:contrasena_cambiada"),
        _u("cuentas:restablecer"),
        _u("cuentas:restablecer_enviado"),
        _u("cuentas:restablecer_lista"),
        # El enlace del correo lleva a «…/set-password/» y guarda el token en la sesión; después,
        # un enlace vencido o alterado.
        _u("cuentas:restablecer_nueva", uidb64=uid, token=token),
        _u("cuentas:restablecer_nueva", uidb64=uid, token="set-password"),
        _u("cuentas:restablecer_nueva", uidb64=uid, token="c4q1xx-enlacealterado"),
        _u("trabajo:inicio"),
        _u("healthz"),
        _u("readyz"),
        _u("datos:indice"),
        _u("datos:planes_json"),
        _u("informes:lista"),
        _u("consulta:instituciones"),
        _u("consulta:ods"),
        _u("consulta:buscar"),
        _u("consulta:buscar", consulta="q=%3DHYPERLINK"),
        _u("consulta:buscar", consulta="q=iacip&estado=con_retraso&plan=pal-2022-2024&ods=16"),
        _u("consulta:buscar", consulta="estado=no-existe&plan=no-existe&ods=99"),
        _u("plan:inicio"),
        _u("portal:stl_vigente"),
        _u("portal:glosario"),
        _u("portal:accesibilidad"),
        _u("portal:privacidad"),
    ]
    for slug in (plan, historico):
        urls += [
            _u("plan:plan", slug=slug),
            _u("portal:stl", slug=slug),
            _u("plan:calculo", slug=slug),
            _u("trabajo:plan", slug=slug),
            _u("trabajo:ajustes", slug=slug),
            _u("trabajo:abrir_periodo", slug=slug),
            _u("trabajo:informes", slug=slug),
            _u("trabajo:informe_nuevo", slug=slug),
        ]
        urls += [
            _u(f"datos:{n}", slug=slug)
            for n in ("plan_json", "plan_xlsx", "avances_csv", "avances_json", "evidencias_csv", "arbol_csv")
        ]
        urls += [_u("plan:eje", slug=slug, numero=eje.numero) for eje in (d.plan if slug == plan else d.historico).ejes.all()]
    from plan.models import Accion, Compromiso, Institucion

    for compromiso in Compromiso.objects.filter(eje__plan__in=[d.plan, d.historico]).select_related("eje__plan"):
        urls.append(_u("plan:compromiso", slug=compromiso.eje.plan.slug, clave=compromiso.clave))
    acciones = ["4.1.1", "4.1.2", "4.1.3", "7.1.1", "7.1.2", "7.1.3", "1.5.3", "3.1.1", "6.1.1"]
    urls += [_u("plan:accion", slug=plan, clave=clave) for clave in acciones]
    primera_historica = Accion.objects.del_plan(d.historico).select_related("compromiso__eje").first()
    urls.append(_u("plan:accion", slug=historico, clave=primera_historica.clave))
    urls += [_u("consulta:institucion", pk=i.pk) for i in Institucion.objects.order_by("pk")]
    # El trabajo del periodo: los tres periodos del plan, y cada acción en un estado distinto.
    capturas = {
        d.publicado: ["1.5.3"],
        d.diciembre: ["4.1.1", "4.1.2", "7.1.1", "7.1.3", "3.2.1", "3.1.1"],
        d.febrero: ["4.1.1", "4.1.2", "4.1.3", "7.1.2", "7.1.3", "1.1.1", "5.1.1"],
    }
    for periodo, claves in capturas.items():
        base = {"slug": plan, "periodo": periodo.slug}
        urls += [
            _u("trabajo:tablero", **base),
            _u("trabajo:tablero", **base, consulta="estado=devuelto"),
            _u("trabajo:tablero", **base, consulta=f"estado=no-existe&institucion={Institucion.objects.first().pk}"),
            _u("trabajo:tablero", **base, consulta="institucion=abc"),
        ]
        urls += [_u(f"trabajo:{n}", **base) for n in ("prorrogar", "reabrir", "cerrar", "publicar")]
        urls += [_u(f"trabajo:{n}", **base) for n in ("plantilla", "importar", "importar_confirmar", "exportar")]
        for clave in claves:
            urls += [_u("trabajo:captura", **base, clave=clave), _u("trabajo:revision", **base, clave=clave)]
        # Las evidencias de todo un compromiso: uno con evidencias (del IACIP), uno sin (del PJ).
        urls += [_u("trabajo:evidencias_compromiso", **base, clave=clave) for clave in ("7.1", "4.1", "1.5", "3.1")]
    for periodo, clave, evidencia in d.evidencias_de_compromisos:
        base = {"slug": plan, "periodo": periodo.slug, "clave": clave, "pk": evidencia.pk}
        urls += [_u("trabajo:revisar_evidencia", **base), _u("trabajo:quitar_evidencia", **base)]
    for informe in (d.informe_congelado, d.informe_con_formulas, d.informe_borrador):
        base = {"slug": plan, "pk": informe.pk}
        urls += [_u(f"trabajo:{n}", **base) for n in ("informe", "informe_editar", "informe_publicar")]
        urls += [_u(f"trabajo:{n}", **base) for n in ("informe_corregir", "informe_borrar")]
        urls += [_u("trabajo:informe_vista_previa", **base, extension=e) for e in ("pdf", "xlsx", "docx")]
    for informe in (d.informe_congelado, d.informe_con_formulas):
        urls.append(_u("informes:vigente", slug=plan, numero=informe.numero))
        urls.append(_u("informes:version", slug=plan, numero=informe.numero, version=informe.version))
        for extension in ("pdf", "xlsx"):
            nombre = informe.nombre_de_archivo(extension).rsplit(".", 1)[0]
            urls.append(
                _u("informes:archivo", slug=plan, numero=informe.numero, version=informe.version,
                   nombre=nombre, extension=extension)
            )
    urls.append(_u("informes:archivo", slug=plan, numero=1, version=1, nombre="otro-nombre", extension="pdf"))
    urls += [_u("trabajo:tareas", slug=plan)]
    for tarea in d.tareas:
        urls += [_u("trabajo:tarea", slug=plan, pk=tarea.pk), _u("trabajo:tarea_reintentar", slug=plan, pk=tarea.pk)]
    urls += [_u("seguimiento:evidencia", pk=e.pk) for e in d.evidencias_archivo + d.evidencias_enlace]
    urls += _direcciones_de_suscripciones(d)
    urls += _direcciones_de_gestion(d)
    return urls


def _direcciones_de_gestion(d: recorrido_datos.Recorrido) -> list[str]:
    """La gestión del plan: estructura (con lo retirado y las claves viejas), personas y cuentas,
    la invitación, planes nuevos e importados, el historial."""
    from plan.models import Compromiso, Eje, Institucion, Membresia, Persona

    plan, historico = d.plan.slug, d.historico.slug
    urls = [
        _u("gestion:plan_nuevo"), _u("gestion:plan_plantilla"), _u("gestion:plan_importar"),
        _u("gestion:plan_importar_vista_previa", token=d.importacion),
        _u("gestion:plan_importar_confirmar", token=d.importacion),
        _u("gestion:plan_importar_vista_previa", token="no-existe"),
        # Las direcciones de antes de renumerar: 301 a las de hoy.
        _u("plan:eje", slug=plan, numero=9), _u("plan:compromiso", slug=plan, clave="2.9"),
        _u("plan:accion", slug=plan, clave="2.1.9", consulta="desde=correo"),
        _u("trabajo:captura", slug=plan, periodo=d.febrero.slug, clave="2.1.9"),
        d.enlace_de_invitacion,
        _u("invitacion:aceptar", uidb64=d.enlace_de_invitacion.split("/")[-3], token="elegir"),
        _u("invitacion:aceptar", uidb64=d.enlace_de_invitacion.split("/")[-3], token="c4q1xx-enlacealterado"),
    ]
    for slug in (plan, historico):
        urls += [_u(f"gestion:{n}", slug=slug) for n in (
            "estructura", "plan_datos", "eje_nuevo", "plan_estructura", "historial", "personas", "invitar",
            "instituciones", "nueva_institucion", "lista_personas", "nueva_persona", "representantes",
        )]
    urls += [
        _u("gestion:historial", slug=plan, consulta="elemento=accion:6.1.2"),
        _u("gestion:historial", slug=plan, consulta="clave=1.5&desde=2024-13-01&cuenta=abc"),
        _u("gestion:historial", slug=plan, consulta="pagina=3"),
    ]
    for eje in Eje.objects.filter(plan=d.plan):
        urls += [_u(f"gestion:{n}", slug=plan, numero=eje.numero) for n in ("eje", "eje_borrar", "compromiso_nuevo")]
    for compromiso in Compromiso.objects.filter(eje__plan=d.plan).select_related("eje"):
        urls += [_u(f"gestion:{n}", slug=plan, clave=compromiso.clave) for n in (
            "compromiso", "compromiso_borrar", "accion_nueva", "retirar_compromiso", "restituir_compromiso", "representantes_del_compromiso",
        )]
    for clave in ("1.5.3", "4.1.1", "6.1.2", "5.1.4", "2.1.2"):
        urls += [_u(f"gestion:{n}", slug=plan, clave=clave) for n in (
            "accion", "accion_borrar", "retirar_accion", "restituir_accion",
        )]
    for membresia in Membresia.objects.filter(plan=d.plan).order_by("pk"):
        urls += [_u(f"gestion:{n}", slug=plan, pk=membresia.pk) for n in ("papel", "baja", "reactivar")]
    urls.append(_u("gestion:reenviar", slug=plan, pk=d.invitacion.pk))
    instituciones = Institucion.objects.filter(compromisos__eje__plan=d.plan).distinct().order_by("pk")
    for institucion in instituciones:
        urls += [_u("gestion:institucion", slug=plan, pk=institucion.pk), _u("gestion:borrar_institucion", slug=plan, pk=institucion.pk)]
    for persona in Persona.objects.filter(institucion__in=instituciones).order_by("pk"):
        urls += [_u("gestion:persona", slug=plan, pk=persona.pk), _u("gestion:borrar_persona", slug=plan, pk=persona.pk)]
    return urls


def _direcciones_de_suscripciones(d: recorrido_datos.Recorrido) -> list[str]:
    """Seguir, novedades, widget e insertar de un plan con periodos publicados y de uno sin ellos;
    los enlaces firmados de los correos, válidos y alterados."""
    from suscripciones import enlaces

    urls = [_u("suscripciones:revise_su_correo"), _u("suscripciones:borrar")]
    for slug, clave in ((d.plan.slug, "4.1"), (d.historico.slug, "1.1")):
        for nombre in ("seguir", "novedades", "widget", "insertar"):
            urls += [_u(f"suscripciones:{nombre}_plan", slug=slug), _u(f"suscripciones:{nombre}_compromiso", slug=slug, clave=clave)]
    ids = [s.pk for s in d.suscripciones]
    for nombre, proposito in (("confirmar", enlaces.CONFIRMAR), ("baja", enlaces.BAJA), ("borrar_confirmar", enlaces.BORRAR)):
        urls += [
            _u(f"suscripciones:{nombre}", token=enlaces.firmar(ids[-1:], proposito)),
            _u(f"suscripciones:{nombre}", token=enlaces.firmar(ids, proposito)[:-3] + "xyz"),
        ]
    return urls


def _objetos_admin(d: recorrido_datos.Recorrido) -> dict:
    """Los objetos del admin que más tienen que mostrar; los demás modelos usan su primero."""
    from django.contrib.auth import get_user_model

    return {
        Avance: [d.avances[d.diciembre.slug]["4.1.1"], d.avances[d.febrero.slug]["7.1.3"]],
        Informe: [d.informe_congelado, d.informe_con_formulas, d.informe_borrador],
        Periodo: [d.diciembre, d.febrero],
        get_user_model(): [d.superusuario, next(iter(d.responsables.values()))],
        type(d.plan): [d.plan, d.historico],
    }


def _direcciones_admin(d: recorrido_datos.Recorrido) -> list[str]:
    """Cada página del admin de cada modelo registrado, con objetos reales."""
    urls = [_u(f"admin:{n}") for n in ("index", "login", "logout", "password_change", "password_change_done", "jsi18n")]
    urls += [
        _u("admin:autocomplete"),
        _u("admin:autocomplete", consulta="app_label=seguimiento&model_name=avance&field_name=accion&term=4.1"),
        # Lo que cae en la última regla del admin: sin la barra final (redirige) y lo que no existe.
        "/admin/plan/plan",
        "/admin/no-existe/",
    ]
    especiales = _objetos_admin(d)
    etiquetas = sorted({modelo._meta.app_label for modelo in admin.site._registry})
    urls += [_u("admin:app_list", app_label=etiqueta) for etiqueta in etiquetas]
    informe = d.informe_congelado
    urls.append(_u("admin:view_on_site", ContentType.objects.get_for_model(Informe).pk, informe.pk))
    for modelo in admin.site._registry:
        app, nombre = modelo._meta.app_label, modelo._meta.model_name
        base = f"admin:{app}_{nombre}"
        urls += [_u(f"{base}_changelist"), _u(f"{base}_changelist", consulta="q=%3DHYPERLINK"), _u(f"{base}_add")]
        objetos = especiales.get(modelo) or [modelo._default_manager.order_by("pk").first()]
        assert all(objetos), f"El recorrido no tiene ningún objeto de {modelo.__name__} para su admin"
        for objeto in objetos:
            urls += [_u(f"{base}_{accion}", objeto.pk) for accion in ("change", "history", "delete")]
            urls.append(f"/admin/{app}/{nombre}/{objeto.pk}/")  # la dirección vieja: redirige a «change»
            if hasattr(modelo, "history"):
                registro = modelo.history.filter(id=objeto.pk).order_by("history_id").first()
                urls.append(_u(f"{base}_simple_history", objeto.pk, registro.history_id))
        if nombre == "user":
            urls += [_u("admin:auth_user_password_change", objeto.pk) for objeto in objetos]
    return urls


def direcciones(d) -> list[str]:
    vistas, unicas = set(), []
    for url in _direcciones_propias(d) + _direcciones_admin(d):
        if url not in vistas:
            vistas.add(url)
            unicas.append(url)
    return unicas


# --- Los papeles ------------------------------------------------------------------------------


#: Las responsables del recorrido: la del IACIP (sus acciones tienen avances en cada estado, de
#: una cuenta eliminada y con fórmulas) y la de la UG (una acción validada y publicada; las del
#: IACIP le son ajenas). Las demás instituciones ven lo mismo que la UG: pedirlo otra vez por
#: cada una solo alargaría la prueba.
RESPONSABLES = ("iacip-pal-2022-2024", "ug-pal-2022-2024")


def papeles(d) -> list[tuple[str, object | None]]:
    return [
        ("sin sesión", None),
        ("facilitación", d.facilitacion),
        ("integrante", d.integrante),
        *[(f"responsable {nombre}", d.responsables[nombre]) for nombre in RESPONSABLES],
        ("superusuario", d.superusuario),
    ]


# --- El recorrido -----------------------------------------------------------------------------


@dataclass
class Respuesta:
    url: str
    ruta: str
    papel: str
    metodo: str
    estado: int | None = None
    error: str | None = None
    encabezados: dict = field(default_factory=dict)
    archivo: bytes | None = None  # solo de los archivos
    internos: list[str] = field(default_factory=list)

    @property
    def donde(self) -> str:
        return f"{self.metodo} {self.url} [{self.papel}]"


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_ENCABEZADOS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options", "Location")


def _internos_de(datos: bytes, tipo: str, ruta: str, memoria: dict) -> list[str]:
    """Los internos a la vista de una respuesta; cada contenido distinto se revisa una vez."""
    llave = hashlib.sha256(_CSRF.sub(b"", datos)).hexdigest() + tipo
    if llave in memoria:
        return memoria[llave]
    # El admin de Django lee variables ausentes como vacías (tests/plantillas.py lo excluye por
    # eso): en él la marca de variable inválida es de Django, no del portal.
    con_marca = not ruta.startswith("admin/")
    try:
        if tipo == "text/html":
            hallados = internos_en(texto_visible(datos.decode("utf-8")), con_marca=con_marca)
        elif tipo == "application/pdf":
            hallados = internos_en(texto_pdf(datos))
        elif tipo == TIPOS_DE_ARCHIVO["xlsx"][0]:
            hallados = [i for celda in _celdas_xlsx(datos) for i in internos_en(celda)]
        elif tipo == "text/csv":
            hallados = [i for celda in _celdas_csv(datos) for i in internos_en(celda)]
        elif tipo == "application/json":
            contenido = json.loads(datos.decode("utf-8"), parse_constant=_sin_constantes)
            hallados = [i for texto in _textos_json(contenido) for i in internos_en(texto)]
        elif tipo.startswith("text/") and tipo != "text/javascript":
            hallados = internos_en(datos.decode("utf-8", "replace"))
        else:
            hallados = []
    except Exception as error:  # un archivo que no se puede leer también lo nota la persona
        hallados = [f"no se pudo leer como {tipo}: {type(error).__name__}: {error}"]
    memoria[llave] = hallados
    return hallados


def _pedir(cliente, metodo, url, papel, memoria) -> Respuesta:
    resultado = Respuesta(url=url, ruta=ruta_de(url), papel=papel, metodo=metodo.upper())
    try:
        with transaction.atomic():
            respuesta = getattr(cliente, metodo)(url)
            datos = cuerpo(respuesta)
            if metodo == "post":
                transaction.set_rollback(True)
    except Exception as error:
        resultado.error = f"{type(error).__name__}: {error}"
        return resultado
    resultado.estado = respuesta.status_code
    resultado.encabezados = {n: respuesta[n] for n in _ENCABEZADOS if respuesta.has_header(n)}
    if es_archivo(respuesta):
        resultado.archivo = datos
    tipo = respuesta.get("Content-Type", "").split(";")[0].strip()
    resultado.internos = _internos_de(datos, tipo, resultado.ruta, memoria)
    return resultado


def _entrar(cliente, usuario, d) -> None:
    """Entra con la cuenta y pone en su sesión lo que el recorrido le dejó (``d.sesiones``)."""
    cliente.force_login(usuario)
    datos = d.sesiones.get(usuario.username)
    if datos:
        sesion = cliente.session
        sesion.update(datos)
        sesion.save()


def recorrer(d, urls, metodo) -> list[Respuesta]:
    from django.core.cache import cache

    memoria: dict = {}
    resultados = []
    for papel, usuario in papeles(d):
        cliente = Client(raise_request_exception=True)
        if usuario is not None:
            _entrar(cliente, usuario, d)
        for url in urls:
            resultados.append(_pedir(cliente, metodo, url, papel, memoria))
            if metodo == "post":
                # Lo que el POST escribió se deshizo: la caché no debe guardar lo que vio.
                cache.clear()
            sesion = cliente.cookies.get(settings.SESSION_COOKIE_NAME)
            if usuario is not None and (sesion is None or not sesion.value):
                _entrar(cliente, usuario, d)  # salió (POST a «Salir»): vuelve a entrar
    return resultados


# --- Fixtures del módulo ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _archivos_aislados():
    """Reemplaza la de ``tests/conftest.py``: aquí todas las pruebas comparten los archivos del
    módulo (las evidencias y los informes que ``recorrido`` guardó)."""


@pytest.fixture(scope="module")
def recorrido(django_db_setup, django_db_blocker, tmp_path_factory, _informes_renderizados_una_vez):
    """Los datos del recorrido, una vez por módulo, en una transacción que se deshace al final."""
    media = str(tmp_path_factory.mktemp("media-recorrido"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            datos = recorrido_datos.construir()
            yield datos
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def urls(recorrido):
    return direcciones(recorrido)


@pytest.fixture(scope="module")
def respuestas_get(recorrido, urls):
    return recorrer(recorrido, urls, "get")


@pytest.fixture(scope="module")
def respuestas_post(recorrido, urls, respuestas_get):
    return recorrer(recorrido, urls, "post")


def _informe(fallas, titulo):
    return f"{len(fallas)} {titulo}:\n" + "\n".join(fallas)


# --- Pruebas ----------------------------------------------------------------------------------


def test_la_revision_encuentra_lo_que_busca_y_nada_mas():
    """El revisor de internos no es decorativo: encuentra cada uno y no se confunde con CSS,
    palabras que empiezan igual, atributos ocultos o scripts."""
    malas = {
        "<p>Avance: Decimal(&#x27;72&#x27;)</p>": "Decimal",
        "<td>{&#x27;porcentaje&#x27;: 100}</td>": "diccionario",
        "<li>[&#x27;4.1.1&#x27;, &#x27;4.1.2&#x27;]</li>": "lista",
        "<span>1E+2 %</span>": "notación científica",
        "<span>5.5E+10</span>": "notación científica",
        "<dd>None</dd>": "None",
        "<p>Responsable: None (IACIP)</p>": "None",
        '<input name="etapa" value="None">': "None",
        "<td>nan %</td>": "nan",
        "<td>NaN</td>": "nan",
        f"<p>{MARCA}avance.enviado_por»</p>": "variable",
    }
    for html, que in malas.items():
        hallados = internos_en(texto_visible(html))
        assert hallados and que in hallados[0], (html, hallados)
    buenas = [
        '<style>.x{display:none}</style><p class="none">Nonetheless, financiera nacional</p>',
        '<script>var a = {"b": None}; x = [\'c\'];</script><p>Sin reporte</p>',
        '<input type="hidden" name="x" data-v="None"><p>Concluido: 100 %</p>',
        "<p>Meta = 100 % · 3E reunión · «none»</p>",
    ]
    for html in buenas:
        assert internos_en(texto_visible(html)) == [], html
    assert variables_invalidas(f"x {MARCA}a» y {MARCA}b»") == ["a", "b"]


def test_las_plantillas_fallan_con_una_variable_sin_resolver():
    """La marca de ``string_if_invalid`` está puesta y su middleware activo (tests/settings.py):
    una variable sin resolver hace fallar la petición en vez de imprimirse vacía."""
    assert settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] == settings.VARIABLE_INVALIDA
    assert MARCA and MARCA in settings.VARIABLE_INVALIDA
    assert "tests.plantillas.SinVariablesInvalidas" in settings.MIDDLEWARE


def test_cada_patron_de_url_tiene_argumentos(recorrido, urls):
    todas = list(patrones())
    cubiertas = defaultdict(list)
    for url in urls:
        cubiertas[ruta_de(url)].append(url)
    faltan = [ruta for ruta in todas if ruta not in cubiertas and ruta not in SIN_RECORRER]
    assert not faltan, _informe(
        faltan, "patrones de URL sin argumentos en tests/test_recorrido.py (agréguelos a _direcciones_propias)"
    )
    sobran = [ruta for ruta in SIN_RECORRER if ruta not in todas or ruta in cubiertas]
    assert not sobran, f"SIN_RECORRER nombra patrones que no existen o que sí se recorren: {sobran}"
    assert len(todas) > 150  # el admin incluido


def _fallas(respuestas) -> list[str]:
    fallas = []
    for r in respuestas:
        if r.error:
            fallas.append(f"{r.donde}: excepción {r.error}")
        elif r.estado >= 500:
            fallas.append(f"{r.donde}: error {r.estado}")
        fallas += [f"{r.donde}: {interno}" for interno in r.internos]
    return fallas


def test_get_sin_errores_ni_internos_a_la_vista(respuestas_get):
    fallas = _fallas(respuestas_get)
    assert not fallas, _informe(fallas, "problemas al pedir las páginas")


def test_post_vacio_sin_errores_ni_internos_a_la_vista(respuestas_post):
    fallas = _fallas(respuestas_post)
    assert not fallas, _informe(fallas, "problemas al enviar formularios vacíos")


def test_cada_patron_lo_alcanza_algun_papel(urls, respuestas_get, respuestas_post):
    """Los argumentos son reales: cada patrón responde algo que no es 404 ni 405 a alguien (si
    todo fuera 404, el recorrido no revisaría nada)."""
    alcanzados = {r.ruta for r in respuestas_get + respuestas_post if r.estado and r.estado < 400}
    faltan = sorted({ruta_de(url) for url in urls} - alcanzados)
    assert not faltan, _informe(faltan, "patrones que ningún papel alcanza (¿argumentos falsos?)")


#: Los patrones que entregan archivos: cada uno debe entregar al menos uno en el recorrido.
PATRONES_DE_ARCHIVOS = [
    "datos:plan_json", "datos:plan_xlsx", "datos:avances_csv", "datos:avances_json", "datos:arbol_csv",
    "informes:archivo", "seguimiento:evidencia", "trabajo:plantilla", "trabajo:exportar",
    "trabajo:informe_vista_previa", "gestion:plan_plantilla", "gestion:plan_estructura",
]


def test_cada_archivo_servido_es_lo_que_dice_y_sin_formulas(respuestas_get):
    fallas, servidos = [], defaultdict(int)
    revisados = {}
    for r in respuestas_get:
        if r.archivo is None or r.estado != 200:
            continue
        nombre = resolve(r.url.split("?")[0]).view_name
        servidos[nombre] += 1
        tipo = tipo_por_contenido(r.archivo)
        if tipo is None:
            fallas.append(f"{r.donde}: no es un PDF, XLSX, JSON ni CSV ({r.archivo[:20]!r})")
            continue
        esperado, extension = TIPOS_DE_ARCHIVO[tipo]
        dice = r.encabezados.get("Content-Type", "").split(";")[0].strip()
        if dice != esperado:
            fallas.append(f"{r.donde}: es {tipo} y se entrega como «{dice}» (debe ser {esperado})")
        if "Content-Disposition" not in r.encabezados:
            fallas.append(f"{r.donde}: sin Content-Disposition (¿con qué nombre se guarda?)")
        else:
            descarga = nombre_descargado(r.encabezados)
            if not descarga.lower().endswith(extension):
                fallas.append(f"{r.donde}: es {tipo} y se descarga como «{descarga}»")
        if nombre == "seguimiento:evidencia":
            if r.encabezados.get("X-Content-Type-Options") != "nosniff":
                fallas.append(f"{r.donde}: evidencia sin X-Content-Type-Options: nosniff")
            if not r.encabezados.get("Content-Disposition", "").startswith("attachment"):
                fallas.append(f"{r.donde}: evidencia que no se entrega como descarga")
        huella = hashlib.sha256(r.archivo).hexdigest()
        if huella not in revisados:
            if tipo == "xlsx":
                revisados[huella] = formulas_en_xlsx(r.archivo)
            elif tipo == "csv":
                revisados[huella] = formulas_en_csv(r.archivo)
            else:
                revisados[huella] = []
        fallas += [f"{r.donde}: fórmula viva {formula}" for formula in revisados[huella]]
    nunca = [nombre for nombre in PATRONES_DE_ARCHIVOS if not servidos[nombre]]
    assert not nunca, f"Patrones de archivo que no entregaron ningún archivo en el recorrido: {nunca}"
    assert not fallas, _informe(fallas, "problemas en los archivos que entrega el portal")


def _celdas_con_estilo(datos: bytes) -> dict[str, list]:
    from openpyxl import load_workbook

    celdas = defaultdict(list)
    for hoja in load_workbook(io.BytesIO(datos)).worksheets:
        for fila in hoja.iter_rows():
            for celda in fila:
                if isinstance(celda.value, str):
                    celdas[celda.value].append(celda)
    return celdas


def _neutralizados_en_xlsx(datos: bytes, textos, donde: str) -> list[str]:
    """Cada texto está en el libro como texto (no fórmula) y con el apóstrofo de Excel."""
    fallas, celdas = [], _celdas_con_estilo(datos)
    for texto in textos:
        if not celdas.get(texto):
            fallas.append(f"{donde}: no trae el texto {texto!r}")
        for celda in celdas.get(texto, []):
            if celda.data_type != "s" or not celda.quotePrefix:
                fallas.append(
                    f"{donde} {celda.parent.title}!{celda.coordinate}: {texto!r} no está marcado como "
                    f"texto (tipo {celda.data_type!r}, apóstrofo {celda.quotePrefix})"
                )
    return fallas


def test_los_textos_que_parecen_formulas_llegan_neutralizados(recorrido):
    """Lo que la institución escribió con «=», «+», «-» o «@» se lee tal cual en la página, está
    intacto en el JSON y, en las hojas de cálculo, es texto: nunca una fórmula que se ejecute."""
    d, cliente = recorrido, Client()
    plan = d.plan.slug
    fallas = []

    celdas = _celdas_csv(cuerpo(cliente.get(f"/datos/{plan}/avances.csv")))
    for texto in recorrido_datos.FORMULAS_PUBLICADAS:
        if "'" + texto not in celdas:
            fallas.append(f"avances.csv: no trae {texto!r} con el apóstrofo delante")
        if texto in celdas:
            fallas.append(f"avances.csv: trae {texto!r} tal cual (una hoja de cálculo lo ejecuta)")
    fallas += _neutralizados_en_xlsx(cuerpo(cliente.get(f"/datos/{plan}.xlsx")), recorrido_datos.FORMULAS_PUBLICADAS, f"{plan}.xlsx")

    textos_json = _textos_json(json.loads(cuerpo(cliente.get(f"/datos/{plan}/avances.json"))))
    fallas += [f"avances.json: no trae {t!r} intacto" for t in recorrido_datos.FORMULAS_PUBLICADAS if t not in textos_json]

    # La página de la acción lo muestra como texto, sin convertirlo en enlace.
    pagina = cuerpo(cliente.get(f"/planes/{plan}/acciones/4.1.1/")).decode()
    visible = texto_visible(pagina)
    for texto in (recorrido_datos.NARRATIVA_FORMULA, recorrido_datos.ETAPA_FORMULA, recorrido_datos.NOTA_FORMULA):
        if texto not in visible:
            fallas.append(f"/planes/{plan}/acciones/4.1.1/: no muestra {texto!r}")
    if 'href="http://x"' in pagina:
        fallas.append(f"/planes/{plan}/acciones/4.1.1/: la narrativa se volvió un enlace")

    # La descripción de una evidencia de todo un compromiso y el motivo con que se canceló una
    # acción, en su CSV y en el libro.
    for archivo, texto, hoja in (
        ("evidencias.csv", recorrido_datos.DESCRIPCION_FORMULA, "Evidencias"),
        ("arbol.csv", recorrido_datos.MOTIVO_CANCELACION_FORMULA, "Acciones"),
    ):
        celdas = _celdas_csv(cuerpo(cliente.get(f"/datos/{plan}/{archivo}")))
        if "'" + texto not in celdas or texto in celdas:
            fallas.append(f"{archivo}: no trae {texto!r} con el apóstrofo delante (y solo así)")
        fallas += _neutralizados_en_xlsx(cuerpo(cliente.get(f"/datos/{plan}.xlsx")), [texto], f"{plan}.xlsx ({hoja})")

    # La exportación interna del STL y el informe congelado con esos textos, igual.
    stl = Client()
    stl.force_login(d.facilitacion)
    exportacion = cuerpo(stl.get(f"/trabajo/{plan}/periodos/{d.febrero.slug}/avances.xlsx"))
    fallas += _neutralizados_en_xlsx(
        exportacion, [recorrido_datos.NARRATIVA_FORMULA, recorrido_datos.ETAPA_FORMULA, recorrido_datos.NOTA_FORMULA],
        "avances.xlsx del STL",
    )
    estructura = cuerpo(stl.get(f"/trabajo/{plan}/estructura.xlsx"))
    fallas += _neutralizados_en_xlsx(estructura, [recorrido_datos.MOTIVO_CANCELACION_FORMULA], "estructura.xlsx del STL")
    informe = d.informe_con_formulas
    xlsx = cuerpo(stl.get(informe.url_xlsx))
    fallas += _neutralizados_en_xlsx(
        xlsx, [recorrido_datos.ETAPA_FORMULA, recorrido_datos.NOTA_FORMULA], informe.nombre_de_archivo("xlsx")
    )
    assert not fallas, _informe(fallas, "textos con fórmula mal neutralizados")
