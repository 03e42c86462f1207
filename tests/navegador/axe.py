"""Revisión de accesibilidad con axe-core (incluido en axe-playwright-python) en Chromium.

``revisar_accesibilidad(pagina)`` corre axe-core sobre la página cargada con las reglas de
WCAG 2.0 y 2.1, niveles A y AA, y falla con la lista de violaciones: regla, impacto, qué pide,
dónde leer más y los selectores de los elementos que la incumplen.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.navegador.paginas import hojas_de_estilo_sin_cargar

#: WCAG 2.0 y 2.1, niveles A y AA.
ETIQUETAS_WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Elementos que se listan por regla; del resto solo se dice cuántos son.
MAXIMO_DE_ELEMENTOS = 10

_axe = Axe()


def violaciones(pagina, contexto: str | dict | None = None) -> list[dict]:
    """Violaciones de WCAG 2.1 AA que axe-core encuentra en la página (o en ``contexto``,
    un selector CSS o ``{"include": [...], "exclude": [...]}`` de axe-core)."""
    resultado = _axe.run(
        pagina,
        context=contexto,
        options={"runOnly": {"type": "tag", "values": ETIQUETAS_WCAG_AA}, "resultTypes": ["violations"]},
    )
    return resultado.response["violations"]


def describir(lista: list[dict]) -> str:
    lineas = []
    for v in lista:
        nodos = v["nodes"]
        lineas.append(
            f"- {v['id']} (impacto {v['impact'] or 'sin dato'}; {len(nodos)} elemento(s)): {v['help']}\n"
            f"  {v['helpUrl']}"
        )
        for nodo in nodos[:MAXIMO_DE_ELEMENTOS]:
            selector = " ".join(" >>> ".join(t) if isinstance(t, list) else str(t) for t in nodo["target"])
            lineas.append(f"    · {selector}")
            lineas.append(f"      {nodo['html'][:200]}")
            resumen = " ".join((nodo.get("failureSummary") or "").split())
            if resumen:
                lineas.append(f"      {resumen}")
        if len(nodos) > MAXIMO_DE_ELEMENTOS:
            lineas.append(f"    · y {len(nodos) - MAXIMO_DE_ELEMENTOS} elemento(s) más")
    return "\n".join(lineas)


def revisar_accesibilidad(pagina, contexto: str | dict | None = None) -> None:
    """Falla si axe-core encuentra violaciones de WCAG 2.1 AA en la página cargada.

    Antes comprueba que la hoja de estilos cargó: sin ella el contraste y los tamaños que
    revisa axe serían los del navegador y no los del portal.
    """
    sin_cargar = hojas_de_estilo_sin_cargar(pagina)
    assert not sin_cargar, f"{pagina.url}: no cargaron las hojas de estilo {sin_cargar}; axe revisaría otra página."
    encontradas = violaciones(pagina, contexto)
    assert not encontradas, (
        f"axe-core encontró {len(encontradas)} violación(es) de WCAG 2.1 AA en {pagina.url}:\n" + describir(encontradas)
    )
