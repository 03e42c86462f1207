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
    assert Plan.objects.get(slug="pal-2022-2024").history.count() == 1


def test_carga_tambien_el_plan_historico_con_su_historial():
    _preparar()
    plan = Plan.objects.get(slug="pal-2019-2021")
    compromiso = Compromiso.objects.get(eje__plan=plan, eje__numero=7, numero=5)
    # loaddata asigna sus ODS y metas: simple-history registra esos cambios de relaciones.
    assert compromiso.history.exists()
    assert all(accion.history.count() == 1 for accion in compromiso.acciones.all())


def test_agrega_el_plan_historico_a_una_base_que_solo_tenia_el_vigente():
    from plan.models import Accion, MetaODS

    # Una base preparada antes de existir el plan histórico: ODS sin metas y solo el plan vigente.
    call_command("migrate", verbosity=0)
    call_command("loaddata", "ods", "pal_2022_2024", verbosity=0)
    MetaODS.objects.all().delete()
    call_command("populate_history", auto=True, verbosity=0)
    salida = _preparar()
    assert "El plan «pal-2022-2024» ya está cargado; no se modifica." in salida
    plan = Plan.objects.get(slug="pal-2019-2021")
    assert MetaODS.objects.filter(clave="16.10").exists()
    # Cada objeto recién cargado recibe su registro inicial aunque su modelo ya tuviera historial.
    for accion in Accion.objects.filter(compromiso__eje__plan=plan):
        assert accion.history.count() == 1
