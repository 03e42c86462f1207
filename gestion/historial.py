"""El historial de un plan (``/trabajo/<plan>/historial/``): cada cambio que registró
django-simple-history en su estructura y en su ciclo, del más reciente al más antiguo. Solo lee.

**Qué entra.** De *ese* plan y de ningún otro: el plan, sus ejes, compromisos (con sus ODS, metas
y partes cocreadoras: ``m2m_fields``), enlaces, acciones, integrantes del STL, membresías, claves
anteriores, periodos, avances, evidencias, estatus narrativos e informes; y, de lo global, las
instituciones y personas a las que el plan se refiere (responsables, cocreadoras, integrantes,
membresías, representantes). Se decide sobre las tablas del historial, no sobre las vivas: una
acción borrada con su compromiso sigue siendo del plan porque su compromiso *fue* de un eje del plan.

**Cómo se pagina** (``pagina``), en la base y con un número de consultas que no depende de la
página: (1) cuántos registros hay, (2) una unión de las tablas del historial elegidas, con solo
``(history_id, history_date, tipo)``, ordenada y cortada a la página; luego (3) el catálogo del
plan (ejes, compromisos, acciones, periodos, avances e informes, seis consultas: para nombrar cada
elemento con su clave de hoy y enlazarlo), (4) una consulta por tipo de elemento presente en la
página, que trae sus registros y el anterior de cada uno (para ``diff_against``) con la cuenta y
los objetos a los que apuntan (``select_related``: personas, instituciones, cuentas) y (5) una por
relación muchos a muchos si hay compromisos en la página. Nada se consulta por fila; con los
mismos tipos de elemento en la página, dos páginas cuestan lo mismo (``consultas_de_pagina``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.models import (
    Accion,
    ClaveAnterior,
    Compromiso,
    Eje,
    EnlaceCompromiso,
    Institucion,
    IntegranteSTL,
    Membresia,
    ObjetivoODS,
    Persona,
    Plan,
)
from seguimiento.bitacora import MOTIVO_CARGA_INICIAL, nombre_de_cuenta
from seguimiento.models import Avance, EstatusCompromiso, Evidencia, Informe, Periodo
from seguimiento.numeros import numero_exacto

POR_PAGINA = 50

#: Un texto más largo se muestra recortado, con el completo en un ``<details>``.
LARGO_CORTO = 120

#: Campos que no dicen nada a quien lee (contadores internos).
_CAMPOS_OCULTOS = {Avance: {"version"}}

#: «Carga inicial» como valor del filtro por cuenta.
CUENTA_CARGA_INICIAL = "carga"


@dataclass(frozen=True)
class Tipo:
    clave: str
    modelo: type[models.Model]
    nombre: str


TIPOS = [
    Tipo("plan", Plan, gettext_lazy("El plan")),
    Tipo("eje", Eje, gettext_lazy("Ejes")),
    Tipo("compromiso", Compromiso, gettext_lazy("Compromisos")),
    Tipo("enlace", EnlaceCompromiso, gettext_lazy("Enlaces de compromisos")),
    Tipo("accion", Accion, gettext_lazy("Acciones")),
    Tipo("integrante", IntegranteSTL, gettext_lazy("Integrantes del STL")),
    Tipo("membresia", Membresia, gettext_lazy("Membresías (cuentas y papeles)")),
    Tipo("clave", ClaveAnterior, gettext_lazy("Claves anteriores (renumeraciones)")),
    Tipo("periodo", Periodo, gettext_lazy("Periodos de reporte")),
    Tipo("avance", Avance, gettext_lazy("Avances")),
    Tipo("evidencia", Evidencia, gettext_lazy("Evidencias")),
    Tipo("estatus", EstatusCompromiso, gettext_lazy("Estatus narrativos")),
    Tipo("informe", Informe, gettext_lazy("Informes")),
    Tipo("institucion", Institucion, gettext_lazy("Instituciones")),
    Tipo("persona", Persona, gettext_lazy("Personas")),
]
POR_CLAVE = {t.clave: t for t in TIPOS}
_CLAVE_DE_MODELO = {t.modelo: t.clave for t in TIPOS}

_RE_CLAVE = re.compile(r"^\d{1,4}(?:\.\d{1,4}){0,2}$")


class FiltroInvalido(ValueError):
    """Un filtro que no corresponde a nada del plan; el mensaje, en español, dice cuál."""


@dataclass
class Filtros:
    tipos: list[str] = field(default_factory=list)
    cuenta: str = ""  # id de la cuenta o CUENTA_CARGA_INICIAL
    desde: datetime.date | None = None
    hasta: datetime.date | None = None
    clave: str = ""
    elemento: str = ""  # «accion:1.5.3», «compromiso:2.1», «eje:3», «periodo:<slug>», «plan»


@dataclass
class Cambio:
    campo: str
    antes: str
    despues: str
    largo: bool = False

    def _desde(self) -> int:
        """Dónde empiezan a diferir los dos textos, en un principio de palabra: los recortes
        muestran lo que cambió y no el principio que comparten."""
        comun = 0
        for a, b in zip(self.antes, self.despues):
            if a != b:
                break
            comun += 1
        if comun < 40:
            return 0
        return self.antes.rfind(" ", 0, comun - 20) + 1

    @property
    def antes_corto(self) -> str:
        desde = self._desde()
        return ("…" if desde else "") + _recortar(self.antes[desde:])

    @property
    def despues_corto(self) -> str:
        desde = self._desde()
        return ("…" if desde else "") + _recortar(self.despues[desde:])


@dataclass
class Fila:
    fecha: datetime.datetime
    cuenta: str
    tipo: str  # «+», «~», «−»
    elemento: str
    enlace: str | None
    cambios: list[Cambio]
    motivo: str

    @property
    def accion_texto(self) -> str:
        return {"+": _("Creado"), "~": _("Cambiado"), "-": _("Eliminado")}[self.tipo]

    @property
    def simbolo(self) -> str:
        return {"+": "+", "~": "~", "-": "−"}[self.tipo]


def _h(modelo):
    return modelo.history.model.objects


def _recortar(texto: str) -> str:
    if len(texto) <= LARGO_CORTO:
        return texto
    return texto[:LARGO_CORTO].rsplit(" ", 1)[0] + "…"


# --- Qué registros son del plan ---------------------------------------------------------------


def _alcance_estructura(*, ejes: Q | None, compromisos: Q | None, acciones: Q) -> dict[str, Q]:
    """Los registros de un subárbol de la estructura (ejes → compromisos → acciones, con sus
    enlaces, estatus, avances y evidencias), dados los filtros de sus raíces en el historial."""
    alcance: dict[str, Q] = {}
    ids_compromisos = _h(Compromiso).filter(compromisos).values("id") if compromisos is not None else None
    ids_acciones = _h(Accion).filter(acciones).values("id")
    ids_avances = _h(Avance).filter(accion_id__in=ids_acciones).values("id")
    if ejes is not None:
        alcance["eje"] = ejes
    if compromisos is not None:
        alcance["compromiso"] = compromisos
        alcance["enlace"] = Q(compromiso_id__in=ids_compromisos)
        alcance["estatus"] = Q(compromiso_id__in=ids_compromisos)
    alcance["accion"] = acciones
    alcance["avance"] = Q(accion_id__in=ids_acciones)
    alcance["evidencia"] = Q(avance_id__in=ids_avances)
    if ids_compromisos is not None:
        alcance["evidencia"] |= Q(compromiso_id__in=ids_compromisos)
    return alcance


def _alcance_del_plan(plan: Plan) -> dict[str, Q]:
    ids_ejes = _h(Eje).filter(plan_id=plan.pk).values("id")
    compromisos = Q(eje_id__in=ids_ejes)
    ids_compromisos = _h(Compromiso).filter(compromisos).values("id")
    alcance = _alcance_estructura(
        ejes=Q(plan_id=plan.pk), compromisos=compromisos, acciones=Q(compromiso_id__in=ids_compromisos)
    )
    del_plan = Q(plan_id=plan.pk)
    alcance.update(plan=Q(id=plan.pk), integrante=del_plan, membresia=del_plan, clave=del_plan, periodo=del_plan, informe=del_plan)
    compromisos_h = _h(Compromiso).filter(compromisos)
    integrantes_h = _h(IntegranteSTL).filter(del_plan)
    cocreadoras = getattr(Compromiso.history.model, "partes_cocreadoras").model.objects
    alcance["institucion"] = (
        Q(id__in=compromisos_h.values("institucion_responsable_id"))
        | Q(id__in=cocreadoras.filter(compromiso_id__in=ids_compromisos).values("institucion_id"))
        | Q(id__in=integrantes_h.values("institucion_id"))
        | Q(id__in=_h(Membresia).filter(del_plan, institucion_id__isnull=False).values("institucion_id"))
    )
    alcance["persona"] = (
        Q(id__in=compromisos_h.filter(representante_id__isnull=False).values("representante_id"))
        | Q(id__in=compromisos_h.filter(representante_suplente_id__isnull=False).values("representante_suplente_id"))
        | Q(id__in=integrantes_h.values("titular_id"))
        | Q(id__in=integrantes_h.filter(suplente_id__isnull=False).values("suplente_id"))
    )
    return alcance


def _id_por_clave(plan: Plan, nivel: str, clave: str) -> int | None:
    """El id del eje, compromiso o acción que hoy tiene ``clave`` o que la tuvo (``ClaveAnterior``)."""
    partes = [int(p) for p in clave.split(".")]
    if nivel == "eje" and len(partes) == 1:
        vivo = Eje.objects.filter(plan=plan, numero=partes[0])
    elif nivel == "compromiso" and len(partes) == 2:
        vivo = Compromiso.objects.filter(eje__plan=plan, eje__numero=partes[0], numero=partes[1])
    elif nivel == "accion" and len(partes) == 3:
        vivo = Accion.objects.filter(
            compromiso__eje__plan=plan, compromiso__eje__numero=partes[0], compromiso__numero=partes[1], numero=partes[2]
        )
    else:
        return None
    encontrado = vivo.values_list("id", flat=True).first()
    if encontrado is None:
        encontrado = (
            ClaveAnterior.objects.filter(plan=plan, nivel=nivel, clave=clave).values_list(f"{nivel}_id", flat=True).first()
        )
    return encontrado


_NIVELES = {1: "eje", 2: "compromiso", 3: "accion"}
_NOMBRE_NIVEL = {"eje": gettext_lazy("ningún eje"), "compromiso": gettext_lazy("ningún compromiso"), "accion": gettext_lazy("ninguna acción")}


def _alcance_de_clave(plan: Plan, clave: str) -> dict[str, Q]:
    """«1», «1.5» o «1.5.3»: ese elemento y todo lo que cuelga de él."""
    if not _RE_CLAVE.match(clave):
        raise FiltroInvalido(_("«%(clave)s» no es una clave: escriba una como 3, 1.5 o 1.5.3.") % {"clave": clave})
    nivel = _NIVELES[clave.count(".") + 1]
    pk = _id_por_clave(plan, nivel, clave)
    if pk is None:
        raise FiltroInvalido(
            _("En este plan no hay %(nivel)s con la clave %(clave)s.") % {"nivel": _NOMBRE_NIVEL[nivel], "clave": clave}
        )
    if nivel == "eje":
        compromisos = Q(eje_id=pk)
        return _alcance_estructura(
            ejes=Q(id=pk), compromisos=compromisos,
            acciones=Q(compromiso_id__in=_h(Compromiso).filter(compromisos).values("id")),
        )
    if nivel == "compromiso":
        return _alcance_estructura(ejes=None, compromisos=Q(id=pk), acciones=Q(compromiso_id=pk))
    return _alcance_estructura(ejes=None, compromisos=None, acciones=Q(id=pk))


def _alcance_de_elemento(plan: Plan, elemento: str) -> dict[str, Q]:
    """«accion:1.5.3», «compromiso:2.1», «eje:3», «periodo:<slug>» o «plan»: solo ese elemento."""
    tipo, _sep, valor = elemento.partition(":")
    if tipo == "plan" and not valor:
        return {"plan": Q(id=plan.pk)}
    if tipo in ("eje", "compromiso", "accion") and _RE_CLAVE.match(valor) and valor.count(".") + 1 == list(_NIVELES.values()).index(tipo) + 1:
        pk = _id_por_clave(plan, tipo, valor)
        if pk is None:
            raise FiltroInvalido(
                _("En este plan no hay %(nivel)s con la clave %(clave)s.") % {"nivel": _NOMBRE_NIVEL[tipo], "clave": valor}
            )
        return {tipo: Q(id=pk)}
    if tipo == "periodo" and valor:
        pk = Periodo.objects.filter(plan=plan, slug=valor).values_list("id", flat=True).first()
        if pk is None:
            raise FiltroInvalido(_("En este plan no hay un periodo «%(periodo)s».") % {"periodo": valor})
        return {"periodo": Q(id=pk)}
    raise FiltroInvalido(
        _("No se reconoce el elemento «%(elemento)s»: se espera, p. ej., accion:1.5.3, compromiso:2.1, eje:3 o plan.")
        % {"elemento": elemento}
    )


def _ramas(plan: Plan, filtros: Filtros) -> list[models.QuerySet]:
    """Una consulta por tabla del historial elegida, cada una con ``(history_id, history_date, tipo)``."""
    alcance = _alcance_del_plan(plan)
    for restriccion in (
        _alcance_de_clave(plan, filtros.clave) if filtros.clave else None,
        _alcance_de_elemento(plan, filtros.elemento) if filtros.elemento else None,
    ):
        if restriccion is not None:
            alcance = {clave: alcance[clave] & q for clave, q in restriccion.items() if clave in alcance}
    comunes = Q()
    if filtros.cuenta == CUENTA_CARGA_INICIAL:
        comunes &= Q(history_user_id__isnull=True, history_change_reason=MOTIVO_CARGA_INICIAL)
    elif filtros.cuenta:
        comunes &= Q(history_user_id=filtros.cuenta)
    zona = timezone.get_current_timezone()
    if filtros.desde:
        comunes &= Q(history_date__gte=datetime.datetime.combine(filtros.desde, datetime.time.min, tzinfo=zona))
    if filtros.hasta:
        siguiente = filtros.hasta + datetime.timedelta(days=1)
        comunes &= Q(history_date__lt=datetime.datetime.combine(siguiente, datetime.time.min, tzinfo=zona))
    elegidos = [t for t in TIPOS if (not filtros.tipos or t.clave in filtros.tipos) and t.clave in alcance]
    return [
        _h(t.modelo)
        .filter(alcance[t.clave], comunes)
        .annotate(clase=Value(t.clave, output_field=models.CharField()))
        .values_list("history_id", "history_date", "clase")
        .order_by()
        for t in elegidos
    ]


def _union(ramas: list[models.QuerySet]):
    if not ramas:
        return _h(Plan).none().values_list("history_id", "history_date")
    primera, *resto = ramas
    return primera.union(*resto, all=True) if resto else primera


def cuentas_del_historial(plan: Plan):
    """Las cuentas que aparecen en el historial del plan, para el filtro (dos consultas: los ids
    en una unión; las cuentas)."""
    alcance = _alcance_del_plan(plan)
    ramas = [
        _h(t.modelo).filter(alcance[t.clave], history_user_id__isnull=False).values_list("history_user_id").order_by()
        for t in TIPOS
    ]
    ids = {fila[0] for fila in ramas[0].union(*ramas[1:])}
    return list(get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "username"))


# --- Cómo se nombra cada cosa --------------------------------------------------------------------


def _minuscula_inicial(texto: str) -> str:
    return texto[:1].lower() + texto[1:]


def _fecha(valor) -> str:
    if isinstance(valor, datetime.datetime):
        return formats.date_format(timezone.localtime(valor), r"j \d\e F \d\e Y, H:i").lower()
    return formats.date_format(valor, r"j \d\e F \d\e Y").lower()


class _Catalogo:
    """Lo que hace falta para nombrar lo que aparece en una página: la estructura del plan de hoy
    (una consulta por nivel, más periodos y avances) y, por modelo, los objetos a los que apuntan
    los valores cambiados (una consulta por modelo, con todos sus ids a la vez)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.ejes = dict(Eje.objects.filter(plan=plan).values_list("id", "numero"))
        self.compromisos = {
            pk: f"{eje}.{numero}"
            for pk, eje, numero in Compromiso.objects.filter(eje__plan=plan).values_list("id", "eje__numero", "numero")
        }
        self.acciones = {
            pk: f"{eje}.{comp}.{numero}"
            for pk, eje, comp, numero in Accion.objects.filter(compromiso__eje__plan=plan).values_list(
                "id", "compromiso__eje__numero", "compromiso__numero", "numero"
            )
        }
        self.periodos = {pk: (nombre, slug) for pk, nombre, slug in Periodo.objects.filter(plan=plan).values_list("id", "nombre", "slug")}
        self.avances = {
            pk: (accion, periodo)
            for pk, accion, periodo in Avance.objects.filter(periodo__plan=plan).values_list("id", "accion_id", "periodo_id")
        }
        self.informes = set(Informe.objects.filter(plan=plan).values_list("id", flat=True))

    _DEL_CATALOGO = (Plan, Eje, Compromiso, Accion, Periodo, Avance)

    def nombre(self, modelo, pk, objeto=None) -> str:
        """El nombre de un objeto al que apunta un valor: de la estructura del plan, por el
        catálogo; de lo demás, ``objeto`` (leído con ``select_related`` junto al registro; ``None``
        si ya no existe)."""
        if modelo is Plan:
            return str(self.plan) if pk == self.plan.pk else _("otro plan")
        if modelo is Eje:
            return _("Eje %(clave)s") % {"clave": self.ejes[pk]} if pk in self.ejes else _("un eje eliminado")
        if modelo is Compromiso:
            return self.compromiso(pk) or _("un compromiso eliminado")
        if modelo is Accion:
            return _("Acción %(clave)s") % {"clave": self.acciones[pk]} if pk in self.acciones else _("una acción eliminada")
        if modelo is Periodo:
            return self.periodos[pk][0] if pk in self.periodos else _("un periodo eliminado")
        if modelo is Avance:
            if pk not in self.avances:
                return _("un avance eliminado")
            accion, periodo = self.avances[pk]
            return self.avance(accion, periodo)
        if objeto is None:
            return _("una cuenta eliminada") if modelo is get_user_model() else _("(eliminado)")
        if modelo is get_user_model():
            return nombre_de_cuenta(objeto, eliminada=True)
        if modelo is Institucion:
            return objeto.nombre_corto
        if modelo is ObjetivoODS:
            return _("ODS %(numero)s") % {"numero": objeto.numero}
        return str(objeto)

    def compromiso(self, pk) -> str | None:
        return _("Compromiso %(clave)s") % {"clave": self.compromisos[pk]} if pk in self.compromisos else None

    def avance(self, accion_id, periodo_id) -> str:
        return _("Avance %(accion)s del periodo %(periodo)s") % {
            "accion": self.acciones.get(accion_id, _("de una acción eliminada")),
            "periodo": _minuscula_inicial(self.periodos[periodo_id][0]) if periodo_id in self.periodos else "?",
        }


def _elemento(catalogo: _Catalogo, registro, tipo: str) -> tuple[str, str | None]:
    """Qué es, en palabras, y la dirección de su página de hoy (si existe)."""
    slug = catalogo.plan.slug
    pk = registro.id
    if tipo == "plan":
        return _("El plan %(plan)s") % {"plan": registro.nombre_corto or registro.nombre}, reverse("trabajo:plan", args=[slug])
    if tipo == "eje":
        if pk in catalogo.ejes:
            numero = catalogo.ejes[pk]
            return _("Eje %(clave)s") % {"clave": numero}, reverse("plan:eje", args=[slug, numero])
        return _("Eje %(clave)s (eliminado)") % {"clave": registro.numero}, None
    if tipo == "compromiso":
        if pk in catalogo.compromisos:
            clave = catalogo.compromisos[pk]
            return _("Compromiso %(clave)s") % {"clave": clave}, reverse("plan:compromiso", args=[slug, clave])
        return _("Compromiso «%(nombre)s» (eliminado)") % {"nombre": _recortar(registro.nombre)}, None
    if tipo == "accion":
        if pk in catalogo.acciones:
            clave = catalogo.acciones[pk]
            return _("Acción %(clave)s") % {"clave": clave}, reverse("plan:accion", args=[slug, clave])
        padre = catalogo.compromisos.get(registro.compromiso_id)
        clave = f"{padre}.{registro.numero}" if padre else str(registro.numero)
        return _("Acción %(clave)s (eliminada)") % {"clave": clave}, None
    if tipo == "enlace":
        compromiso = catalogo.compromisos.get(registro.compromiso_id)
        texto = _("Enlace del compromiso %(clave)s") % {"clave": compromiso or "?"}
        if registro.titulo:
            texto += f" («{_recortar(registro.titulo)}»)"
        return texto, reverse("plan:compromiso", args=[slug, compromiso]) if compromiso else None
    if tipo == "integrante":
        return _("Integrante del STL: %(inst)s") % {"inst": catalogo.nombre(Institucion, registro.institucion_id, registro.institucion)}, None
    if tipo == "membresia":
        usuario = registro.usuario
        cuenta = (usuario.email or usuario.get_username()) if usuario else _("una cuenta eliminada")
        if registro.rol == Membresia.Rol.RESPONSABLE:
            papel = _("responsable del %(inst)s") % {"inst": catalogo.nombre(Institucion, registro.institucion_id, registro.institucion)}
        elif registro.rol == Membresia.Rol.FACILITADOR:
            papel = _("facilitación del STL")
        else:
            papel = _("integrante del STL")
        return _("Membresía de %(cuenta)s (%(papel)s)") % {"cuenta": cuenta, "papel": papel}, None
    if tipo == "clave":
        return _("Clave anterior %(clave)s (%(nivel)s, ahora %(nueva)s)") % {
            "clave": registro.clave,
            "nivel": _minuscula_inicial(str(dict(ClaveAnterior.Nivel.choices).get(registro.nivel, registro.nivel))),
            "nueva": registro.clave_nueva,
        }, None
    if tipo == "periodo":
        texto = _("Periodo %(periodo)s") % {"periodo": _minuscula_inicial(registro.nombre)}
        return texto, reverse("trabajo:tablero", args=[slug, registro.slug]) if pk in catalogo.periodos else None
    if tipo == "avance":
        texto = catalogo.avance(registro.accion_id, registro.periodo_id)
        clave, periodo = catalogo.acciones.get(registro.accion_id), catalogo.periodos.get(registro.periodo_id)
        enlace = reverse("trabajo:captura", args=[slug, periodo[1], clave]) if clave and periodo and pk in catalogo.avances else None
        return texto, enlace
    if tipo == "evidencia":
        if registro.avance_id is not None:
            if registro.avance_id in catalogo.avances:
                return _("Evidencia del %(avance)s") % {"avance": _minuscula_inicial(catalogo.nombre(Avance, registro.avance_id))}, None
            return _("Evidencia de un avance eliminado"), None
        periodo = catalogo.periodos.get(registro.periodo_id, ("?", ""))[0]
        return _("Evidencia del compromiso %(clave)s, periodo %(periodo)s") % {
            "clave": catalogo.compromisos.get(registro.compromiso_id, "?"),
            "periodo": _minuscula_inicial(periodo),
        }, None
    if tipo == "estatus":
        return _("Estatus del compromiso %(clave)s del %(fecha)s") % {
            "clave": catalogo.compromisos.get(registro.compromiso_id, "?"),
            "fecha": _fecha(registro.fecha),
        }, None
    if tipo == "informe":
        texto = registro.titulo if registro.version == 1 else _("%(titulo)s, versión %(version)s") % {
            "titulo": registro.titulo, "version": registro.version
        }
        return texto, reverse("trabajo:informe", args=[slug, pk]) if pk in catalogo.informes else None
    if tipo == "institucion":
        return _("Institución: %(nombre)s") % {"nombre": registro.nombre}, None
    return _("Persona: %(nombre)s") % {"nombre": f"{registro.grado} {registro.nombre}".strip()}, None


# --- Qué cambió --------------------------------------------------------------------------------


def _campos_m2m(modelo) -> list[str]:
    return [f.name for f in getattr(modelo.history.model, "_history_m2m_fields", [])]


def _valor(catalogo: _Catalogo, campo: models.Field, valor, registro) -> str:
    if valor is None or valor == "":
        return _("(vacío)")
    if campo.is_relation:
        objeto = None if campo.related_model in _Catalogo._DEL_CATALOGO else getattr(registro, campo.name)
        return catalogo.nombre(campo.related_model, valor, objeto)
    if campo.choices:
        return str(dict(campo.flatchoices).get(valor, valor))
    if isinstance(valor, bool):
        return _("sí") if valor else _("no")
    if isinstance(valor, (datetime.date, datetime.datetime)):
        return _fecha(valor)
    if isinstance(valor, Decimal):
        return numero_exacto(valor)
    if isinstance(campo, models.FileField):
        return _("un archivo")
    return str(valor)


def _etiqueta(campo: models.Field) -> str:
    nombre = str(campo.verbose_name)
    return nombre[:1].upper() + nombre[1:]


def _cambios(catalogo, modelo, registro, anterior, m2m: dict) -> list[Cambio]:
    """Los campos que cambiaron frente al registro anterior (``diff_against``) y, para las
    relaciones muchos a muchos, lo que se agregó y lo que se quitó (de ``m2m``, ya leído)."""
    if anterior is None or registro.history_type != "~":
        return []
    nombres_m2m = _campos_m2m(modelo)
    excluidos = set(nombres_m2m) | _CAMPOS_OCULTOS.get(modelo, set())
    delta = registro.diff_against(anterior, excluded_fields=excluidos)
    cambios = []
    for cambio in delta.changes:
        campo = modelo._meta.get_field(cambio.field)
        antes, despues = _valor(catalogo, campo, cambio.old, anterior), _valor(catalogo, campo, cambio.new, registro)
        largo = isinstance(campo, models.TextField) and max(len(antes), len(despues)) > LARGO_CORTO
        cambios.append(Cambio(_etiqueta(campo), antes, despues, largo))
    for nombre in nombres_m2m:
        campo = modelo._meta.get_field(nombre)
        antes = m2m.get((nombre, anterior.history_id), {})
        despues = m2m.get((nombre, registro.history_id), {})
        if antes.keys() != despues.keys():
            nombres = {**antes, **despues}
            agregados = ", ".join(sorted(nombres[pk] for pk in despues.keys() - antes.keys()))
            quitados = ", ".join(sorted(nombres[pk] for pk in antes.keys() - despues.keys()))
            cambios.append(
                Cambio(
                    _etiqueta(campo),
                    _("se quitó: %(lista)s") % {"lista": quitados} if quitados else "—",
                    _("se agregó: %(lista)s") % {"lista": agregados} if agregados else "—",
                )
            )
    return cambios


def _leer_m2m(catalogo: _Catalogo, modelo, ids_historial: list[int]) -> dict:
    """``{(campo, history_id): {id relacionado: su nombre}}`` de las relaciones con historial;
    una consulta por relación (con el objeto relacionado)."""
    resultado: dict = {}
    for nombre in _campos_m2m(modelo):
        intermedia = getattr(modelo.history.model, nombre).model
        campo = modelo._meta.get_field(nombre)
        columna = campo.m2m_reverse_field_name()
        filas = intermedia.objects.filter(history_id__in=ids_historial).select_related(columna)
        for fila in filas:
            pk = getattr(fila, f"{columna}_id")
            texto = catalogo.nombre(campo.related_model, pk, getattr(fila, columna))
            resultado.setdefault((nombre, fila.history_id), {})[pk] = texto
    return resultado


def _cuenta(registro) -> str:
    if registro.history_user is not None:
        return nombre_de_cuenta(registro.history_user, eliminada=True)
    if registro.history_change_reason == MOTIVO_CARGA_INICIAL:
        return _("carga inicial")
    # Sin cuenta: lo hizo una orden de la consola (crear_usuarios_demo, informe --publicar…) o
    # una cuenta que después se borró (simple-history deja la llave vacía): no se distingue.
    return _("sin cuenta: el sistema o una cuenta borrada")


def _filas(plan: Plan, pagina: list[tuple[int, datetime.datetime, str]]) -> list[Fila]:
    catalogo = _Catalogo(plan)
    por_tipo: dict[str, list[int]] = {}
    for history_id, _fecha_registro, tipo in pagina:
        por_tipo.setdefault(tipo, []).append(history_id)
    leidos: dict[tuple[str, int], tuple] = {}
    m2m_por_tipo: dict[str, dict] = {}
    for tipo, ids in por_tipo.items():
        modelo = POR_CLAVE[tipo].modelo
        historico = modelo.history.model
        anterior = (
            historico.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        ids_anteriores = historico.objects.filter(history_id__in=ids).annotate(anterior=Subquery(anterior)).values("anterior")
        relacionados = [
            f.name for f in modelo._meta.concrete_fields
            if f.is_relation and f.related_model not in _Catalogo._DEL_CATALOGO
        ]
        registros = {
            r.history_id: r
            for r in historico.objects.filter(Q(history_id__in=ids) | Q(history_id__in=ids_anteriores)).select_related(
                "history_user", *relacionados
            )
        }
        m2m = _leer_m2m(catalogo, modelo, list(registros)) if _campos_m2m(modelo) else {}
        m2m_por_tipo[tipo] = m2m
        por_objeto: dict[int, list] = {}
        for r in registros.values():
            por_objeto.setdefault(r.id, []).append(r)
        for lista in por_objeto.values():
            lista.sort(key=lambda r: (r.history_date, r.history_id))
        for history_id in ids:
            registro = registros[history_id]
            lista = por_objeto[registro.id]
            previos = [r for r in lista if r.history_date < registro.history_date]
            previo = previos[-1] if previos else None
            leidos[(tipo, history_id)] = (registro, previo)
    filas = []
    for history_id, _fecha_registro, tipo in pagina:
        registro, previo = leidos[(tipo, history_id)]
        modelo = POR_CLAVE[tipo].modelo
        elemento, enlace = _elemento(catalogo, registro, tipo)
        motivo = registro.history_change_reason or ""
        filas.append(
            Fila(
                fecha=registro.history_date,
                cuenta=_cuenta(registro),
                tipo=registro.history_type,
                elemento=elemento,
                enlace=enlace,
                cambios=_cambios(catalogo, modelo, registro, previo, m2m_por_tipo[tipo]),
                motivo="" if motivo == MOTIVO_CARGA_INICIAL else motivo,
            )
        )
    return filas


def consultas_de_pagina(tipos_en_la_pagina: set[str]) -> int:
    """Cuántas consultas hace ``pagina`` (sin contar las del filtro de cuentas): cuenta, página,
    seis del catálogo, una por tipo presente y una por relación muchos a muchos de esos tipos."""
    m2m = sum(len(_campos_m2m(POR_CLAVE[t].modelo)) for t in tipos_en_la_pagina)
    return 2 + 6 + len(tipos_en_la_pagina) + m2m


@dataclass
class Pagina:
    filas: list[Fila]
    pagina: object  # django.core.paginator.Page
    total: int
    tipos: set[str] = field(default_factory=set)


def pagina(plan: Plan, filtros: Filtros, numero) -> Pagina:
    """La página ``numero`` del historial de ``plan`` con ``filtros``, del cambio más reciente al
    más antiguo. ``FiltroInvalido`` si un filtro no corresponde a nada del plan."""
    union = _union(_ramas(plan, filtros)).order_by("-history_date", "-history_id")
    paginador = Paginator(union, POR_PAGINA)
    pagina_pedida = paginador.get_page(numero)
    renglones = list(pagina_pedida.object_list)
    return Pagina(_filas(plan, renglones), pagina_pedida, paginador.count, {tipo for _i, _f, tipo in renglones})
