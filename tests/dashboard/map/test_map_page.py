"""The map page's layout after issue 12: navigation and H1s, offer/sort from the URL, empty result, loose ends."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.map.callbacks import VIEW_OUTPUTS, update_view
from tests.support.layout import by_id, find, text_of


def h1s(tree: Any) -> list[str]:
    return [text_of(c) for c in find(tree, lambda c: type(c).__name__ == "H1")]


@pytest.fixture
def app(tiny_data_dir):
    return create_app(tiny_data_dir)


def page_layout(app, path: str, **query: str):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context(path):
        return page["layout"](**query)


def nav_links(tree: Any) -> dict[str, Any]:
    nav = by_id(tree, ids.MAIN_NAV)
    return {text_of(a): a for a in find(nav, lambda c: type(c).__name__ == "A")}


@pytest.mark.parametrize("path", ["/", "/coverage", "/barrierefreiheit"])
def test_every_page_has_the_main_navigation_and_its_own_h1(app, path):
    tree = page_layout(app, path)
    links = nav_links(tree)
    assert {k: a.href for k, a in links.items()} == {
        "Karte": "/",
        "Abdeckung": "/coverage",
        "Workshop-Modus": "/coverage?mode=workshop",
        "Stadtteile vergleichen": "/coverage?compare=mitte,ossweil",
        "Netzwerk-Börse": "/netzwerk",
        "Angebot eintragen": "/eintragen",
        "Barrierefreiheit": "/barrierefreiheit",
    }
    current = [k for k, a in links.items() if getattr(a, "aria-current", None) == "page"]
    assert current == [{"/": "Karte", "/coverage": "Abdeckung", "/barrierefreiheit": "Barrierefreiheit"}[path]]
    assert len(h1s(tree)) == 1


def test_h1s_differ_per_page_and_follow_the_language(app):
    headings = {path: h1s(page_layout(app, path))[0] for path in ("/", "/coverage", "/barrierefreiheit")}
    assert len(set(headings.values())) == 3, headings
    assert headings["/barrierefreiheit"] == "Erklärung zur Barrierefreiheit"
    english = nav_links(page_layout(app, "/", lang="en"))
    assert english["Coverage"].href == "/coverage?lang=en"
    assert english["Workshop mode"].href == "/coverage?lang=en&mode=workshop"


def test_offer_and_sort_from_the_url(app):
    tree = page_layout(app, "/", offer="o2", sort="district", lang="en")
    assert by_id(tree, ids.SELECTED_OFFER).data == "o2"
    assert by_id(tree, ids.LIST_STORE).data["sort"] == "district"
    pressed = [getattr(b, "data-sort") for b in find(tree, lambda c: getattr(c, "data-sort", None))]
    assert pressed == ["name", "district"]
    assert [getattr(b, "aria-checked") for b in find(tree, lambda c: getattr(c, "data-sort", None))] == [
        "false",
        "true",
    ]
    detail = text_of(by_id(tree, ids.DETAIL))
    assert "Migrationsberatung Oßweil" in detail  # the offer is open on first render
    gone = text_of(by_id(page_layout(app, "/", offer="nope"), ids.DETAIL))
    assert "no longer" in text_of(by_id(page_layout(app, "/", offer="nope", lang="en"), ids.DETAIL))
    assert "nicht mehr verfügbar" in gone
    default = page_layout(app, "/", sort="evil")
    assert by_id(default, ids.LIST_STORE).data["sort"] == "name" and by_id(default, ids.SELECTED_OFFER).data is None


def test_empty_result_notice_sits_above_map_and_list_with_a_suggestion(app, tiny_snapshot):
    tree = page_layout(app, "/", q="Beratnug")
    results = find(tree, lambda c: getattr(c, "className", None) == "results")[0]
    order = [getattr(c, "id", None) or getattr(c, "className", None) for c in results.children]
    assert order.index(ids.EMPTY_NOTICE) < order.index(ids.MAP_SECTION) < order.index(ids.LIST_SECTION)
    notice = by_id(tree, ids.EMPTY_NOTICE)
    assert notice.hidden is False and notice.role == "status"
    assert getattr(by_id(notice, ids.SEARCH_SUGGESTION), "data-q") == "Beratung"
    assert find(notice, lambda c: getattr(c, "data-action", None) == "reset")
    assert by_id(page_layout(app, "/"), ids.EMPTY_NOTICE).hidden is True
    names = [f"{o.component_id}.{o.component_property}" for o in VIEW_OUTPUTS]
    out = dict(zip(names, update_view(tiny_snapshot, {}, "Beratnug", None, None), strict=True))
    assert out[f"{ids.EMPTY_NOTICE}.hidden"] is False
    assert "Beratung" in " ".join(text_of(c) for c in out[f"{ids.EMPTY_NOTICE}.children"])
    out = dict(zip(names, update_view(tiny_snapshot, {}, "", None, None), strict=True))
    assert out[f"{ids.EMPTY_NOTICE}.hidden"] is True and out[f"{ids.EMPTY_NOTICE}.children"] == []


def test_phone_and_mail_links_stay_in_the_tab(tiny_dataset):
    from dashboard.i18n import translator
    from dashboard.map.detail import detail_panel

    children = detail_panel(tiny_dataset, 0, translator("de"), "de")
    links = [a for c in children if c is not None for a in find(c, lambda x: getattr(x, "href", None))]
    targets = {a.href.split(":")[0]: getattr(a, "target", None) for a in links}
    assert targets["tel"] is None and targets["mailto"] is None and targets["https"] == "_blank"


def test_map_is_drawn_by_maplibre_without_a_plotly_graph(tiny_snapshot):
    """No dcc.Graph on the map page (no plotly.js, no mode bar with upload or selection buttons)."""
    from dash import dcc

    from dashboard.map.layout import map_components
    from dashboard.security import MAPLIBRE_PREFIX

    block = map_components(tiny_snapshot, "de")
    assert not [c for c in block for x in find(c, lambda x: isinstance(x, dcc.Graph))]
    canvas = block[0]
    assert canvas.id == "offer-map"
    assert canvas.to_plotly_json()["props"]["data-maplibre"] == MAPLIBRE_PREFIX + "maplibre-gl.mjs"
