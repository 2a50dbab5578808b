"""The coverage page ("/coverage"): where offers are missing, by district, against residents.

Shares the URL filters with the map page (``?category=..&language=..``) and adds
``metric`` (per_1000 | within_500 | within_1000 | e2sfca), ``district_focus``,
``mode=workshop`` and ``compare=a,b``. The layout is rendered server-side for the URL;
afterwards the thin callbacks in :mod:`dashboard.coverage_api` update it.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components import coverage_parts as parts
from dashboard.components.filter_panel import filter_panel, filter_toggle_button
from dashboard.components.notices import notices_block
from dashboard.coverage_api import current_context, page_params, render, render_curve
from dashboard.data import current_dataset
from dashboard.filters import parse_query, to_query
from dashboard.i18n import translator
from dashboard.layout import frame

dash.register_page(__name__, path="/coverage", title="Abdeckung – Stadtkarte Integration", name="Abdeckung")


def layout(**query: Any) -> html.Div:
    """The coverage page for URL parameters ``query``."""
    dataset = current_dataset()
    state, notices = parse_query(query, dataset)
    _ = translator(state.lang)
    ctx = current_context()
    params = page_params(query, ctx.district_ids)
    out = render(ctx, state, params)
    curve_fig, curve_table = render_curve(ctx, state, workshop=params.mode == "workshop")
    figs = out["figures"]
    name = out["filename"]
    analysis = html.Div(
        [
            html.H2(_("Abdeckung nach Stadtteil: wo fehlen Angebote?")),
            html.P(
                out["summary"], id=ids.COV_SUMMARY, className="cov-summary", role="status", **{"aria-live": "polite"}
            ),
            parts.metric_picker(params.metric, _),
            html.P(
                [
                    _("Export der aktuellen Auswertung:"),
                    " ",
                    html.A(_("Tabelle als CSV"), id=ids.COV_CSV, href=out["csv_href"], download="abdeckung.csv"),
                    " · ",
                    _("Diagramme als PNG über das Kamerasymbol am Diagramm."),
                ],
                className="downloads",
            ),
            html.Div(
                [
                    parts.figure_block(
                        _("Karte der Stadtteile"),
                        ids.COV_CHOROPLETH,
                        figs["choropleth"],
                        name + "-karte",
                        out["metric_table"],
                        ctx.method,
                        _,
                        table_id=ids.COV_TABLES,
                    ),
                    parts.figure_block(
                        _("Rangfolge gegen den Stadtdurchschnitt"),
                        ids.COV_BARS,
                        figs["bars"],
                        name + "-rangfolge",
                        html.P(_("Dieselben Zahlen wie in der Tabelle zur Karte.")),
                        ctx.method,
                        _,
                    ),
                ],
                className="cov-row",
            ),
            html.Section(
                [
                    html.H2(_("Ausgewählter Stadtteil"), id="cov-focus-heading"),
                    html.P(
                        _("Mit den Pfeiltasten oder Bild auf/ab durch die Stadtteile blättern."),
                        className="workshop-only",
                    ),
                    html.Div(out["focus_panel"], id=ids.COV_FOCUS_BODY),
                ],
                id=ids.COV_FOCUS_PANEL,
                className="cov-focus",
                tabIndex=-1,
                **{"aria-labelledby": "cov-focus-heading", "data-district": out["focus"] or ""},
            ),
            html.Section(out["compare"], id=ids.COV_COMPARE, className="cov-compare", **{"aria-label": _("Vergleich")}),
            parts.figure_block(
                _("Weiße Flecken: Stadtteile und Kategorien"),
                ids.COV_HEATMAP,
                figs["heatmap"],
                "stadtkarte-weisse-flecken",
                out["heat_table"],
                ctx.method,
                _,
                table_id=ids.COV_HEAT_TABLE,
            ),
            parts.figure_block(
                _("Erreichbarkeit: Anteil der Einwohner nach Entfernung"),
                ids.COV_CURVE,
                curve_fig,
                "stadtkarte-entfernung",
                curve_table,
                ctx.method,
                _,
                table_id=ids.COV_CURVE_TABLE,
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
        className="cov-analysis",
    )
    main = [
        dcc.Store(id=ids.FILTER_STORE, data=state.to_dict()),
        dcc.Store(id=ids.QUERY_STORE, data=out["query"]),
        dcc.Store(id=ids.COV_METRIC, data=params.metric),
        dcc.Store(id=ids.COV_FILTERS),
        dcc.Store(id=ids.COV_FOCUS, data=out["focus"]),
        dcc.Store(id=ids.COV_PAGE, data={"mode": params.mode, "compare": list(params.compare)}),
        html.Div(id=ids.COV_ORDER, hidden=True, **{"data-order": " ".join(out["order"])}),
        html.P(
            [
                html.A(_("Zur Karte der Angebote"), href="/" + to_query(state)),
                html.Span(
                    [" · ", html.A(_("Profil des ausgewählten Stadtteils (druckbar)"), href=out["profile_href"])],
                    id=ids.COV_PROFILE_LINK,
                    hidden=not out["focus"],
                ),
            ],
            className="page-nav",
        ),
        filter_toggle_button(_),
        html.Div([filter_panel(dataset, state, _), analysis], className="layout-grid cov-layout"),
    ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path="/coverage")
