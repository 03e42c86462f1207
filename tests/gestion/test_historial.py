"""El historial del plan (``/trabajo/<plan>/historial/``) sobre el PAL 2022-2024 real que carga
``manage.py preparar``: quién cambió qué, cuándo y con qué valores; solo del plan; paginado en
la base con las mismas consultas en cualquier página."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gestion import historial
from plan.models import Compromiso, EnlaceCompromiso, Membresia, ObjetivoODS, Plan
from seguimiento import flujo
from tests.ayudas import CLAVE, accion, texto_de, texto_de_html

PAPELES = {
    "anonimo": 302, "sin_papel": 404, "extrana": 404, "iacip": 404, "judicial": 404,
    "integrante": 200, "facilitadora": 200, "admin": 200,
}


def _url(plan, consulta=""):
    return f"/trabajo/{plan.slug}/historial/{consulta}"


@pytest.fixture
def stl(ciclo, django_user_model):
    ciclo.admin = django_user_model.objects.create_superuser("admin", "admin@example.org", CLAVE)
    return ciclo


def _como(client, stl, papel):
    if papel != "anonimo":
        client.force_login(getattr(stl, papel))
    return client


def _filas(respuesta) -> list[str]:
    """El texto de cada fila de la tabla del historial, como lo lee una persona."""
    cuerpo = respuesta.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [texto_de_html(tr).strip() for tr in cuerpo.split("</tr>")[:-1]]


@pytest.mark.parametrize("papel", PAPELES)
def test_quien_lee_el_historial(client, stl, papel):
    respuesta = _como(client, stl, papel).get(_url(stl.plan))
    assert respuesta.status_code == PAPELES[papel]
    if papel == "anonimo":
        assert respuesta["Location"].startswith("/cuentas/entrar/")
    if respuesta.status_code == 200:
        assert "Historial de cambios" in texto_de(respuesta)
        assert respuesta["Cache-Control"].startswith("max-age=0") or "no-store" in respuesta["Cache-Control"]


@pytest.mark.parametrize("papel", PAPELES)
def test_nadie_cambia_nada_desde_el_historial(client, stl, papel):
    """Solo se lee: la integrante recibe 403 como en toda la gestión; quien gestiona, 405 (no hay
    nada que cambiar aquí); el resto, 404."""
    esperado = {"anonimo": 302, "integrante": 403, "facilitadora": 405, "admin": 405}.get(papel, 404)
    assert _como(client, stl, papel).post(_url(stl.plan), {"clave": "1.5"}).status_code == esperado


def test_el_trabajo_del_plan_enlaza_el_historial(client, stl):
    client.force_login(stl.integrante)
    assert _url(stl.plan) in client.get(f"/trabajo/{stl.plan.slug}/").content.decode()


def test_un_cambio_del_plan_con_su_motivo(client, stl):
    plan = stl.plan
    plan.nombre_corto = "PAL GTO 2022-2024"
    plan._history_user = stl.facilitadora
    plan._change_reason = "Nombre corto como lo usa el STL"
    plan.save()
    client.force_login(stl.integrante)
    primera = _filas(client.get(_url(plan)))[0]
    assert "Facilitadora" in primera and "Cambiado" in primera
    assert "Nombre corto: PAL 2022-2024 → PAL GTO 2022-2024" in primera
    assert "Motivo: Nombre corto como lo usa el STL" in primera


def test_el_peso_de_una_accion_antes_y_despues(client, stl):
    a = accion(stl.plan, "1.5.3")
    a.peso = Decimal("2.5")
    a._history_user = stl.facilitadora
    a.save()
    client.force_login(stl.facilitadora)
    primera = _filas(client.get(_url(stl.plan)))[0]
    assert primera.startswith(primera.split(" Facilitadora")[0])  # fecha primero
    assert "Acción 1.5.3" in primera and "Peso: 1 → 2.5" in primera
    html = client.get(_url(stl.plan)).content.decode()
    assert 'href="/planes/pal-2022-2024/acciones/1.5.3/"' in html


def test_un_avance_guardado_por_su_responsable(client, stl):
    comun = dict(accion=accion(stl.plan, "4.1.1"), periodo=stl.periodo, usuario=stl.iacip)
    avance = flujo.guardar_avance(**comun, datos=flujo.DatosAvance(porcentaje=Decimal("40")), version=0, enviar=False)
    flujo.guardar_avance(
        **comun, datos=flujo.DatosAvance(porcentaje=Decimal("55"), narrativa="Se instaló la mesa."),
        version=avance.version, enviar=True,
    )
    client.force_login(stl.facilitadora)
    filas = _filas(client.get(_url(stl.plan, "?tipo=avance")))
    assert "Avance 4.1.1 del periodo diciembre 2023–enero 2024" in filas[0]
    assert "Iacip" in filas[0]
    assert "Porcentaje de avance acumulado: 40 → 55" in filas[0]
    assert "Estado de revisión: Borrador → Enviado" in filas[0]
    assert "Versión" not in filas[0]  # el contador interno no se muestra
    assert "Creado" in filas[1]


def test_las_relaciones_muchos_a_muchos_y_los_textos_largos(client, stl):
    compromiso = Compromiso.objects.get(eje__plan=stl.plan, eje__numero=2, numero=1)
    compromiso._history_user = stl.facilitadora
    compromiso.objetivos_ods.add(ObjetivoODS.objects.get(numero=16))
    compromiso.descripcion = "Un texto largo de la relevancia del compromiso. " * 6
    compromiso.save()
    client.force_login(stl.facilitadora)
    respuesta = client.get(_url(stl.plan, "?tipo=compromiso"))
    filas = _filas(respuesta)
    assert "Compromiso 2.1" in filas[0] and "Descripción y relevancia: (vacío) →" in filas[0]
    assert "Objetivos ODS: — → se agregó: ODS 16" in filas[1]
    html = respuesta.content.decode()
    assert "<details><summary>Ver el texto completo" in html
    detalles = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert compromiso.descripcion.strip() in texto_de_html(detalles)  # el texto completo, desplegable
    assert "…" in filas[0].split("Ver el texto completo")[0]  # y recortado en la fila


def test_un_elemento_eliminado(client, stl):
    enlace = EnlaceCompromiso.objects.filter(compromiso__eje__plan=stl.plan).select_related("compromiso__eje").first()
    clave = enlace.compromiso.clave
    enlace._history_user = stl.facilitadora
    enlace.delete()
    client.force_login(stl.facilitadora)
    primera = _filas(client.get(_url(stl.plan)))[0]
    assert f"Enlace del compromiso {clave}" in primera and "Eliminado" in primera and "Se eliminó." in primera


def test_una_cuenta_eliminada(client, stl, django_user_model):
    temporal = django_user_model.objects.create_user("temporal", "temporal@example.org", CLAVE)
    a = accion(stl.plan, "3.2.1")
    a.entregable = "Minuta firmada"
    a._history_user = temporal
    a.save()
    temporal.delete()
    client.force_login(stl.facilitadora)
    primera = _filas(client.get(_url(stl.plan)))[0]
    assert "Acción 3.2.1" in primera and "Sin cuenta: el sistema o una cuenta borrada" in primera


def test_la_carga_inicial_son_registros_creados(client, stl):
    """Lo que cargó ``preparar``: «carga inicial», todo «creado» (también los compromisos con ODS)."""
    client.force_login(stl.facilitadora)
    filas = _filas(client.get(_url(stl.plan, "?tipo=compromiso&cuenta=carga")))
    assert len(filas) == 13
    assert all("Carga inicial" in f and "Creado" in f and "Se creó." in f for f in filas)
    del_2019 = Compromiso.history.filter(eje__plan__slug="pal-2019-2021")
    assert set(del_2019.values_list("history_type", flat=True)) == {"+"}
    con_ods = del_2019.filter(id__in=Compromiso.objects.filter(objetivos_ods__isnull=False).values("id")).first()
    assert list(con_ods.objetivos_ods.values_list("objetivoods_id", flat=True)) == list(
        con_ods.instance.objetivos_ods.values_list("pk", flat=True)
    )
    # Guardar sin cambiar nada no «agrega» los ODS que ya tenía.
    compromiso = con_ods.instance
    compromiso.save()
    ultimo, previo = compromiso.history.order_by("-history_date")[:2]
    assert ultimo.diff_against(previo).changes == []


def test_nunca_los_cambios_de_otro_plan(client, stl):
    otro = Plan.objects.get(slug="pal-2019-2021")
    otro.nombre_corto = "OTRO PLAN CAMBIADO"
    otro.save()
    otra = Compromiso.objects.filter(eje__plan=otro).first()
    otra.nombre = "Compromiso de otro plan cambiado"
    otra.save()
    Membresia.objects.create(usuario=stl.sin_papel, plan=otro, rol=Membresia.Rol.INTEGRANTE)
    client.force_login(stl.facilitadora)
    respuesta = client.get(_url(stl.plan))
    total = respuesta.context["resultado"].total
    paginas = [texto_de(client.get(_url(stl.plan, f"?pagina={n}"))) for n in range(1, total // historial.POR_PAGINA + 2)]
    for texto in paginas:
        assert "OTRO PLAN CAMBIADO" not in texto and "otro plan cambiado" not in texto
        assert "sinpapel" not in texto
    # Las 33 acciones de este plan y ninguna de las 34 del otro.
    assert "33 cambios" in texto_de(client.get(_url(stl.plan, "?tipo=accion")))


def test_filtros(client, stl, django_user_model):
    a = accion(stl.plan, "1.5.3")
    a.peso = Decimal("3")
    a._history_user = stl.facilitadora
    a.save()
    client.force_login(stl.facilitadora)
    # Por clave: el compromiso 1.5, sus 4 acciones, sus enlaces y los avances y evidencias que cuelgan.
    por_clave = _filas(client.get(_url(stl.plan, "?clave=1.5")))
    assert por_clave and all("1.5" in f for f in por_clave)
    assert any("Compromiso 1.5" in f for f in por_clave) and any("Acción 1.5.3" in f for f in por_clave)
    # Un solo elemento (el enlace «Historial» de otras páginas).
    solo = _filas(client.get(_url(stl.plan, "?elemento=accion:1.5.3")))
    assert len(solo) == 2 and "Peso: 1 → 3" in solo[0] and "Carga inicial" in solo[1]
    # Por cuenta.
    de_ella = _filas(client.get(_url(stl.plan, f"?cuenta={stl.facilitadora.pk}")))
    assert all("Facilitadora" in f for f in de_ella) and any("Acción 1.5.3" in f for f in de_ella)
    # Por fechas: nada antes de 2020.
    assert "Ningún cambio con estos filtros" in texto_de(client.get(_url(stl.plan, "?hasta=2019-12-31")))
    # Errores en español, en su campo, sin resultados.
    malo = texto_de(client.get(_url(stl.plan, "?clave=9.9")))
    assert "En este plan no hay ningún compromiso con la clave 9.9." in malo
    assert "«uno» no es una clave" in texto_de(client.get(_url(stl.plan, "?clave=uno")))
    fechas = texto_de(client.get(_url(stl.plan, "?desde=2024-02-01&hasta=2024-01-01")))
    assert "Debe ser el mismo día que «desde» o uno posterior." in fechas
    assert "reconoce el elemento «accion:x»" in texto_de(client.get(_url(stl.plan, "?elemento=accion:x")))


def _consultas_de_la_vista(tipos: set[str]) -> int:
    return (
        1  # la sesión
        + 1  # la cuenta que pide
        + 1  # el plan (plan_y_acceso)
        + 1  # las membresías activas de la cuenta en el plan (acceso_al_plan)
        + 2  # el filtro por cuenta: los ids de las cuentas del historial (una unión) y esas cuentas
        + historial.consultas_de_pagina(tipos)  # cuántos hay, la página, el catálogo (6), una por tipo
    )


def test_paginacion_con_las_mismas_consultas(client, stl, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(historial, "POR_PAGINA", 10)
    client.force_login(stl.facilitadora)
    paginas = {}
    for numero in (1, 3):
        # 1 sesión, 1 cuenta, 1 plan, 1 membresías, 2 filtro de cuentas, 1 cuántos hay, 1 la página
        # (unión ordenada y cortada), 6 catálogo (ejes, compromisos, acciones, periodos, avances,
        # informes), 1 registros de acciones de la página y sus anteriores: 15.
        with django_assert_num_queries(15):
            paginas[numero] = client.get(_url(stl.plan, f"?tipo=accion&pagina={numero}"))
    assert "33 cambios · página 1 de 4" in texto_de(paginas[1])
    assert "página 3 de 4" in texto_de(paginas[3])
    assert len(_filas(paginas[3])) == 10
    assert _filas(paginas[1]) != _filas(paginas[3])
    assert "pagina=2" in paginas[1].content.decode() and "tipo=accion" in paginas[1].content.decode()
    # Sin filtro, cada página cuesta lo de sus tipos de elemento, nunca una consulta por fila.
    for numero in (1, 3):
        respuesta = client.get(_url(stl.plan, f"?pagina={numero}"))
        tipos = respuesta.context["resultado"].tipos
        with django_assert_num_queries(_consultas_de_la_vista(tipos)):
            client.get(_url(stl.plan, f"?pagina={numero}"))
