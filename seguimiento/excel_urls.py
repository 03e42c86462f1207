"""Plantilla de captura, carga y exportación en Excel de un periodo (``seguimiento/excel.py``).

Se incluyen bajo ``/trabajo/<plan>/periodos/<periodo>/`` (``seguimiento/trabajo_urls.py``).
La carga tiene dos pasos: ``importar/`` revisa el archivo y muestra la vista previa;
``importar/confirmar/`` guarda lo revisado (solo POST).
"""

from django.urls import path

from . import excel_views

urlpatterns = [
    path("plantilla.xlsx", excel_views.plantilla, name="plantilla"),
    path("importar/", excel_views.importar, name="importar"),
    path("importar/confirmar/", excel_views.confirmar, name="importar_confirmar"),
    path("avances.xlsx", excel_views.exportar, name="exportar"),
]
