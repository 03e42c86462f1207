"""``manage.py generar_sintetico``: datos sintéticos a escala, reproducibles y que nunca tocan
otros planes. Se prueba con un tamaño pequeño; el de omisión se mide en tests/benchmarks/."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from plan.models import Accion, Compromiso, Institucion, Persona, Plan
from seguimiento.models import Avance, CifraPublicada, Informe, Periodo, VersionPublica
from seguimiento.publicacion import version_actual
from seguimiento.rollup import calcular_avance
from tests.fabricas import construir_plan, crear_plan

pytestmark = pytest.mark.django_db

#: 3 planes × 2 ejes × 2 compromisos × 3-4 acciones, 5 periodos (3 publicados, 1 cerrado, 1 abierto).
PEQUENO = {"planes": 3, "ejes": 2, "compromisos": 2, "acciones": 3, "periodos": 5}


def _generar(semilla=7, **tamano):
    salida = StringIO()
    call_command("generar_sintetico", **{**PEQUENO, **tamano}, semilla=semilla, stdout=salida)
    return salida.getvalue()


def _borrar():
    salida = StringIO()
    call_command("generar_sintetico", borrar=True, stdout=salida)
    return salida.getvalue()


def _sinteticos():
    return Plan.objects.filter(slug__startswith="sintetico-")


def _contenido():
    """Lo generado completo, sin ids ni marcas de tiempo: lo que debe repetir la misma semilla."""
    return {
        "planes": list(
            _sinteticos()
            .order_by("slug")
            .values_list("slug", "nombre", "anio_inicio", "anio_fin", "fecha_meta")
        ),
        "acciones": list(
            Accion.objects.filter(compromiso__eje__plan__in=_sinteticos())
            .order_by(
                "compromiso__eje__plan__slug", "compromiso__eje__numero", "compromiso__numero", "numero"
            )
            .values_list(
                "compromiso__eje__plan__slug",
                "compromiso__eje__numero",
                "compromiso__eje__peso",
                "compromiso__numero",
                "compromiso__nombre",
                "compromiso__peso",
                "compromiso__institucion_responsable__nombre",
                "numero",
                "descripcion",
                "peso",
            )
        ),
        "avances": list(
            Avance.objects.filter(accion__compromiso__eje__plan__in=_sinteticos())
            .order_by(
                "accion__compromiso__eje__plan__slug",
                "accion__compromiso__eje__numero",
                "accion__compromiso__numero",
                "accion__numero",
                "periodo__inicio",
            )
            .values_list(
                "accion__compromiso__eje__plan__slug",
                "accion__compromiso__eje__numero",
                "accion__compromiso__numero",
                "accion__numero",
                "periodo__slug",
                "porcentaje",
                "estado",
                "etapa",
                "nota_aclaratoria_marcada",
            )
        ),
        "cifras": sorted(
            CifraPublicada.objects.filter(informe__plan__in=_sinteticos()).values_list(
                "informe__plan__slug",
                "informe__numero",
                "nivel",
                "eje__numero",
                "compromiso__numero",
                "porcentaje",
            ),
            key=repr,
        ),
    }


def test_genera_la_estructura_pedida_y_la_imprime():
    salida = _generar()
    planes = list(_sinteticos().order_by("slug"))
    assert [p.slug for p in planes] == [
        "sintetico-aguascalientes",
        "sintetico-baja-california",
        "sintetico-baja-california-sur",
    ]
    assert all(p.nombre.endswith("(datos sintéticos)") for p in planes)
    assert Compromiso.objects.filter(eje__plan__in=planes).count() == 3 * 2 * 2
    conteos = list(
        Compromiso.objects.filter(eje__plan__in=planes)
        .annotate(n=Count("acciones"))
        .values_list("n", flat=True)
    )
    assert set(conteos) <= {3, 4}, "cada compromiso tiene N o N+1 acciones"
    acciones = Accion.objects.filter(compromiso__eje__plan__in=planes).count()
    assert acciones == sum(conteos)
    avances = Avance.objects.filter(accion__compromiso__eje__plan__in=planes)
    # Lo que imprime es lo que quedó en la base.
    assert "Planes: 3\n" in salida
    assert f"Acciones: {acciones:,}\n" in salida
    assert f"Avances: {avances.count():,}\n" in salida
    assert "Compromisos: 12\n" in salida
    assert "Se generaron 3 planes sintéticos (semilla 7)" in salida
    for plan in planes:
        estados = list(plan.periodos.order_by("inicio").values_list("estado", flat=True))
        assert estados == ["publicado", "publicado", "publicado", "cerrado", "abierto"]
        # El periodo abierto solo tiene avances sin validar; el cerrado, validados que aún no se ven.
        assert not avances.filter(periodo__plan=plan, periodo__estado="abierto", estado="validado").exists()
        # Hay acciones sin reporte y avances de periodos publicados que no cuentan.
        assert Accion.objects.filter(compromiso__eje__plan=plan).exclude(avances__estado="validado").exists()
        assert (
            avances.filter(periodo__plan=plan, periodo__estado="publicado")
            .exclude(estado="validado")
            .exists()
        )
        # Un informe publicado del último periodo publicado, con su cifra global, y uno en borrador.
        ultimo = plan.periodos.publicados().order_by("-inicio").first()
        informe = Informe.objects.get(plan=plan, periodo_final=ultimo)
        assert informe.estado == Informe.Estado.PUBLICADO
        assert informe.cifras.filter(nivel="plan").count() == 1
        assert Informe.objects.filter(plan=plan, estado=Informe.Estado.BORRADOR).count() == 1
    assert Institucion.objects.filter(nombre__endswith="(datos sintéticos)").count() == 3 * 8


def test_la_misma_semilla_da_los_mismos_datos_y_otra_no():
    _generar(semilla=7)
    primera = _contenido()
    _borrar()
    assert not _sinteticos().exists()
    _generar(semilla=7)
    assert _contenido() == primera
    _borrar()
    _generar(semilla=8)
    assert _contenido()["avances"] != primera["avances"]


def test_los_avances_son_acumulados_y_nunca_bajan():
    _generar(periodos=8)
    serie = defaultdict(list)
    for accion_id, porcentaje in (
        Avance.objects.filter(accion__compromiso__eje__plan__in=_sinteticos())
        .order_by("accion_id", "periodo__inicio")
        .values_list("accion_id", "porcentaje")
    ):
        serie[accion_id].append(porcentaje)
    assert len(serie) > 20
    for valores in serie.values():
        assert valores == sorted(valores), valores
        assert all(0 <= v <= 100 for v in valores)
    assert any(len(set(valores)) > 2 for valores in serie.values()), "los avances crecen con el tiempo"


def test_el_calculo_cuenta_solo_lo_validado_y_publicado_en_tres_consultas(django_assert_num_queries):
    _generar()
    plan = Plan.objects.get(slug="sintetico-aguascalientes")
    # 1. ejes del plan  2. compromisos del plan  3. acciones, cada una con su último avance que cuenta
    with django_assert_num_queries(3):
        resultado = calcular_avance(plan)
    assert resultado.avance is not None and resultado.errores == []
    ultimo_publico, ultimo_cualquiera = {}, {}
    for accion_id, porcentaje, estado, estado_periodo in (
        Avance.objects.filter(accion__compromiso__eje__plan=plan)
        .order_by("periodo__inicio")
        .values_list("accion_id", "porcentaje", "estado", "periodo__estado")
    ):
        ultimo_cualquiera[accion_id] = porcentaje
        if estado == "validado" and estado_periodo == "publicado":
            ultimo_publico[accion_id] = porcentaje
    acciones = list(resultado.acciones())
    assert (
        resultado.cobertura.total
        == len(acciones)
        == Accion.objects.filter(compromiso__eje__plan=plan).count()
    )
    assert resultado.cobertura.con_reporte == len(ultimo_publico) < len(acciones)
    assert {a.id: a.avance for a in acciones if a.avance is not None} == ultimo_publico
    # Los borradores, envíos, devoluciones y validados sin publicar llevan otras cifras: no cuentan.
    assert any(ultimo_cualquiera[i] != ultimo_publico.get(i) for i in ultimo_cualquiera)


def test_el_portal_muestra_un_plan_generado(client):
    _generar()
    respuesta = client.get("/planes/sintetico-aguascalientes/")
    assert respuesta.status_code == 200
    assert "Aguascalientes" in respuesta.content.decode()
    assert "datos sintéticos" in respuesta.content.decode()


def test_generar_y_borrar_invalidan_la_cache_de_paginas():
    antes = version_actual()
    _generar()
    despues = version_actual()
    assert despues > antes
    _borrar()
    assert version_actual() > despues
    assert VersionPublica.objects.count() == 1


def _conteos():
    modelos = [Plan, Institucion, Persona, Compromiso, Accion, Periodo, Avance, Informe, CifraPublicada]
    return {modelo.__name__: modelo.objects.count() for modelo in modelos}


def test_borrar_solo_quita_los_planes_sinteticos():
    real, periodo = construir_plan([(1, [(1, [(1, 60), (1, 20)])])], plan=crear_plan(slug="pal-real"))
    institucion_real = Compromiso.objects.get(eje__plan=real).institucion_responsable
    antes = _conteos()
    _generar()
    assert _conteos()["Plan"] == antes["Plan"] + 3
    salida = _borrar()
    assert "Se borraron 3 planes sintéticos" in salida
    # Queda exactamente lo que había: el plan real con sus avances, su institución y su cifra.
    assert _conteos() == antes
    assert not _sinteticos().exists()
    assert not Institucion.objects.filter(nombre__endswith="(datos sintéticos)").exists()
    assert Institucion.objects.filter(pk=institucion_real.pk).exists()
    assert Avance.objects.filter(periodo=periodo).count() == 2
    assert calcular_avance(real).avance == 40
    # Borrar otra vez no encuentra nada que borrar.
    assert "Se borraron 0 planes sintéticos" in _borrar()
    assert _conteos() == antes


def test_no_toca_un_plan_que_no_es_sintetico_aunque_lo_parezca():
    ajeno = crear_plan(slug="sintetico-jalisco", nombre="PAL de Jalisco 2024-2026")
    antes = _conteos()
    with pytest.raises(
        CommandError,
        match="sintetico-jalisco.*no son datos sintéticos|no son datos sintéticos.*sintetico-jalisco",
    ):
        _borrar()
    with pytest.raises(CommandError, match="no son datos sintéticos"):
        _generar()
    assert Plan.objects.get(pk=ajeno.pk).nombre == "PAL de Jalisco 2024-2026"
    assert _conteos() == antes


def test_no_genera_encima_de_planes_sinteticos_existentes():
    _generar()
    avances = Avance.objects.count()
    with pytest.raises(CommandError, match="Ya existen planes sintéticos.*--borrar"):
        _generar()
    assert Avance.objects.count() == avances
    assert _sinteticos().count() == 3


def test_rechaza_tamanos_invalidos():
    with pytest.raises(CommandError, match="--periodos debe estar entre 1 y 120"):
        _generar(periodos=0)
    assert not _sinteticos().exists()
