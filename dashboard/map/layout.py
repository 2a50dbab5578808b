"""The map page's layout: filters, result head, map block (graph, points sent once, legend), list, detail.

Everything is built from :func:`dashboard.snapshot.current_snapshot`; the points store and
:data:`dashboard.ids.MAP_VERSION` carry the snapshot version, so the filter callback can tell
when the page's points are older than the data it filters (see :mod:`dashboard.map.callbacks`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.filter_panel import filter_panel, filter_toggle_button, radio_group
from dashboard.components.notices import notices_block
from dashboard.data import Dataset
from dashboard.filters import parse_query
from dashboard.i18n import Translator, plural_translator, translator
from dashboard.layout import frame
from dashboard.map.detail import detail_panel, unavailable_panel
from dashboard.map.figures import (
    MIXED_STYLE,
    RIM,
    MarkerStyle,
    dataset_styles,
    get_translator,
    notice_texts,
    shape_outline,
)
from dashboard.map.points import points_ref
from dashboard.map.view import (
    ListSettings,
    View,
    announcement,
    api_href,
    compute_view,
    empty_children,
    list_children,
    list_status,
    more_label,
    result_count,
)
from dashboard.security import MAPLIBRE_PREFIX
from dashboard.snapshot import Snapshot, current_snapshot

logger = logging.getLogger(__name__)

#: The polite live region that announces "100 von 162 Angeboten angezeigt" after filter and sort changes.
LIVE_STATUS = "list-live"
#: Where the skip link "Zu den Ergebnissen" leads: the list itself (the next Tab stop is the first offer).
RESULTS_TARGET = ids.OFFER_LIST


def view_switch(_: Translator, map_first: bool) -> list[Any]:
    """The list/map switch as a labelled radio group (``map_first``: the map is the chosen view)."""
    return [
        html.Span(_("Ansicht"), id="view-label", className="visually-hidden"),
        radio_group(
            [(_("Karte"), map_first, {"data-view": "map"}), (_("Liste"), not map_first, {"data-view": "list"})],
            "view-label",
        ),
    ]


def sort_switch(settings: ListSettings, _: Translator) -> list[Any]:
    """The list's sort order (name or district) as a labelled radio group."""
    return [
        html.Span(_("Sortieren nach:"), id="sort-label"),
        radio_group(
            [
                (_("Name"), settings.sort == "name", {"data-sort": "name"}),
                (_("Stadtteil"), settings.sort == "district", {"data-sort": "district"}),
            ],
            "sort-label",
        ),
    ]


def _swatch(style: MarkerStyle, approximate: bool = False) -> html.Span:
    """A CSS picture of a marker: its shape (the same outline as the canvas marker), rim, colour, letter.

    Decorative (``aria-hidden``): the label next to it carries the meaning. An approximate location is
    shown as on the map: a dashed rim.
    """
    if approximate:
        return html.Span(className="map-swatch map-swatch-approximate", **{"aria-hidden": "true"})
    clip = "polygon(" + ", ".join(f"{x * 100:.1f}% {y * 100:.1f}%" for x, y in shape_outline(style.shape)) + ")"
    return html.Span(
        html.Span(
            style.letter,
            className="map-swatch-core",
            style={"backgroundColor": style.colour, "color": style.ink, "clipPath": clip},
        ),
        className=f"map-swatch map-swatch-{style.shape}",
        style={"backgroundColor": RIM, "clipPath": clip},
        **{"aria-hidden": "true", "data-letter": style.letter},
    )


def map_legend(dataset: Dataset, lang: str) -> html.Details:
    """Legend beside the map: each category's shape, letter and colour, mixed and approximate markers, districts."""
    _ = get_translator(lang)
    styles = dataset_styles(dataset)
    present = set(dataset.offers["category"])
    entries = [
        html.Li([_swatch(styles[cid]), " ", dataset.taxonomy.categories.label(cid, lang)])
        for cid in dataset.category_ids
        if cid in present
    ]
    entries.append(html.Li([_swatch(MIXED_STYLE), " ", _("Mehrere Angebote verschiedener Kategorien")]))
    entries.append(html.Li([_swatch(MIXED_STYLE, approximate=True), " ", _("Lage ungefähr")]))
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


def map_canvas(snapshot: Snapshot, lang: str, early: Mapping[str, str] | None = None) -> html.Div:
    """The map's container: MapLibre draws into its inner ``div`` (``assets/map.js``); the notices
    (demo data, approximate boundaries, a basemap's attribution) are server-rendered over it.

    ``data-maplibre`` / ``data-maplibre-css`` name the vendored library, which the browser loads
    only when the map is first drawn (so the first view of the list does not wait for it).
    ``early`` adds attributes for the server-rendered first view (``data-points``: the URL of the
    points, ``data-view``: the view store as JSON), from which ``assets/map.js`` draws the map
    before Dash has started.
    """
    notices = notice_texts(snapshot.dataset, lang)
    return html.Div(
        [
            html.Div(className="map-canvas"),
            html.Div([html.P(text, className="map-notice") for text in notices], className="map-notices"),
        ],
        id=ids.MAP,
        className="map-graph",
        **{
            "data-maplibre": MAPLIBRE_PREFIX + "maplibre-gl.mjs",
            "data-maplibre-css": MAPLIBRE_PREFIX + "maplibre-gl.css",
            "data-markers": "",
            **(early or {}),
        },
    )


def map_components(snapshot: Snapshot, lang: str) -> list[Any]:
    """The map block of the page: the map (drawn in the browser), the list of a clicked group's offers,
    points store (the URL of the points: :func:`~dashboard.map.points.points_ref`), its version and legend."""
    dataset = snapshot.dataset
    return [
        map_canvas(snapshot, lang),
        html.Div(id=ids.MAP_GROUP, className="map-group", hidden=True, role="region", **{"aria-live": "polite"}),
        html.Div(id=ids.MAP_HIGHLIGHT, hidden=True),
        dcc.Store(id=ids.MAP_POINTS, data=points_ref(snapshot, lang)),
        dcc.Store(id=ids.MAP_VERSION, data=snapshot.version),
        map_legend(dataset, lang),
    ]


def map_section(blocks: list[Any], _: Translator, **props: Any) -> html.Section:
    """The map's section around ``blocks`` (the map box, legend, ...): its hidden heading and the note that
    the list holds the same offers. The server's first view builds it too, so the two line up."""
    return html.Section(
        [
            html.H2(_("Karte"), className="visually-hidden"),
            *blocks,
            html.P(_("Die Liste enthält dieselben Angebote wie die Karte."), className="map-note"),
        ],
        className="map-section",
        **{"aria-label": _("Karte")},
        **props,
    )


def results(
    snapshot: Snapshot,
    view: View,
    settings: ListSettings,
    _: Translator,
    offer_id: str | None = None,
    offer_row: int | None = None,
) -> html.Div:
    """Result count, downloads, map, list and detail (of ``offer_row``; a notice when ``offer_id`` is gone)."""
    dataset = snapshot.dataset
    lang = view.state.lang
    ngettext = plural_translator(lang)
    return html.Div(
        [
            html.Div(
                [
                    html.P(
                        [_("Gefundene Angebote:"), " ", html.Span(result_count(view, lang), id=ids.RESULT_COUNT)],
                        className="result-summary",
                    ),
                    html.P(
                        [
                            _("Aktuelle Auswahl herunterladen:"),
                            " ",
                            html.A(
                                "GeoJSON",
                                id=ids.DOWNLOAD_GEOJSON,
                                href=api_href(view, "geojson"),
                                download="angebote.geojson",
                            ),
                            " · ",
                            html.A("CSV", id=ids.DOWNLOAD_CSV, href=api_href(view, "csv"), download="angebote.csv"),
                        ],
                        className="downloads",
                    ),
                    html.Div(view_switch(_, map_first=True), id=ids.VIEW_TOGGLE, className="view-toggle"),
                ],
                className="results-head",
            ),
            html.Div(
                empty_children(dataset, view, _),
                id=ids.EMPTY_NOTICE,
                className="empty-notice",
                role="status",
                hidden=view.count > 0,
                **{"aria-live": "polite"},
            ),
            map_section(map_components(snapshot, lang), _, id=ids.MAP_SECTION),
            html.Section(
                [
                    html.H2(_("Liste der Angebote"), id="list-heading"),
                    html.Div(sort_switch(settings, _), className="sort"),
                    html.Ul(
                        list_children(dataset, view, settings, _),
                        id=ids.OFFER_LIST,
                        className="offer-list",
                        tabIndex=-1,
                        **{"aria-labelledby": "list-heading"},
                    ),
                    html.P(list_status(view, settings, ngettext), id="list-status", className="list-status"),
                    html.P(
                        announcement(view, settings, _, ngettext),
                        id=LIVE_STATUS,
                        className="visually-hidden",
                        role="status",
                        **{"aria-live": "polite", "aria-atomic": "true"},
                    ),
                    html.Button(
                        more_label(view, settings, ngettext),
                        id=ids.MORE,
                        type="button",
                        className="more",
                        hidden=view.count <= settings.limit,
                        **{"data-action": "more"},
                    ),
                ],
                id=ids.LIST_SECTION,
                className="list-section",
                **{"aria-labelledby": "list-heading"},
            ),
            html.Section(
                unavailable_panel(_) if offer_id and offer_row is None else detail_panel(dataset, offer_row, _, lang),
                id=ids.DETAIL,
                className="detail",
                tabIndex=-1,
                **{"aria-label": _("Details zum Angebot")},
            ),
        ],
        className="results",
    )


def selected_offer(dataset: Dataset, query: dict[str, Any]) -> tuple[str | None, int | None]:
    """The ``offer=`` of the URL and its row (row None when the data does not hold it)."""
    raw = query.get("offer")
    offer_id = str(raw[0] if isinstance(raw, list | tuple) and raw else raw or "").strip()[:200] or None
    return offer_id, dataset.index_of(offer_id) if offer_id else None


def page_layout(**query: Any) -> html.Div:
    """The page for URL parameters ``query`` (``?lang=..&category=..&language=..``), from the current snapshot.

    Besides the filters, ``sort=`` (list order) and ``offer=`` (the offer shown in the detail panel)
    come from the URL, so a reload, a shared link and a language switch keep them.
    """
    snapshot = current_snapshot()
    dataset = snapshot.dataset
    state, notices = parse_query(query, dataset)
    _ = translator(state.lang)
    settings = ListSettings.from_store({"sort": query.get("sort")})
    view = compute_view(dataset, state, settings)
    offer_id, offer_row = selected_offer(dataset, query)
    main = [
        dcc.Store(id=ids.FILTER_STORE, data=state.to_dict()),
        dcc.Store(id=ids.LIST_STORE, data={"sort": settings.sort, "limit": settings.limit}),
        dcc.Store(id=ids.MAP_FILTERS),
        dcc.Store(id=ids.VIEW_STORE, data=view.store(snapshot.version)),
        dcc.Store(id=ids.SELECTED_OFFER, data=offer_id),
        dcc.Store(id=ids.QUERY_STORE, data=view.query),
        filter_toggle_button(_),
        html.Div(
            [filter_panel(dataset, state, _), results(snapshot, view, settings, _, offer_id, offer_row)],
            className="layout-grid",
        ),
    ]
    skip = [(_("Zu den Ergebnissen"), "#" + RESULTS_TARGET)]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path="/", skip_links=skip)
