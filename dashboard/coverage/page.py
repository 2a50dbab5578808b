"""The coverage page ("/coverage"): where offers are missing, by district, against residents.

Shares the URL filters with the map page (``?category=..&language=..``) and adds
``metric`` (per_1000 | within_500 | within_1000 | e2sfca), ``district_focus``,
``mode=workshop`` and ``compare=a,b``. The layout is rendered server-side for the URL
from the current snapshot; afterwards the thin callbacks in
:mod:`dashboard.coverage.callbacks` update it. Registered by the thin page module
``dashboard/pages/coverage.py`` (Dash Pages looks for pages there).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.filter_panel import filter_panel, filter_toggle_button
from dashboard.components.notices import notices_block
from dashboard.coverage import view
from dashboard.coverage.board_gaps import board_gaps_section
from dashboard.coverage.compute import page_data, page_params
from dashboard.coverage.context import coverage_context
from dashboard.filters import FilterState, parse_query, to_query
from dashboard.i18n import Translator, translator
from dashboard.layout import frame
from dashboard.snapshot import current_snapshot

PATH = "/coverage"
TITLE = "Abdeckung – Stadtkarte Integration"
NAME = "Abdeckung"


def layout(**query: Any) -> html.Div:
    """The coverage page for URL parameters ``query`` (one snapshot for the whole page)."""
    snapshot = current_snapshot()
    dataset = snapshot.dataset
    state, notices = parse_query(query, dataset)
    _ = translator(state.lang)
    ctx = coverage_context(snapshot)
    if ctx is None:
        return frame(dataset, state, _, no_districts(state, _), notices_block(dataset, notices, _), path=PATH)
    params = page_params(query, ctx.district_ids)
    data = page_data(ctx, state, params)
    workshop = params.mode == "workshop"
    figs = view.page_figures(ctx, data, state, params)
    heat_fig, heat_table = view.heat_part(ctx, state, data.mask, workshop=workshop)
    curve_fig, curve_table = view.curve_part(ctx, state, data.mask, workshop=workshop)
    name = data.filename
    lang = state.lang
    metric_table = view.metric_table_html(data.table, params.metric, data.focus, ctx.method, _, lang)
    map_block = view.figure_block(
        _("Karte der Stadtteile"),
        ids.COV_CHOROPLETH,
        figs["choropleth"],
        name + "-karte",
        metric_table,
        ctx.method,
        _,
        table_id=ids.COV_TABLES,
        lang=lang,
        responsive=workshop,
    )
    bars_block = view.figure_block(
        _("Rangfolge gegen den Stadtdurchschnitt"),
        ids.COV_BARS,
        figs["bars"],
        name + "-rangfolge",
        html.P(_("Dieselben Zahlen wie in der Tabelle zur Karte.")),
        ctx.method,
        _,
        lang=lang,
        table_open=not workshop,
    )
    focus_panel = html.Section(
        [
            html.H2(_("Ausgewählter Stadtteil"), id="cov-focus-heading"),
            html.P(
                _("Mit den Pfeiltasten oder Bild auf/ab durch die Stadtteile blättern."),
                className="workshop-only",
            ),
            html.Div(view.focus_children(data, ctx, lang, _, params.metric), id=ids.COV_FOCUS_BODY),
        ],
        id=ids.COV_FOCUS_PANEL,
        className="cov-focus",
        tabIndex=-1,
        **{"aria-labelledby": "cov-focus-heading", "data-district": data.focus or ""},
    )
    summary = html.P(
        view.summary(data, params, ctx.method, _, lang),
        id=ids.COV_SUMMARY,
        className="cov-summary",
        role="status",
        **{"aria-live": "polite"},
    )
    downloads = html.P(
        [
            _("Export der aktuellen Auswertung:"),
            " ",
            html.A(_("Tabelle als CSV"), id=ids.COV_CSV, href=data.csv_href, download="abdeckung.csv"),
            " · ",
            _("Diagramme als PNG über das Kamerasymbol am Diagramm."),
        ],
        className="downloads",
    )
    top: list[Any]
    if workshop:  # projector: map and the focused district side by side on the first screen
        top = [
            html.Div([map_block, focus_panel], className="cov-stage"),
            summary,
            view.metric_picker(params.metric, _),
            view.workshop_filter_bar(dataset, state, _),
            downloads,
            bars_block,
        ]
    else:
        top = [
            summary,
            view.metric_picker(params.metric, _),
            downloads,
            html.Div([map_block, bars_block], className="cov-row"),
            focus_panel,
        ]
    analysis = html.Div(
        [
            html.H2(_("Abdeckung nach Stadtteil: wo fehlen Angebote?")),
            *top,
            html.Section(
                view.compare_children(data, ctx, lang, _),
                id=ids.COV_COMPARE,
                className="cov-compare",
                **{"aria-label": _("Vergleich")},
            ),
            view.figure_block(
                _("Weiße Flecken: Stadtteile und Kategorien"),
                ids.COV_HEATMAP,
                heat_fig,
                "stadtkarte-weisse-flecken",
                heat_table,
                ctx.method,
                _,
                table_id=ids.COV_HEAT_TABLE,
                lang=lang,
                table_open=not workshop,
            ),
            board_gaps_section(state.lang, _),  # the network's unanswered needs (issue 10)
            view.figure_block(
                _("Erreichbarkeit: Anteil der Einwohner nach Entfernung"),
                ids.COV_CURVE,
                curve_fig,
                "stadtkarte-entfernung",
                curve_table,
                ctx.method,
                _,
                table_id=ids.COV_CURVE_TABLE,
                lang=lang,
                table_open=not workshop,
            ),
            html.Section(
                [
                    html.H2(_("Notizen"), id="cov-notes-heading"),
                    html.Label(_("Notizen zum Workshop"), htmlFor=ids.COV_NOTES),
                    dcc.Textarea(id=ids.COV_NOTES, className="cov-notes", rows=5, value=""),
                    html.Button(
                        _("Notizen mit den Zahlen herunterladen"),
                        id=ids.COV_NOTES_DOWNLOAD,
                        type="button",
                        className="reset",
                    ),
                    dcc.Download(id=ids.COV_DOWNLOAD),
                ],
                className="cov-notes-panel",
                **{"aria-labelledby": "cov-notes-heading"},
            ),
        ],
        className="cov-analysis" + (" is-workshop" if workshop else ""),
    )
    main = [
        dcc.Store(id=ids.FILTER_STORE, data=state.to_dict()),
        dcc.Store(id=ids.QUERY_STORE, data=data.query),
        dcc.Store(id=ids.COV_METRIC, data=params.metric),
        dcc.Store(id=ids.COV_FILTERS),
        dcc.Store(id=ids.COV_FOCUS, data=data.focus),
        dcc.Store(id=ids.COV_PAGE, data={"mode": params.mode, "compare": list(params.compare)}),
        html.Div(id=ids.COV_ORDER, hidden=True, **{"data-order": " ".join(data.order)}),
        html.P(
            [
                html.A(_("Zur Karte der Angebote"), href="/" + to_query(state)),
                html.Span(
                    [" · ", html.A(_("Profil des ausgewählten Stadtteils (druckbar)"), href=data.profile_href)],
                    id=ids.COV_PROFILE_LINK,
                    hidden=not data.focus,
                ),
            ],
            className="page-nav",
        ),
        filter_toggle_button(_),
        html.Div([filter_panel(dataset, state, _), analysis], className="layout-grid cov-layout"),
    ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path=PATH)


def no_districts(state: FilterState, _: Translator) -> list[Any]:
    """What the page shows for a snapshot without districts: none to analyse, and the way back."""
    return [
        html.H2(_("Abdeckung nach Stadtteil: wo fehlen Angebote?")),
        html.P([_("Stadtteile"), ": 0"]),
        html.P(html.A(_("Zur Karte der Angebote"), href="/" + to_query(state)), className="page-nav"),
    ]
