from io import StringIO

import pytest
from django.core.management import call_command

from plan.models import Compromiso, ObjetivoODS, Plan
from seguimiento.models import Avance

pytestmark = pytest.mark.django_db


def _preparar():
    salida = StringIO()
    call_command("preparar", stdout=salida)
    return salida.getvalue()


def test_carga_el_plan_real_y_su_historial_inicial():
    salida = _preparar()
    assert "Base de datos lista." in salida
    plan = Plan.objects.get(slug="pal-2022-2024")
    assert ObjetivoODS.objects.count() == 17
    assert Avance.objects.del_plan(plan).count() == 33
    compromiso = Compromiso.objects.get(eje__plan=plan, eje__numero=7, numero=1)
    assert compromiso.history.count() == 1  # registro inicial, creado por populate_history


def test_no_sobrescribe_lo_que_el_stl_ya_edito():
    _preparar()
    Plan.objects.filter(slug="pal-2022-2024").update(descripcion="Editado por el STL")
    salida = _preparar()
    assert "El plan «pal-2022-2024» ya está cargado; no se modifica." in salida
    assert Plan.objects.get(slug="pal-2022-2024").descripcion == "Editado por el STL"
    assert Plan.objects.get().history.count() == 1
