"""Ayudas para revisar en Chromium lo que una persona nota en una página.

- ``vigilar(pagina)``: anota los errores de JavaScript y los recursos (hojas de estilo,
  scripts, imágenes, fuentes) que no cargaron; los fixtures de páginas lo hacen solos y
  fallan la prueba al terminar si hubo alguno.
- ``problemas_de_carga(pagina)``: lo anotado hasta ahora; ``olvidar_problemas_de_carga(pagina)``
  lo borra (para pruebas que provocan un fallo de carga a propósito).
- ``hojas_de_estilo_sin_cargar(pagina)``: ``<link rel="stylesheet">`` cuyo CSS no se aplicó.
- ``revisar_sin_desplazamiento_horizontal(pagina)``: falla si la página es más ancha que la
  ventana (en un teléfono obligaría a desplazarse a los lados), con los elementos que sobresalen.
"""

from __future__ import annotations

import weakref

#: Tipos de recurso cuya falta cambia lo que se ve o se puede hacer en la página.
RECURSOS_VIGILADOS = {"stylesheet", "script", "image", "font"}

_problemas: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def vigilar(pagina) -> None:
    """Empieza a anotar errores de JavaScript y recursos que no cargaron en ``pagina``."""
    anotados: list[str] = []
    _problemas[pagina] = anotados

    def al_responder(respuesta):
        if respuesta.status >= 400 and respuesta.request.resource_type in RECURSOS_VIGILADOS:
            anotados.append(f"{respuesta.request.resource_type} {respuesta.url} respondió {respuesta.status}")

    def al_fallar(peticion):
        if peticion.resource_type in RECURSOS_VIGILADOS:
            anotados.append(f"{peticion.resource_type} {peticion.url} no cargó: {peticion.failure}")

    pagina.on("response", al_responder)
    pagina.on("requestfailed", al_fallar)
    pagina.on("pageerror", lambda error: anotados.append(f"error de JavaScript en {pagina.url}: {error}"))


def problemas_de_carga(pagina) -> list[str]:
    return list(_problemas.get(pagina, []))


def olvidar_problemas_de_carga(pagina) -> None:
    """Para pruebas que provocan a propósito un recurso que no carga."""
    _problemas.get(pagina, []).clear()


def hojas_de_estilo_sin_cargar(pagina) -> list[str]:
    """Direcciones de las hojas de estilo enlazadas que el navegador no cargó o llegaron vacías."""
    return pagina.evaluate(
        """() => [...document.querySelectorAll('link[rel~="stylesheet"]')]
            .filter(l => !l.sheet || l.sheet.cssRules.length === 0)
            .map(l => l.href)"""
    )


def _ancho_de_la_ventana(pagina) -> int:
    """Ancho con que se abrió la ventana (360 en ``pagina_movil``).

    No se usa ``window.innerWidth``: en un teléfono (``is_mobile``) Chromium aleja la vista
    hasta que cabe la página, e ``innerWidth`` crece con ella (516 px si algo mide 500 px), así
    que ``scrollWidth <= innerWidth`` se cumpliría aunque la página se salga de la pantalla.
    """
    tamano = pagina.viewport_size
    return tamano["width"] if tamano else pagina.evaluate("document.documentElement.clientWidth")


def sin_desplazamiento_horizontal(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth") <= _ancho_de_la_ventana(pagina)


def revisar_sin_desplazamiento_horizontal(pagina) -> None:
    """Falla si el documento es más ancho que la ventana, con los elementos que sobresalen."""
    medida = pagina.evaluate(
        """ancho => {
            const describir = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className.trim()
                   ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
            const sobresalen = [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > ancho + 0.5)
                // Solo el elemento más externo que sobresale, no cada uno de sus hijos.
                .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= ancho + 0.5)
                .slice(0, 10)
                .map(e => `${describir(e)} (borde derecho en ${Math.round(e.getBoundingClientRect().right)} px)`);
            return {documento: document.documentElement.scrollWidth, ventana: ancho, sobresalen};
        }""",
        _ancho_de_la_ventana(pagina),
    )
    assert medida["documento"] <= medida["ventana"], (
        f"{pagina.url} obliga a desplazarse a los lados: mide {medida['documento']} px en una ventana de "
        f"{medida['ventana']} px. Sobresalen: " + ("; ".join(medida["sobresalen"]) or "(ningún elemento visible)")
    )


def revisar_tablas_sin_cortes(pagina) -> None:
    """Falla si una tabla no cabe y no se puede desplazar para leerla entera.

    Una tabla más ancha que su lugar debe estar dentro de una caja ``.tabla-desplazable`` que se
    desplaza a los lados, recibe el foco del teclado (``tabindex="0"``) y tiene nombre (la región
    que anuncia un lector de pantalla); la caja no debe recortar la tabla a lo alto.
    """
    cortadas = pagina.evaluate(
        """() => [...document.querySelectorAll('table')].flatMap(tabla => {
            const nombre = (tabla.caption && tabla.caption.textContent.trim()) || tabla.outerHTML.slice(0, 80);
            const caja = tabla.closest('.tabla-desplazable');
            const ancho = tabla.getBoundingClientRect().width;
            const lugar = (caja || tabla.parentElement).clientWidth;
            if (!caja) return ancho > lugar + 0.5 ? [`«${nombre}» mide ${Math.round(ancho)} px en ${lugar} px sin caja desplazable`] : [];
            const problemas = [];
            const estilo = getComputedStyle(caja);
            if (!['auto', 'scroll'].includes(estilo.overflowX)) problemas.push('la caja no se desplaza a los lados');
            if (caja.scrollHeight > caja.clientHeight + 1 && !['auto', 'scroll'].includes(estilo.overflowY)) problemas.push('la caja la recorta a lo alto');
            if (caja.tabIndex !== 0) problemas.push('la caja no recibe el foco del teclado');
            if (!caja.getAttribute('aria-label') && !caja.getAttribute('aria-labelledby')) problemas.push('la caja no tiene nombre');
            return problemas.map(p => `«${nombre}»: ${p}`);
        })"""
    )
    assert not cortadas, f"{pagina.url}: tablas que cortan su contenido:\n- " + "\n- ".join(cortadas)
