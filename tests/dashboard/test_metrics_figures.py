"""Coverage figures: white spots marked by text, values on bars, city average labelled, offline map style."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go

from dashboard import coverage_figures as cf
from dashboard import metrics as m
from dashboard.population import districts_frame, spread_district_population
from tests.dashboard.test_metrics import toy_districts, toy_offers


def test_heatmap_marks_white_spots_with_a_symbol():
    counts = m.offers_by_district(toy_offers(), toy_districts(), groups=("counselling", "language_course"))
    fig = cf.heatmap(counts, str.upper, "– = kein Angebot")
    text = np.asarray(fig["data"][0]["text"])
    # rows Alpha, Beta, Gamma; columns counselling, language_course (see test_metrics' toy city)
    assert text.tolist() == [["1", "1"], ["1", cf.WHITE_SPOT], [cf.WHITE_SPOT, cf.WHITE_SPOT]]
    assert list(fig["data"][0]["x"]) == ["COUNSELLING", "LANGUAGE_COURSE"]
    go.Figure(fig)  # a valid Plotly figure


def test_ranked_bars_show_values_and_city_average():
    per = m.offers_per_1000(toy_offers(), toy_districts())
    fig = cf.ranked_bars(per, "per_1000", "Angebote je 1.000", "Stadtdurchschnitt")
    bar = fig["data"][0]
    assert list(bar["y"]) == ["Gamma", "Beta", "Alpha"]  # NaN first, then ascending 0.5, 2.0
    assert list(bar["text"]) == ["–", "0.5", "2.0"]
    assert fig["layout"]["annotations"][0]["text"] == "Stadtdurchschnitt: 1.0"
    focused = cf.ranked_bars(per, "per_1000", "x", "avg", focus="B")["data"][0]
    assert list(focused["y"]) == ["Gamma", "▶ Beta", "Alpha"]  # the focus is marked by a symbol too
    go.Figure(fig)


def test_choropleth_uses_the_offline_style():
    features = json.loads(toy_districts().to_crs("EPSG:4326").to_json())["features"]
    for f in features:
        f["properties"]["approximate"] = False
    per = m.offers_per_1000(toy_offers(), districts_frame(features))
    fig = cf.choropleth(features, per, "per_1000", "je 1.000")
    style = fig.layout.map.style
    assert isinstance(style, dict) and "glyphs" not in style and "sprite" not in style
    assert list(fig.data[0].locations) == ["A", "B", "C"]


def test_distance_curve_marks_thresholds():
    cells = spread_district_population(toy_districts(), cell_size_m=500.0)
    dist = m.nearest_distances(cells.xy, m.offer_xy(toy_offers()))
    fig = cf.distance_curve_figure(m.distance_curve(cells, dist, 100, 1000), "m", "%", (500.0, 1000.0))
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["500 m: 67 %", "1000 m: 100 %"]
    go.Figure(fig)
    assert cf.graph_config("x")["toImageButtonOptions"]["format"] == "png"
