"""El editor de la estructura sobre el PAL 2022-2024 real, como lo usa la facilitadora: los datos
del plan, añadir y editar con la vista previa del peso, renumerar (las claves viejas quedan
registradas), números repetidos, dos personas a la vez, borrar solo lo que nunca se publicó y el
portal al día."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gestion import estructura
from plan.models import Accion, ClaveAnterior, Compromiso, Eje, EnlaceCompromiso, MetaODS, Plan
from seguimiento.models import VersionPublica
from tests.ayudas import accion, texto_de

SLUG = "pal-2022-2024"
BASE = f"/trabajo/{SLUG}/estructura/"


def compromiso(plan, clave) -> Compromiso:
    eje, numero = clave.split(".")
    return Compromiso.objects.get(eje__plan=plan, eje__numero=eje, numero=numero)


def datos_accion(a: Accion | None = None, **cambios) -> dict:
    """Lo que envía el formulario de una acción (la de ``a`` sin cambios, o una nueva)."""
    datos = {"numero": "", "descripcion": "", "destacado": "", "entregable": "", "fecha_inicio": "", "fecha_fin": "", "peso": "1"}
    if a is not None:
        datos.update(
            numero=a.numero, descripcion=a.descripcion, destacado=a.destacado, entregable=a.entregable,
            peso=str(a.peso), version=estructura.version_de(a),
        )
    datos.update(cambios)
    return datos


def datos_compromiso(c: Compromiso, enlaces=None, **cambios) -> dict:
    """El formulario del compromiso ``c`` tal como está, con sus enlaces (y un renglón vacío)."""
    datos = {
        campo: getattr(c, campo) or "" for campo in estructura.CAMPOS_COMPROMISO if campo != "institucion_responsable"
    }
    datos.update(
        peso=str(c.peso), institucion_responsable=c.institucion_responsable_id, version=estructura.version_de(c),
        objetivos_ods=list(c.objetivos_ods.values_list("pk", flat=True)),
        metas_ods=list(c.metas_ods.values_list("pk", flat=True)),
        partes_cocreadoras=list(c.partes_cocreadoras.values_list("pk", flat=True)),
    )
    filas = enlaces if enlaces is not None else [
        {"id": e.pk, "url": e.url, "titulo": e.titulo, "orden": e.orden} for e in c.enlaces.all()
    ]
    filas = [*filas, {"id": "", "url": "", "titulo": "", "orden": "0"}]
    datos.update({
        "enlaces-TOTAL_FORMS": len(filas), "enlaces-INITIAL_FORMS": c.enlaces.count(),
        "enlaces-MIN_NUM_FORMS": 0, "enlaces-MAX_NUM_FORMS": 1000,
    })
    for i, fila in enumerate(filas):
        datos.update({f"enlaces-{i}-{k}": v for k, v in fila.items()})
    datos.update(cambios)
    return datos


def datos_plan(p: Plan, **cambios) -> dict:
    """El formulario de los datos del plan ``p`` tal como está."""
    datos = {campo: getattr(p, campo) or "" for campo in estructura.CAMPOS_PLAN}
    datos.update(version=estructura.version_de(p), **cambios)
    return datos


@pytest.fixture
def facilitadora(client, ciclo):
    client.force_login(ciclo.facilitadora)
    return client


def version_publica() -> int:
    return VersionPublica.objects.get(pk=1).numero


# --- Los datos del plan ------------------------------------------------------------------------


def test_guardar_los_datos_del_plan_cambia_la_pagina_publica_y_queda_en_el_historial(facilitadora, ciclo):
    publica = f"/planes/{SLUG}/"
    assert "Plan de Acción Local renovado" not in texto_de(facilitadora.get(publica))  # y queda en caché
    pagina = facilitadora.get(f"{BASE}plan/")
    assert "No se cambia: es la dirección pública del plan" in texto_de(pagina)
    assert 'name="slug"' not in pagina.content.decode() and "Ver el efecto" not in texto_de(pagina)

    respuesta = facilitadora.post(
        f"{BASE}plan/", datos_plan(ciclo.plan, nombre="Plan de Acción Local renovado", stl_correo="stl@example.org")
    )

    assert respuesta.status_code == 302 and respuesta["Location"] == BASE
    assert "Plan de Acción Local renovado" in texto_de(facilitadora.get(publica))
    ultimo = Plan.objects.get(pk=ciclo.plan.pk).history.latest()
    assert ultimo.nombre == "Plan de Acción Local renovado" and ultimo.slug == SLUG
    assert ultimo.history_user == ciclo.facilitadora
    assert ultimo.history_change_reason == "Cambió: nombre, correo de contacto del STL"


def test_guardar_los_datos_del_plan_sin_cambios_no_escribe(facilitadora, ciclo):
    historial, version = ciclo.plan.history.count(), version_publica()
    assert facilitadora.post(f"{BASE}plan/", datos_plan(ciclo.plan)).status_code == 302
    assert ciclo.plan.history.count() == historial and version_publica() == version


def test_la_vigencia_al_reves_es_un_error_del_campo_y_no_escribe(facilitadora, ciclo):
    historial, version = ciclo.plan.history.count(), version_publica()
    respuesta = facilitadora.post(f"{BASE}plan/", datos_plan(ciclo.plan, nombre="Otro", anio_inicio="2025", anio_fin="2022"))
    assert respuesta.status_code == 400
    assert respuesta.context["form"].errors == {"anio_fin": ["El año de fin no puede ser anterior al de inicio."]}
    assert "El año de fin no puede ser anterior al de inicio." in texto_de(respuesta)
    assert ciclo.plan.history.count() == historial and version_publica() == version
    with pytest.raises(ValidationError) as error:  # el servicio, sin el formulario, tampoco
        estructura.editar_plan(plan=ciclo.plan, datos={"anio_inicio": 2025}, usuario=ciclo.facilitadora, version=None)
    assert list(error.value.message_dict) == ["anio_fin"]
    assert Plan.objects.get(pk=ciclo.plan.pk).anio_inicio == 2022


def test_dos_personas_en_los_datos_del_plan_la_segunda_no_pisa_a_la_primera(facilitadora, ciclo):
    abierto_por_ambas = datos_plan(ciclo.plan)
    assert facilitadora.post(f"{BASE}plan/", {**abierto_por_ambas, "nombre_corto": "PAL de la primera"}).status_code == 302

    segunda = facilitadora.post(f"{BASE}plan/", {**abierto_por_ambas, "nombre_corto": "PAL de la segunda"})

    assert segunda.status_code == 400
    assert "Alguien cambió los datos de este plan mientras los editaba" in texto_de(segunda)
    assert Plan.objects.get(pk=ciclo.plan.pk).nombre_corto == "PAL de la primera"


def test_la_integrante_ve_los_datos_del_plan_sin_poder_guardar(client, ciclo):
    client.force_login(ciclo.integrante)
    assert f'href="{BASE}plan/"' in client.get(BASE).content.decode()
    formulario = client.get(f"{BASE}plan/")
    assert formulario.status_code == 200
    html = formulario.content.decode()
    campos = html[html.index('<form method="post" class="formulario"'):]
    campos = campos[:campos.index("</form>")]
    assert ciclo.plan.nombre in campos and "disabled" in campos
    assert "<button" not in campos and 'type="submit"' not in campos and "Guardar" not in campos


# --- Añadir una acción: vista previa, luego guardar --------------------------------------------


def test_ver_el_efecto_de_una_accion_nueva_no_escribe_y_guardar_la_publica(facilitadora, ciclo):
    c15 = compromiso(ciclo.plan, "1.5")
    url = f"{BASE}compromisos/1.5/acciones/nueva/"
    assert 'value="5"' in facilitadora.get(url).content.decode()  # propone el siguiente número
    historial, version = Accion.history.count(), version_publica()
    datos = datos_accion(numero="5", descripcion="Mesas de trabajo con ladrilleras de León", peso="2", ver_efecto="1")

    vista_previa = facilitadora.post(url, datos)

    assert vista_previa.status_code == 200
    texto = texto_de(vista_previa)
    assert "Con esta acción nueva, el compromiso 1.5 pasa de 36 % a 24 %; el eje 1 de 53 % a 51 %; el global sin cambio (45 %)." in texto
    assert "Todavía no se guardó nada" in texto
    assert Accion.history.count() == historial and version_publica() == version
    assert not c15.acciones.filter(numero=5).exists()

    del datos["ver_efecto"]
    guardada = facilitadora.post(url, datos)

    assert guardada.status_code == 302 and guardada["Location"] == BASE
    nueva = c15.acciones.get(numero=5)
    assert nueva.peso == Decimal("2")
    assert nueva.history.get().history_change_reason == "Acción 1.5.5 creada"
    assert nueva.history.get().history_user == ciclo.facilitadora
    assert "Mesas de trabajo con ladrilleras de León" in texto_de(facilitadora.get(f"/planes/{SLUG}/acciones/1.5.5/"))


def test_cambiar_un_peso_deja_su_motivo_en_el_historial(facilitadora, ciclo):
    a = accion(ciclo.plan, "1.5.3")
    respuesta = facilitadora.post(f"{BASE}acciones/1.5.3/", datos_accion(a, peso="2"))
    assert respuesta.status_code == 302
    a.refresh_from_db()
    assert a.peso == Decimal("2")
    assert a.history.latest().history_change_reason == "Peso de la acción 1.5.3: 1 → 2"


def test_guardar_sin_cambios_no_escribe(facilitadora, ciclo):
    a = accion(ciclo.plan, "1.5.3")
    historial, version = a.history.count(), version_publica()
    assert facilitadora.post(f"{BASE}acciones/1.5.3/", datos_accion(a)).status_code == 302
    assert a.history.count() == historial and version_publica() == version


def test_el_texto_destacado_debe_estar_en_la_descripcion(facilitadora, ciclo):
    a = accion(ciclo.plan, "1.5.3")
    respuesta = facilitadora.post(f"{BASE}acciones/1.5.3/", datos_accion(a, destacado="palabras que no están"))
    assert respuesta.status_code == 400
    assert "El texto destacado debe aparecer tal cual en la descripción." in texto_de(respuesta)


def test_fechas_al_reves_son_un_error_del_campo(facilitadora, ciclo):
    a = accion(ciclo.plan, "1.5.3")
    respuesta = facilitadora.post(f"{BASE}acciones/1.5.3/", datos_accion(a, fecha_inicio="2024-05-01", fecha_fin="2024-01-01"))
    assert respuesta.status_code == 400
    assert "Debe ser igual o posterior a la fecha de inicio." in texto_de(respuesta)


# --- Números repetidos y dos personas a la vez --------------------------------------------------


def test_un_numero_repetido_es_un_error_que_nombra_la_clave(facilitadora, ciclo):
    a = accion(ciclo.plan, "1.5.3")
    respuesta = facilitadora.post(f"{BASE}acciones/1.5.3/", datos_accion(a, numero="2"))
    assert respuesta.status_code == 400
    assert "Ya existe la acción 1.5.2 en este plan" in texto_de(respuesta)
    a.refresh_from_db()
    assert a.numero == 3


def test_en_una_carrera_la_base_responde_y_es_el_mismo_error(facilitadora, ciclo, monkeypatch):
    """Si otra persona tomó el número entre la revisión y el guardado, la restricción de la base
    responde: un error del formulario, nunca un 500."""
    monkeypatch.setattr(estructura, "_exigir_numero_libre", lambda elemento, nivel: None)
    respuesta = facilitadora.post(f"{BASE}compromisos/1.5/acciones/nueva/", datos_accion(numero="1", descripcion="Otra"))
    assert respuesta.status_code == 400
    assert "Ya existe la acción 1.5.1 en este plan" in texto_de(respuesta)
    assert compromiso(ciclo.plan, "1.5").acciones.count() == 4


def test_dos_facilitadoras_a_la_vez_la_segunda_no_pisa_a_la_primera(client, ciclo, django_user_model):
    a = accion(ciclo.plan, "1.5.3")
    abierto_por_ambas = datos_accion(a)  # la misma versión en los dos formularios
    client.force_login(ciclo.facilitadora)
    assert client.post(f"{BASE}acciones/1.5.3/", {**abierto_por_ambas, "entregable": "Informe de la primera"}).status_code == 302

    segunda = client.post(f"{BASE}acciones/1.5.3/", {**abierto_por_ambas, "entregable": "Informe de la segunda"})

    assert segunda.status_code == 400
    assert "Alguien cambió esta acción mientras la editaba" in texto_de(segunda)
    a.refresh_from_db()
    assert a.entregable == "Informe de la primera"


# --- Renumerar: las claves viejas quedan registradas --------------------------------------------


def test_renumerar_un_compromiso_registra_su_clave_y_las_de_sus_acciones(facilitadora, ciclo):
    c15 = compromiso(ciclo.plan, "1.5")
    respuesta = facilitadora.post(f"{BASE}compromisos/1.5/", datos_compromiso(c15, numero="6"))
    assert respuesta.status_code == 302
    c15.refresh_from_db()
    assert c15.clave == "1.6"
    assert c15.history.latest().history_change_reason == "Renumerada: 1.5 → 1.6"
    registradas = {
        (r.nivel, r.clave, r.clave_nueva, r.cambiada_por_id)
        for r in ClaveAnterior.objects.filter(plan=ciclo.plan)
    }
    assert registradas == {
        ("compromiso", "1.5", "1.6", ciclo.facilitadora.pk),
        *{("accion", f"1.5.{n}", f"1.6.{n}", ciclo.facilitadora.pk) for n in (1, 2, 3, 4)},
    }
    assert ClaveAnterior.objects.get(nivel="accion", clave="1.5.3").accion == accion(ciclo.plan, "1.6.3")


def test_renumerar_un_eje_registra_todo_lo_que_cuelga_de_el(facilitadora, ciclo):
    eje = Eje.objects.get(plan=ciclo.plan, numero=7)
    datos = {"numero": "8", "nombre": eje.nombre, "descripcion": eje.descripcion, "peso": "1", "version": estructura.version_de(eje)}
    assert facilitadora.post(f"{BASE}ejes/7/", datos).status_code == 302
    assert sorted(ClaveAnterior.objects.values_list("nivel", "clave", "clave_nueva")) == [
        ("accion", "7.1.1", "8.1.1"), ("accion", "7.1.2", "8.1.2"), ("accion", "7.1.3", "8.1.3"),
        ("compromiso", "7.1", "8.1"), ("eje", "7", "8"),
    ]


def test_volver_a_renumerar_actualiza_las_claves_viejas(ciclo):
    a = accion(ciclo.plan, "1.5.4")
    a = estructura.editar_accion(accion=a, usuario=ciclo.facilitadora, datos={"numero": 7}, version=None)
    a = estructura.editar_accion(accion=a, usuario=ciclo.facilitadora, datos={"numero": 8}, version=None)
    assert sorted(a.claves_anteriores.values_list("clave", "clave_nueva")) == [("1.5.4", "1.5.8"), ("1.5.7", "1.5.8")]
    # Vuelve a su clave de antes: esa ya no es «anterior», es la viva.
    a = estructura.editar_accion(accion=a, usuario=ciclo.facilitadora, datos={"numero": 4}, version=None)
    assert sorted(a.claves_anteriores.values_list("clave", "clave_nueva")) == [("1.5.7", "1.5.4"), ("1.5.8", "1.5.4")]


# --- El compromiso con su ficha y sus enlaces ---------------------------------------------------


def test_la_ficha_del_compromiso_con_ods_y_enlaces_en_un_solo_registro(facilitadora, ciclo):
    c12 = compromiso(ciclo.plan, "1.2")
    meta = MetaODS.objects.get(clave="16.6")
    historial = c12.history.count()
    existentes = [{"id": e.pk, "url": e.url, "titulo": e.titulo, "orden": e.orden} for e in c12.enlaces.all()]
    assert existentes, "el fixture trae enlaces del 1.2"
    quitado = {**existentes[0], "DELETE": "on"}
    datos = datos_compromiso(
        c12, enlaces=[quitado, *existentes[1:]], problema="Desempleo en el estado",
        objetivos_ods=[meta.objetivo_id], metas_ods=[meta.pk],
    )
    datos.update({f"enlaces-{len(existentes)}-url": "datos.guanajuato.gob.mx/empleo", f"enlaces-{len(existentes)}-titulo": "Datos"})

    respuesta = facilitadora.post(f"{BASE}compromisos/1.2/", datos)

    assert respuesta.status_code == 302, texto_de(respuesta)
    c12.refresh_from_db()
    assert c12.problema == "Desempleo en el estado"
    assert list(c12.metas_ods.all()) == [meta] and list(c12.objetivos_ods.all()) == [meta.objetivo]
    assert not EnlaceCompromiso.objects.filter(pk=existentes[0]["id"]).exists()
    assert c12.enlaces.filter(url="https://datos.guanajuato.gob.mx/empleo", titulo="Datos").exists()
    assert c12.history.count() == historial + 1
    motivo = c12.history.latest().history_change_reason
    assert "problema" in motivo and "metas ODS" in motivo and "Cambiaron sus enlaces" in motivo


def test_un_enlace_repetido_es_un_error_junto_al_enlace(facilitadora, ciclo):
    c12 = compromiso(ciclo.plan, "1.2")
    primero = c12.enlaces.first()
    datos = datos_compromiso(c12)
    fila = c12.enlaces.count()
    datos.update({f"enlaces-{fila}-url": primero.url})
    respuesta = facilitadora.post(f"{BASE}compromisos/1.2/", datos)
    assert respuesta.status_code == 400
    assert "Este enlace ya está en la lista." in texto_de(respuesta)


def test_los_ods_se_marcan_sin_javascript_agrupados(facilitadora, ciclo):
    html = facilitadora.get(f"{BASE}compromisos/1.1/").content.decode()
    assert "<legend>ODS 16. " in html
    assert 'type="checkbox" name="metas_ods"' in html
    assert "representante" not in html.lower()  # los representantes tienen su propia página


def test_tras_guardar_la_pagina_publica_del_compromiso_cambia(facilitadora, ciclo):
    publica = f"/planes/{SLUG}/compromisos/3.1/"
    assert "Sentencias en lenguaje ciudadano" not in texto_de(facilitadora.get(publica))  # y queda en caché
    c31 = compromiso(ciclo.plan, "3.1")
    assert facilitadora.post(f"{BASE}compromisos/3.1/", datos_compromiso(c31, nombre="Sentencias en lenguaje ciudadano")).status_code == 302
    assert "Sentencias en lenguaje ciudadano" in texto_de(facilitadora.get(publica))


# --- Borrar solo lo que nunca se publicó --------------------------------------------------------


def test_borrar_lo_publicado_se_rechaza_y_enlaza_al_retiro(facilitadora, ciclo):
    pagina = facilitadora.get(f"{BASE}acciones/1.5.1/borrar/")
    assert pagina.status_code == 200
    assert "Tiene avances reportados" in texto_de(pagina)
    assert f'href="{BASE}acciones/1.5.1/retirar/"' in pagina.content.decode()
    assert facilitadora.post(f"{BASE}acciones/1.5.1/borrar/").status_code == 409
    assert Accion.objects.filter(pk=accion(ciclo.plan, "1.5.1").pk).exists()

    compromiso_publicado = facilitadora.post(f"{BASE}compromisos/1.2/borrar/")
    assert compromiso_publicado.status_code == 409
    assert f'href="{BASE}compromisos/1.2/retirar/"' in compromiso_publicado.content.decode()
    assert facilitadora.post(f"{BASE}ejes/1/borrar/").status_code == 409
    assert Eje.objects.filter(plan=ciclo.plan, numero=1).exists()


def test_un_compromiso_sin_avances_pero_con_cifra_publicada_no_se_borra(ciclo):
    """El 3.3 sin avances ni evidencias sigue teniendo la cifra que publicó el informe."""
    from seguimiento.models import Avance, Evidencia

    c33 = compromiso(ciclo.plan, "3.3")
    Avance.objects.filter(accion__compromiso=c33).delete()
    Evidencia.objects.filter(compromiso=c33).delete()
    assert estructura.motivos_para_no_borrar(c33) == ["Un informe publicó una cifra del compromiso."]
    with pytest.raises(ValidationError):
        estructura.borrar(elemento=c33, usuario=ciclo.facilitadora)
    assert Compromiso.objects.filter(pk=c33.pk).exists()


def test_borrar_lo_que_nunca_se_publico(facilitadora, ciclo):
    estructura.crear_accion(compromiso=compromiso(ciclo.plan, "1.5"), usuario=ciclo.facilitadora, datos={"numero": 5, "descripcion": "Por error"})
    confirmacion = facilitadora.get(f"{BASE}acciones/1.5.5/borrar/")
    assert "Sí, borrar la acción 1.5.5" in texto_de(confirmacion)
    assert facilitadora.post(f"{BASE}acciones/1.5.5/borrar/").status_code == 302
    assert not compromiso(ciclo.plan, "1.5").acciones.filter(numero=5).exists()
    borrada = Accion.history.filter(history_type="-").latest()
    assert borrada.numero == 5 and borrada.history_user == ciclo.facilitadora


# --- La página de la estructura -----------------------------------------------------------------


def test_la_estructura_muestra_claves_pesos_responsables_y_retiros(facilitadora, ciclo):
    a = accion(ciclo.plan, "5.1.4")
    a.retiro, a.retiro_motivo, a.retiro_fecha = "cancelada", "Se canceló", "2024-01-10"
    a.save()
    accion(ciclo.plan, "1.5.3").__class__.objects.filter(pk=accion(ciclo.plan, "1.5.3").pk).update(peso=2)
    texto = texto_de(facilitadora.get(BASE))
    assert "Eje 1. " in texto and "Peso 1 de 7 (entre los ejes del plan)" in texto
    assert "Compromiso 1.5." in texto and "Responsable: OUSANEG" in texto
    assert "1.5.3" in texto and "peso 2 de 5" in texto
    assert "(retirada: cancelada)" in texto
    assert "Añadir un eje" in texto and "Editar el eje 1" in texto


def test_la_integrante_la_ve_sin_enlaces_para_editar(client, ciclo):
    client.force_login(ciclo.integrante)
    html = client.get(BASE).content.decode()
    assert "Compromiso 1.5." in html
    for ruta in ("ejes/nuevo/", "compromisos/1.5/", "acciones/1.5.3/", "borrar/"):
        assert f"{BASE}{ruta}" not in html
    formulario = client.get(f"{BASE}acciones/1.5.3/").content.decode()
    assert "Ver el efecto" not in formulario and "Guardar" not in formulario and "disabled" in formulario


def _consultas_de_la_estructura(client, django_assert_num_queries):
    # sesión, cuenta, plan, membresías de la cuenta, ejes, compromisos (con su institución), acciones
    with django_assert_num_queries(7):
        assert client.get(BASE).status_code == 200


def test_la_estructura_hace_las_mismas_consultas_sea_cual_sea_el_plan(facilitadora, ciclo, django_assert_num_queries):
    _consultas_de_la_estructura(facilitadora, django_assert_num_queries)
    eje = estructura.crear_eje(plan=ciclo.plan, usuario=ciclo.facilitadora, datos={"numero": 8, "nombre": "Nuevo", "peso": Decimal("1")})
    for n in (1, 2):
        c = estructura.crear_compromiso(
            eje=eje, usuario=ciclo.facilitadora,
            datos={"numero": n, "nombre": f"C{n}", "institucion_responsable": ciclo.inst_iacip},
        )
        for m in (1, 2, 3):
            estructura.crear_accion(compromiso=c, usuario=ciclo.facilitadora, datos={"numero": m, "descripcion": "A"})
    _consultas_de_la_estructura(facilitadora, django_assert_num_queries)


def test_el_plan_de_trabajo_enlaza_la_estructura(facilitadora, ciclo):
    assert f'href="{BASE}"' in facilitadora.get(f"/trabajo/{SLUG}/").content.decode()
