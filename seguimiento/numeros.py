"""Cómo se escribe un número guardado (un porcentaje, un peso) para que una persona lo lea."""

from decimal import Decimal


def numero_exacto(valor: Decimal) -> str:
    """Un dato tal como se registró, sin ceros sobrantes y nunca en notación científica:
    100.00 → «100», 45.50 → «45.5» (``Decimal.normalize()`` solo daría «1E+2»)."""
    return f"{valor.normalize():f}"
