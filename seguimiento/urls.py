from django.urls import path

from . import views

app_name = "seguimiento"

urlpatterns = [
    path("evidencias/<int:pk>/", views.evidencia, name="evidencia"),
]
