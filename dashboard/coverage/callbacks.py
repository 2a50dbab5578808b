"""Coverage analysis in the app: the model loaded once, the page's callbacks and the CSV export.

:func:`register_coverage` (called once by :func:`dashboard.app.create_app`) builds the
:class:`~dashboard.components.coverage_view.CoverageContext`, keeps it in the Flask config,
adds ``GET /api/coverage.csv`` and registers the thin callbacks of ``/coverage``. The work
is done by the pure :func:`render` (also used by the page layout) and the functions of
:mod:`dashboard.components.coverage_view`.

``GET /api/coverage.csv?category=counselling&district=ossweil`` takes the page's query
parameters and returns one row per district (and the city, ``_city``) x metric:
``;``-separated UTF-8 with BOM (Excel), with the population method in its own column.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash
import numpy as np
from dash import Input, Output, State, dcc
from flask import Flask, Response, current_app, request

from dashboard import coverage_figures as cf
from dashboard import ids
from dashboard.components import coverage_parts as parts
from dashboard.components.coverage_view import (
    CATCHMENT,
    CSV_HEADER,
    DEFAULT_METRIC,
    METRIC_IDS,
    CoverageContext,
    build_context,
    category_counts,
    csv_rows,
    district_profile,
    focus_order,
    method_label,
    metric_label,
    metric_table,
    notes_markdown,
)
from dashboard.data import Dataset
from dashboard.filters import UI_LANGUAGES, FilterState, filter_mask, from_store, parse_query, to_query
from dashboard.i18n import translator

logger = logging.getLogger(__name__)

#: Key of the :class:`CoverageContext` in the Flask config.
COVERAGE_KEY = "STADTKARTE_COVERAGE"


@dataclass(frozen=True)
class PageParams:
    """Coverage page parameters beyond the shared filters (from the URL or the page's stores)."""

    metric: str = DEFAULT_METRIC
    focus: str | None = None
    mode: str = ""
    compare: tuple[str, ...] = ()


def page_params(query: dict[str, Any], district_ids: tuple[str, ...]) -> PageParams:
    """``metric``, ``district_focus`` (or a single ``district``), ``mode`` and ``compare`` from a query; bad values dropped."""

    def first(key: str) -> str:
        raw = query.get(key) or ""
        return str(raw[0] if isinstance(raw, list | tuple) and raw else raw).strip()

    metric = first("metric")
    focus = first("district_focus") or None
    compare = tuple(d for d in first("compare").split(",") if d in district_ids)[:2]
    return PageParams(
        metric=metric if metric in METRIC_IDS else DEFAULT_METRIC,
        focus=focus if focus in district_ids else None,
        mode="workshop" if first("mode") == "workshop" else "",
        compare=compare if len(compare) == 2 else (),
    )


def current_context() -> CoverageContext:
    """The coverage context of the app serving the current request."""
    return current_app.config[COVERAGE_KEY]


def render(ctx: CoverageContext, state: FilterState, params: PageParams, with_map: bool = True) -> dict[str, Any]:
    """Everything the page shows for one filter state and page parameters (pure).

    ``with_map=False`` leaves out the choropleth figure (callbacks patch its values only) and
    the white-spot heatmap (its own callback, :func:`render_heat`, runs on filter changes only).
    """
    _ = translator(state.lang)
    mask = filter_mask(ctx.dataset, state)
    table = metric_table(ctx, mask, params.metric)
    order = focus_order(table)
    focus = params.focus if params.focus in order else None
    label = metric_label(params.metric, _)
    method = ctx.method
    workshop = params.mode == "workshop"
    heat = render_heat(ctx, state, mask, workshop=workshop) if with_map else None
    lang = state.lang
    name = metric_label(params.metric, translator("de")).split(" (")[0].lower().replace(" ", "-").replace(".", "")
    figures = {
        "choropleth": cf.choropleth(
            ctx.dataset.districts, table, "value", label, ctx.dataset.city.get("outline"), focus=focus
        )
        if with_map
        else None,
        "bars": cf.ranked_bars(table, "value", label, _("Stadtdurchschnitt"), focus=focus),
        "heatmap": heat[0] if heat else None,
    }
    if workshop:  # readable from the back of the room
        figures["bars"] = cf.for_workshop(figures["bars"])
        if figures["choropleth"] is not None:
            figures["choropleth"].update_layout(font={"size": cf.WORKSHOP_FONT_SIZE}, height=560)
    focus_children: list[Any] = (
        [dash.html.Div(parts.profile_block(district_profile(ctx, mask, focus), ctx, lang, _, level=3))]
        if focus
        else [dash.html.P(_("Kein Stadtteil ausgewählt. Wählen Sie einen Stadtteil in Karte, Diagramm oder Tabelle."))]
    )
    compare_children: list[Any] = []
    if len(params.compare) == 2:
        compare_children = [
            dash.html.H2(_("Vergleich")),
            dash.html.Div(
                [
                    dash.html.Div(
                        parts.profile_block(district_profile(ctx, mask, d), ctx, lang, _, level=3),
                        className="compare-col",
                    )
                    for d in params.compare
                ],
                className="compare-grid",
            ),
        ]
    query = parts.page_query(state, params.metric, focus, params.mode, params.compare)
    return {
        "table": table,
        "order": order,
        "focus": focus,
        "figures": figures,
        "filename": f"stadtkarte-{name}",
        "summary": [
            _("Gezeigt:"),
            " ",
            dash.html.Strong(label),
            " · ",
            _("Einwohner:"),
            " ",
            dash.html.Strong(method_label(method, _)),
            " · ",
            _("{n} Angebote in der Auswahl", n=int(mask.sum())),
        ],
        "metric_table": parts.metric_table_html(table, params.metric, focus, method, _),
        "heat_table": heat[1] if heat else None,
        "focus_panel": focus_children,
        "compare": compare_children,
        "query": query,
        "csv_href": "/api/coverage.csv" + parts.page_query(state, DEFAULT_METRIC),
        "profile_href": profile_href(state, focus),
    }


def profile_href(state: FilterState, district_id: str | None) -> str:
    """Link to the printable profile of ``district_id`` with the current filters."""
    query = to_query(state)
    return f"/profile{query}{'&' if query else '?'}district={district_id or ''}"


def render_heat(
    ctx: CoverageContext, state: FilterState, mask: np.ndarray | None = None, workshop: bool = False
) -> tuple[Any, Any]:
    """The district x category heatmap (white spots marked "–") and its table (pure)."""
    _ = translator(state.lang)
    mask = filter_mask(ctx.dataset, state) if mask is None else mask
    counts = category_counts(ctx, mask)
    figure = cf.heatmap(
        counts, lambda c: ctx.dataset.taxonomy.categories.label(c, state.lang), _("– = kein Angebot (weißer Fleck)")
    )
    return (cf.for_workshop(figure) if workshop else figure), parts.heat_table_html(counts, ctx, state.lang, _)


def render_curve(ctx: CoverageContext, state: FilterState, workshop: bool = False) -> tuple[Any, Any]:
    """The distance-coverage curve and its table for one filter state (pure)."""
    _ = translator(state.lang)
    curve = ctx.model.curve(filter_mask(ctx.dataset, state))
    figure = cf.distance_curve_figure(curve, _("Entfernung (Luftlinie, m)"), _("Anteil Einwohner (%)"), (500.0, 1000.0))
    return (cf.for_workshop(figure) if workshop else figure), parts.curve_table_html(curve, ctx.method, _)


def csv_text(ctx: CoverageContext, query: dict[str, list[str]]) -> str:
    """``/api/coverage.csv`` body for the page's query parameters (BOM + ``;``-CSV)."""
    state, _notices = parse_query(query, ctx.dataset)
    mask = filter_mask(ctx.dataset, state)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(ctx, mask))
    return "\ufeff" + out.getvalue()


def _is_workshop(page: Any) -> bool:
    return isinstance(page, dict) and page.get("mode") == "workshop"


def _state(ctx: CoverageContext, filter_data: Any, q: Any, ui: Any) -> FilterState:
    lang = (ui or {}).get("lang") or "de"
    return from_store({**(filter_data or {}), "q": q or "", "lang": lang}, ctx.dataset, lang)


def _params(ctx: CoverageContext, metric: Any, focus: Any, page: Any) -> PageParams:
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
    state = _state(ctx, filter_data, q, ui)
    params = _params(ctx, metric, focus, page)
    out = render(ctx, state, params, with_map=False)
    links = [
        "/coverage"
        + parts.page_query(
            FilterState(**{**state.__dict__, "lang": code}), params.metric, out["focus"], params.mode, params.compare
        )
        for code in UI_LANGUAGES
    ]
    figs = out["figures"]
    return [
        choropleth_patch(out["table"], metric_label(params.metric, translator(state.lang)), out["focus"]),
        figs["bars"],
        out["metric_table"],
        out["focus_panel"],
        out["focus"] or "",
        " ".join(out["order"]),
        out["compare"],
        out["summary"],
        out["query"],
        out["csv_href"],
        cf.graph_config(out["filename"] + "-karte"),
        cf.graph_config(out["filename"] + "-rangfolge"),
        not out["focus"],
        [
            " · ",
            dash.html.A(
                translator(state.lang)("Profil des ausgewählten Stadtteils (druckbar)"), href=out["profile_href"]
            ),
        ],
        *links,
    ]


def choropleth_patch(table: Any, label: str, focus: str | None) -> dash.Patch:
    """Only the choropleth's values, labels and focus outline: the geometry stays in the browser."""
    patch = dash.Patch()
    for key, value in cf.choropleth_values(table, "value", label, focus).items():
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


def _register_filter_part(
    app: dash.Dash, ctx: CoverageContext, figure_id: str, table_id: str, render_part: Callable[..., tuple[Any, Any]]
) -> None:
    """A chart and its table that depend on the filters only (not on metric or focus)."""

    @app.callback(
        Output(figure_id, "figure"),
        Output(table_id, "children"),
        Input(ids.COV_FILTERS, "data"),
        State(ids.FILTER_STORE, "data"),
        State(ids.SEARCH, "value"),
        State(ids.COV_PAGE, "data"),
        State(ids.UI_LANG, "data"),
        prevent_initial_call=True,
    )
    def _on_filters(_mirror: Any, filter_data: Any, q: Any, page: Any, ui: Any) -> tuple[Any, Any]:
        return render_part(ctx, _state(ctx, filter_data, q, ui), workshop=_is_workshop(page))


def register_coverage(app: dash.Dash, dataset: Dataset, data_dir: Path | str | None = None) -> CoverageContext | None:
    """Build the coverage context once and add the CSV route and the page's callbacks to ``app``."""
    try:
        ctx = build_context(dataset, Path(data_dir) if data_dir else None)
    except ValueError as exc:
        logger.warning("coverage analysis not available: %s", exc)
        return None
    app.server.config[COVERAGE_KEY] = ctx
    register_coverage_api(app.server, ctx)
    # precompute the filter-independent search structures without delaying the start
    threading.Thread(target=ctx.model.warm, args=((CATCHMENT,),), name="coverage-warm", daemon=True).start()

    # The filter store and search box exist on the map page too, the metric and focus stores
    # only here: a callback mixing them would fail there ("nonexistent object used in an Input").
    # So the filters reach the page callback through a store of this page only.
    app.clientside_callback(
        "function (filters, q) { return {filters: filters, q: q}; }",
        Output(ids.COV_FILTERS, "data"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )

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
        return update_page(ctx, filter_data, q, metric, focus, page, ui)

    for figure_id, table_id, render_part in (
        (ids.COV_HEATMAP, ids.COV_HEAT_TABLE, render_heat),
        (ids.COV_CURVE, ids.COV_CURVE_TABLE, render_curve),
    ):
        _register_filter_part(app, ctx, figure_id, table_id, render_part)

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
        prevent_initial_call=True,
    )
    def _on_notes(_clicks: Any, notes: Any, filter_data: Any, q: Any, metric: Any, ui: Any) -> Any:
        state = _state(ctx, filter_data, q, ui)
        params = _params(ctx, metric, None, None)
        return dcc.send_string(notes_document(ctx, state, params, str(notes or "")), "workshop-notizen.md")

    return ctx


def notes_document(ctx: CoverageContext, state: FilterState, params: PageParams, notes: str) -> str:
    """The notes plus the current figures (Markdown) for the download."""
    _ = translator(state.lang)
    table = metric_table(ctx, filter_mask(ctx.dataset, state), params.metric)
    city = ctx.dataset.city.get("name") or ""
    title = _("Workshop-Notizen") + (f" – {city}" if city else "")
    return notes_markdown(notes, title, parts.page_query(state, params.metric)[1:], params.metric, table, ctx.method, _)


def register_coverage_api(server: Flask, ctx: CoverageContext) -> None:
    """Add ``GET /api/coverage.csv`` to the Flask ``server``."""

    @server.get("/api/coverage.csv")
    def coverage_csv() -> Response:
        body = csv_text(ctx, request.args.to_dict(flat=False))
        return Response(
            body.encode("utf-8"),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="abdeckung.csv"', "Cache-Control": "no-store"},
        )


def mask_of(ctx: CoverageContext, query: dict[str, Any]) -> np.ndarray:
    """The offers mask for a page query (tests and the bench)."""
    state, _notices = parse_query(query, ctx.dataset)
    return filter_mask(ctx.dataset, state)
