"""Las personas del ciclo bimestral (``tests/seguimiento/conftest.py``) también aquí: la
facilitadora publica y la responsable del IACIP (compromisos 4.1 y 7.1) reporta."""

from tests.seguimiento.conftest import ciclo  # noqa: F401
