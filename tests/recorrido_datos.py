"""Los datos del recorrido de todo el sitio (``tests/test_recorrido.py``).

La base como la deja ``manage.py preparar`` (el PAL 2022-2024 real con su periodo publicado
agosto–noviembre 2023 y su 1er Informe Parcial congelado, y el PAL 2019-2021), las cuentas de
``manage.py crear_usuarios_demo`` y, encima, dos bimestres nuevos trabajados con los servicios
del ciclo (``seguimiento.flujo``), con avances en cada estado:

* **Diciembre 2023–enero 2024**, publicado: avances validados (uno con narrativa, etapa y nota
  que parecen fórmulas, un archivo PDF y un enlace de evidencia), uno validado y después
  retirado del portal con su motivo público, uno devuelto, uno enviado y un borrador; y
  evidencias de todo el compromiso 7.1 (un archivo y un enlace con una descripción que parece
  fórmula, validados; uno devuelto).
* **Febrero–marzo 2024**, abierto: un borrador, un enviado, un devuelto y un validado (aún sin
  publicar), con archivos y enlaces de evidencia privados, y acciones sin enviar; una evidencia
  del compromiso 4.1 enviada (privada).

Una parte la capturó, envió, validó o devolvió una cuenta que después se eliminó
(``user.delete()``): las páginas deben decir «una cuenta eliminada», nunca «None» ni una
variable sin resolver. El *Segundo Informe Parcial* (del bimestre publicado) se publica y se
congela con los textos que parecen fórmulas; el tercero queda en borrador.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from plan.management.commands.crear_usuarios_demo import cuentas_del_plan
from plan.models import Institucion, Membresia, Plan
from seguimiento import evidencias as evidencias_de_compromisos
from seguimiento import flujo
from tareas import servicios as tareas
from tareas.models import Tarea
from seguimiento.models import Avance, Evidencia, Informe, Periodo, Recordatorio
from suscripciones import enlaces
from suscripciones import servicios as servicios_de_suscripcion
from suscripciones.models import Suscripcion
from tests.ayudas import CLAVE, PDF, abrir_diciembre_2023, accion

#: Textos de avance que una hoja de cálculo leería como fórmula (guía de OWASP). Cada uno entra
#: a un avance publicado: la página lo muestra tal cual y los datos abiertos, neutralizado.
NARRATIVA_FORMULA = '=HYPERLINK("http://x","clic")'
ETAPA_FORMULA = "+1+1 en implementación"
NOTA_FORMULA = "-2+3 municipios sin reporte"
NARRATIVA_ARROBA = "@SUM(A1) sesiones con el comité"
ETAPA_ARROBA = "@En etapa de diseño"
MOTIVO_RETIRO_FORMULA = '=HYPERLINK("http://retiro","ver")'
OBSERVACIONES_FORMULA = "=Falta el enlace al mapa de municipios"
#: Los textos con fórmula de avances **publicados**: deben llegar a /datos/ neutralizados.
FORMULAS_PUBLICADAS = (NARRATIVA_FORMULA, ETAPA_FORMULA, NOTA_FORMULA, NARRATIVA_ARROBA, ETAPA_ARROBA)
#: La descripción de una evidencia de todo un compromiso, publicada: a evidencias.csv, neutralizada.
DESCRIPCION_FORMULA = '=HYPERLINK("http://evidencia","mapa")'
#: El motivo con que el STL canceló la acción 6.1.2: llega a arbol.csv y al libro neutralizado.
MOTIVO_CANCELACION_FORMULA = '=HYPERLINK("http://cancelada","motivo")'


@dataclass
class Recorrido:
    plan: Plan
    historico: Plan
    publicado: Periodo  # agosto–noviembre 2023, el de la semilla
    diciembre: Periodo  # publicado en el recorrido
    febrero: Periodo  # abierto
    facilitacion: object
    integrante: object
    responsables: dict  # username → cuenta
    superusuario: object
    olvidadiza: object  # nunca entra: su enlace de restablecimiento sigue válido
    informe_congelado: Informe  # 1er Informe Parcial (semilla)
    informe_con_formulas: Informe  # 2.º, publicado por una cuenta que ya no existe
    informe_borrador: Informe  # 3.º
    #: Acción (clave) → avance, por periodo, de lo capturado en el recorrido.
    avances: dict = field(default_factory=dict)
    evidencias_archivo: list = field(default_factory=list)
    evidencias_enlace: list = field(default_factory=list)
    #: (periodo, clave del compromiso, evidencia) de las evidencias de compromisos del recorrido.
    evidencias_de_compromisos: list = field(default_factory=list)
    #: Quien sigue el plan (confirmada) y quien pidió seguir el compromiso 4.1 (sin confirmar).
    suscripciones: list = field(default_factory=list)
    #: Tareas en segundo plano: terminadas, una fallida y una en espera.
    tareas: list = field(default_factory=list)
    #: La gestión del plan: la invitación pendiente de una enlace nueva del IACIP y su enlace.
    invitacion: object = None
    enlace_de_invitacion: str = ""
    #: Lo que la sesión de una cuenta trae al entrar (username → datos): la facilitación tiene
    #: un plan importado de una hoja de cálculo esperando su confirmación.
    sesiones: dict = field(default_factory=dict)
    #: El token de esa importación.
    importacion: str = ""


def _archivo(nombre):
    return Evidencia(archivo=SimpleUploadedFile(nombre, PDF), descripcion=f"Archivo {nombre}")


def _enlace(url):
    return Evidencia(url=url, descripcion="Publicación en el sitio de la institución")


def _guardar(plan, periodo, clave, usuario, porcentaje, *, enviar=False, evidencias=(), **datos):
    la_accion = accion(plan, clave)
    actual = Avance.objects.filter(accion=la_accion, periodo=periodo).first()
    return flujo.guardar_avance(
        accion=la_accion,
        periodo=periodo,
        usuario=usuario,
        # Con justificación siempre: el porcentaje puede quedar bajo el último validado.
        datos=flujo.DatosAvance(
            porcentaje=Decimal(porcentaje), justificacion="Se ajustó la meta con la institución.", **datos
        ),
        version=actual.version if actual else 0,
        enviar=enviar,
        evidencias_nuevas=list(evidencias),
    )


def _validar(avance, usuario):
    return flujo.validar_avance(avance_id=avance.pk, usuario=usuario, version=avance.version)


def _devolver(avance, usuario, observaciones, motivo_retiro=""):
    return flujo.devolver_avance(
        avance_id=avance.pk,
        usuario=usuario,
        version=avance.version,
        observaciones=observaciones,
        motivo_retiro=motivo_retiro,
    )


def construir() -> Recorrido:
    """Construye todo (unos segundos: el PDF del 1er Informe se genera una vez por sesión)."""
    modelo = get_user_model()
    call_command("preparar", verbosity=0, stdout=StringIO())
    call_command("crear_usuarios_demo", "pal-2022-2024", "--password", CLAVE, stdout=StringIO())
    plan = Plan.objects.get(slug="pal-2022-2024")
    historico = Plan.objects.get(slug="pal-2019-2021")
    publicado = Periodo.objects.get(plan=plan, slug="agosto-noviembre-2023")
    cuentas = {c.username: c for c in cuentas_del_plan(plan)}
    usuarios = {u.username: u for u in modelo.objects.filter(username__in=cuentas)}
    facilitacion = usuarios["facilitacion-pal-2022-2024"]
    integrante = usuarios["integrante-pal-2022-2024"]
    responsables = {n: u for n, u in usuarios.items() if cuentas[n].rol == Membresia.Rol.RESPONSABLE}
    superusuario = modelo.objects.create_superuser("admin-recorrido", "admin-recorrido@example.org", CLAVE)
    olvidadiza = modelo.objects.create_user("olvidadiza", "olvidadiza@example.org", CLAVE)

    # Cuentas que trabajan y después se eliminan: una enlace del IACIP y una facilitadora.
    iacip = Institucion.objects.get(siglas="IACIP")
    enlace_temporal = modelo.objects.create_user("enlace-temporal", "enlace-temporal@example.org", CLAVE)
    facilitadora_temporal = modelo.objects.create_user("facilitadora-temporal", "ft@example.org", CLAVE)
    Membresia.objects.create(usuario=enlace_temporal, plan=plan, rol=Membresia.Rol.RESPONSABLE, institucion=iacip)
    Membresia.objects.create(usuario=facilitadora_temporal, plan=plan, rol=Membresia.Rol.FACILITADOR)
    por_institucion = {cuentas[n].institucion.pk: u for n, u in responsables.items()}

    def responsable_de(clave):
        return por_institucion[accion(plan, clave).compromiso.institucion_responsable_id]

    avances = {}

    # --- Diciembre 2023–enero 2024: se trabaja y se publica ---------------------------------
    diciembre = abrir_diciembre_2023(plan, facilitacion)
    d = avances.setdefault(diciembre.slug, {})
    formula = _guardar(
        plan, diciembre, "4.1.1", enlace_temporal, "50", enviar=True,
        narrativa=NARRATIVA_FORMULA, etapa=ETAPA_FORMULA, nota_aclaratoria=NOTA_FORMULA,
        evidencias=[_archivo("acta de la sesión.pdf"), _enlace("https://iacip-gto.org.mx/convocatoria")],
    )
    d["4.1.1"] = _validar(formula, facilitadora_temporal)
    arroba = _guardar(
        plan, diciembre, "4.1.2", enlace_temporal, "100", enviar=True,
        narrativa=NARRATIVA_ARROBA, etapa=ETAPA_ARROBA, evidencias=[_archivo("minuta.pdf")],
    )
    d["4.1.2"] = _validar(arroba, facilitadora_temporal)
    retirar = _guardar(plan, diciembre, "7.1.1", enlace_temporal, "37.5", enviar=True, narrativa="Se instaló la mesa.")
    d["7.1.1"] = _validar(retirar, facilitacion)
    devuelto = _guardar(plan, diciembre, "7.1.3", enlace_temporal, "85", enviar=True, narrativa="Mapa en revisión.")
    d["7.1.3"] = _devolver(devuelto, facilitadora_temporal, OBSERVACIONES_FORMULA)
    d["3.2.1"] = _guardar(plan, diciembre, "3.2.1", responsable_de("3.2.1"), "10", enviar=True, narrativa="-Enviado")
    d["3.1.1"] = _guardar(plan, diciembre, "3.1.1", responsable_de("3.1.1"), "5", narrativa="Borrador del PJ.")
    ug = _guardar(
        plan, diciembre, "6.1.1", responsable_de("6.1.1"), "100", enviar=True,
        narrativa="Concluida.", evidencias=[_enlace("https://www.ugto.mx/transparencia")],
    )
    d["6.1.1"] = _validar(ug, facilitacion)
    de_compromisos = []

    def evidencia_del_compromiso(periodo, clave, evidencia, usuario):
        e, c = (int(x) for x in clave.split("."))
        guardada = evidencias_de_compromisos.agregar_evidencia_de_compromiso(
            compromiso=plan.ejes.get(numero=e).compromisos.get(numero=c), periodo=periodo, usuario=usuario,
            evidencia=evidencia,
        )
        de_compromisos.append((periodo, clave, guardada))
        return guardada

    for nueva in (_archivo("mapa de municipios.pdf"), Evidencia(url="https://iacip-gto.org.mx/mapa", descripcion=DESCRIPCION_FORMULA)):
        evidencias_de_compromisos.validar_evidencia_de_compromiso(
            evidencia_id=evidencia_del_compromiso(diciembre, "7.1", nueva, enlace_temporal).pk, usuario=facilitadora_temporal
        )
    evidencias_de_compromisos.devolver_evidencia_de_compromiso(
        evidencia_id=evidencia_del_compromiso(diciembre, "7.1", _enlace("https://iacip-gto.org.mx/roto"), enlace_temporal).pk,
        usuario=facilitacion, observaciones=OBSERVACIONES_FORMULA,
    )
    diciembre = flujo.publicar_periodo(periodo=diciembre, usuario=facilitacion)
    # Ya publicado, el STL retira uno del portal con un motivo público.
    d["7.1.1"] = _devolver(
        Avance.objects.get(pk=d["7.1.1"].pk), facilitadora_temporal, "Revisar la cifra.", MOTIVO_RETIRO_FORMULA
    )

    # --- Febrero–marzo 2024: abierto, un avance en cada estado -------------------------------
    febrero = flujo.abrir_periodo(
        plan=plan,
        usuario=facilitadora_temporal,
        nombre="Febrero–marzo 2024",
        inicio=datetime.date(2024, 2, 1),
        fin=datetime.date(2024, 3, 31),
        fecha_limite=datetime.date(2024, 4, 10),
    )
    f = avances.setdefault(febrero.slug, {})
    f["4.1.1"] = _guardar(
        plan, febrero, "4.1.1", enlace_temporal, "60", narrativa=NARRATIVA_FORMULA,
        evidencias=[_archivo("borrador.pdf")],
    )
    f["4.1.3"] = _guardar(
        plan, febrero, "4.1.3", enlace_temporal, "20", enviar=True, etapa=ETAPA_FORMULA,
        evidencias=[_archivo("oficio.pdf"), _enlace("https://iacip-gto.org.mx/oficio")],
    )
    f["7.1.2"] = _validar(
        _guardar(plan, febrero, "7.1.2", enlace_temporal, "70", enviar=True, nota_aclaratoria=NOTA_FORMULA,
                 evidencias=[_archivo("validado sin publicar.pdf")]),
        facilitadora_temporal,
    )
    f["7.1.3"] = _devolver(
        _guardar(plan, febrero, "7.1.3", enlace_temporal, "90", enviar=True, narrativa=NARRATIVA_ARROBA),
        facilitadora_temporal,
        OBSERVACIONES_FORMULA,
    )
    f["1.1.1"] = _guardar(plan, febrero, "1.1.1", responsable_de("1.1.1"), "40", narrativa="Borrador del Ejecutivo.")
    f["5.1.1"] = _guardar(plan, febrero, "5.1.1", responsable_de("5.1.1"), "15", enviar=True, narrativa="@colectivas")
    evidencia_del_compromiso(febrero, "4.1", _archivo("constancias.pdf"), enlace_temporal)

    # --- Informes: el 2.º publicado por la facilitadora que se irá; el 3.º en borrador -------
    segundo = Informe.objects.create(
        plan=plan, numero=2, titulo="Segundo Informe Parcial", periodo_inicial=diciembre, periodo_final=diciembre,
        sesion="=Primera Sesión Ordinaria 2024",
    )
    # Como desde el botón: una tarea en segundo plano, que aquí se corre en seguida (la transacción
    # del recorrido nunca se confirma, así que ningún on_commit la entregaría).
    publicacion = tareas.encolar(
        tipo="informes.publicar", descripcion="Publicar y congelar el Segundo Informe Parcial",
        argumentos={"informe_id": segundo.pk, "usuario_id": facilitadora_temporal.pk}, plan=plan,
        usuario=facilitadora_temporal, clave=f"informes.publicar:{segundo.pk}",
    )
    tareas.ejecutar(publicacion.pk)
    segundo = Informe.objects.get(pk=segundo.pk)
    tercero = Informe.objects.create(
        plan=plan, numero=3, titulo="Tercer Informe Parcial", periodo_inicial=febrero, periodo_final=febrero
    )
    # Una tarea que falla de verdad: publicar el 3.º sin haber publicado su periodo.
    fallida = tareas.encolar(
        tipo="informes.publicar", descripcion="Publicar y congelar el Tercer Informe Parcial",
        argumentos={"informe_id": tercero.pk, "usuario_id": facilitacion.pk}, plan=plan, usuario=facilitacion,
        clave=f"informes.publicar:{tercero.pk}", origen=f"/trabajo/{plan.slug}/informes/{tercero.pk}/",
    )
    tareas.ejecutar(fallida.pk)
    # Los avisos de las devoluciones (pedidos por flujo.devolver_avance): uno se envía, el otro
    # queda en espera.
    avisos = list(Tarea.objects.filter(tipo="correos.devolucion").order_by("pk"))
    tareas.ejecutar(avisos[0].pk)

    # Lo que solo se ve en el admin: un grupo, intentos de entrada y un recordatorio.
    Group.objects.create(name="Revisión del STL")
    ahora = timezone.now()
    acceso = {"user_agent": "Firefox", "ip_address": "127.0.0.1", "username": "iacip-pal-2022-2024",
              "http_accept": "text/html", "path_info": "/cuentas/entrar/"}
    AccessAttempt.objects.create(**acceso, attempt_time=ahora, get_data="", post_data="", failures_since_start=2)
    AccessLog.objects.create(**acceso, attempt_time=ahora)
    AccessFailureLog.objects.create(**acceso, attempt_time=ahora, locked_out=False)
    responsable_iacip = por_institucion[iacip.pk]
    Recordatorio.objects.create(
        periodo=febrero, usuario=responsable_iacip, tipo=Recordatorio.Tipo.PROXIMO, fecha=datetime.date(2024, 4, 7),
        fecha_limite=febrero.fecha_limite, pendientes="4.1.2, 7.1.1", correo=responsable_iacip.email,
    )

    evidencias = Evidencia.objects.filter(
        Q(avance__periodo__in=[diciembre, febrero]) | Q(periodo__in=[diciembre, febrero])
    ).order_by("pk")
    evidencias_archivo = [e for e in evidencias if e.archivo]
    evidencias_enlace = [e for e in evidencias if e.url]

    # Alguien sigue el plan por correo (confirmado) y alguien pidió seguir el compromiso 4.1.
    servicios_de_suscripcion.pedir_suscripcion(correo="sigue-el-plan@example.org", plan=plan)
    servicios_de_suscripcion.pedir_suscripcion(
        correo="sin-confirmar@example.org", compromiso=accion(plan, "4.1.1").compromiso
    )
    suscripciones = list(Suscripcion.objects.order_by("pk"))
    servicios_de_suscripcion.confirmar(token=enlaces.firmar([suscripciones[0].pk], enlaces.CONFIRMAR))

    gestion = _gestion_del_plan(plan, historico, facilitacion)

    # Se van las dos cuentas: lo que hicieron queda sin cuenta (SET_NULL).
    enlace_temporal.delete()
    facilitadora_temporal.delete()

    for periodo in avances.values():
        for clave, avance in periodo.items():
            periodo[clave] = Avance.objects.get(pk=avance.pk)
    return Recorrido(
        plan=plan,
        historico=historico,
        publicado=publicado,
        diciembre=Periodo.objects.get(pk=diciembre.pk),
        febrero=Periodo.objects.get(pk=febrero.pk),
        facilitacion=facilitacion,
        integrante=integrante,
        responsables=responsables,
        superusuario=superusuario,
        olvidadiza=olvidadiza,
        informe_congelado=Informe.objects.get(plan=plan, numero=1, version=1),
        informe_con_formulas=Informe.objects.get(pk=segundo.pk),
        informe_borrador=tercero,
        avances=avances,
        evidencias_archivo=evidencias_archivo,
        evidencias_enlace=evidencias_enlace,
        evidencias_de_compromisos=[(Periodo.objects.get(pk=p.pk), c, Evidencia.objects.get(pk=e.pk)) for p, c, e in de_compromisos],
        suscripciones=suscripciones,
        tareas=list(Tarea.objects.filter(plan=plan).order_by("pk")),
        **gestion,
    )


def _gestion_del_plan(plan, historico, facilitacion) -> dict:
    """Lo que la gestión del plan deja a la vista: la acción 6.1.2 cancelada (motivo con
    fórmula) y la 5.1.4 fusionada con la 5.1.3; las claves viejas de un eje, un compromiso y una
    acción renumerados; una invitación pendiente; un plan importado por confirmar."""
    from gestion import invitaciones, retiro
    from gestion.exportacion_plan import exportar
    from gestion.vistas_planes import CARPETA, SESION
    from plan.models import ClaveAnterior, Retiro

    cuando = datetime.date(2024, 2, 15)
    retiro.retirar(
        elemento=accion(plan, "6.1.2"), retiro=Retiro.CANCELADA, motivo=MOTIVO_CANCELACION_FORMULA,
        fecha=cuando, usuario=facilitacion,
    )
    retiro.retirar(
        elemento=accion(plan, "5.1.4"), retiro=Retiro.FUSIONADA, motivo="Se integra a la capacitación",
        fecha=cuando, destino=accion(plan, "5.1.3"), usuario=facilitacion,
    )
    la_accion = accion(plan, "2.1.2")
    for nivel, clave, elemento in (
        (ClaveAnterior.Nivel.EJE, "9", {"eje": la_accion.compromiso.eje}),
        (ClaveAnterior.Nivel.COMPROMISO, "2.9", {"compromiso": la_accion.compromiso}),
        (ClaveAnterior.Nivel.ACCION, "2.1.9", {"accion": la_accion}),
    ):
        destino = next(iter(elemento.values()))
        ClaveAnterior.objects.create(
            plan=plan, nivel=nivel, clave=clave, clave_nueva=destino.clave, cambiada_por=facilitacion, **elemento
        )
    invitada = invitaciones.invitar(
        plan=plan, nombre="Enlace Nueva", correo="enlace-nueva@example.org", rol=Membresia.Rol.RESPONSABLE,
        por=facilitacion, institucion=Institucion.objects.get(siglas="IACIP"),
    ).invitacion
    token = "recorrido-importacion"
    ruta = default_storage.save(f"{CARPETA}/{token}.xlsx", ContentFile(exportar(historico)))
    carga = {"ruta": ruta, "archivo": "pal-2019-2021.xlsx", "slug": "pal-2019-2021-copia", "usuario": facilitacion.pk}
    return {
        "invitacion": invitada,
        "enlace_de_invitacion": invitaciones.ruta_del_enlace(invitada),
        "sesiones": {facilitacion.username: {SESION: {token: carga}}},
        "importacion": token,
    }
