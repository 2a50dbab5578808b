"""Coverage metrics per district: pure functions returning tidy tables.

Every function takes the offers (a DataFrame with ``district_id``, ``category``,
``languages``, ``target_groups`` and ``lon``/``lat`` in EPSG:4326 or ``x``/``y`` in
EPSG:25832), the districts (a GeoDataFrame with ``id, name, population, area_km2,
geometry``) and, where residents matter, :class:`~dashboard.population.PopulationCells`.
The dashboard's current filter arrives as ``mask`` (bool per offer row, True = visible),
so that the filtered offers never have to be copied. Distances are straight-line,
computed in EPSG:25832 (metres).

Tables are tidy: one row per district (x group), keyed by ``district_id``; rows for
the whole city carry ``district_id == CITY``. Every table derived from residents has a
``method`` column (see :mod:`dashboard.population`) that the dashboard shows next to
the figure.

For the dashboard's callbacks, :class:`CoverageModel` precomputes everything that does
not depend on the filter (offer positions, cell-to-district assignment, each cell's k
nearest offers, cells grouped into blocks, distances to each category / language /
target group, E2SFCA weights; lazily or all at once with :meth:`CoverageModel.warm`), so
that one filter change costs a few vectorised operations. The model's results equal the
pure functions (tests check this); distances beyond its cap (3 km) count as "no offer".
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from dashboard.population import METHOD_AREA, METHOD_GRID, METHOD_NONE, PopulationCells
from geodata.crs import to_metric

logger = logging.getLogger(__name__)

#: ``district_id`` of rows that describe the whole city.
CITY = "_city"
#: Default walking distances for distance coverage (metres, straight line).
DEFAULT_THRESHOLDS_M: tuple[float, ...] = (500.0, 1000.0)
#: Dimensions an offer can be counted by (offer column names).
DIMENSIONS: tuple[str, ...] = ("category", "languages", "target_groups")
#: Luo & Qi (2009) weights of the three equal sub-zones of the catchment.
STEP_WEIGHTS: tuple[float, float, float] = (1.0, 0.68, 0.22)
DECAYS: tuple[str, ...] = ("gaussian", "step", "none")
#: Median distances beyond this many metres are reported as ``inf`` ("more than 10 km").
MEDIAN_CAP_M = 10_000


class MetricError(ValueError):
    """Inputs to a metric are unusable."""


# ---------------------------------------------------------------- inputs


def offer_xy(offers: pd.DataFrame) -> np.ndarray:
    """Offer positions as an ``(n, 2)`` array in EPSG:25832 metres.

    Uses ``x``/``y`` (EPSG:25832) when present, else ``lon``/``lat`` (EPSG:4326), else a
    point geometry (any CRS).
    """
    if {"x", "y"} <= set(offers.columns):
        return np.column_stack([offers["x"].to_numpy(float), offers["y"].to_numpy(float)])
    if {"lon", "lat"} <= set(offers.columns):
        x, y = to_metric(offers["lon"].to_numpy(float), offers["lat"].to_numpy(float))
        return np.column_stack([x, y]).reshape(-1, 2)
    if isinstance(offers, gpd.GeoDataFrame) and offers.crs is not None:
        geom = offers.geometry.to_crs("EPSG:25832")
        return np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]).reshape(-1, 2)
    raise MetricError("offers need x/y (EPSG:25832), lon/lat (EPSG:4326) or a point geometry with a CRS")


def district_index(district_ids_of_offers: Iterable[object], district_ids: Sequence[str]) -> np.ndarray:
    """int32 position of each offer's district in ``district_ids``; -1 when outside or unknown."""
    position = {d: k for k, d in enumerate(district_ids)}
    return np.fromiter((position.get(d, -1) for d in district_ids_of_offers), dtype=np.int32)


def _mask(mask: np.ndarray | None, n: int) -> np.ndarray:
    if mask is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (n,):
        raise MetricError(f"mask has shape {mask.shape}, expected ({n},): one bool per offer row")
    return mask


def membership(values: pd.Series, groups: Sequence[str]) -> np.ndarray:
    """Boolean matrix offers x groups; ``values`` holds one id or a list of ids per offer."""
    position = {g: j for j, g in enumerate(groups)}
    rows, cols = [], []
    for i, v in enumerate(values):
        for item in v if isinstance(v, list | tuple | np.ndarray) else [v]:
            if item in position:
                rows.append(i)
                cols.append(position[item])
    matrix = np.zeros((len(values), len(groups)), dtype=bool)
    matrix[np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)] = True
    return matrix


def observed_groups(values: pd.Series) -> tuple[str, ...]:
    """Sorted ids occurring in a column of ids or lists of ids."""
    seen = {item for v in values for item in (v if isinstance(v, list | tuple | np.ndarray) else [v]) if item}
    return tuple(sorted(map(str, seen)))


def district_table(districts: gpd.GeoDataFrame | pd.DataFrame, cells: PopulationCells | None = None) -> pd.DataFrame:
    """One row per district: ``district_id, district_name, residents, area_km2, method``.

    Residents come from the population grid when ``cells`` were read from one, else from
    the district's ``population`` attribute (``method`` says which; districts without a
    population have ``residents`` NaN and ``method == "no_population"``).
    """
    ids = districts["id"].astype(str).to_numpy()
    attr = pd.to_numeric(districts.get("population", pd.Series(np.nan, index=districts.index)), errors="coerce")
    residents = attr.to_numpy(float)
    method = np.where(np.isfinite(residents) & (residents > 0), METHOD_AREA, METHOD_NONE).astype(object)
    if cells is not None and cells.method == METHOD_GRID:
        residents = cells.residents_by_district()
        method = np.full(len(ids), METHOD_GRID, dtype=object)
    residents = np.where(np.isfinite(residents) & (residents > 0), residents, np.nan)
    area = pd.to_numeric(districts.get("area_km2", pd.Series(np.nan, index=districts.index)), errors="coerce")
    return pd.DataFrame(
        {
            "district_id": ids,
            "district_name": districts["name"].astype(str).to_numpy(),
            "residents": residents,
            "area_km2": area.to_numpy(float),
            "method": method,
        }
    )


# ---------------------------------------------------------------- counts


def count_matrix(district: np.ndarray, member: np.ndarray, mask: np.ndarray | None, n_districts: int) -> np.ndarray:
    """Counts districts x groups of visible offers (vectorised; offers outside districts are skipped).

    Parameters
    ----------
    district : numpy.ndarray
        int district position per offer (-1 outside).
    member : numpy.ndarray
        bool matrix offers x groups.
    mask : numpy.ndarray or None
        Visible offers.
    n_districts : int
        Number of districts.
    """
    rows = _mask(mask, len(district)) & (district >= 0)
    r, g = np.nonzero(member[rows])
    n_groups = member.shape[1]
    flat = np.bincount(district[rows][r] * n_groups + g, minlength=n_districts * n_groups)
    return flat.reshape(n_districts, n_groups)


def tidy_counts(matrix: np.ndarray, table: pd.DataFrame, dimension: str, groups: Sequence[str]) -> pd.DataFrame:
    """Melt a districts x groups count matrix into ``district_id, district_name, dimension, group, offers``."""
    n_d, n_g = matrix.shape
    return pd.DataFrame(
        {
            "district_id": np.repeat(table["district_id"].to_numpy(), n_g),
            "district_name": np.repeat(table["district_name"].to_numpy(), n_g),
            "dimension": dimension,
            "group": np.tile(np.asarray(groups, dtype=object), n_d),
            "offers": matrix.ravel().astype(np.int64),
        }
    )


def offers_by_district(
    offers: pd.DataFrame,
    districts: gpd.GeoDataFrame | pd.DataFrame,
    dimension: str = "category",
    mask: np.ndarray | None = None,
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Offers per district x group of ``dimension`` (``category``, ``languages`` or ``target_groups``).

    Every district x group combination is present, with ``offers == 0`` where there is none
    (see :func:`white_spots`). An offer with two languages counts once for each. Offers
    outside every district are not in the table; their number is in ``attrs["outside"]``.

    Parameters
    ----------
    groups : sequence of str, optional
        Groups to report (e.g. the taxonomy's category ids); default: those occurring in ``offers``.
    """
    if dimension not in DIMENSIONS:
        raise MetricError(f"unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}")
    table = district_table(districts)
    groups = tuple(groups) if groups is not None else observed_groups(offers[dimension])
    district = district_index(offers["district_id"], table["district_id"].tolist())
    visible = _mask(mask, len(offers))
    matrix = count_matrix(district, membership(offers[dimension], groups), visible, len(table))
    out = tidy_counts(matrix, table, dimension, groups)
    out.attrs["outside"] = int((visible & (district < 0)).sum())
    return out


def white_spots(counts: pd.DataFrame) -> pd.DataFrame:
    """District x group combinations of a :func:`offers_by_district` table with no offer."""
    return counts.loc[counts["offers"] == 0].reset_index(drop=True)


def offers_per_1000(
    offers: pd.DataFrame,
    districts: gpd.GeoDataFrame | pd.DataFrame,
    mask: np.ndarray | None = None,
    cells: PopulationCells | None = None,
) -> pd.DataFrame:
    """Visible offers and offers per 1,000 residents per district, plus a :data:`CITY` row.

    Columns: ``district_id, district_name, offers, residents, per_1000, method``. ``per_1000``
    is NaN where residents are unknown. The city row counts the offers in districts with
    known residents over those residents (the city average a district is compared with);
    offers outside every district are in ``attrs["outside"]``.
    """
    table = district_table(districts, cells)
    district = district_index(offers["district_id"], table["district_id"].tolist())
    return per_1000_table(district, _mask(mask, len(offers)), table)


def per_1000_table(district: np.ndarray, mask: np.ndarray, table: pd.DataFrame) -> pd.DataFrame:
    """:func:`offers_per_1000` from a district index per offer and a :func:`district_table`."""
    visible = mask & (district >= 0)
    counts = np.bincount(district[visible], minlength=len(table)).astype(np.int64)
    residents = table["residents"].to_numpy(float)
    known = np.isfinite(residents)
    out = table[["district_id", "district_name"]].copy()
    out["offers"] = counts
    out["residents"] = residents
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = np.where(known, counts / residents * 1000.0, np.nan)
    out["method"] = table["method"].to_numpy()
    city_res = residents[known].sum()
    city_offers = int(counts[known].sum())
    methods = sorted(set(table.loc[known, "method"])) or [METHOD_NONE]
    city = {
        "district_id": CITY,
        "district_name": "",
        "offers": city_offers,
        "residents": city_res if city_res > 0 else np.nan,
        "per_1000": city_offers / city_res * 1000.0 if city_res > 0 else np.nan,
        "method": "+".join(methods),
    }
    out = pd.concat([out, pd.DataFrame([city])], ignore_index=True)
    out.attrs["outside"] = int((mask & (district < 0)).sum())
    return out


# ---------------------------------------------------------------- distance coverage


def nearest_distances(cell_xy: np.ndarray, points_xy: np.ndarray, max_distance_m: float = np.inf) -> np.ndarray:
    """Straight-line distance from each cell to the nearest point (metres, EPSG:25832).

    ``inf`` where no point lies within ``max_distance_m`` (or there are no points).
    """
    if len(points_xy) == 0 or len(cell_xy) == 0:
        return np.full(len(cell_xy), np.inf)
    tree = cKDTree(points_xy)
    dist, _ = tree.query(cell_xy, k=1, distance_upper_bound=max_distance_m, workers=-1)
    return dist


def coverage_from_distances(
    cells: PopulationCells, distances: np.ndarray, table: pd.DataFrame, thresholds: Sequence[float]
) -> pd.DataFrame:
    """Tidy distance coverage from per-cell nearest distances (see :func:`distance_coverage`)."""
    n_d = len(table)
    inside = cells.district >= 0
    d_idx, pop, dist = cells.district[inside], cells.population[inside], distances[inside]
    residents = np.bincount(d_idx, weights=pop, minlength=n_d)
    median = median_distance_by_group(dist, pop, d_idx, n_d)
    city_median = median_distance_by_group(dist, pop, np.zeros(len(dist), dtype=np.int64), 1)[0]
    method = np.where(residents > 0, cells.method, METHOD_NONE)
    frames = []
    for r in thresholds:
        within = np.bincount(d_idx, weights=pop * (dist <= r), minlength=n_d)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(residents > 0, within / residents, np.nan)
        total = residents.sum()
        frames.append(
            pd.DataFrame(
                {
                    "district_id": [*table["district_id"], CITY],
                    "district_name": [*table["district_name"], ""],
                    "threshold_m": float(r),
                    "residents": [*residents, total],
                    "residents_within": [*within, within.sum()],
                    "share": [*share, within.sum() / total if total > 0 else np.nan],
                    "median_distance_m": [*median, city_median],
                    "method": [*method, cells.method if total > 0 else METHOD_NONE],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def median_distance_by_group(
    distances: np.ndarray, weights: np.ndarray, group: np.ndarray, n_groups: int, cap_m: int = MEDIAN_CAP_M
) -> np.ndarray:
    """Residents-weighted median distance per group, in whole metres (rounded up).

    The lower weighted median: the smallest distance at which half of the group's residents
    are reached. ``inf`` when that is beyond ``cap_m`` metres or there is no offer; NaN for a
    group without residents. One histogram pass (no sort), so it stays fast on 500,000 cells.
    """
    finite = np.isfinite(distances)
    if finite.any():  # bins beyond the largest finite distance would stay empty: leave them out
        cap_m = min(cap_m, int(np.ceil(distances[finite].max())))
    width = cap_m + 2
    bins = np.full(len(distances), cap_m + 1, dtype=np.int64)
    bins[finite] = np.minimum(np.ceil(distances[finite]), cap_m + 1).astype(np.int64)
    hist = np.bincount(group * width + bins, weights=weights, minlength=n_groups * width).reshape(n_groups, width)
    cum = np.cumsum(hist, axis=1)
    total = cum[:, -1]
    pos = np.argmax(cum >= (total * 0.5 * (1 - 1e-12))[:, None], axis=1)
    out = pos.astype(float)
    out[pos == cap_m + 1] = np.inf
    out[~(total > 0)] = np.nan
    return out


def distance_coverage(
    offers: pd.DataFrame,
    districts: gpd.GeoDataFrame | pd.DataFrame,
    cells: PopulationCells,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS_M,
    mask: np.ndarray | None = None,
    max_distance_m: float = np.inf,
) -> pd.DataFrame:
    """Share of residents within each straight-line distance of at least one visible offer.

    Returns one row per district x threshold (plus :data:`CITY` rows): ``district_id,
    district_name, threshold_m, residents, residents_within, share, median_distance_m,
    method``. ``median_distance_m`` is the residents' median distance to their nearest
    visible offer (``inf`` when there is none). A cell at exactly the threshold counts as
    within. Offers outside every district still serve residents nearby. Distances beyond
    ``max_distance_m`` count as no offer (``inf``; the dashboard caps at 3 km).
    """
    table = district_table(districts, cells)
    xy = offer_xy(offers)[_mask(mask, len(offers))]
    return coverage_from_distances(cells, nearest_distances(cells.xy, xy, max_distance_m), table, thresholds)


def distance_curve(
    cells: PopulationCells, distances: np.ndarray, step_m: float = 100.0, max_m: float = 3000.0
) -> pd.DataFrame:
    """City-wide share of residents within ``d`` metres of an offer, for d = 0, step, ..., max.

    Columns ``distance_m, share, method``; ``share`` is NaN when no residents are known.
    """
    grid = np.arange(0.0, max_m + step_m / 2, step_m)
    pop = cells.population
    total = pop.sum()
    # one histogram pass (no sort): bin b holds the residents with (b-1) step < d <= b step
    finite = np.isfinite(distances)
    bins = np.full(len(distances), len(grid), dtype=np.int64)
    bins[finite] = np.minimum(np.ceil(distances[finite] / step_m), len(grid)).astype(np.int64)
    reached = np.cumsum(np.bincount(bins, weights=pop, minlength=len(grid) + 1))[: len(grid)]
    share = reached / total if total > 0 else np.full(len(grid), np.nan)
    return pd.DataFrame({"distance_m": grid, "share": share, "method": cells.method if total > 0 else METHOD_NONE})


# ---------------------------------------------------------------- E2SFCA


@dataclass(frozen=True)
class Catchment:
    """Catchment and distance decay of the E2SFCA accessibility index.

    Attributes
    ----------
    radius_m : float
        Catchment radius in metres (straight line, EPSG:25832); weight 0 beyond it.
    decay : str
        ``"gaussian"``: ``exp(-d² / (2 sigma²))``; ``"step"``: Luo & Qi's 1.00 / 0.68 / 0.22 on the
        three equal sub-zones ``d <= r/3``, ``<= 2r/3``, ``<= r``; ``"none"``: 1 (classic 2SFCA).
    sigma_m : float or None
        Width of the Gaussian in metres; default ``radius_m / 2`` (weight 0.135 at the edge).
    """

    radius_m: float = 1000.0
    decay: str = "gaussian"
    sigma_m: float | None = None

    def __post_init__(self) -> None:
        if self.decay not in DECAYS:
            raise MetricError(f"unknown distance decay {self.decay!r}; use one of {', '.join(DECAYS)}")
        if not self.radius_m > 0:
            raise MetricError(f"catchment radius must be positive metres, got {self.radius_m!r}")

    @property
    def sigma(self) -> float:
        return self.sigma_m if self.sigma_m else self.radius_m / 2.0

    def weight(self, distance_m: np.ndarray) -> np.ndarray:
        """Weight of each distance (metres); 0 beyond the radius."""
        d = np.asarray(distance_m, dtype=float)
        if self.decay == "gaussian":
            w = np.exp(-(d**2) / (2.0 * self.sigma**2))
        elif self.decay == "step":
            r = self.radius_m
            w = np.select([d <= r / 3, d <= 2 * r / 3], list(STEP_WEIGHTS[:2]), STEP_WEIGHTS[2])
        else:
            w = np.ones_like(d)
        return np.where(d <= self.radius_m, w, 0.0)


def catchment_pairs(
    cell_xy: np.ndarray, offer_xy: np.ndarray, radius_m: float, chunk: int = 20_000
) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(cell, offer, distance)`` arrays of all pairs within ``radius_m`` (chunked by offer)."""
    if len(cell_xy) == 0 or len(offer_xy) == 0:
        return
    cell_tree = cKDTree(cell_xy)
    for start in range(0, len(offer_xy), chunk):
        tree = cKDTree(offer_xy[start : start + chunk])
        pairs = cell_tree.sparse_distance_matrix(tree, radius_m, output_type="ndarray")
        yield pairs["i"].astype(np.intp), pairs["j"].astype(np.intp) + start, pairs["v"]


@dataclass(frozen=True, eq=False)
class E2sfcaWeights:
    """Filter-independent parts of E2SFCA for a set of offers.

    Attributes
    ----------
    demand : numpy.ndarray
        Stage 1 denominator per offer: ``sum_i P_i w(d_ij)`` over cells in its catchment.
    by_district : scipy.sparse.csr_matrix
        offers x districts, ``sum_{i in k} P_i w(d_ij)``; so the residents-weighted mean index of
        district k is ``(R @ by_district)[k] / residents_k`` with ``R_j = S_j / demand_j``.
    catchment : Catchment
    """

    demand: np.ndarray
    by_district: sparse.csr_matrix
    catchment: Catchment


def e2sfca_weights(
    cells: PopulationCells, offer_positions: np.ndarray, catchment: Catchment, chunk: int = 5_000
) -> E2sfcaWeights:
    """Precompute :class:`E2sfcaWeights` (once per catchment; does not depend on filters)."""
    n_o, n_d = len(offer_positions), len(cells.district_ids)
    demand = np.zeros(n_o)
    blocks = []
    inside = cells.district >= 0
    start = 0
    for i, j, d in catchment_pairs(cells.xy, offer_positions, catchment.radius_m, chunk=chunk):
        pw = cells.population[i] * catchment.weight(d)
        demand += np.bincount(j, weights=pw, minlength=n_o)
        rows = min(chunk, n_o - start)
        keep = inside[i]
        key = (j[keep] - start) * n_d + cells.district[i[keep]]
        dense = np.bincount(key, weights=pw[keep], minlength=rows * n_d).reshape(rows, n_d)
        blocks.append(sparse.csr_matrix(dense))
        start += rows
    acc = sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((n_o, n_d))
    return E2sfcaWeights(demand, acc.tocsr(), catchment)


def _supply_ratio(demand: np.ndarray, capacity: np.ndarray | None, mask: np.ndarray | None) -> np.ndarray:
    supply = np.ones(len(demand)) if capacity is None else np.asarray(capacity, dtype=float)
    supply = np.where(_mask(mask, len(demand)), supply, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demand > 0, supply / demand, 0.0)


def e2sfca_cells(
    cells: PopulationCells,
    offer_positions: np.ndarray,
    catchment: Catchment = Catchment(),
    capacity: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """E2SFCA accessibility per population cell (Luo & Qi 2009), in offers per resident.

    Stage 1: ``R_j = S_j / sum_i P_i w(d_ij)`` for each visible offer j over cells i within the
    catchment. Stage 2: ``A_i = sum_j R_j w(d_ij)``. Capacity ``S_j`` defaults to 1; an offer
    with no residents in its catchment gets ``R_j = 0``.
    """
    pairs = list(catchment_pairs(cells.xy, offer_positions, catchment.radius_m))
    demand = np.zeros(len(offer_positions))
    for i, j, d in pairs:
        demand += np.bincount(j, weights=cells.population[i] * catchment.weight(d), minlength=len(demand))
    ratio = _supply_ratio(demand, capacity, mask)
    access = np.zeros(len(cells))
    for i, j, d in pairs:
        access += np.bincount(i, weights=ratio[j] * catchment.weight(d), minlength=len(access))
    return access


def e2sfca_from_weights(
    weights: E2sfcaWeights,
    table: pd.DataFrame,
    capacity: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> pd.DataFrame:
    """Residents-weighted mean E2SFCA index per district from precomputed weights.

    Columns ``district_id, district_name, residents, access_per_1000, method, catchment_m,
    decay``, plus a :data:`CITY` row; ``access_per_1000`` is offers reachable per 1,000
    residents (NaN without residents).
    """
    ratio = _supply_ratio(weights.demand, capacity, mask)
    reached = weights.by_district.T @ ratio
    residents = table["residents"].to_numpy(float)
    known = np.isfinite(residents) & (residents > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_1000 = np.where(known, reached / residents * 1000.0, np.nan)
    total = residents[known].sum()
    methods = sorted(set(table.loc[known, "method"])) or [METHOD_NONE]
    return pd.DataFrame(
        {
            "district_id": [*table["district_id"], CITY],
            "district_name": [*table["district_name"], ""],
            "residents": [*residents, total if total > 0 else np.nan],
            "access_per_1000": [*per_1000, reached[known].sum() / total * 1000.0 if total > 0 else np.nan],
            "method": [*table["method"], "+".join(methods)],
            "catchment_m": weights.catchment.radius_m,
            "decay": weights.catchment.decay,
        }
    )


def e2sfca_by_district(
    offers: pd.DataFrame,
    districts: gpd.GeoDataFrame | pd.DataFrame,
    cells: PopulationCells,
    catchment: Catchment = Catchment(),
    capacity: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> pd.DataFrame:
    """Residents-weighted mean E2SFCA accessibility per district (see :func:`e2sfca_from_weights`)."""
    table = district_table(districts, cells)
    visible = _mask(mask, len(offers))
    supply = None if capacity is None else np.asarray(capacity, dtype=float)[visible]
    return e2sfca_from_weights(e2sfca_weights(cells, offer_xy(offers)[visible], catchment), table, supply)


# ---------------------------------------------------------------- inequality


def lorenz_curve(offers: np.ndarray, residents: np.ndarray) -> pd.DataFrame:
    """Lorenz curve of offers over residents across districts.

    Districts (those with residents) are sorted by offers per resident, ascending; the curve
    runs from (0, 0) through the cumulative shares of residents (x) and offers (y) to (1, 1).
    Columns ``residents_share, offers_share``; empty when there are no residents or no offers.
    """
    offers, residents = np.asarray(offers, float), np.asarray(residents, float)
    keep = np.isfinite(residents) & (residents > 0)
    o, p = offers[keep], residents[keep]
    if not len(p) or o.sum() <= 0:
        return pd.DataFrame({"residents_share": [], "offers_share": []})
    order = np.argsort(o / p, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(p[order]) / p.sum()])
    y = np.concatenate([[0.0], np.cumsum(o[order]) / o.sum()])
    return pd.DataFrame({"residents_share": x, "offers_share": y})


def gini(offers: np.ndarray, residents: np.ndarray) -> float:
    """Gini coefficient of offers per resident across districts, residents-weighted.

    ``1 - sum_k (x_k - x_{k-1}) (y_k + y_{k-1})`` over the :func:`lorenz_curve`: 0 when every
    resident has the same number of offers per head in their district, towards 1 when all
    offers sit in a district with few residents. NaN without residents or without offers.
    """
    curve = lorenz_curve(offers, residents)
    if curve.empty:
        return float("nan")
    x, y = curve["residents_share"].to_numpy(), curve["offers_share"].to_numpy()
    return float(1.0 - np.sum(np.diff(x) * (y[1:] + y[:-1])))


def inequality(per_1000: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Gini and Lorenz curve from an :func:`offers_per_1000` table (city row ignored)."""
    rows = per_1000.loc[per_1000["district_id"] != CITY]
    offers, residents = rows["offers"].to_numpy(float), rows["residents"].to_numpy(float)
    return gini(offers, residents), lorenz_curve(offers, residents)


# ---------------------------------------------------------------- precomputed model for callbacks


@dataclass(frozen=True, eq=False)
class CellBlocks:
    """Population cells grouped into square blocks (to bound nearest-offer searches).

    Attributes
    ----------
    size_m : float
        Side of a block in metres (EPSG:25832).
    block : numpy.ndarray
        int32 block number of each cell.
    centre : numpy.ndarray
        ``(blocks, 2)`` block centres (metres, EPSG:25832).
    radius : numpy.ndarray
        Per block, the largest distance from its centre to one of its cells (metres).
    order : numpy.ndarray
        Cell indices sorted by block (so that a block's cells are contiguous).
    counts : numpy.ndarray
        Cells per block.
    sorted_x, sorted_y : numpy.ndarray
        Cell coordinates in ``order`` (contiguous, for the search over all cells).
    """

    size_m: float
    block: np.ndarray
    centre: np.ndarray
    radius: np.ndarray
    order: np.ndarray
    counts: np.ndarray
    sorted_x: np.ndarray
    sorted_y: np.ndarray

    def __len__(self) -> int:
        return len(self.radius)


def cell_blocks(cell_xy: np.ndarray, size_m: float) -> CellBlocks:
    """Group cells (``(n, 2)`` metres, EPSG:25832) into square blocks of side ``size_m``."""
    key = np.floor(cell_xy / size_m).astype(np.int64)
    key -= key.min(axis=0) if len(key) else 0
    flat = key[:, 0] * (int(key[:, 1].max(initial=0)) + 1) + key[:, 1]
    uniq, block = np.unique(flat, return_inverse=True)
    block = block.astype(np.int32).ravel()
    centre = np.zeros((len(uniq), 2))
    counts = np.bincount(block, minlength=len(uniq))
    for axis in (0, 1):
        lo = np.full(len(uniq), np.inf)
        hi = np.full(len(uniq), -np.inf)
        np.minimum.at(lo, block, cell_xy[:, axis])
        np.maximum.at(hi, block, cell_xy[:, axis])
        centre[:, axis] = np.where(counts > 0, (lo + hi) / 2.0, 0.0)
    radius = np.zeros(len(uniq))
    np.maximum.at(radius, block, np.hypot(*(cell_xy - centre[block]).T))
    order = np.argsort(block, kind="stable")
    return CellBlocks(
        float(size_m), block, centre, radius, order, counts, cell_xy[order, 0].copy(), cell_xy[order, 1].copy()
    )


def nearest_by_blocks(
    cell_xy: np.ndarray, todo: np.ndarray, blocks: CellBlocks, points: np.ndarray, max_distance_m: float, k: int = 8
) -> np.ndarray:
    """Exact nearest-point distance for the cells ``todo``, searching from block centres.

    For a block with centre ``c`` and radius ``rho`` whose nearest point lies at ``d1`` from
    ``c``, every cell's nearest point lies within ``d1 + 2 rho`` of ``c``. The ``k`` points
    nearest to ``c`` are therefore a complete candidate set when the k-th is farther than
    that; cells of other blocks are queried one by one. Distances beyond ``max_distance_m``
    are ``inf``.

    Parameters
    ----------
    cell_xy : numpy.ndarray
        ``(n, 2)`` cell centres, metres (EPSG:25832).
    todo : numpy.ndarray
        Indices of the cells to compute.
    blocks : CellBlocks
        :func:`cell_blocks` of ``cell_xy``.
    points : numpy.ndarray
        ``(m, 2)`` visible offers, metres (EPSG:25832); ``m >= 1``.
    """
    tree = cKDTree(points)
    kk = min(k, len(points))
    if len(todo) == len(cell_xy):  # every cell: use the block-ordered copies (no gathers)
        cells, counts, cx, cy = blocks.order, blocks.counts, blocks.sorted_x, blocks.sorted_y
        needed = np.arange(len(blocks))
    else:
        flag = np.zeros(len(cell_xy), dtype=bool)
        flag[todo] = True
        cells = blocks.order[flag[blocks.order]]  # the todo cells, grouped by block
        counts = np.bincount(blocks.block[cells], minlength=len(blocks))
        needed = np.flatnonzero(counts)
        counts = counts[needed]
        cx, cy = cell_xy[cells, 0], cell_xy[cells, 1]
    rho = blocks.radius[needed]
    bound = max_distance_m + 2.0 * float(rho.max(initial=0.0))
    d, j = tree.query(blocks.centre[needed], k=kk, distance_upper_bound=bound)
    d, j = d.reshape(len(needed), kk), j.reshape(len(needed), kk)
    reach = d[:, 0] + 2.0 * rho  # every cell's nearest point lies within this of the centre
    far = d[:, 0] - rho > max_distance_m  # every cell of the block is beyond the cap: nothing to compute
    complete = far | (kk == len(points)) | (d[:, -1] > reach)
    px, py = np.append(points[:, 0], np.inf), np.append(points[:, 1], np.inf)  # index m = none within bound
    best = np.full(len(cells), np.inf)
    for col in range(kk):
        # candidates farther than ``reach`` from the centre cannot be any cell's nearest: skip them
        use = complete & ~far & (d[:, col] <= reach)
        if not use.any():
            break
        if use.all():
            dx = cx - np.repeat(px[j[:, col]], counts)
            dy = cy - np.repeat(py[j[:, col]], counts)
            np.minimum(best, dx * dx + dy * dy, out=best)
            continue
        n_use = np.where(use, counts, 0)
        rows = np.repeat(use, counts)
        dx = cx[rows] - np.repeat(px[j[:, col]], n_use)
        dy = cy[rows] - np.repeat(py[j[:, col]], n_use)
        best[rows] = np.minimum(best[rows], dx * dx + dy * dy)
    out = np.full(len(cell_xy), np.inf)
    out[cells] = np.sqrt(best)
    rest = cells[~np.repeat(complete, counts)]
    if len(rest):
        out[rest], _ = tree.query(cell_xy[rest], k=1, distance_upper_bound=max_distance_m)
    out = out[todo]
    return np.where(out <= max_distance_m, out, np.inf)


def _group_weights(member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 membership matrix and group sizes (exact in float32 up to 16.7 million offers)."""
    weights = member.astype(np.float32)
    return weights, weights.sum(axis=0)


def _mask_key(mask: np.ndarray) -> bytes:
    return hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest()


@dataclass(frozen=True, eq=False)
class CoverageModel:
    """Everything about the coverage analysis that does not depend on the filter.

    Build once with :func:`build_coverage_model` (cheap: positions and indices only); the
    search structures are built on first use and kept, and results for recent masks are
    kept in a small LRU cache (keyed by a hash of the mask bits and the parameters).

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`district_table` (district order = index order everywhere).
    cells : PopulationCells
    offer_positions : numpy.ndarray
        ``(n, 2)`` offer positions, EPSG:25832.
    offer_district : numpy.ndarray
        int32 district position per offer (-1 outside).
    groups : Mapping
        Per dimension (e.g. ``"category"``), a bool matrix offers x groups. A filter that selects
        whole groups of one dimension (the usual "offers of this kind / in this language") takes
        the minimum of per-group distances, each computed once on first use (cells x 8 bytes).
    k : int
        Nearest offers remembered per cell for dense filters (memory: cells x k x 12 bytes).
    max_distance_m : float
        Distances beyond this many metres count as "no offer nearby" (``inf``); default 3 km.
    cache_size : int
        Filter states whose results are kept.
    """

    table: pd.DataFrame
    cells: PopulationCells
    offer_positions: np.ndarray
    offer_district: np.ndarray
    groups: Mapping[str, np.ndarray] = field(default_factory=dict)
    k: int = 8
    max_distance_m: float = 3000.0
    cache_size: int = 16
    _memo: dict[object, object] = field(default_factory=dict, repr=False)
    _cache: OrderedDict[object, object] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- lazily built search structures

    def _once(self, key: object, build: Callable[[], object]) -> object:
        # built outside the lock so that a request never waits for another structure being built
        # (a rare race computes the same value twice; both results are equal)
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = build()
        with self._lock:
            return self._memo.setdefault(key, value)

    def warm(self, catchments: Sequence[Catchment] = ()) -> None:
        """Build every search structure now (kNN, cell blocks, per-group distances, E2SFCA weights).

        Everything is otherwise built on first use; call this at start (e.g. in a background
        thread) so that no filter change pays for it. Memory: cells x (k x 12 + groups x 8) bytes.
        """
        self.knn()
        for size in BLOCK_SIZES_M:
            self.blocks(size)
        for dimension, member in self.groups.items():
            for column in range(member.shape[1]):
                self.group_distances(dimension, column)
        for catchment in catchments:
            self.e2sfca_weights(catchment)

    def _cached(self, key: object, compute: Callable[[], object]) -> object:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value

    def knn(self) -> tuple[np.ndarray, np.ndarray]:
        """``(k, cells)`` indices of and distances to each cell's k nearest offers (unfiltered).

        Stored rank by rank (row r = every cell's r-th nearest offer), so that a rank is contiguous.
        """

        def build() -> tuple[np.ndarray, np.ndarray]:
            n, k = len(self.cells), min(self.k, len(self.offer_positions))
            if not (k and n):
                return np.zeros((0, n), dtype=np.int32), np.zeros((0, n))
            dist, idx = cKDTree(self.offer_positions).query(self.cells_xy, k=k, workers=-1)
            idx, dist = idx.reshape(n, k), dist.reshape(n, k)
            return np.ascontiguousarray(idx.T.astype(np.int32)), np.ascontiguousarray(dist.T)

        return self._once("knn", build)  # type: ignore[return-value]

    def blocks(self, size_m: float) -> CellBlocks:
        """:func:`cell_blocks` of the population cells for ``size_m`` (built once per size)."""
        return self._once(("blocks", size_m), lambda: cell_blocks(self.cells_xy, size_m))  # type: ignore[return-value]

    def block_size(self, visible: int, cap: float | None = None) -> float:
        """Block side for ``visible`` offers: about half their mean spacing, at most half the cap.

        Chosen from :data:`BLOCK_SIZES_M` (measured on 500,000 cells: smaller blocks mean more
        centre queries, larger ones more candidates per cell).
        """
        area = self._once("area", self._cells_area)  # type: ignore[assignment]
        spacing = math.sqrt(max(area, 1.0) / max(visible, 1))
        cap = self.max_distance_m if cap is None else cap
        target = max(min(spacing / 2.0, cap / 2.0), 1.0)
        return min(BLOCK_SIZES_M, key=lambda s: abs(math.log(s / target)))

    def _cells_area(self) -> float:
        """Area of the cells' bounding box (m²)."""
        c = self.cells
        return float((c.x.max() - c.x.min()) * (c.y.max() - c.y.min())) if len(c) else 0.0

    # -- per filter state

    def distances(self, mask: np.ndarray | None, max_distance_m: float | None = None) -> np.ndarray:
        """Per cell, the distance to the nearest visible offer (metres; inf beyond the cap).

        Dense filters use the precomputed k nearest offers of each cell; cells whose k
        candidates are all hidden (and sparse filters altogether) are searched from block
        centres (:func:`nearest_by_blocks`). Exact; equals :func:`nearest_distances` capped.
        """
        cap = self.max_distance_m if max_distance_m is None else float(max_distance_m)
        visible = _mask(mask, len(self.offer_positions))
        key = ("distances", _mask_key(visible), cap)
        return self._cached(key, lambda: self._distances(visible, cap))  # type: ignore[return-value]

    def group_distances(self, dimension: str, column: int) -> np.ndarray:
        """Per cell, the exact distance to the nearest offer of one group (computed once, then kept)."""

        def build() -> np.ndarray:
            return nearest_distances(self.cells_xy, self.offer_positions[self.groups[dimension][:, column]])

        return self._once(("group", dimension, column), build)  # type: ignore[return-value]

    def whole_groups(self, visible: np.ndarray) -> tuple[str, np.ndarray] | None:
        """``(dimension, columns)`` when ``visible`` is exactly the offers of some groups of one dimension."""
        shown = visible.astype(np.float32)
        for dimension, member in self.groups.items():
            # groups all of whose offers are visible (an offer may belong to several groups):
            # visible members per group by one matrix product, compared with the group sizes
            weights, sizes = self._once(("group_weights", dimension), lambda m=member: _group_weights(m))  # type: ignore[misc]
            columns = np.flatnonzero((shown @ weights == sizes) & (sizes > 0))
            if len(columns) and np.array_equal(member[:, columns].any(axis=1), visible):
                return dimension, columns
        return None

    @property
    def cells_xy(self) -> np.ndarray:
        """``(cells, 2)`` cell centres (EPSG:25832), built once."""
        return self._once("cells_xy", lambda: self.cells.xy)  # type: ignore[return-value]

    def _distances(self, visible: np.ndarray, cap: float) -> np.ndarray:
        n, m_visible = len(self.cells), int(visible.sum())
        dist = np.full(n, np.inf)
        if n == 0 or m_visible == 0:
            return dist
        if visible.all() and self.k:  # every offer: the nearest one overall
            dist = self.knn()[1][0]
            return np.where(dist <= cap, dist, np.inf)
        if whole := self.whole_groups(visible):
            dimension, columns = whole
            dist = self.group_distances(dimension, columns[0]).copy()
            for c in columns[1:]:
                np.minimum(dist, self.group_distances(dimension, c), out=dist)
            return np.where(dist <= cap, dist, np.inf)
        todo = np.arange(n)
        share = m_visible / len(visible)
        if share >= DENSE_SHARE and self.k:
            idx, cand = self.knn()
            # rank by rank, only for the cells still without a visible candidate
            hit = visible[idx[0]]
            dist = np.where(hit, cand[0], np.inf)
            todo = np.flatnonzero(~hit)
            for rank in range(1, len(idx)):
                if not len(todo):
                    break
                hit = visible[idx[rank, todo]]
                dist[todo[hit]] = cand[rank, todo[hit]]
                todo = todo[~hit]
            todo = todo[cand[-1, todo] <= cap]  # else the nearest visible offer is beyond the cap
        if len(todo):
            blocks = self.blocks(self.block_size(m_visible, cap))
            dist[todo] = nearest_by_blocks(self.cells_xy, todo, blocks, self.offer_positions[visible], cap, k=12)
        return np.where(dist <= cap, dist, np.inf)

    def e2sfca_weights(self, catchment: Catchment) -> E2sfcaWeights:
        """Precomputed E2SFCA weights for ``catchment`` (computed on first use, then kept)."""
        key = ("e2sfca", catchment)
        return self._once(key, lambda: e2sfca_weights(self.cells, self.offer_positions, catchment))  # type: ignore[return-value]

    def per_1000(self, mask: np.ndarray | None) -> pd.DataFrame:
        """:func:`offers_per_1000` for the visible offers."""
        return per_1000_table(self.offer_district, _mask(mask, len(self.offer_district)), self.table)

    def coverage(self, mask: np.ndarray | None, thresholds: Sequence[float] = DEFAULT_THRESHOLDS_M) -> pd.DataFrame:
        """:func:`distance_coverage` for the visible offers (distances capped at ``max_distance_m``)."""
        visible = _mask(mask, len(self.offer_positions))
        key = ("coverage", _mask_key(visible), tuple(thresholds))
        compute = lambda: coverage_from_distances(self.cells, self.distances(visible), self.table, thresholds)  # noqa: E731
        return self._cached(key, compute).copy()  # type: ignore[union-attr]

    def curve(self, mask: np.ndarray | None, step_m: float = 100.0) -> pd.DataFrame:
        """:func:`distance_curve` for the visible offers, up to ``max_distance_m``."""
        max_m = self.max_distance_m if math.isfinite(self.max_distance_m) else 3000.0
        return distance_curve(self.cells, self.distances(mask), step_m, max_m)

    def accessibility(
        self, mask: np.ndarray | None, catchment: Catchment = Catchment(), capacity: np.ndarray | None = None
    ) -> pd.DataFrame:
        """:func:`e2sfca_by_district` for the visible offers."""
        return e2sfca_from_weights(self.e2sfca_weights(catchment), self.table, capacity, mask)


#: Block sides tried for the nearest-offer search (metres).
BLOCK_SIZES_M: tuple[float, ...] = (200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0)
#: Share of visible offers from which the precomputed k nearest offers are tried first.
DENSE_SHARE = 0.05


def build_coverage_model(
    offers: pd.DataFrame,
    districts: gpd.GeoDataFrame | pd.DataFrame,
    cells: PopulationCells,
    k: int = 8,
    max_distance_m: float = 3000.0,
    dimensions: Sequence[str] = DIMENSIONS,
) -> CoverageModel:
    """A :class:`CoverageModel` (once, at app start; search structures follow on first use).

    Parameters
    ----------
    k : int
        Nearest offers remembered per cell for dense filters.
    max_distance_m : float
        Distances beyond this many metres are ``inf`` ("no offer within 3 km"); ``inf`` for exact.
    dimensions : sequence of str
        Offer columns whose groups get precomputed distances (those present in ``offers``).
    """
    table = district_table(districts, cells)
    district = district_index(offers["district_id"], table["district_id"].tolist())
    groups = {
        d: membership(offers[d], observed_groups(offers[d])) for d in dimensions if d in offers.columns and len(offers)
    }
    return CoverageModel(table, cells, offer_xy(offers), district, groups=groups, k=k, max_distance_m=max_distance_m)
