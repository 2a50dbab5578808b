"""Figures of the coverage page, built from the tidy tables of :mod:`dashboard.metrics` (pure).

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

from dashboard.mapstyle import bounds_of, fit_view, offline_style
from dashboard.metrics import CITY

#: Marker of a white spot (no offer) in the heatmap and its table.
WHITE_SPOT = "–"
#: Sequential, colour-blind-safe scale (light = few, dark = many).
SCALE = "Viridis"
FONT = {"family": "system-ui, sans-serif", "size": 14, "color": "#1a1a1a"}


def graph_config(filename: str) -> dict[str, Any]:
    """``dcc.Graph`` config: PNG download client-side (modebar), no Plotly logo, no remote calls."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def fmt(value: float, digits: int = 1) -> str:
    """A number for display ("–" for NaN, "> 10 km" style handled by callers for inf)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{value:,.{digits}f}".replace(",", " ")


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
) -> go.Figure:
    """Districts shaded by ``table[value]`` on the offline base style (EPSG:4326 GeoJSON).

    The ``focus`` district gets a thick dark outline (and its name is marked in the tables).
    """
    rows = district_rows(table)
    collection = {"type": "FeatureCollection", "features": [dict(f) for f in districts]}
    values = rows[value].to_numpy(float)
    text = [f"{n}: {fmt(v)}" for n, v in zip(rows["district_name"], values, strict=True)]
    trace = go.Choroplethmap(
        geojson=collection,
        featureidkey="properties.id",
        locations=rows["district_id"],
        z=np.where(np.isfinite(values), values, np.nan),
        text=text,
        hovertemplate="%{text}<extra></extra>",
        colorscale=SCALE,
        marker={
            "opacity": 0.75,
            "line": {"width": [5.0 if d == focus else 1.5 for d in rows["district_id"]], "color": "#222"},
        },
        colorbar={"title": {"text": label, "side": "right"}, "thickness": 14},
        customdata=rows["district_id"],
    )
    view = fit_view(bounds_of([f.get("geometry") for f in districts]), width_px=360, height_px=400)
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
    )
    return fig


def ranked_bars(table: pd.DataFrame, value: str, label: str, average_label: str, focus: str | None = None) -> go.Figure:
    """Districts ranked by ``value`` (horizontal bars with their value) against the city average line.

    The ``focus`` district's bar is darker AND its name is marked with "▶" (not colour alone).
    """
    rows = district_rows(table).sort_values(value, ascending=True, na_position="first")
    city = table.loc[table["district_id"] == CITY, value]
    values = rows[value].to_numpy(float)
    is_focus = (rows["district_id"] == focus).to_numpy()
    fig = go.Figure(
        go.Bar(
            x=np.nan_to_num(values, nan=0.0, posinf=0.0),
            y=[f"▶ {n}" if f else n for n, f in zip(rows["district_name"], is_focus, strict=True)],
            orientation="h",
            text=[fmt(v) for v in values],
            textposition="outside",
            marker={
                "color": ["#0b2a45" if f else "#2c5f8a" for f in is_focus],
                "line": {"color": "#102a40", "width": [3 if f else 1 for f in is_focus]},
            },
            customdata=rows["district_id"],
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    if len(city) and np.isfinite(city.iloc[0]):
        avg = float(city.iloc[0])
        fig.add_vline(x=avg, line={"color": "#b00020", "width": 3, "dash": "dash"})
        fig.add_annotation(
            x=avg,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            text=f"{average_label}: {fmt(avg)}",
            showarrow=False,
            font={"color": "#b00020"},
            bgcolor="white",
        )
    finite = [v for v in (*values, *city) if np.isfinite(v)]
    fig.update_xaxes(range=[0, (max(finite) if finite else 0.0) * 1.2 or 1.0])  # room for the value labels
    fig.update_layout(
        xaxis_title=label,
        margin={"l": 10, "r": 30, "t": 48, "b": 40},
        font=FONT,
        height=max(260, 32 * len(rows) + 100),
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#ddd")
    return fig


def heatmap(counts: pd.DataFrame, group_label: Callable[[str], str], spots_label: str) -> go.Figure:
    """District x group counts; every cell shows its number and white spots show "–"."""
    pivot = counts.pivot_table(index="district_name", columns="group", values="offers", sort=False, aggfunc="sum")
    z = pivot.to_numpy(float)
    text = np.where(z == 0, WHITE_SPOT, z.astype(int).astype(str))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[group_label(g) for g in pivot.columns],
            y=list(pivot.index),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 15},
            colorscale=[[0, "#ffffff"], [0.0001, "#dbe9f6"], [1, "#08306b"]],
            colorbar={"title": {"text": "n"}},
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font=FONT,
        height=max(260, 34 * len(pivot.index) + 160),
        xaxis={"side": "top", "tickangle": -30},
        title={"text": spots_label, "font": {"size": 13}, "x": 0, "y": 0.01, "yanchor": "bottom"},
    )
    return fig


def distance_curve_figure(curve: pd.DataFrame, x_label: str, y_label: str, thresholds: Sequence[float]) -> go.Figure:
    """City-wide share of residents within a distance of an offer, with the thresholds marked."""
    fig = go.Figure(
        go.Scatter(
            x=curve["distance_m"],
            y=curve["share"] * 100,
            mode="lines+markers",
            line={"color": "#2c5f8a", "width": 3},
            marker={"symbol": "circle", "size": 6},
            hovertemplate="%{x:.0f} m: %{y:.1f} %<extra></extra>",
        )
    )
    for t in thresholds:
        share = curve.loc[curve["distance_m"] == t, "share"]
        fig.add_vline(x=t, line={"color": "#555", "dash": "dot"})
        if len(share) and np.isfinite(share.iloc[0]):
            fig.add_annotation(x=t, y=float(share.iloc[0]) * 100, text=f"{t:.0f} m: {share.iloc[0] * 100:.0f} %")
    fig.update_layout(
        xaxis_title=x_label,
        yaxis_title=y_label,
        yaxis={"range": [0, 105]},
        margin={"l": 10, "r": 10, "t": 20, "b": 40},
        font=FONT,
        height=340,
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#ddd")
    fig.update_yaxes(gridcolor="#ddd")
    return fig
