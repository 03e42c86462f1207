"""Modelos de la gestión del plan.

``Invitacion``: el enlace que el STL envía por correo para que una persona invitada elija su
contraseña. No guarda el enlace ni su token (se calculan al enviar, con
``gestion.invitaciones.GeneradorDeInvitaciones``, y se comprueban al abrirlo); guarda a quién,
para qué membresía, quién la pidió y su estado: pendiente, aceptada, reemplazada por un
reenvío o vencida.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InvitacionQuerySet(models.QuerySet):
    def del_plan(self, plan):
        return self.filter(plan=plan)

    def pendientes(self, ahora=None):
        ahora = ahora or timezone.now()
        return self.filter(aceptada_en__isnull=True, reemplazada_en__isnull=True, expira_en__gt=ahora)


class Invitacion(models.Model):
    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("pendiente")
        ACEPTADA = "aceptada", _("aceptada")
        REEMPLAZADA = "reemplazada", _("reemplazada por un reenvío")
        VENCIDA = "vencida", _("vencida")

    plan = models.ForeignKey(
        "plan.Plan", on_delete=models.CASCADE, related_name="invitaciones", verbose_name=_("plan")
    )
    membresia = models.ForeignKey(
        "plan.Membresia", on_delete=models.CASCADE, related_name="invitaciones", verbose_name=_("membresía")
    )
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitaciones",
        verbose_name=_("cuenta invitada"),
    )
    correo = models.EmailField(_("correo al que se envió"))
    creada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitaciones_enviadas",
        verbose_name=_("enviada por"),
    )
    creada_en = models.DateTimeField(_("enviada el"), default=timezone.now)
    expira_en = models.DateTimeField(_("vence el"))
    aceptada_en = models.DateTimeField(_("aceptada el"), null=True, blank=True)
    reemplazada_en = models.DateTimeField(
        _("reemplazada el"),
        null=True,
        blank=True,
        help_text=_("Cuando se reenvió la invitación: el enlace anterior deja de servir."),
    )

    history = HistoricalRecords()
    objects = InvitacionQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitación")
        verbose_name_plural = _("invitaciones")
        ordering = ["-creada_en", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expira_en__gt=F("creada_en")), name="invitacion_vence_despues"),
            models.CheckConstraint(
                condition=Q(aceptada_en__isnull=True) | Q(reemplazada_en__isnull=True),
                name="invitacion_aceptada_o_reemplazada",
            ),
            # Una sola invitación vigente (ni aceptada ni reemplazada) por membresía: dos reenvíos
            # simultáneos no dejan dos enlaces válidos.
            models.UniqueConstraint(
                fields=["membresia"],
                condition=Q(aceptada_en__isnull=True, reemplazada_en__isnull=True),
                name="invitacion_una_abierta_por_membresia",
            ),
        ]

    def __str__(self):
        return _("Invitación a %(correo)s (%(plan)s)") % {"correo": self.correo, "plan": self.plan}

    def estado(self, ahora=None) -> str:
        if self.aceptada_en:
            return self.Estado.ACEPTADA
        if self.reemplazada_en:
            return self.Estado.REEMPLAZADA
        if self.expira_en <= (ahora or timezone.now()):
            return self.Estado.VENCIDA
        return self.Estado.PENDIENTE

    @property
    def estado_texto(self) -> str:
        return self.Estado(self.estado()).label
