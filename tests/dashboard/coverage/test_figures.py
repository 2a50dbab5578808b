"""Coverage figures: white spots marked by text, values on bars, city average labelled, offline map style.

Tables come from :mod:`analysis` on a toy city of three 1 km squares (EPSG:25832): Alpha (1000
residents; offers o1 counselling, o2 language_course), Beta (2000; o3 counselling), Gamma
(population unknown; no offer), and o4 outside every district.
"""

from __future__ import annotations

import itertools
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from shapely.geometry import box

import analysis as m
from dashboard.coverage import figures as cf

X0, Y0 = 510_000.0, 5_410_000.0


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"], "population": [1000, 2000, None]},
        geometry=[box(X0 + k * 1000, Y0, X0 + (k + 1) * 1000, Y0 + 1000) for k in range(3)],
        crs="EPSG:25832",
    )


@pytest.fixture
def offers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district_id": ["A", "A", "B", None],
            "category": ["counselling", "language_course", "counselling", "counselling"],
            "x": X0 + np.array([300.0, 750.0, 1900.0, -300.0]),
            "y": Y0 + np.array([250.0, 750.0, 900.0, 250.0]),
        }
    )


def test_heatmap_marks_white_spots_with_a_symbol(offers, districts):
    counts = m.offers_by_district(offers, districts, groups=("counselling", "language_course"))
    fig = cf.heatmap(counts, str.upper, "– = kein Angebot")
    text = np.asarray(fig["data"][0]["text"])
    # rows Alpha, Beta, Gamma; columns counselling, language_course
    assert text.tolist() == [["1", "1"], ["1", cf.WHITE_SPOT], [cf.WHITE_SPOT, cf.WHITE_SPOT]]
    assert list(fig["data"][0]["x"]) == ["COUNSELLING", "LANGUAGE_COURSE"]
    go.Figure(fig)  # a valid Plotly figure


def test_ranked_bars_show_values_and_city_average(offers, districts):
    per = m.offers_per_1000(offers, districts)
    fig = cf.ranked_bars(per, "per_1000", "Angebote je 1.000", "Stadtdurchschnitt")
    bar = fig["data"][0]
    assert list(bar["y"]) == ["Gamma", "Beta", "Alpha"]  # NaN first, then ascending 0.5, 2.0
    assert list(bar["text"]) == ["–", "0,5", "2,0"]  # German decimal comma on a German page
    assert fig["layout"]["annotations"][0]["text"] == "Stadtdurchschnitt: 1,0"
    assert fig["layout"]["separators"] == ",."  # ticks and hover numbers too
    english = cf.ranked_bars(per, "per_1000", "per 1,000", "City average", lang="en")
    assert list(english["data"][0]["text"]) == ["–", "0.5", "2.0"] and english["layout"]["separators"] == ".,"
    focused = cf.ranked_bars(per, "per_1000", "x", "avg", focus="B")["data"][0]
    assert list(focused["y"]) == ["Gamma", "▶ Beta", "Alpha"]  # the focus is marked by a symbol too
    go.Figure(fig)


def test_choropleth_uses_the_offline_style(offers, districts):
    features = json.loads(districts.to_crs("EPSG:4326").to_json())["features"]
    for f in features:
        f["properties"]["approximate"] = False
    per = m.offers_per_1000(offers, m.districts_frame(features))
    fig = cf.choropleth(features, per, "per_1000", "je 1.000")
    style = fig.layout.map.style
    assert isinstance(style, dict) and "glyphs" not in style and "sprite" not in style
    assert list(fig.data[0].locations) == ["A", "B", "C"]


def test_distance_curve_marks_thresholds(offers, districts):
    cells = m.spread_district_population(districts, cell_size_m=500.0)
    dist = m.nearest_distances(cells.xy, m.offer_xy(offers))
    fig = cf.distance_curve_figure(m.distance_curve(cells, dist, 100, 1000), "m", "%", (500.0, 1000.0))
    # German notation with no-break spaces: "1.000 m: 100 %"
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["500 m: 67\u00a0%", "1.000 m: 100\u00a0%"]
    go.Figure(fig)
    assert cf.graph_config("x")["toImageButtonOptions"]["format"] == "png"


def test_for_workshop_enlarges_text_and_keeps_the_figure(offers, districts):
    fig = cf.ranked_bars(m.offers_per_1000(offers, districts), "per_1000", "x", "avg")
    big = cf.for_workshop(fig)
    assert big["layout"]["font"]["size"] == cf.WORKSHOP_FONT_SIZE > cf.FONT["size"]
    assert fig["layout"]["font"]["size"] == cf.FONT["size"]  # a new dict: the original is unchanged
    assert big["data"][0]["y"] == fig["data"][0]["y"]


def test_graph_config_offers_no_upload_and_no_selection_tools():
    # issue 12 item 9: Plotly's "share chart" must not offer an outside service
    config = cf.graph_config("x")
    removed = set(config["modeBarButtonsToRemove"])
    assert {"lasso2d", "select2d", "sendDataToCloud"} <= removed
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["displaylogo"] is False


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _mix(a: str, b: str, t: float) -> str:
    pa = [int(a.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    pb = [int(b.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(pa, pb, strict=True))


def test_heatmap_cell_numbers_keep_4_5_to_1_on_every_shade():
    # issue 13 (1.4.3): computed from the figure's own colour scale and text colour
    counts = pd.DataFrame(
        {"district_id": ["a", "a"], "district_name": ["A", "A"], "group": ["x", "y"], "offers": [0, 7]}
    )
    trace = cf.heatmap(counts, str, "– = kein Angebot")["data"][0]
    text = trace["textfont"]["color"]
    scale = [(float(p), str(c)) for p, c in trace["colorscale"]]
    for (_p0, c0), (_p1, c1) in itertools.pairwise(scale):
        for step in range(11):
            fill = _mix(c0, c1, step / 10)
            lighter, darker = sorted((_luminance(fill), _luminance(text)), reverse=True)
            assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (fill, text)


def test_heatmap_note_has_its_own_margin_below_the_rows():
    # issue 12 item 9: the "– = kein Angebot" note overlapped the last row label
    counts = pd.DataFrame(
        {"district_id": ["a", "b"], "district_name": ["A", "B"], "group": ["x", "x"], "offers": [0, 7]}
    )
    layout = cf.heatmap(counts, str, "– = kein Angebot")["layout"]
    title = layout["title"]
    assert title["yref"] == "container" and title["yanchor"] == "bottom"
    note_top_px = title["y"] * layout["height"] + title["font"]["size"] * 1.3
    assert note_top_px <= layout["margin"]["b"]  # the note ends inside the bottom margin
    assert layout["xaxis"]["side"] == "top"  # so no tick labels share that margin


def test_every_chart_has_a_toolbar_with_3_to_1_contrast(offers, districts):
    """WCAG 1.4.11: the toolbar's icons >= 3:1 against its background."""
    from dashboard.mapstyle import contrast_ratio

    features = json.loads(districts.to_crs("EPSG:4326").to_json())["features"]
    per = m.offers_per_1000(offers, districts)
    counts = m.offers_by_district(offers, districts, groups=("counselling", "language_course"))
    cells = m.spread_district_population(districts, cell_size_m=500.0)
    dist = m.nearest_distances(cells.xy, m.offer_xy(offers))
    figures = {
        "bars": go.Figure(cf.ranked_bars(per, "per_1000", "x", "avg")),
        "heatmap": go.Figure(cf.heatmap(counts, str.upper, "–")),
        "curve": go.Figure(cf.distance_curve_figure(m.distance_curve(cells, dist, 100, 1000), "m", "%", (500.0,))),
        "choropleth": cf.choropleth(features, m.offers_per_1000(offers, m.districts_frame(features)), "per_1000", "x"),
    }
    for name, fig in figures.items():
        bar = fig.layout.modebar
        assert contrast_ratio(bar.color, bar.bgcolor) >= 3 and contrast_ratio(bar.activecolor, bar.bgcolor) >= 3, name
