"""``manage.py enviar_recordatorios``: a quién, cuándo y cuántas veces se recuerda."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from plan.models import Accion, Compromiso, Eje, Institucion, Membresia
from seguimiento.models import Avance, Periodo, Recordatorio
from tests.fabricas import crear_institucion, crear_periodo, crear_plan

pytestmark = pytest.mark.django_db

LIMITE = datetime.date(2024, 1, 20)


def _dia(delta: int) -> str:
    """La fecha ``delta`` días después de la fecha límite, como la recibe ``--fecha``."""
    return (LIMITE + datetime.timedelta(days=delta)).isoformat()


def _recordatorios(*args):
    salida = StringIO()
    call_command("enviar_recordatorios", *args, stdout=salida)
    return salida.getvalue()


@pytest.fixture(autouse=True)
def _configuracion(settings):
    settings.RECORDATORIO_DIAS_ANTES = 3
    settings.SITIO_URL = "https://portal.example.org"


def _usuario(django_user_model, username, *, email=None, activo=True):
    return django_user_model.objects.create_user(
        username,
        f"{username}@example.org" if email is None else email,
        "clave-segura-123",
        is_active=activo,
    )


def _responsable(usuario, plan, institucion):
    return Membresia.objects.create(
        usuario=usuario, plan=plan, rol=Membresia.Rol.RESPONSABLE, institucion=institucion
    )


def _avance(accion, periodo, estado, **campos):
    if estado == Avance.Estado.DEVUELTO:
        campos.setdefault("observaciones", "Falta la evidencia.")
    return Avance.objects.create(
        accion=accion, periodo=periodo, porcentaje=Decimal("50"), estado=estado, **campos
    )


@pytest.fixture
def escenario(django_user_model):
    """Un plan con un periodo abierto que vence el 20 de enero de 2024.

    Acciones: 1.1.1 y 1.1.2 de la institución A, 1.2.1 de B, 1.3.1 de C.
    Ana es responsable de A y de B; Beto, de C.
    """
    plan = crear_plan(slug="plan-recordatorios", nombre_corto="PAL de prueba")
    a = crear_institucion(siglas="IA")
    b = crear_institucion(siglas="IB")
    c = crear_institucion(siglas="IC")
    eje = Eje.objects.create(plan=plan, numero=1, nombre="Eje 1")
    acciones = {}
    for numero, (institucion, cuantas) in enumerate([(a, 2), (b, 1), (c, 1)], start=1):
        compromiso = Compromiso.objects.create(
            eje=eje, numero=numero, nombre=f"Compromiso 1.{numero}", institucion_responsable=institucion
        )
        for n in range(1, cuantas + 1):
            accion = Accion.objects.create(
                compromiso=compromiso, numero=n, descripcion=f"Descripción de la acción 1.{numero}.{n}"
            )
            acciones[accion.clave] = accion
    periodo = crear_periodo(
        plan,
        datetime.date(2023, 12, 1),
        estado=Periodo.Estado.ABIERTO,
        fecha_limite=LIMITE,
        nombre="Diciembre 2023–enero 2024",
        slug="diciembre-2023-enero-2024",
    )
    ana = _usuario(django_user_model, "ana")
    beto = _usuario(django_user_model, "beto")
    _responsable(ana, plan, a)
    _responsable(ana, plan, b)
    _responsable(beto, plan, c)
    return {"plan": plan, "periodo": periodo, "acciones": acciones, "ana": ana, "beto": beto, "a": a}


def _correo_de(mailoutbox, usuario):
    correos = [m for m in mailoutbox if m.to == [usuario.email]]
    assert len(correos) == 1, [m.to for m in mailoutbox]
    return correos[0]


# --- Cuándo se avisa ------------------------------------------------------------------------


def test_proximo_se_envia_n_dias_antes_y_queda_registrado(escenario, mailoutbox):
    salida = _recordatorios("--fecha", _dia(-3))

    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "beto@example.org"]
    correo = _correo_de(mailoutbox, escenario["ana"])
    assert correo.subject == (
        "Recordatorio: faltan 3 días para enviar los avances de Diciembre 2023–enero 2024"
    )
    registro = Recordatorio.objects.get(usuario=escenario["ana"])
    assert (registro.tipo, registro.fecha, registro.fecha_limite, registro.pendientes, registro.correo) == (
        Recordatorio.Tipo.PROXIMO,
        LIMITE - datetime.timedelta(days=3),
        LIMITE,
        "1.1.1,1.1.2,1.2.1",
        "ana@example.org",
    )
    assert Recordatorio.objects.get(usuario=escenario["beto"]).pendientes == "1.3.1"
    assert "Enviado a ana <ana@example.org>" in salida
    assert "2 recordatorios enviados, 0 omitidos (ya avisados, sin cambios)" in salida


def test_el_dia_de_la_fecha_limite_todavia_es_proximo(escenario, mailoutbox):
    _recordatorios("--fecha", _dia(0))
    assert _correo_de(mailoutbox, escenario["ana"]).subject == (
        "Recordatorio: hoy vence el plazo para enviar los avances de Diciembre 2023–enero 2024"
    )


def test_antes_de_los_dias_de_aviso_no_se_envia_nada(escenario, mailoutbox):
    salida = _recordatorios("--fecha", _dia(-4))
    assert mailoutbox == []
    assert not Recordatorio.objects.exists()
    assert "faltan 4 días; todavía no toca recordar" in salida
    assert "0 recordatorios enviados" in salida


def test_los_dias_de_aviso_salen_de_la_configuracion(escenario, mailoutbox, settings):
    settings.RECORDATORIO_DIAS_ANTES = 5
    _recordatorios("--fecha", _dia(-5))
    assert len(mailoutbox) == 2
    assert "faltan 5 días" in mailoutbox[0].subject


def test_vencido_despues_de_la_fecha_limite(escenario, mailoutbox):
    _recordatorios("--fecha", _dia(1))
    correo = _correo_de(mailoutbox, escenario["ana"])
    assert correo.subject == "Fecha límite vencida: avances pendientes de Diciembre 2023–enero 2024"
    assert "venció el 20 de enero de 2024 (hace 1 día)" in correo.body
    assert Recordatorio.objects.get(usuario=escenario["ana"]).tipo == Recordatorio.Tipo.VENCIDO


# --- Qué dice y a quién ---------------------------------------------------------------------


def test_un_correo_por_cuenta_con_las_pendientes_de_todas_sus_instituciones(escenario, mailoutbox):
    _recordatorios("--fecha", _dia(-1))
    cuerpo = _correo_de(mailoutbox, escenario["ana"]).body
    for clave in ("1.1.1", "1.1.2", "1.2.1"):
        assert f"- {clave}: Descripción de la acción {clave}" in cuerpo
    assert "1.3.1" not in cuerpo  # de la institución de Beto
    assert "IA\n" in cuerpo and "IB\n" in cuerpo  # agrupadas por institución
    assert "Mañana, 20 de enero de 2024, vence" in cuerpo
    assert "https://portal.example.org/trabajo/plan-recordatorios/" in cuerpo
    assert "1.3.1" in _correo_de(mailoutbox, escenario["beto"]).body


def test_solo_borradores_devueltos_y_sin_avance_son_pendientes(escenario, mailoutbox):
    acciones, periodo = escenario["acciones"], escenario["periodo"]
    _avance(acciones["1.1.1"], periodo, Avance.Estado.ENVIADO)
    _avance(acciones["1.1.2"], periodo, Avance.Estado.VALIDADO)
    _avance(acciones["1.2.1"], periodo, Avance.Estado.DEVUELTO)
    _avance(acciones["1.3.1"], periodo, Avance.Estado.BORRADOR)
    # Un avance validado de otro periodo no cuenta para este.
    anterior = crear_periodo(escenario["plan"], datetime.date(2023, 8, 1), fecha_limite=datetime.date(2023, 10, 5))
    _avance(acciones["1.2.1"], anterior, Avance.Estado.VALIDADO)

    _recordatorios("--fecha", _dia(-2))

    assert Recordatorio.objects.get(usuario=escenario["ana"]).pendientes == "1.2.1"
    cuerpo = _correo_de(mailoutbox, escenario["ana"]).body
    assert "1.2.1" in cuerpo and "1.1.1" not in cuerpo and "1.1.2" not in cuerpo
    assert "Falta enviar el avance de 1 acción" in cuerpo
    assert Recordatorio.objects.get(usuario=escenario["beto"]).pendientes == "1.3.1"


def test_sin_pendientes_no_hay_correo(escenario, mailoutbox):
    _avance(escenario["acciones"]["1.3.1"], escenario["periodo"], Avance.Estado.ENVIADO)
    salida = _recordatorios("--fecha", _dia(-2))
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    assert not Recordatorio.objects.filter(usuario=escenario["beto"]).exists()
    assert "1 cuenta sin pendientes" in salida


def test_solo_responsables_activos_con_correo(escenario, mailoutbox, django_user_model):
    plan, a = escenario["plan"], escenario["a"]
    _responsable(_usuario(django_user_model, "sin-correo", email=""), plan, a)
    _responsable(_usuario(django_user_model, "inactiva", activo=False), plan, a)
    integrante = _usuario(django_user_model, "integrante")
    Membresia.objects.create(usuario=integrante, plan=plan, rol=Membresia.Rol.INTEGRANTE)
    facilitadora = _usuario(django_user_model, "facilitadora")
    Membresia.objects.create(usuario=facilitadora, plan=plan, rol=Membresia.Rol.FACILITADOR)
    # Responsable de la misma institución, pero en otro plan.
    _responsable(_usuario(django_user_model, "otro-plan"), crear_plan(), a)

    _recordatorios("--fecha", _dia(2))

    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "beto@example.org"]
    assert set(Recordatorio.objects.values_list("usuario__username", flat=True)) == {"ana", "beto"}


@pytest.mark.parametrize(
    "estado", [Periodo.Estado.PROGRAMADO, Periodo.Estado.CERRADO, Periodo.Estado.PUBLICADO]
)
def test_periodos_que_no_estan_abiertos_se_ignoran(escenario, mailoutbox, estado):
    Periodo.objects.filter(pk=escenario["periodo"].pk).update(estado=estado)
    salida = _recordatorios("--fecha", _dia(1))
    assert mailoutbox == []
    assert not Recordatorio.objects.exists()
    assert "No hay periodos abiertos con fecha límite" in salida


# --- Una vez por cambio de estado, nunca dos el mismo día ------------------------------------


def test_no_se_envia_otro_el_mismo_dia_aunque_cambie_el_estado(escenario, mailoutbox):
    _recordatorios("--fecha", _dia(-3))
    assert len(mailoutbox) == 2
    _avance(escenario["acciones"]["1.1.1"], escenario["periodo"], Avance.Estado.ENVIADO)

    salida = _recordatorios("--fecha", _dia(-3))

    assert len(mailoutbox) == 2
    assert Recordatorio.objects.count() == 2
    assert "Omitido ana <ana@example.org>: ya recibió hoy un recordatorio" in salida
    assert "0 recordatorios enviados, 0 omitidos (ya avisados, sin cambios), 2 omitidos (ya recibieron uno hoy)" in salida


def test_otro_dia_solo_si_cambio_el_estado(escenario, mailoutbox):
    ana, periodo = escenario["ana"], escenario["periodo"]
    _recordatorios("--fecha", _dia(-3))
    assert len(mailoutbox) == 2

    # Al día siguiente nada cambió: no se repite.
    salida = _recordatorios("--fecha", _dia(-2))
    assert len(mailoutbox) == 2
    assert f"ya se le avisó el {_dia(-3)} y nada cambió" in salida
    assert "2 omitidos (ya avisados, sin cambios)" in salida

    # Ana envía una acción: nuevo aviso solo a ella, con las que le quedan.
    _avance(escenario["acciones"]["1.1.2"], periodo, Avance.Estado.ENVIADO)
    _recordatorios("--fecha", _dia(-1))
    assert [m.to for m in mailoutbox[2:]] == [["ana@example.org"]]
    assert Recordatorio.objects.filter(usuario=ana).latest("fecha").pendientes == "1.1.1,1.2.1"

    # Prórroga: la fecha límite cambia y vuelve a avisarse a los dos.
    periodo.fecha_limite = LIMITE + datetime.timedelta(days=2)
    periodo.save()
    _recordatorios("--fecha", _dia(0))
    assert len(mailoutbox) == 5
    assert "faltan 2 días" in mailoutbox[-1].subject
    assert Recordatorio.objects.filter(usuario=ana).latest("fecha").fecha_limite == periodo.fecha_limite

    # Vence la prórroga: el tipo cambia a «vencido» y se avisa otra vez; después, ya no.
    _recordatorios("--fecha", _dia(3))
    assert len(mailoutbox) == 7
    assert all(m.subject.startswith("Fecha límite vencida") for m in mailoutbox[5:])
    _recordatorios("--fecha", _dia(4))
    _recordatorios("--fecha", _dia(10))
    assert len(mailoutbox) == 7
    assert Recordatorio.objects.filter(usuario=ana).count() == 4


def test_un_avance_devuelto_vuelve_a_ser_pendiente(escenario, mailoutbox):
    avance = _avance(escenario["acciones"]["1.3.1"], escenario["periodo"], Avance.Estado.ENVIADO)
    _recordatorios("--fecha", _dia(1))
    assert not Recordatorio.objects.filter(usuario=escenario["beto"]).exists()
    avance.estado, avance.observaciones = Avance.Estado.DEVUELTO, "Corrija el porcentaje."
    avance.save()
    _recordatorios("--fecha", _dia(2))
    assert Recordatorio.objects.get(usuario=escenario["beto"]).pendientes == "1.3.1"


# --- Opciones y errores ---------------------------------------------------------------------


def test_simular_no_envia_ni_registra(escenario, mailoutbox):
    salida = _recordatorios("--fecha", _dia(-3), "--simular")
    assert mailoutbox == []
    assert not Recordatorio.objects.exists()
    assert "Simulación: no se envía ni se registra ningún correo." in salida
    assert "Se enviaría a ana <ana@example.org>: Fecha límite próxima" in salida
    assert "2 recordatorios se enviarían" in salida
    # Y no cuenta como aviso: la ejecución real del mismo día sí envía.
    _recordatorios("--fecha", _dia(-3))
    assert len(mailoutbox) == 2


def test_plan_filtra(escenario, mailoutbox, django_user_model):
    otro = crear_plan(slug="otro-plan")
    institucion = crear_institucion(siglas="OTRA")
    eje = Eje.objects.create(plan=otro, numero=1, nombre="Eje")
    compromiso = Compromiso.objects.create(eje=eje, numero=1, nombre="C", institucion_responsable=institucion)
    Accion.objects.create(compromiso=compromiso, numero=1, descripcion="Acción del otro plan")
    crear_periodo(otro, datetime.date(2023, 12, 1), estado=Periodo.Estado.ABIERTO, fecha_limite=LIMITE)
    _responsable(_usuario(django_user_model, "carla"), otro, institucion)

    _recordatorios("--fecha", _dia(1), "--plan", "otro-plan")
    assert [m.to for m in mailoutbox] == [["carla@example.org"]]
    assert "/trabajo/otro-plan/" in mailoutbox[0].body

    _recordatorios("--fecha", _dia(1))  # sin --plan: todos los planes
    assert sorted(m.to[0] for m in mailoutbox[1:]) == ["ana@example.org", "beto@example.org"]


def test_plan_desconocido(escenario):
    with pytest.raises(CommandError, match=r"No existe el plan «nada»\. Planes disponibles: .*plan-recordatorios"):
        _recordatorios("--plan", "nada")


@pytest.mark.parametrize("fecha", ["2024-13-01", "20/01/2024", "mañana", "20240120"])
def test_fecha_no_valida(fecha):
    with pytest.raises(CommandError, match=r"no es válida: use el formato AAAA-MM-DD"):
        _recordatorios("--fecha", fecha)


def test_sin_fecha_usa_hoy(escenario, mailoutbox, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LIMITE + datetime.timedelta(days=1))
    _recordatorios()
    assert len(mailoutbox) == 2
    assert set(Recordatorio.objects.values_list("fecha", flat=True)) == {LIMITE + datetime.timedelta(days=1)}


def test_un_envio_fallido_no_se_registra_ni_detiene_a_los_demas(escenario, mailoutbox, monkeypatch):
    from seguimiento import recordatorios

    enviar_de_verdad = recordatorios.send_mail

    def send_mail(asunto, cuerpo, remitente, destinatarios, **kwargs):
        if destinatarios == ["ana@example.org"]:
            raise ConnectionRefusedError("servidor SMTP caído")
        return enviar_de_verdad(asunto, cuerpo, remitente, destinatarios, **kwargs)

    monkeypatch.setattr(recordatorios, "send_mail", send_mail)
    salida = StringIO()
    with pytest.raises(CommandError, match=r"No se pudo enviar 1 recordatorio: ana@example.org \(servidor SMTP caído\)"):
        call_command("enviar_recordatorios", "--fecha", _dia(1), stdout=salida)

    assert "Error al enviar a ana <ana@example.org>" in salida.getvalue()
    assert "1 recordatorio enviado" in salida.getvalue() and "1 error." in salida.getvalue()
    assert [m.to for m in mailoutbox] == [["beto@example.org"]]
    assert list(Recordatorio.objects.values_list("usuario__username", flat=True)) == ["beto"]

    # Al reintentar (el mismo día), Ana sí recibe el suyo y Beto no otro.
    monkeypatch.setattr(recordatorios, "send_mail", enviar_de_verdad)
    _recordatorios("--fecha", _dia(1))
    assert [m.to for m in mailoutbox] == [["beto@example.org"], ["ana@example.org"]]


# --- Consultas ------------------------------------------------------------------------------


def test_numero_fijo_de_consultas(escenario, mailoutbox, django_user_model, django_assert_num_queries):
    # Más cuentas, instituciones y acciones no agregan consultas de lectura.
    plan, periodo = escenario["plan"], escenario["periodo"]
    eje = Eje.objects.create(plan=plan, numero=2, nombre="Eje 2")
    for n in range(1, 6):
        institucion = crear_institucion()
        compromiso = Compromiso.objects.create(eje=eje, numero=n, nombre=f"C 2.{n}", institucion_responsable=institucion)
        for m in range(1, 5):
            accion = Accion.objects.create(compromiso=compromiso, numero=m, descripcion="Acción")
            if m == 1:
                _avance(accion, periodo, Avance.Estado.VALIDADO)
        for k in range(2):
            _responsable(_usuario(django_user_model, f"r{n}-{k}"), plan, institucion)
    Recordatorio.objects.create(
        periodo=periodo, usuario=escenario["ana"], tipo="proximo", fecha=LIMITE - datetime.timedelta(days=5),
        fecha_limite=LIMITE, pendientes="1.1.1", correo="ana@example.org",
    )
    assert Institucion.objects.count() >= 8

    # 1 SAVEPOINT (la transacción del comando, anidada en la de la prueba)
    # 2 periodos abiertos con su plan
    # 3 membresías de responsables con su cuenta
    # 4 acciones de sus instituciones con eje, compromiso e institución
    # 5 avances enviados o validados de los periodos
    # 6 recordatorios anteriores de los periodos
    # 7 RELEASE SAVEPOINT
    with django_assert_num_queries(7):
        _recordatorios("--fecha", _dia(-1), "--simular")

    # Al enviar, cada correo agrega su registro: SAVEPOINT, INSERT y RELEASE SAVEPOINT.
    with django_assert_num_queries(7 + 3 * 12):
        _recordatorios("--fecha", _dia(-1))
    assert len(mailoutbox) == 12 == Recordatorio.objects.filter(fecha=LIMITE - datetime.timedelta(days=1)).count()


# --- Con el plan real -----------------------------------------------------------------------


def test_con_el_plan_real(pal, mailoutbox, django_user_model):
    periodo = crear_periodo(
        pal, datetime.date(2023, 12, 1), estado=Periodo.Estado.ABIERTO, fecha_limite=LIMITE,
        nombre="Diciembre 2023–enero 2024", slug="diciembre-2023-enero-2024",
    )
    iacip = Institucion.objects.get(siglas="IACIP")
    ug = Institucion.objects.get(siglas="UG")
    enlace = _usuario(django_user_model, "enlace")
    _responsable(enlace, pal, iacip)
    _responsable(enlace, pal, ug)
    esperadas = sorted(
        (a for a in Accion.objects.del_plan(pal) if a.compromiso.institucion_responsable in (iacip, ug)),
        key=lambda a: (a.compromiso.eje.numero, a.compromiso.numero, a.numero),
    )
    assert len(esperadas) >= 2
    _avance(esperadas[0], periodo, Avance.Estado.ENVIADO)

    _recordatorios("--fecha", _dia(-3), "--plan", "pal-2022-2024")

    correo = _correo_de(mailoutbox, enlace)
    assert Recordatorio.objects.get().pendientes == ",".join(a.clave for a in esperadas[1:])
    assert f"- {esperadas[0].clave}:" not in correo.body
    for accion in esperadas[1:]:
        assert f"- {accion.clave}: " in correo.body
    assert "https://portal.example.org/trabajo/pal-2022-2024/" in correo.body


def test_dos_programadores_a_la_vez_no_duplican_los_recordatorios(escenario, mailoutbox, monkeypatch):
    """``celery beat`` (o cron) corriendo dos veces el mismo día, p. ej. dos programadores por error:
    la tarea ``tareas.comando`` corre el mismo comando y el registro de un recordatorio por cuenta,
    periodo y día (restricción de la base) deja la segunda vuelta sin nada que enviar."""
    from django.utils import timezone

    from tareas.tasks import comando

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LIMITE - datetime.timedelta(days=3))
    comando.delay("enviar_recordatorios")
    comando.delay("enviar_recordatorios")
    assert len(mailoutbox) == 2
    assert Recordatorio.objects.count() == 2


def test_el_programador_solo_corre_los_comandos_programados():
    from tareas.tasks import comando

    with pytest.raises(ValueError, match="no es un comando programable"):
        comando("flush")
