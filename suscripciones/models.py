"""Quién sigue un plan o un compromiso por correo.

Las direcciones son datos personales: se guarda lo mínimo (la dirección, qué sigue, cuándo se
pidió y cuándo se confirmó), nunca se publican (ni en páginas, ni en datos abiertos, ni en el
admin: el modelo no se registra) y se borran de verdad cuando la persona lo pide. Por eso este
modelo, a diferencia de los del plan y su seguimiento, **no lleva historial**
(django-simple-history guardaría una copia de cada dirección que sobreviviría al borrado), como
``seguimiento.Recordatorio``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plan.models import Compromiso, Plan


class SuscripcionQuerySet(models.QuerySet):
    def confirmadas(self):
        return self.filter(confirmada_en__isnull=False)

    def del_plan(self, plan):
        """Las del plan y las de sus compromisos."""
        return self.filter(Q(plan=plan) | Q(compromiso__eje__plan=plan))


class Suscripcion(models.Model):
    """Una dirección que sigue un plan **o** un compromiso (exactamente uno de los dos)."""

    correo = models.EmailField(_("correo"), max_length=254)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("plan")
    )
    compromiso = models.ForeignKey(
        Compromiso,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compromiso"),
    )
    creada = models.DateTimeField(_("pedida el"), auto_now_add=True)
    confirmada_en = models.DateTimeField(_("confirmada el"), null=True, blank=True)
    confirmacion_enviada_en = models.DateTimeField(
        _("último correo de confirmación"),
        help_text=_("Para no enviar otro a la misma dirección antes de unos minutos."),
    )

    objects = SuscripcionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suscripción")
        verbose_name_plural = _("suscripciones")
        ordering = ["correo", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(plan__isnull=False) & Q(compromiso__isnull=True))
                | (Q(plan__isnull=True) & Q(compromiso__isnull=False)),
                name="suscripcion_plan_o_compromiso",
                violation_error_message=_("Una suscripción sigue un plan o un compromiso (uno de los dos)."),
            ),
            models.UniqueConstraint(
                fields=["correo", "plan"], condition=Q(plan__isnull=False), name="suscripcion_unica_por_plan"
            ),
            models.UniqueConstraint(
                fields=["correo", "compromiso"],
                condition=Q(compromiso__isnull=False),
                name="suscripcion_unica_por_compromiso",
            ),
            # Se guarda normalizada (minúsculas): «Ana@X.mx» y «ana@x.mx» son la misma persona.
            models.CheckConstraint(condition=Q(correo=models.functions.Lower("correo")), name="suscripcion_correo_en_minusculas"),
        ]

    def __str__(self):
        return str(self.objetivo)

    @property
    def objetivo(self):
        """El plan o el compromiso que sigue."""
        return self.plan if self.plan_id else self.compromiso

    @property
    def confirmada(self) -> bool:
        return self.confirmada_en is not None
