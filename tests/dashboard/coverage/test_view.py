"""Markup of the coverage page from computed data: tables next to every chart, white spots, workshop size."""

from __future__ import annotations

import json

from plotly.utils import PlotlyJSONEncoder

from dashboard.coverage import figures as cf
from dashboard.coverage import view
from dashboard.coverage.compute import PageParams, page_data
from dashboard.i18n import translator


def as_text(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_heat_part_marks_white_spots(ctx, state_for):
    state = state_for("category=counselling")
    data = page_data(ctx, state, PageParams())
    figure, table = view.heat_part(ctx, state, data.mask)
    text = figure["data"][0]["text"]
    counselling = figure["data"][0]["x"].index("Beratung")
    assert [row[counselling] for row in text] == ["1", "1"]  # o2 Mitte, o3 Oßweil
    assert all(row[i] == "–" for row in text for i in range(len(row)) if i != counselling)
    assert "– = kein Angebot" in as_text(table)


def test_metric_table_html_lists_the_ranking_and_the_city(ctx, state_for):
    data = page_data(ctx, state_for(), PageParams(focus="mitte"))
    text = as_text(view.metric_table_html(data.table, "per_1000", data.focus, ctx.method, translator("de")))
    assert text.index("Oßweil") < text.index("Mitte") < text.index("Stadtdurchschnitt")
    assert '"aria-pressed": "true"' in text and "Einwohner verteilt auf Stadtteilfläche (Näherung)" in text


def test_focus_and_compare_markup(ctx, state_for):
    _ = translator("de")
    none = page_data(ctx, state_for(), PageParams())
    assert "Kein Stadtteil ausgewählt" in as_text(view.focus_children(none, ctx, "de", _))
    assert view.compare_children(none, ctx, "de", _) == []
    both = page_data(ctx, state_for(), PageParams(focus="ossweil", compare=("mitte", "ossweil")))
    assert "Rang 1 von 2" in as_text(view.focus_children(both, ctx, "de", _))
    assert as_text(view.compare_children(both, ctx, "de", _)).count("compare-col") == 2


def test_workshop_mode_enlarges_every_chart_and_keeps_labels_inside(ctx, state_for):
    state = state_for()
    data = page_data(ctx, state, PageParams())
    for part in (view.heat_part, view.curve_part):
        normal, _table = part(ctx, state, data.mask)
        big, _table = part(ctx, state, data.mask, workshop=True)
        assert normal["layout"]["font"]["size"] == cf.FONT["size"]
        assert big["layout"]["font"]["size"] == cf.WORKSHOP_FONT_SIZE > cf.FONT["size"]
        assert big["layout"]["height"] > normal["layout"]["height"]
    heat, _table = view.heat_part(ctx, state, data.mask)
    curve, _table = view.curve_part(ctx, state, data.mask)
    # axis labels get their room from Plotly's automargin (they were clipped in workshop mode)
    assert heat["layout"]["xaxis"]["automargin"] and curve["layout"]["yaxis"]["automargin"]
    figs = view.page_figures(ctx, data, state, PageParams(mode="workshop"))
    assert figs["bars"]["layout"]["font"]["size"] == cf.WORKSHOP_FONT_SIZE
    assert figs["choropleth"].layout.font.size == cf.WORKSHOP_FONT_SIZE
