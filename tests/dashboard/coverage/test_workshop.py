"""Workshop mode and the coverage page's markup for issues 12 (point 7) and 13, without a browser.

The test dataset (``conftest.py``): Mitte 3 offers / 3,000 residents (1.0 per 1,000), Oßweil
2 / 1,000 (2.0), city 5 / 4,000 (1.25); the only ``sports`` offer is o5 in Mitte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from dash import dcc, html

from dashboard import ids
from dashboard.coverage import figures as cf
from dashboard.coverage import view
from dashboard.coverage.compute import PageParams, focus_figures, page_data
from dashboard.i18n import translator


def walk(component: Any) -> Iterator[Any]:
    """Every component of a Dash component tree (depth first)."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
        return
    if not hasattr(component, "_prop_names"):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def by_id(tree: Any, component_id: str) -> Any:
    return next(c for c in walk(tree) if getattr(c, "id", None) == component_id)


def with_class(tree: Any, name: str) -> list[Any]:
    return [c for c in walk(tree) if name in (getattr(c, "className", None) or "").split()]


def text_of(tree: Any) -> str:
    """The visible text of a component tree."""
    parts: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, str | int | float):
            parts.append(str(node))
        elif isinstance(node, list | tuple):
            for child in node:
                collect(child)
        elif hasattr(node, "_prop_names"):
            collect(getattr(node, "children", None))

    collect(tree)
    return "".join(parts)


@pytest.fixture
def coverage_page(app):
    """The /coverage layout for URL parameters (rendered inside a request, as Dash Pages does)."""
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/coverage")["layout"]

    def render(**query: Any) -> Any:
        with app.server.test_request_context("/coverage"):
            return layout(**query)

    return render


def test_workshop_first_screen_puts_the_map_and_the_focused_district_side_by_side(coverage_page):
    page = coverage_page(mode="workshop", district_focus="ossweil")
    (stage,) = with_class(page, "cov-stage")
    inside = {getattr(c, "id", None) for c in walk(stage)}
    assert {ids.COV_CHOROPLETH, ids.COV_FOCUS_PANEL} <= inside
    # the map is sized by its frame (CSS), not by a fixed figure height
    graph = by_id(stage, ids.COV_CHOROPLETH)
    assert graph.responsive is True and graph.figure.layout.height is None
    assert with_class(stage, "cov-graph-frame")
    # the focus panel leads with the district, the shown metric and the city average
    (lead,) = with_class(by_id(stage, ids.COV_FOCUS_PANEL), "cov-focus-lead")
    assert (
        text_of(lead) == "Oßweil2,0 Angebote je 1.000 EinwohnerStadtdurchschnitt: 1,2 · Rang 1 von 2"
    )  # 1.25 half-even
    # outside workshop mode there is no stage (the map sits beside the ranking)
    assert not with_class(coverage_page(), "cov-stage")


def test_choropleth_carries_bounds_and_a_label_point_inside_each_district(ctx, state_for):
    state = state_for()
    data = page_data(ctx, state, PageParams())
    fig = view.page_figures(ctx, data, state, PageParams())["choropleth"]
    meta = fig.layout.meta
    west, south, east, north = meta["bounds"]
    assert west < east and south < north
    labels = {label["id"]: label for label in meta["labels"]}
    assert {label["name"] for label in labels.values()} == {"Mitte", "Oßweil"}
    for label in labels.values():
        assert west <= label["lon"] <= east and south <= label["lat"] <= north
    assert labels["mitte"]["lon"] < labels["ossweil"]["lon"]  # Mitte is the western square


def test_focus_figures_follow_the_shown_metric(ctx, state_for):
    data = page_data(ctx, state_for(), PageParams(focus="mitte"))
    figures = focus_figures(data.table, "mitte")
    assert figures is not None
    assert (figures.name, figures.value, figures.city, figures.rank, figures.ranked_of) == ("Mitte", 1.0, 1.25, 2, 2)
    assert focus_figures(data.table, None) is None and focus_figures(data.table, "nowhere") is None
    english = view.focus_children(data, ctx, "en", translator("en"), "per_1000")
    assert "Mitte1.0 Services per 1,000 residentsCity average: 1.2 · Rank 2 of 2" in text_of(english)


def test_workshop_filter_bar_offers_category_language_and_target_group(coverage_page):
    page = coverage_page(mode="workshop", category="counselling,sports", language="ar")
    (bar,) = with_class(page, "cov-filter-bar")
    selects = {c.id: c for c in walk(bar) if isinstance(c, html.Select)}
    assert set(selects) == {"cov-ws-categories", "cov-ws-languages", "cov-ws-target_groups"}
    assert {getattr(s, "data-ws-filter") for s in selects.values()} == {"categories", "languages", "target_groups"}
    labels = {c.htmlFor for c in walk(bar) if isinstance(c, html.Label)}
    assert labels == set(selects)  # every select has its label

    def chosen(select: html.Select) -> list[str]:
        return [o.value for o in select.children if o.selected]

    # two categories chosen elsewhere stay one option until the room picks one value
    (both,) = chosen(selects["cov-ws-categories"])
    assert sorted(both.split(",")) == ["counselling", "sports"]
    assert chosen(selects["cov-ws-languages"]) == ["ar"]
    assert chosen(selects["cov-ws-target_groups"]) == [""]  # "alle"
    assert "counselling" in [o.value for o in selects["cov-ws-categories"].children]


def test_metric_is_a_native_radio_group_with_a_legend(ctx):
    picker = view.metric_picker("within_500", translator("de"))
    assert isinstance(picker, html.Fieldset) and picker.id == ids.COV_METRIC_PICKER
    assert isinstance(picker.children[0], html.Legend) and picker.children[0].children == "Kennzahl"
    labels = [c for c in walk(picker) if isinstance(c, html.Label)]
    assert [getattr(lbl, "data-value") for lbl in labels] == ["per_1000", "within_500", "within_1000", "e2sfca"]
    assert [getattr(lbl, "data-checked") for lbl in labels] == ["false", "true", "false", "false"]
    assert {getattr(lbl, "data-radio-name") for lbl in labels} == {view.METRIC_RADIO}
    assert not [c for c in walk(picker) if isinstance(c, html.Button)]  # no toggle buttons any more


def test_every_chart_links_to_its_table_and_workshop_folds_all_but_the_ranking(coverage_page):
    for query, folded in (({}, set()), ({"mode": "workshop"}, {ids.COV_BARS, ids.COV_HEATMAP, ids.COV_CURVE})):
        page = coverage_page(**query)
        sections = with_class(page, "cov-figure")
        assert len(sections) == 4
        for section in sections:
            graph = next(c for c in walk(section) if isinstance(c, dcc.Graph))
            (link,) = [c for c in walk(section) if isinstance(c, html.A) and c.href.startswith("#")]
            assert link.children == "Tabelle zu diesem Diagramm"
            region = by_id(section, link.href[1:])
            assert region.role == "region" and getattr(region, "aria-label")
            details = next(c for c in walk(section) if isinstance(c, html.Details))
            assert details.open is (graph.id not in folded), (query, graph.id)


def test_numbers_plurals_and_plotly_locale_follow_the_language(ctx, state_for):
    sports = state_for("category=sports&lang=en")
    data = page_data(ctx, sports, PageParams())
    assert "1 service in the selection" in text_of(view.summary(data, PageParams(), ctx.method, translator("en"), "en"))
    german = page_data(ctx, state_for(), PageParams())
    summary = text_of(view.summary(german, PageParams(), ctx.method, translator("de"), "de"))
    assert "5 Angebote in der Auswahl" in summary
    table = text_of(view.metric_table_html(german.table, "per_1000", None, ctx.method, translator("de"), "de"))
    assert "Mitte1,033.000" in table  # rank, name, "1,0", 3 offers, "3.000": German decimal comma and grouping
    arabic = text_of(view.metric_table_html(german.table, "per_1000", None, ctx.method, translator("ar"), "ar"))
    assert "3,000" in arabic  # one group, no plain space that bidi would split
    config = cf.graph_config("x", "uk")
    assert config["locale"] == "uk" and config["locales"]["uk"]["format"]["decimal"] == ","


def test_rtl_chart_titles_are_isolated_and_long_labels_wrap(ctx, state_for):
    table = page_data(ctx, state_for(), PageParams()).table
    title = cf.ranked_bars(table, "value", "عدد الخدمات لكل 1,000 نسمة (%)", "avg", lang="ar")["layout"]["xaxis"]
    lines = title["title"]["text"].split("<br>")
    assert all(line.startswith("\u2067") and line.endswith("\u2069") for line in lines)
    german = cf.ranked_bars(table, "value", "Angebote je 1.000 Einwohner", "avg")["layout"]["xaxis"]["title"]["text"]
    assert "\u2067" not in german and german == "Angebote je 1.000<br>Einwohner"
    assert cf.chart_text("Migrantenorganisationen & Kulturvereine", "de", 16) == (
        "Migrantenorganisationen<br>& Kulturvereine"
    )
    choropleth = cf.choropleth_values(table, "value", "نسبة (%)", lang="ar")
    assert choropleth["colorbar_title_text"] == "\u2067نسبة (%)\u2069"


def test_profile_numbers_are_written_in_the_page_language(app):
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/profile")["layout"]
    with app.server.test_request_context("/profile"):
        german = text_of(layout(district="mitte"))
        english = text_of(layout(district="mitte", lang="en"))
    assert "3.000" in german and "1,0" in german and "Rang 2 von 2" in german
    assert "3,000" in english and "1.0" in english


def test_workshop_charts_wrap_titles_shorter_and_turn_tick_labels_upright(ctx, state_for):
    state = state_for("lang=ar")
    data = page_data(ctx, state, PageParams())
    heat, _table = view.heat_part(ctx, state, data.mask, workshop=True)
    assert heat["layout"]["xaxis"]["tickangle"] == -90  # no label reaches right of its column
    curve, _table = view.curve_part(ctx, state, data.mask, workshop=True)
    for line in curve["layout"]["xaxis"]["title"]["text"].split("<br>"):
        assert line.startswith("\u2067") and line.endswith("\u2069")
        assert len(line) - 2 <= cf.WORKSHOP_WRAP
    assert cf.rewrapped("Entfernung (Luftlinie,<br>m)", 14) == "Entfernung<br>(Luftlinie, m)"


def test_several_chosen_values_are_listed_with_the_languages_own_comma(coverage_page):
    page = coverage_page(mode="workshop", category="counselling,sports", lang="ar")
    select = by_id(page, "cov-ws-categories")
    (both,) = [o for o in select.children if o.selected]
    assert "، " in both.children and ", " not in both.children
    assert text_of(by_id(page, "cov-ws-categories").children[0]) == "الكل"  # "alle" in Arabic


def test_narrow_screens_scroll_a_chart_inside_its_region_and_the_average_label_stays_inside(
    coverage_page, ctx, state_for
):
    page = coverage_page()
    regions = with_class(page, "graph-scroll")
    inside = [next(c.id for c in walk(r) if isinstance(c, dcc.Graph)) for r in regions]
    assert inside == [ids.COV_BARS, ids.COV_HEATMAP, ids.COV_CURVE]  # the map fits any width
    assert all(r.tabIndex == 0 and r.role == "region" and getattr(r, "aria-label") for r in regions)
    table = page_data(ctx, state_for(), PageParams()).table  # values 1.0 and 2.0, axis up to 2.4, average 1.25
    (average,) = cf.ranked_bars(table, "value", "x", "Stadtdurchschnitt")["layout"]["annotations"]
    assert average["xanchor"] == "right"  # 1.25 lies right of the middle: the label grows leftwards
