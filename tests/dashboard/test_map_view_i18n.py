"""The map page in every interface language (issue 13): plurals and locale numbers at the list status,
dates and language names in the detail, data values marked with their language and direction,
one Tab stop per chip group, radio groups, the skip link to the results and the live region."""

from __future__ import annotations

from typing import Any

import dash
import numpy as np
import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.components.filter_panel import filter_panel, roving_index
from dashboard.filters import FilterState
from dashboard.i18n import content_language, join_list, plural_translator, translator
from dashboard.map.detail import detail_panel, shown_date
from dashboard.map.offer_list import entry
from dashboard.map.view import ListSettings, View, announcement, compute_view, list_status, more_label, result_count


def walk(component: Any) -> list[Any]:
    """The component and all its descendants (depth first, document order)."""
    out = [component]
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return out
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            out += walk(child)
    return out


def text(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    items = children if isinstance(children, list | tuple) else [children]
    return "".join(text(c) for c in items if c is not None)


def attr(component: Any, name: str) -> Any:
    return getattr(component, name, None)


def with_text(tree: Any, value: str) -> list[Any]:
    """The innermost components whose own text is exactly ``value``."""
    return [c for c in walk(tree) if isinstance(getattr(c, "children", None), str) and c.children == value]


# --------------------------------------------------------------------------- 1. plurals, numbers, dates


@pytest.mark.parametrize(
    ("lang", "status"),
    [
        ("de", "2 von 6 Angeboten angezeigt"),
        ("en", "Showing 2 of 6 services"),
        ("ar", "تظهر 2 من أصل 6 خدمات"),  # 3..10: the plural of few (خدمات), not the default form
        ("uk", None),
    ],
)
def test_list_status_uses_the_plural_form_of_the_count(tiny_dataset, lang, status):
    settings = ListSettings(sort="name", limit=2)
    view = compute_view(tiny_dataset, FilterState(lang=lang), settings)
    got = list_status(view, settings, plural_translator(lang))
    expected = plural_translator(lang)(
        "{shown} von {count} Angebot angezeigt", "{shown} von {count} Angeboten angezeigt", 6, shown=2, count=6
    )
    assert got == expected and "{" not in got
    if status:
        assert got == status
    if lang == "uk":
        assert "пропозицій" in got  # 6: the "many" form


def test_more_button_names_how_many_the_next_click_adds(tiny_dataset):
    settings = ListSettings(sort="name", limit=2)
    view = compute_view(tiny_dataset, FilterState(), settings)
    assert more_label(view, settings, plural_translator("de")) == "4 weitere Angebote anzeigen"
    assert more_label(view, settings, plural_translator("ar")) == "إظهار 4 خدمات أخرى"
    assert more_label(view, ListSettings(limit=5), plural_translator("ar")) == "إظهار خدمة أخرى"
    assert more_label(view, ListSettings(limit=5), plural_translator("en")) == "Show 1 more service"


def test_result_count_is_written_with_the_locale_grouping(tiny_dataset):
    view = compute_view(tiny_dataset, FilterState(), ListSettings())
    big = View(state=view.state, mask=view.mask, rows=np.arange(12345))
    assert result_count(big, "de") == "12.345"
    assert result_count(big, "en") == "12,345"
    assert result_count(big, "uk") == "12\u00a0345"  # a no-break space: never "345 12" in a bidi run


def test_live_region_announces_counts_and_the_sort(tiny_dataset):
    _, ngettext = translator("de"), plural_translator("de")
    settings = ListSettings(sort="district", limit=2)
    view = compute_view(tiny_dataset, FilterState(), settings)
    assert announcement(view, settings, _, ngettext) == "2 von 6 Angeboten angezeigt. Sortiert nach Stadtteil."
    by_name = announcement(view, ListSettings(sort="name", limit=2), _, ngettext)
    assert by_name != announcement(view, settings, _, ngettext)  # a sort change is a new announcement
    empty = compute_view(tiny_dataset, FilterState(q="nirgendwo"), settings)
    assert announcement(empty, settings, _, ngettext) == ""  # the empty notice (role=status) says it once
    tr = announcement(view, settings, translator("tr"), plural_translator("tr"))
    assert "Angebot" not in tr and "Semte göre" in tr


def test_detail_date_and_languages_follow_the_interface_language(tiny_dataset):
    assert shown_date("2025-10-01", "de") == "01.10.2025"
    assert shown_date("2025-10-01", "en") == "1\u00a0Oct\u00a02025"
    assert shown_date("im Herbst", "de") == "im Herbst"  # free text stays as the city wrote it
    panel = dash.html.Div(detail_panel(tiny_dataset, 0, translator("en"), "en"))
    assert "1\u00a0Oct\u00a02025" in text(panel) and "2025-10-01" not in text(panel)
    arabic = [c for c in walk(panel) if attr(c, "lang") == "ar"]
    assert [c.children for c in arabic] == ["العربية"]
    assert "العربية (Arabic)" in text(panel)  # own name, then its name in the interface language
    german_page = dash.html.Div(detail_panel(tiny_dataset, 0, translator("de"), "de"))
    assert "Deutsch (" not in text(german_page)  # the same name twice is shown once


def test_language_chips_show_own_name_and_interface_name(tiny_dataset):
    panel = filter_panel(tiny_dataset, FilterState(lang="de"), translator("de"))
    chips = {attr(b, "data-value"): text(b) for b in walk(panel) if attr(b, "data-filter") == "languages"}
    assert chips["ar"] == "العربية (Arabisch)"
    assert chips["fa"].endswith("(Persisch)")
    assert chips["de"] == "Deutsch"


# --------------------------------------------------------------------------- 3. mixed direction


def test_data_values_carry_the_content_language_and_isolate_in_arabic(tiny_dataset):
    panel = dash.html.Div(detail_panel(tiny_dataset, 0, translator("ar"), "ar"))
    for value in ("Sprachcafé Mitte", "Verein Brücke e.V.", "Marktplatz 1, 71634 Ludwigsburg", "Mo 10-12", "Mitte"):
        hits = with_text(panel, value)
        assert hits, value
        assert all(attr(h, "lang") == "de" and attr(h, "dir") == "auto" for h in hits), value
    for value in ("+49 7141 1234", "cafe@example.org", "https://example.org/cafe"):
        (link,) = with_text(panel, value)
        assert attr(link, "dir") == "ltr" and type(link).__name__ == "A", value
    item = entry(tiny_dataset, 0, translator("tr"), "tr")
    names = with_text(item, "Sprachcafé Mitte") + with_text(item, "Mitte")
    assert names and all(attr(n, "lang") == "de" and attr(n, "dir") == "auto" for n in names)


def test_lists_are_joined_with_the_arabic_comma():
    assert join_list(["أ", "ب"], "ar") == "أ، ب"
    assert join_list(["a", "", "b"], "de") == "a, b"


def test_target_groups_in_arabic_use_the_arabic_comma(tiny_dataset):
    row = tiny_dataset.index_of("o3")  # two target groups
    panel = dash.html.Div(detail_panel(tiny_dataset, row, translator("ar"), "ar"))
    labels = [tiny_dataset.taxonomy.target_groups.label(t, "ar") for t in ("women", "newcomers")]
    assert "، ".join(labels) in text(panel)
    assert ", ".join(labels) not in text(panel)


def test_content_language_is_a_city_setting():
    assert content_language({}) == "de"
    assert content_language({"content_language": "fr"}) == "fr"
    assert content_language({"content_language": "<script>"}) == "de"


# --------------------------------------------------------------------------- 4. keyboard structure


@pytest.fixture
def app(tiny_data_dir):
    return create_app(tiny_data_dir)


def map_page(app: dash.Dash, **query: str) -> Any:
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    with app.server.test_request_context("/"):
        return page["layout"](**query)


def test_each_chip_group_is_one_tab_stop(app):
    tree = map_page(app, language="tr")
    groups = [c for c in walk(tree) if attr(c, "data-roving") == "true"]
    assert len(groups) >= 3
    for group in groups:
        stops = [b.tabIndex for b in group.children]
        assert stops.count(0) == 1 and set(stops) <= {0, -1}, stops
    languages = next(g for g in groups if attr(g.children[0], "data-filter") == "languages")
    (stop,) = [b for b in languages.children if b.tabIndex == 0]
    assert attr(stop, "data-value") == "tr"  # the pressed chip takes the stop
    assert roving_index([False, False]) == 0 and roving_index([False, True, True]) == 1


def test_sort_and_view_are_radio_groups_with_the_old_data_attributes(app):
    tree = map_page(app, sort="district")
    groups = [c for c in walk(tree) if attr(c, "role") == "radiogroup"]
    assert len(groups) == 2
    for group in groups:
        assert attr(group, "aria-labelledby")
        radios = group.children
        assert all(attr(r, "role") == "radio" for r in radios)
        assert [attr(r, "aria-checked") for r in radios].count("true") == 1
        assert [r.tabIndex for r in radios if attr(r, "aria-checked") == "true"] == [0]
    sort = next(g for g in groups if attr(g.children[0], "data-sort"))
    assert [attr(r, "aria-checked") for r in sort.children] == ["false", "true"]


def test_skip_link_to_the_results_and_a_polite_status(app):
    tree = map_page(app)
    skips = [c for c in walk(tree) if attr(c, "className") == "skip-link"]
    assert [text(s) for s in skips] == ["Zum Inhalt springen", "Zu den Ergebnissen"]
    target = next(c for c in walk(tree) if attr(c, "id") == skips[1].href.lstrip("#"))
    assert target.id == ids.OFFER_LIST and target.tabIndex == -1  # focusable, next Tab: the first offer
    live = [c for c in walk(tree) if attr(c, "role") == "status" and attr(c, "aria-live") == "polite"]
    assert any("Angebote" in text(c) and "Sortiert nach" in text(c) for c in live)


def test_detail_has_a_close_button(tiny_dataset):
    panel = detail_panel(tiny_dataset, 0, translator("tr"), "tr")
    close = panel[0]
    assert attr(close, "data-action") == "close-detail" and text(close) == "Kapat"


def test_search_placeholder_says_what_the_search_covers(tiny_dataset):
    """A translated example ("dil kafesi") finds nothing in German data: say the data is German instead,
    as visible text under the field (a placeholder is cut off at the panel's width)."""
    for lang, word in (("tr", "Almanca"), ("ar", "الألمانية"), ("uk", "німецьких")):
        panel = filter_panel(tiny_dataset, FilterState(lang=lang), translator(lang))
        (search,) = [c for c in walk(panel) if attr(c, "id") == ids.SEARCH]
        assert not getattr(search, "placeholder", None)  # no example in the interface language
        (hint,) = [c for c in walk(panel) if attr(c, "id") == "search-hint"]
        assert word in text(hint), text(hint)
