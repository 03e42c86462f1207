"""Las cuentas borradas en el historial (django-simple-history).

El modelo histórico de cada modelo con ``history`` copia sus llaves foráneas como
``DO_NOTHING`` y sin restricción en la base (``db_constraint=False``): así el historial de un
objeto sobrevive al objeto. Con las cuentas eso dejaba, al borrar una, sus registros de historial
apuntando a una cuenta que ya no existe (``capturado_por``, ``enviada_por``, ``usuario`` de la
membresía que el borrado se llevó en cascada…), mientras que el modelo vivo (``SET_NULL``) y el
propio historial (``history_user``, también ``SET_NULL``) ya la olvidan. Esa referencia colgante
rompía ``dumpdata --natural-foreign`` (y con él el respaldo: la llave natural de una cuenta es su
nombre, y no hay nombre que poner) y, en SQLite, podía atribuirle el registro a la siguiente
cuenta que tomara el mismo número.

Aquí el historial hace con la cuenta borrada lo mismo que el modelo vivo: deja esas referencias
vacías. Se conecta a ``post_delete`` de la cuenta (``PlanConfig.ready``), que llega después de los
borrados en cascada y de los registros «-» que esos borrados crean; la migración
``0008_historial_sin_cuentas_borradas`` de ``plan`` y la ``0009`` de ``seguimiento`` vacían las
referencias que ya colgaban.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _es_historico(modelo) -> bool:
    # Los modelos de simple-history (también los de las migraciones, que no traen sus métodos)
    # se reconocen por sus columnas propias.
    nombres = {campo.name for campo in modelo._meta.get_fields()}
    return {"history_id", "history_type", "history_date"} <= nombres


def referencias_a_cuentas(modelos, modelo_de_cuenta) -> list[tuple[type[models.Model], str]]:
    """(modelo histórico, columna) de cada llave copiada hacia las cuentas: las que el historial
    no vacía por sí mismo (``history_user`` sí lo hace, ``SET_NULL`` con restricción)."""
    referencias = []
    for modelo in modelos:
        if not _es_historico(modelo):
            continue
        for campo in modelo._meta.concrete_fields:
            if (
                isinstance(campo, models.ForeignKey)
                and campo.related_model._meta.label_lower == modelo_de_cuenta._meta.label_lower
                and not campo.db_constraint
            ):
                referencias.append((modelo, campo.attname))
    return referencias


def olvidar_cuentas_borradas(*, modelos, modelo_de_cuenta, ids=None, using="default") -> int:
    """Vacía en el historial las referencias a cuentas borradas: a las de ``ids`` (recién
    borradas) o, sin ``ids``, a cualquiera que ya no exista. Devuelve cuántas filas cambió."""
    cambiadas = 0
    for modelo, columna in referencias_a_cuentas(modelos, modelo_de_cuenta):
        filas = modelo._base_manager.using(using)
        if ids is None:
            filas = filas.filter(**{f"{columna}__isnull": False}).exclude(
                **{f"{columna}__in": modelo_de_cuenta._base_manager.using(using).values("pk")}
            )
        else:
            filas = filas.filter(**{f"{columna}__in": ids})
        cambiadas += filas.update(**{columna: None})
    return cambiadas


def al_borrar_cuenta(sender, instance, using, **_kwargs) -> None:
    from django.apps import apps

    olvidar_cuentas_borradas(modelos=apps.get_models(), modelo_de_cuenta=sender, ids=[instance.pk], using=using)


def conectar() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete

    post_delete.connect(al_borrar_cuenta, sender=get_user_model(), dispatch_uid="historial-cuenta-borrada")


def migracion_olvidar_cuentas_borradas(etiqueta_de_app: str):
    """La función de una migración ``RunPython`` que vacía las referencias que ya colgaban en los
    modelos históricos de ``etiqueta_de_app`` (con los modelos de la migración, no los de hoy)."""

    def olvidar(apps, schema_editor):
        olvidar_cuentas_borradas(
            modelos=apps.get_app_config(etiqueta_de_app).get_models(),
            modelo_de_cuenta=apps.get_model(settings.AUTH_USER_MODEL),
            using=schema_editor.connection.alias,
        )

    return olvidar
