"""The app frame, page layouts and the filter callback (no browser)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.filters import FilterState, decode_mask, filter_mask
from dashboard.map.callbacks import VIEW_OUTPUTS, select_offer, update_view
from dashboard.map.points import snapshot_payload
from dashboard.map.view import ListSettings
from tests.support.layout import by_id, find, page_layout, text_of


@pytest.fixture
def app(tiny_data_dir):
    return create_app(tiny_data_dir)


@pytest.mark.parametrize(("lang", "direction"), [("de", "ltr"), ("ar", "rtl"), ("tr", "ltr"), ("xx", "ltr")])
def test_index_sets_lang_and_dir_server_side(app, lang, direction):
    html = app.server.test_client().get(f"/?lang={lang}").data.decode()
    expected = lang if lang != "xx" else "de"
    assert f'<html lang="{expected}" dir="{direction}">' in html


def test_nothing_is_loaded_from_another_host(app):
    html = app.server.test_client().get("/").data.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower() and "googleapis" not in html
    for attr in ("src=", "href="):
        for part in html.split(attr)[1:]:
            url = part[1:].split(part[0])[0]
            assert not url.startswith(("http://", "https://", "//")), url


def test_debug_is_off_by_default(app):
    assert app.server.config["DEBUG"] is False


def test_map_page_restores_filters_from_the_url(app, tiny_dataset):
    tree = page_layout(app, "/", lang="tr", language="ar", target="women", q="Sprach")
    store = by_id(tree, ids.FILTER_STORE)
    assert (
        store.data["languages"] == ["ar"] and store.data["target_groups"] == ["women"] and store.data["q"] == "Sprach"
    )
    assert text_of(by_id(tree, ids.RESULT_COUNT)) == "1"
    entries = find(
        by_id(tree, ids.OFFER_LIST), lambda c: type(c).__name__ == "Li" and getattr(c, "data-offer-id", None)
    )
    assert {getattr(e, "data-offer-id") for e in entries} == {"o1"}
    pressed = find(tree, lambda c: getattr(c, "aria-pressed", None) == "true" and getattr(c, "data-filter", None))
    assert {(getattr(b, "data-filter"), getattr(b, "data-value")) for b in pressed} == {
        ("languages", "ar"),
        ("target_groups", "women"),
    }
    assert by_id(tree, ids.SEARCH).value == "Sprach"
    assert tree.lang == "tr" and tree.dir == "ltr"


def test_map_page_notices_for_unknown_values_and_demo(app):
    tree = page_layout(app, "/", category="bogus")
    notices = text_of(by_id(tree, ids.NOTICES))
    assert "bogus" in notices and "Stadtteilgrenzen ungefähr (Demo)" in notices and "Demodaten" in notices
    assert text_of(by_id(tree, ids.RESULT_COUNT)) == "6"  # unknown value ignored, not an error


def test_languages_shown_in_their_own_name(app):
    tree = page_layout(app, "/", lang="de")
    labels = text_of(find(tree, lambda c: "filter-languages" in (getattr(c, "className", "") or ""))[0])
    assert "Türkçe" in labels and "العربية" in labels and "Українська" in labels


def test_accessibility_page_has_city_contact(app):
    tree = page_layout(app, "/barrierefreiheit", lang="en")
    text = text_of(tree)
    assert "Accessibility statement" in text
    links = [a.href for a in find(tree, lambda c: getattr(c, "href", None))]
    assert "mailto:barrierefrei@example.org" in links and "tel:+4971419100" in links


def outputs_by_id(values: list[Any]) -> dict[str, Any]:
    return dict(zip([f"{o.component_id}.{o.component_property}" for o in VIEW_OUTPUTS], values, strict=True))


def test_filter_callback_outputs(tiny_snapshot, tiny_dataset):
    import dash

    store = {"languages": ["ar"], "target_groups": ["women"]}
    out = outputs_by_id(update_view(tiny_snapshot, store, "sprach", None, {"lang": "ar"}, False, tiny_snapshot.version))
    assert out[f"{ids.RESULT_COUNT}.children"] == "1"
    view = out[f"{ids.VIEW_STORE}.data"]
    assert view["count"] == 1 and view["n"] == 6
    state = FilterState(languages=("ar",), target_groups=("women",), q="sprach", lang="ar")
    assert decode_mask(view["mask"], 6).tolist() == filter_mask(tiny_dataset, state).tolist()
    assert out[f"{ids.QUERY_STORE}.data"] == "?lang=ar&language=ar&target=women&q=sprach"
    assert out[f"{ids.DOWNLOAD_GEOJSON}.href"] == "/api/offers.geojson?lang=ar&language=ar&target=women&q=sprach"
    assert out[f"{ids.lang_link('de')}.href"] == "/?language=ar&target=women&q=sprach"
    assert view["version"] == tiny_snapshot.version
    for key in (f"{ids.MAP_POINTS}.data", f"{ids.MAP_VERSION}.data", f"{ids.MAP_LEGEND}.children"):
        assert out[key] is dash.no_update, key  # the page's points are current


@pytest.mark.parametrize("list_only", [False, True])
def test_filter_callback_sends_new_points_when_the_page_is_older(tiny_snapshot, list_only):
    out = outputs_by_id(update_view(tiny_snapshot, {}, "", None, {"lang": "en"}, list_only, "0123456789abcdef"))
    ref = out[f"{ids.MAP_POINTS}.data"]
    assert out[f"{ids.MAP_VERSION}.data"] == tiny_snapshot.version == ref["version"]
    assert ref["href"] == f"/_map/points/{tiny_snapshot.version}/en.json"  # the page's language
    points = snapshot_payload(tiny_snapshot, "en")
    assert points["n"] == 6 and points["ids"] == ["o1", "o2", "o3", "o4", "o5", "o6"]
    assert points["labels"]["more"] != "und {n} weitere"  # English labels
    assert out[f"{ids.VIEW_STORE}.data"]["version"] == tiny_snapshot.version  # the matching mask comes along
    legend = " ".join(text_of(c) for c in out[f"{ids.MAP_LEGEND}.children"])
    assert tiny_snapshot.dataset.taxonomy.categories.label("language_cafe", "en") in legend


def test_selecting_an_offer_that_is_gone_says_so(tiny_snapshot):
    gone = " ".join(text_of(c) for c in select_offer(tiny_snapshot, "removed-offer", {"lang": "de"}))
    assert "nicht mehr verfügbar" in gone
    present = " ".join(text_of(c) for c in select_offer(tiny_snapshot, "o1", {"lang": "de"}) if c is not None)
    assert "Sprachcafé Mitte" in present and "nicht mehr verfügbar" not in present
    hint = " ".join(text_of(c) for c in select_offer(tiny_snapshot, None, None))
    assert "Wählen Sie ein Angebot" in hint


def test_list_paging_and_list_only_updates(tiny_snapshot, tiny_dataset):
    import dash

    from dashboard.i18n import plural_translator, translator
    from dashboard.map.view import compute_view, list_children, list_status

    settings = ListSettings(sort="district", limit=2)
    view = compute_view(tiny_dataset, FilterState(), settings)
    children = list_children(tiny_dataset, view, settings, translator("de"))
    assert [getattr(c, "data-offer-id") for c in children] == ["o3", "o5"]  # Mitte first, by name
    assert list_status(view, settings, plural_translator("de")) == "2 von 6 Angeboten angezeigt"
    outputs = update_view(tiny_snapshot, {}, "", {"sort": "district"}, None, True, tiny_snapshot.version)
    count, _children, status, more_hidden, _more_label, _announcement, *rest = outputs
    assert count == "6" and more_hidden is True and status == ""
    assert all(r is dash.no_update for r in rest)  # paging/sorting never resends the view
    assert ListSettings.from_store({"sort": "evil", "limit": "x"}) == ListSettings()
    assert ListSettings.from_store({"limit": 1}).limit == 50


def test_empty_result_offers_reset(tiny_snapshot):
    _, children, *_ = update_view(tiny_snapshot, {}, "nirgendwo", None, None)
    assert len(children) == 1 and getattr(children[0].children[1], "data-action") == "reset"


def test_detail_escapes_and_links_safely(tiny_dataset):
    from dashboard.i18n import translator
    from dashboard.map.detail import detail_panel

    children = detail_panel(tiny_dataset, 0, translator("de"), "de")
    links = {a.href for c in children if c is not None for a in find(c, lambda x: getattr(x, "href", None))}
    assert links == {
        "tel:+4971411234",
        "mailto:cafe@example.org",
        "https://example.org/cafe",
        "https://www.openstreetmap.org/directions?to=48.895000,9.191000",
        "/melden?offer=o1&lang=de",  # "Fehler melden" (issue 9)
    }
    text = " ".join(text_of(c) for c in children if c is not None)
    assert "Marktplatz 1, 71634 Ludwigsburg" in text and "Mo 10-12" in text and "01.10.2025" in text
    approx = " ".join(text_of(c) for c in detail_panel(tiny_dataset, 3, translator("de"), "de") if c is not None)
    assert "Lage ungefähr" in approx


def test_no_raw_html_anywhere():
    from pathlib import Path

    source = " ".join(p.read_text(encoding="utf-8") for p in Path("dashboard").rglob("*.py"))
    assert "dangerously_allow_html" not in source


def test_layout_serialises(app):
    tree = page_layout(app, "/", lang="uk")
    json.dumps(tree.to_plotly_json(), cls=__import__("plotly").utils.PlotlyJSONEncoder)
