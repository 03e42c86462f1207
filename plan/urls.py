from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("planes/<slug:slug>/", views.plan_detalle, name="plan"),
]
