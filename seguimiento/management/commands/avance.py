"""``python manage.py avance <plan> [--periodo SLUG] [--interno] [--json]``."""

import json

from django.core.management.base import BaseCommand, CommandError

from plan.models import Plan
from seguimiento.models import Periodo
from seguimiento.rollup import (
    Alcance,
    comparar_con_informe,
    calcular_avance,
    informe_publicado_del_periodo,
    redondear,
)
from seguimiento.serializacion import resultado_como_dict


_ORDEN_NIVEL = {"plan": 0, "eje": 1, "compromiso": 2}


def _pct(valor, decimales=1) -> str:
    return "—" if valor is None else f"{redondear(valor, decimales)} %"


def _recortar(texto: str, largo: int) -> str:
    texto = " ".join(texto.split())
    return texto if len(texto) <= largo else texto[: largo - 1] + "…"


class Command(BaseCommand):
    help = (
        "Imprime el árbol de avances de un plan (plan → ejes → compromisos → acciones) "
        "con cada cifra calculada y, si hay informe publicado del periodo, la publicada."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="identificador del plan (slug), p. ej. pal-2022-2024")
        parser.add_argument(
            "--periodo",
            help="identificador (slug) del periodo; por omisión el último que entra en el cálculo",
        )
        parser.add_argument(
            "--interno",
            action="store_true",
            help="incluir avances validados de periodos aún no publicados (vista del STL)",
        )
        parser.add_argument("--json", action="store_true", help="salida en JSON")

    def handle(self, *args, **opciones):
        try:
            plan = Plan.objects.get(slug=opciones["plan"])
        except Plan.DoesNotExist:
            disponibles = ", ".join(Plan.objects.values_list("slug", flat=True)) or "ninguno"
            raise CommandError(
                f"No existe el plan «{opciones['plan']}». Planes disponibles: {disponibles}."
            ) from None
        alcance = Alcance.INTERNO if opciones["interno"] else Alcance.PUBLICO
        periodo = self._periodo(plan, opciones["periodo"], alcance)
        resultado = calcular_avance(plan, periodo=periodo, alcance=alcance)
        informe = informe_publicado_del_periodo(plan, periodo)
        comparaciones = comparar_con_informe(resultado, informe) if informe else {}

        if opciones["json"]:
            datos = resultado_como_dict(
                resultado, periodo=periodo, informe=informe, comparaciones=comparaciones
            )
            self.stdout.write(json.dumps(datos, ensure_ascii=False, indent=2))
            return
        self._texto(plan, periodo, informe, resultado, comparaciones)

    def _periodo(self, plan, slug, alcance):
        periodos = Periodo.objects.filter(plan=plan)
        if alcance is Alcance.PUBLICO:
            periodos = periodos.publicados()
        if slug is None:
            return periodos.order_by("-inicio").first()
        try:
            return Periodo.objects.get(plan=plan, slug=slug)
        except Periodo.DoesNotExist:
            disponibles = ", ".join(periodos.order_by("inicio").values_list("slug", flat=True))
            raise CommandError(
                f"El plan «{plan.slug}» no tiene el periodo «{slug}». "
                f"Periodos disponibles: {disponibles or 'ninguno'}."
            ) from None

    def _texto(self, plan, periodo, informe, resultado, comparaciones):
        escribir = self.stdout.write
        escribir(f"{plan.nombre} ({plan.slug})")
        if periodo is None:
            escribir("Periodo: ninguno publicado todavía")
        else:
            escribir(f"Periodo: {periodo.nombre} ({periodo.slug})")
        escribir(
            "Cuentan: "
            + (
                "avances validados de periodos publicados"
                if resultado.alcance is Alcance.PUBLICO
                else "avances validados, publicados o no (vista interna)"
            )
        )
        if informe:
            escribir(f"Cifras oficiales: {informe.titulo}")
        escribir("Las acciones sin reporte cuentan como 0 en la media; «—» = sin reporte.")
        escribir("")
        cabecera = f"{'':62} {'peso':>6} {'recalculada':>11} {'oficial':>10}"
        escribir(cabecera)

        def linea(sangria, etiqueta, nodo, nivel):
            comparacion = comparaciones.get((nivel, nodo.clave))
            publicado = ""
            if comparacion is not None:
                publicado = _pct(comparacion.publicado, 0) if comparacion.publicado is not None else "sin cifra"
            marca = ""
            if comparacion is not None:
                marca = " =" if comparacion.coincide else " ≠"
            peso = "" if nivel == "plan" else f"{nodo.peso.normalize():f}"
            cobertura = ""
            if nivel != "accion" and not nodo.cobertura.completa:
                cobertura = f"  ({nodo.cobertura})"
            texto = " " * sangria + _recortar(etiqueta, 62 - sangria)
            escribir(
                f"{texto:62} {peso:>6} {_pct(nodo.avance):>11} {publicado:>10}{marca}{cobertura}"
            )

        linea(0, "Avance global", resultado, "plan")
        for eje in resultado.ejes:
            linea(0, f"Eje {eje.clave}. {eje.nombre}", eje, "eje")
            for compromiso in eje.compromisos:
                linea(2, f"{compromiso.clave} {compromiso.nombre}", compromiso, "compromiso")
                for accion in compromiso.acciones:
                    etiqueta = f"{accion.clave} {accion.descripcion}"
                    linea(4, etiqueta, accion, "accion")
        escribir("")
        escribir(f"Cobertura: {resultado.cobertura}")
        escribir(f"Meta por alcanzar: {_pct(resultado.meta_por_alcanzar)}")
        if informe and informe.meta_por_alcanzar_publicada is not None:
            escribir(f"Meta por alcanzar oficial: {_pct(informe.meta_por_alcanzar_publicada, 0)}")
        distintas = [c for c in comparaciones.values() if not c.coincide]
        if distintas:
            escribir("")
            escribir(f"Cifras oficiales que no coinciden con la recalculada ({len(distintas)}):")
            for comparacion in sorted(distintas, key=lambda c: (_ORDEN_NIVEL[c.nivel], c.clave)):
                nombre = "Avance global" if comparacion.nivel == "plan" else f"{comparacion.nivel} {comparacion.clave}"
                escribir(
                    f"  {nombre}: oficial {_pct(comparacion.publicado, 0)}, "
                    f"recalculada {_pct(comparacion.calculado)}. {comparacion.explicacion}"
                )
        if resultado.errores:
            escribir("")
            escribir("Errores de configuración:")
            for error in resultado.errores:
                escribir(f"  {error}")
