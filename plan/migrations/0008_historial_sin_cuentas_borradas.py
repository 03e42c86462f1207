# El historial deja de apuntar a cuentas ya borradas (plan/historial.py).

from django.conf import settings
from django.db import migrations

from plan.historial import migracion_olvidar_cuentas_borradas


class Migration(migrations.Migration):

    dependencies = [
        ('plan', '0007_metas_ods_en_orden_natural'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migracion_olvidar_cuentas_borradas('plan'), migrations.RunPython.noop, elidable=True),
    ]
