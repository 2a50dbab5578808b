"""The map's page components and its clientside callbacks.

* :func:`map_components` gives the page's map block: the ``dcc.Graph`` (base map
  and empty marker traces), the points store (all points, sent once per page
  load) and the HTML legend (categories with colour + pattern, districts).
* :func:`register_map_callbacks` wires ``assets/map.js``: a change of the view
  store (``ids.VIEW_STORE``, the server's bitset mask) redraws the markers in
  the browser without sending any point again; a click on a marker selects its
  first visible offer (``ids.SELECTED_OFFER``).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, dcc, html

from dashboard import ids
from dashboard.data import Dataset
from dashboard.figures import (
    APPROXIMATE_OPACITY,
    MIXED_STYLE,
    MapPoints,
    MarkerStyle,
    category_styles,
    dataset_points,
    district_label_points,
    get_translator,
    marker_layers,
    offer_map,
    points_payload,
)

logger = logging.getLogger(__name__)

GRAPH_CONFIG: dict[str, Any] = {"displaylogo": False, "scrollZoom": True, "responsive": True}


@lru_cache(maxsize=4)
def _points(dataset: Dataset) -> MapPoints:
    # Dataset is read-only and hashed by identity: computed once per loaded dataset
    points = dataset_points(dataset)
    logger.info("map: %d offers in %d markers", len(points), len(points.groups))
    return points


@lru_cache(maxsize=16)
def _payload(dataset: Dataset, lang: str) -> dict[str, Any]:
    return {**points_payload(_points(dataset), lang), "districtLabels": district_label_points(dataset.districts)}


def _swatch(style: MarkerStyle, approximate: bool = False) -> html.Span:
    """A CSS picture of a marker (decorative; the label next to it carries the meaning)."""
    layers = marker_layers(style)
    css: dict[str, Any] = {"backgroundColor": layers.core_colour, "borderColor": layers.rim_colour}
    if layers.mid_colour:
        css = {
            "backgroundColor": layers.core_colour,
            "borderColor": layers.mid_colour,
            "boxShadow": f"0 0 0 2px {layers.rim_colour}",
        }
    if approximate:
        css["opacity"] = APPROXIMATE_OPACITY
    return html.Span(className=f"map-swatch map-swatch-{style.pattern}", style=css, **{"aria-hidden": "true"})


def map_legend(dataset: Dataset, lang: str) -> html.Details:
    """Legend beside the map: each category's colour + pattern, mixed and approximate markers, districts."""
    _ = get_translator(lang)
    styles = category_styles(dataset.category_ids)
    present = set(dataset.offers["category"])
    entries = [
        html.Li([_swatch(styles[cid]), " ", dataset.taxonomy.categories.label(cid, lang)])
        for cid in dataset.category_ids
        if cid in present
    ]
    entries.append(html.Li([_swatch(MIXED_STYLE), " ", _("Mehrere Angebote verschiedener Kategorien")]))
    entries.append(html.Li([_swatch(MarkerStyle("#0072B2", "dot"), approximate=True), " ", _("Lage ungefähr")]))
    districts = [str(d["properties"]["name"]) for d in dataset.districts]
    body: list[Any] = [html.Ul(entries, className="map-legend-list")]
    if districts:
        approx = dataset.has_approximate_districts
        heading = _("Stadtteile (Grenzen ungefähr)") if approx else _("Stadtteile")
        body += [html.H3(heading, className="map-legend-heading"), html.P(", ".join(districts))]
    return html.Details(
        [html.Summary(_("Legende")), *body],
        id=ids.MAP_LEGEND,
        className="map-legend",
        open=True,
    )


def map_components(dataset: Dataset, lang: str) -> list[Any]:
    """The map block of the page: graph (no markers yet), points store (sent once) and legend."""
    figure = offer_map(dataset, lang, include_markers=False, points=_points(dataset))
    return [
        dcc.Graph(
            id=ids.MAP,
            figure=figure,
            config=GRAPH_CONFIG,
            className="map-graph",
        ),
        dcc.Store(id=ids.MAP_POINTS, data=_payload(dataset, lang)),
        map_legend(dataset, lang),
    ]


def register_map_callbacks(app: dash.Dash, dataset: Dataset) -> None:
    """Register the map's clientside callbacks (``assets/map.js``) on ``app``.

    ``dataset`` is used to precompute the points once at start.
    """
    _points(dataset)
    app.clientside_callback(
        ClientsideFunction(namespace="stadtkarte", function_name="updateMap"),
        Output(ids.MAP, "figure"),
        Input(ids.VIEW_STORE, "data"),
        Input(ids.MAP_POINTS, "data"),
        State(ids.MAP, "figure"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="stadtkarte", function_name="selectOffer"),
        Output(ids.SELECTED_OFFER, "data", allow_duplicate=True),
        Input(ids.MAP, "clickData"),
        State(ids.MAP_POINTS, "data"),
        prevent_initial_call=True,
    )
