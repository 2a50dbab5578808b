"""The coverage page's thin callbacks and :func:`register_coverage`.

:func:`register_coverage` (called once by :func:`dashboard.app.create_app`) adds the
``/api/coverage.csv`` route and the callbacks of ``/coverage``. No callback closes over
data: each one asks for the current snapshot and its coverage context
(:func:`~dashboard.coverage.context.coverage_context`, cached per snapshot), and the
work is done by the pure functions of :mod:`dashboard.coverage.compute` and
:mod:`dashboard.coverage.view`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import ids
from dashboard.coverage import figures as cf
from dashboard.coverage import view
from dashboard.coverage.api import register_coverage_api
from dashboard.coverage.compute import (
    CoverageContext,
    PageParams,
    district_profile,
    metric_label,
    metric_table,
    notes_markdown,
    page_data,
    page_params,
    page_query,
)
from dashboard.coverage.context import coverage_context
from dashboard.filters import UI_LANGUAGES, FilterState, filter_mask, from_store
from dashboard.i18n import translator
from dashboard.layout import mirror_filters
from dashboard.snapshot import current_snapshot

logger = logging.getLogger(__name__)


def store_state(ctx: CoverageContext, filter_data: Any, q: Any, ui: Any) -> FilterState:
    """The filter state from the page's filter store, search box and UI language store."""
    lang = (ui or {}).get("lang") or "de"
    return from_store({**(filter_data or {}), "q": q or "", "lang": lang}, ctx.dataset, lang)


def store_params(ctx: CoverageContext, metric: Any, focus: Any, page: Any) -> PageParams:
    """Page parameters from the metric, focus and page stores (bad values dropped)."""
    page = page or {}
    return page_params(
        {
            "metric": metric or "",
            "district_focus": focus or "",
            "mode": page.get("mode") or "",
            "compare": ",".join(page.get("compare") or []),
        },
        ctx.district_ids,
    )


def is_workshop(page: Any) -> bool:
    return isinstance(page, dict) and page.get("mode") == "workshop"


PAGE_OUTPUTS = [
    Output(ids.COV_CHOROPLETH, "figure"),
    Output(ids.COV_BARS, "figure"),
    Output(ids.COV_TABLES, "children"),
    Output(ids.COV_FOCUS_BODY, "children"),
    Output(ids.COV_FOCUS_PANEL, "data-district"),
    Output(ids.COV_ORDER, "data-order"),
    Output(ids.COV_COMPARE, "children"),
    Output(ids.COV_SUMMARY, "children"),
    Output(ids.QUERY_STORE, "data"),
    Output(ids.COV_CSV, "href"),
    Output(ids.COV_CHOROPLETH, "config"),
    Output(ids.COV_BARS, "config"),
    Output(ids.COV_PROFILE_LINK, "hidden"),
    Output(ids.COV_PROFILE_LINK, "children"),
    *[Output(ids.lang_link(code), "href") for code in UI_LANGUAGES],
]


def update_page(
    ctx: CoverageContext, filter_data: Any, q: Any, metric: Any, focus: Any, page: Any, ui: Any
) -> list[Any]:
    """Values of :data:`PAGE_OUTPUTS` (the thin callback's work)."""
    state = store_state(ctx, filter_data, q, ui)
    params = store_params(ctx, metric, focus, page)
    _ = translator(state.lang)
    data = page_data(ctx, state, params)
    figs = view.page_figures(ctx, data, state, params, with_map=False)
    links = [
        "/coverage"
        + page_query(
            FilterState(**{**state.__dict__, "lang": code}), params.metric, data.focus, params.mode, params.compare
        )
        for code in UI_LANGUAGES
    ]
    lang = state.lang
    return [
        choropleth_patch(data.table, metric_label(params.metric, _), data.focus, lang),
        figs["bars"],
        view.metric_table_html(data.table, params.metric, data.focus, ctx.method, _, lang),
        view.focus_children(data, ctx, lang, _, params.metric),
        data.focus or "",
        " ".join(data.order),
        view.compare_children(data, ctx, lang, _),
        view.summary(data, params, ctx.method, _, lang),
        data.query,
        data.csv_href,
        cf.graph_config(data.filename + "-karte", lang),
        cf.graph_config(data.filename + "-rangfolge", lang),
        not data.focus,
        [" · ", html.A(_("Profil des ausgewählten Stadtteils (druckbar)"), href=data.profile_href)],
        *links,
    ]


def choropleth_patch(table: Any, label: str, focus: str | None, lang: str = "de") -> dash.Patch:
    """Only the choropleth's values, labels and focus outline: the geometry stays in the browser."""
    patch = dash.Patch()
    for key, value in cf.choropleth_values(table, "value", label, focus, lang).items():
        target = patch["data"][0]
        *path, last = key.split("_")
        for part in path:
            target = target[part]
        target[last] = value
    return patch


def focus_from_click(click: Any) -> str | None:
    """District id from a choropleth/bar ``clickData`` (its ``customdata`` or ``location``)."""
    points = (click or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    value = point.get("customdata") or point.get("location")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else None


def notes_document(ctx: CoverageContext, state: FilterState, params: PageParams, notes: str) -> str:
    """The notes plus the current figures (Markdown) for the download."""
    _ = translator(state.lang)
    mask = filter_mask(ctx.dataset, state)
    table = metric_table(ctx, mask, params.metric)
    city = ctx.dataset.city.get("name") or ""
    title = _("Workshop-Notizen") + (f" – {city}" if city else "")
    focus = district_profile(ctx, mask, params.focus) if params.focus else None
    query = page_query(state, params.metric, params.focus)[1:]
    return notes_markdown(notes, title, query, params.metric, table, ctx.method, _, focus, state.lang)


def filter_part(part: Callable[..., tuple[Any, Any]], filter_data: Any, q: Any, page: Any, ui: Any) -> tuple[Any, Any]:
    """A chart and its table that depend on the filters only, for the current snapshot."""
    ctx = current_context()
    state = store_state(ctx, filter_data, q, ui)
    return part(ctx, state, filter_mask(ctx.dataset, state), workshop=is_workshop(page))


def current_context() -> CoverageContext:
    """The coverage context of the current snapshot (the page is only reachable when it has one)."""
    ctx = coverage_context(current_snapshot())
    if ctx is None:
        raise dash.exceptions.PreventUpdate  # no districts: the page shows no figures to update
    return ctx


def register_coverage(app: dash.Dash) -> None:
    """Add the CSV route and the coverage page's callbacks to ``app`` (no data captured)."""
    register_coverage_api(app.server)

    mirror_filters(app, ids.COV_FILTERS)  # the metric and focus stores exist only here (see mirror_filters)

    @app.callback(
        *PAGE_OUTPUTS,
        Input(ids.COV_FILTERS, "data"),
        Input(ids.COV_METRIC, "data"),
        Input(ids.COV_FOCUS, "data"),
        State(ids.FILTER_STORE, "data"),
        State(ids.SEARCH, "value"),
        State(ids.COV_PAGE, "data"),
        State(ids.UI_LANG, "data"),
        prevent_initial_call=True,
    )
    def _on_coverage(_mirror: Any, metric: Any, focus: Any, filter_data: Any, q: Any, page: Any, ui: Any) -> list[Any]:
        return update_page(current_context(), filter_data, q, metric, focus, page, ui)

    for figure_id, table_id, part in (
        (ids.COV_HEATMAP, ids.COV_HEAT_TABLE, view.heat_part),
        (ids.COV_CURVE, ids.COV_CURVE_TABLE, view.curve_part),
    ):
        app.callback(
            Output(figure_id, "figure"),
            Output(table_id, "children"),
            Input(ids.COV_FILTERS, "data"),
            State(ids.FILTER_STORE, "data"),
            State(ids.SEARCH, "value"),
            State(ids.COV_PAGE, "data"),
            State(ids.UI_LANG, "data"),
            prevent_initial_call=True,
        )(lambda _mirror, filter_data, q, page, ui, part=part: filter_part(part, filter_data, q, page, ui))

    @app.callback(
        Output(ids.COV_FOCUS, "data"),
        Input(ids.COV_CHOROPLETH, "clickData"),
        Input(ids.COV_BARS, "clickData"),
        prevent_initial_call=True,
    )
    def _on_click(map_click: Any, bar_click: Any) -> Any:
        click = map_click if dash.ctx.triggered_id == ids.COV_CHOROPLETH else bar_click
        return focus_from_click(click) or dash.no_update

    @app.callback(
        Output(ids.COV_DOWNLOAD, "data"),
        Input(ids.COV_NOTES_DOWNLOAD, "n_clicks"),
        State(ids.COV_NOTES, "value"),
        State(ids.FILTER_STORE, "data"),
        State(ids.SEARCH, "value"),
        State(ids.COV_METRIC, "data"),
        State(ids.UI_LANG, "data"),
        State(ids.COV_FOCUS, "data"),
        prevent_initial_call=True,
    )
    def _on_notes(_clicks: Any, notes: Any, filter_data: Any, q: Any, metric: Any, ui: Any, focus: Any) -> Any:
        ctx = current_context()
        state = store_state(ctx, filter_data, q, ui)
        params = store_params(ctx, metric, focus, None)
        return dcc.send_string(notes_document(ctx, state, params, str(notes or "")), "workshop-notizen.md")
