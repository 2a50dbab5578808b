"""Thin Dash callbacks of the map page: browser state in, rendered view out.

The work is done by the pure functions in :mod:`dashboard.map.view`; the callbacks
only translate between stores/props and :class:`~dashboard.filters.FilterState`.
Every callback reads :func:`dashboard.snapshot.current_snapshot` per request (nothing is
captured at registration). When the filter callback runs on a newer snapshot than the
page's points (``ids.MAP_VERSION``), it also sends the new points' URL, so the browser never
draws a mask of one version over the points of another (``assets/map.js`` checks too).

The map's clientside callbacks (``assets/map.js``, MapLibre GL JS): a change of the view store
(``ids.VIEW_STORE``, the server's bitset mask) redraws the markers in the browser
without sending any point again; a click on a marker selects its offer
(``ids.SELECTED_OFFER``), or, when it holds several visible offers, lists them all
(``ids.MAP_GROUP``, each a button that selects it); a click on a cluster zooms in; the
selected offer is centred and ringed on the map (``showSelected``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State

from dashboard import ids
from dashboard.filters import UI_LANGUAGES, from_store
from dashboard.i18n import plural_translator, translator
from dashboard.layout import lang_href, mirror_filters
from dashboard.map.detail import detail_panel, unavailable_panel
from dashboard.map.layout import LIVE_STATUS, map_legend
from dashboard.map.points import points_ref, serve_points
from dashboard.map.view import (
    ListSettings,
    announcement,
    api_href,
    compute_view,
    empty_children,
    list_children,
    list_status,
    more_label,
    result_count,
)
from dashboard.security import serve_maplibre
from dashboard.snapshot import Snapshot, current_snapshot

VIEW_OUTPUTS = [
    Output(ids.RESULT_COUNT, "children"),
    Output(ids.OFFER_LIST, "children"),
    Output("list-status", "children"),
    Output(ids.MORE, "hidden"),
    Output(ids.MORE, "children"),
    Output(LIVE_STATUS, "children"),
    Output(ids.VIEW_STORE, "data"),
    Output(ids.QUERY_STORE, "data"),
    Output(ids.DOWNLOAD_GEOJSON, "href"),
    Output(ids.DOWNLOAD_CSV, "href"),
    *[Output(ids.lang_link(code), "href") for code in UI_LANGUAGES],
    Output(ids.MAP_POINTS, "data"),
    Output(ids.MAP_VERSION, "data"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.EMPTY_NOTICE, "children"),
    Output(ids.EMPTY_NOTICE, "hidden"),
]


def update_view(
    snapshot: Snapshot,
    filter_data: dict[str, Any] | None,
    q: str | None,
    list_data: dict[str, Any] | None,
    ui: dict[str, Any] | None,
    list_only: bool = False,
    page_version: str | None = None,
) -> list[Any]:
    """Values for :data:`VIEW_OUTPUTS`.

    With ``list_only`` the view store etc. are left unchanged. When ``page_version`` (the
    version of the page's points) differs from ``snapshot.version``, the new points and
    version (and the legend of its categories) are sent too, and the view store is sent
    even with ``list_only``.
    """
    dataset = snapshot.dataset
    lang = (ui or {}).get("lang") or "de"
    state = from_store({**(filter_data or {}), "q": q or "", "lang": lang}, dataset, lang)
    settings = ListSettings.from_store(list_data)
    view = compute_view(dataset, state, settings)
    _ = translator(state.lang)
    ngettext = plural_translator(state.lang)
    rendered = [
        result_count(view, state.lang),
        list_children(dataset, view, settings, _),
        list_status(view, settings, ngettext),
        view.count <= settings.limit,
        more_label(view, settings, ngettext),
        announcement(view, settings, _, ngettext),
    ]
    stale = page_version != snapshot.version
    points = (
        [points_ref(snapshot, state.lang), snapshot.version, map_legend(dataset, state.lang).children]
        if stale
        else [dash.no_update] * 3
    )
    if list_only and not stale:
        return rendered + [dash.no_update] * (len(VIEW_OUTPUTS) - len(rendered))
    links = [lang_href(state, code) for code in UI_LANGUAGES]
    view_store = view.store(snapshot.version)
    empty = [empty_children(dataset, view, _), view.count > 0]
    return [
        *rendered,
        view_store,
        view.query,
        api_href(view, "geojson"),
        api_href(view, "csv"),
        *links,
        *points,
        *empty,
    ]


def select_offer(snapshot: Snapshot, offer_id: Any, ui: dict[str, Any] | None) -> list[Any]:
    """Children of the detail panel for ``offer_id`` (a hint when none, a notice when it is gone)."""
    lang = (ui or {}).get("lang") or "de"
    _ = translator(lang)
    if not offer_id:
        return detail_panel(snapshot.dataset, None, _, lang)
    row = snapshot.dataset.index_of(str(offer_id))
    if row is None:
        return unavailable_panel(_)
    return detail_panel(snapshot.dataset, row, _, lang)


def register_callbacks(app: dash.Dash) -> None:
    """Register the map page's server callbacks and its clientside helpers on ``app``."""

    mirror_filters(app, ids.MAP_FILTERS)  # the list store exists only here (see mirror_filters)

    @app.callback(
        *VIEW_OUTPUTS,
        Input(ids.MAP_FILTERS, "data"),
        Input(ids.LIST_STORE, "data"),
        State(ids.FILTER_STORE, "data"),
        State(ids.SEARCH, "value"),
        State(ids.UI_LANG, "data"),
        State(ids.MAP_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _on_filter(_mirror: Any, list_data: Any, filter_data: Any, q: Any, ui: Any, page_version: Any) -> list[Any]:
        # only the list's sort or length changed (a filter change in the same round trip counts as one)
        list_only = f"{ids.MAP_FILTERS}.data" not in dash.ctx.triggered_prop_ids
        return update_view(current_snapshot(), filter_data, q, list_data, ui, list_only, page_version)

    @app.callback(
        Output(ids.DETAIL, "children"),
        Input(ids.SELECTED_OFFER, "data"),
        State(ids.UI_LANG, "data"),
        prevent_initial_call=True,
    )
    def _on_select(offer_id: Any, ui: Any) -> list[Any]:
        return select_offer(current_snapshot(), offer_id, ui)

    app.clientside_callback(
        ClientsideFunction("stadtkarte", "syncUrl"),
        Output(ids.URL_SYNC, "title"),
        Input(ids.QUERY_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("stadtkarte", "syncOffer"),
        Output(ids.URL_SYNC, "data-offer"),
        Input(ids.SELECTED_OFFER, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("stadtkarte", "setDocumentLang"),
        Output(ids.URL_SYNC, "data-lang"),
        Input(ids.UI_LANG, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("stadtkarte", "syncFilters"),
        Output(ids.URL_SYNC, "data-filters"),
        Input(ids.FILTER_STORE, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("stadtkarte", "focusDetail"),
        Output(ids.URL_SYNC, "data-detail"),
        Input(ids.DETAIL, "children"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # after "more": focus the first newly shown offer
        ClientsideFunction("stadtkarte", "afterList"),
        Output(ids.URL_SYNC, "data-list"),
        Input(ids.OFFER_LIST, "children"),
        prevent_initial_call=True,
    )


def register_map_callbacks(app: dash.Dash, snapshot_of: Callable[[], Snapshot] = current_snapshot) -> None:
    """Register the map's clientside callbacks (``assets/map.js``) and the vendored MapLibre files on ``app``.

    ``updateMap`` draws the markers of the view store over the points store (loading MapLibre and the
    points file (served here too, for the snapshot ``snapshot_of`` returns) on
    first use); a click on a marker or cluster is handled in the browser (``dash_clientside.set_props``
    of ``ids.SELECTED_OFFER`` / ``ids.MAP_GROUP``), so no click travels to the server.
    """
    serve_maplibre(app.server)
    serve_points(app.server, snapshot_of)
    app.clientside_callback(
        ClientsideFunction(namespace="stadtkarte", function_name="updateMap"),
        Output(ids.MAP, "data-markers"),
        Input(ids.VIEW_STORE, "data"),
        Input(ids.MAP_POINTS, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="stadtkarte", function_name="showSelected"),
        Output(ids.MAP_HIGHLIGHT, "title"),
        Input(ids.SELECTED_OFFER, "data"),
        Input(ids.MAP_POINTS, "data"),
    )
