"""Thin Dash callbacks of the main page: browser state in, rendered view out.

The work is done by the pure functions in :mod:`dashboard.view`; the callbacks
only translate between stores/props and :class:`~dashboard.filters.FilterState`.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State

from dashboard import ids
from dashboard.components.detail import detail_panel
from dashboard.data import Dataset
from dashboard.filters import UI_LANGUAGES, from_store
from dashboard.i18n import translator
from dashboard.layout import lang_href
from dashboard.view import ListSettings, api_href, compute_view, list_children, list_status

VIEW_OUTPUTS = [
    Output(ids.RESULT_COUNT, "children"),
    Output(ids.OFFER_LIST, "children"),
    Output("list-status", "children"),
    Output(ids.MORE, "hidden"),
    Output(ids.VIEW_STORE, "data"),
    Output(ids.QUERY_STORE, "data"),
    Output(ids.DOWNLOAD_GEOJSON, "href"),
    Output(ids.DOWNLOAD_CSV, "href"),
    *[Output(ids.lang_link(code), "href") for code in UI_LANGUAGES],
]


def update_view(
    dataset: Dataset,
    filter_data: dict[str, Any] | None,
    q: str | None,
    list_data: dict[str, Any] | None,
    ui: dict[str, Any] | None,
    list_only: bool = False,
) -> list[Any]:
    """Values for :data:`VIEW_OUTPUTS`; with ``list_only`` the view store etc. are left unchanged."""
    lang = (ui or {}).get("lang") or "de"
    state = from_store({**(filter_data or {}), "q": q or "", "lang": lang}, dataset, lang)
    settings = ListSettings.from_store(list_data)
    view = compute_view(dataset, state, settings)
    _ = translator(state.lang)
    rendered = [
        str(view.count),
        list_children(dataset, view, settings, _),
        list_status(view, settings, _),
        view.count <= settings.limit,
    ]
    if list_only:
        return rendered + [dash.no_update] * (len(VIEW_OUTPUTS) - len(rendered))
    links = [lang_href(state, code) for code in UI_LANGUAGES]
    return [*rendered, view.store(), view.query, api_href(view, "geojson"), api_href(view, "csv"), *links]


def register_callbacks(app: dash.Dash, dataset: Dataset) -> None:
    """Register the main page's callbacks on ``app`` for the read-only ``dataset``."""

    @app.callback(
        *VIEW_OUTPUTS,
        Input(ids.FILTER_STORE, "data"),
        Input(ids.SEARCH, "value"),
        Input(ids.LIST_STORE, "data"),
        State(ids.UI_LANG, "data"),
        prevent_initial_call=True,
    )
    def _on_filter(filter_data: Any, q: Any, list_data: Any, ui: Any) -> list[Any]:
        list_only = dash.ctx.triggered_id == ids.LIST_STORE
        return update_view(dataset, filter_data, q, list_data, ui, list_only=list_only)

    @app.callback(
        Output(ids.DETAIL, "children"),
        Input(ids.SELECTED_OFFER, "data"),
        State(ids.UI_LANG, "data"),
        prevent_initial_call=True,
    )
    def _on_select(offer_id: Any, ui: Any) -> list[Any]:
        lang = (ui or {}).get("lang") or "de"
        row = dataset.index_of(str(offer_id)) if offer_id else None
        return detail_panel(dataset, row, translator(lang), lang)

    app.clientside_callback(
        ClientsideFunction("stadtkarte", "syncUrl"),
        Output(ids.URL_SYNC, "title"),
        Input(ids.QUERY_STORE, "data"),
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
