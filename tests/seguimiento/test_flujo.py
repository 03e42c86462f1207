"""El ciclo bimestral en sus servicios (seguimiento/flujo.py): estados, bloqueos, conflictos,
periodos y su historial."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from seguimiento import flujo
from seguimiento.models import Avance, Evidencia, Periodo
from seguimiento.rollup import Alcance, calcular_avance
from tests.ayudas import PDF, accion


def datos(porcentaje, **extra):
    return flujo.DatosAvance(porcentaje=Decimal(porcentaje), **extra)


def guardar(
    ciclo, clave, porcentaje, *, usuario=None, version=0, enviar=False, como_stl=False,
    evidencias_nuevas=(), evidencias_quitar=(), **extra,
):
    return flujo.guardar_avance(
        accion=accion(ciclo.plan, clave),
        periodo=ciclo.periodo,
        usuario=usuario or ciclo.iacip,
        datos=datos(porcentaje, **extra),
        version=version,
        enviar=enviar,
        como_stl=como_stl,
        evidencias_nuevas=list(evidencias_nuevas),
        evidencias_quitar=list(evidencias_quitar),
    )


def test_un_borrador_se_guarda_con_quien_y_su_historial(ciclo):
    avance = guardar(ciclo, "4.1.1", "40", narrativa="Se publicó la convocatoria.")
    assert (avance.estado, avance.version, avance.capturado_por) == ("borrador", 1, ciclo.iacip)
    registro = avance.history.latest()
    assert registro.history_user == ciclo.iacip
    assert registro.history_change_reason == "Guardado como borrador."


def test_enviar_bloquea_la_edicion_del_responsable(ciclo):
    avance = guardar(ciclo, "4.1.1", "40", enviar=True)
    assert avance.estado == "enviado" and avance.enviado_por == ciclo.iacip and avance.enviado_en
    with pytest.raises(ValidationError, match="espera la revisión del STL"):
        guardar(ciclo, "4.1.1", "45", version=avance.version)


def test_version_vieja_es_conflicto_y_no_escribe(ciclo):
    primero = guardar(ciclo, "4.1.1", "40", narrativa="Versión de Ana")
    guardar(ciclo, "4.1.1", "41", narrativa="Versión de Beto", version=primero.version)
    with pytest.raises(flujo.Conflicto) as error:
        guardar(ciclo, "4.1.1", "50", narrativa="Versión tardía", version=primero.version)
    assert error.value.actual.narrativa == "Versión de Beto"
    guardado = Avance.objects.get(pk=primero.pk)
    assert (guardado.narrativa, guardado.porcentaje, guardado.version) == ("Versión de Beto", Decimal("41"), 2)


def test_dos_personas_creando_el_mismo_avance_la_segunda_recibe_conflicto(ciclo):
    guardar(ciclo, "4.1.1", "40")
    with pytest.raises(flujo.Conflicto):
        guardar(ciclo, "4.1.1", "50", version=0)
    assert Avance.objects.filter(accion=accion(ciclo.plan, "4.1.1"), periodo=ciclo.periodo).count() == 1


def test_disminuir_el_acumulado_exige_justificacion(ciclo):
    # 4.1.1 tiene 33 % validado en agosto–noviembre 2023.
    with pytest.raises(ValidationError) as error:
        guardar(ciclo, "4.1.1", "20")
    assert "33 % validado en Agosto–noviembre 2023" in error.value.message_dict["justificacion"][0]
    assert not Avance.objects.filter(periodo=ciclo.periodo).exists()
    avance = guardar(ciclo, "4.1.1", "20", justificacion="Se recalculó la meta con el INEGI.")
    assert avance.justificacion == "Se recalculó la meta con el INEGI."


def test_validar_exige_evidencia_si_el_plan_lo_pide(ciclo):
    ciclo.plan.exige_evidencia = True
    ciclo.plan.save()
    with pytest.raises(ValidationError, match="exige al menos una evidencia"):
        guardar(ciclo, "4.1.1", "40", enviar=True)
    acc = accion(ciclo.plan, "4.1.1")
    evidencia = Evidencia(url="https://iacip-gto.org.mx/convocatoria", descripcion="Convocatoria")
    avance = flujo.guardar_avance(
        accion=acc, periodo=ciclo.periodo, usuario=ciclo.iacip, datos=datos("40"), version=0,
        enviar=True, evidencias_nuevas=[evidencia],
    )
    validado = flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)
    assert validado.estado == "validado" and validado.validado_por == ciclo.facilitadora


def test_validar_sin_evidencia_cuando_se_quito_despues_de_enviar(ciclo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acc = accion(ciclo.plan, "4.1.1")
    avance = flujo.guardar_avance(
        accion=acc, periodo=ciclo.periodo, usuario=ciclo.iacip, datos=datos("40"), version=0, enviar=True,
        evidencias_nuevas=[Evidencia(archivo=SimpleUploadedFile("acta.pdf", PDF), descripcion="Acta")],
    )
    assert avance.evidencias.get().nombre_original == "acta.pdf"
    ciclo.plan.exige_evidencia = True
    ciclo.plan.save()
    Evidencia.objects.filter(avance=avance).delete()
    with pytest.raises(ValidationError, match="no tiene ninguna"):
        flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)
    assert Avance.objects.get(pk=avance.pk).estado == "enviado"


def test_solo_se_valida_lo_enviado(ciclo):
    avance = guardar(ciclo, "4.1.1", "40")
    with pytest.raises(ValidationError, match="este está borrador"):
        flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)


def test_devolver_exige_observaciones_avisa_por_correo_y_permite_corregir(ciclo, mailoutbox, django_capture_on_commit_callbacks):
    avance = guardar(ciclo, "7.1.3", "85", enviar=True)
    with pytest.raises(ValidationError):
        flujo.devolver_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version, observaciones="  ")
    with django_capture_on_commit_callbacks(execute=True):
        devuelto = flujo.devolver_avance(
            avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version,
            observaciones="Falta el enlace al mapa de municipios.",
        )
    assert devuelto.estado == "devuelto" and devuelto.devuelto_por == ciclo.facilitadora
    assert len(mailoutbox) == 1
    correo = mailoutbox[0]
    assert correo.to == ["iacip@example.org"]
    assert "Avance devuelto: acción 7.1.3" in correo.subject
    assert "Falta el enlace al mapa de municipios." in correo.body
    assert f"https://testserver/trabajo/pal-2022-2024/periodos/{ciclo.periodo.slug}/acciones/7.1.3/" in correo.body
    # Aun con el periodo cerrado, lo devuelto se corrige y se reenvía.
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    ciclo.periodo.refresh_from_db()
    corregido = guardar(ciclo, "7.1.3", "85", version=devuelto.version, enviar=True)
    assert corregido.estado == "enviado"


def _validado_y_publicado(ciclo, clave, porcentaje, **extra):
    avance = guardar(ciclo, clave, porcentaje, enviar=True, **extra)
    avance = flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    ciclo.periodo.refresh_from_db()
    return avance


def test_devolver_lo_validado_lo_retira_del_calculo_publico(ciclo):
    avance = _validado_y_publicado(ciclo, "6.1.1", "60")
    assert next(a for a in calcular_avance(ciclo.plan).acciones() if a.clave == "6.1.1").avance == Decimal("60")
    flujo.devolver_avance(
        avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version, observaciones="Cifra equivocada",
        motivo_retiro="La cifra no corresponde al acta de la sesión.",
    )
    # Vuelve a contar el 30 % validado y publicado del periodo anterior.
    assert next(a for a in calcular_avance(ciclo.plan).acciones() if a.clave == "6.1.1").avance == Decimal("30")


def test_retirar_lo_publicado_exige_un_motivo_publico_y_sin_el_no_escribe(ciclo):
    avance = _validado_y_publicado(ciclo, "6.1.1", "60")
    with pytest.raises(ValidationError) as error:
        flujo.devolver_avance(
            avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version, observaciones="Cifra equivocada"
        )
    assert "se publica en la historia de la acción 6.1.1" in error.value.message_dict["motivo_retiro"][0]
    guardado = Avance.objects.get(pk=avance.pk)
    assert (guardado.estado, guardado.version, guardado.motivo_retiro) == ("validado", avance.version, "")


def test_la_evidencia_de_lo_publicado_se_conserva_marcada_al_quitarla(ciclo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidencia = Evidencia(archivo=SimpleUploadedFile("acta.pdf", PDF), descripcion="Acta de la sesión")
    avance = _validado_y_publicado(ciclo, "4.1.1", "40", evidencias_nuevas=[evidencia])
    devuelto = flujo.devolver_avance(
        avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version, observaciones="Falta el anexo",
        motivo_retiro="Falta el anexo del acta.",
    )
    archivo = evidencia.archivo.path
    guardar(ciclo, "4.1.1", "40", version=devuelto.version, evidencias_quitar=[evidencia.pk])
    conservada = Evidencia.objects.get(pk=evidencia.pk)
    assert conservada.retirada_en is not None
    assert open(archivo, "rb").read() == PDF
    assert not Evidencia.objects.vigentes().filter(pk=evidencia.pk).exists()


def test_periodo_cerrado_bloquea_borradores_salvo_al_stl(ciclo):
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    ciclo.periodo.refresh_from_db()
    with pytest.raises(ValidationError, match="está cerrado: ya no recibe avances"):
        guardar(ciclo, "4.1.1", "40")
    avance = guardar(ciclo, "4.1.1", "40", usuario=ciclo.facilitadora, como_stl=True)
    assert avance.capturado_por == ciclo.facilitadora


def test_solo_un_periodo_abierto_y_sin_traslapes(ciclo):
    with pytest.raises(ValidationError, match="sigue abierto"):
        flujo.abrir_periodo(
            plan=ciclo.plan, usuario=ciclo.facilitadora, nombre="Febrero–marzo 2024",
            inicio=datetime.date(2024, 2, 1), fin=datetime.date(2024, 3, 31), fecha_limite=datetime.date(2024, 4, 10),
        )
    with pytest.raises(ValidationError) as error:
        flujo.abrir_periodo(
            plan=ciclo.plan, usuario=ciclo.facilitadora, nombre="Traslapado",
            inicio=datetime.date(2024, 1, 15), fin=datetime.date(2024, 3, 1), fecha_limite=datetime.date(2024, 3, 10),
        )
    assert "se traslapan con el periodo Diciembre 2023–enero 2024" in error.value.message_dict["inicio"][0]
    # La base de datos lo impide aunque se salte el servicio.
    with pytest.raises(IntegrityError), transaction.atomic():
        Periodo.objects.create(
            plan=ciclo.plan, nombre="Otro", slug="otro", inicio=datetime.date(2025, 1, 1),
            fin=datetime.date(2025, 2, 1), fecha_limite=datetime.date(2025, 2, 5), estado="abierto",
        )


def test_prorroga_con_motivo_queda_en_el_historial(ciclo):
    with pytest.raises(ValidationError) as error:
        flujo.prorrogar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora, fecha_limite=datetime.date(2024, 2, 5), motivo="")
    assert set(error.value.message_dict) == {"motivo", "fecha_limite"}
    flujo.prorrogar_periodo(
        periodo=ciclo.periodo, usuario=ciclo.facilitadora, fecha_limite=datetime.date(2024, 3, 10),
        motivo="Contingencia: acuerdo de la sesión del STL",
    )
    periodo = Periodo.objects.get(pk=ciclo.periodo.pk)
    assert periodo.fecha_limite == datetime.date(2024, 3, 10)
    registro = periodo.history.latest()
    assert registro.history_user == ciclo.facilitadora
    assert registro.history_change_reason == (
        "Prórroga del 10/02/2024 al 10/03/2024: Contingencia: acuerdo de la sesión del STL"
    )


def test_reabrir_exige_motivo_y_fecha_futura(ciclo):
    flujo.cerrar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    with pytest.raises(ValidationError) as error:
        flujo.reabrir_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora, fecha_limite=datetime.date(2020, 1, 1), motivo="")
    assert set(error.value.message_dict) == {"motivo", "fecha_limite"}
    manana = datetime.date.today() + datetime.timedelta(days=1)
    flujo.reabrir_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora, fecha_limite=manana, motivo="Faltó el TEEG")
    periodo = Periodo.objects.get(pk=ciclo.periodo.pk)
    assert periodo.estado == "abierto" and periodo.fecha_limite == manana
    assert periodo.history.latest().history_change_reason.endswith("Faltó el TEEG")


def test_publicar_en_un_paso_solo_publica_lo_validado(ciclo):
    validado = guardar(ciclo, "3.1.1", "80", usuario=ciclo.judicial, enviar=True)
    flujo.validar_avance(avance_id=validado.pk, usuario=ciclo.facilitadora, version=validado.version)
    guardar(ciclo, "3.1.2", "90", usuario=ciclo.judicial, enviar=True)  # enviado, sin validar
    antes = {a.clave: a.avance for a in calcular_avance(ciclo.plan).acciones()}
    flujo.publicar_periodo(periodo=ciclo.periodo, usuario=ciclo.facilitadora)
    periodo = Periodo.objects.get(pk=ciclo.periodo.pk)
    assert periodo.estado == "publicado" and periodo.fecha_publicacion is not None
    despues = {a.clave: a.avance for a in calcular_avance(ciclo.plan).acciones()}
    assert (antes["3.1.1"], despues["3.1.1"]) == (Decimal("34"), Decimal("80"))
    assert despues["3.1.2"] == Decimal("34")  # el enviado no cuenta
    with pytest.raises(ValidationError, match="está publicado"):
        flujo.publicar_periodo(periodo=periodo, usuario=ciclo.facilitadora)


def test_el_calculo_interno_ve_lo_validado_antes_de_publicar(ciclo):
    avance = guardar(ciclo, "3.1.1", "80", usuario=ciclo.judicial, enviar=True)
    flujo.validar_avance(avance_id=avance.pk, usuario=ciclo.facilitadora, version=avance.version)
    interno = {a.clave: a.avance for a in calcular_avance(ciclo.plan, alcance=Alcance.INTERNO).acciones()}
    publico = {a.clave: a.avance for a in calcular_avance(ciclo.plan).acciones()}
    assert (interno["3.1.1"], publico["3.1.1"]) == (Decimal("80"), Decimal("34"))


def test_un_devuelto_sin_observaciones_no_entra_en_la_base(ciclo):
    avance = guardar(ciclo, "4.1.1", "40")
    with pytest.raises(IntegrityError), transaction.atomic():
        Avance.objects.filter(pk=avance.pk).update(estado="devuelto", observaciones="")
