"""``python manage.py enviar_recordatorios [--fecha AAAA-MM-DD] [--plan SLUG] [--simular]``.

Para cron (p. ej. cada mañana). La lógica está en ``seguimiento/recordatorios.py``.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.models import Plan
from seguimiento.models import Recordatorio
from seguimiento.recordatorios import Resultado, enviar_recordatorios


class Command(BaseCommand):
    help = (
        "Envía por correo a los responsables el recordatorio de los avances que les faltan "
        "en los periodos abiertos: unos días antes de la fecha límite y después de vencida. "
        "No repite un aviso si nada cambió ni envía dos el mismo día a la misma cuenta."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fecha",
            help="hacer como si hoy fuera esta fecha (AAAA-MM-DD); por omisión, hoy",
        )
        parser.add_argument("--plan", help="solo este plan (su identificador o slug)")
        parser.add_argument(
            "--simular",
            action="store_true",
            help="mostrar lo que se enviaría, sin enviar ni registrar nada",
        )

    def handle(self, *args, **opciones):
        hoy = self._fecha(opciones["fecha"])
        plan = self._plan(opciones["plan"])
        simular = opciones["simular"]
        resumen = enviar_recordatorios(hoy=hoy, plan=plan, simular=simular)
        escribir = self.stdout.write

        if simular:
            escribir(_("Simulación: no se envía ni se registra ningún correo."))
        if not resumen.periodos:
            escribir(
                _("No hay periodos abiertos con fecha límite; no hay nada que recordar.")
            )
        for revisado in resumen.periodos:
            escribir(self._linea_periodo(revisado, hoy))
        for aviso in resumen.avisos:
            escribir(self._linea_aviso(aviso))
        escribir(self._linea_resumen(resumen))

        fallidos = resumen.fallidos
        if fallidos:
            raise CommandError(
                ngettext(
                    "No se pudo enviar %(n)d recordatorio: %(lista)s.",
                    "No se pudieron enviar %(n)d recordatorios: %(lista)s.",
                    len(fallidos),
                )
                % {
                    "n": len(fallidos),
                    "lista": "; ".join(f"{a.usuario.email} ({a.detalle})" for a in fallidos),
                }
            )

    def _fecha(self, texto):
        if texto is None:
            return timezone.localdate()
        try:
            return datetime.datetime.strptime(texto, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(
                _("La fecha «%(fecha)s» no es válida: use el formato AAAA-MM-DD, p. ej. 2024-01-15.")
                % {"fecha": texto}
            ) from None

    def _plan(self, slug):
        if slug is None:
            return None
        try:
            return Plan.objects.get(slug=slug)
        except Plan.DoesNotExist:
            disponibles = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                _("No existe el plan «%(plan)s». Planes disponibles: %(disponibles)s.")
                % {"plan": slug, "disponibles": disponibles or _("ninguno")}
            ) from None

    def _linea_periodo(self, revisado, hoy):
        periodo = revisado.periodo
        datos = {
            "periodo": periodo.nombre,
            "plan": periodo.plan.slug,
            "fecha": periodo.fecha_limite.isoformat(),
            "dias": abs(revisado.dias),
        }
        if revisado.tipo is None:
            return (
                ngettext(
                    "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: falta %(dias)d día; "
                    "todavía no toca recordar.",
                    "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: faltan %(dias)d días; "
                    "todavía no toca recordar.",
                    revisado.dias,
                )
                % datos
            )
        if revisado.tipo == Recordatorio.Tipo.VENCIDO:
            return (
                ngettext(
                    "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: vencida hace %(dias)d día.",
                    "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: vencida hace %(dias)d días.",
                    abs(revisado.dias),
                )
                % datos
            )
        return (
            ngettext(
                "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: falta %(dias)d día.",
                "Periodo «%(periodo)s» (%(plan)s), fecha límite %(fecha)s: faltan %(dias)d días.",
                revisado.dias,
            )
            % datos
        )

    def _linea_aviso(self, aviso):
        datos = {
            "usuario": aviso.usuario.get_username(),
            "correo": aviso.usuario.email,
            "tipo": Recordatorio.Tipo(aviso.tipo).label,
            "periodo": aviso.periodo.nombre,
            "claves": ", ".join(p.clave for p in aviso.pendientes),
            "detalle": aviso.detalle,
            "fecha": aviso.anterior.fecha.isoformat() if aviso.anterior else "",
        }
        if aviso.resultado is Resultado.ENVIADO:
            plantilla = _(
                "Enviado a %(usuario)s <%(correo)s>: %(tipo)s, «%(periodo)s», "
                "pendientes: %(claves)s."
            )
        elif aviso.resultado is Resultado.SIMULADO:
            plantilla = _(
                "Se enviaría a %(usuario)s <%(correo)s>: %(tipo)s, «%(periodo)s», "
                "pendientes: %(claves)s."
            )
        elif aviso.resultado is Resultado.MISMO_DIA:
            plantilla = _(
                "Omitido %(usuario)s <%(correo)s>: ya recibió hoy un recordatorio de «%(periodo)s» "
                "(pendientes: %(claves)s)."
            )
        elif aviso.resultado is Resultado.MISMO_ESTADO:
            plantilla = _(
                "Omitido %(usuario)s <%(correo)s>: ya se le avisó el %(fecha)s y nada cambió "
                "(%(tipo)s, «%(periodo)s», pendientes: %(claves)s)."
            )
        else:
            plantilla = _(
                "Error al enviar a %(usuario)s <%(correo)s> (%(tipo)s, «%(periodo)s»): %(detalle)s"
            )
        return plantilla % datos

    def _linea_resumen(self, resumen):
        def cuantos(resultado):
            return len(resumen.con_resultado(resultado))

        if resumen.simulacion:
            partes = [
                ngettext(
                    "%(n)d recordatorio se enviaría",
                    "%(n)d recordatorios se enviarían",
                    cuantos(Resultado.SIMULADO),
                )
                % {"n": cuantos(Resultado.SIMULADO)}
            ]
        else:
            partes = [
                ngettext(
                    "%(n)d recordatorio enviado",
                    "%(n)d recordatorios enviados",
                    cuantos(Resultado.ENVIADO),
                )
                % {"n": cuantos(Resultado.ENVIADO)}
            ]
        partes += [
            ngettext(
                "%(n)d omitido (ya avisado, sin cambios)",
                "%(n)d omitidos (ya avisados, sin cambios)",
                cuantos(Resultado.MISMO_ESTADO),
            )
            % {"n": cuantos(Resultado.MISMO_ESTADO)},
            ngettext(
                "%(n)d omitido (ya recibió uno hoy)",
                "%(n)d omitidos (ya recibieron uno hoy)",
                cuantos(Resultado.MISMO_DIA),
            )
            % {"n": cuantos(Resultado.MISMO_DIA)},
            ngettext(
                "%(n)d cuenta sin pendientes",
                "%(n)d cuentas sin pendientes",
                resumen.sin_pendientes,
            )
            % {"n": resumen.sin_pendientes},
            ngettext("%(n)d error", "%(n)d errores", cuantos(Resultado.FALLIDO))
            % {"n": cuantos(Resultado.FALLIDO)},
        ]
        return ", ".join(partes) + "."
