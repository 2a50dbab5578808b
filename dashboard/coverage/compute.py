"""The coverage analysis as the pages show it: pure adapters from a filter state to data.

:class:`CoverageContext` holds what one snapshot's coverage needs and what does not depend
on the filter (the snapshot's dataset, population cells, :class:`analysis.CoverageModel`);
:func:`build_context` adapts a :class:`~dashboard.data.Dataset` to the frames the
:mod:`analysis` package takes. :func:`metric_table` computes ONE metric per district for a
filter mask (the page computes only the metric shown); :func:`csv_rows` gives every metric
for ``/api/coverage.csv``; :func:`district_profile` gathers one district's figures;
:func:`page_data` everything one page state shows, as data. No markup here (see
:mod:`dashboard.coverage.view`) and no I/O apart from :func:`build_context` reading the grid.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

import analysis as m
from analysis import METHOD_AREA, METHOD_GRID, METHOD_NONE, PopulationCells
from dashboard.data import Dataset
from dashboard.filters import FilterState, filter_mask, to_query
from dashboard.i18n import Translator, format_decimal, format_number

logger = logging.getLogger(__name__)

#: Metric ids in the order of the selector, with their German label and unit (msgids).
METRICS: tuple[tuple[str, str, str], ...] = (
    ("per_1000", "Angebote je 1.000 Einwohner", "je 1.000"),
    ("within_500", "Anteil Einwohner bis 500 m", "%"),
    ("within_1000", "Anteil Einwohner bis 1.000 m", "%"),
    ("e2sfca", "Erreichbarkeitsindex (E2SFCA)", "je 1.000"),
)
METRIC_IDS: tuple[str, ...] = tuple(k for k, _, _ in METRICS)
DEFAULT_METRIC = "per_1000"
#: Catchment of the E2SFCA index on the page (1 km, Gaussian decay).
CATCHMENT = m.Catchment(1000.0, "gaussian")
#: How each population method is named next to every figure (msgids).
METHOD_LABELS: Mapping[str, str] = {
    METHOD_GRID: "Zensus-Gitter",
    METHOD_AREA: "Einwohner verteilt auf Stadtteilfläche (Näherung)",
    METHOD_NONE: "keine Einwohnerzahl",
}
#: Offer columns the analysis takes from the dataset.
OFFER_COLUMNS: tuple[str, ...] = ("id", "district_id", "category", "languages", "target_groups", "lon", "lat")


class CoverageSetupError(ValueError):
    """The coverage analysis cannot be set up from the dataset's settings."""


@dataclass(frozen=True, eq=False)
class CoverageContext:
    """Everything the coverage pages need that does not depend on the filter (one per snapshot)."""

    dataset: Dataset
    cells: PopulationCells
    model: m.CoverageModel
    offers: pd.DataFrame

    @cached_property
    def district_index(self) -> np.ndarray:
        """Index into ``dataset.district_ids`` per offer as the figures count it (-1: no district).

        Follows :func:`counted_district_ids`, so every count, share and ranking agrees.
        """
        position = {d: i for i, d in enumerate(self.dataset.district_ids)}
        return np.array([position.get(d, -1) if d else -1 for d in self.offers["district_id"]], dtype=np.int32)

    @cached_property
    def approximate(self) -> np.ndarray:
        """True per offer whose published point is only approximate (see :func:`approximate_flags`)."""
        return approximate_flags(self.dataset)

    @cached_property
    def undecided(self) -> np.ndarray:
        """True per offer inside the city whose district its location could not tell (city total only)."""
        offers = self.dataset.offers
        if "district_source" not in offers.columns:
            return np.zeros(len(offers), dtype=bool)
        none = offers["district_source"].astype(str).eq("none").to_numpy()
        return none & ~offers["outside_districts"].fillna(False).astype(bool).to_numpy()

    @property
    def method(self) -> str:
        """Population method of the cells (``population_grid`` or ``district_area``)."""
        return self.cells.method

    @property
    def district_ids(self) -> tuple[str, ...]:
        return tuple(self.model.table["district_id"])


@dataclass(frozen=True)
class PageParams:
    """Coverage page parameters beyond the shared filters (from the URL or the page's stores)."""

    metric: str = DEFAULT_METRIC
    focus: str | None = None
    mode: str = ""
    compare: tuple[str, ...] = ()


def page_params(query: Mapping[str, Any], district_ids: Sequence[str]) -> PageParams:
    """``metric``, ``district_focus``, ``mode`` and ``compare`` from a query; bad values dropped."""

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


def metric_label(metric: str, _: Translator) -> str:
    """Translated label of ``metric``."""
    return _(dict((k, label) for k, label, _u in METRICS)[metric])


def method_label(method: str, _: Translator) -> str:
    """Translated name of a population method (``a+b`` for mixed city rows)."""
    return " + ".join(_(METHOD_LABELS.get(part, part)) for part in method.split("+"))


def grid_path(city: Mapping[str, Any], folder: Path | None) -> Path | None:
    """The population grid named in ``city.json`` (a relative path is relative to the snapshot ``folder``)."""
    raw = city.get("population_grid")
    if not raw:
        return None
    path = Path(str(raw))
    if not path.is_absolute() and folder is not None and (Path(folder) / path).exists():
        path = Path(folder) / path
    return path


def counted_district_ids(offers: pd.DataFrame) -> pd.Series:
    """``district_id`` as the coverage figures count it.

    An offer whose ``district_source`` is ``none`` (its coarse location could not tell the
    district) counts in no district, only in the city total, whatever ``district_id`` says.

    Parameters
    ----------
    offers : DataFrame
        Offers with ``district_id`` and, optionally, ``district_source``.

    Returns
    -------
    Series
        ``district_id`` with None where the district is undecided.
    """
    ids = offers["district_id"].astype(object)
    if "district_source" not in offers.columns:
        return ids
    undecided = offers["district_source"].astype(str).eq("none").to_numpy()
    return ids.where(~undecided, None)


def approximate_flags(dataset: Dataset) -> np.ndarray:
    """True per offer located only approximately (``location_approximate`` or a coarse precision)."""
    flags = np.asarray(dataset.approximate, dtype=bool).copy()
    if "location_approximate" in dataset.offers.columns:
        flags |= dataset.offers["location_approximate"].fillna(False).astype(bool).to_numpy()
    return flags


def approximate_counts(district_index: np.ndarray, approximate: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Approximately located offers in ``mask`` per district (``n`` values) and the city total (last value)."""
    hit = np.asarray(mask, dtype=bool) & np.asarray(approximate, dtype=bool)
    inside = district_index[hit]
    per = np.bincount(inside[inside >= 0], minlength=n)[:n]
    return np.append(per, int(hit.sum())).astype(int)


def build_context(dataset: Dataset, folder: Path | None = None) -> CoverageContext:
    """Population cells and the precomputed model for ``dataset`` (once per snapshot).

    Adapts the dataset to the frames :mod:`analysis` takes. A configured but unusable
    population grid is logged and the district populations are spread over their areas
    instead (the method shown on the page says which was used).

    Raises
    ------
    CoverageSetupError
        When the dataset has no districts.
    """
    districts = m.districts_frame(list(dataset.districts))
    if not len(districts):
        raise CoverageSetupError("the dataset has no districts: add districts.geojson to show coverage per district")
    offers = dataset.offers[list(OFFER_COLUMNS)].copy()
    offers["district_id"] = counted_district_ids(dataset.offers)
    cells = m.cells_or_spread(districts, grid_path(dataset.city, folder))
    model = m.build_coverage_model(offers, districts, cells)
    logger.info("coverage: %d population cells (%s)", len(cells), cells.method)
    return CoverageContext(dataset, cells, model, offers)


# ---------------------------------------------------------------- one metric per district


def metric_table(ctx: CoverageContext, mask: np.ndarray, metric: str) -> pd.DataFrame:
    """One metric for every district plus the city row (``district_id == metrics.CITY``).

    Columns ``district_id, district_name, value, offers, residents, method, approximate``
    (``approximate``: how many of ``offers`` stand at an approximate location); ``value`` is
    offers per 1,000 residents, a share in percent (``within_*``), or the E2SFCA index per
    1,000 residents. Only this metric is computed.
    """
    per = with_undecided_in_city(ctx.model.per_1000(mask), int((mask & ctx.undecided).sum()))
    base = per[["district_id", "district_name", "offers", "residents", "method"]].copy()
    if metric == "per_1000":
        base["value"] = per["per_1000"].to_numpy(float)
    elif metric in ("within_500", "within_1000"):
        threshold = 500.0 if metric == "within_500" else 1000.0
        cov = ctx.model.coverage(mask, (threshold,))
        base["value"] = cov["share"].to_numpy(float) * 100.0
        base["residents"] = cov["residents"].to_numpy(float)
        base["method"] = cov["method"].to_numpy()
        base["median_distance_m"] = cov["median_distance_m"].to_numpy(float)
    elif metric == "e2sfca":
        acc = ctx.model.accessibility(mask, CATCHMENT)
        base["value"] = acc["access_per_1000"].to_numpy(float)
    else:
        raise m.MetricError(f"unknown metric {metric!r}; use one of {', '.join(METRIC_IDS)}")
    base.loc[base["district_id"] == m.CITY, "district_name"] = ""
    base["approximate"] = approximate_column(ctx, mask, base["district_id"])
    return base


def with_undecided_in_city(per: pd.DataFrame, undecided: int) -> pd.DataFrame:
    """The per-1,000 table with ``undecided`` offers added to the city row's count and rate only."""
    if not undecided:
        return per
    out = per.copy()
    city = out["district_id"] == m.CITY
    out.loc[city, "offers"] = out.loc[city, "offers"] + undecided
    residents = out.loc[city, "residents"].astype(float)
    out.loc[city, "per_1000"] = out.loc[city, "offers"].astype(float) / residents * 1000.0
    return out


def approximate_column(ctx: CoverageContext, mask: np.ndarray, district_ids: pd.Series) -> np.ndarray:
    """Approximately located offers in ``mask`` for each row of ``district_ids`` (the city row: all)."""
    ds_ids = ctx.dataset.district_ids
    counts = approximate_counts(ctx.district_index, ctx.approximate, mask, len(ds_ids))
    where = {d: i for i, d in enumerate(ds_ids)}
    return np.array([counts[-1] if d == m.CITY else counts[where[d]] if d in where else 0 for d in district_ids])


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """District rows (no city row) best first, with ``rank`` (1 = highest value; NaN last)."""
    rows = table.loc[table["district_id"] != m.CITY]
    value = rows["value"].to_numpy(float)
    known = np.isfinite(value)
    order = np.lexsort((rows["district_name"].to_numpy(str), -np.where(known, value, -np.inf), ~known))
    out = rows.iloc[order].reset_index(drop=True)
    out["rank"] = np.where(known[order], np.arange(1, len(out) + 1), np.nan)
    return out


def category_counts(ctx: CoverageContext, mask: np.ndarray) -> pd.DataFrame:
    """Offers per district x category (every combination, zeros = white spots)."""
    ds = ctx.dataset
    matrix = m.count_matrix(ctx.district_index, ds.categories, mask, len(ds.district_ids))
    table = ctx.model.table
    return m.tidy_counts(matrix, table, "category", ds.category_ids)


def focus_order(table: pd.DataFrame) -> list[str]:
    """District ids in the order the workshop steps through them (the ranking)."""
    return ranked(table)["district_id"].tolist()


@dataclass(frozen=True)
class FocusFigures:
    """The shown metric for one district against the city average, and its rank (workshop focus panel)."""

    district_id: str
    name: str
    value: float
    city: float
    rank: int | None
    ranked_of: int
    offers: int
    residents: float


def focus_figures(table: pd.DataFrame, district_id: str | None) -> FocusFigures | None:
    """The row of ``district_id`` in a :func:`metric_table` with the city value and rank (None when absent)."""
    order = ranked(table)
    row = order.loc[order["district_id"] == district_id]
    if not district_id or row.empty:
        return None
    r = row.iloc[0]
    city = table.loc[table["district_id"] == m.CITY, "value"].to_numpy(float)
    return FocusFigures(
        district_id=str(district_id),
        name=str(r["district_name"]),
        value=float(r["value"]),
        city=float(city[0]) if len(city) else float("nan"),
        rank=None if pd.isna(r["rank"]) else int(r["rank"]),
        ranked_of=int(order["rank"].notna().sum()),
        offers=int(r["offers"]),
        residents=float(r["residents"]),
    )


def step_district(order: Sequence[str], current: str | None, step: int) -> str | None:
    """The district ``step`` places after ``current`` in ``order`` (wrapping; first when none)."""
    if not order:
        return None
    if current not in order:
        return order[0] if step >= 0 else order[-1]
    return order[(list(order).index(current) + step) % len(order)]


# ---------------------------------------------------------------- district profile


@dataclass(frozen=True)
class DistrictProfile:
    """One district's figures for the profile page and the workshop comparison."""

    district_id: str
    name: str
    residents: float
    method: str
    offers: int
    approximate: int
    per_1000: float
    rank: int | None
    ranked_of: int
    city_per_1000: float
    by_category: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...]
    target_groups: tuple[tuple[str, int], ...]
    white_spots: tuple[str, ...]


def district_profile(ctx: CoverageContext, mask: np.ndarray, district_id: str) -> DistrictProfile:
    """Counts by category / language / target group, white spots, residents and rank (offers per 1,000)."""
    ds = ctx.dataset
    k = ds.district_ids.index(district_id)
    in_district = mask & (ctx.district_index == k)
    per = metric_table(ctx, mask, "per_1000")
    row = per.loc[per["district_id"] == district_id].iloc[0]
    city = per.loc[per["district_id"] == m.CITY].iloc[0]
    order = ranked(per)
    rank_row = order.loc[order["district_id"] == district_id].iloc[0]

    def counts(matrix: np.ndarray, groups: Sequence[str]) -> tuple[tuple[str, int], ...]:
        n = matrix[in_district].sum(axis=0)
        return tuple((g, int(c)) for g, c in zip(groups, n, strict=True))

    by_category = counts(ds.categories, ds.category_ids)
    languages = tuple((g, c) for g, c in counts(ds.languages, ds.language_ids) if c)
    targets = tuple((g, c) for g, c in counts(ds.targets, ds.target_ids) if c)
    return DistrictProfile(
        district_id=district_id,
        name=ds.district_names[district_id],
        residents=float(row["residents"]),
        method=str(row["method"]),
        offers=int(row["offers"]),
        approximate=int(row["approximate"]),
        per_1000=float(row["value"]),
        rank=None if pd.isna(rank_row["rank"]) else int(rank_row["rank"]),
        ranked_of=int(order["rank"].notna().sum()),
        city_per_1000=float(city["value"]),
        by_category=by_category,
        languages=languages,
        target_groups=targets,
        white_spots=tuple(c for c, n in by_category if n == 0),
    )


# ---------------------------------------------------------------- exports


CSV_HEADER: tuple[str, ...] = (
    "district_id",
    "district_name",
    "metric",
    "value",
    "unit",
    "offers",
    "offers_approximate",
    "residents",
    "method",
)


def csv_rows(ctx: CoverageContext, mask: np.ndarray, metrics: Sequence[str] = METRIC_IDS) -> list[list[object]]:
    """One row per district (and the city, ``_city``) x metric, values as computed by :func:`metric_table`."""
    rows: list[list[object]] = []
    units = {k: u for k, _l, u in METRICS}
    for metric in metrics:
        table = metric_table(ctx, mask, metric)
        for rec in table.itertuples(index=False):
            rows.append(
                [
                    rec.district_id,
                    rec.district_name,
                    metric,
                    _number(rec.value),
                    "percent" if units[metric] == "%" else "per_1000_residents",
                    int(rec.offers),
                    int(rec.approximate),
                    _number(rec.residents, 0),
                    rec.method,
                ]
            )
    return rows


def _number(value: float, digits: int = 4) -> str:
    if value is None or not np.isfinite(value):
        return ""
    return f"{value:.{digits}f}"


def notes_markdown(
    notes: str,
    title: str,
    filter_query: str,
    metric: str,
    table: pd.DataFrame,
    method: str,
    _: Translator,
    focus: DistrictProfile | None = None,
    lang: str = "de",
) -> str:
    """The workshop notes plus the focused district's and every district's figures as Markdown.

    Figures are written in ``lang``'s notation (the notes are read by people, not parsed).
    """
    lines = [f"# {title}", "", f"{_('Filter')}: `{filter_query or '-'}`", ""]
    lines += [f"## {_('Notizen')}", "", notes.strip() or "-", ""]
    if focus is not None:
        lines += focus_markdown(focus, _, lang)
    lines += [f"## {metric_label(metric, _)}", "", f"{_('Einwohner')}: {method_label(method, _)}", ""]
    lines += [f"| {_('Rang')} | {_('Stadtteil')} | {metric_label(metric, _)} | {_('Angebote')} |", "|---|---|---|---|"]
    for rec in ranked(table).itertuples(index=False):
        rank = "-" if pd.isna(rec.rank) else format_number(int(rec.rank), lang)
        value = _shown(rec.value, 1, lang)
        lines.append(f"| {rank} | {rec.district_name} | {value} | {format_number(int(rec.offers), lang)} |")
    city = table.loc[table["district_id"] == m.CITY]
    if len(city):
        value, offers = _shown(city["value"].iloc[0], 1, lang), format_number(int(city["offers"].iloc[0]), lang)
        lines.append(f"| | {_('Stadtdurchschnitt')} | {value} | {offers} |")
    return "\n".join(lines) + "\n"


def _shown(value: float, digits: int, lang: str) -> str:
    """A figure in ``lang``'s notation for the notes ("-" when unknown)."""
    return format_decimal(value, lang, digits) if value is not None and np.isfinite(value) else "-"


def focus_markdown(focus: DistrictProfile, _: Translator, lang: str = "de") -> list[str]:
    """The focused district's figures as Markdown lines (heading, facts, categories)."""
    rank = "-" if focus.rank is None else f"{format_number(focus.rank, lang)}/{format_number(focus.ranked_of, lang)}"
    approximate = format_number(focus.approximate, lang)
    lines = [f"## {_('Stadtteil')}: {focus.name}", ""]
    lines += [
        f"- {_('Einwohner')}: {_shown(focus.residents, 0, lang)} ({method_label(focus.method, _)})",
        f"- {_('Angebote')}: {format_number(focus.offers, lang)}"
        + (f" ({_('davon {n} mit ungefährer Lage', n=approximate)})" if focus.approximate else ""),
        f"- {_('Angebote je 1.000 Einwohner')}: {_shown(focus.per_1000, 1, lang)}"
        f" ({_('Stadtdurchschnitt')}: {_shown(focus.city_per_1000, 1, lang)})",
        f"- {_('Rang')}: {rank}",
        f"- {_('Weiße Flecken (Kategorien ohne Angebot)')}: {', '.join(focus.white_spots) or '-'}",
        "",
    ]
    return lines


# ---------------------------------------------------------------- one page state


def page_query(
    state: FilterState,
    metric: str,
    focus: str | None = None,
    mode: str = "",
    compare: Sequence[str] = (),
) -> str:
    """URL query of the coverage page: the shared filters plus ``metric``, ``district_focus``, mode, compare."""
    base = to_query(state)
    extra: list[tuple[str, str]] = []
    if metric != DEFAULT_METRIC:
        extra.append(("metric", metric))
    if focus:
        extra.append(("district_focus", focus))
    if mode == "workshop":
        extra.append(("mode", "workshop"))
    if compare:
        extra.append(("compare", ",".join(compare)))
    if not extra:
        return base
    tail = urlencode(extra, safe=",")
    return f"{base}&{tail}" if base else f"?{tail}"


def profile_href(state: FilterState, district_id: str | None) -> str:
    """Link to the printable profile of ``district_id`` with the current filters."""
    query = to_query(state)
    return f"/profile{query}{'&' if query else '?'}district={district_id or ''}"


def export_name(metric: str) -> str:
    """File name stem of the PNG/CSV exports of ``metric`` (from its German label)."""
    label = dict((k, label) for k, label, _u in METRICS)[metric]
    return "stadtkarte-" + label.split(" (")[0].lower().replace(" ", "-").replace(".", "")


@dataclass(frozen=True, eq=False)
class PageData:
    """What one coverage page state shows, as data (the markup is built from it)."""

    mask: np.ndarray
    table: pd.DataFrame
    order: list[str]
    focus: str | None
    focus_profile: DistrictProfile | None
    compare_profiles: tuple[DistrictProfile, ...]
    query: str
    csv_href: str
    profile_href: str
    filename: str


def page_data(ctx: CoverageContext, state: FilterState, params: PageParams) -> PageData:
    """The shown metric per district, ranking, focus, comparison and links for one page state."""
    mask = filter_mask(ctx.dataset, state)
    table = metric_table(ctx, mask, params.metric)
    order = focus_order(table)
    focus = params.focus if params.focus in order else None
    compare = params.compare if len(params.compare) == 2 else ()
    return PageData(
        mask=mask,
        table=table,
        order=order,
        focus=focus,
        focus_profile=district_profile(ctx, mask, focus) if focus else None,
        compare_profiles=tuple(district_profile(ctx, mask, d) for d in compare),
        query=page_query(state, params.metric, focus, params.mode, params.compare),
        csv_href="/api/coverage.csv" + page_query(state, DEFAULT_METRIC),
        profile_href=profile_href(state, focus),
        filename=export_name(params.metric),
    )
