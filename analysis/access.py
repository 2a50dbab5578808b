"""E2SFCA accessibility (Luo & Qi 2009): offers reachable per resident, with distance decay."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from analysis.inputs import CITY, MetricError, as_mask, district_table, offer_xy
from analysis.population import METHOD_NONE, PopulationCells

#: Luo & Qi (2009) weights of the three equal sub-zones of the catchment.
STEP_WEIGHTS: tuple[float, float, float] = (1.0, 0.68, 0.22)
DECAYS: tuple[str, ...] = ("gaussian", "step", "none")


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


#: The default catchment: 1 km, Gaussian decay.
DEFAULT_CATCHMENT = Catchment()


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
    supply = np.where(as_mask(mask, len(demand)), supply, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demand > 0, supply / demand, 0.0)


def e2sfca_cells(
    cells: PopulationCells,
    offer_positions: np.ndarray,
    catchment: Catchment = DEFAULT_CATCHMENT,
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
    catchment: Catchment = DEFAULT_CATCHMENT,
    capacity: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> pd.DataFrame:
    """Residents-weighted mean E2SFCA accessibility per district (see :func:`e2sfca_from_weights`)."""
    table = district_table(districts, cells)
    visible = as_mask(mask, len(offers))
    supply = None if capacity is None else np.asarray(capacity, dtype=float)[visible]
    return e2sfca_from_weights(e2sfca_weights(cells, offer_xy(offers)[visible], catchment), table, supply)
