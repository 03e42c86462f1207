"""Direcciones de la gestión: estructura (se incluyen en gestion/urls.py)."""

urlpatterns: list = []
