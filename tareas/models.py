"""Una tarea en segundo plano y su estado, visibles para quien la pidió.

El estado vive aquí y no en Celery: la página del STL lo lee de la base (sin «result backend»),
sobrevive a un reinicio del broker y una tarea fallida queda a la vista para reintentarla.

``Tarea`` no lleva historial (simple-history): es ella misma la bitácora de un trabajo (quién lo
pidió, cuándo empezó, cuándo terminó, cómo); lo que el trabajo cambia (un informe congelado, los
avances de una carga) queda en el historial de esos modelos.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TareaQuerySet(models.QuerySet):
    def del_plan(self, plan):
        return self.filter(plan=plan)

    def activas(self):
        return self.filter(estado__in=(Tarea.Estado.PENDIENTE, Tarea.Estado.EN_CURSO))

    def recientes(self):
        return self.order_by("-creada", "-pk")

    def con_clave(self, clave: str):
        return self.filter(clave=clave)


class Tarea(models.Model):
    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("En espera")
        EN_CURSO = "en_curso", _("En curso")
        TERMINADA = "terminada", _("Terminada")
        FALLIDA = "fallida", _("Falló")

    tipo = models.CharField(_("tipo"), max_length=60, help_text=_("Nombre registrado del trabajo."))
    descripcion = models.CharField(_("descripción"), max_length=300)
    plan = models.ForeignKey(
        "plan.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, null=True, blank=True, related_name="tareas"
    )
    argumentos = models.JSONField(_("argumentos"), default=dict, blank=True)
    estado = models.CharField(_("estado"), max_length=10, choices=Estado.choices, default=Estado.PENDIENTE)
    progreso = models.PositiveSmallIntegerField(_("progreso (%)"), default=0)
    paso = models.CharField(_("paso en curso"), max_length=200, blank=True)
    resultado = models.JSONField(_("resultado"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    origen = models.CharField(
        _("página de origen"), max_length=500, blank=True,
        help_text=_("Ruta de la página desde donde se pidió, para volver a ella (p. ej. la vista previa de una carga)."),
    )
    clave = models.CharField(
        _("clave de unicidad"), max_length=120, blank=True,
        help_text=_("Dos tareas activas no comparten clave (p. ej. la publicación de un mismo informe)."),
    )
    pedida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pedida por"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    creada = models.DateTimeField(_("pedida"), auto_now_add=True)
    iniciada = models.DateTimeField(_("iniciada"), null=True, blank=True)
    terminada = models.DateTimeField(_("terminada"), null=True, blank=True)

    objects = TareaQuerySet.as_manager()

    class Meta:
        verbose_name = _("tarea en segundo plano")
        verbose_name_plural = _("tareas en segundo plano")
        ordering = ["-creada", "-pk"]
        indexes = [models.Index(fields=["plan", "-creada"], name="tarea_plan_recientes")]
        constraints = [
            models.CheckConstraint(condition=Q(progreso__lte=100), name="tarea_progreso_hasta_100"),
            models.CheckConstraint(
                condition=Q(estado__in=("terminada", "fallida"), terminada__isnull=False)
                | (~Q(estado__in=("terminada", "fallida")) & Q(terminada__isnull=True)),
                name="tarea_terminada_con_fecha",
            ),
            models.CheckConstraint(
                condition=~Q(estado="fallida") | ~Q(error=""), name="tarea_fallida_dice_por_que"
            ),
            # Un mismo trabajo (la misma clave) no se pide dos veces mientras el primero no termine:
            # dos clics en «Publicar», o dos pestañas, no congelan dos veces el mismo informe.
            models.UniqueConstraint(
                fields=["clave"],
                condition=Q(estado__in=("pendiente", "en_curso")) & ~Q(clave=""),
                name="tarea_una_activa_por_clave",
            ),
        ]

    def __str__(self):
        return self.descripcion

    @property
    def activa(self) -> bool:
        return self.estado in (self.Estado.PENDIENTE, self.Estado.EN_CURSO)

    @property
    def reintentable(self) -> bool:
        return self.estado == self.Estado.FALLIDA
