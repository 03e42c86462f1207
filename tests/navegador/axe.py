"""Revisión de accesibilidad con axe-core (incluido en axe-playwright-python) en Chromium."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

#: WCAG 2.0 y 2.1, niveles A y AA.
ETIQUETAS_WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def violaciones(pagina) -> list[dict]:
    """Violaciones de WCAG 2.1 AA que axe-core encuentra en la página cargada."""
    resultado = _axe.run(
        pagina,
        options={"runOnly": {"type": "tag", "values": ETIQUETAS_WCAG_AA}, "resultTypes": ["violations"]},
    )
    return resultado.response["violations"]


def describir(lista: list[dict]) -> str:
    lineas = []
    for v in lista:
        lineas.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for nodo in v["nodes"][:10]:
            lineas.append(f"    en {', '.join(map(str, nodo['target']))}: {nodo.get('failureSummary', '').strip()}")
    return "\n".join(lineas)


def revisar_accesibilidad(pagina) -> None:
    """Falla, con la lista legible de violaciones, si axe-core encuentra alguna."""
    encontradas = violaciones(pagina)
    assert not encontradas, f"axe-core encontró violaciones de WCAG 2.1 AA en {pagina.url}:\n" + describir(encontradas)
