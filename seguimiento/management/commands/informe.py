"""``python manage.py informe <plan> [<número>] --salida archivo.pdf|archivo.xlsx``.

Escribe un informe parcial a un archivo:

* ``informe pal-2022-2024 1 --salida informe.pdf``: el informe número 1 (su última versión, o
  ``--numero-version N``). Si está publicado se escriben **los bytes congelados**, los mismos que se
  descargan del portal (y su SHA-256 se comprueba); si es un borrador se genera en el momento,
  con la marca de borrador.
* ``informe pal-2022-2024 --hasta agosto-noviembre-2023 [--desde …] --salida x.pdf``: un informe
  sin guardar (borrador) de un periodo o un rango de periodos, sin tocar la base de datos.
* ``--publicar`` publica y congela el informe número N (lo mismo que el botón del STL).

El formato sale de la extensión de ``--salida`` (``.pdf`` o ``.xlsx``); ``-`` escribe el PDF a
la salida estándar.
"""

import hashlib
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plan.models import Plan
from seguimiento import informes
from seguimiento.models import Informe, Periodo


class Command(BaseCommand):
    help = (
        "Escribe un informe parcial (PDF o XLSX) a un archivo: el publicado tal como se congeló, "
        "un borrador generado en el momento, o uno sin guardar de un periodo o rango (--hasta)."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="identificador del plan (slug), p. ej. pal-2022-2024")
        parser.add_argument("numero", nargs="?", type=int, help="número del informe (p. ej. 1)")
        parser.add_argument("--numero-version", type=int, dest="version_informe", help="versión del informe (por omisión la última)")
        parser.add_argument("--desde", help="periodo inicial (slug) de un informe sin guardar")
        parser.add_argument("--hasta", help="periodo final (slug) de un informe sin guardar")
        parser.add_argument("--salida", required=True, help="archivo .pdf o .xlsx; «-» para el PDF a la salida estándar")
        parser.add_argument("--publicar", action="store_true", help="publicar y congelar el informe antes de escribirlo")

    def handle(self, *args, **o):
        plan = self._plan(o["plan"])
        salida = o["salida"]
        extension = "pdf" if salida == "-" else Path(salida).suffix.lower().lstrip(".")
        if extension not in ("pdf", "xlsx"):
            raise CommandError(f"--salida debe terminar en .pdf o .xlsx (recibí «{salida}»).")
        if o["numero"] is None:
            if o["publicar"] or o["version_informe"]:
                raise CommandError("--publicar y --numero-version necesitan el número del informe.")
            if not o["hasta"]:
                raise CommandError("Indique el número del informe o, para uno sin guardar, --hasta <periodo>.")
            datos, descripcion = self._sin_guardar(plan, o["desde"], o["hasta"], extension)
        else:
            if o["desde"] or o["hasta"]:
                raise CommandError("--desde y --hasta son para un informe sin guardar: no los use con un número.")
            datos, descripcion = self._guardado(plan, o["numero"], o["version_informe"], o["publicar"], extension)
        if salida == "-":
            sys.stdout.buffer.write(datos)
            return
        Path(salida).write_bytes(datos)
        self.stderr.write(
            f"{descripcion}: {salida} ({len(datos):,} bytes, SHA-256 {hashlib.sha256(datos).hexdigest()})"
        )

    def _plan(self, slug):
        try:
            return Plan.objects.get(slug=slug)
        except Plan.DoesNotExist:
            disponibles = ", ".join(Plan.objects.values_list("slug", flat=True)) or "ninguno"
            raise CommandError(f"No existe el plan «{slug}». Planes disponibles: {disponibles}.") from None

    def _periodo(self, plan, slug):
        try:
            return Periodo.objects.get(plan=plan, slug=slug)
        except Periodo.DoesNotExist:
            disponibles = ", ".join(plan.periodos.order_by("inicio").values_list("slug", flat=True)) or "ninguno"
            raise CommandError(
                f"El plan «{plan.slug}» no tiene el periodo «{slug}». Periodos: {disponibles}."
            ) from None

    def _sin_guardar(self, plan, desde, hasta, extension):
        final = self._periodo(plan, hasta)
        inicial = self._periodo(plan, desde) if desde else final
        try:
            informes.validar_periodos(plan, inicial, final)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        numero = (plan.informes.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
        informe = Informe(
            plan=plan, numero=numero, titulo=informes.titulo_sugerido(numero),
            periodo_inicial=inicial, periodo_final=final,
        )
        contenido = informes.construir_contenido(informe)
        return self._generar(contenido, extension), f"Borrador sin guardar ({informe.titulo})"

    def _guardado(self, plan, numero, version, publicar, extension):
        informes_del_numero = Informe.objects.filter(plan=plan, numero=numero)
        if version:
            informes_del_numero = informes_del_numero.filter(version=version)
        informe = informes_del_numero.select_related("plan", "periodo_inicial", "periodo_final").order_by("-version").first()
        if informe is None:
            existentes = ", ".join(
                f"{n} (v{v})" for n, v in plan.informes.order_by("numero", "version").values_list("numero", "version")
            ) or "ninguno"
            raise CommandError(f"El plan «{plan.slug}» no tiene el informe {numero}. Informes: {existentes}.")
        if publicar:
            try:
                informe = informes.publicar_informe(informe=informe)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stderr.write(f"Publicado y congelado: {informe}.")
        if informe.congelado:
            campo, huella = (informe.pdf, informe.pdf_sha256) if extension == "pdf" else (informe.xlsx, informe.xlsx_sha256)
            with campo.open("rb") as archivo:
                datos = archivo.read()
            if hashlib.sha256(datos).hexdigest() != huella:
                raise CommandError(f"El archivo guardado de «{informe}» no coincide con su SHA-256 publicada.")
            return datos, f"{informe} (publicado, congelado)"
        contenido = informes.construir_contenido(informe)
        estado = "borrador" if informe.estado == Informe.Estado.BORRADOR else "publicado sin congelar"
        return self._generar(contenido, extension), f"{informe} ({estado}, generado ahora)"

    def _generar(self, contenido, extension):
        if extension == "pdf":
            return informes.pdf_del_contenido(contenido)
        return informes.xlsx_del_contenido(contenido)
