"""Small SVG pictures for the printable district profile, drawn from data alone (no map tiles).

:func:`outline_svg` draws a district's outline from its EPSG:4326 geometry (equirectangular,
longitudes scaled by the cosine of the mean latitude); :func:`bar_svg` the district's offers
per 1,000 residents against the city average. :func:`data_uri` wraps either for an ``<img>``
(the page states the same numbers in text; the image's ``alt`` names them too).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

import shapely.geometry
from shapely.geometry.base import BaseGeometry

#: Colours of the sketches (dark outline / bar, grey city average: both >= 3:1 on white).
INK = "#1f4e79"
CITY_INK = "#595959"


def _rings(geometry: BaseGeometry) -> Iterable[list[tuple[float, float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        yield [(float(x), float(y)) for x, y in polygon.exterior.coords]
        for interior in polygon.interiors:
            yield [(float(x), float(y)) for x, y in interior.coords]


def outline_path(geometry: Mapping[str, Any], width: float, height: float, pad: float = 4.0) -> str:
    """SVG path data of ``geometry`` fitted into ``width`` x ``height`` px (north up, aspect kept).

    Parameters
    ----------
    geometry : Mapping
        GeoJSON Polygon or MultiPolygon in EPSG:4326.
    width, height : float
        Size of the drawing in px.
    pad : float
        Empty border in px.

    Returns
    -------
    str
        ``M x y L x y ... Z`` per ring; empty when the geometry has no area.
    """
    shape = shapely.geometry.shape(geometry)
    if shape.is_empty:
        return ""
    west, south, east, north = shape.bounds
    kx = math.cos(math.radians((south + north) / 2.0))
    span_x, span_y = (east - west) * kx, north - south
    if span_x <= 0 or span_y <= 0:
        return ""
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    off_x = (width - span_x * scale) / 2.0
    off_y = (height - span_y * scale) / 2.0
    parts = []
    for ring in _rings(shape):
        points = [(off_x + (x - west) * kx * scale, off_y + (north - y) * scale) for x, y in ring]
        head, *tail = points
        parts.append(f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in tail) + "Z")
    return " ".join(parts)


def outline_svg(geometry: Mapping[str, Any], width: int = 220, height: int = 160) -> str:
    """The district outline as a standalone SVG document."""
    path = outline_path(geometry, width, height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<path d="{path}" fill="#dbe9f6" stroke="{INK}" stroke-width="2" fill-rule="evenodd"/></svg>'
    )


def bar_svg(name: str, value: float, city_label: str, city_value: float, value_text: str, city_text: str) -> str:
    """Two horizontal bars: the district's value and the city average, each labelled with its number."""
    width, bar_h, gap, label_w = 320, 22, 10, 120
    top = max(value if math.isfinite(value) else 0.0, city_value if math.isfinite(city_value) else 0.0, 1e-9)
    room = width - label_w - 60

    def row(y: int, label: str, v: float, text: str, colour: str) -> str:
        length = room * (v / top) if math.isfinite(v) else 0.0
        return (
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="#1a1a1a">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 16}" font-size="13" fill="#1a1a1a">{escape(text)}</text>'
        )

    height = 2 * bar_h + gap + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="system-ui, sans-serif">'
        + row(2, name, value, value_text, INK)
        + row(2 + bar_h + gap, city_label, city_value, city_text, CITY_INK)
        + "</svg>"
    )


def data_uri(svg: str) -> str:
    """``data:`` URI of an SVG document (base64; allowed by the app's ``img-src 'self' data:``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
