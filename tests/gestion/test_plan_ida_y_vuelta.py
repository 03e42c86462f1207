"""Exportar un plan y volverlo a importar con otro identificador da el mismo árbol: mismas
claves, textos, pesos, ODS y metas, instituciones, representantes, enlaces, retiros y campos del
plan."""

import io

import pytest

from gestion import exportacion_plan, importacion_plan
from plan.models import Institucion, Membresia, Persona, Plan
from tests.gestion.ayudas_planes import RETIROS_DEL_PAL, arbol, filas_de_datos, retirados, retirar_en_el_pal
from tests.gestion.ayudas_retiro import FECHA, MOTIVO


@pytest.mark.parametrize(
    "slug, con_retiros", [("pal-2022-2024", False), ("pal-2022-2024", True), ("pal-2019-2021", False)]
)
def test_exportar_e_importar_da_el_mismo_plan(ciclo, slug, con_retiros):
    original = Plan.objects.get(slug=slug)
    if con_retiros:
        retirar_en_el_pal(original, ciclo.facilitadora)
    contenido = exportacion_plan.exportar(original)
    instituciones, personas = Institucion.objects.count(), Persona.objects.count()

    nuevo = importacion_plan.importar(
        io.BytesIO(contenido), slug=f"{slug}-copia", usuario=ciclo.facilitadora, nombre="estructura.xlsx"
    )

    esperado, obtenido = arbol(original), arbol(nuevo)
    assert obtenido["plan"] == esperado["plan"]
    assert obtenido["ejes"] == esperado["ejes"]
    assert obtenido["compromisos"] == esperado["compromisos"]
    assert obtenido["acciones"] == esperado["acciones"]
    assert len(obtenido["acciones"]) > 30 and len(obtenido["compromisos"]) > 10
    # Las instituciones y las personas ya estaban: se reconocen, no se duplican.
    assert (Institucion.objects.count(), Persona.objects.count()) == (instituciones, personas)
    assert Membresia.objects.get(plan=nuevo).usuario == ciclo.facilitadora
    # Los retirados viajan con su retiro (y el árbol lo compara): ni se pierden ni se inventan.
    esperados = RETIROS_DEL_PAL if con_retiros else {"compromisos": {}, "acciones": {}}
    assert retirados(obtenido) == {
        nivel: {clave: (como, MOTIVO, FECHA, destino) for clave, (como, destino) in claves.items()}
        for nivel, claves in esperados.items()
    }
    # Y el libro del plan nuevo trae las mismas filas que el del original.
    assert filas_de_datos(exportacion_plan.exportar(nuevo)) == filas_de_datos(contenido)


def test_la_ida_y_vuelta_lleva_la_ficha_completa_del_2019(ciclo):
    """El PAL 2019-2021 tiene lo que el 2022 no imprime: ODS y metas, fechas, cocreadoras."""
    original = Plan.objects.get(slug="pal-2019-2021")
    nuevo = importacion_plan.importar(
        io.BytesIO(exportacion_plan.exportar(original)), slug="historico", usuario=ciclo.facilitadora
    )
    compromisos = arbol(nuevo)["compromisos"].values()
    assert any(c["metas"] for c in compromisos) and any(c["ods"] for c in compromisos)
    assert any(c["fechas"][0] for c in compromisos) and any(c["enlaces"] for c in compromisos)
    assert all(c["titular"] for c in compromisos)
