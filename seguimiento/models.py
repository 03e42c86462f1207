"""Seguimiento: periodos de reporte, avances, evidencias e informes."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plan.models import Accion, Compromiso, Eje, EnlaceField, Plan

from . import almacenamiento
from .archivos import MAXIMO_NOMBRE, PERMITIDOS, limpiar_nombre, nombre_enviado, revisar_evidencia, validar_evidencia
from .numeros import numero_exacto

_PORCENTAJE_VALIDADORES = [MinValueValidator(0), MaxValueValidator(100)]


def _campo_porcentaje(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, validators=_PORCENTAJE_VALIDADORES, **kwargs
    )


def _campo_cuenta(related_name: str, verbose_name):
    """Cuenta que hizo algo con el registro; si se borra la cuenta, el registro queda."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def _restriccion_porcentaje(campo: str, nombre: str):
    return models.CheckConstraint(
        condition=Q(**{f"{campo}__isnull": True})
        | Q(**{f"{campo}__gte": 0, f"{campo}__lte": 100}),
        name=nombre,
    )


class PeriodoQuerySet(models.QuerySet):
    def publicados(self):
        return self.filter(estado=Periodo.Estado.PUBLICADO)

    def abiertos(self):
        return self.filter(estado=Periodo.Estado.ABIERTO)


class Periodo(models.Model):
    """Periodo de reporte (un bimestre, o el lapso que cubre un informe)."""

    class Estado(models.TextChoices):
        PROGRAMADO = "programado", _("Programado")
        ABIERTO = "abierto", _("Abierto")
        CERRADO = "cerrado", _("Cerrado")
        PUBLICADO = "publicado", _("Publicado")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="periodos", verbose_name=_("plan")
    )
    nombre = models.CharField(_("nombre"), max_length=100, help_text=_("p. ej. Agosto–noviembre 2023"))
    slug = models.SlugField(_("identificador en URL"), max_length=100)
    inicio = models.DateField(_("inicio"))
    fin = models.DateField(_("fin"))
    fecha_limite = models.DateField(
        _("fecha límite de entrega"),
        null=True,
        blank=True,
        help_text=_("Vacía solo en periodos históricos cuya fecha límite no consta."),
    )
    fecha_publicacion = models.DateField(_("fecha de publicación"), null=True, blank=True)
    estado = models.CharField(
        _("estado"), max_length=20, choices=Estado.choices, default=Estado.PROGRAMADO
    )

    history = HistoricalRecords()
    objects = PeriodoQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodo de reporte")
        verbose_name_plural = _("periodos de reporte")
        ordering = ["plan", "inicio"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="periodo_slug_unico_en_plan"),
            models.UniqueConstraint(fields=["plan", "inicio"], name="periodo_inicio_unico_en_plan"),
            models.CheckConstraint(condition=Q(inicio__lte=F("fin")), name="periodo_fechas_en_orden"),
            models.CheckConstraint(
                condition=Q(fecha_limite__isnull=True) | Q(fecha_limite__gte=F("inicio")),
                name="periodo_limite_despues_de_inicio",
            ),
            models.CheckConstraint(
                condition=Q(fecha_publicacion__isnull=True)
                | Q(fecha_publicacion__gte=F("inicio")),
                name="periodo_publicacion_despues_de_inicio",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(estado="abierto"),
                name="periodo_un_abierto_por_plan",
                violation_error_message=_("El plan ya tiene un periodo abierto: ciérrelo antes de abrir otro."),
            ),
            models.CheckConstraint(
                condition=~Q(estado="abierto") | Q(fecha_limite__isnull=False),
                name="periodo_abierto_con_fecha_limite",
                violation_error_message=_("Un periodo abierto necesita su fecha límite de entrega."),
            ),
        ]

    def __str__(self):
        return self.nombre

    @property
    def abierto(self) -> bool:
        return self.estado == self.Estado.ABIERTO

    @property
    def publicado(self) -> bool:
        return self.estado == self.Estado.PUBLICADO


class AvanceQuerySet(models.QuerySet):
    def validados(self):
        return self.filter(estado=Avance.Estado.VALIDADO)

    def publicados(self):
        """Validados y de un periodo publicado: lo único que ve la ciudadanía."""
        return self.validados().filter(periodo__estado=Periodo.Estado.PUBLICADO)

    def publicados_o_retirados(self):
        """Lo que la ciudadanía ve en la página de una acción: lo publicado y, de un periodo
        publicado, lo que el STL retiró del portal con un motivo público (``motivo_retiro``)."""
        publicados = models.Q(estado=Avance.Estado.VALIDADO)
        retirados = ~models.Q(estado=Avance.Estado.VALIDADO) & ~models.Q(motivo_retiro="")
        return self.filter(publicados | retirados, periodo__estado=Periodo.Estado.PUBLICADO)

    def del_plan(self, plan):
        return self.filter(accion__compromiso__eje__plan=plan)

    def de_instituciones(self, instituciones):
        return self.filter(accion__compromiso__institucion_responsable__in=instituciones)


class Avance(models.Model):
    """Avance acumulado (0–100 %) de una acción en un periodo."""

    class Estado(models.TextChoices):
        BORRADOR = "borrador", _("Borrador")
        ENVIADO = "enviado", _("Enviado")
        DEVUELTO = "devuelto", _("Devuelto")
        VALIDADO = "validado", _("Validado")

    accion = models.ForeignKey(
        Accion, on_delete=models.CASCADE, related_name="avances", verbose_name=_("acción")
    )
    periodo = models.ForeignKey(
        Periodo, on_delete=models.PROTECT, related_name="avances", verbose_name=_("periodo")
    )
    porcentaje = _campo_porcentaje(_("porcentaje de avance acumulado"))
    etapa = models.CharField(
        _("etapa"), max_length=200, blank=True, help_text=_("p. ej. «En etapa de diseño del programa»")
    )
    narrativa = models.TextField(_("narrativa"), blank=True)
    nota_aclaratoria_marcada = models.BooleanField(
        _("lleva nota aclaratoria (*)"),
        default=False,
        help_text=_("El informe marca la cifra con un asterisco."),
    )
    nota_aclaratoria = models.TextField(
        _("texto de la nota aclaratoria"),
        blank=True,
        help_text=_("Vacío si el informe publicado marca la nota pero no incluye su texto."),
    )
    justificacion = models.TextField(
        _("justificación de la disminución"),
        blank=True,
        help_text=_(
            "El avance es acumulado: si el porcentaje es menor que el último validado, "
            "explique por qué."
        ),
    )
    estado = models.CharField(
        _("estado de revisión"), max_length=20, choices=Estado.choices, default=Estado.BORRADOR
    )
    observaciones = models.TextField(
        _("observaciones del STL"),
        blank=True,
        help_text=_("Lo que el STL pide corregir al devolver el avance."),
    )
    motivo_retiro = models.TextField(
        _("motivo público del retiro"),
        blank=True,
        help_text=_(
            "Por qué el STL devolvió un avance que ya estaba publicado (validado en un periodo "
            "publicado): devolverlo lo retira del portal y de las cifras, y este motivo queda en la "
            "historia pública de la acción."
        ),
    )
    version = models.PositiveIntegerField(
        _("versión"),
        default=1,
        help_text=_("Sube con cada cambio; evita que dos personas se sobrescriban sin saberlo."),
    )
    capturado_por = _campo_cuenta("avances_capturados", _("capturado por"))
    validado_por = _campo_cuenta("avances_validados", _("validado por"))
    validado_en = models.DateTimeField(_("validado el"), null=True, blank=True)
    enviado_por = _campo_cuenta("avances_enviados", _("enviado por"))
    enviado_en = models.DateTimeField(_("enviado el"), null=True, blank=True)
    devuelto_por = _campo_cuenta("avances_devueltos", _("devuelto por"))
    devuelto_en = models.DateTimeField(_("devuelto el"), null=True, blank=True)
    fecha_reporte = models.DateField(
        _("fecha del reporte en su fuente"),
        null=True,
        blank=True,
        help_text=_(
            "Para un avance cargado de un documento: la fecha en que se presentó, tal como la "
            "imprime (p. ej. el 1er Informe Parcial, presentado el 4 de diciembre de 2023). Vacía "
            "si la fuente no la publica o si el avance se capturó en el portal (su fecha es la del "
            "envío y la validación)."
        ),
    )
    creado = models.DateTimeField(_("creado"), auto_now_add=True)
    actualizado = models.DateTimeField(_("actualizado"), auto_now=True)

    history = HistoricalRecords()
    objects = AvanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("avance")
        verbose_name_plural = _("avances")
        ordering = ["periodo__inicio", "accion"]
        constraints = [
            models.UniqueConstraint(
                fields=["accion", "periodo"], name="avance_unico_por_accion_y_periodo"
            ),
            _restriccion_porcentaje("porcentaje", "avance_porcentaje_entre_0_y_100"),
            models.CheckConstraint(
                condition=Q(nota_aclaratoria="") | Q(nota_aclaratoria_marcada=True),
                name="avance_nota_con_marca",
            ),
            models.CheckConstraint(
                condition=~Q(estado="devuelto") | ~Q(observaciones=""),
                name="avance_devuelto_con_observaciones",
                violation_error_message=_("Un avance devuelto debe llevar las observaciones del STL."),
            ),
        ]

    def __str__(self):
        return _("Avance de la acción %(accion)s en %(periodo)s") % {
            "accion": self.accion.clave,
            "periodo": self.periodo.nombre,
        }

    @property
    def ultimo_movimiento(self):
        """``(cuenta, fecha)`` de quien llevó el avance a su estado actual."""
        return {
            self.Estado.BORRADOR: (self.capturado_por, self.actualizado),
            self.Estado.ENVIADO: (self.enviado_por, self.enviado_en),
            self.Estado.DEVUELTO: (self.devuelto_por, self.devuelto_en),
            self.Estado.VALIDADO: (self.validado_por, self.validado_en),
        }[self.estado]


class EvidenciaQuerySet(models.QuerySet):
    def vigentes(self):
        """Las que forman parte de su avance o de su compromiso (no retiradas)."""
        return self.filter(retirada_en__isnull=True)

    def de_compromisos(self):
        """Las del compromiso en un periodo (no las del avance de una acción)."""
        return self.filter(avance__isnull=True)

    def de_avances(self):
        """Las del avance de una acción."""
        return self.filter(avance__isnull=False)

    def del_plan(self, plan):
        return self.filter(
            Q(avance__accion__compromiso__eje__plan=plan) | Q(compromiso__eje__plan=plan)
        )

    def publicadas_de_compromisos(self):
        """Lo que la ciudadanía ve de las evidencias de compromisos: vigentes, validadas por el
        STL y de un periodo publicado (la misma regla que los avances)."""
        return self.vigentes().filter(
            avance__isnull=True,
            estado=Evidencia.Revision.VALIDADA,
            periodo__estado=Periodo.Estado.PUBLICADO,
        )

    def publicadas(self):
        """Las públicas, sea cual sea su dueño: las de un avance publicado y las de un
        compromiso validadas en un periodo publicado."""
        de_avance = Q(
            avance__estado=Avance.Estado.VALIDADO, avance__periodo__estado=Periodo.Estado.PUBLICADO
        )
        de_compromiso = Q(
            avance__isnull=True,
            estado=Evidencia.Revision.VALIDADA,
            periodo__estado=Periodo.Estado.PUBLICADO,
        )
        return self.vigentes().filter(de_avance | de_compromiso)


def _ruta_evidencia(instancia, nombre_original: str) -> str:
    """Nombre de almacenamiento generado: nunca el nombre que subió la persona.

    La extensión es la del tipo detectado por el contenido, no la del nombre. El archivo pasa
    por la revisión completa aunque quien guarda no haya llamado a ``full_clean`` (lo ya revisado
    por el validador no se revisa dos veces).
    """
    tipo = revisar_evidencia(instancia.archivo.file)
    return f"evidencias/{uuid.uuid4().hex}{tipo.extension}"


class Evidencia(models.Model):
    """Medio de verificación: un enlace, un archivo o, si un informe la imprimió sin enlace para
    todo un compromiso, una evidencia descrita (solo su texto, ``descripcion``).

    Su dueño es **uno** de dos (la base lo exige):

    * el avance de una acción (``avance``): se revisa y publica con su avance, o
    * un compromiso en un periodo (``compromiso`` + ``periodo``): lo que el informe presenta en
      la columna «Evidencias» para todo el compromiso. No tiene avance que la lleve, así que tiene
      su propia revisión (``estado``: enviada → validada o devuelta) y, como un avance, solo se ve
      en público validada y con su periodo publicado
      (``EvidenciaQuerySet.publicadas_de_compromisos``).
    """

    class Revision(models.TextChoices):
        ENVIADA = "enviada", _("Enviada")
        VALIDADA = "validada", _("Validada")
        DEVUELTA = "devuelta", _("Devuelta")

    avance = models.ForeignKey(
        Avance,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidencias",
        verbose_name=_("avance"),
        help_text=_("Vacío si la evidencia es del compromiso en un periodo."),
    )
    compromiso = models.ForeignKey(
        Compromiso,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidencias",
        verbose_name=_("compromiso"),
        help_text=_("Solo en una evidencia de todo el compromiso (sin avance), con su periodo."),
    )
    periodo = models.ForeignKey(
        Periodo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidencias_de_compromisos",
        verbose_name=_("periodo"),
        help_text=_("El periodo en que se reportó la evidencia del compromiso."),
    )
    url = EnlaceField(_("enlace"), max_length=500, blank=True)
    archivo = models.FileField(
        _("archivo"),
        upload_to=_ruta_evidencia,
        blank=True,
        validators=[validar_evidencia],
        help_text=PERMITIDOS,
    )
    nombre_original = models.CharField(_("nombre original del archivo"), max_length=255, blank=True)
    descripcion = models.CharField(
        _("descripción"),
        max_length=500,
        blank=True,
        help_text=_(
            "Sin enlace ni archivo, es la evidencia misma: el texto que el informe imprimió, tal cual."
        ),
    )
    estado = models.CharField(
        _("revisión del STL"),
        max_length=20,
        choices=Revision.choices,
        blank=True,
        help_text=_("Solo en las evidencias de un compromiso; las de un avance siguen a su avance."),
    )
    observaciones = models.TextField(
        _("observaciones del STL"), blank=True, help_text=_("Por qué el STL devolvió la evidencia.")
    )
    enviada_por = _campo_cuenta("evidencias_enviadas", _("enviada por"))
    enviada_en = models.DateTimeField(_("enviada el"), null=True, blank=True)
    revisada_por = _campo_cuenta("evidencias_revisadas", _("revisada por"))
    revisada_en = models.DateTimeField(_("revisada el"), null=True, blank=True)
    retirada_en = models.DateTimeField(
        _("retirada el"),
        null=True,
        blank=True,
        help_text=_(
            "Se quitó de un avance o compromiso de un periodo publicado: ya no es parte de él, "
            "pero el archivo se conserva (lo publicado nunca se destruye)."
        ),
    )

    history = HistoricalRecords()
    objects = EvidenciaQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")
        ordering = ["avance", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(archivo=""))
                | (~Q(url="") & Q(archivo=""))
                | (Q(url="") & Q(archivo="") & ~Q(descripcion="") & Q(avance__isnull=True)),
                name="evidencia_enlace_archivo_o_descrita",
                violation_error_message=_(
                    "Cada evidencia es un enlace o un archivo (no los dos); solo la de un compromiso, "
                    "sin ninguno, es su descripción (el texto que imprimió el informe)."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(avance__isnull=False)
                    & Q(compromiso__isnull=True)
                    & Q(periodo__isnull=True)
                    & Q(estado="")
                )
                | (
                    Q(avance__isnull=True)
                    & Q(compromiso__isnull=False)
                    & Q(periodo__isnull=False)
                    & Q(estado__in=["enviada", "validada", "devuelta"])
                ),
                name="evidencia_un_solo_dueno",
                violation_error_message=_(
                    "Una evidencia es del avance de una acción o de un compromiso en un periodo (con su revisión), de uno solo."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(estado="devuelta") | ~Q(observaciones=""),
                name="evidencia_devuelta_con_observaciones",
                violation_error_message=_("Una evidencia devuelta debe llevar las observaciones del STL."),
            ),
        ]

    def __str__(self):
        return self.descripcion or self.url or self.nombre_original or str(self.archivo)

    @property
    def tipo(self) -> str:
        """«enlace», «archivo» o «descrita» (solo texto, como la imprimió un informe)."""
        if self.url:
            return "enlace"
        return "archivo" if self.archivo else "descrita"

    @property
    def de_compromiso(self) -> bool:
        return self.avance_id is None

    @property
    def publicada(self) -> bool:
        """La regla de ``EvidenciaQuerySet.publicadas`` para una evidencia ya leída (con su avance
        y su periodo)."""
        if self.retirada_en is not None:
            return False
        if self.avance_id is None:
            return self.estado == self.Revision.VALIDADA and self.periodo.publicado
        return self.avance.estado == Avance.Estado.VALIDADO and self.avance.periodo.publicado

    @property
    def tamano(self) -> int | None:
        """Bytes del archivo; ``None`` si es un enlace o si el archivo falta en el almacenamiento."""
        return almacenamiento.tamano(self.archivo)

    @classmethod
    def from_db(cls, db, field_names, values):
        evidencia = super().from_db(db, field_names, values)
        # El nombre guardado, para saber al guardar si el archivo se reemplazó (sin otra consulta).
        evidencia._archivo_guardado = evidencia.__dict__.get("archivo")
        return evidencia

    def save(self, *args, **kwargs):
        if self.archivo and not self.archivo._committed:
            # Como lo envió la persona, sin carpetas ni caracteres de control o de dirección del texto.
            self.nombre_original = limpiar_nombre(nombre_enviado(self.archivo.file))[:MAXIMO_NOMBRE]
        super().save(*args, **kwargs)
        anterior, actual = getattr(self, "_archivo_guardado", None), self.archivo.name or ""
        if anterior and anterior != actual:
            almacenamiento.archivo_sin_dueno(self, anterior)
        self._archivo_guardado = actual


class InformeQuerySet(models.QuerySet):
    def publicados(self):
        """Publicados (los del fixture, aún sin archivos, también; ver ``congelados``)."""
        return self.filter(estado=Informe.Estado.PUBLICADO)

    def congelados(self):
        """Publicados con su contenido, PDF y XLSX guardados: los que ve la ciudadanía."""
        return self.publicados().exclude(pdf_sha256="")


class Informe(models.Model):
    """Informe parcial de un plan que cubre uno o varios periodos.

    Las cifras que el informe publicó se guardan en ``CifraPublicada`` para que un
    informe histórico conserve lo que dijo aunque los avances cambien después.

    Publicar un informe lo **congela** (``seguimiento/informes.py``): se guardan su contenido
    completo (``contenido``), el PDF y el XLSX con su SHA-256. Nada de eso cambia después; una
    corrección es una versión nueva (``version`` + 1, ``corrige`` y ``motivo_correccion``) que
    deja la anterior publicada con su misma dirección.
    """

    class OrigenCifras(models.TextChoices):
        CALCULO = "calculo", _("Calculadas por el portal con los avances publicados")
        CAPTURA = "captura", _("Capturadas tal como las imprimió el informe")

    class Estado(models.TextChoices):
        BORRADOR = "borrador", _("Borrador")
        PUBLICADO = "publicado", _("Publicado")

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="informes", verbose_name=_("plan")
    )
    numero = models.PositiveSmallIntegerField(_("número"))
    titulo = models.CharField(_("título"), max_length=200, help_text=_("p. ej. Primer Informe Parcial"))
    periodo_inicial = models.ForeignKey(
        Periodo,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("periodo inicial"),
    )
    periodo_final = models.ForeignKey(
        Periodo,
        on_delete=models.PROTECT,
        related_name="informes",
        verbose_name=_("periodo final"),
        help_text=_("Las cifras se calculan con los avances validados hasta este periodo."),
    )
    sesion = models.CharField(
        _("sesión del STL"), max_length=200, blank=True, help_text=_("p. ej. Cuarta Sesión Ordinaria 2023")
    )
    fecha_sesion = models.DateField(_("fecha de la sesión"), null=True, blank=True)
    hora_sesion = models.TimeField(_("hora de la sesión"), null=True, blank=True)
    estado = models.CharField(
        _("estado"), max_length=20, choices=Estado.choices, default=Estado.BORRADOR
    )
    meta_por_alcanzar_publicada = _campo_porcentaje(
        _("meta por alcanzar publicada"), null=True, blank=True
    )
    version = models.PositiveSmallIntegerField(
        _("versión"), default=1, help_text=_("1 la original; cada corrección publica la siguiente.")
    )
    corrige = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correcciones",
        verbose_name=_("corrige a"),
    )
    motivo_correccion = models.TextField(
        _("motivo de la corrección"), blank=True, help_text=_("Obligatorio a partir de la versión 2.")
    )
    origen_cifras = models.CharField(
        _("origen de las cifras"), max_length=20, choices=OrigenCifras.choices, blank=True
    )
    publicado_en = models.DateTimeField(_("publicado en el portal"), null=True, blank=True)
    publicado_por = _campo_cuenta("+", _("publicado por"))
    contenido = models.JSONField(
        _("contenido congelado"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Los datos con los que se generaron el PDF y el XLSX, tal como se publicaron."),
    )
    pdf = models.FileField(_("PDF"), upload_to="informes/", blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True, editable=False)
    xlsx = models.FileField(_("XLSX"), upload_to="informes/", blank=True, editable=False)
    xlsx_sha256 = models.CharField(_("SHA-256 del XLSX"), max_length=64, blank=True, editable=False)

    history = HistoricalRecords()
    objects = InformeQuerySet.as_manager()

    class Meta:
        verbose_name = _("informe")
        verbose_name_plural = _("informes")
        ordering = ["plan", "numero", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "numero", "version"], name="informe_numero_y_version_unicos_en_plan"
            ),
            _restriccion_porcentaje(
                "meta_por_alcanzar_publicada", "informe_meta_por_alcanzar_entre_0_y_100"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="informe_version_desde_1"
            ),
            # La versión 1 no corrige a nadie; cada corrección dice a cuál corrige y por qué.
            models.CheckConstraint(
                condition=(Q(version=1) & Q(corrige__isnull=True))
                | (Q(version__gt=1) & Q(corrige__isnull=False) & ~Q(motivo_correccion="")),
                name="informe_correccion_con_motivo",
            ),
            # Congelado (con archivos y su huella) solo si está publicado, y con cada parte a la vez.
            models.CheckConstraint(
                condition=(
                    Q(pdf="") & Q(pdf_sha256="") & Q(xlsx="") & Q(xlsx_sha256="") & Q(contenido__isnull=True)
                )
                | (
                    Q(estado="publicado")
                    & ~Q(pdf="")
                    & ~Q(xlsx="")
                    & ~Q(origen_cifras="")
                    & Exact(Length("pdf_sha256"), 64)
                    & Exact(Length("xlsx_sha256"), 64)
                    & Q(contenido__isnull=False)
                    & Q(publicado_en__isnull=False)
                ),
                name="informe_congelado_completo",
            ),
        ]

    def __str__(self):
        if self.version > 1:
            return f"{self.titulo}, versión {self.version} ({self.plan})"
        return f"{self.titulo} ({self.plan})"

    @property
    def congelado(self) -> bool:
        """Publicado con su contenido, PDF y XLSX guardados: ya no cambia."""
        return bool(self.pdf_sha256)

    @property
    def llego_al_portal_otro_dia(self) -> bool:
        """¿Se presentó en una sesión con fecha y llegó al portal otro día? (El 1er Informe
        Parcial se presentó el 4 de diciembre de 2023 y llegó al portal al cargarse.) Entonces
        las páginas dan las dos fechas; sin fecha de sesión, su fecha es la de publicación."""
        return (
            self.fecha_sesion is not None
            and self.publicado_en is not None
            and timezone.localdate(self.publicado_en) != self.fecha_sesion
        )

    def nombre_de_archivo(self, extension: str) -> str:
        """«pal-2022-2024-informe-1-v1.pdf»: el nombre con que se descarga."""
        return f"{self.plan.slug}-informe-{self.numero}-v{self.version}.{extension}"

    def _url_archivo(self, extension: str) -> str:
        from django.urls import reverse

        base = self.nombre_de_archivo(extension).rsplit(".", 1)[0]
        return reverse(
            "informes:archivo", args=[self.plan.slug, self.numero, self.version, base, extension]
        )

    @property
    def url_pdf(self) -> str:
        return self._url_archivo("pdf")

    @property
    def url_xlsx(self) -> str:
        return self._url_archivo("xlsx")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("informes:version", args=[self.plan.slug, self.numero, self.version])


class CifraPublicada(models.Model):
    """Cifra tal como la imprimió un informe, para el plan, un eje o un compromiso."""

    class Nivel(models.TextChoices):
        PLAN = "plan", _("Plan (avance global)")
        EJE = "eje", _("Eje")
        COMPROMISO = "compromiso", _("Compromiso")

    informe = models.ForeignKey(
        Informe, on_delete=models.CASCADE, related_name="cifras", verbose_name=_("informe")
    )
    nivel = models.CharField(_("nivel"), max_length=20, choices=Nivel.choices)
    eje = models.ForeignKey(
        Eje, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("eje")
    )
    compromiso = models.ForeignKey(
        Compromiso,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compromiso"),
    )
    porcentaje = _campo_porcentaje(
        _("porcentaje publicado"),
        null=True,
        blank=True,
        help_text=_("Vacío si el informe presentó el elemento sin cifra."),
    )
    evidencias = models.TextField(
        _("texto de la columna Evidencias"),
        blank=True,
        help_text=_("Texto impreso en la columna «Evidencias», tal cual."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cifra publicada")
        verbose_name_plural = _("cifras publicadas")
        ordering = ["informe", "nivel", "eje__numero", "compromiso__numero"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(nivel="plan") & Q(eje__isnull=True) & Q(compromiso__isnull=True))
                | (Q(nivel="eje") & Q(eje__isnull=False) & Q(compromiso__isnull=True))
                | (Q(nivel="compromiso") & Q(eje__isnull=True) & Q(compromiso__isnull=False)),
                name="cifra_nivel_coherente",
            ),
            models.UniqueConstraint(
                fields=["informe"], condition=Q(nivel="plan"), name="cifra_global_unica"
            ),
            models.UniqueConstraint(fields=["informe", "eje"], name="cifra_eje_unica"),
            models.UniqueConstraint(fields=["informe", "compromiso"], name="cifra_compromiso_unica"),
            _restriccion_porcentaje("porcentaje", "cifra_porcentaje_entre_0_y_100"),
        ]

    def __str__(self):
        if self.nivel == self.Nivel.EJE:
            sujeto = _("Eje %(clave)s") % {"clave": self.eje.clave}
        elif self.nivel == self.Nivel.COMPROMISO:
            sujeto = _("Compromiso %(clave)s") % {"clave": self.compromiso.clave}
        else:
            sujeto = _("Avance global")
        if self.porcentaje is None:
            return _("%(sujeto)s: sin cifra") % {"sujeto": sujeto}
        return _("%(sujeto)s: %(porcentaje)s %%") % {"sujeto": sujeto, "porcentaje": numero_exacto(self.porcentaje)}


class EstatusCompromisoQuerySet(models.QuerySet):
    def ultimos_del_plan(self, plan):
        """El último estatus publicado de cada compromiso de ``plan`` (todos los de su fecha más
        reciente), en el orden del plan, con su compromiso y eje. Una consulta."""
        ultima_fecha = (
            EstatusCompromiso.objects.filter(compromiso=models.OuterRef("compromiso"))
            .order_by("-fecha")
            .values("fecha")[:1]
        )
        return (
            self.filter(compromiso__eje__plan=plan, fecha=models.Subquery(ultima_fecha))
            .select_related("compromiso__eje")
            .order_by("compromiso__eje__numero", "compromiso__numero", "pk")
        )


class EstatusCompromiso(models.Model):
    """Estatus narrativo de un compromiso tal como lo publicó su institución, sin porcentaje.

    Planes históricos (p. ej. el PAL 2019-2021) reportaron su seguimiento con texto
    («Estatus», «desfase en su calendario») y no con avances porcentuales. El texto se
    guarda tal cual y se muestra con su fecha y su fuente; no entra al cálculo del avance,
    así que esos compromisos siguen «sin reporte».
    """

    compromiso = models.ForeignKey(
        Compromiso, on_delete=models.CASCADE, related_name="estatus", verbose_name=_("compromiso")
    )
    fecha = models.DateField(_("fecha del reporte"))
    fuente = models.CharField(
        _("fuente"),
        max_length=300,
        help_text=_("Documento que publicó el estatus, p. ej. «Seguimiento a compromisos, septiembre 2020»."),
    )
    texto = models.TextField(_("estatus"))
    con_desfase = models.BooleanField(
        _("con desfase en su calendario"),
        default=False,
        help_text=_("La fuente declara un desfase del calendario del compromiso."),
    )

    history = HistoricalRecords()
    objects = EstatusCompromisoQuerySet.as_manager()

    class Meta:
        verbose_name = _("estatus narrativo de un compromiso")
        verbose_name_plural = _("estatus narrativos de compromisos")
        ordering = ["compromiso", "fecha", "pk"]

    def __str__(self):
        return _("Estatus de %(compromiso)s (%(fecha)s)") % {
            "compromiso": self.compromiso.clave,
            "fecha": self.fecha,
        }


class VersionPublica(models.Model):
    """Contador único que cambia con cada escritura que puede alterar una página pública.

    Las páginas públicas se guardan en caché bajo una clave que incluye este número
    (ver ``seguimiento/publicacion.py``): al publicarse o corregirse algo, el número sube
    y ninguna página vieja se vuelve a servir, en ningún proceso del servidor.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    numero = models.PositiveBigIntegerField(_("número de versión"), default=0)
    actualizada = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("versión de lo publicado")
        verbose_name_plural = _("versión de lo publicado")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="version_publica_fila_unica")
        ]

    def __str__(self):
        return str(self.numero)


class Recordatorio(models.Model):
    """Correo de recordatorio enviado a un responsable sobre un periodo.

    ``manage.py enviar_recordatorios`` lo registra al enviarlo. La base impide dos el mismo
    día a la misma cuenta por el mismo periodo, y el comando no repite uno cuyo estado
    (tipo, fecha límite y acciones pendientes) no cambió desde el anterior.
    """

    class Tipo(models.TextChoices):
        PROXIMO = "proximo", _("Fecha límite próxima")
        VENCIDO = "vencido", _("Fecha límite vencida")

    periodo = models.ForeignKey(
        Periodo, on_delete=models.CASCADE, related_name="recordatorios", verbose_name=_("periodo")
    )
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recordatorios",
        verbose_name=_("destinatario"),
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    fecha = models.DateField(_("fecha de envío"))
    fecha_limite = models.DateField(_("fecha límite que se recordó"))
    pendientes = models.TextField(
        _("acciones pendientes"), help_text=_("Claves de las acciones sin enviar, separadas por comas.")
    )
    correo = models.EmailField(_("correo"))
    enviado_en = models.DateTimeField(_("enviado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("recordatorio")
        verbose_name_plural = _("recordatorios")
        ordering = ["periodo", "usuario", "-enviado_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["periodo", "usuario", "fecha"], name="recordatorio_uno_por_dia"
            )
        ]

    def __str__(self):
        return _("Recordatorio a %(usuario)s (%(periodo)s, %(fecha)s)") % {
            "usuario": self.usuario,
            "periodo": self.periodo,
            "fecha": self.fecha,
        }
