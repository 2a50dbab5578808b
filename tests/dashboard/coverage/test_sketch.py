"""The printable profile's outline and bar (issue 12 item 9): drawn from the geometry, no tiles."""

from __future__ import annotations

import base64
import re

import pytest

from dashboard.coverage import sketch
from dashboard.coverage.profile import layout as profile_layout

SQUARE = {"type": "Polygon", "coordinates": [[[9.0, 48.0], [9.1, 48.0], [9.1, 48.1], [9.0, 48.1], [9.0, 48.0]]]}


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", path)]


def test_outline_fits_the_box_keeps_the_aspect_and_puts_north_up():
    path = sketch.outline_path(SQUARE, 200, 200, pad=4)
    points = _points(path)
    assert path.startswith("M") and path.endswith("Z") and len(points) == 5
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert min(xs) >= 4 and max(xs) <= 196 and min(ys) >= 4 and max(ys) <= 196
    # 0.1° of longitude at 48° N is cos(48°) times 0.1° of latitude: narrower than tall
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(0.669, abs=0.01)
    # the first vertex (south-west) is at the bottom (large y)
    assert points[0][1] == pytest.approx(max(ys))


def test_multipolygon_with_a_hole_draws_every_ring():
    hole = [[9.02, 48.02], [9.04, 48.02], [9.04, 48.04], [9.02, 48.02]]
    geometry = {"type": "MultiPolygon", "coordinates": [[SQUARE["coordinates"][0], hole]]}
    assert sketch.outline_path(geometry, 100, 100).count("M") == 2


def test_bar_svg_scales_against_the_larger_value_and_escapes_names():
    svg = sketch.bar_svg("A & B", 2.0, "Stadtdurchschnitt", 1.0, "2,0", "1,0")
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "A &amp; B" in svg and "2,0" in svg and "1,0" in svg


def test_data_uri_round_trips():
    svg = sketch.outline_svg(SQUARE)
    uri = sketch.data_uri(svg)
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def test_profile_page_shows_outline_and_bar(app):
    with app.server.test_request_context("/profile"):
        page = str(profile_layout(district="mitte"))
    assert "data:image/svg+xml;base64," in page
    assert "Umriss des Stadtteils Mitte" in page
    assert "Angebote je 1.000 Einwohner: Mitte 1,0, Stadtdurchschnitt 1,2" in page
