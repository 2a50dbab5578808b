"""The precomputed coverage model behind the dashboard's callbacks (private speed-ups).

:class:`CoverageModel` precomputes everything that does not depend on the filter (offer
positions, cell-to-district assignment, each cell's k nearest offers, cells grouped into
blocks, distances to each category / language / target group, E2SFCA weights; lazily or
all at once with :meth:`CoverageModel.warm`), so that one filter change costs a few
vectorised operations. Its results equal the public measures (tests check this);
distances beyond its cap (3 km) count as "no offer". Public names are re-exported by
:mod:`analysis`; the search machinery here is private.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar, cast

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analysis.access import DEFAULT_CATCHMENT, Catchment, E2sfcaWeights, e2sfca_from_weights, e2sfca_weights
from analysis.counts import per_1000_table
from analysis.distance import DEFAULT_THRESHOLDS_M, coverage_from_distances, distance_curve, nearest_distances
from analysis.inputs import DIMENSIONS, as_mask, district_index, district_table, membership, observed_groups, offer_xy
from analysis.population import PopulationCells

T = TypeVar("T")


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

    def _once(self, key: object, build: Callable[[], T]) -> T:
        # built outside the lock so that a request never waits for another structure being built
        # (a rare race computes the same value twice; both results are equal)
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
        value = build()
        with self._lock:
            return cast(T, self._memo.setdefault(key, value))

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

    def _cached(self, key: object, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return cast(T, self._cache[key])
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

        return self._once("knn", build)

    def blocks(self, size_m: float) -> CellBlocks:
        """:func:`cell_blocks` of the population cells for ``size_m`` (built once per size)."""
        return self._once(("blocks", size_m), lambda: cell_blocks(self.cells_xy, size_m))

    def block_size(self, visible: int, cap: float | None = None) -> float:
        """Block side for ``visible`` offers: about half their mean spacing, at most half the cap.

        Chosen from :data:`BLOCK_SIZES_M` (measured on 500,000 cells: smaller blocks mean more
        centre queries, larger ones more candidates per cell).
        """
        area = self._once("area", self._cells_area)
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
        visible = as_mask(mask, len(self.offer_positions))
        key = ("distances", _mask_key(visible), cap)
        return self._cached(key, lambda: self._distances(visible, cap))

    def group_distances(self, dimension: str, column: int) -> np.ndarray:
        """Per cell, the exact distance to the nearest offer of one group (computed once, then kept)."""

        def build() -> np.ndarray:
            return nearest_distances(self.cells_xy, self.offer_positions[self.groups[dimension][:, column]])

        return self._once(("group", dimension, column), build)

    def whole_groups(self, visible: np.ndarray) -> tuple[str, np.ndarray] | None:
        """``(dimension, columns)`` when ``visible`` is exactly the offers of some groups of one dimension."""
        shown = visible.astype(np.float32)
        for dimension, member in self.groups.items():
            # groups all of whose offers are visible (an offer may belong to several groups):
            # visible members per group by one matrix product, compared with the group sizes
            weights, sizes = self._once(("group_weights", dimension), partial(_group_weights, member))
            columns = np.flatnonzero((shown @ weights == sizes) & (sizes > 0))
            if len(columns) and np.array_equal(member[:, columns].any(axis=1), visible):
                return dimension, columns
        return None

    @property
    def cells_xy(self) -> np.ndarray:
        """``(cells, 2)`` cell centres (EPSG:25832), built once."""
        return self._once("cells_xy", lambda: self.cells.xy)

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
        return self._once(key, lambda: e2sfca_weights(self.cells, self.offer_positions, catchment))

    def per_1000(self, mask: np.ndarray | None) -> pd.DataFrame:
        """:func:`offers_per_1000` for the visible offers."""
        return per_1000_table(self.offer_district, as_mask(mask, len(self.offer_district)), self.table)

    def coverage(self, mask: np.ndarray | None, thresholds: Sequence[float] = DEFAULT_THRESHOLDS_M) -> pd.DataFrame:
        """:func:`distance_coverage` for the visible offers (distances capped at ``max_distance_m``)."""
        visible = as_mask(mask, len(self.offer_positions))
        key = ("coverage", _mask_key(visible), tuple(thresholds))
        compute = lambda: coverage_from_distances(self.cells, self.distances(visible), self.table, thresholds)  # noqa: E731
        return self._cached(key, compute).copy()

    def curve(self, mask: np.ndarray | None, step_m: float = 100.0) -> pd.DataFrame:
        """:func:`distance_curve` for the visible offers, up to ``max_distance_m``."""
        max_m = self.max_distance_m if math.isfinite(self.max_distance_m) else 3000.0
        return distance_curve(self.cells, self.distances(mask), step_m, max_m)

    def accessibility(
        self, mask: np.ndarray | None, catchment: Catchment = DEFAULT_CATCHMENT, capacity: np.ndarray | None = None
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
