"""Direcciones de la gestión: historial (se incluyen en gestion/urls.py)."""

urlpatterns: list = []
