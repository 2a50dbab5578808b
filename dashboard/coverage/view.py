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
from dashboard.coverage import figures as cf
from dashboard.coverage import sketch
from dashboard.coverage.compute import (
    METRICS,
    CoverageContext,
    DistrictProfile,
    FocusFigures,
    PageData,
    PageParams,
    category_counts,
    focus_figures,
    method_label,
    metric_label,
    ranked,
)
from dashboard.data import Dataset
from dashboard.filters import FilterState
from dashboard.i18n import (
    Translator,
    format_number,
    format_percent,
    plural_translator,
    text_direction,
    translator,
)
from geodata.languages import language_label, native_name


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


def offers_text(offers: int, approximate: int, _: Translator, lang: str = "de") -> str:
    """``offers`` as a figure, followed by 'davon N mit ungefährer Lage' when any are approximate."""
    if approximate <= 0:
        return format_number(int(offers), lang)
    approx = _("davon {n} mit ungefährer Lage", n=format_number(int(approximate), lang))
    return f"{format_number(int(offers), lang)} ({approx})"


#: Name of the metric radio group (``input[type=radio][name=...]``, built by assets/workshop.js).
METRIC_RADIO = "cov-metric-choice"


def radio_group(
    name: str, legend: str, options: Sequence[tuple[str, str]], checked: str, **attrs: Any
) -> html.Fieldset:
    """A single choice as a native radio group: ``<fieldset><legend>`` with one ``<label>`` per option.

    Dash 4 has no ``html.Input`` and ``dcc.RadioItems`` failed axe, so each label carries
    ``data-radio-name``/``data-value``/``data-checked`` and ``assets/workshop.js`` puts a real
    ``<input type="radio">`` into it (arrow keys, checked state and name come from the browser).
    """
    return html.Fieldset(
        [
            html.Legend(legend),
            html.Div(
                [
                    html.Label(
                        html.Span(text),
                        className="radio",
                        **{
                            "data-radio-name": name,
                            "data-value": key,
                            "data-checked": "true" if key == checked else "false",
                        },
                    )
                    for key, text in options
                ],
                className="radios",
            ),
        ],
        **attrs,
    )


def metric_picker(metric: str, _: Translator) -> html.Fieldset:
    """Single choice of the shown metric: a native radio group (``metric=`` in the URL)."""
    return radio_group(
        METRIC_RADIO,
        _("Kennzahl"),
        [(key, _(label)) for key, label, _unit in METRICS],
        metric,
        id=ids.COV_METRIC_PICKER,
        className="filter cov-metric-picker",
    )


def fmt_value(value: float, digits: int = 1, lang: str = "de") -> str:
    """A figure for tables in ``lang``'s notation ("–" when unknown)."""
    return cf.fmt(float(value), digits, lang) if value is not None and np.isfinite(value) else "–"


def district_button(district_id: str, name: str, focus: str | None) -> html.Button:
    """A district name that focuses the district everywhere when activated."""
    is_focus = district_id == focus
    return html.Button(
        [html.Span("▶ ", **{"aria-hidden": "true"}) if is_focus else None, name],
        type="button",
        className="district-link" + (" is-focus" if is_focus else ""),
        **{"data-district": district_id, "aria-pressed": "true" if is_focus else "false"},
    )


def metric_table_html(
    table: pd.DataFrame, metric: str, focus: str | None, method: str, _: Translator, lang: str = "de"
) -> html.Table:
    """The ranked districts with value, offers and residents: the table of the choropleth and the bars."""
    label = metric_label(metric, _)
    rows = ranked(table)
    city = table.loc[table["district_id"] == CITY]
    body = [
        html.Tr(
            [
                html.Td("–" if pd.isna(r.rank) else format_number(int(r.rank), lang)),
                html.Th(district_button(r.district_id, r.district_name, focus), scope="row"),
                html.Td(fmt_value(r.value, 1, lang)),
                html.Td(offers_text(r.offers, r.approximate, _, lang)),
                html.Td(fmt_value(r.residents, 0, lang)),
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
                    html.Td(fmt_value(c["value"], 1, lang)),
                    html.Td(offers_text(c["offers"], c["approximate"], _, lang)),
                    html.Td(fmt_value(c["residents"], 0, lang)),
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
        return html.Td(format_number(n, lang)) if n else html.Td(cf.WHITE_SPOT, className="white-spot")

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


def curve_table_html(curve: pd.DataFrame, method: str, _: Translator, lang: str = "de") -> html.Table:
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
                    html.Tr(
                        [
                            html.Th(f"{format_number(int(d), lang)} m", scope="row"),
                            html.Td(format_percent(float(s), lang, 1) if np.isfinite(s) else "–"),
                        ]
                    )
                    for d, s in zip(rows["distance_m"], rows["share"], strict=True)
                ]
            ),
        ],
        className="figures-table",
    )


def table_region_id(graph_id: str) -> str:
    """Id of the region holding ``graph_id``'s table (target of "Tabelle zu diesem Diagramm")."""
    return f"{graph_id}-data"


def graph_frame(graph: dcc.Graph, responsive: bool, title: str = "") -> Any:
    """The graph in its frame: a responsive map in a frame the CSS sizes (Dash sets the graph itself to
    ``height: 100%``); any other chart in a region that scrolls sideways when the screen is narrower
    than the chart's minimum width (a chart needs two dimensions, WCAG 1.4.10; the page itself never
    scrolls sideways), reachable by keyboard."""
    if responsive:
        return html.Div(graph, className="cov-graph-frame")
    return html.Div(graph, className="graph-scroll", tabIndex=0, role="region", **{"aria-label": title})


def figure_block(
    title: str,
    graph_id: str,
    figure: Any,
    filename: str,
    table: Any,
    method: str,
    _: Translator,
    table_id: str = "",
    lang: str = "de",
    *,
    responsive: bool = False,
    table_open: bool = True,
) -> html.Section:
    """A chart with its heading, the population method and the same data as a table.

    The chart's SVG is decorative for assistive technology (``assets/workshop.js`` hides it
    with ``aria-hidden``); a link right after the heading leads to the table with the same
    numbers. ``responsive`` charts take the size of their frame (CSS) instead of a fixed
    height; ``table_open=False`` starts the table folded (workshop mode: one click shows it).
    """
    heading_id = f"{graph_id}-heading"
    region_id = table_region_id(graph_id)
    return html.Section(
        [
            html.H2(title, id=heading_id),
            html.P(html.A(_("Tabelle zu diesem Diagramm"), href=f"#{region_id}"), className="table-link"),
            method_note(method, _),
            graph_frame(
                dcc.Graph(
                    id=graph_id,
                    figure=figure,
                    config=cf.graph_config(filename, lang),
                    className="cov-graph",
                    responsive=True if responsive else "auto",
                ),
                responsive or graph_id == ids.COV_CHOROPLETH,
                title,
            ),
            html.Details(
                [
                    html.Summary(_("Daten als Tabelle")),
                    html.Div(
                        html.Div(table, **({"id": table_id} if table_id else {})),
                        id=region_id,
                        className="table-scroll",
                        tabIndex=0,  # wide tables scroll: reachable by keyboard
                        role="region",
                        **{"aria-label": title},
                    ),
                ],
                open=table_open,
                className="figure-data",
            ),
        ],
        className="cov-figure",
        **{"aria-labelledby": heading_id},
    )


def count_list(items: Sequence[tuple[str, int]], label: Any, empty: str, lang: str = "de") -> html.Ul | html.P:
    """A list 'label: n' (or a sentence when empty), counts in ``lang``'s notation."""
    if not items:
        return html.P(empty)
    return html.Ul([html.Li([label(k), ": ", format_number(int(n), lang)]) for k, n in items])


def profile_block(
    profile: DistrictProfile, ctx: CoverageContext, lang: str, _: Translator, level: int = 2
) -> list[Any]:
    """One district's figures (for the profile page, the focus panel and the comparison)."""
    tax = ctx.dataset.taxonomy
    heading = html.H2 if level == 2 else html.H3
    sub = html.H3 if level == 2 else html.H4
    rank = rank_text(profile.rank, profile.ranked_of, _, lang)
    return [
        heading(profile.name),
        html.Dl(
            [
                html.Dt(_("Einwohner")),
                html.Dd([fmt_value(profile.residents, 0, lang), " (", method_label(profile.method, _), ")"]),
                html.Dt(_("Angebote")),
                html.Dd(offers_text(profile.offers, profile.approximate, _, lang)),
                html.Dt(_("Angebote je 1.000 Einwohner")),
                html.Dd(
                    [
                        fmt_value(profile.per_1000, 1, lang),
                        " (",
                        _("Stadtdurchschnitt"),
                        ": ",
                        fmt_value(profile.city_per_1000, 1, lang),
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
            [(c, n) for c, n in profile.by_category if n],
            lambda c: tax.categories.label(c, lang),
            _("keine Angebote"),
            lang,
        ),
        sub(_("Weiße Flecken (Kategorien ohne Angebot)")),
        html.Ul([html.Li(tax.categories.label(c, lang)) for c in profile.white_spots])
        if profile.white_spots
        else html.P(_("keine")),
        sub(_("Sprachen der Angebote")),
        count_list(
            profile.languages, lambda c: html.Span(native_name(c), lang=c, dir="auto"), _("keine Angaben"), lang
        ),
        sub(_("Zielgruppen")),
        count_list(profile.target_groups, lambda t: tax.target_groups.label(t, lang), _("keine Angaben"), lang),
    ]


def rank_text(rank: int | None, ranked_of: int, _: Translator, lang: str = "de") -> str:
    """'Rang 2 von 14' (numbers in ``lang``'s notation) or 'ohne Rang'."""
    if rank is None:
        return _("ohne Rang")
    return _("Rang {rank} von {n}", rank=format_number(rank, lang), n=format_number(ranked_of, lang))


def profile_sketches(profile: DistrictProfile, ctx: CoverageContext, _: Translator, lang: str = "de") -> html.Div:
    """The district's outline and its bar against the city average, as two described images."""
    feature = next(
        (f for f in ctx.dataset.districts if str(f["properties"]["id"]) == profile.district_id),
        None,
    )
    value, city = fmt_value(profile.per_1000, 1, lang), fmt_value(profile.city_per_1000, 1, lang)
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


#: Filter fields of the workshop's compact filter bar, with their label (msgid).
WORKSHOP_FILTERS: tuple[tuple[str, str], ...] = (
    ("categories", "Kategorie"),
    ("languages", "Angebot in der Sprache"),
    ("target_groups", "Zielgruppe"),
)


def filter_choices(dataset: Dataset, field: str, lang: str) -> list[tuple[str, str]]:
    """``(id, label)`` of every value of a filter ``field`` in the interface language ``lang``."""
    tax = dataset.taxonomy
    if field == "categories":
        return [(c, tax.categories.label(c, lang)) for c in dataset.category_ids]
    if field == "languages":
        return [(c, language_label(c, lang)) for c in dataset.language_ids]
    if field == "target_groups":
        return [(t, tax.target_groups.label(t, lang)) for t in dataset.target_ids]
    raise ValueError(f"unknown filter field {field!r}: use one of {', '.join(f for f, _m in WORKSHOP_FILTERS)}")


def list_separator(lang: str) -> str:
    """The list separator of interface language ``lang``: the Arabic comma "، " in right-to-left languages."""
    return "، " if text_direction(lang) == "rtl" else ", "


def filter_select(
    field: str, label: str, choices: Sequence[tuple[str, str]], chosen: Sequence[str], _: Translator, lang: str = "de"
) -> html.Div:
    """One ``<select>`` of the workshop filter bar: "all" or one value (several chosen elsewhere: shown as one option)."""
    select_id = f"cov-ws-{field}"
    names = dict(choices)
    options: list[html.Option] = [html.Option(_("alle"), value="", selected=not chosen)]
    if len(chosen) > 1:  # a selection of several (map page, URL) stays until the room picks one value
        shown = list_separator(lang).join(names.get(c, c) for c in chosen)
        options.append(html.Option(shown, value=",".join(chosen), selected=True))
    options += [html.Option(text, value=key, selected=list(chosen) == [key]) for key, text in choices]
    return html.Div(
        [html.Label(label, htmlFor=select_id), html.Select(options, id=select_id, **{"data-ws-filter": field})],
        className="ws-filter",
    )


def workshop_filter_bar(dataset: Dataset, state: FilterState, _: Translator) -> html.Section:
    """The compact filter bar of workshop mode: category, language and target group as three selects.

    The full filter panel is hidden in workshop mode; ``assets/workshop.js`` turns a change here
    into the same filter state the panel writes (its toggles follow), so URL, figures and the
    panel stay in step.
    """
    return html.Section(
        [
            html.H2(_("Filter"), id="cov-ws-filter-heading", className="visually-hidden"),
            *[
                filter_select(
                    field, _(label), filter_choices(dataset, field, state.lang), getattr(state, field), _, state.lang
                )
                for field, label in WORKSHOP_FILTERS
            ],
        ],
        className="cov-filter-bar workshop-only",
        **{"aria-labelledby": "cov-ws-filter-heading"},
    )


# ---------------------------------------------------------------- one page state


def summary(data: PageData, params: PageParams, method: str, _: Translator, lang: str = "de") -> list[Any]:
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
        plural_translator(lang)("{n} Angebot in der Auswahl", "{n} Angebote in der Auswahl", int(data.mask.sum())),
        *approximate_suffix(data, _, lang),
        " · ",
        _(PRIVACY_METHOD),
    ]


def approximate_suffix(data: PageData, _: Translator, lang: str = "de") -> list[str]:
    """', davon N mit ungefährer Lage' for the selection (nothing when none is approximate)."""
    city = data.table.loc[data.table["district_id"] == CITY, "approximate"]
    n = int(city.iloc[0]) if len(city) else 0
    return [", ", _("davon {n} mit ungefährer Lage", n=format_number(n, lang))] if n else []


#: How the privacy levels enter the analysis (geodata.privacy): it reads the published points only.
PRIVACY_METHOD = (
    "Die Analyse nutzt die veröffentlichten Punkte: bei Angeboten, die nur Straße oder Stadtteil zeigen, "
    "die ungefähre Lage; nicht veröffentlichte Angebote zählen nicht."
)


def focus_children(
    data: PageData, ctx: CoverageContext, lang: str, _: Translator, metric: str = "per_1000"
) -> list[Any]:
    """The focused district: its name and the shown metric against the city average in large type
    (the workshop's first screen), then its figures; or the sentence asking to choose one."""
    figures = focus_figures(data.table, data.focus)
    if data.focus_profile is None or figures is None:
        return [html.P(_("Kein Stadtteil ausgewählt. Wählen Sie einen Stadtteil in Karte, Diagramm oder Tabelle."))]
    block = profile_block(data.focus_profile, ctx, lang, _, level=3)
    return [focus_lead(figures, metric, _, lang), html.Div(block[1:], className="cov-focus-details")]


def focus_lead(figures: FocusFigures, metric: str, _: Translator, lang: str = "de") -> html.Div:
    """District name, the shown metric and the city average, and the rank: the focus panel's large part."""
    return html.Div(
        [
            html.H3(figures.name, className="cov-focus-name", dir="auto"),
            html.P(
                [
                    html.Span(fmt_value(figures.value, 1, lang), className="cov-focus-value"),
                    " ",
                    metric_label(metric, _),
                ],
                className="cov-focus-figure",
            ),
            html.P(
                [
                    _("Stadtdurchschnitt"),
                    ": ",
                    html.Strong(fmt_value(figures.city, 1, lang)),
                    " · ",
                    rank_text(figures.rank, figures.ranked_of, _, lang),
                ],
                className="cov-focus-city",
            ),
        ],
        className="cov-focus-lead",
    )


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
            ctx.dataset.districts,
            data.table,
            "value",
            label,
            ctx.dataset.city.get("outline"),
            focus=data.focus,
            lang=state.lang,
        )
        if with_map
        else None
    )
    bars: Any = cf.ranked_bars(data.table, "value", label, _("Stadtdurchschnitt"), focus=data.focus, lang=state.lang)
    if params.mode == "workshop":  # readable from the back of the room
        bars = cf.for_workshop(bars)
        if choropleth is not None:  # sized by its frame (responsive graph, CSS): no fixed height
            choropleth.update_layout(font={"size": cf.WORKSHOP_FONT_SIZE}, height=None, autosize=True)
    return {"choropleth": choropleth, "bars": bars}


def heat_part(ctx: CoverageContext, state: FilterState, mask: np.ndarray, workshop: bool = False) -> tuple[Any, Any]:
    """The district x category heatmap (white spots marked "–") and its table."""
    _ = translator(state.lang)
    counts = category_counts(ctx, mask)
    figure = cf.heatmap(
        counts,
        lambda c: ctx.dataset.taxonomy.categories.label(c, state.lang),
        _("– = kein Angebot (weißer Fleck)"),
        state.lang,
    )
    return (cf.for_workshop(figure) if workshop else figure), heat_table_html(counts, ctx, state.lang, _)


def curve_part(ctx: CoverageContext, state: FilterState, mask: np.ndarray, workshop: bool = False) -> tuple[Any, Any]:
    """The distance-coverage curve and its table."""
    _ = translator(state.lang)
    curve = ctx.model.curve(mask)
    figure = cf.distance_curve_figure(
        curve, _("Entfernung (Luftlinie, m)"), _("Anteil Einwohner (%)"), (500.0, 1000.0), state.lang
    )
    return (cf.for_workshop(figure) if workshop else figure), curve_table_html(curve, ctx.method, _, state.lang)
