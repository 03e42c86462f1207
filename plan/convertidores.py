"""Convertidores de URL para las claves que imprime el plan: «1.5» y «1.5.3»."""

from django.urls import register_converter


class ClaveCompromiso:
    regex = r"[0-9]{1,4}\.[0-9]{1,4}"

    def to_python(self, valor: str) -> str:
        return valor

    def to_url(self, valor) -> str:
        return str(valor)


class ClaveAccion(ClaveCompromiso):
    regex = r"[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}"


# Registrados una vez, al importar este módulo, para todas las direcciones con sesión
# (``/trabajo/``: ciclo bimestral y gestión del plan).
register_converter(ClaveAccion, "clave_accion")
register_converter(ClaveCompromiso, "clave_compromiso")
