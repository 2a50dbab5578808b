"""geodata.privacy: the one function that decides what of a location is published."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from pyproj import Transformer
from shapely.geometry import Point, shape

from geodata.io import dumps_features
from geodata.privacy import (
    DISTRICT_GRID_M,
    STREET_GRID_M,
    district_points,
    public_feature,
    public_features,
    public_lines,
    snap_to_grid,
)

WEST = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [[[9.17, 48.88], [9.20, 48.88], [9.20, 48.91], [9.17, 48.91], [9.17, 48.88]]],
    },
    "properties": {"id": "west", "name": "Weststadt"},
}
EXACT = (9.1773456, 48.8837123)
_TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


def offer(visibility: str | None = "district", listed: bool | None = True, **props: Any) -> dict[str, Any]:
    properties = {
        "id": "o1",
        "name": "Frauenhaus",
        "street": "Geheimgasse",
        "house_number": "17",
        "postal_code": "71638",
        "district_id": "west",
        "district_name": "Weststadt",
        "geocode_source": "input",
        "geocode_precision": "input",
        "location_visibility": visibility,
        "listed": listed,
        **props,
    }
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(EXACT)}, "properties": properties}


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = _TO_METRIC.transform(*a)
    bx, by = _TO_METRIC.transform(*b)
    return math.hypot(ax - bx, ay - by)


@pytest.fixture(scope="module")
def points() -> dict[str, tuple[float, float]]:
    return district_points([WEST])


def test_not_listed_is_not_published(points) -> None:
    assert public_feature(offer("exact", listed=False), points) is None
    kept, left_out = public_features([offer("exact"), offer("district", listed=False)], [WEST])
    assert len(kept) == 1 and left_out == 1


def test_exact_and_missing_level_keep_everything(points) -> None:
    for level in ("exact", None):
        feature = offer(level)
        assert public_feature(feature, points) == feature


def test_street_drops_the_house_number_and_snaps_to_the_grid(points) -> None:
    feature = offer("street")
    before = copy.deepcopy(feature)
    public = public_feature(feature, points)
    assert feature == before  # the input (the register's exact record) is not changed
    assert public is not None
    props, lonlat = public["properties"], tuple(public["geometry"]["coordinates"])
    assert props["house_number"] is None and props["street"] == "Geheimgasse" and props["postal_code"] == "71638"
    assert props["geocode_precision"] == "street"
    assert lonlat != EXACT and 1 < metres_between(lonlat, EXACT) <= STREET_GRID_M / math.sqrt(2) + 1
    x, y = _TO_METRIC.transform(*lonlat)  # the centre of a grid cell
    assert abs((x / STREET_GRID_M) % 1 - 0.5) < 1e-6 and abs((y / STREET_GRID_M) % 1 - 0.5) < 1e-6
    # every exact point of the same cell gives the same public point
    ex, ey = _TO_METRIC.transform(*EXACT)
    to_lonlat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    neighbour = to_lonlat.transform(math.floor(ex / STREET_GRID_M) * STREET_GRID_M + 3, math.floor(ey / 250) * 250 + 3)
    assert snap_to_grid(*neighbour, STREET_GRID_M) == pytest.approx(lonlat, abs=1e-9)


def test_district_keeps_only_the_district(points) -> None:
    public = public_feature(offer("district"), points)
    assert public is not None
    props = public["properties"]
    assert props["street"] is None and props["house_number"] is None and props["postal_code"] is None
    assert props["district_name"] == "Weststadt" and props["geocode_precision"] == "district"
    lonlat = tuple(public["geometry"]["coordinates"])
    assert lonlat == points["west"] and shape(WEST["geometry"]).contains(Point(lonlat))
    assert metres_between(lonlat, EXACT) > 300  # nowhere near the house


def test_district_without_a_district_snaps_to_the_coarse_grid(points) -> None:
    public = public_feature(offer("district", district_id=None, district_name=None), points)
    assert public is not None
    lonlat = tuple(public["geometry"]["coordinates"])
    x, y = _TO_METRIC.transform(*lonlat)
    assert abs((x / DISTRICT_GRID_M) % 1 - 0.5) < 1e-6 and abs((y / DISTRICT_GRID_M) % 1 - 0.5) < 1e-6


def test_an_already_coarse_location_keeps_its_point(points) -> None:
    public = public_feature(offer("street", geocode_precision="postcode", geocode_source="postcode"), points)
    assert public is not None
    assert tuple(public["geometry"]["coordinates"]) == EXACT and public["properties"]["geocode_precision"] == "postcode"


def _line(feature: dict[str, Any]) -> str:
    return dumps_features([feature]).split("\n")[1]


def test_public_lines_keep_plain_lines_byte_for_byte_and_coarsen_the_others() -> None:
    plain = _line(offer("exact"))
    hidden = _line(offer("exact", listed=False))
    district = _line(offer("district"))
    lines, left_out = public_lines([plain, hidden, district], [WEST], _line)
    assert left_out == 1 and len(lines) == 2 and lines[0] == plain
    public = json.loads(lines[1])
    assert "Geheimgasse" not in lines[1] and public["properties"]["geocode_precision"] == "district"
    assert public_lines([plain], [WEST], _line) == ([plain], 0)
