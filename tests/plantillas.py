"""Solo en las pruebas: ninguna página sale con una variable de plantilla sin resolver.

``tests/settings.py`` pone ``string_if_invalid`` a una marca; este middleware falla la petición
(y con ella la prueba) si la marca aparece en una respuesta HTML. El admin de Django se excluye:
sus plantillas dependen de variables ausentes que se leen como vacías (lo advierte la
documentación de ``string_if_invalid``).
"""

from django.conf import settings

MARCA = settings.VARIABLE_INVALIDA.split("%s")[0]


def variables_invalidas(texto: str) -> list[str]:
    """Los nombres de las variables sin resolver que aparecen en ``texto``."""
    nombres = []
    inicio = texto.find(MARCA)
    while inicio != -1:
        fin = texto.find("»", inicio)
        nombres.append(texto[inicio + len(MARCA) : fin])
        inicio = texto.find(MARCA, fin)
    return nombres


class SinVariablesInvalidas:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        respuesta = self.get_response(request)
        if (
            not request.path.startswith("/admin/")
            and not respuesta.streaming
            and respuesta.get("Content-Type", "").startswith("text/html")
        ):
            nombres = variables_invalidas(respuesta.content.decode(respuesta.charset or "utf-8", "replace"))
            if nombres:
                raise AssertionError(
                    f"{request.path}: variables de plantilla sin resolver: {', '.join(sorted(set(nombres)))}"
                )
        return respuesta
