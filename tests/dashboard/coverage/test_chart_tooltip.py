"""Every coverage chart hands its tooltip to ``assets/chart_tooltip.js`` (issue 13, WCAG 1.4.13), without a browser.

Plotly's own hover label vanished as soon as the pointer moved onto it. Each trace must therefore
draw no label (``hoverinfo: "none"``, which still fires the hover and click events; ``"skip"``
would end them) and carry, per point, the text the tooltip shows (``hovertext``, built here in the
page's language). The charts are found by walking the rendered pages and the callbacks' outputs,
so a chart added later cannot bring Plotly's label back unnoticed.

The test dataset (``conftest.py``): Mitte 3 offers / 3,000 residents (1.0 per 1,000), Oßweil
2 / 1,000 (2.0).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import numpy as np
import pandas as pd
import pytest
from dash import dcc
from plotly.utils import PlotlyJSONEncoder

from dashboard.coverage import callbacks, view
from dashboard.coverage import figures as cf
from dashboard.coverage.compute import PageParams, page_data

RLI, PDI = "\u2067", "\u2069"


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


def plain(figure: Any) -> dict[str, Any]:
    """A figure (``go.Figure`` or dict) as the JSON the browser gets."""
    return json.loads(json.dumps(figure, cls=PlotlyJSONEncoder))


def point_count(trace: dict[str, Any]) -> tuple[int, ...]:
    """The shape of a trace's points: (rows, columns) of a heatmap, (points,) otherwise."""
    if trace["type"] == "heatmap":
        return np.asarray(trace["z"], dtype=float).shape
    key = "locations" if "locations" in trace else "x"
    return (len(trace[key]),)


def tooltip_problems(name: str, figure: Any) -> list[str]:
    """Why ``figure``'s traces would bring back Plotly's own tooltip or show none (empty: fine)."""
    problems = []
    for i, trace in enumerate(plain(figure)["data"]):
        where = f"{name} trace {i} ({trace.get('type')})"
        if trace.get("hoverinfo") != "none":
            problems.append(f"{where}: hoverinfo {trace.get('hoverinfo')!r}, not 'none'")
        if "hovertemplate" in trace:
            problems.append(f"{where}: has a hovertemplate (Plotly would draw it)")
        texts = trace.get("hovertext")
        if texts is None or np.asarray(texts, dtype=object).shape != point_count(trace):
            problems.append(f"{where}: no hovertext per point")
        elif not all(isinstance(t, str) and t.strip(RLI + PDI) for t in np.asarray(texts, dtype=object).ravel()):
            problems.append(f"{where}: an empty or non-text hovertext")
    return problems


def page_graphs(app: dash.Dash, path: str, **query: Any) -> dict[str, Any]:
    """The figures of every ``dcc.Graph`` of the page at ``path`` rendered for ``query``."""
    layout = next(p for p in dash.page_registry.values() if p["path"] == path)["layout"]
    with app.server.test_request_context(path):
        tree = layout(**query)
    return {f"{path} {query} #{g.id}": g.figure for g in walk(tree) if isinstance(g, dcc.Graph)}


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("mode", ["", "workshop"])
def test_every_chart_of_the_coverage_page_leaves_its_tooltip_to_chart_tooltip_js(app, lang, mode):
    graphs = page_graphs(app, "/coverage", lang=lang, mode=mode, district_focus="mitte")
    assert len(graphs) == 4  # choropleth, ranking, heatmap, distance curve
    problems = [p for name, figure in graphs.items() for p in tooltip_problems(name, figure)]
    assert not problems, "\n".join(problems)


def test_the_district_profile_has_no_chart_with_plotlys_tooltip(app):
    graphs = page_graphs(app, "/profile", district="mitte")
    problems = [p for name, figure in graphs.items() for p in tooltip_problems(name, figure)]
    assert not problems, "\n".join(problems)


def test_the_callbacks_redraw_the_charts_with_the_tooltip_text(ctx, state_for):
    state = state_for("lang=de")
    params = PageParams(metric="per_1000", focus="ossweil", mode="workshop")
    data = page_data(ctx, state, params)
    bars = view.page_figures(ctx, data, state, params, with_map=False)["bars"]
    heat, _table = view.heat_part(ctx, state, data.mask, workshop=True)
    curve, _table = view.curve_part(ctx, state, data.mask, workshop=True)
    problems = [p for name, f in (("bars", bars), ("heat", heat), ("curve", curve)) for p in tooltip_problems(name, f)]
    assert not problems, "\n".join(problems)
    # the choropleth's patch sends the tooltip texts with the new values (the geometry stays)
    patch = callbacks.choropleth_patch(data.table, "Angebote je 1.000 Einwohner", data.focus).to_plotly_json()
    hovertexts = [op["params"]["value"] for op in patch["operations"] if op["location"][-1] == "hovertext"]
    assert hovertexts == [["Mitte: 1,0", "Oßweil: 2,0"]]


def test_tooltip_texts_are_todays_hover_texts_in_the_page_language(ctx, state_for):
    table = page_data(ctx, state_for(), PageParams()).table
    bars = cf.ranked_bars(table, "value", "Angebote je 1.000", "Stadtdurchschnitt", focus="ossweil")
    assert bars["data"][0]["hovertext"] == ["Mitte: 1,0", "▶ Oßweil: 2,0"]  # "%{y}: %{text}", focus marked
    english = cf.choropleth_values(table, "value", "per 1,000", lang="en")
    assert english["hovertext"] == ["Mitte: 1.0", "Oßweil: 2.0"]
    arabic = cf.choropleth_values(table, "value", "لكل 1,000", lang="ar")
    assert arabic["hovertext"] == [f"{RLI}Mitte: 1.0{PDI}", f"{RLI}Oßweil: 2.0{PDI}"]  # isolated, as the titles


def test_heatmap_and_curve_tooltips_name_the_cell_and_the_distance():
    counts = {
        "district_name": ["Mitte", "Mitte", "Oßweil", "Oßweil"],
        "group": ["counselling", "sports", "counselling", "sports"],
        "offers": [2, 0, 1000, 1],
    }
    heat = cf.heatmap(pd.DataFrame(counts), {"counselling": "Beratung", "sports": "Sport"}.get, "– = kein Angebot")
    assert heat["data"][0]["hovertext"] == [
        ["Mitte · Beratung: 2", f"Mitte · Sport: {cf.WHITE_SPOT}"],
        ["Oßweil · Beratung: 1.000", "Oßweil · Sport: 1"],
    ]
    curve = pd.DataFrame({"distance_m": [0.0, 1500.0], "share": [0.0, 0.8571]})
    figure = cf.distance_curve_figure(curve, "Entfernung", "Anteil", (500.0,))
    assert figure["data"][0]["hovertext"] == ["0 m: 0,0 %", "1.500 m: 85,7 %"]  # was "%{x:,.0f} m: %{y:,.1f} %"
    english = cf.distance_curve_figure(curve, "Distance", "Share", (500.0,), lang="en")
    assert english["data"][0]["hovertext"] == ["0 m: 0.0 %", "1,500 m: 85.7 %"]


def test_a_chart_with_plotlys_own_tooltip_is_caught():
    # the check above cannot pass by accident: the charts as they were before issue 13 fail it
    old = {"data": [{"type": "bar", "x": [1.0], "y": ["Mitte"], "hovertemplate": "%{y}: %{x}<extra></extra>"}]}
    skipped = {"data": [{"type": "bar", "x": [1.0], "y": ["Mitte"], "hoverinfo": "skip", "hovertext": ["Mitte: 1"]}]}
    assert len(tooltip_problems("old", old)) == 3
    assert tooltip_problems("skip", skipped) == ["skip trace 0 (bar): hoverinfo 'skip', not 'none'"]
