"""Las cuentas del ciclo bimestral (``tests/seguimiento/conftest.py``) sobre el PAL 2022-2024
real: facilitadora, integrante, responsables del IACIP y del Poder Judicial, la facilitadora de
otro plan y una cuenta sin papel. La gestión del plan se prueba con las mismas personas."""

from tests.seguimiento.conftest import Ciclo, ciclo  # noqa: F401
