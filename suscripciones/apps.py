from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuscripcionesConfig(AppConfig):
    """Seguir y compartir: avisos por correo (``Suscripcion``), novedades en Atom y la cifra para
    insertar en otros sitios.

    Depende de ``plan``, ``seguimiento`` y ``portal``; nada depende de ella. Se entera de cada
    publicación por las señales de ``seguimiento/senales.py``, que conecta aquí: cada una pide
    una tarea en segundo plano que envía los avisos (``trabajos_en_segundo_plano.py``).
    """

    name = "suscripciones"
    verbose_name = _("Seguir y compartir")

    def ready(self):
        from seguimiento.senales import informe_publicado, periodo_publicado

        from .trabajos_en_segundo_plano import al_publicarse_informe, al_publicarse_periodo

        periodo_publicado.connect(al_publicarse_periodo, dispatch_uid="suscripciones-periodo-publicado")
        informe_publicado.connect(al_publicarse_informe, dispatch_uid="suscripciones-informe-publicado")
