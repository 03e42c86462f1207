"""Estructura de un Plan de Acción Local: plan → ejes → compromisos → acciones.

Los números que ve la ciudadanía ("1", "1.5", "1.5.3") se derivan de ``numero``
en cada nivel: cada nivel guarda solo su propio número dentro de su padre y la
base de datos garantiza que no se repita.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .licencias import Licencia

PESO_POR_OMISION = Decimal("1")


class EnlaceField(models.URLField):
    """URL pública; en los formularios, un enlace escrito sin esquema se entiende como https://."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def _campo_peso():
    return models.DecimalField(
        _("peso"),
        max_digits=9,
        decimal_places=4,
        default=PESO_POR_OMISION,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Peso relativo frente a sus pares (número no negativo; 1 por omisión). "
            "Un peso 0 excluye el elemento del cálculo del avance."
        ),
    )


def _restriccion_peso(nombre_modelo: str):
    return models.CheckConstraint(
        condition=Q(peso__gte=0), name=f"{nombre_modelo}_peso_no_negativo"
    )


def _fechas_opcionales_en_orden(inicio: str, fin: str, nombre: str):
    """Si ambas fechas constan, ``inicio`` no puede ser posterior a ``fin``."""
    return models.CheckConstraint(
        condition=Q(**{f"{inicio}__isnull": True})
        | Q(**{f"{fin}__isnull": True})
        | Q(**{f"{inicio}__lte": F(fin)}),
        name=nombre,
    )


class Retiro(models.TextChoices):
    """Por qué un compromiso o una acción dejó el plan. Nada publicado se borra: se retira."""

    CANCELADA = "cancelada", _("Cancelada")
    FUSIONADA = "fusionada", _("Fusionada con otra")
    SUSTITUIDA = "sustituida", _("Sustituida por otra")


def _restricciones_de_retiro(modelo: str):
    """Vigente: los cuatro vacíos. Cancelada: motivo y fecha, sin destino. Fusionada o
    sustituida: motivo, fecha y destino, que no es ella misma."""
    vigente = Q(retiro="", retiro_motivo="", retiro_fecha__isnull=True, retiro_destino__isnull=True)
    con_motivo = ~Q(retiro_motivo="") & Q(retiro_fecha__isnull=False)
    cancelada = Q(retiro=Retiro.CANCELADA, retiro_destino__isnull=True) & con_motivo
    con_destino = (
        Q(retiro__in=[Retiro.FUSIONADA, Retiro.SUSTITUIDA], retiro_destino__isnull=False)
        & ~Q(retiro_destino=F("id"))
        & con_motivo
    )
    return [
        models.CheckConstraint(
            condition=vigente | cancelada | con_destino, name=f"{modelo}_retiro_completo"
        )
    ]


class RetirableQuerySet(models.QuerySet):
    def vigentes(self):
        return self.filter(retiro="")

    def retiradas(self):
        return self.exclude(retiro="")


class Retirable(models.Model):
    """Lo común a un compromiso y una acción que pueden retirarse del plan (vigente mientras
    ``retiro`` está vacío). Sus restricciones: ``_restricciones_de_retiro``."""

    retiro = models.CharField(
        _("retiro"), max_length=20, choices=Retiro.choices, blank=True,
        help_text=_("Vacío mientras está vigente."),
    )
    retiro_motivo = models.TextField(_("motivo del retiro"), blank=True)
    retiro_fecha = models.DateField(_("fecha del retiro"), null=True, blank=True)
    retiro_destino = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="absorbidas",
        verbose_name=_("fusionada con o sustituida por"),
        help_text=_("Con cuál se fusionó o cuál la sustituye (del mismo plan)."),
    )

    class Meta:
        abstract = True

    @property
    def retirada(self) -> bool:
        return bool(self.retiro)


class Institucion(models.Model):
    class Tipo(models.TextChoices):
        PODER_EJECUTIVO = "poder_ejecutivo", _("Poder ejecutivo")
        PODER_LEGISLATIVO = "poder_legislativo", _("Poder legislativo")
        PODER_JUDICIAL = "poder_judicial", _("Poder judicial")
        ORGANISMO_AUTONOMO = "organismo_autonomo", _("Organismo autónomo")
        MUNICIPIO = "municipio", _("Municipio")
        ACADEMIA = "academia", _("Academia")
        SOCIEDAD_CIVIL = "sociedad_civil", _("Sociedad civil")

    nombre = models.CharField(_("nombre"), max_length=300, unique=True)
    siglas = models.CharField(_("siglas"), max_length=40, blank=True)
    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices)
    sitio_web = EnlaceField(_("sitio web"), blank=True)
    correo_institucional = models.EmailField(
        _("correo institucional"),
        blank=True,
        help_text=_("Correo de contacto de la institución (nunca el personal de alguien)."),
    )
    telefono_institucional = models.CharField(
        _("teléfono institucional"),
        max_length=60,
        blank=True,
        help_text=_("Conmutador o teléfono de atención, con extensión si la hay."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")
        ordering = ["nombre"]

    def __str__(self):
        return f"{self.nombre} ({self.siglas})" if self.siglas else self.nombre

    @property
    def nombre_corto(self) -> str:
        return self.siglas or self.nombre

    @property
    def tiene_contacto(self) -> bool:
        return bool(self.sitio_web or self.correo_institucional or self.telefono_institucional)


class Persona(models.Model):
    """Funcionaria o representante de una institución (p. ej. un representante titular)."""

    grado = models.CharField(
        _("grado o tratamiento"), max_length=20, blank=True, help_text=_("Mtro., Dra., Lic., …")
    )
    nombre = models.CharField(_("nombre completo"), max_length=200)
    cargo = models.CharField(_("cargo"), max_length=300, blank=True)
    institucion = models.ForeignKey(
        Institucion,
        on_delete=models.PROTECT,
        related_name="personas",
        verbose_name=_("institución"),
    )
    usuario = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persona",
        verbose_name=_("cuenta de usuario"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        ordering = ["nombre"]
        constraints = [
            models.UniqueConstraint(
                fields=["nombre", "institucion"], name="persona_unica_por_institucion"
            )
        ]

    def __str__(self):
        return f"{self.grado} {self.nombre}".strip()


class ObjetivoODS(models.Model):
    """Objetivo de Desarrollo Sostenible de la Agenda 2030 (1 a 17)."""

    numero = models.PositiveSmallIntegerField(_("número"), unique=True)
    nombre = models.CharField(_("nombre"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objetivo de desarrollo sostenible")
        verbose_name_plural = _("objetivos de desarrollo sostenible")
        ordering = ["numero"]
        constraints = [
            models.CheckConstraint(
                condition=Q(numero__gte=1, numero__lte=17), name="ods_numero_1_a_17"
            )
        ]

    def __str__(self):
        return f"ODS {self.numero}. {self.nombre}"


class MetaODS(models.Model):
    """Meta de un ODS, p. ej. 16.6 o 16.10."""

    objetivo = models.ForeignKey(
        ObjetivoODS, on_delete=models.PROTECT, related_name="metas", verbose_name=_("objetivo")
    )
    clave = models.CharField(_("clave"), max_length=10, unique=True, help_text=_("p. ej. 16.6"))
    descripcion = models.TextField(_("descripción"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meta ODS")
        verbose_name_plural = _("metas ODS")
        # Orden natural, el de la Agenda 2030: 16.1 … 16.9, 16.10, 16.a, 16.b (no 16.10 antes que
        # 16.5, como en un orden de texto). Las metas con número van antes que las de letra y,
        # entre ellas, la clave más corta primero.
        ordering = [
            "objetivo__numero",
            Case(When(clave__regex=r"^[0-9]+\.[0-9]+$", then=Value(0)), default=Value(1)),
            Length("clave"),
            "clave",
        ]

    def __str__(self):
        return _("Meta %(clave)s") % {"clave": self.clave}


class PlanQuerySet(models.QuerySet):
    def vigentes_primero(self):
        return self.order_by("-anio_fin", "nombre")


class Plan(models.Model):
    nombre = models.CharField(_("nombre"), max_length=300)
    nombre_corto = models.CharField(
        _("nombre corto"), max_length=60, blank=True, help_text=_("p. ej. PAL 2022-2024")
    )
    slug = models.SlugField(_("identificador en URL"), max_length=80, unique=True)
    entidad = models.CharField(_("entidad federativa"), max_length=100)
    anio_inicio = models.PositiveSmallIntegerField(_("año de inicio de la vigencia"))
    anio_fin = models.PositiveSmallIntegerField(_("año de fin de la vigencia"))
    fecha_meta = models.DateField(
        _("fecha meta"),
        null=True,
        blank=True,
        help_text=_("Fecha en que el plan debe alcanzar el 100 % (se muestra como mes y año)."),
    )
    descripcion = models.TextField(_("descripción"), blank=True)
    exige_evidencia = models.BooleanField(
        _("exigir evidencia para validar"),
        default=False,
        help_text=_(
            "Si se marca, un avance solo puede validarse si tiene al menos una evidencia "
            "(enlace o archivo)."
        ),
    )
    stl_nombre = models.CharField(
        _("nombre del Secretariado Técnico Local"),
        max_length=300,
        blank=True,
        help_text=_("Tal como lo imprime el plan o su informe, p. ej. «Secretariado Técnico Local de Estado Abierto Guanajuato 2022-2024»."),
    )
    stl_facilitacion = models.CharField(
        _("facilitador(a) del STL"),
        max_length=200,
        blank=True,
        help_text=_("Nombre de quien facilita el STL, si el plan lo publica."),
    )
    stl_correo = models.EmailField(
        _("correo de contacto del STL"),
        blank=True,
        help_text=_("Se muestra en las páginas del STL, de accesibilidad y de privacidad. Vacío: las páginas dicen que falta."),
    )
    stl_sitio_web = EnlaceField(_("sitio web del STL"), blank=True)
    stl_domicilio = models.TextField(
        _("domicilio del STL"),
        blank=True,
        help_text=_("Domicilio para recibir solicitudes (p. ej. derechos ARCO); lo muestra el aviso de privacidad."),
    )
    licencia = models.CharField(
        _("licencia de los datos abiertos"),
        max_length=20,
        choices=Licencia.choices,
        blank=True,
        help_text=_(
            "La que el STL fija para los datos de este plan; se muestra en /datos/ y dentro de cada "
            "archivo. Vacía: se usa la del portal por omisión (CC BY 4.0) y se dice que el STL no la ha fijado."
        ),
    )

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan de acción local")
        verbose_name_plural = _("planes de acción local")
        ordering = ["-anio_fin", "nombre"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anio_inicio__lte=F("anio_fin")), name="plan_vigencia_en_orden"
            ),
            models.CheckConstraint(
                condition=Q(licencia="") | Q(licencia__in=Licencia.values), name="plan_licencia_del_catalogo"
            ),
        ]

    def __str__(self):
        return self.nombre_corto or self.nombre

    def get_absolute_url(self):
        return reverse("plan:plan", kwargs={"slug": self.slug})

    @property
    def vigencia(self) -> str:
        return f"{self.anio_inicio}-{self.anio_fin}"

    def concluido_el(self, fecha: datetime.date) -> bool:
        """¿Terminó su vigencia antes de ``fecha``? La fecha meta, si el plan la registra (el
        PAL 2022-2024: 31 de agosto de 2024); si no, el último año de su vigencia completo (el
        PAL 2019-2021 no imprime un día de cierre: concluye al terminar 2021)."""
        if self.fecha_meta is not None:
            return fecha > self.fecha_meta
        return fecha.year > self.anio_fin

    @property
    def concluido(self) -> bool:
        """Concluido hoy (fecha local del portal)."""
        return self.concluido_el(timezone.localdate())


class Eje(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="ejes", verbose_name=_("plan")
    )
    numero = models.PositiveSmallIntegerField(_("número"))
    nombre = models.CharField(_("nombre"), max_length=200)
    descripcion = models.TextField(_("descripción"), blank=True)
    peso = _campo_peso()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eje")
        verbose_name_plural = _("ejes")
        ordering = ["plan", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "numero"], name="eje_numero_unico_en_plan"),
            _restriccion_peso("eje"),
        ]

    def __str__(self):
        return _("Eje %(clave)s. %(nombre)s") % {"clave": self.clave, "nombre": self.nombre}

    @property
    def clave(self) -> str:
        return str(self.numero)


class CompromisoQuerySet(RetirableQuerySet):
    def del_plan(self, plan):
        return self.filter(eje__plan=plan)


class Compromiso(Retirable):
    eje = models.ForeignKey(
        Eje, on_delete=models.CASCADE, related_name="compromisos", verbose_name=_("eje")
    )
    numero = models.PositiveSmallIntegerField(
        _("número dentro del eje"), help_text=_("El 5 de «1.5».")
    )
    nombre = models.CharField(_("nombre"), max_length=400)
    descripcion = models.TextField(_("descripción y relevancia"), blank=True)
    problema = models.TextField(_("problema"), blank=True)
    objetivo_principal = models.TextField(_("objetivo principal"), blank=True)
    metas_verificables = models.TextField(
        _("propósito ciudadano (metas verificables)"), blank=True
    )
    medios_verificacion = models.TextField(_("medios de verificación"), blank=True)
    fecha_inicio = models.DateField(_("fecha de inicio"), null=True, blank=True)
    fecha_conclusion = models.DateField(_("fecha de conclusión"), null=True, blank=True)
    alineacion_agenda_2030 = models.TextField(
        _("alineación con la Agenda 2030"),
        blank=True,
        help_text=_("Texto de la ficha sobre su alineación con los ODS y sus metas, tal cual."),
    )
    objetivos_ods = models.ManyToManyField(
        ObjetivoODS, blank=True, related_name="compromisos", verbose_name=_("objetivos ODS")
    )
    metas_ods = models.ManyToManyField(
        MetaODS, blank=True, related_name="compromisos", verbose_name=_("metas ODS")
    )
    institucion_responsable = models.ForeignKey(
        Institucion,
        on_delete=models.PROTECT,
        related_name="compromisos",
        verbose_name=_("institución responsable"),
    )
    representante = models.ForeignKey(
        Persona,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compromisos",
        verbose_name=_("representante titular"),
    )
    representante_suplente = models.ForeignKey(
        Persona,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suplencias",
        verbose_name=_("representante suplente"),
    )
    partes_cocreadoras = models.ManyToManyField(
        Institucion,
        blank=True,
        related_name="compromisos_cocreados",
        verbose_name=_("partes cocreadoras"),
        help_text=_("Organizaciones de gobierno y de sociedad civil que cocrearon el compromiso."),
    )
    peso = _campo_peso()

    history = HistoricalRecords(m2m_fields=[objetivos_ods, metas_ods, partes_cocreadoras])
    objects = CompromisoQuerySet.as_manager()

    class Meta:
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        ordering = ["eje__plan", "eje__numero", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["eje", "numero"], name="compromiso_numero_unico_en_eje"
            ),
            _restriccion_peso("compromiso"),
            _fechas_opcionales_en_orden("fecha_inicio", "fecha_conclusion", "compromiso_fechas_en_orden"),
            models.CheckConstraint(
                condition=Q(representante_suplente__isnull=True) | ~Q(representante_suplente=F("representante")),
                name="compromiso_suplente_no_es_titular",
            ),
            *_restricciones_de_retiro("compromiso"),
        ]

    def __str__(self):
        return _("Compromiso %(clave)s. %(nombre)s") % {"clave": self.clave, "nombre": self.nombre}

    @property
    def clave(self) -> str:
        return f"{self.eje.numero}.{self.numero}"


class EnlaceCompromiso(models.Model):
    """Enlace público de un compromiso (sitio, datos, evidencia citada en un informe)."""

    compromiso = models.ForeignKey(
        Compromiso, on_delete=models.CASCADE, related_name="enlaces", verbose_name=_("compromiso")
    )
    url = EnlaceField(_("dirección (URL)"), max_length=500)
    titulo = models.CharField(_("título"), max_length=200, blank=True)
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enlace del compromiso")
        verbose_name_plural = _("enlaces del compromiso")
        ordering = ["compromiso", "orden", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["compromiso", "url"], name="enlace_unico_por_compromiso")
        ]

    def __str__(self):
        return self.titulo or self.url


class AccionQuerySet(RetirableQuerySet):
    def del_plan(self, plan):
        return self.filter(compromiso__eje__plan=plan)

    def de_institucion(self, institucion):
        return self.filter(compromiso__institucion_responsable=institucion)


class Accion(Retirable):
    compromiso = models.ForeignKey(
        Compromiso, on_delete=models.CASCADE, related_name="acciones", verbose_name=_("compromiso")
    )
    numero = models.PositiveSmallIntegerField(
        _("número dentro del compromiso"), help_text=_("El 3 de «1.5.3».")
    )
    descripcion = models.TextField(_("descripción"))
    destacado = models.CharField(
        _("texto destacado"),
        max_length=200,
        blank=True,
        help_text=_(
            "Palabras de la descripción que el informe imprime en negritas "
            "(deben aparecer tal cual en la descripción)."
        ),
    )
    entregable = models.TextField(_("entregable"), blank=True)
    fecha_inicio = models.DateField(_("fecha de inicio"), null=True, blank=True)
    fecha_fin = models.DateField(_("fecha de fin"), null=True, blank=True)
    peso = _campo_peso()

    history = HistoricalRecords()
    objects = AccionQuerySet.as_manager()

    class Meta:
        verbose_name = _("acción")
        verbose_name_plural = _("acciones")
        ordering = ["compromiso__eje__plan", "compromiso__eje__numero", "compromiso__numero", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["compromiso", "numero"], name="accion_numero_unico_en_compromiso"
            ),
            _restriccion_peso("accion"),
            _fechas_opcionales_en_orden("fecha_inicio", "fecha_fin", "accion_fechas_en_orden"),
            *_restricciones_de_retiro("accion"),
        ]

    def __str__(self):
        return _("Acción %(clave)s") % {"clave": self.clave}

    @property
    def clave(self) -> str:
        return f"{self.compromiso.eje.numero}.{self.compromiso.numero}.{self.numero}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.destacado and self.destacado not in (self.descripcion or ""):
            raise ValidationError(
                {"destacado": _("El texto destacado debe aparecer tal cual en la descripción.")}
            )


class MembresiaQuerySet(models.QuerySet):
    def del_plan(self, plan):
        return self.filter(plan=plan)

    def activas(self):
        return self.filter(activa=True)

    def responsables_de(self, plan, institucion_id):
        return self.filter(plan=plan, rol=Membresia.Rol.RESPONSABLE, institucion_id=institucion_id, activa=True)


class Membresia(models.Model):
    """Papel de una cuenta en un plan: quién puede hacer qué en el trabajo del STL.

    * **Facilitador(a) del STL**: gestiona el plan: periodos, revisión y publicación.
    * **Integrante del STL**: lee el plan completo, incluidos borradores; no cambia nada.
    * **Responsable / enlace**: reporta los avances de las acciones de *su* institución
      (una fila por institución si atiende varias).

    Las cuentas de superusuario (administración) pueden cualquier operación en cualquier plan.
    """

    class Rol(models.TextChoices):
        FACILITADOR = "facilitador", _("Facilitador(a) del STL")
        INTEGRANTE = "integrante", _("Integrante del STL (solo lectura)")
        RESPONSABLE = "responsable", _("Responsable o enlace de una institución")

    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membresias",
        verbose_name=_("cuenta de usuario"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="membresias", verbose_name=_("plan")
    )
    rol = models.CharField(_("papel"), max_length=20, choices=Rol.choices)
    activa = models.BooleanField(
        _("activa"),
        default=True,
        help_text=_(
            "Una membresía dada de baja ya no da acceso al plan; lo que esa cuenta hizo sigue "
            "en el historial con su nombre."
        ),
    )
    institucion = models.ForeignKey(
        Institucion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membresias",
        verbose_name=_("institución"),
        help_text=_("Solo para responsables: la institución cuyas acciones reporta."),
    )

    history = HistoricalRecords()
    objects = MembresiaQuerySet.as_manager()

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        ordering = ["plan", "rol", "usuario__username"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rol="responsable") & Q(institucion__isnull=False))
                | (~Q(rol="responsable") & Q(institucion__isnull=True)),
                name="membresia_institucion_solo_de_responsables",
            ),
            models.UniqueConstraint(
                fields=["usuario", "plan", "institucion"],
                condition=Q(rol="responsable"),
                name="membresia_responsable_unica",
            ),
            models.UniqueConstraint(
                fields=["usuario", "plan", "rol"],
                condition=~Q(rol="responsable"),
                name="membresia_stl_unica",
            ),
        ]

    def __str__(self):
        if self.institucion_id:
            return _("%(usuario)s: %(rol)s de %(institucion)s en %(plan)s") % {
                "usuario": self.usuario,
                "rol": self.get_rol_display(),
                "institucion": self.institucion.nombre_corto,
                "plan": self.plan,
            }
        return _("%(usuario)s: %(rol)s en %(plan)s") % {
            "usuario": self.usuario,
            "rol": self.get_rol_display(),
            "plan": self.plan,
        }

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.rol == self.Rol.RESPONSABLE and not self.institucion_id:
            raise ValidationError({"institucion": _("Un responsable debe tener una institución.")})
        if self.rol != self.Rol.RESPONSABLE and self.institucion_id:
            raise ValidationError(
                {"institucion": _("Solo los responsables se asignan a una institución.")}
            )


class IntegranteSTLQuerySet(models.QuerySet):
    def del_plan(self, plan):
        return self.filter(plan=plan).select_related("institucion", "titular", "suplente")


class IntegranteSTL(models.Model):
    """Una institución u organización que integra el Secretariado Técnico Local de un plan, con
    su representante titular y, si lo hay, su suplente (ambos ``Persona`` de esa institución).

    Es la integración que publicó el plan (o su informe); las fechas en que cada quien sirvió y
    las sesiones a las que asistió pueden añadirse a este mismo registro.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="integrantes_stl", verbose_name=_("plan")
    )
    institucion = models.ForeignKey(
        Institucion,
        on_delete=models.PROTECT,
        related_name="integraciones_stl",
        verbose_name=_("institución u organización que representa"),
    )
    titular = models.ForeignKey(
        Persona,
        on_delete=models.PROTECT,
        related_name="titularidades_stl",
        verbose_name=_("titular"),
    )
    suplente = models.ForeignKey(
        Persona,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suplencias_stl",
        verbose_name=_("suplente"),
        help_text=_("Vacío si el plan no publicó suplente."),
    )
    orden = models.PositiveSmallIntegerField(
        _("orden"), default=0, help_text=_("Posición en la tabla de integrantes del plan.")
    )

    history = HistoricalRecords()
    objects = IntegranteSTLQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrante del STL")
        verbose_name_plural = _("integrantes del STL")
        ordering = ["plan", "orden", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "institucion"], name="integrante_stl_una_vez_por_plan"
            ),
            models.CheckConstraint(
                condition=Q(suplente__isnull=True) | ~Q(suplente=F("titular")),
                name="integrante_stl_suplente_no_es_titular",
            ),
        ]

    def __str__(self):
        return _("%(institucion)s en el STL del %(plan)s") % {
            "institucion": self.institucion.nombre_corto,
            "plan": self.plan,
        }

    def clean(self):
        from django.core.exceptions import ValidationError

        errores = {}
        for campo in ("titular", "suplente"):
            # Sin persona elegida (el formulario ya dice si es obligatoria) no hay nada que comparar.
            if getattr(self, f"{campo}_id") is None or not self.institucion_id:
                continue
            if getattr(self, campo).institucion_id != self.institucion_id:
                errores[campo] = _("Debe ser una persona de la institución que representa.")
        if errores:
            raise ValidationError(errores)


class ClaveAnterior(models.Model):
    """Una dirección pública (``1.5``, ``1.5.3``) que un eje, compromiso o acción tuvo antes de
    renumerarse: el portal la redirige a su clave de hoy. Si otro elemento toma después esa
    misma clave, la clave viva gana; ``(plan, nivel, clave)`` es única y guarda el último dueño.
    """

    class Nivel(models.TextChoices):
        EJE = "eje", _("Eje")
        COMPROMISO = "compromiso", _("Compromiso")
        ACCION = "accion", _("Acción")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="claves_anteriores", verbose_name=_("plan")
    )
    nivel = models.CharField(_("nivel"), max_length=20, choices=Nivel.choices)
    clave = models.CharField(_("clave anterior"), max_length=20)
    clave_nueva = models.CharField(
        _("clave nueva"), max_length=20, help_text=_("La que recibió al renumerarse (puede cambiar otra vez).")
    )
    eje = models.ForeignKey(Eje, on_delete=models.CASCADE, null=True, blank=True, related_name="claves_anteriores")
    compromiso = models.ForeignKey(
        Compromiso, on_delete=models.CASCADE, null=True, blank=True, related_name="claves_anteriores"
    )
    accion = models.ForeignKey(
        Accion, on_delete=models.CASCADE, null=True, blank=True, related_name="claves_anteriores"
    )
    cambiada_en = models.DateTimeField(_("renumerada el"), default=timezone.now)
    cambiada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renumerada por"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clave anterior")
        verbose_name_plural = _("claves anteriores")
        ordering = ["plan", "nivel", "clave"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "nivel", "clave"], name="clave_anterior_unica"),
            models.CheckConstraint(
                condition=(
                    Q(nivel="eje", eje__isnull=False, compromiso__isnull=True, accion__isnull=True)
                    | Q(nivel="compromiso", eje__isnull=True, compromiso__isnull=False, accion__isnull=True)
                    | Q(nivel="accion", eje__isnull=True, compromiso__isnull=True, accion__isnull=False)
                ),
                name="clave_anterior_un_destino_de_su_nivel",
            ),
        ]

    def __str__(self):
        return f"{self.get_nivel_display()} {self.clave} → {self.clave_nueva}"

    @property
    def destino(self):
        return self.eje or self.compromiso or self.accion
