"""Lo que comparten las pruebas del retiro: retirar una acción o un compromiso del PAL 2022-2024
real con el servicio, y leer su estado."""

from __future__ import annotations

import datetime

from gestion import retiro
from plan.models import Compromiso, Retiro
from tests.ayudas import accion

#: La fecha de los retiros de las pruebas (después del periodo agosto–noviembre 2023).
FECHA = datetime.date(2024, 3, 3)
MOTIVO = "Acuerdo de la Primera Sesión Ordinaria 2024"


def compromiso(plan, clave: str) -> Compromiso:
    eje, numero = (int(x) for x in clave.split("."))
    return Compromiso.objects.select_related("eje__plan").get(eje__plan=plan, eje__numero=eje, numero=numero)


def retirar_accion(plan, clave, usuario, *, como=Retiro.CANCELADA, destino=None, fecha=FECHA, motivo=MOTIVO):
    return retiro.retirar(
        elemento=accion(plan, clave), retiro=como, motivo=motivo, fecha=fecha,
        destino=accion(plan, destino) if destino else None, usuario=usuario,
    )


def retirar_compromiso(plan, clave, usuario, *, como=Retiro.CANCELADA, destino=None, fecha=FECHA, motivo=MOTIVO):
    return retiro.retirar(
        elemento=compromiso(plan, clave), retiro=como, motivo=motivo, fecha=fecha,
        destino=compromiso(plan, destino) if destino else None, usuario=usuario,
    )


def estado_de_retiro(modelo):
    """Los cuatro campos del retiro de cada fila, para comprobar que nada cambió."""
    return sorted(modelo.objects.values_list("pk", "retiro", "retiro_motivo", "retiro_fecha", "retiro_destino"))
