"""The offer map: Plotly MapLibre traces over a local style, points sent to the browser once.

How the map stays fast
----------------------
Offers at one address (coordinates equal after rounding to :data:`GROUP_DECIMALS`
decimals, about 1 m) are grouped once at load time (:func:`group_points`); a
group is one marker that lists all its visible offers. :func:`points_payload`
is everything the browser needs to draw markers for any filter (coordinates per
group, members per group, category/precision/name per offer); it goes to the
browser once, in a ``dcc.Store``. On a filter change the server only sends the
view's bitset mask and ``assets/map.js`` rebuilds the marker traces with the
same rules as :func:`visible_markers` (the reference implementation, tested
here and compared with the browser in ``tests/browser/test_map.py``).

Markers: colour and outline pattern
-----------------------------------
MapLibre's icon symbols need a sprite and (in Plotly's symbol layer, which
always sets ``text-field``) a glyph server, both of which would break the
offline rule; so markers are circles distinguished by **colour and outline
pattern** together (:data:`PATTERNS`: filled dot with dark rim, ring, target),
never by colour alone; neighbouring categories differ in both. The HTML legend
beside the map shows both, and the list view is the accessible equivalent of
the map. Approximately located offers (precision in
:data:`geodata.schema.APPROXIMATE_PRECISIONS`) are drawn faded and say
"Lage ungefähr" in their hover.

Each marker is drawn by up to three stacked ``go.Scattermap`` traces (rim,
middle ring, core; only the core has a hover), with per-point colour, size and
opacity arrays.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely.geometry

from dashboard.data import Dataset
from dashboard.i18n import translator
from dashboard.mapstyle import bounds_of, fit_view, offline_style

logger = logging.getLogger(__name__)

#: Decimals of lon/lat (degrees) that make two offers "one address" (1e-5 deg is about 1 m).
GROUP_DECIMALS = 5
#: Okabe-Ito colour-blind-safe palette (in an order that keeps neighbours distinct).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
#: Outline patterns; category ``k`` gets ``PATTERNS[k % 3]`` and ``PALETTE[k % 8]`` (unique for k < 24).
PATTERNS: tuple[str, ...] = ("dot", "ring", "target")
RIM = "#1d1d1d"
HOLE = "#ffffff"
MIXED_COLOUR = "#4d4d4d"
#: Diameter of a marker's core in px.
BASE_SIZE = 15
APPROXIMATE_OPACITY = 0.45
#: At most this many names in a marker's hover; the rest is "und n weitere".
HOVER_NAMES = 8
#: Trace names (``name`` of the three marker traces; the clientside code finds them by name).
TRACE_RIM, TRACE_MID, TRACE_CORE = "markers-rim", "markers-mid", "markers-core"

Translator = Callable[..., str]


def get_translator(lang: str) -> Translator:
    """The interface translator for ``lang`` (:func:`dashboard.i18n.translator`)."""
    return translator(lang)


# --------------------------------------------------------------------------- marker styles


@dataclass(frozen=True)
class MarkerStyle:
    """Colour and outline pattern of a category's markers."""

    colour: str
    pattern: str


@dataclass(frozen=True)
class MarkerLayers:
    """Colour and diameter (px) of the rim, middle ring and core of one marker style.

    ``mid_colour`` is None when the pattern has no middle ring.
    """

    rim_colour: str
    rim_size: float
    mid_colour: str | None
    mid_size: float
    core_colour: str
    core_size: float


def category_styles(category_ids: Sequence[str]) -> dict[str, MarkerStyle]:
    """A distinct colour + pattern pair per category id (stable: depends on the order only)."""
    return {
        cid: MarkerStyle(PALETTE[k % len(PALETTE)], PATTERNS[k % len(PATTERNS)]) for k, cid in enumerate(category_ids)
    }


#: Marker of an address with offers of several categories.
MIXED_STYLE = MarkerStyle(MIXED_COLOUR, "mixed")


def marker_layers(style: MarkerStyle, size: float = BASE_SIZE) -> MarkerLayers:
    """How ``style`` is drawn: dot = colour with dark rim; ring = colour ring with a white hole;
    target = dark rim, white ring, colour centre; mixed = dark rim, white ring, grey centre."""
    if style.pattern == "ring":
        return MarkerLayers(style.colour, size + 5, None, 0, HOLE, size - 5)
    if style.pattern in ("target", "mixed"):
        return MarkerLayers(RIM, size + 5, HOLE, size + 1, style.colour, size - 5)
    return MarkerLayers(RIM, size + 5, None, 0, style.colour, size)


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

    def __len__(self) -> int:
        return len(self.category)

    @property
    def mixed_index(self) -> int:
        return len(self.styles) - 1


def map_points(offers: pd.DataFrame, category_ids: Sequence[str], approximate: np.ndarray) -> MapPoints:
    """Group ``offers`` (columns lon, lat, id, name, category, district_name) into map points.

    Parameters
    ----------
    offers : pandas.DataFrame
        One row per offer in file order; lon/lat in degrees (EPSG:4326).
    category_ids : sequence of str
        All category ids (defines colours and patterns); unknown categories get the mixed style.
    approximate : numpy.ndarray of bool
        True where the offer's location is approximate.
    """
    groups = group_points(offers["lon"].to_numpy(), offers["lat"].to_numpy())
    styles = (*category_styles(category_ids).values(), MIXED_STYLE)
    position = {c: i for i, c in enumerate(category_ids)}
    category = np.array([position.get(c, len(styles) - 1) for c in offers["category"]], dtype=np.int64)
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
        styles=styles,
    )


def hover_labels(lang: str) -> dict[str, str]:
    """Translated hover texts used by the browser code (German fallback)."""
    _ = get_translator(lang)
    return {
        "approximate": _("Lage ungefähr"),
        "more": _("und {n} weitere", n="{n}"),
        "group": _("{n} Angebote an diesem Ort:", n="{n}"),
        "close": _("Schließen"),
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


def points_payload(points: MapPoints, lang: str) -> dict[str, Any]:
    """JSON-able data of ``points`` for the browser's ``dcc.Store`` (sent once per page load).

    Names are HTML-escaped here (Plotly renders a subset of HTML in hover labels).
    """
    layers = [marker_layers(s) for s in points.styles]
    return {
        "n": len(points),
        "glon": np.round(points.groups.lon, 6).tolist(),
        "glat": np.round(points.groups.lat, 6).tolist(),
        "members": points.groups.members.tolist(),
        "starts": points.groups.starts.tolist(),
        "category": points.category.tolist(),
        "approximate": points.approximate.astype(np.int8).tolist(),
        "names": [html.escape(n, quote=False) for n in points.names],
        "ids": list(points.ids),
        "gdistrict": [html.escape(d, quote=False) for d in points.group_district],
        "layers": [
            {
                "rim": [la.rim_colour, la.rim_size],
                "mid": [la.mid_colour, la.mid_size] if la.mid_colour else None,
                "core": [la.core_colour, la.core_size],
            }
            for la in layers
        ],
        "mixed": points.mixed_index,
        "approximateOpacity": APPROXIMATE_OPACITY,
        "hoverNames": HOVER_NAMES,
        "labels": hover_labels(lang),
    }


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
    """

    group: np.ndarray
    style: np.ndarray
    approximate: np.ndarray
    first: np.ndarray

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
    first = np.full(n_groups, -1)
    first[g[::-1]] = rows[::-1]  # the last write wins: the first visible row in file order
    return VisibleMarkers(shown, style, (n_approx == count)[shown], first[shown])


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
    return "<br>".join(lines)


def marker_traces(points: MapPoints, mask: np.ndarray | None, lang: str) -> list[go.Scattermap]:
    """The three stacked marker traces (rim, middle ring, core) for ``mask``."""
    mask = np.ones(len(points), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    markers = visible_markers(points, mask)
    labels = hover_labels(lang)
    layers = [marker_layers(s) for s in points.styles]
    lon = points.groups.lon[markers.group]
    lat = points.groups.lat[markers.group]
    opacity = np.where(markers.approximate, APPROXIMATE_OPACITY, 1.0)
    has_mid = np.array([layers[s].mid_colour is not None for s in markers.style], dtype=bool)
    rim = go.Scattermap(
        name=TRACE_RIM,
        lon=lon,
        lat=lat,
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={
            "color": [layers[s].rim_colour for s in markers.style],
            "size": [layers[s].rim_size for s in markers.style],
            "opacity": opacity,
        },
    )
    mid = go.Scattermap(
        name=TRACE_MID,
        lon=lon[has_mid],
        lat=lat[has_mid],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={
            "color": [layers[s].mid_colour for s in markers.style[has_mid]],
            "size": [layers[s].mid_size for s in markers.style[has_mid]],
            "opacity": opacity[has_mid],
        },
    )
    core = go.Scattermap(
        name=TRACE_CORE,
        lon=lon,
        lat=lat,
        mode="markers",
        showlegend=False,
        hovertext=[hover_text(points, int(g), mask, labels) for g in markers.group],
        hovertemplate="%{hovertext}<extra></extra>",
        customdata=markers.first,
        marker={
            "color": [layers[s].core_colour for s in markers.style],
            "size": [layers[s].core_size for s in markers.style],
            "opacity": opacity,
        },
    )
    return [rim, mid, core]


# --------------------------------------------------------------------------- the figure


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
    return map_points(dataset.offers, dataset.category_ids, dataset.approximate)


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


def offer_map(
    dataset: Dataset,
    lang: str,
    mask: np.ndarray | None = None,
    *,
    include_markers: bool = True,
    points: MapPoints | None = None,
) -> go.Figure:
    """The offer map: local MapLibre style with district areas, offer markers and notices.

    Parameters
    ----------
    dataset : Dataset
        The loaded data (offers, districts, city settings).
    lang : str
        Interface language of hover texts and notices.
    mask : numpy.ndarray of bool, optional
        Visible offers (default all).
    include_markers : bool
        False gives empty marker traces, filled in the browser from the points store
        (so the page sends the points only once).
    points : MapPoints, optional
        Precomputed :func:`dataset_points` (computed when omitted).
    """
    points = points if points is not None else dataset_points(dataset)
    if include_markers:
        traces = marker_traces(points, mask, lang)
    else:
        traces = [
            go.Scattermap(name=name, lon=[], lat=[], mode="markers", showlegend=False)
            for name in (TRACE_RIM, TRACE_MID, TRACE_CORE)
        ]
        traces[0].hoverinfo = traces[1].hoverinfo = "skip"
        traces[2].hovertemplate = "%{hovertext}<extra></extra>"
    city = dataset.city
    style = offline_style(dataset.districts, city.get("outline"), city.get("basemap"))
    view = fit_view(map_bounds(dataset, points), *FIT_SIZE)
    fig = go.Figure(data=traces)
    fig.update_layout(
        map={"style": style, "center": {"lon": view.lon, "lat": view.lat}, "zoom": view.zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision="offer-map",
        showlegend=False,
        hovermode="closest",
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": RIM, "font": {"color": RIM, "size": 14}},
        annotations=_notice_annotations(map_notices(dataset, lang), city.get("basemap")),
        paper_bgcolor="#ffffff",
    )
    return fig


def _notice_annotations(notices: list[str], basemap: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    texts = list(notices)
    if basemap and basemap.get("attribution"):
        texts.append(html.escape(str(basemap["attribution"]), quote=False))
    return [
        {
            "text": text,
            "xref": "paper",
            "yref": "paper",
            "x": 0.01,
            "y": 0.99 - 0.06 * i,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.92)",
            "bordercolor": RIM,
            "borderwidth": 1,
            "borderpad": 4,
            "font": {"color": RIM, "size": 13},
        }
        for i, text in enumerate(texts)
    ]
