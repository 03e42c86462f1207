"""Direcciones de la gestión: personas (se incluyen en gestion/urls.py)."""

urlpatterns: list = []
