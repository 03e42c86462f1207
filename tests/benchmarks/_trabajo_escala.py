"""Publicar un informe como tarea en segundo plano, para ``escala.py`` mientras el árbol no traiga
el trabajo ``informes.publicar`` (lo registra otra rama: la publicación del STL encolada).

Lo importan el worker de la medición (``celery … worker -I tests.benchmarks._trabajo_escala``) y
el proceso que encola (``tareas.servicios.encolar``). Hace lo mismo que el botón «Publicar» de
hoy, pero en el worker: ``seguimiento.informes.publicar_informe`` (contenido, PDF, XLSX y sus
SHA-256, guardados en el almacenamiento configurado: S3 en la medición). No es parte del portal.
"""

from __future__ import annotations

from tareas.registro import trabajo

NOMBRE = "escala.publicar_informe"


@trabajo(NOMBRE)
def publicar(tarea, *, informe_id: int, usuario_id: int | None = None) -> dict:
    from django.contrib.auth import get_user_model

    from seguimiento.informes import publicar_informe
    from seguimiento.models import Informe
    from tareas.servicios import avanzar

    avanzar(tarea, 5, "Generando el contenido, el PDF y el XLSX")
    usuario = get_user_model().objects.filter(pk=usuario_id).first() if usuario_id else None
    informe = publicar_informe(informe=Informe.objects.get(pk=informe_id), usuario=usuario)
    return {"informe": informe.pk, "pdf": informe.pdf.name, "pdf_sha256": informe.pdf_sha256}
