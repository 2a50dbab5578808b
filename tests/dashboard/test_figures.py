"""The offer map's data, marker shapes, offline style and the clientside marker rules (no browser)."""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.map.figures import (
    MIXED_STYLE,
    RIM,
    SHAPES,
    category_letters,
    category_styles,
    dataset_points,
    dataset_styles,
    group_points,
    hover_labels,
    hover_text,
    map_points,
    map_setup,
    notice_texts,
    points_payload,
    shape_outline,
    visible_markers,
)
from dashboard.mapstyle import (
    BACKGROUND,
    background_colours,
    blend,
    bounds_of,
    contrast_ratio,
    fit_view,
    offline_style,
    style_urls,
)
from geodata.taxonomy import load_taxonomy

REPO = Path(__file__).resolve().parents[2]
MAP_JS = REPO / "assets" / "map.js"


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


# ----------------------------------------------------------------- marker shapes, letters, contrast


def test_every_category_has_its_own_shape_letter_and_colour() -> None:
    taxonomy = load_taxonomy()
    ids = taxonomy.categories.ids
    styles = category_styles(ids, {c: taxonomy.categories.label(c, "de") for c in ids})
    assert len({(s.colour, s.shape) for s in styles.values()}) == len(ids)
    assert len({s.letter for s in styles.values()}) == len(ids)  # a letter names each category
    ordered = [styles[i] for i in ids]
    for a, b in itertools.pairwise(ordered):
        assert a.colour != b.colour and a.shape != b.shape  # never colour alone
    assert {s.shape for s in ordered} == set(SHAPES)
    assert MIXED_STYLE.letter not in {s.letter for s in ordered}


def test_letters_of_unknown_categories_are_distinct_and_follow_their_labels() -> None:
    letters = category_letters(
        ["sports", "own1", "own2", "own3"], {"own1": "Schach", "own2": "Segeln", "own3": "Sport"}
    )
    assert letters["sports"] == "S"
    assert letters["own1"] == "C"  # S is taken: the next letter of the label
    assert len(set(letters.values())) == 4


def test_shape_outlines_fit_the_unit_box_and_differ() -> None:
    outlines = {shape: shape_outline(shape) for shape in SHAPES}
    for outline in outlines.values():
        assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in outline)
    assert len(set(outlines.values())) == len(SHAPES)
    with pytest.raises(ValueError, match="use one of"):
        shape_outline("star")


def test_marker_rims_have_3_to_1_contrast_against_every_map_background(tiny_dataset) -> None:
    """WCAG 1.4.11: the part of a marker that touches the map (its dark rim) against every colour of the style."""
    setup = map_setup(tiny_dataset, dataset_points(tiny_dataset))
    backgrounds = background_colours(setup["style"])
    assert BACKGROUND in backgrounds and len(backgrounds) >= 5  # background, city, four district shades
    styles = [*dataset_styles(tiny_dataset).values(), MIXED_STYLE]
    payload = points_payload(dataset_points(tiny_dataset), "de")
    rims = {m["rim"] for m in payload["markers"]}
    assert rims == {RIM}
    for background in backgrounds:
        assert contrast_ratio(RIM, background) >= 3.0, background
    # the letter on each colour: 4.5:1
    for style in styles:
        assert contrast_ratio(style.ink, style.colour) >= 4.5, style
    # the fill colours alone would not do (yellow on the background is about 1.2:1): the rim is needed
    assert min(contrast_ratio(s.colour, BACKGROUND) for s in styles) < 3.0


def test_contrast_and_blending_follow_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert blend("#000000", "#ffffff", 0.5) == "#808080"
    with pytest.raises(ValueError, match="six hex digits"):
        contrast_ratio("red", "#ffffff")


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
    assert points.styles[markers.style[at]] == dataset_styles(tiny_dataset)["counselling"]
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


# ----------------------------------------------------------------- payload and setup


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
    text = hover_text(points, 0, np.array([True]), hover_labels("de"))
    assert "<img" not in text and "&lt;img" in text and "<i>&lt;b&gt;</i>" in text
    payload = points_payload(points, "de")
    assert payload["names"] == ["&lt;img src=x onerror=alert(1)&gt;"]


def test_map_setup_is_a_local_style_centred_on_the_city(tiny_dataset) -> None:
    setup = map_setup(tiny_dataset, dataset_points(tiny_dataset))
    assert style_urls(setup["style"]) == []  # no tiles, glyphs or sprite from elsewhere
    assert "glyphs" not in setup["style"]
    assert not [la for la in setup["style"]["layers"] if la["type"] == "symbol"]  # no text layers
    x0, y0, x1, y1 = bounds_of([tiny_dataset.city["outline"]])
    assert x0 < setup["view"]["lon"] < x1 and y0 < setup["view"]["lat"] < y1
    assert 10 < setup["view"]["zoom"] < 16
    assert json.dumps(setup)  # JSON-able for the store


def test_payload_carries_marker_shapes_and_cluster_names(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    payload = points_payload(points, "ar")
    assert len(payload["markers"]) == len(points.styles)
    assert all(m["outline"] and m["letter"] for m in payload["markers"])
    assert payload["cluster"]["maxZoom"] >= 12
    forms = payload["labels"]["cluster"]
    assert set(forms) >= {"one", "few", "other"} and "{n}" in forms["few"] and "{n}" in forms["other"]
    assert points_payload(points, "de")["labels"]["cluster"]["other"] == "{n} Angebote"
    # the groups travel as sizes and steps (smaller compressed); they decode to the groups' members
    assert np.cumsum(payload["memberSteps"]).tolist() == points.groups.members.tolist()
    assert np.cumsum([0, *payload["sizes"]]).tolist() == points.groups.starts.tolist()
    assert len(payload["sizes"]) == len(payload["glon"]) and "starts" not in payload


def test_notices_name_demo_data_and_the_basemap_attribution(tiny_dataset) -> None:
    texts = notice_texts(tiny_dataset, "de")
    assert "Demodaten" in texts
    assert any("ungefähr" in t for t in texts)
    assert not any("OpenStreetMap" in t for t in texts)
    basemap = {"tiles": "https://tile.example.org/{z}/{x}/{y}.png", "attribution": "© OpenStreetMap-Mitwirkende"}
    with_basemap = dataclasses.replace(tiny_dataset, city={**tiny_dataset.city, "basemap": basemap})
    assert "© OpenStreetMap-Mitwirkende" in notice_texts(with_basemap, "de")
    style = map_setup(with_basemap, dataset_points(with_basemap))["style"]
    assert style_urls(style) == [basemap["tiles"]]  # the opt-in basemap is the only remote source
    assert style["layers"][1]["type"] == "raster"  # beneath the districts and markers


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
        "const sk = window.dash_clientside.stadtkarte;\n"
        "const bytes = input.view && input.view.mask ? Buffer.from(input.view.mask, 'base64') : null;\n"
        "const data = sk.buildMarkers(input.points, bytes ? new Uint8Array(bytes) : null);\n"
        "const clicks = data.features.map((f) => sk.markerClick(input.points, input.view, f.properties.g));\n"
        "const hovers = data.features.map((f) => sk.markerHover(input.points, input.view, f.properties.g));\n"
        "process.stdout.write(JSON.stringify({data: data, clicks: clicks, hovers: hovers,"
        " drawn: sk.updateMap(input.view, input.points)}));\n"
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
    points = map_points(offers, cats, rng.random(n) < 0.2, unconfirmed=rng.random(n) < 0.5)
    mask = rng.random(n) < 0.3
    view = {"count": int(mask.sum()), "n": n, "mask": base64.b64encode(np.packbits(mask, bitorder="little")).decode()}
    out = _run_map_js(points_payload(points, "de"), view)
    expected = visible_markers(points, mask)
    props = [f["properties"] for f in out["data"]["features"]]
    assert [p["g"] for p in props] == expected.group.tolist()
    assert [p["style"] for p in props] == expected.style.tolist()
    assert [bool(p["approximate"]) for p in props] == expected.approximate.tolist()
    assert [p["first"] for p in props] == expected.first.tolist()
    assert [bool(p["unconfirmed"]) for p in props] == expected.unconfirmed.tolist()
    assert any(expected.unconfirmed) and not all(expected.unconfirmed)
    assert [p["icon"].endswith("-approximate") for p in props] == expected.approximate.tolist()
    coords = [f["geometry"]["coordinates"] for f in out["data"]["features"]]
    assert [c[0] for c in coords] == pytest.approx(points.groups.lon[expected.group].tolist())
    labels = hover_labels("de")
    assert out["hovers"] == [hover_text(points, int(g), mask, labels) for g in expected.group]
    assert out["drawn"] == str(len(expected))
    # a click lists a group's visible offers, or selects its only one
    for p, (offer, listed) in zip(props, out["clicks"], strict=True):
        members = points.groups.members[points.groups.starts[p["g"]] : points.groups.starts[p["g"] + 1]]
        visible = [points.ids[i] for i in members if mask[i]]
        if len(visible) == 1:
            assert offer == visible[0] and listed is None
        else:
            ids_listed = [li["props"]["children"]["props"]["data-offer-id"] for li in listed[1]["props"]["children"]]
            assert offer is None and ids_listed == visible


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_map_js_without_a_view_shows_everything(tiny_dataset) -> None:
    points = dataset_points(tiny_dataset)
    out = _run_map_js(points_payload(points, "de"), None)
    assert len(out["data"]["features"]) == 5
