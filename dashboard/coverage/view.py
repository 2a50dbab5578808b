"""Markup of the coverage page, the district profile and the workshop view (from computed data).

Every chart is paired with an accessible table holding the same numbers (``caption``,
``th scope``), and the population method is stated next to every figure. District
names in the tables are buttons (``data-district``) that focus the district everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from dash import dcc, html

from analysis import CITY
from dashboard import ids
from dashboard.components.filter_panel import chip
from dashboard.coverage import figures as cf
from dashboard.coverage import sketch
from dashboard.coverage.compute import (
    METRICS,
    CoverageContext,
    DistrictProfile,
    PageData,
    PageParams,
    category_counts,
    method_label,
    metric_label,
    ranked,
)
from dashboard.filters import FilterState
from dashboard.i18n import Translator, translator
from geodata.languages import native_name


def method_note(method: str, _: Translator) -> html.P:
    """'Einwohner: <method>' shown next to a figure, with the rule for approximate locations."""
    return html.P(
        [_("Einwohner:"), " ", html.Strong(method_label(method, _)), " ", _(APPROXIMATE_RULE)],
        className="method-note",
    )


#: How the figures treat offers at approximate locations (msgid; README "Coverage analysis").
APPROXIMATE_RULE = (
    "Angebote mit ungefährer Lage zählen in dem Stadtteil, den die Liste nennt; lässt die Lage den "
    "Stadtteil offen, zählen sie nur in der Stadtsumme. Entfernungen und Erreichbarkeitsindex nutzen "
    "die veröffentlichten Punkte."
)


def offers_text(offers: int, approximate: int, _: Translator) -> str:
    """``offers`` as a figure, followed by 'davon N mit ungefährer Lage' when any are approximate."""
    if approximate <= 0:
        return str(int(offers))
    return f"{int(offers)} ({_('davon {n} mit ungefährer Lage', n=int(approximate))})"


def metric_picker(metric: str, _: Translator) -> html.Fieldset:
    """Single choice of the shown metric: toggle buttons (``aria-pressed``) in a fieldset."""
    return html.Fieldset(
        [
            html.Legend(_("Kennzahl")),
            html.Div(
                [chip(_(label), key == metric, **{"data-cov-metric": key}) for key, label, _unit in METRICS],
                className="chips",
            ),
        ],
        id=ids.COV_METRIC_PICKER,
        className="filter cov-metric-picker",
    )


def fmt_value(value: float, digits: int = 1) -> str:
    """A figure for tables ("–" when unknown)."""
    return cf.fmt(float(value), digits) if value is not None and np.isfinite(value) else "–"


def district_button(district_id: str, name: str, focus: str | None) -> html.Button:
    """A district name that focuses the district everywhere when activated."""
    is_focus = district_id == focus
    return html.Button(
        [html.Span("▶ ", **{"aria-hidden": "true"}) if is_focus else None, name],
        type="button",
        className="district-link" + (" is-focus" if is_focus else ""),
        **{"data-district": district_id, "aria-pressed": "true" if is_focus else "false"},
    )


def metric_table_html(table: pd.DataFrame, metric: str, focus: str | None, method: str, _: Translator) -> html.Table:
    """The ranked districts with value, offers and residents: the table of the choropleth and the bars."""
    label = metric_label(metric, _)
    rows = ranked(table)
    city = table.loc[table["district_id"] == CITY]
    body = [
        html.Tr(
            [
                html.Td("–" if pd.isna(r.rank) else str(int(r.rank))),
                html.Th(district_button(r.district_id, r.district_name, focus), scope="row"),
                html.Td(fmt_value(r.value)),
                html.Td(offers_text(r.offers, r.approximate, _)),
                html.Td(fmt_value(r.residents, 0)),
            ],
            className="is-focus" if r.district_id == focus else None,
        )
        for r in rows.itertuples(index=False)
    ]
    if len(city):
        c = city.iloc[0]
        body.append(
            html.Tr(
                [
                    html.Td(""),
                    html.Th(_("Stadtdurchschnitt"), scope="row"),
                    html.Td(fmt_value(c["value"])),
                    html.Td(offers_text(c["offers"], c["approximate"], _)),
                    html.Td(fmt_value(c["residents"], 0)),
                ],
                className="city-row",
            )
        )
    return html.Table(
        [
            html.Caption(f"{label} – {_('Einwohner:')} {method_label(method, _)}"),
            html.Thead(
                html.Tr(
                    [
                        html.Th(_("Rang"), scope="col"),
                        html.Th(_("Stadtteil"), scope="col"),
                        html.Th(label, scope="col"),
                        html.Th(_("Angebote"), scope="col"),
                        html.Th(_("Einwohner"), scope="col"),
                    ]
                )
            ),
            html.Tbody(body),
        ],
        className="figures-table",
    )


def heat_table_html(counts: pd.DataFrame, ctx: CoverageContext, lang: str, _: Translator) -> html.Table:
    """District x category counts; white spots show "–", explained in the caption ("– = kein Angebot")."""
    tax = ctx.dataset.taxonomy
    _names, groups, matrix = cf.count_grid(counts)
    district_names = list(dict.fromkeys(counts["district_name"]))

    def cell(n: int) -> html.Td:
        # one component per cell (100 districts x 12 categories stay fast); the caption says "– = kein Angebot"
        return html.Td(str(n)) if n else html.Td(cf.WHITE_SPOT, className="white-spot")

    return html.Table(
        [
            html.Caption(_("Angebote je Stadtteil und Kategorie; – = kein Angebot (weißer Fleck)")),
            html.Thead(
                html.Tr(
                    [html.Th(_("Stadtteil"), scope="col")]
                    + [html.Th(tax.categories.label(g, lang), scope="col") for g in groups]
                )
            ),
            html.Tbody(
                [
                    html.Tr([html.Th(name, scope="row")] + [cell(int(n)) for n in row])
                    for name, row in zip(district_names, matrix, strict=True)
                ]
            ),
        ],
        className="figures-table heat-table",
    )


def curve_table_html(curve: pd.DataFrame, method: str, _: Translator) -> html.Table:
    """Share of residents within each distance (every 500 m shown)."""
    rows = curve.loc[(curve["distance_m"] % 500 == 0)]
    return html.Table(
        [
            html.Caption(
                f"{_('Anteil der Einwohner mit einem Angebot in dieser Entfernung')} – {_('Einwohner:')} {method_label(method, _)}"
            ),
            html.Thead(
                html.Tr(
                    [html.Th(_("Entfernung (Luftlinie)"), scope="col"), html.Th(_("Anteil Einwohner"), scope="col")]
                )
            ),
            html.Tbody(
                [
                    html.Tr([html.Th(f"{int(d)} m", scope="row"), html.Td(f"{fmt_value(s * 100)} %")])
                    for d, s in zip(rows["distance_m"], rows["share"], strict=True)
                ]
            ),
        ],
        className="figures-table",
    )


def figure_block(
    title: str, graph_id: str, figure: Any, filename: str, table: Any, method: str, _: Translator, table_id: str = ""
) -> html.Section:
    """A chart with its heading, the population method and the same data as a table."""
    heading_id = f"{graph_id}-heading"
    return html.Section(
        [
            html.H2(title, id=heading_id),
            method_note(method, _),
            dcc.Graph(
                id=graph_id,
                figure=figure,
                config=cf.graph_config(filename),
                className="cov-graph",
            ),
            html.Details(
                [
                    html.Summary(_("Daten als Tabelle")),
                    html.Div(
                        table,
                        className="table-scroll",
                        tabIndex=0,  # wide tables scroll: reachable by keyboard
                        role="region",
                        **{"aria-label": title},
                        **({"id": table_id} if table_id else {}),
                    ),
                ],
                open=True,
                className="figure-data",
            ),
        ],
        className="cov-figure",
        **{"aria-labelledby": heading_id},
    )


def count_list(items: Sequence[tuple[str, int]], label: Any, empty: str) -> html.Ul | html.P:
    """A list 'label: n' (or a sentence when empty)."""
    if not items:
        return html.P(empty)
    return html.Ul([html.Li([label(k), ": ", str(n)]) for k, n in items])


def profile_block(
    profile: DistrictProfile, ctx: CoverageContext, lang: str, _: Translator, level: int = 2
) -> list[Any]:
    """One district's figures (for the profile page, the focus panel and the comparison)."""
    tax = ctx.dataset.taxonomy
    heading = html.H2 if level == 2 else html.H3
    sub = html.H3 if level == 2 else html.H4
    rank = (
        _("Rang {rank} von {n}", rank=profile.rank, n=profile.ranked_of) if profile.rank is not None else _("ohne Rang")
    )
    return [
        heading(profile.name),
        html.Dl(
            [
                html.Dt(_("Einwohner")),
                html.Dd([fmt_value(profile.residents, 0), " (", method_label(profile.method, _), ")"]),
                html.Dt(_("Angebote")),
                html.Dd(offers_text(profile.offers, profile.approximate, _)),
                html.Dt(_("Angebote je 1.000 Einwohner")),
                html.Dd(
                    [
                        fmt_value(profile.per_1000),
                        " (",
                        _("Stadtdurchschnitt"),
                        ": ",
                        fmt_value(profile.city_per_1000),
                        ")",
                    ]
                ),
                html.Dt(_("Rang")),
                html.Dd(rank),
            ],
            className="profile-facts",
        ),
        sub(_("Angebote nach Kategorie")),
        count_list(
            [(c, n) for c, n in profile.by_category if n], lambda c: tax.categories.label(c, lang), _("keine Angebote")
        ),
        sub(_("Weiße Flecken (Kategorien ohne Angebot)")),
        html.Ul([html.Li(tax.categories.label(c, lang)) for c in profile.white_spots])
        if profile.white_spots
        else html.P(_("keine")),
        sub(_("Sprachen der Angebote")),
        count_list(profile.languages, lambda c: html.Span(native_name(c), lang=c, dir="auto"), _("keine Angaben")),
        sub(_("Zielgruppen")),
        count_list(profile.target_groups, lambda t: tax.target_groups.label(t, lang), _("keine Angaben")),
    ]


def profile_sketches(profile: DistrictProfile, ctx: CoverageContext, _: Translator) -> html.Div:
    """The district's outline and its bar against the city average, as two described images."""
    feature = next(
        (f for f in ctx.dataset.districts if str(f["properties"]["id"]) == profile.district_id),
        None,
    )
    value, city = fmt_value(profile.per_1000), fmt_value(profile.city_per_1000)
    label = _("Angebote je 1.000 Einwohner")
    bar = sketch.bar_svg(profile.name, profile.per_1000, _("Stadtdurchschnitt"), profile.city_per_1000, value, city)
    images: list[Any] = []
    if feature is not None and feature.get("geometry"):
        images.append(
            html.Img(
                src=sketch.data_uri(sketch.outline_svg(feature["geometry"])),
                alt=_("Umriss des Stadtteils {name}", name=profile.name),
                className="profile-outline",
            )
        )
    images.append(
        html.Figure(
            [
                html.Img(
                    src=sketch.data_uri(bar),
                    alt=f"{label}: {profile.name} {value}, {_('Stadtdurchschnitt')} {city}",
                    className="profile-bar",
                ),
                html.Figcaption(label),
            ]
        )
    )
    return html.Div(images, className="profile-sketches")


# ---------------------------------------------------------------- one page state


def summary(data: PageData, params: PageParams, method: str, _: Translator) -> list[Any]:
    """The sentence naming the shown metric, the population method and the offers in the selection."""
    return [
        _("Gezeigt:"),
        " ",
        html.Strong(metric_label(params.metric, _)),
        " · ",
        _("Einwohner:"),
        " ",
        html.Strong(method_label(method, _)),
        " · ",
        _("{n} Angebote in der Auswahl", n=int(data.mask.sum())),
        *approximate_suffix(data, _),
        " · ",
        _(PRIVACY_METHOD),
    ]


def approximate_suffix(data: PageData, _: Translator) -> list[str]:
    """', davon N mit ungefährer Lage' for the selection (nothing when none is approximate)."""
    city = data.table.loc[data.table["district_id"] == CITY, "approximate"]
    n = int(city.iloc[0]) if len(city) else 0
    return [", ", _("davon {n} mit ungefährer Lage", n=n)] if n else []


#: How the privacy levels enter the analysis (geodata.privacy): it reads the published points only.
PRIVACY_METHOD = (
    "Die Analyse nutzt die veröffentlichten Punkte: bei Angeboten, die nur Straße oder Stadtteil zeigen, "
    "die ungefähre Lage; nicht veröffentlichte Angebote zählen nicht."
)


def focus_children(data: PageData, ctx: CoverageContext, lang: str, _: Translator) -> list[Any]:
    """The focused district's figures, or the sentence asking to choose one."""
    if data.focus_profile is None:
        return [html.P(_("Kein Stadtteil ausgewählt. Wählen Sie einen Stadtteil in Karte, Diagramm oder Tabelle."))]
    return [html.Div(profile_block(data.focus_profile, ctx, lang, _, level=3))]


def compare_children(data: PageData, ctx: CoverageContext, lang: str, _: Translator) -> list[Any]:
    """Two districts side by side (``compare=a,b``); nothing otherwise."""
    if len(data.compare_profiles) != 2:
        return []
    return [
        html.H2(_("Vergleich")),
        html.Div(
            [html.Div(profile_block(p, ctx, lang, _, level=3), className="compare-col") for p in data.compare_profiles],
            className="compare-grid",
        ),
    ]


def page_figures(
    ctx: CoverageContext, data: PageData, state: FilterState, params: PageParams, with_map: bool = True
) -> dict[str, Any]:
    """The choropleth (only ``with_map``) and the ranked bars of one page state, workshop-sized in workshop mode."""
    _ = translator(state.lang)
    label = metric_label(params.metric, _)
    choropleth = (
        cf.choropleth(
            ctx.dataset.districts, data.table, "value", label, ctx.dataset.city.get("outline"), focus=data.focus
        )
        if with_map
        else None
    )
    bars: Any = cf.ranked_bars(data.table, "value", label, _("Stadtdurchschnitt"), focus=data.focus)
    if params.mode == "workshop":  # readable from the back of the room
        bars = cf.for_workshop(bars)
        if choropleth is not None:
            choropleth.update_layout(font={"size": cf.WORKSHOP_FONT_SIZE}, height=560)
    return {"choropleth": choropleth, "bars": bars}


def heat_part(ctx: CoverageContext, state: FilterState, mask: np.ndarray, workshop: bool = False) -> tuple[Any, Any]:
    """The district x category heatmap (white spots marked "–") and its table."""
    _ = translator(state.lang)
    counts = category_counts(ctx, mask)
    figure = cf.heatmap(
        counts, lambda c: ctx.dataset.taxonomy.categories.label(c, state.lang), _("– = kein Angebot (weißer Fleck)")
    )
    return (cf.for_workshop(figure) if workshop else figure), heat_table_html(counts, ctx, state.lang, _)


def curve_part(ctx: CoverageContext, state: FilterState, mask: np.ndarray, workshop: bool = False) -> tuple[Any, Any]:
    """The distance-coverage curve and its table."""
    _ = translator(state.lang)
    curve = ctx.model.curve(mask)
    figure = cf.distance_curve_figure(curve, _("Entfernung (Luftlinie, m)"), _("Anteil Einwohner (%)"), (500.0, 1000.0))
    return (cf.for_workshop(figure) if workshop else figure), curve_table_html(curve, ctx.method, _)
