"""Filtros para mostrar cifras del roll-up: el único lugar donde se redondea para la página."""

from django import template
from django.utils.translation import gettext as _

from seguimiento.rollup import redondear

register = template.Library()


@register.filter
def pct(valor, decimales=0):
    """``Decimal`` → «45\u00a0%»; ``None`` → «sin reporte»."""
    if valor is None:
        return _("sin reporte")
    return f"{redondear(valor, int(decimales))}\u00a0%"  # espacio no separable: «45 %» no se parte


@register.filter
def ancho(valor):
    """Ancho de una barra de progreso (0–100, entero): el ``width`` del relleno en ``plan/_barra.html``."""
    if valor is None:
        return 0
    return int(redondear(min(max(valor, 0), 100)))



@register.filter
def exacto(valor, decimales=4):
    """Cifra para reproducir una cuenta: hasta ``decimales`` decimales, sin ceros sobrantes."""
    if valor is None:
        return _("sin reporte")
    texto = f"{redondear(valor, int(decimales)):f}"
    return texto.rstrip("0").rstrip(".") if "." in texto else texto


@register.inclusion_tag("plan/_grafica.html")
def grafica_serie(serie, titulo):
    """Gráfica SVG en línea del avance de un compromiso por periodo (con su tabla de datos).

    Las coordenadas se calculan aquí; la plantilla solo dibuja. Un punto sin reporte no se
    dibuja y la tabla lo dice.
    """
    ancho, alto = 640, 260
    izquierda, derecha, arriba, abajo = 48, 16, 16, 56
    util_x = ancho - izquierda - derecha
    util_y = alto - arriba - abajo
    n = len(serie)
    paso = util_x / n if n else util_x
    puntos = []
    for indice, punto in enumerate(serie):
        x = izquierda + paso * indice + paso / 2
        valor = None if punto.avance is None else float(min(max(punto.avance, 0), 100))
        y = None if valor is None else arriba + util_y * (1 - valor / 100)
        puntos.append(
            {
                "punto": punto,
                # Cadenas y no números: la plantilla no debe localizar coordenadas.
                "x": f"{x:.1f}",
                "y": None if y is None else f"{y:.1f}",
                "y_etiqueta": None if y is None else f"{y - 10:.1f}",
            }
        )
    linea = " ".join(f"{p['x']},{p['y']}" for p in puntos if p["y"] is not None)
    marcas = [
        {"valor": v, "y": f"{arriba + util_y * (1 - v / 100):.1f}"} for v in (0, 25, 50, 75, 100)
    ]
    return {
        "titulo": titulo,
        "puntos": puntos,
        "linea": linea,
        "marcas": marcas,
        "ancho": ancho,
        "alto": alto,
        "izquierda": izquierda,
        "derecha": ancho - derecha,
        "x_marcas": izquierda - 6,
        "y_sin_reporte": arriba + util_y - 8,
        "etiqueta_y": arriba + util_y + 20,
    }


@register.filter
def resaltar(descripcion, destacado):
    """La descripción con sus palabras destacadas en negritas, como las imprime el informe."""
    from django.utils.html import conditional_escape, format_html
    from django.utils.safestring import mark_safe

    if not destacado or destacado not in descripcion:
        return conditional_escape(descripcion)
    antes, _sep, despues = descripcion.partition(destacado)
    return format_html("{}<strong>{}</strong>{}", antes, destacado, mark_safe(conditional_escape(despues)))


@register.filter
def desglose(nodo):
    from seguimiento.rollup import desglose as _desglose

    return _desglose(nodo)

