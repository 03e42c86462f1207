"""Direcciones de la gestión: planes (se incluyen en gestion/urls.py)."""

urlpatterns: list = []
