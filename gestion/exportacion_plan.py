"""La estructura de un plan en el libro de ``plantilla_plan.py``: las mismas hojas, llenas.

Lleva el plan, sus ejes, **todos** sus compromisos y acciones (los retirados también, con su
retiro, su motivo, su fecha y la clave del elemento en favor del cual se retiraron: importar el
libro da el mismo árbol, y quien lo lee ve qué se retiró) y las instituciones que nombran
(responsables y partes cocreadoras). Sin avances. Siete consultas, sea cual sea el tamaño del
plan.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from plan.models import Accion, Compromiso, EnlaceCompromiso, Institucion, Plan

from seguimiento.hojas_de_calculo import numero_de_celda

from . import plantilla_plan as formato


def _lista(valores) -> str | None:
    texto = f"{formato.SEPARADOR} ".join(str(v) for v in valores)
    return texto or None


def _enlaces(compromiso) -> str | None:
    lineas = [
        f"{e.titulo} {formato.SEPARADOR_ENLACE} {e.url}" if e.titulo else e.url for e in compromiso.enlaces.all()
    ]
    return "\n".join(lineas) or None


def _persona(prefijo: str, persona) -> dict:
    if persona is None:
        return {}
    return {
        f"{prefijo}_grado": persona.grado or None,
        f"{prefijo}_nombre": persona.nombre,
        f"{prefijo}_cargo": persona.cargo or None,
    }


def _referencias(instituciones) -> dict[int, str]:
    """Cómo los compromisos nombran cada institución: sus siglas si las tiene y ninguna otra
    del libro las comparte; si no, su nombre."""
    instituciones = list(instituciones)
    siglas = [i.siglas.casefold() for i in instituciones if i.siglas]
    return {
        i.pk: i.siglas if i.siglas and siglas.count(i.siglas.casefold()) == 1 else i.nombre for i in instituciones
    }


def _retiro(elemento) -> dict:
    """Las cuatro columnas del retiro; vacías si el elemento está vigente."""
    if not elemento.retirada:
        return {}
    return {
        "retiro": elemento.get_retiro_display(),
        "retiro_motivo": elemento.retiro_motivo,
        "retiro_fecha": elemento.retiro_fecha,
        "retiro_destino": elemento.retiro_destino.clave if elemento.retiro_destino_id else None,
    }


def valores_del_plan(plan: Plan) -> dict:
    return {
        "nombre": plan.nombre,
        "nombre_corto": plan.nombre_corto or None,
        "entidad": plan.entidad,
        "anio_inicio": plan.anio_inicio,
        "anio_fin": plan.anio_fin,
        "fecha_meta": plan.fecha_meta,
        "descripcion": plan.descripcion or None,
        "stl_nombre": plan.stl_nombre or None,
        "stl_facilitacion": plan.stl_facilitacion or None,
        "stl_correo": plan.stl_correo or None,
        "stl_sitio_web": plan.stl_sitio_web or None,
        "stl_domicilio": plan.stl_domicilio or None,
        "licencia": plan.get_licencia_display() if plan.licencia else None,
        "exige_evidencia": formato.SI if plan.exige_evidencia else formato.NO,
    }


def exportar(plan: Plan) -> bytes:
    """El libro de la estructura del plan."""
    ejes = list(plan.ejes.order_by("numero"))  # 1
    compromisos = list(
        Compromiso.objects.del_plan(plan)
        .select_related(
            "eje", "institucion_responsable", "representante", "representante_suplente", "retiro_destino__eje"
        )  # 2
        .prefetch_related(
            "objetivos_ods",  # 3
            "metas_ods",  # 4
            "partes_cocreadoras",  # 5
            Prefetch("enlaces", queryset=EnlaceCompromiso.objects.order_by("orden", "pk")),  # 6
        )
        .order_by("eje__numero", "numero")
    )
    acciones = list(
        Accion.objects.del_plan(plan)
        .select_related("compromiso__eje", "retiro_destino__compromiso__eje").order_by("compromiso__eje__numero", "compromiso__numero", "numero")  # 7
    )

    instituciones: dict[int, Institucion] = {}
    for c in compromisos:
        instituciones.setdefault(c.institucion_responsable_id, c.institucion_responsable)
        for parte in c.partes_cocreadoras.all():
            instituciones.setdefault(parte.pk, parte)
    referencia = _referencias(instituciones.values())
    filas_compromisos = []
    for c in compromisos:
        cocreadoras = sorted(c.partes_cocreadoras.all(), key=lambda i: i.nombre)
        filas_compromisos.append(
            {
                "clave": c.clave,
                "nombre": c.nombre,
                "descripcion": c.descripcion or None,
                "problema": c.problema or None,
                "objetivo_principal": c.objetivo_principal or None,
                "metas_verificables": c.metas_verificables or None,
                "medios_verificacion": c.medios_verificacion or None,
                "fecha_inicio": c.fecha_inicio,
                "fecha_conclusion": c.fecha_conclusion,
                "alineacion_agenda_2030": c.alineacion_agenda_2030 or None,
                "objetivos_ods": _lista(o.numero for o in c.objetivos_ods.all()),
                "metas_ods": _lista(m.clave for m in c.metas_ods.all()),
                "institucion": referencia[c.institucion_responsable_id],
                "partes_cocreadoras": _lista(referencia[i.pk] for i in cocreadoras),
                **_persona("titular", c.representante),
                **_persona("suplente", c.representante_suplente),
                "peso": numero_de_celda(c.peso),
                "enlaces": _enlaces(c),
                **_retiro(c),
            }
        )
    hojas = {
        formato.HOJA_EJES: [
            {"numero": e.numero, "nombre": e.nombre, "descripcion": e.descripcion or None, "peso": numero_de_celda(e.peso)}
            for e in ejes
        ],
        formato.HOJA_COMPROMISOS: filas_compromisos,
        formato.HOJA_ACCIONES: [
            {
                "clave": a.clave,
                "descripcion": a.descripcion,
                "destacado": a.destacado or None,
                "entregable": a.entregable or None,
                "fecha_inicio": a.fecha_inicio,
                "fecha_fin": a.fecha_fin,
                "peso": numero_de_celda(a.peso),
                **_retiro(a),
            }
            for a in acciones
        ],
        formato.HOJA_INSTITUCIONES: [
            {
                "nombre": i.nombre,
                "siglas": i.siglas or None,
                "tipo": i.get_tipo_display(),
                "sitio_web": i.sitio_web or None,
                "correo": i.correo_institucional or None,
                "telefono": i.telefono_institucional or None,
            }
            for i in sorted(instituciones.values(), key=lambda i: i.nombre)
        ],
    }
    return formato.libro_del_plan(
        titulo=_("Estructura del %(plan)s") % {"plan": plan}, plan=valores_del_plan(plan), hojas=hojas, exportado=True
    )


def nombre_de_archivo(plan: Plan) -> str:
    """Nombre de la descarga: solo el identificador del plan (letras, cifras y guiones)."""
    return f"estructura-{plan.slug}.xlsx"
