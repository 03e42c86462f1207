from django.urls import path

from . import datos_views as vistas

app_name = "datos"

urlpatterns = [
    path("", vistas.indice, name="indice"),
    path("planes.json", vistas.planes_json, name="planes_json"),
    path("<slug:slug>.json", vistas.plan_json, name="plan_json"),
    path("<slug:slug>.xlsx", vistas.plan_xlsx, name="plan_xlsx"),
    path("<slug:slug>/avances.csv", vistas.avances_csv, name="avances_csv"),
    path("<slug:slug>/avances.json", vistas.avances_json, name="avances_json"),
    path("<slug:slug>/evidencias.csv", vistas.evidencias_csv, name="evidencias_csv"),
    path("<slug:slug>/arbol.csv", vistas.arbol_csv, name="arbol_csv"),
]
