"""Las páginas de las tareas en el trabajo del STL: progreso con recarga sin JavaScript, resultado,
motivo de una fallida y «Reintentar» para quien puede; un segundo «Publicar» no pide otra tarea."""

from __future__ import annotations

from django.contrib.messages import get_messages

from tareas import servicios
from tareas.models import Tarea
from tests.ayudas import al_confirmarse, texto_de

RECARGA = '<meta http-equiv="refresh" content="3">'


def _url(plan, tarea=None):
    return f"/trabajo/{plan.slug}/tareas/" + (f"{tarea.pk}/" if tarea else "")


def _publicacion(borrador, usuario) -> Tarea:
    """Pedida, aún sin entregar (la transacción de la prueba no se confirma)."""
    return servicios.encolar(
        tipo="informes.publicar", descripcion=f"Publicar y congelar el {borrador}",
        argumentos={"informe_id": borrador.pk, "usuario_id": usuario.pk}, plan=borrador.plan, usuario=usuario,
        clave=f"informes.publicar:{borrador.pk}",
    )


def test_una_tarea_activa_muestra_su_paso_y_se_recarga_hasta_terminar(client, ciclo, borrador):
    tarea = _publicacion(borrador, ciclo.facilitadora)
    servicios.avanzar(tarea, 35, "Generando el PDF")
    client.force_login(ciclo.facilitadora)
    pagina = client.get(_url(ciclo.plan, tarea))
    html = pagina.content.decode()
    assert RECARGA in html
    assert '<progress id="progreso-tarea" class="progreso-tarea" max="100" value="35">' in html
    assert "Generando el PDF: 35 %" in texto_de(pagina)
    # Quien no quiere la recarga la apaga (WCAG 2.2.1).
    assert RECARGA not in client.get(_url(ciclo.plan, tarea) + "?quieta=1").content.decode()
    assert RECARGA in client.get(_url(ciclo.plan)).content.decode()
    # El informe dice que su publicación está en marcha, sin el botón.
    informe = client.get(f"/trabajo/{ciclo.plan.slug}/informes/{borrador.pk}/")
    assert "La publicación de este informe está en espera (35 %)" in texto_de(informe)
    assert "Publicar y congelar</button>" not in informe.content.decode()

    servicios.ejecutar(tarea.pk)
    terminada = client.get(_url(ciclo.plan, tarea))
    assert RECARGA not in terminada.content.decode()
    assert "publicado y congelado" in texto_de(terminada)
    assert f'href="/trabajo/{ciclo.plan.slug}/informes/{borrador.pk}/"' in terminada.content.decode()
    lista = texto_de(client.get(_url(ciclo.plan)))
    assert "Publicar y congelar el Segundo Informe Parcial" in lista and "Terminada" in lista and "Facilitadora" in lista


def test_un_segundo_publicar_lleva_a_la_tarea_en_marcha(client, ciclo, borrador):
    client.force_login(ciclo.facilitadora)
    publicar = f"/trabajo/{ciclo.plan.slug}/informes/{borrador.pk}/publicar/"
    primera = client.post(publicar)  # sin confirmarse: la tarea sigue en espera
    segunda = client.post(publicar)
    tarea = Tarea.objects.get()
    assert primera["Location"] == segunda["Location"] == _url(ciclo.plan, tarea)
    assert [str(m) for m in get_messages(segunda.wsgi_request)][-1].startswith("Este trabajo ya está en marcha")


def test_publicar_sin_sus_periodos_no_pide_la_tarea(client, ciclo):
    from seguimiento.models import Informe

    informe = Informe.objects.create(
        plan=ciclo.plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=ciclo.periodo,
        periodo_final=ciclo.periodo,
    )
    client.force_login(ciclo.facilitadora)
    respuesta = client.post(f"/trabajo/{ciclo.plan.slug}/informes/{informe.pk}/publicar/", follow=True)
    assert "Antes de publicar el informe publique los periodos que cubre" in texto_de(respuesta)
    assert not Tarea.objects.exists()


def test_una_fallida_dice_por_que_y_solo_quien_puede_la_reintenta(client, ciclo):
    with al_confirmarse():
        tarea = servicios.encolar(
            tipo="informes.publicar", descripcion="Publicar y congelar el Segundo Informe Parcial",
            argumentos={"informe_id": 999999}, plan=ciclo.plan, usuario=ciclo.facilitadora,
            origen=f"/trabajo/{ciclo.plan.slug}/informes/",
        )
    motivo = "El informe ya no existe (se borró el borrador): no hay nada que publicar."
    client.force_login(ciclo.integrante)
    pagina = client.get(_url(ciclo.plan, tarea))
    assert motivo in texto_de(pagina) and "Reintentar" not in texto_de(pagina)
    assert f'href="/trabajo/{ciclo.plan.slug}/informes/"' in pagina.content.decode()
    assert client.post(_url(ciclo.plan, tarea) + "reintentar/").status_code == 403

    client.force_login(ciclo.facilitadora)
    assert "Reintentar" in texto_de(client.get(_url(ciclo.plan, tarea)))
    with al_confirmarse():
        respuesta = client.post(_url(ciclo.plan, tarea) + "reintentar/")
    assert respuesta["Location"] == _url(ciclo.plan, tarea)
    tarea.refresh_from_db()
    assert (tarea.estado, tarea.intentos, tarea.error) == ("fallida", 2, motivo)


def test_el_responsable_ve_solo_las_tareas_que_pidio(client, ciclo, borrador):
    propia = servicios.encolar(
        tipo="excel.confirmar", descripcion="Carga de Excel «captura.xlsx»", argumentos={}, plan=ciclo.plan,
        usuario=ciclo.iacip,
    )
    ajena = _publicacion(borrador, ciclo.facilitadora)
    client.force_login(ciclo.iacip)
    assert client.get(_url(ciclo.plan, propia)).status_code == 200
    assert client.get(_url(ciclo.plan, ajena)).status_code == 404
    assert client.get(_url(ciclo.plan)).status_code == 403
