"""El trabajo del ciclo bimestral (con sesión): responsables, integrantes y facilitación del STL.

Permisos por objeto en ``seguimiento/permisos.py``.
"""

from django.urls import include, path

import plan.convertidores  # noqa: F401  (registra clave_accion y clave_compromiso)

from . import trabajo, trabajo_evidencias, trabajo_informes, trabajo_tareas

app_name = "trabajo"

periodo = "<slug:slug>/periodos/<slug:periodo>/"
evidencias_compromiso = periodo + "compromisos/<clave_compromiso:clave>/evidencias/"

urlpatterns = [
    path("", trabajo.inicio, name="inicio"),
    path("<slug:slug>/", trabajo.plan, name="plan"),
    path("<slug:slug>/ajustes/", trabajo.ajustes, name="ajustes"),
    path("<slug:slug>/periodos/nuevo/", trabajo.abrir_periodo, name="abrir_periodo"),
    path(periodo, trabajo.tablero, name="tablero"),
    path(periodo + "prorroga/", trabajo.prorrogar_periodo, name="prorrogar"),
    path(periodo + "reabrir/", trabajo.reabrir_periodo, name="reabrir"),
    path(periodo + "cerrar/", trabajo.cerrar_periodo, name="cerrar"),
    path(periodo + "publicar/", trabajo.publicar_periodo, name="publicar"),
    path(periodo + "acciones/<clave_accion:clave>/", trabajo.captura, name="captura"),
    path(periodo + "acciones/<clave_accion:clave>/revision/", trabajo.revision, name="revision"),
    path(evidencias_compromiso, trabajo_evidencias.evidencias_compromiso, name="evidencias_compromiso"),
    path(evidencias_compromiso + "<int:pk>/revision/", trabajo_evidencias.revisar_evidencia, name="revisar_evidencia"),
    path(evidencias_compromiso + "<int:pk>/quitar/", trabajo_evidencias.quitar_evidencia, name="quitar_evidencia"),
    path(periodo, include("seguimiento.excel_urls")),
    path("<slug:slug>/informes/", trabajo_informes.lista, name="informes"),
    path("<slug:slug>/informes/nuevo/", trabajo_informes.nuevo, name="informe_nuevo"),
    path("<slug:slug>/informes/<int:pk>/", trabajo_informes.detalle, name="informe"),
    path("<slug:slug>/informes/<int:pk>/editar/", trabajo_informes.editar, name="informe_editar"),
    path("<slug:slug>/informes/<int:pk>/vista-previa.<str:extension>", trabajo_informes.vista_previa, name="informe_vista_previa"),
    path("<slug:slug>/informes/<int:pk>/publicar/", trabajo_informes.publicar, name="informe_publicar"),
    path("<slug:slug>/informes/<int:pk>/corregir/", trabajo_informes.corregir, name="informe_corregir"),
    path("<slug:slug>/informes/<int:pk>/borrar/", trabajo_informes.borrar, name="informe_borrar"),
    path("<slug:slug>/tareas/", trabajo_tareas.lista, name="tareas"),
    path("<slug:slug>/tareas/<int:pk>/", trabajo_tareas.detalle, name="tarea"),
    path("<slug:slug>/tareas/<int:pk>/reintentar/", trabajo_tareas.reintentar, name="tarea_reintentar"),
]
