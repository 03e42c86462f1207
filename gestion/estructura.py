"""La estructura de un plan —sus datos (nombre, vigencia, STL, licencia), ejes, compromisos con
su ficha y sus enlaces, acciones— editada por la facilitación del STL, sin el admin de Django.

Escrituras (servicios): cada función es una operación completa en una transacción, con
argumentos por nombre; deja su motivo en el historial (``_change_reason``: «Peso de la acción
1.5.3: 1 → 2», «Renumerada: 1.5 → 1.6») y quién la hizo. Lanzan ``ValidationError`` con un
mensaje en español junto al campo (``numero``, ``url``…) o ``Conflicto`` si otra persona cambió
el elemento desde que se abrió el formulario. Quién puede llamarlas lo deciden las vistas
(``gestion.acceso``).

* **Números únicos dentro de su padre**: repetir uno es un error que nombra la clave, también
  si dos personas guardan a la vez (la restricción de la base responde y se traduce).
* **Renumerar** un elemento cambia su clave y la de todo lo que cuelga de él: cada clave vieja
  queda en ``ClaveAnterior`` (una fila por (plan, nivel, clave): la última renumeración gana),
  para que el portal redirija las direcciones de antes.
* **Borrar** solo lo que nunca tuvo nada: ni un avance (en cualquier estado) debajo y, para
  un compromiso, ni evidencias, ni cifras publicadas, ni estatus. Lo demás se retira.

Lecturas (selectores): ``arbol_de_estructura`` (la página de la estructura, consultas fijas),
``version_de`` y ``motivos_para_no_borrar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from plan.models import Accion, ClaveAnterior, Compromiso, EnlaceCompromiso, Eje, Plan
from seguimiento.models import Avance, CifraPublicada, EstatusCompromiso, Evidencia
from seguimiento.numeros import numero_exacto

CAMPOS_EJE = ("numero", "nombre", "descripcion", "peso")
CAMPOS_COMPROMISO = (
    "numero", "nombre", "descripcion", "problema", "objetivo_principal", "metas_verificables",
    "medios_verificacion", "fecha_inicio", "fecha_conclusion", "alineacion_agenda_2030",
    "institucion_responsable", "peso",
)
M2M_COMPROMISO = ("objetivos_ods", "metas_ods", "partes_cocreadoras")
CAMPOS_ACCION = ("numero", "descripcion", "destacado", "entregable", "fecha_inicio", "fecha_fin", "peso")
#: Los datos del plan que edita la facilitación. El identificador (``slug``) no: es la dirección
#: pública del plan.
CAMPOS_PLAN = (
    "nombre", "nombre_corto", "entidad", "anio_inicio", "anio_fin", "fecha_meta", "descripcion",
    "stl_nombre", "stl_facilitacion", "stl_correo", "stl_sitio_web", "stl_domicilio", "licencia",
)


class Conflicto(Exception):
    """Otra persona cambió el elemento desde que se abrió el formulario."""


@dataclass(frozen=True)
class DatosEnlace:
    """Un renglón del formulario de enlaces de un compromiso. ``id`` vacío: enlace nuevo."""

    id: int | None
    url: str
    titulo: str = ""
    orden: int = 0
    borrar: bool = False


# --- Lecturas --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fila:
    """Un elemento en la página de la estructura, con su parte del peso de su padre."""

    elemento: object
    peso_de: Decimal
    hijos: list

    @property
    def peso(self) -> str:
        return numero_exacto(self.elemento.peso)

    @property
    def total(self) -> str:
        return numero_exacto(self.peso_de)


def _filas(elementos, hijos_de) -> list[Fila]:
    total = sum((e.peso for e in elementos), Decimal("0"))
    return [Fila(e, total, hijos_de(e)) for e in elementos]


def arbol_de_estructura(plan: Plan) -> list[Fila]:
    """Ejes → compromisos (con su institución responsable) → acciones del plan, cada uno con
    el total de pesos de sus pares (``peso 2 de 5``). Tres consultas, sea cual sea el plan."""
    ejes = Eje.objects.filter(plan=plan).order_by("numero").prefetch_related(
        Prefetch(
            "compromisos",
            queryset=Compromiso.objects.select_related("institucion_responsable").order_by("numero"),
        ),
        Prefetch("compromisos__acciones", queryset=Accion.objects.order_by("numero")),
    )
    return _filas(
        list(ejes),
        lambda eje: _filas(
            list(eje.compromisos.all()),
            lambda compromiso: _filas(list(compromiso.acciones.all()), lambda _accion: []),
        ),
    )


def version_de(elemento) -> str:
    """La versión que el formulario lleva oculta: el último registro de historial del elemento
    (y, de un compromiso, también el de sus enlaces). Cambia con cada cambio guardado."""
    ultima = elemento.history.aggregate(m=Max("history_id"))["m"] or 0
    if isinstance(elemento, Compromiso):
        enlaces = EnlaceCompromiso.history.filter(compromiso_id=elemento.pk).aggregate(m=Max("history_id"))["m"]
        return f"{ultima}-{enlaces or 0}"
    return str(ultima)


def _avances_debajo(elemento):
    if isinstance(elemento, Accion):
        return Avance.objects.filter(accion=elemento)
    if isinstance(elemento, Compromiso):
        return Avance.objects.filter(accion__compromiso=elemento)
    return Avance.objects.filter(accion__compromiso__eje=elemento)


def motivos_para_no_borrar(elemento) -> list[str]:
    """Por qué ``elemento`` (eje, compromiso o acción) no se puede borrar; vacío si se puede.
    Lo que ya tuvo avances, evidencias, cifras o estatus se retira, no se borra."""
    motivos = []
    if _avances_debajo(elemento).exists():
        motivos.append(_("Tiene avances reportados (en cualquier estado) en alguna de sus acciones."))
    if isinstance(elemento, Accion):
        compromisos = None
        if elemento.absorbidas.exists():
            motivos.append(_("Otra acción retirada apunta a esta como la que la sustituye o con la que se fusionó."))
    elif isinstance(elemento, Compromiso):
        compromisos = Compromiso.objects.filter(pk=elemento.pk)
        if elemento.absorbidas.exists():
            motivos.append(_("Otro compromiso retirado apunta a este como el que lo sustituye o con el que se fusionó."))
    else:
        compromisos = Compromiso.objects.filter(eje=elemento)
        if CifraPublicada.objects.filter(eje=elemento).exists():
            motivos.append(_("Un informe publicó una cifra del eje."))
    if compromisos is not None:
        if Evidencia.objects.filter(compromiso__in=compromisos).exists():
            motivos.append(_("Tiene evidencias de todo el compromiso."))
        if CifraPublicada.objects.filter(compromiso__in=compromisos).exists():
            motivos.append(_("Un informe publicó una cifra del compromiso."))
        if EstatusCompromiso.objects.filter(compromiso__in=compromisos).exists():
            motivos.append(_("Tiene un estatus registrado."))
    return motivos


# --- Ayudas de las escrituras ----------------------------------------------------------------


def _nombre(nivel: str, clave: str) -> str:
    return {
        "eje": _("el eje %(clave)s"),
        "compromiso": _("el compromiso %(clave)s"),
        "accion": _("la acción %(clave)s"),
    }[nivel] % {"clave": clave}


def _error_numero_repetido(nivel: str, clave: str) -> ValidationError:
    return ValidationError(
        {"numero": _("Ya existe %(elemento)s en este plan: elija otro número.") % {"elemento": _nombre(nivel, clave)}},
        code="numero_repetido",
    )


def _valor(valor) -> str:
    if isinstance(valor, Decimal):
        return numero_exacto(valor)
    if valor is None or valor == "":
        return _("vacío")
    return str(valor)


def _motivo(nivel: str, clave_antes: str, clave_despues: str, cambios: dict, etiquetas: dict) -> str:
    """«Renumerada: 1.5 → 1.6; Peso del compromiso 1.6: 1 → 2; Cambió: nombre, problema»."""
    partes = []
    if clave_antes != clave_despues:
        partes.append(_("Renumerada: %(antes)s → %(despues)s") % {"antes": clave_antes, "despues": clave_despues})
    if "peso" in cambios:
        antes, despues = cambios["peso"]
        nombre = _nombre(nivel, clave_despues)
        partes.append(
            _("Peso de %(elemento)s: %(antes)s → %(despues)s")
            % {"elemento": nombre, "antes": _valor(antes), "despues": _valor(despues)}
        )
        partes[-1] = partes[-1][0].upper() + partes[-1][1:]
    otros = [str(etiquetas[campo]) for campo in cambios if campo not in ("numero", "peso")]
    if otros:
        partes.append(_("Cambió: %(campos)s") % {"campos": ", ".join(otros)})
    return "; ".join(partes)


def _etiquetas(modelo) -> dict:
    return {f.name: f.verbose_name for f in modelo._meta.get_fields() if hasattr(f, "verbose_name")}


def _exigir_numero_libre(elemento, nivel: str) -> None:
    """Antes de guardar: un número repetido en el mismo padre es un error que nombra la clave.
    (Si dos personas guardan a la vez, la restricción de la base responde en ``_guardar``.)"""
    if _numero_ocupado(elemento):
        raise _error_numero_repetido(nivel, elemento.clave)


def _guardar(elemento, *, usuario, motivo: str, nivel: str, clave) -> None:
    """Guarda con su motivo y su autor; un número repetido (también en una carrera, por la
    restricción de la base) es un error del campo ``numero`` que nombra la clave."""
    elemento._change_reason = motivo
    elemento._history_user = usuario
    try:
        with transaction.atomic():
            elemento.save()
    except IntegrityError:
        if _numero_ocupado(elemento):
            raise _error_numero_repetido(nivel, clave()) from None
        raise ValidationError(
            _("No se guardó: los datos no cumplen una regla del plan (fechas en orden, peso no negativo).")
        ) from None


def _numero_ocupado(elemento) -> bool:
    """¿Otro elemento del mismo padre ya tiene ese número? (tras un choque con la base)."""
    padre = {Eje: "plan_id", Compromiso: "eje_id", Accion: "compromiso_id"}[type(elemento)]
    return (
        type(elemento).objects.filter(**{padre: getattr(elemento, padre), "numero": elemento.numero})
        .exclude(pk=elemento.pk).exists()
    )


def _exigir_version(elemento, version: str | None, mensaje: str) -> None:
    if version is not None and version != version_de(elemento):
        raise Conflicto(mensaje)


def _cambios(elemento, datos: dict, campos) -> dict:
    """``{campo: (antes, después)}`` de los campos de ``datos`` que cambian."""
    cambios = {}
    for campo in campos:
        if campo not in datos:
            continue
        antes = getattr(elemento, campo)
        if antes != datos[campo]:
            cambios[campo] = (antes, datos[campo])
    return cambios


def _registrar_claves(*, plan: Plan, usuario, renumerados: list[tuple[str, object, str, str]]) -> None:
    """Una ``ClaveAnterior`` por cada ``(nivel, elemento, clave_vieja, clave_nueva)``: la
    dirección vieja lleva al elemento. Las claves viejas anteriores del mismo elemento apuntan
    ahora a su clave nueva; la que vuelve a ser su clave viva deja de ser «anterior»."""
    ahora = timezone.now()
    for nivel, elemento, vieja, nueva in renumerados:
        destino = {"eje": None, "compromiso": None, "accion": None, nivel: elemento}
        fila, _creada = ClaveAnterior.objects.update_or_create(
            plan=plan, nivel=nivel, clave=vieja,
            defaults={"clave_nueva": nueva, "cambiada_en": ahora, "cambiada_por": usuario, **destino},
        )
        for previa in ClaveAnterior.objects.filter(plan=plan, nivel=nivel, **{nivel: elemento}).exclude(pk=fila.pk):
            if previa.clave == nueva:
                previa.delete()
            elif previa.clave_nueva != nueva:
                previa.clave_nueva = nueva
                previa.save(update_fields=["clave_nueva"])


def _renumerados_bajo_eje(eje: Eje, numero_viejo: int) -> list:
    renumerados = [("eje", eje, str(numero_viejo), str(eje.numero))]
    for compromiso in eje.compromisos.prefetch_related("acciones"):
        renumerados.append(
            ("compromiso", compromiso, f"{numero_viejo}.{compromiso.numero}", f"{eje.numero}.{compromiso.numero}")
        )
        for accion in compromiso.acciones.all():
            renumerados.append((
                "accion", accion,
                f"{numero_viejo}.{compromiso.numero}.{accion.numero}",
                f"{eje.numero}.{compromiso.numero}.{accion.numero}",
            ))
    return renumerados


def _renumerados_bajo_compromiso(compromiso: Compromiso, clave_vieja: str) -> list:
    renumerados = [("compromiso", compromiso, clave_vieja, compromiso.clave)]
    for accion in compromiso.acciones.all():
        renumerados.append(("accion", accion, f"{clave_vieja}.{accion.numero}", f"{compromiso.clave}.{accion.numero}"))
    return renumerados


def _aplicar(elemento, cambios: dict) -> None:
    for campo, (_antes, despues) in cambios.items():
        setattr(elemento, campo, despues)


# --- Los datos del plan ----------------------------------------------------------------------


def _error_vigencia() -> ValidationError:
    return ValidationError(
        {"anio_fin": _("El año de fin no puede ser anterior al de inicio.")}, code="vigencia_en_desorden"
    )


@transaction.atomic
def editar_plan(*, plan: Plan, datos: dict, usuario, version: str | None) -> Plan:
    """Cambia los datos del plan (``CAMPOS_PLAN``; nunca su identificador) con un registro de
    historial que nombra los campos cambiados; sin cambios, no escribe nada. La vigencia al revés
    (que la base tampoco admite: ``plan_vigencia_en_orden``) es un error del campo ``anio_fin``."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _exigir_version(
        plan, version,
        _("Alguien cambió los datos de este plan mientras los editaba: revise sus datos de ahora y vuelva a escribir su cambio."),
    )
    cambios = _cambios(plan, datos, CAMPOS_PLAN)
    if not cambios:
        return plan
    _aplicar(plan, cambios)
    plan.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    if plan.anio_inicio > plan.anio_fin:
        raise _error_vigencia()
    plan._change_reason = _motivo("plan", plan.slug, plan.slug, cambios, _etiquetas(Plan))
    plan._history_user = usuario
    plan.save()
    return plan


# --- Ejes ------------------------------------------------------------------------------------


@transaction.atomic
def crear_eje(*, plan: Plan, usuario, datos: dict) -> Eje:
    eje = Eje(plan=plan, **{c: datos[c] for c in CAMPOS_EJE if c in datos})
    _exigir_numero_libre(eje, "eje")
    _guardar(eje, usuario=usuario, motivo=_("Eje %(clave)s creado") % {"clave": eje.clave}, nivel="eje", clave=lambda: eje.clave)
    return eje


@transaction.atomic
def editar_eje(*, eje: Eje, usuario, datos: dict, version: str | None) -> Eje:
    eje = Eje.objects.select_for_update().get(pk=eje.pk)
    _exigir_version(eje, version, _("Alguien cambió este eje mientras lo editaba: revise sus datos de ahora y vuelva a escribir su cambio."))
    cambios = _cambios(eje, datos, CAMPOS_EJE)
    if not cambios:
        return eje
    numero_viejo = eje.numero
    _aplicar(eje, cambios)
    if "numero" in cambios:
        _exigir_numero_libre(eje, "eje")
    motivo = _motivo("eje", str(numero_viejo), eje.clave, cambios, _etiquetas(Eje))
    _guardar(eje, usuario=usuario, motivo=motivo, nivel="eje", clave=lambda: eje.clave)
    if "numero" in cambios:
        _registrar_claves(plan=eje.plan, usuario=usuario, renumerados=_renumerados_bajo_eje(eje, numero_viejo))
    return eje


# --- Compromisos -----------------------------------------------------------------------------


def _guardar_enlaces(compromiso: Compromiso, enlaces, usuario) -> bool:
    """Crea, cambia y quita los enlaces del compromiso; ``True`` si cambió alguno. Una dirección
    repetida en el mismo compromiso es un error del campo ``url``."""
    existentes = {e.pk: e for e in compromiso.enlaces.all()} if compromiso.pk else {}
    cambio = False
    for datos in enlaces:
        enlace = existentes.get(datos.id) if datos.id else None
        if datos.id and enlace is None:
            raise ValidationError(_("Uno de los enlaces ya no existe: vuelva a abrir el compromiso."))
        if datos.borrar:
            if enlace is not None:
                enlace._change_reason = _("Enlace quitado del compromiso %(clave)s") % {"clave": compromiso.clave}
                enlace._history_user = usuario
                enlace.delete()
                cambio = True
            continue
        if enlace is None:
            enlace = EnlaceCompromiso(compromiso=compromiso)
        elif (enlace.url, enlace.titulo, enlace.orden) == (datos.url, datos.titulo, datos.orden):
            continue
        enlace.url, enlace.titulo, enlace.orden = datos.url, datos.titulo, datos.orden
        enlace._change_reason = _("Enlace del compromiso %(clave)s") % {"clave": compromiso.clave}
        enlace._history_user = usuario
        try:
            with transaction.atomic():
                enlace.save()
        except IntegrityError:
            raise ValidationError(
                {"url": _("El compromiso %(clave)s ya tiene el enlace %(url)s.") % {"clave": compromiso.clave, "url": datos.url}}
            ) from None
        cambio = True
    return cambio


def _m2m_cambiados(compromiso: Compromiso, datos: dict) -> dict:
    cambiados = {}
    for campo in M2M_COMPROMISO:
        if campo not in datos:
            continue
        nuevos = {o.pk for o in datos[campo]}
        actuales = set(getattr(compromiso, campo).values_list("pk", flat=True)) if compromiso.pk else set()
        if nuevos != actuales:
            cambiados[campo] = nuevos
    return cambiados


def _poner_m2m(compromiso: Compromiso, cambiados: dict) -> None:
    """Fija las relaciones sin un registro de historial por cada una: el ``save`` que sigue
    guarda uno solo, con ellas."""
    compromiso.skip_history_when_saving = True
    try:
        for campo, ids in cambiados.items():
            getattr(compromiso, campo).set(ids)
    finally:
        del compromiso.skip_history_when_saving


@transaction.atomic
def crear_compromiso(*, eje: Eje, usuario, datos: dict, enlaces=()) -> Compromiso:
    compromiso = Compromiso(eje=eje, **{c: datos[c] for c in CAMPOS_COMPROMISO if c in datos})
    _exigir_numero_libre(compromiso, "compromiso")
    motivo = _("Compromiso %(clave)s creado") % {"clave": compromiso.clave}
    _guardar(compromiso, usuario=usuario, motivo=motivo, nivel="compromiso", clave=lambda: compromiso.clave)
    m2m = _m2m_cambiados(compromiso, datos)
    _guardar_enlaces(compromiso, enlaces, usuario)
    if m2m:
        # Un registro más, ya con sus ODS y partes cocreadoras (no uno por relación).
        _poner_m2m(compromiso, m2m)
        compromiso.save()
    return compromiso


@transaction.atomic
def editar_compromiso(*, compromiso: Compromiso, usuario, datos: dict, enlaces=(), version: str | None) -> Compromiso:
    compromiso = Compromiso.objects.select_for_update().select_related("eje__plan").get(pk=compromiso.pk)
    _exigir_version(
        compromiso, version,
        _("Alguien cambió este compromiso mientras lo editaba: revise sus datos de ahora y vuelva a escribir su cambio."),
    )
    cambios = _cambios(compromiso, datos, CAMPOS_COMPROMISO)
    m2m = _m2m_cambiados(compromiso, datos)
    clave_vieja = compromiso.clave
    _aplicar(compromiso, cambios)
    if "numero" in cambios:
        _exigir_numero_libre(compromiso, "compromiso")
    enlaces_cambiaron = _guardar_enlaces(compromiso, enlaces, usuario)
    if not cambios and not m2m and not enlaces_cambiaron:
        return compromiso
    etiquetas = _etiquetas(Compromiso)
    motivo = _motivo("compromiso", clave_vieja, compromiso.clave, {**cambios, **dict.fromkeys(m2m)}, etiquetas)
    if enlaces_cambiaron:
        motivo = "; ".join(filter(None, [motivo, _("Cambiaron sus enlaces")]))
    _poner_m2m(compromiso, m2m)
    _guardar(compromiso, usuario=usuario, motivo=motivo, nivel="compromiso", clave=lambda: compromiso.clave)
    if "numero" in cambios:
        _registrar_claves(
            plan=compromiso.eje.plan, usuario=usuario,
            renumerados=_renumerados_bajo_compromiso(compromiso, clave_vieja),
        )
    return compromiso


# --- Acciones --------------------------------------------------------------------------------


@transaction.atomic
def crear_accion(*, compromiso: Compromiso, usuario, datos: dict) -> Accion:
    accion = Accion(compromiso=compromiso, **{c: datos[c] for c in CAMPOS_ACCION if c in datos})
    _exigir_numero_libre(accion, "accion")
    accion.full_clean(exclude=["compromiso"], validate_unique=False, validate_constraints=False)
    _guardar(
        accion, usuario=usuario, motivo=_("Acción %(clave)s creada") % {"clave": accion.clave},
        nivel="accion", clave=lambda: accion.clave,
    )
    return accion


@transaction.atomic
def editar_accion(*, accion: Accion, usuario, datos: dict, version: str | None) -> Accion:
    accion = Accion.objects.select_for_update().select_related("compromiso__eje__plan").get(pk=accion.pk)
    _exigir_version(
        accion, version,
        _("Alguien cambió esta acción mientras la editaba: revise sus datos de ahora y vuelva a escribir su cambio."),
    )
    cambios = _cambios(accion, datos, CAMPOS_ACCION)
    if not cambios:
        return accion
    clave_vieja = accion.clave
    _aplicar(accion, cambios)
    if "numero" in cambios:
        _exigir_numero_libre(accion, "accion")
    accion.full_clean(exclude=["compromiso"], validate_unique=False, validate_constraints=False)
    motivo = _motivo("accion", clave_vieja, accion.clave, cambios, _etiquetas(Accion))
    _guardar(accion, usuario=usuario, motivo=motivo, nivel="accion", clave=lambda: accion.clave)
    if "numero" in cambios:
        _registrar_claves(
            plan=accion.compromiso.eje.plan, usuario=usuario,
            renumerados=[("accion", accion, clave_vieja, accion.clave)],
        )
    return accion


# --- Borrar lo que nunca se publicó ----------------------------------------------------------


@transaction.atomic
def borrar(*, elemento, usuario) -> None:
    """Borra un eje, compromiso o acción que nunca tuvo nada (``motivos_para_no_borrar``
    vacío), con todo lo que cuelga de él. Si tiene algo, ``ValidationError``: se retira."""
    modelo = type(elemento)
    elemento = modelo.objects.select_for_update().get(pk=elemento.pk)
    motivos = motivos_para_no_borrar(elemento)
    if motivos:
        raise ValidationError(motivos)
    elemento._change_reason = _("Borrado: nunca tuvo avances ni publicaciones")
    elemento._history_user = usuario
    try:
        elemento.delete()
    except ProtectedError:
        raise ValidationError(_("Otro elemento del plan depende de este: no se puede borrar.")) from None
