"""The local MapLibre style of the offer map: no tile, glyph or sprite server needed.

:func:`offline_style` builds a MapLibre style dict (``layout.map.style``) from
local GeoJSON only: the city outline, district areas and district outlines
(dashed where a boundary is approximate). It deliberately has **no** ``glyphs``
key, so MapLibre never asks a glyph server for fonts; district names are written
as HTML over the map and listed in the legend instead (no text layers).

A configured online basemap (``city.json`` ``basemap`` = ``{"tiles": [...],
"attribution": "..."}``) is added as a raster layer beneath everything else;
it is opt-in and its attribution is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Colours of the base layers (AA contrast for the outlines against the background).
BACKGROUND = "#f4f3ef"
CITY_FILL = "#ffffff"
CITY_LINE = "#5a5a5a"
DISTRICT_FILLS = ("#e3ecf5", "#f3e9dc", "#e4f1e4", "#efe3ef")
DISTRICT_LINE = "#3c5a78"
#: Pixel size of one web-mercator tile (MapLibre uses 512 px tiles for zoom maths).
TILE_SIZE_PX = 512


@dataclass(frozen=True)
class MapView:
    """Initial centre (lon/lat degrees, EPSG:4326) and zoom of the map."""

    lon: float
    lat: float
    zoom: float


def _coordinates(geometry: Mapping[str, Any] | None) -> Iterable[Sequence[float]]:
    """Every ``[lon, lat]`` position of a GeoJSON geometry."""
    if not geometry:
        return []

    def walk(coords: Any) -> Iterable[Sequence[float]]:
        if coords and isinstance(coords[0], int | float):
            yield coords
        else:
            for c in coords or []:
                yield from walk(c)

    return list(walk(geometry.get("coordinates")))


def bounds_of(geometries: Iterable[Mapping[str, Any] | None]) -> tuple[float, float, float, float] | None:
    """``(min_lon, min_lat, max_lon, max_lat)`` of the geometries in degrees, or None when empty."""
    points = [p for g in geometries for p in _coordinates(g)]
    if not points:
        return None
    lons = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def fit_view(bounds: tuple[float, float, float, float] | None, width_px: int = 900, height_px: int = 600) -> MapView:
    """Centre and zoom that show ``bounds`` in a viewport of ``width_px`` x ``height_px``.

    Web-mercator maths: at zoom ``z`` the world is ``512 * 2**z`` px wide.
    Without bounds the view shows Germany.
    """
    if bounds is None:
        return MapView(lon=10.45, lat=51.16, zoom=4.5)
    x0, y0, x1, y1 = bounds

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max((x1 - x0) / 360.0, 1e-6)
    span_y = max((merc_y(y1) - merc_y(y0)) / (2 * math.pi), 1e-6)
    zoom = min(math.log2(width_px / TILE_SIZE_PX / span_x), math.log2(height_px / TILE_SIZE_PX / span_y))
    return MapView(lon=(x0 + x1) / 2, lat=(y0 + y1) / 2, zoom=round(max(min(zoom - 0.15, 17.0), 1.0), 2))


def _district_collection(districts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """District features with only what the style needs: id, name, approximate, a fill shade."""
    features = []
    for i, d in enumerate(districts):
        props = d.get("properties") or {}
        features.append(
            {
                "type": "Feature",
                "geometry": d["geometry"],
                "properties": {
                    "id": str(props.get("id")),
                    "name": str(props.get("name")),
                    "approximate": bool(props.get("approximate")),
                    "shade": i % len(DISTRICT_FILLS),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _basemap_layers(basemap: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Raster source and layer of a configured online basemap (empty when none)."""
    if not basemap or not basemap.get("tiles"):
        return {}, []
    tiles = basemap["tiles"]
    source = {
        "type": "raster",
        "tiles": [tiles] if isinstance(tiles, str) else list(tiles),
        "tileSize": 256,
        "attribution": str(basemap.get("attribution") or ""),
    }
    return {"basemap": source}, [{"id": "basemap", "type": "raster", "source": "basemap"}]


def offline_style(
    districts: Sequence[Mapping[str, Any]],
    outline: Mapping[str, Any] | None = None,
    basemap: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """MapLibre style dict built from local GeoJSON only (no ``glyphs``, no ``sprite``).

    Parameters
    ----------
    districts : sequence of GeoJSON Feature
        Contract districts (EPSG:4326 polygons) with ``id``, ``name``, ``approximate``.
    outline : GeoJSON geometry, optional
        The city area (``city.json`` ``outline``).
    basemap : mapping, optional
        ``{"tiles": url or [urls], "attribution": str}``: an opt-in online raster basemap.
    """
    base_sources, base_layers = _basemap_layers(basemap)
    sources: dict[str, Any] = dict(base_sources)
    layers: list[dict[str, Any]] = [
        {"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}
    ]
    layers += base_layers
    fill_opacity = 0.35 if base_layers else 1.0
    if outline:
        sources["city"] = {"type": "geojson", "data": {"type": "Feature", "geometry": dict(outline), "properties": {}}}
        layers += [
            {
                "id": "city-fill",
                "type": "fill",
                "source": "city",
                "paint": {"fill-color": CITY_FILL, "fill-opacity": fill_opacity},
            },
            {
                "id": "city-line",
                "type": "line",
                "source": "city",
                "paint": {"line-color": CITY_LINE, "line-width": 2.5},
            },
        ]
    if districts:
        sources["districts"] = {"type": "geojson", "data": _district_collection(districts)}
        shade = [
            "match",
            ["get", "shade"],
            *[v for i, c in enumerate(DISTRICT_FILLS) for v in (i, c)],
            DISTRICT_FILLS[0],
        ]
        layers += [
            {
                "id": "district-fill",
                "type": "fill",
                "source": "districts",
                "paint": {"fill-color": shade, "fill-opacity": 0.3 if base_layers else 0.8},
            },
            {
                "id": "district-line",
                "type": "line",
                "source": "districts",
                "filter": ["!", ["get", "approximate"]],
                "paint": {"line-color": DISTRICT_LINE, "line-width": 1.5},
            },
            {
                "id": "district-line-approximate",
                "type": "line",
                "source": "districts",
                "filter": ["get", "approximate"],
                "paint": {"line-color": DISTRICT_LINE, "line-width": 1.5, "line-dasharray": [3, 2]},
            },
        ]
    return {"version": 8, "name": "stadtkarte-offline", "sources": sources, "layers": layers}


def _rgb(colour: str) -> tuple[float, float, float]:
    """``#rrggbb`` (or ``#rgb``) as three floats 0..1.

    Raises
    ------
    ValueError
        For anything else (name the colour as ``#rrggbb``).
    """
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    try:
        if len(text) != 6:
            raise ValueError(text)
        return int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255
    except ValueError as exc:
        raise ValueError(f"colour {colour!r} is not #rrggbb: write it as six hex digits") from exc


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb`` (0 = black, 1 = white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (1..21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(top: str, bottom: str, opacity: float) -> str:
    """``top`` painted with ``opacity`` over ``bottom`` (sRGB alpha compositing), as ``#rrggbb``."""
    t, u = _rgb(top), _rgb(bottom)
    return _hex([opacity * x + (1 - opacity) * y for x, y in zip(t, u, strict=True)])


def _paint_colours(value: Any) -> list[str]:
    """The literal colours of a paint value: a colour string or the outputs of a ``match`` expression."""
    if isinstance(value, str) and value.startswith("#"):
        return [value]
    if isinstance(value, list):
        return [v for v in value[1:] if isinstance(v, str) and v.startswith("#")]
    return []


def background_colours(style: Mapping[str, Any]) -> list[str]:
    """Every colour a marker can sit on in ``style``: the background and each fill layer over what lies below.

    Fill layers are composited in order with their ``fill-opacity`` over every colour found so far
    (a raster basemap has no fixed colours and is left out).
    """
    colours: list[str] = []
    for layer in style.get("layers") or []:
        paint = layer.get("paint") or {}
        if layer.get("type") == "background":
            colours += _paint_colours(paint.get("background-color"))
        elif layer.get("type") == "fill":
            opacity = paint.get("fill-opacity", 1.0)
            opacity = float(opacity) if isinstance(opacity, int | float) else 1.0
            below = list(colours) or [BACKGROUND]
            colours += [blend(c, b, opacity) for c in _paint_colours(paint.get("fill-color")) for b in below]
    return list(dict.fromkeys(colours))


def style_urls(style: Mapping[str, Any]) -> list[str]:
    """Every URL a style would make MapLibre fetch (tiles, glyphs, sprite, remote sources)."""
    urls: list[str] = []
    for key in ("glyphs", "sprite"):
        if style.get(key):
            urls.append(str(style[key]))
    for source in (style.get("sources") or {}).values():
        urls += list(source.get("tiles") or [])
        if isinstance(source.get("url"), str):
            urls.append(source["url"])
        if isinstance(source.get("data"), str):
            urls.append(source["data"])
    return urls
