"""La cifra de un plan o de un compromiso para los sitios de las instituciones: una imagen SVG
(``widget.svg``, sin scripts, que cualquier sitio puede mostrar con ``<img>``) y una página con
el código para copiar, que enlaza de vuelta a la página del portal.

Públicas y en la caché por versión (``pagina_publica``): la imagen cambia en cuanto se publica
algo. Cinco consultas (el plan y su estado público) sin caché, una con ella.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from seguimiento.publicacion import pagina_publica
from seguimiento.templatetags.avance import ancho

from .cifras import Cifra, cifra_del_compromiso, cifra_del_plan, cifras_del_plan

ANCHO, ALTO = 320, 144
TIPO_SVG = "image/svg+xml; charset=utf-8"


def _cifra(slug: str, clave: str | None) -> tuple[Cifra, str]:
    """La cifra y la ruta de su widget (404 si no existe el plan o el compromiso)."""
    estado, cifras = cifras_del_plan(slug)
    if clave is None:
        return cifra_del_plan(estado, cifras), reverse("suscripciones:widget_plan", kwargs={"slug": slug})
    cifra = cifra_del_compromiso(estado, cifras, clave)
    if cifra is None:
        raise Http404(_("El plan no tiene un compromiso %(clave)s.") % {"clave": clave})
    return cifra, reverse("suscripciones:widget_compromiso", kwargs={"slug": slug, "clave": clave})


@pagina_publica
def widget(request, slug, clave=None):
    """La cifra del plan (o, con ``clave``, del compromiso) en SVG, para otros sitios."""
    cifra, _ruta = _cifra(slug, clave)
    contenido = render_to_string(
        "suscripciones/widget.svg",
        {
            "cifra": cifra,
            "url": request.build_absolute_uri(cifra.ruta),
            "ancho": ANCHO,
            "alto": ALTO,
            # La barra mide 288 px (ANCHO − 2 × 16) al 100 %.
            "relleno": f"{ancho(cifra.valor) * (ANCHO - 32) / 100:.1f}",
        },
    )
    respuesta = HttpResponse(contenido, content_type=TIPO_SVG)
    # Se muestra en sitios ajenos: ningún encabezado que lo impida, y ningún tipo adivinado.
    respuesta["Cross-Origin-Resource-Policy"] = "cross-origin"
    respuesta["X-Content-Type-Options"] = "nosniff"
    respuesta["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return respuesta


@pagina_publica
def insertar(request, slug, clave=None):
    """El código para insertar la cifra del plan (o, con ``clave``, del compromiso) en otro sitio."""
    cifra, ruta_widget = _cifra(slug, clave)
    return render(
        request,
        "suscripciones/insertar.html",
        {
            "cifra": cifra,
            "plan_slug": slug,
            "clave": clave,
            "url_pagina": request.build_absolute_uri(cifra.ruta),
            "url_widget": request.build_absolute_uri(ruta_widget),
            "ruta_widget": ruta_widget,
            "ancho": ANCHO,
            "alto": ALTO,
        },
    )

