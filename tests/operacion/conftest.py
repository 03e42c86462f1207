"""Las personas del ciclo bimestral (``tests/seguimiento/conftest.py``) también aquí: las pruebas
de operación recorren el mismo ciclo con otra infraestructura debajo."""

from tests.seguimiento.conftest import ciclo

__all__ = ["ciclo"]
