"""The offer map's data: marker groups, marker shapes and the payload MapLibre draws in the browser.

How the map stays fast
----------------------
The residents' map is drawn by MapLibre GL JS directly (vendored, ``dashboard/vendor/``; no
plotly.js on the map page). Offers at one address (coordinates equal after rounding to
:data:`GROUP_DECIMALS` decimals, about 1 m) are grouped once at load time (:func:`group_points`);
a group is one marker that lists all its visible offers. :func:`points_payload` is everything
the browser needs to draw markers for any filter (coordinates per group, members per group,
category/precision/name per offer, the marker shapes, the offline style and first view); it
goes to the browser once, in a ``dcc.Store``. On a filter change the server only sends the
view's bitset mask and ``assets/map.js`` rebuilds the marker source with the same rules as
:func:`visible_markers` (the reference implementation, tested here and compared with the
browser in ``tests/dashboard/test_figures.py``). At low zoom MapLibre clusters the markers
(``cluster: true``); a cluster is an HTML button ("12 Angebote") that zooms in.

Markers: shape, letter and colour
---------------------------------
The offline style has no glyphs and no sprite, so ``assets/map.js`` draws each marker image
with a canvas (``map.addImage``; its letter in a local system font): every category has a
**shape** (:data:`SHAPES`), a **letter** (:func:`category_letters`) and a colour, so no two
categories differ by colour alone; every marker has a dark rim (:data:`RIM`, at least 3:1
against every background colour of the style, see :func:`dashboard.mapstyle.background_colours`)
and its letter the darker or lighter ink (:func:`ink_for`, at least 4.5:1). Approximately located
offers (precision in :data:`geodata.schema.APPROXIMATE_PRECISIONS`) get a **dashed** rim and say
"Lage ungefähr" in their tooltip. The legend beside the map shows the same shapes and letters.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely.geometry

from dashboard.data import Dataset
from dashboard.filters import confirmed_mask
from dashboard.i18n import plural_forms_by_category, translator
from dashboard.mapstyle import bounds_of, contrast_ratio, fit_view, offline_style

logger = logging.getLogger(__name__)

#: Decimals of lon/lat (degrees) that make two offers "one address" (1e-5 deg is about 1 m).
GROUP_DECIMALS = 5
#: Okabe-Ito colour-blind-safe palette (in an order that keeps neighbours distinct).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
#: Marker shapes; category ``k`` gets ``SHAPES[k % 6]`` and ``PALETTE[k % 8]`` (unique for k < 24).
SHAPES: tuple[str, ...] = ("circle", "square", "diamond", "triangle", "hexagon", "pentagon")
#: The dark rim of every marker and the two inks of its letter.
RIM = "#1d1d1d"
DARK_INK = "#111111"
LIGHT_INK = "#ffffff"
MIXED_COLOUR = "#6b6b6b"
MIXED_LETTER = "+"
#: Letters of the bundled taxonomy's categories (German, the city's data language: the same in every UI
#: language, so residents and staff speaking different languages name a marker alike).
DEFAULT_LETTERS: Mapping[str, str] = {
    "association": "M",
    "religious": "R",
    "sports": "S",
    "culture": "K",
    "counselling": "B",
    "language_course": "D",
    "language_cafe": "C",
    "education": "H",
    "health": "G",
    "work": "A",
    "authority": "V",
    "participation": "T",
}
#: Marker image size (CSS px) and rim width (CSS px) in the browser.
MARKER_SIZE = 26
RIM_WIDTH = 3
#: Decimals of the markers' coordinates in the points file: 1e-5 degrees is about 1 m here (0.7 m east-west
#: at 49 degrees north), finer than a marker can show; 6 decimals would add 9 KB per 10,000 offers.
COORD_DECIMALS = 5
#: At most this many names in a marker's tooltip; the rest is "und n weitere".
HOVER_NAMES = 8
#: Clustering (MapLibre geojson source): radius in px and the last zoom with clusters.
CLUSTER_RADIUS = 44
CLUSTER_MAX_ZOOM = 14

Translator = Callable[..., str]


def get_translator(lang: str) -> Translator:
    """The interface translator for ``lang`` (:func:`dashboard.i18n.translator`)."""
    return translator(lang)


# --------------------------------------------------------------------------- marker styles


@dataclass(frozen=True)
class MarkerStyle:
    """Colour, shape and letter of a category's markers; ``ink`` is the letter's colour."""

    colour: str
    shape: str
    letter: str
    ink: str


def shape_outline(shape: str, vertices: int = 24) -> tuple[tuple[float, float], ...]:
    """Corners of ``shape`` in a unit box (x right, y down, 0..1), clockwise from the top.

    The same outline draws the canvas marker (``assets/map.js``) and the legend's CSS
    ``clip-path``, so both show the same shape. A circle is a ``vertices``-gon.

    Raises
    ------
    ValueError
        For a shape not in :data:`SHAPES`.
    """
    corners = {"circle": vertices, "square": 4, "diamond": 4, "triangle": 3, "hexagon": 6, "pentagon": 5}
    if shape not in corners:
        raise ValueError(f"unknown marker shape {shape!r}: use one of {', '.join(SHAPES)}")
    if shape == "square":
        return ((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9))
    n = corners[shape]
    radius = 0.5
    centre_y = 0.58 if shape == "triangle" else 0.5
    if shape == "triangle":
        radius = 0.56
    points = []
    for k in range(n):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        points.append((round(0.5 + radius * math.cos(angle), 4), round(centre_y + radius * math.sin(angle), 4)))
    return tuple(points)


def ink_for(colour: str) -> str:
    """The letter colour (:data:`DARK_INK` or :data:`LIGHT_INK`) with the higher contrast on ``colour``."""
    return DARK_INK if contrast_ratio(DARK_INK, colour) >= contrast_ratio(LIGHT_INK, colour) else LIGHT_INK


def category_letters(category_ids: Sequence[str], labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """A distinct letter per category: :data:`DEFAULT_LETTERS`, else the first unused letter of its label.

    Parameters
    ----------
    category_ids : sequence of str
        All category ids, in taxonomy order.
    labels : mapping, optional
        German label per id (a city's own categories); the id itself when missing.
    """
    letters: dict[str, str] = {}
    used: set[str] = set()
    for cid in category_ids:
        preferred = DEFAULT_LETTERS.get(cid)
        text = (labels or {}).get(cid) or cid
        words = [w for w in text.replace("&", " ").split() if w]
        candidates = [preferred] if preferred else []
        candidates += [w[0].upper() for w in words] + [c.upper() for c in text if c.isalnum()]
        candidates += [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [str(d) for d in range(1, 10)]
        letter = next(c for c in candidates if c and c not in used)
        letters[cid] = letter
        used.add(letter)
    return letters


def category_styles(category_ids: Sequence[str], labels: Mapping[str, str] | None = None) -> dict[str, MarkerStyle]:
    """Colour, shape and letter per category id (stable: depends on the order and labels only)."""
    letters = category_letters(category_ids, labels)
    styles = {}
    for k, cid in enumerate(category_ids):
        colour = PALETTE[k % len(PALETTE)]
        styles[cid] = MarkerStyle(colour, SHAPES[k % len(SHAPES)], letters[cid], ink_for(colour))
    return styles


#: Marker of an address with offers of several categories.
MIXED_STYLE = MarkerStyle(MIXED_COLOUR, "circle", MIXED_LETTER, ink_for(MIXED_COLOUR))


def dataset_styles(dataset: Dataset) -> dict[str, MarkerStyle]:
    """:func:`category_styles` of a dataset's categories (letters from their German labels)."""
    labels = {cid: dataset.taxonomy.categories.label(cid, "de") for cid in dataset.category_ids}
    return category_styles(dataset.category_ids, labels)


# --------------------------------------------------------------------------- point groups


@dataclass(frozen=True, eq=False)
class PointGroups:
    """Offers grouped by (rounded) location.

    Attributes
    ----------
    lon, lat : numpy.ndarray
        Location of each group (degrees, EPSG:4326), groups in order of their first offer.
    group_of : numpy.ndarray
        Group index of each offer (file order).
    members : numpy.ndarray
        Offer indices sorted by group, in file order within a group.
    starts : numpy.ndarray
        ``members[starts[g]:starts[g + 1]]`` are the offers of group ``g`` (length groups + 1).
    """

    lon: np.ndarray
    lat: np.ndarray
    group_of: np.ndarray
    members: np.ndarray
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)


def group_points(lon: np.ndarray, lat: np.ndarray, decimals: int = GROUP_DECIMALS) -> PointGroups:
    """Group offers whose coordinates are equal after rounding to ``decimals`` (vectorised).

    Parameters
    ----------
    lon, lat : array-like of float
        Offer coordinates in degrees (EPSG:4326), file order.
    decimals : int
        Rounding applied before comparing; 5 decimals is about 1 m.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    n = len(lon)
    if n == 0:
        empty = np.array([], dtype=np.int64)
        return PointGroups(np.array([], dtype=float), np.array([], dtype=float), empty, empty, np.zeros(1, np.int64))
    scale = 10.0**decimals
    keys = np.stack([np.round(lon * scale).astype(np.int64), np.round(lat * scale).astype(np.int64)], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # renumber groups by their first offer so that group order follows file order
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    group_of = rank[inverse]
    members = np.argsort(group_of, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(group_of, minlength=len(first)))]).astype(np.int64)
    leaders = members[starts[:-1]]
    return PointGroups(lon[leaders], lat[leaders], group_of, members, starts)


@dataclass(frozen=True, eq=False)
class MapPoints:
    """Everything needed to draw the markers of any view (built once at load time).

    ``category`` indexes ``styles``; the last entry of ``styles`` is :data:`MIXED_STYLE`.
    """

    groups: PointGroups
    category: np.ndarray
    approximate: np.ndarray
    names: tuple[str, ...]
    ids: tuple[str, ...]
    group_district: tuple[str, ...]
    styles: tuple[MarkerStyle, ...]
    #: True where the offer's contact has not confirmed it (``unconfirmed_since``): drawn faded.
    unconfirmed: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.category)

    @property
    def unconfirmed_flags(self) -> np.ndarray:
        """:attr:`unconfirmed` (all False when not given)."""
        return np.zeros(len(self), dtype=bool) if self.unconfirmed is None else self.unconfirmed

    @property
    def mixed_index(self) -> int:
        return len(self.styles) - 1


def map_points(
    offers: pd.DataFrame,
    category_ids: Sequence[str],
    approximate: np.ndarray,
    styles: Mapping[str, MarkerStyle] | None = None,
    unconfirmed: np.ndarray | None = None,
) -> MapPoints:
    """Group ``offers`` (columns lon, lat, id, name, category, district_name) into map points.

    Parameters
    ----------
    offers : pandas.DataFrame
        One row per offer in file order; lon/lat in degrees (EPSG:4326).
    category_ids : sequence of str
        All category ids (defines colours and patterns); unknown categories get the mixed style.
    approximate : numpy.ndarray of bool
        True where the offer's location is approximate.
    styles : mapping, optional
        Marker style per category id (default :func:`category_styles` of ``category_ids``).
    unconfirmed : numpy.ndarray of bool, optional
        True where the offer is not confirmed by its contact (default: none).
    """
    groups = group_points(offers["lon"].to_numpy(), offers["lat"].to_numpy())
    by_id = styles if styles is not None else category_styles(category_ids)
    styles_ = (*(by_id[c] for c in category_ids), MIXED_STYLE)
    position = {c: i for i, c in enumerate(category_ids)}
    category = np.array([position.get(c, len(styles_) - 1) for c in offers["category"]], dtype=np.int64)
    district = offers["district_name"].fillna("").astype(str).to_numpy() if "district_name" in offers else None
    leaders = groups.members[groups.starts[:-1]]
    group_district = tuple(district[leaders]) if district is not None else ("",) * len(groups)
    return MapPoints(
        groups=groups,
        category=category,
        approximate=np.asarray(approximate, dtype=bool),
        names=tuple(offers["name"].astype(str)),
        ids=tuple(offers["id"].astype(str)),
        group_district=group_district,
        styles=styles_,
        unconfirmed=None if unconfirmed is None else np.asarray(unconfirmed, dtype=bool),
    )


def hover_labels(lang: str) -> dict[str, Any]:
    """Translated texts used by the browser code (German fallback).

    ``cluster`` holds the plural forms of "{n} Angebote" keyed by CLDR plural category; the
    browser picks one with ``Intl.PluralRules`` (the accessible name of a cluster button).
    """
    _ = get_translator(lang)
    return {
        "approximate": _("Lage ungefähr"),
        "unconfirmed": _("nicht bestätigt"),
        "more": _("und {n} weitere", n="{n}"),
        "group": _("{n} Angebote an diesem Ort:", n="{n}"),
        "close": _("Schließen"),
        "cluster": plural_forms_by_category(lang, "{n} Angebot", "{n} Angebote"),
        "map": _("Karte"),
        "zoomIn": _("Hineinzoomen"),
        "zoomOut": _("Herauszoomen"),
        "unavailable": _(
            "Die Karte kann in diesem Browser nicht gezeichnet werden (WebGL fehlt). "
            "Die Liste enthält dieselben Angebote."
        ),
    }


def marker_payload(style: MarkerStyle) -> dict[str, Any]:
    """One marker style as the browser draws it (colours, shape outline, letter)."""
    return {
        "colour": style.colour,
        "shape": style.shape,
        "outline": [list(p) for p in shape_outline(style.shape)],
        "letter": style.letter,
        "ink": style.ink,
        "rim": RIM,
    }


def points_payload(points: MapPoints, lang: str) -> dict[str, Any]:
    """JSON-able data of ``points`` for the browser's ``dcc.Store`` (sent once per page load).

    Names are HTML-escaped here (the tooltip is HTML).
    """
    return {
        "n": len(points),
        "glon": np.round(points.groups.lon, COORD_DECIMALS).tolist(),
        "glat": np.round(points.groups.lat, COORD_DECIMALS).tolist(),
        # group g holds the offers members[starts[g]:starts[g + 1]]; sent as sizes and steps, which
        # compress to a third of the plain lists (10,000 offers: 10 KB instead of 31 KB); map.js decodes
        "sizes": np.diff(points.groups.starts).tolist(),
        "memberSteps": np.diff(points.groups.members, prepend=0).tolist(),
        "category": points.category.tolist(),
        "approximate": points.approximate.astype(np.int8).tolist(),
        "unconfirmed": points.unconfirmed_flags.astype(np.int8).tolist(),
        **points_details(points),
        "markers": [marker_payload(s) for s in points.styles],
        "markerSize": MARKER_SIZE,
        "rimWidth": RIM_WIDTH,
        "mixed": points.mixed_index,
        "hoverNames": HOVER_NAMES,
        "cluster": {"radius": CLUSTER_RADIUS, "maxZoom": CLUSTER_MAX_ZOOM},
        "lang": lang,
        "labels": hover_labels(lang),
    }


def points_details(points: MapPoints) -> dict[str, list[str]]:
    """What only a tooltip or a click needs, the same in every language: the offers' names and ids and each
    marker's district name (names HTML-escaped: the tooltip is HTML)."""
    return {
        "names": [html.escape(n, quote=False) for n in points.names],
        "ids": list(points.ids),
        "gdistrict": [html.escape(d, quote=False) for d in points.group_district],
    }


def district_label_points(districts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Where each district's name is written on the map: a point inside its polygon (EPSG:4326).

    The offline style has no glyphs (a glyph server would be contacted), so the browser draws
    these names as HTML over the map (``assets/map.js``); names are HTML-escaped here.
    """
    out = []
    for feature in districts:
        point = shapely.geometry.shape(feature["geometry"]).representative_point()
        name = str(feature["properties"]["name"])
        out.append({"name": html.escape(name, quote=False), "lon": round(point.x, 6), "lat": round(point.y, 6)})
    return out


# --------------------------------------------------------------------------- visible markers


@dataclass(frozen=True, eq=False)
class VisibleMarkers:
    """The markers of one view: one per group with at least one visible offer.

    Attributes
    ----------
    group : numpy.ndarray
        Group indices (ascending).
    style : numpy.ndarray
        Index into ``MapPoints.styles``: the members' category, or the mixed style when the
        visible members belong to several categories.
    approximate : numpy.ndarray of bool
        True when every visible member is approximately located.
    first : numpy.ndarray
        First visible offer of each group (for a click -> detail).
    unconfirmed : numpy.ndarray of bool
        True when no visible member is confirmed by its contact (the marker is drawn faded).
    """

    group: np.ndarray
    style: np.ndarray
    approximate: np.ndarray
    first: np.ndarray
    unconfirmed: np.ndarray

    def __len__(self) -> int:
        return len(self.group)


def visible_markers(points: MapPoints, mask: np.ndarray | None = None) -> VisibleMarkers:
    """Markers for the offers selected by ``mask`` (bool per offer; None = all), vectorised."""
    n = len(points)
    mask = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"mask has shape {mask.shape} but there are {n} offers: pass one bool per offer")
    n_groups = len(points.groups)
    rows = np.flatnonzero(mask)
    g = points.groups.group_of[rows]
    count = np.bincount(g, minlength=n_groups)
    shown = np.flatnonzero(count)
    cat = points.category[rows]
    cmin = np.full(n_groups, np.iinfo(np.int64).max)
    cmax = np.full(n_groups, -1)
    np.minimum.at(cmin, g, cat)
    np.maximum.at(cmax, g, cat)
    style = np.where(cmin == cmax, cmin, points.mixed_index)[shown]
    n_approx = np.bincount(g, weights=points.approximate[rows], minlength=n_groups)
    n_unconfirmed = np.bincount(g, weights=points.unconfirmed_flags[rows], minlength=n_groups)
    first = np.full(n_groups, -1)
    first[g[::-1]] = rows[::-1]  # the last write wins: the first visible row in file order
    return VisibleMarkers(shown, style, (n_approx == count)[shown], first[shown], (n_unconfirmed == count)[shown])


def hover_text(points: MapPoints, group: int, mask: np.ndarray, labels: Mapping[str, str]) -> str:
    """Hover of one marker: its visible offers' names, its district and 'Lage ungefähr' if so."""
    members = points.groups.members[points.groups.starts[group] : points.groups.starts[group + 1]]
    visible = [int(i) for i in members if mask[i]]
    lines = [html.escape(points.names[i], quote=False) for i in visible[:HOVER_NAMES]]
    if len(visible) > HOVER_NAMES:
        lines.append(labels["more"].replace("{n}", str(len(visible) - HOVER_NAMES)))
    if points.group_district[group]:
        lines.append(f"<i>{html.escape(points.group_district[group], quote=False)}</i>")
    if all(points.approximate[i] for i in visible):
        lines.append(labels["approximate"])
    if all(points.unconfirmed_flags[i] for i in visible):
        lines.append(labels["unconfirmed"])
    return "<br>".join(lines)


# --------------------------------------------------------------------------- the map


def map_notices(dataset: Dataset, lang: str) -> list[str]:
    """Permanent notices shown on the map: demo data and approximate district boundaries."""
    _ = get_translator(lang)
    notices = []
    if dataset.is_demo:
        notices.append(_("Demodaten"))
    if dataset.has_approximate_districts:
        notices.append(_("Stadtteilgrenzen ungefähr (Demo)") if dataset.is_demo else _("Stadtteilgrenzen ungefähr"))
    return notices


def dataset_points(dataset: Dataset) -> MapPoints:
    """:func:`map_points` of a loaded dataset."""
    return map_points(
        dataset.offers,
        dataset.category_ids,
        dataset.approximate,
        dataset_styles(dataset),
        unconfirmed=~confirmed_mask(dataset),
    )


#: The map size (px) the first view is fitted to: the map column beside the detail panel at 1280 px
#: (about 480 x 480) and a phone's map (about 345 x 440) both show the whole city or nearly so.
FIT_SIZE: tuple[int, int] = (420, 420)


def map_bounds(dataset: Dataset, points: MapPoints) -> tuple[float, float, float, float] | None:
    """``(west, south, east, north)`` in degrees (EPSG:4326) the map first shows: the city and its districts,
    else the offers; None when there is nothing to show."""
    city = dataset.city
    bounds = bounds_of([city.get("outline"), *(d["geometry"] for d in dataset.districts)])
    if bounds is None and len(points):
        bounds = (
            float(points.groups.lon.min()),
            float(points.groups.lat.min()),
            float(points.groups.lon.max()),
            float(points.groups.lat.max()),
        )
    return bounds


def map_setup(dataset: Dataset, points: MapPoints) -> dict[str, Any]:
    """The map's style and first view for the browser: local MapLibre style (no glyphs) and centre/zoom.

    Parameters
    ----------
    dataset : Dataset
        The loaded data (districts, city outline, optional online basemap).
    points : MapPoints
        The dataset's :func:`dataset_points` (the view falls back to their extent).
    """
    city = dataset.city
    style = offline_style(dataset.districts, city.get("outline"), city.get("basemap"))
    view = fit_view(map_bounds(dataset, points), *FIT_SIZE)
    return {"style": style, "view": {"lon": view.lon, "lat": view.lat, "zoom": view.zoom}}


def notice_texts(dataset: Dataset, lang: str) -> list[str]:
    """Texts written over the map: :func:`map_notices` and the online basemap's attribution (plain text)."""
    texts = map_notices(dataset, lang)
    basemap = dataset.city.get("basemap")
    if basemap and basemap.get("tiles") and basemap.get("attribution"):
        texts.append(str(basemap["attribution"]))
    return texts
