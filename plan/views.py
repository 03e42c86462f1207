from django.shortcuts import get_object_or_404, render

from .models import Plan


def inicio(request):
    return render(request, "plan/inicio.html", {})


def plan_detalle(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    return render(request, "plan/inicio.html", {"plan": plan})
