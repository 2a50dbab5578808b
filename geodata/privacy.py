"""Privacy levels: what of an offer's location may be published.

Every public file is written through :func:`public_features` (``stadtkarte build``'s
snapshot, :func:`etl.write.write_outputs`) or :func:`public_lines` (the register's
publish), so no public response can carry more than an entry allows:

* ``listed: false`` -- the offer is not published at all (it stays in the register for
  staff; the build report counts it as ``rows_not_listed``).
* ``location_visibility: street`` -- the house number is removed and the point moves to
  the centre of its cell in a :data:`STREET_GRID_M` metre grid (EPSG:25832), so the
  published point says "somewhere in this 250 m square" and nothing finer. A grid rather
  than the street's centre line: the pure function needs no gazetteer, the same exact
  point always gives the same public point, and a short street's centre would be
  almost the house itself.
* ``location_visibility: district`` -- street, house number and postal code are removed
  and the point moves to the district's representative point (shapely
  ``representative_point`` in EPSG:25832: always inside the polygon). An offer in no
  district moves to the centre of its :data:`DISTRICT_GRID_M` metre grid cell.

``geocode_precision`` is set to ``street`` / ``district`` so the map shows "Lage
ungefähr". An offer whose location is already as coarse as its level (or coarser) keeps
its point. The exact point stays in the register (staff pages, edits, imports).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.schema import PRECISIONS

#: Grid (metres, EPSG:25832) a ``street``-level point is snapped to (the centre of its cell).
STREET_GRID_M = 250.0
#: Grid (metres) for a ``district``-level point that lies in no district.
DISTRICT_GRID_M = 1000.0
#: Properties removed per level.
_REMOVED: Mapping[str, tuple[str, ...]] = {
    "street": ("house_number",),
    "district": ("street", "house_number", "postal_code"),
}


def _transformers() -> tuple[Transformer, Transformer]:
    to_metric = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
    to_storage = Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)
    return to_metric, to_storage


def district_points(districts: Iterable[Mapping[str, Any]]) -> dict[str, tuple[float, float]]:
    """District id -> its representative point ``(lon, lat)`` in EPSG:4326 degrees.

    Parameters
    ----------
    districts
        District features (GeoJSON, EPSG:4326) as in ``districts.geojson``.

    Returns
    -------
    dict
        The point is computed in EPSG:25832 (shapely ``representative_point``, inside the polygon).
    """
    to_metric, to_storage = _transformers()
    points: dict[str, tuple[float, float]] = {}
    for feature in districts:
        geometry = feature.get("geometry")
        ident = (feature.get("properties") or {}).get("id")
        if not geometry or ident is None:
            continue
        metric = shapely.transform(shape(geometry), lambda xy: _apply(to_metric, xy))
        point = metric.representative_point()
        lon, lat = to_storage.transform(point.x, point.y)
        points[str(ident)] = (float(lon), float(lat))
    return points


def _apply(transformer: Transformer, xy: Any) -> Any:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def snap_to_grid(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """The centre of the ``metres`` grid cell (EPSG:25832) that holds ``(lon, lat)``, in degrees."""
    to_metric, to_storage = _transformers()
    x, y = to_metric.transform(lon, lat)
    cx = (math.floor(x / metres) + 0.5) * metres
    cy = (math.floor(y / metres) + 0.5) * metres
    out_lon, out_lat = to_storage.transform(cx, cy)
    return float(out_lon), float(out_lat)


def _coarser_or_equal(precision: Any, level: str) -> bool:
    """True when ``precision`` is already as coarse as ``level`` (or coarser)."""
    if precision not in PRECISIONS:
        return False
    return PRECISIONS.index(str(precision)) >= PRECISIONS.index(level)


def public_feature(feature: Mapping[str, Any], districts: Mapping[str, tuple[float, float]]) -> dict[str, Any] | None:
    """The feature as it may be published, or None when it must not be published.

    Parameters
    ----------
    feature
        A contract offer feature (EPSG:4326) with the exact point.
    districts
        District id -> representative point, from :func:`district_points`.

    Returns
    -------
    dict or None
        None for ``listed: false``; otherwise a new feature (the input is not changed)
        with the point and address coarsened to ``location_visibility``.
    """
    props = dict(feature.get("properties") or {})
    if props.get("listed") is False:
        return None
    level = props.get("location_visibility") or "exact"
    geometry = dict(feature.get("geometry") or {})
    if level not in _REMOVED:
        return {**feature, "geometry": geometry, "properties": props}
    for name in _REMOVED[level]:
        props[name] = None
    if not _coarser_or_equal(props.get("geocode_precision"), level):
        lon, lat = (float(c) for c in geometry["coordinates"][:2])
        district_id = props.get("district_id")
        if level == "district" and district_id is not None and str(district_id) in districts:
            lon, lat = districts[str(district_id)]
        else:
            lon, lat = snap_to_grid(lon, lat, STREET_GRID_M if level == "street" else DISTRICT_GRID_M)
        geometry = {"type": "Point", "coordinates": [lon, lat]}
        props["geocode_precision"] = level
    return {**feature, "geometry": geometry, "properties": props}


def public_features(
    features: Iterable[Mapping[str, Any]], districts: Iterable[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """The publishable features (order kept) and how many were left out as not listed."""
    points = district_points(districts)
    out: list[dict[str, Any]] = []
    left_out = 0
    for feature in features:
        public = public_feature(feature, points)
        if public is None:
            left_out += 1
        else:
            out.append(public)
    return out, left_out


#: Substrings of a feature line (:func:`geodata.io.dumps_features`) that need :func:`public_feature`.
_MARKERS: tuple[str, ...] = ('"listed":false', '"location_visibility":"street"', '"location_visibility":"district"')


def public_lines(
    lines: Sequence[str], districts: Iterable[Mapping[str, Any]], dump: Callable[[Mapping[str, Any]], str]
) -> tuple[list[str], int]:
    """:func:`public_features` for serialised feature lines (the register's stored ``offers.geojson`` lines).

    Lines without a privacy level are kept byte for byte; the others are parsed, coarsened
    and serialised again with ``dump`` (one feature -> one line).
    """
    if not any(marker in line for line in lines for marker in _MARKERS):
        return list(lines), 0
    points = district_points(districts)
    out: list[str] = []
    left_out = 0
    for line in lines:
        if not any(marker in line for marker in _MARKERS):
            out.append(line)
            continue
        public = public_feature(json.loads(line), points)
        if public is None:
            left_out += 1
        else:
            out.append(dump(public))
    return out, left_out


__all__ = [
    "DISTRICT_GRID_M",
    "STREET_GRID_M",
    "district_points",
    "public_feature",
    "public_features",
    "public_lines",
    "snap_to_grid",
]
