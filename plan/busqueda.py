"""Búsqueda en los textos de los planes: compromisos, sus acciones, ejes, instituciones y personas.

``buscar(texto, planes=…)`` devuelve qué compromisos coinciden (con su relevancia) y qué
acciones de cada uno, en **dos consultas** sea cual sea el tamaño de los planes: una para los
compromisos y otra para las acciones. La ciudadanía escribe como escribe; por eso:

* sin distinguir mayúsculas ni acentos: «educacion» encuentra «Educación»;
* con errores pequeños en palabras de cinco letras o más: «sentensias» encuentra «sentencias»;
* cada palabra debe aparecer en el compromiso o en alguna de sus acciones: «ladrillo PNT»
  encuentra el 1.5 (el ladrillo está en su nombre y la PNT en su acción 1.5.1);
* el compromiso incluye el nombre de su eje, su institución responsable (nombre y siglas) y su
  representante titular: «Soria» encuentra los compromisos de los que es representante.

Dos formas de hacerlo, elegidas por la base de datos:

* **PostgreSQL**: búsqueda de texto completo con la configuración ``spanish`` (raíces: «sentencia»
  encuentra «sentencias»; ``SearchRank`` ordena), ``unaccent`` para los acentos y la similitud de
  trigramas por palabra (``pg_trgm``, ``word_similarity``) para los errores. Las extensiones las
  crea la migración ``plan`` de búsqueda.
* **Otras (SQLite)**: el mismo criterio en Python sobre los textos normalizados: una palabra
  coincide si está contenida en el texto o si sus trigramas se parecen a los de una palabra del
  texto tanto como exige PostgreSQL (``similitud``, la misma cuenta que ``pg_trgm``). Sin
  raíces: «juzgados» no encuentra «juzgar» (en PostgreSQL sí).

Las claves («1.5», «3.2.1») no se buscan aquí: ``clave_en(texto)`` las reconoce y la vista las
resuelve con el árbol del plan que ya tiene.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from .models import Accion, Compromiso

#: Palabras de la búsqueda que se toman en cuenta (las demás se ignoran).
PALABRAS_MAXIMAS = 8
#: Longitud desde la que una palabra tolera errores.
LONGITUD_CON_TOLERANCIA = 5
#: Similitud de trigramas mínima (PostgreSQL) para tomar una palabra por otra con un error.
SIMILITUD_MINIMA = 0.55
#: Configuración de búsqueda de texto de PostgreSQL.
CONFIGURACION = "spanish"

_CLAVE = re.compile(r"^\s*(\d{1,3}\.\d{1,3}(?:\.\d{1,3})?)\s*$")
_PALABRA = re.compile(r"\w+")

#: Peso de cada campo en la relevancia (las letras de ``setweight`` de PostgreSQL y lo que
#: vale cada una por omisión en ``ts_rank``): el nombre del compromiso pesa más que lo que dice
#: de él su eje o su institución, y eso más que su ficha y sus acciones.
CAMPOS_DEL_COMPROMISO = {
    "nombre": "A",
    "eje__nombre": "B",
    "institucion_responsable__nombre": "B",
    "institucion_responsable__siglas": "B",
    "representante__nombre": "B",
    "descripcion": "C",
    "problema": "C",
    "objetivo_principal": "C",
}
PESO_DE_LAS_ACCIONES = "D"
VALOR_DEL_PESO = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}


@dataclass
class Coincidencias:
    #: ``{compromiso_id: relevancia}`` de los compromisos que coinciden (más alta, mejor).
    relevancia: dict[int, float] = field(default_factory=dict)
    #: ``{compromiso_id: {accion_id, …}}``: acciones de esos compromisos con alguna palabra.
    acciones: dict[int, set[int]] = field(default_factory=dict)

    def __contains__(self, compromiso_id: int) -> bool:
        return compromiso_id in self.relevancia


def normalizar(texto: str) -> str:
    """Minúsculas y sin acentos: «Educación» → «educacion»."""
    descompuesto = unicodedata.normalize("NFKD", texto or "")
    return "".join(c for c in descompuesto if not unicodedata.combining(c)).casefold()


def palabras_de(texto: str) -> list[str]:
    """Las palabras de la búsqueda, normalizadas y sin repetir (hasta ``PALABRAS_MAXIMAS``)."""
    return list(dict.fromkeys(_PALABRA.findall(normalizar(texto))))[:PALABRAS_MAXIMAS]


def clave_en(texto: str) -> str | None:
    """«1.5» o «3.2.1» si la búsqueda es solo una clave de compromiso o de acción."""
    encontrada = _CLAVE.match(texto or "")
    return encontrada.group(1) if encontrada else None


def buscar(texto: str, *, planes) -> Coincidencias:
    """Compromisos de ``planes`` (y sus acciones) que contienen cada palabra de ``texto``."""
    palabras = palabras_de(texto)
    if not palabras:
        return Coincidencias()
    compromisos = Compromiso.objects.filter(eje__plan__in=list(planes))
    acciones = Accion.objects.filter(compromiso__eje__plan__in=list(planes))
    if connections[compromisos.db].vendor == "postgresql":
        return _en_postgresql(palabras, compromisos, acciones)
    return _en_python(palabras, compromisos, acciones)


# --- PostgreSQL ----------------------------------------------------------------------------


def _en_postgresql(palabras, compromisos, acciones) -> Coincidencias:
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.lookups import Unaccent
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramStrictWordSimilarity

    def texto(campo):
        return Coalesce(campo, Value(""), output_field=TextField())

    def vector(expresion, peso):
        return SearchVector(Unaccent(texto(expresion)), config=CONFIGURACION, weight=peso)

    def condicion(documento: str, vector_del_documento: str, palabra: str, indice: int, similitudes: dict):
        """La palabra está en el documento: por su raíz, contenida o con un error pequeño."""
        cumple = Q(**{vector_del_documento: SearchQuery(palabra, config=CONFIGURACION)}) | Q(
            **{f"{documento}__unaccent__icontains": palabra}
        )
        if len(palabra) >= LONGITUD_CON_TOLERANCIA:
            nombre = f"similitud_{indice}"
            similitudes[nombre] = TrigramStrictWordSimilarity(Value(palabra), Unaccent(F(documento)))
            cumple |= Q(**{f"{nombre}__gte": SIMILITUD_MINIMA})
        return cumple

    de_sus_acciones = Subquery(
        Accion.objects.filter(compromiso=OuterRef("pk"))
        .values("compromiso")
        .annotate(todas=StringAgg("descripcion", delimiter=" "))
        .values("todas"),
        output_field=TextField(),
    )
    campos = [texto(campo) for campo in CAMPOS_DEL_COMPROMISO]
    separados = [parte for campo in [*campos, texto(de_sus_acciones)] for parte in (campo, Value(" "))]
    documento = vector(de_sus_acciones, PESO_DE_LAS_ACCIONES)
    for campo, peso in CAMPOS_DEL_COMPROMISO.items():
        documento = vector(F(campo), peso) + documento
    consulta_de_relevancia = SearchQuery(" | ".join(palabras), config=CONFIGURACION, search_type="raw")

    similitudes: dict = {}
    condiciones = [condicion("documento", "vector", p, i, similitudes) for i, p in enumerate(palabras)]
    # Consulta 1: los compromisos en que está cada palabra, con su relevancia.
    encontrados = (
        compromisos.annotate(documento=Concat(*separados, output_field=TextField()), vector=documento, **similitudes)
        .annotate(relevancia=SearchRank(F("vector"), consulta_de_relevancia))
        .filter(*condiciones)
        .values_list("id", "relevancia")
    )
    coincidencias = Coincidencias(relevancia={pk: relevancia for pk, relevancia in encontrados})

    similitudes = {}
    alguna = Q()
    for i, palabra in enumerate(palabras):
        alguna |= condicion("descripcion", "vector", palabra, i, similitudes)
    # Consulta 2: las acciones de esos planes con alguna de las palabras.
    for accion_id, compromiso_id in (
        acciones.annotate(vector=vector(F("descripcion"), PESO_DE_LAS_ACCIONES), **similitudes)
        .filter(alguna)
        .values_list("id", "compromiso_id")
    ):
        if compromiso_id in coincidencias:
            coincidencias.acciones.setdefault(compromiso_id, set()).add(accion_id)
    return coincidencias


# --- SQLite y otras bases ------------------------------------------------------------------


def trigramas(palabra: str) -> frozenset[str]:
    """Los trigramas de una palabra como los cuenta ``pg_trgm``: con dos espacios delante y uno
    detrás («ley» → «  l», « le», «ley», «ey »)."""
    relleno = f"  {palabra} "
    return frozenset(relleno[i : i + 3] for i in range(len(relleno) - 2))


def similitud(a: str, b: str) -> float:
    """Trigramas en común entre el total de las dos palabras: la ``similarity`` de ``pg_trgm``."""
    ta, tb = trigramas(a), trigramas(b)
    comunes = len(ta & tb)
    return comunes / (len(ta) + len(tb) - comunes)


class _Texto:
    """Un texto normalizado y sus palabras, para preguntar si contiene una palabra buscada."""

    def __init__(self, texto: str):
        self.texto = normalizar(texto)
        self.palabras = set(_PALABRA.findall(self.texto))

    def contiene(self, palabra: str) -> float:
        """1 si la contiene tal cual, 0.5 si con un error pequeño (``SIMILITUD_MINIMA``), 0 si no."""
        if palabra in self.texto:
            return 1.0
        if len(palabra) >= LONGITUD_CON_TOLERANCIA and any(
            similitud(palabra, otra) >= SIMILITUD_MINIMA for otra in self.palabras
        ):
            return 0.5
        return 0.0


def _en_python(palabras, compromisos, acciones) -> Coincidencias:
    # Consulta 1: los textos de cada compromiso con su eje, institución y representante.
    campos = {
        fila["id"]: [(_Texto(fila[campo] or ""), peso) for campo, peso in CAMPOS_DEL_COMPROMISO.items()]
        for fila in compromisos.values("id", *CAMPOS_DEL_COMPROMISO)
    }
    # Consulta 2: la descripción de cada acción.
    por_compromiso: dict[int, list[tuple[int, _Texto]]] = {}
    for accion_id, compromiso_id, descripcion in acciones.values_list("id", "compromiso_id", "descripcion"):
        por_compromiso.setdefault(compromiso_id, []).append((accion_id, _Texto(descripcion)))

    coincidencias = Coincidencias()
    for compromiso_id, textos in campos.items():
        de_acciones = por_compromiso.get(compromiso_id, [])
        relevancia = 0.0
        for palabra in palabras:
            mejor = max(
                [texto.contiene(palabra) * VALOR_DEL_PESO[peso] for texto, peso in textos]
                + [texto.contiene(palabra) * VALOR_DEL_PESO[PESO_DE_LAS_ACCIONES] for _id, texto in de_acciones]
            )
            if not mejor:
                break
            relevancia += mejor
        else:
            coincidencias.relevancia[compromiso_id] = relevancia
            con_alguna = {accion_id for accion_id, texto in de_acciones if any(texto.contiene(p) for p in palabras)}
            if con_alguna:
                coincidencias.acciones[compromiso_id] = con_alguna
    return coincidencias
