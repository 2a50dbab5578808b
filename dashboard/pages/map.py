"""The main page ("/"): filters, map, list and detail of the offers."""

from __future__ import annotations

import logging
from typing import Any

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.detail import detail_panel
from dashboard.components.filter_panel import chip, filter_panel, filter_toggle_button
from dashboard.components.notices import notices_block
from dashboard.data import Dataset, current_dataset
from dashboard.filters import parse_query
from dashboard.i18n import Translator, translator
from dashboard.layout import frame
from dashboard.map_callbacks import map_components
from dashboard.view import ListSettings, View, api_href, compute_view, list_children, list_status

logger = logging.getLogger(__name__)

dash.register_page(__name__, path="/", title="Stadtkarte Integration", name="Karte")


def results(dataset: Dataset, view: View, settings: ListSettings, _: Translator) -> html.Div:
    """Result count, downloads, map, list and detail."""
    lang = view.state.lang
    return html.Div(
        [
            html.Div(
                [
                    html.P(
                        [_("Gefundene Angebote:"), " ", html.Span(str(view.count), id=ids.RESULT_COUNT)],
                        className="result-summary",
                        role="status",
                        **{"aria-live": "polite"},
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
                    html.Div(
                        [
                            chip(_("Karte"), True, **{"data-view": "map"}),
                            chip(_("Liste"), False, **{"data-view": "list"}),
                        ],
                        id=ids.VIEW_TOGGLE,
                        className="view-toggle",
                        role="group",
                        **{"aria-label": _("Ansicht")},
                    ),
                ],
                className="results-head",
            ),
            html.Section(
                [
                    html.H2(_("Karte"), className="visually-hidden"),
                    *map_components(dataset, lang),
                    html.P(_("Die Liste enthält dieselben Angebote wie die Karte."), className="map-note"),
                ],
                id=ids.MAP_SECTION,
                className="map-section",
                **{"aria-label": _("Karte")},
            ),
            html.Section(
                [
                    html.H2(_("Liste der Angebote"), id="list-heading"),
                    html.Div(
                        [
                            html.Span(_("Sortieren nach:"), id="sort-label"),
                            chip(_("Name"), True, **{"data-sort": "name"}),
                            chip(_("Stadtteil"), False, **{"data-sort": "district"}),
                        ],
                        className="sort",
                        role="group",
                        **{"aria-labelledby": "sort-label"},
                    ),
                    html.Ul(list_children(dataset, view, settings, _), id=ids.OFFER_LIST, className="offer-list"),
                    html.P(list_status(view, settings, _), id="list-status", className="list-status"),
                    html.Button(
                        _("Weitere Angebote anzeigen"),
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
                detail_panel(dataset, None, _, lang),
                id=ids.DETAIL,
                className="detail",
                tabIndex=-1,
                **{"aria-label": _("Details zum Angebot")},
            ),
        ],
        className="results",
    )


def layout(**query: Any) -> html.Div:
    """The page for URL parameters ``query`` (``?lang=..&category=..&language=..``)."""
    dataset = current_dataset()
    state, notices = parse_query(query, dataset)
    _ = translator(state.lang)
    settings = ListSettings()
    view = compute_view(dataset, state, settings)
    main = [
        dcc.Store(id=ids.FILTER_STORE, data=state.to_dict()),
        dcc.Store(id=ids.LIST_STORE, data={"sort": settings.sort, "limit": settings.limit}),
        dcc.Store(id=ids.VIEW_STORE, data=view.store()),
        dcc.Store(id=ids.SELECTED_OFFER, data=None),
        dcc.Store(id=ids.QUERY_STORE, data=view.query),
        filter_toggle_button(_),
        html.Div([filter_panel(dataset, state, _), results(dataset, view, settings, _)], className="layout-grid"),
    ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path="/")
