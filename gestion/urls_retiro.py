"""Direcciones de la gestión: retiro de compromisos y acciones (se incluyen en ``gestion/urls.py``)."""

urlpatterns: list = []
