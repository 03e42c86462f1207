# El historial deja de apuntar a cuentas ya borradas (plan/historial.py).

from django.db import migrations

from plan.historial import migracion_olvidar_cuentas_borradas


class Migration(migrations.Migration):

    dependencies = [
        ('seguimiento', '0008_fecha_del_reporte_en_su_fuente'),
        ('plan', '0008_historial_sin_cuentas_borradas'),
    ]

    operations = [
        migrations.RunPython(migracion_olvidar_cuentas_borradas('seguimiento'), migrations.RunPython.noop, elidable=True),
    ]
