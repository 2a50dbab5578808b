"""Figures of the coverage page, built from the tidy tables of :mod:`analysis` (pure).

No figure relies on colour alone: bars and heatmap cells carry their value as text, white
spots are marked with "–", the city average is a labelled line, and every figure has the
same data as an HTML table on the page. The map uses the offline MapLibre style of
:mod:`dashboard.mapstyle` (no network).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from analysis import CITY
from dashboard.i18n import format_decimal, format_percent, plotly_locale, plotly_separators, text_direction
from dashboard.mapstyle import bounds_of, fit_view, offline_style

#: Marker of a white spot (no offer) in the heatmap and its table.
WHITE_SPOT = "–"
#: Sequential, colour-blind-safe scale (light = few, dark = many).
SCALE = "Viridis"
FONT = {"family": "system-ui, sans-serif", "size": 14, "color": "#1a1a1a"}


#: Heatmap colours: white spots white, then light to medium blue, every shade dark enough to see
#: and light enough that the black cell numbers keep a contrast of at least 4.5:1 (WCAG 1.4.3).
HEAT_SCALE: tuple[tuple[float, str], ...] = ((0.0, "#ffffff"), (0.0001, "#e3eef9"), (1.0, "#4a8fc8"))
HEAT_TEXT = "#000000"
#: Bottom margin of the heatmap holding its note (px; the x axis is on top, so nothing else is there).
HEAT_NOTE_MARGIN = 40

#: Font size of every chart in workshop mode (projector, read from the back of a room).
WORKSHOP_FONT_SIZE = 20


#: Every chart's toolbar: icons dark on white (Plotly's default grey reached 1.69:1; WCAG 1.4.11 asks
#: for 3:1).
CHART_CHROME: dict[str, Any] = {
    "modebar": {"color": "#4a4a4a", "activecolor": "#1d1d1d", "bgcolor": "#ffffff"},
}

#: Every trace's hover: Plotly still finds the hovered point and fires ``plotly_hover``,
#: ``plotly_unhover`` and ``plotly_click`` (``"none"``; ``"skip"`` would end the events and with
#: them selecting a district by clicking), but draws no label. ``assets/chart_tooltip.js`` shows the
#: point's ``hovertext`` in a tooltip of its own that stays while the pointer is on it and closes
#: with Escape (WCAG 1.4.13; Plotly's label vanished as soon as the pointer moved onto it).
TOOLTIP_HOVER: dict[str, Any] = {"hoverinfo": "none"}


def for_workshop(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure dict with workshop-sized text and proportionally taller plot (pure; a new dict)."""
    layout = dict(figure["layout"])
    layout["font"] = {**layout.get("font", {}), "size": WORKSHOP_FONT_SIZE}
    scale = WORKSHOP_FONT_SIZE / FONT["size"]
    if layout.get("height"):
        layout["height"] = int(layout["height"] * scale)
    if isinstance(layout.get("title"), dict) and "font" in layout["title"]:
        layout["title"] = {**layout["title"], "font": {**layout["title"]["font"], "size": WORKSHOP_FONT_SIZE - 2}}
    for name in ("xaxis", "yaxis"):  # larger type, shorter lines: titles and ticks stay inside a narrow chart
        axis = dict(layout.get(name) or {})
        title = axis.get("title")
        if isinstance(title, dict) and title.get("text"):
            axis["title"] = {**title, "text": rewrapped(title["text"], WORKSHOP_WRAP)}
        if "tickangle" in axis:
            axis["tickangle"] = -90  # rotated labels reach no further right than their column
        if axis:
            layout[name] = axis
    data = [
        {**trace, "textfont": {**trace["textfont"], "size": WORKSHOP_FONT_SIZE}} if "textfont" in trace else trace
        for trace in figure["data"]
    ]
    return {**figure, "data": data, "layout": layout}


#: Line length (characters) of chart titles in workshop mode (20 px type in a 320 px chart).
WORKSHOP_WRAP = 14


def rewrapped(text: str, width: int) -> str:
    """A :func:`chart_text` wrapped again at ``width`` characters (isolation kept)."""
    rtl = RLI in text
    plain = text.replace("<br>", " ").replace(RLI, "").replace(PDI, "")
    return "<br>".join(f"{RLI}{line}{PDI}" if rtl else line for line in wrapped(plain, width))


#: Pop directional isolate: ends an isolated chart title in an RTL page.
PDI = "\u2069"
#: Right-to-left isolate: wraps a title so that Arabic text ending in Latin text or "(%)" keeps its order.
RLI = "\u2067"


def isolated(text: str, lang: str) -> str:
    """``text`` wrapped in U+2067 … U+2069 when ``lang`` is written right to left (axis and colour-bar titles).

    Plotly draws SVG text left to right; an Arabic title such as "نسبة السكان (%)" would
    otherwise show its brackets and Latin parts on the wrong side.
    """
    return f"{RLI}{text}{PDI}" if text and text_direction(lang) == "rtl" else text


def wrapped(text: str, width: int) -> list[str]:
    """``text`` split at spaces into lines of at most ``width`` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def tooltip_text(text: str, lang: str) -> str:
    """A chart tooltip's text (``hovertext``), isolated in right-to-left pages like the charts' titles.

    Built here, in the page's language and number notation; ``assets/chart_tooltip.js`` shows it
    as text (never as HTML), breaking lines only at ``<br>``.
    """
    return isolated(text, lang)


def chart_text(text: str, lang: str, width: int = 24) -> str:
    """A chart title or tick label wrapped over lines (``<br>``), each line isolated in RTL pages.

    Long German and Ukrainian labels would otherwise run out of a 320 px wide chart (WCAG 1.4.10).
    """
    return "<br>".join(isolated(line, lang) for line in wrapped(text, width))


def graph_config(filename: str, lang: str = "de") -> dict[str, Any]:
    """``dcc.Graph`` config: PNG download client-side (modebar), no Plotly logo, no remote calls,
    toolbar texts and number format in the interface language ``lang``."""
    return {
        "locale": lang,
        "locales": {lang: plotly_locale(lang)},
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"],
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "plotlyServerURL": "",
    }


def fmt(value: float | None, digits: int = 1, lang: str = "de") -> str:
    """A number for display in ``lang``'s notation ("–" for NaN, "∞" for infinity; "3,1" in German)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return format_decimal(value, lang, digits)


def district_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The table without the city row."""
    return table.loc[table["district_id"] != CITY].reset_index(drop=True)


def choropleth(
    districts: Sequence[Mapping[str, Any]],
    table: pd.DataFrame,
    value: str,
    label: str,
    outline: Mapping[str, Any] | None = None,
    focus: str | None = None,
    lang: str = "de",
) -> go.Figure:
    """Districts shaded by ``table[value]`` on the offline base style (EPSG:4326 GeoJSON).

    The ``focus`` district gets a thick dark outline (and its name is marked in the tables).
    ``layout.meta`` carries the districts' bounds and label points: ``assets/workshop.js``
    fits the map to the bounds in whatever frame the graph gets (and again on resize) and
    writes the district names over the map as HTML (the offline style has no glyphs).
    """
    collection = {"type": "FeatureCollection", "features": [dict(f) for f in districts]}
    trace = go.Choroplethmap(
        geojson=collection,
        featureidkey="properties.id",
        **TOOLTIP_HOVER,
        colorscale=SCALE,
        marker={"opacity": 0.75, "line": {"color": "#222"}},
        colorbar={"title": {"side": "right"}, "thickness": 14},
        **choropleth_values(table, value, label, focus, lang),
    )
    bounds = bounds_of([f.get("geometry") for f in districts])
    view = fit_view(bounds, width_px=300, height_px=400)
    fig = go.Figure(trace)
    fig.update_layout(
        map={
            "style": offline_style(districts, outline),
            "center": {"lon": view.lon, "lat": view.lat},
            "zoom": view.zoom,
        },
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font=FONT,
        height=420,
        separators=plotly_separators(lang),
        modebar=CHART_CHROME["modebar"],
        meta={"bounds": list(bounds) if bounds else None, "labels": district_label_points(districts)},
    )
    return fig


def district_label_points(districts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Where each district's name is written on the choropleth: a point inside its polygon (EPSG:4326).

    ``id``, ``name`` and ``lon``/``lat`` (rounded to 6 decimals, about 0.1 m). The browser sets
    the names as text (never as HTML), so they need no escaping here.
    """
    out = []
    for feature in districts:
        geometry = feature.get("geometry")
        if not geometry:
            continue
        point = shapely.geometry.shape(geometry).representative_point()
        props = feature.get("properties") or {}
        out.append(
            {
                "id": str(props.get("id")),
                "name": str(props.get("name")),
                "lon": round(point.x, 6),
                "lat": round(point.y, 6),
            }
        )
    return out


def choropleth_values(
    table: pd.DataFrame, value: str, label: str, focus: str | None = None, lang: str = "de"
) -> dict[str, Any]:
    """The parts of :func:`choropleth`'s trace that change with the filter (for a ``dash.Patch``).

    Keys are trace properties in Plotly's "magic underscore" form (``marker_line_width``).
    """
    rows = district_rows(table)
    values = rows[value].to_numpy(float)
    return {
        "locations": rows["district_id"].tolist(),
        "z": [v if np.isfinite(v) else None for v in values],
        "hovertext": [
            tooltip_text(f"{n}: {fmt(v, lang=lang)}", lang) for n, v in zip(rows["district_name"], values, strict=True)
        ],
        "customdata": rows["district_id"].tolist(),
        "marker_line_width": [5.0 if d == focus else 1.5 for d in rows["district_id"]],
        "colorbar_title_text": isolated(label, lang),
    }


def ranked_bars(
    table: pd.DataFrame, value: str, label: str, average_label: str, focus: str | None = None, lang: str = "de"
) -> dict[str, Any]:
    """Districts ranked by ``value`` (horizontal bars with their value) against the city average line.

    The ``focus`` district's bar is darker AND its name is marked with "▶" (not colour alone).
    Returns a plain Plotly figure dict (rebuilt per filter change; skips Plotly's slow validation).
    """
    rows = district_rows(table).sort_values(value, ascending=True, na_position="first")
    city = table.loc[table["district_id"] == CITY, value].to_numpy(float)
    values = rows[value].to_numpy(float)
    is_focus = (rows["district_id"] == focus).to_numpy()
    names = [f"▶ {n}" if f else n for n, f in zip(rows["district_name"], is_focus, strict=True)]
    texts = [fmt(v, lang=lang) for v in values]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": np.nan_to_num(values, nan=0.0, posinf=0.0).tolist(),
        "y": names,
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {
            "color": ["#0b2a45" if f else "#2c5f8a" for f in is_focus],
            "line": {"color": "#102a40", "width": [3 if f else 1 for f in is_focus]},
        },
        "customdata": rows["district_id"].tolist(),
        "hovertext": [tooltip_text(f"{n}: {t}", lang) for n, t in zip(names, texts, strict=True)],
        **TOOLTIP_HOVER,
    }
    finite = [float(v) for v in (*values, *city) if np.isfinite(v)]
    layout: dict[str, Any] = {
        "xaxis": {
            "title": {"text": chart_text(label, lang), "standoff": 12},
            "range": [0, (max(finite) if finite else 0.0) * 1.2 or 1.0],
            "gridcolor": "#ddd",
            "automargin": True,
        },
        "yaxis": {"automargin": True},
        "margin": {"l": 10, "r": 30, "t": 48, "b": 40},
        "font": dict(FONT),
        "separators": plotly_separators(lang),
        **CHART_CHROME,
        "height": max(260, 32 * len(rows) + 100),
        "plot_bgcolor": "white",
        "shapes": [],
        "annotations": [],
    }
    if len(city) and np.isfinite(city[0]):
        avg = float(city[0])
        layout["shapes"].append(
            {
                "type": "line",
                "x0": avg,
                "x1": avg,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#b00020", "width": 3, "dash": "dash"},
            }
        )
        layout["annotations"].append(
            {
                "x": avg,
                "y": 1.0,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                # the label grows away from the nearer edge, so it never runs out of a narrow chart
                "xanchor": "right" if avg > layout["xaxis"]["range"][1] / 2 else "left",
                "showarrow": False,
                "text": isolated(f"{average_label}: {fmt(avg, lang=lang)}", lang),
                "font": {"color": "#b00020"},
                "bgcolor": "white",
            }
        )
    return {"data": [bar], "layout": layout}


def count_grid(counts: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray]:
    """District names, groups and the districts x groups matrix of an ``offers_by_district`` table."""
    names = list(dict.fromkeys(counts["district_name"]))
    groups = list(dict.fromkeys(counts["group"]))
    values = counts["offers"].to_numpy()
    if len(values) == len(names) * len(groups):  # tidy_counts order: district-major
        return names, groups, values.reshape(len(names), len(groups)).astype(float)
    pivot = counts.pivot_table(index="district_name", columns="group", values="offers", sort=False, aggfunc="sum")
    return list(pivot.index), list(pivot.columns), pivot.to_numpy(float)


def heatmap(
    counts: pd.DataFrame, group_label: Callable[[str], str], spots_label: str, lang: str = "de"
) -> dict[str, Any]:
    """District x group counts; every cell shows its number and white spots show "–" (figure dict)."""
    names, groups, z = count_grid(counts)
    text = np.array([[fmt(v, 0, lang) if v else WHITE_SPOT for v in row] for row in z], dtype=object).reshape(z.shape)
    labels = [group_label(g) for g in groups]
    trace = {
        "type": "heatmap",
        "z": z.tolist(),
        "x": [chart_text(label, lang, 16) for label in labels],
        "y": names,
        "text": text.tolist(),
        "texttemplate": "%{text}",
        "textfont": {"size": 15, "color": HEAT_TEXT},
        "colorscale": HEAT_SCALE,
        "colorbar": {"title": {"text": "n"}},
        "hovertext": [
            [tooltip_text(f"{name} · {label}: {cell}", lang) for label, cell in zip(labels, row, strict=True)]
            for name, row in zip(names, text.tolist(), strict=True)
        ],
        **TOOLTIP_HOVER,
        "xgap": 2,
        "ygap": 2,
    }
    height = max(260, 34 * len(names) + 160 + HEAT_NOTE_MARGIN)
    layout = {
        # the "– = kein Angebot" note sits in its own bottom margin, below the last row label
        "margin": {"l": 10, "r": 24, "t": 30, "b": HEAT_NOTE_MARGIN},  # r: room for the colour bar's ticks
        "font": dict(FONT),
        "separators": plotly_separators(lang),
        **CHART_CHROME,
        "height": height,
        "xaxis": {"side": "top", "tickangle": -30, "automargin": True},
        "yaxis": {"automargin": True, "autorange": "reversed"},
        "title": {
            "text": isolated(spots_label, lang),
            "font": {"size": 13},
            "x": 0,
            "xanchor": "left",
            "pad": {"l": 8},
            "xref": "container",
            "y": round(8 / height, 4),  # 8 px above the bottom edge, inside the note's margin
            "yref": "container",
            "yanchor": "bottom",
            "automargin": False,
        },
    }
    return {"data": [trace], "layout": layout}


def distance_curve_figure(
    curve: pd.DataFrame, x_label: str, y_label: str, thresholds: Sequence[float], lang: str = "de"
) -> dict[str, Any]:
    """City-wide share of residents within a distance of an offer, with the thresholds marked (figure dict)."""
    share = curve["share"].to_numpy(float) * 100
    trace = {
        "type": "scatter",
        "x": curve["distance_m"].tolist(),
        "y": [v if np.isfinite(v) else None for v in share],
        "mode": "lines+markers",
        "line": {"color": "#2c5f8a", "width": 3},
        "marker": {"symbol": "circle", "size": 6},
        "hovertext": [
            tooltip_text(f"{fmt(float(d), 0, lang)} m: {fmt(float(v), 1, lang)} %", lang)
            for d, v in zip(curve["distance_m"], share, strict=True)
        ],
        **TOOLTIP_HOVER,
    }
    shapes, annotations = [], []
    for t in thresholds:
        at = curve.loc[curve["distance_m"] == t, "share"].to_numpy(float)
        shapes.append(
            {
                "type": "line",
                "x0": t,
                "x1": t,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#555", "dash": "dot"},
            }
        )
        if len(at) and np.isfinite(at[0]):
            text = f"{fmt(t, 0, lang)} m: {format_percent(float(at[0]), lang)}"
            annotations.append({"x": t, "y": float(at[0]) * 100, "text": isolated(text, lang)})
    layout = {
        "xaxis": {"title": {"text": chart_text(x_label, lang)}, "gridcolor": "#ddd", "automargin": True},
        "yaxis": {
            "title": {"text": chart_text(y_label, lang)},
            "range": [0, 105],
            "gridcolor": "#ddd",
            "automargin": True,
        },
        "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
        "font": dict(FONT),
        "separators": plotly_separators(lang),
        **CHART_CHROME,
        "height": 340,
        "plot_bgcolor": "white",
        "shapes": shapes,
        "annotations": annotations,
    }
    return {"data": [trace], "layout": layout}
