"""Distance coverage: residents within 500 / 1,000 m of an offer, median and nearest distances.

Distances are straight-line, computed in EPSG:25832 (metres).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analysis.inputs import CITY, as_mask, district_table, offer_xy
from analysis.population import METHOD_NONE, PopulationCells

#: Default walking distances for distance coverage (metres, straight line).
DEFAULT_THRESHOLDS_M: tuple[float, ...] = (500.0, 1000.0)
#: Median distances beyond this many metres are reported as ``inf`` ("more than 10 km").
MEDIAN_CAP_M = 10_000


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
    xy = offer_xy(offers)[as_mask(mask, len(offers))]
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
