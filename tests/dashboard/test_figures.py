"""The offer map figure, its offline style and the clientside marker rules (no browser)."""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.map.figures import (
    APPROXIMATE_OPACITY,
    PATTERNS,
    TRACE_CORE,
    TRACE_MID,
    TRACE_RIM,
    category_styles,
    dataset_points,
    group_points,
    hover_labels,
    map_points,
    marker_traces,
    offer_map,
    points_payload,
    visible_markers,
)
from dashboard.mapstyle import bounds_of, fit_view, offline_style, style_urls
from geodata.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[2]
MAP_JS = REPO / "assets" / "map.js"


def _traces(fig: go.Figure) -> dict[str, go.Scattermap]:
    return {t.name: t for t in fig.data}


# ----------------------------------------------------------------- grouping


def test_group_points_merges_equal_locations_in_file_order() -> None:
    lon = np.array([9.2, 9.1, 9.2000001, 9.3, 9.1])
    lat = np.array([48.9, 48.8, 48.9000001, 48.7, 48.8])
    groups = group_points(lon, lat)
    assert len(groups) == 3
    assert groups.group_of.tolist() == [0, 1, 0, 2, 1]
    assert groups.lon.tolist() == [9.2, 9.1, 9.3]
    members = [groups.members[groups.starts[g] : groups.starts[g + 1]].tolist() for g in range(3)]
    assert members == [[0, 2], [1, 4], [3]]


def test_group_points_keeps_neighbours_a_few_metres_apart() -> None:
    groups = group_points(np.array([9.2, 9.2001]), np.array([48.9, 48.9]))
    assert len(groups) == 2


def test_group_points_empty() -> None:
    groups = group_points(np.array([]), np.array([]))
    assert len(groups) == 0 and groups.starts.tolist() == [0]


# ----------------------------------------------------------------- styles


def test_every_category_has_its_own_colour_and_pattern() -> None:
    ids = load_taxonomy().categories.ids
    styles = category_styles(ids)
    pairs = {(s.colour, s.pattern) for s in styles.values()}
    assert len(pairs) == len(ids)
    ordered = [styles[i] for i in ids]
    for a, b in itertools.pairwise(ordered):
        assert a.colour != b.colour and a.pattern != b.pattern  # never colour alone
    assert {s.pattern for s in ordered} == set(PATTERNS)


# ----------------------------------------------------------------- visible markers


def test_markers_of_all_offers(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    markers = visible_markers(points)
    # o1 and o5 share an address: 6 offers -> 5 markers
    assert len(markers) == 5
    shared = points.groups.group_of[0]
    assert points.groups.group_of[4] == shared
    at = markers.group.tolist().index(shared)
    assert markers.style[at] == points.mixed_index  # language café + counselling
    assert markers.first[at] == 0


def test_marker_style_follows_visible_members_only(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    mask = np.array([False, True, True, True, True, True])  # hide o1
    markers = visible_markers(points, mask)
    shared = points.groups.group_of[0]
    at = markers.group.tolist().index(shared)
    assert points.styles[markers.style[at]] == category_styles(tiny_dataset.category_ids)["counselling"]
    assert markers.first[at] == 4


def test_group_disappears_when_no_member_is_visible(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    mask = np.array([False, True, True, True, False, True])
    assert len(visible_markers(points, mask)) == 4
    assert len(visible_markers(points, np.zeros(6, dtype=bool))) == 0


def test_approximate_offers_are_flagged(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    markers = visible_markers(points)
    approx_groups = set(markers.group[markers.approximate].tolist())
    assert approx_groups == {int(points.groups.group_of[3])}  # o4, geocoded to its postcode


def test_mask_of_wrong_length_is_refused(tiny_dataset) -> None:
    with pytest.raises(ValueError, match="one bool per offer"):
        visible_markers(dataset_points(tiny_dataset), np.ones(3, dtype=bool))


# ----------------------------------------------------------------- figure


def test_offer_map_draws_markers_over_a_local_style(tiny_dataset) -> None:
    fig = offer_map(tiny_dataset, "de")
    traces = _traces(fig)
    assert set(traces) == {TRACE_RIM, TRACE_MID, TRACE_CORE}
    assert all(t.type == "scattermap" for t in fig.data)
    assert len(traces[TRACE_CORE].lon) == 5 and len(traces[TRACE_RIM].lon) == 5
    style = fig.layout.map.style
    assert isinstance(style, dict)
    assert "glyphs" not in style and "sprite" not in style
    assert style_urls(style) == []
    assert {"districts", "city"} <= set(style["sources"])
    assert "district-line-approximate" in {layer["id"] for layer in style["layers"]}


def test_offer_map_hover_lists_every_offer_at_an_address(tiny_dataset) -> None:
    core = _traces(offer_map(tiny_dataset, "de"))[TRACE_CORE]
    hover = next(h for h in core.hovertext if "Sprachcafé Mitte" in h)
    assert "Jugendberatung" in hover and "Mitte" in hover
    approx = [h for h in core.hovertext if "Lage ungefähr" in h]
    assert len(approx) == 1 and "Frauentreff" in approx[0]
    opacity = np.asarray(core.marker.opacity)
    assert sorted(opacity.tolist()).count(APPROXIMATE_OPACITY) == 1


def test_offer_map_labels_demo_data_and_approximate_districts(tiny_dataset) -> None:
    texts = [a.text for a in offer_map(tiny_dataset, "de").layout.annotations]
    assert "Demodaten" in texts
    assert "Stadtteilgrenzen ungefähr (Demo)" in texts


def test_offer_map_follows_the_mask(tiny_dataset) -> None:
    mask = np.array([True, False, False, False, False, False])
    core = _traces(offer_map(tiny_dataset, "de", mask))[TRACE_CORE]
    assert len(core.lon) == 1
    assert core.hovertext[0].startswith("Sprachcafé Mitte") and "Jugendberatung" not in core.hovertext[0]


def test_offer_map_without_markers_sends_no_points(tiny_dataset) -> None:
    fig = offer_map(tiny_dataset, "de", include_markers=False)
    assert all(len(t.lon) == 0 for t in fig.data)


def test_offer_map_centres_on_the_city(tiny_dataset) -> None:
    fig = offer_map(tiny_dataset, "de")
    centre = fig.layout.map.center
    x0, y0, x1, y1 = bounds_of([tiny_dataset.city["outline"]])
    assert x0 < centre.lon < x1 and y0 < centre.lat < y1
    assert 10 < fig.layout.map.zoom < 16


def test_names_from_data_are_escaped() -> None:
    offers = pd.DataFrame(
        {
            "id": ["a"],
            "name": ["<img src=x onerror=alert(1)>"],
            "category": ["sports"],
            "district_name": ["<b>"],
            "lon": [9.0],
            "lat": [48.0],
        }
    )
    points = map_points(offers, ("sports",), np.array([False]))
    core = marker_traces(points, None, "de")[2]
    assert "<img" not in core.hovertext[0] and "&lt;img" in core.hovertext[0]
    payload = points_payload(points, "de")
    assert payload["names"] == ["&lt;img src=x onerror=alert(1)&gt;"]


# ----------------------------------------------------------------- style


def test_online_basemap_is_opt_in_and_attributed() -> None:
    basemap = {"tiles": "https://tile.example.org/{z}/{x}/{y}.png", "attribution": "© OpenStreetMap"}
    style = offline_style([], None, basemap)
    assert style_urls(style) == [basemap["tiles"]]
    assert style["sources"]["basemap"]["attribution"] == "© OpenStreetMap"
    assert style_urls(offline_style([], None, None)) == []


def test_fit_view_contains_the_bounds() -> None:
    view = fit_view((9.1, 48.85, 9.3, 48.95), width_px=900, height_px=600)
    assert 9.1 < view.lon < 9.3 and 48.85 < view.lat < 48.95
    # 0.2 degrees of longitude must fit into 900 px at this zoom
    assert 512 * 2**view.zoom * 0.2 / 360 <= 900
    assert fit_view(None).zoom < 6


# ----------------------------------------------------------------- clientside parity (node)


def _run_map_js(payload: dict, view: dict | None) -> dict:
    script = (
        "global.window = {atob: (s) => Buffer.from(s, 'base64').toString('binary'),"
        " dash_clientside: {no_update: null}};\n"
        + MAP_JS.read_text(encoding="utf-8")
        + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "const fig = {data: [{name: 'markers-rim', marker: {}}, {name: 'markers-mid', marker: {}},"
        " {name: 'markers-core', marker: {}}], layout: {}};\n"
        "process.stdout.write(JSON.stringify("
        "window.dash_clientside.stadtkarte.updateMap(input.view, input.points, fig)));\n"
    )
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"view": view, "points": payload}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_map_js_draws_the_same_markers_as_python(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    cats = load_taxonomy().categories.ids
    offers = pd.DataFrame(
        {
            "id": [f"x{i}" for i in range(n)],
            "name": [f"Angebot {i}" for i in range(n)],
            "category": rng.choice(cats, n),
            "district_name": rng.choice(["Mitte", "Oßweil"], n),
            # 60 addresses for 300 offers: many shared markers
            "lon": 9.1 + rng.integers(0, 60, n) * 1e-3,
            "lat": np.full(n, 48.9),
        }
    )
    points = map_points(offers, cats, rng.random(n) < 0.2)
    mask = rng.random(n) < 0.3
    view = {"count": int(mask.sum()), "n": n, "mask": base64.b64encode(np.packbits(mask, bitorder="little")).decode()}
    fig = _run_map_js(points_payload(points, "de"), view)
    expected = marker_traces(points, mask, "de")
    for got, want in zip(fig["data"], expected, strict=True):
        assert got["name"] == want.name
        assert got["lon"] == pytest.approx(list(want.lon))
        assert got["marker"]["color"] == list(want.marker.color)
        assert got["marker"]["size"] == pytest.approx(list(want.marker.size))
        assert got["marker"]["opacity"] == pytest.approx(list(want.marker.opacity))
    assert fig["data"][2]["hovertext"] == list(expected[2].hovertext)
    assert fig["data"][2]["customdata"] == list(expected[2].customdata)
    labels = hover_labels("de")
    assert labels["approximate"] in " ".join(fig["data"][2]["hovertext"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_map_js_without_a_view_shows_everything(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    fig = _run_map_js(points_payload(points, "de"), None)
    assert len(fig["data"][2]["lon"]) == 5
