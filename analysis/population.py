"""Where residents live: population cells for the coverage analysis.

Two sources, in order of preference:

1. a **population grid** in the format of Germany's Zensus 2022 100 m grid
   (``;``-separated CSV, cell-centre coordinates in EPSG:3035, an inhabitants column,
   e.g. ``GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner``), reprojected ONCE to EPSG:25832
   (:func:`read_population_grid`);
2. else each district's ``population`` spread evenly over its area: a regular lattice of
   points (default every 100 m) inside the district polygon, each carrying
   ``population / number of points`` (:func:`spread_district_population`).

Either way the result is a :class:`PopulationCells` with every cell assigned to a
district once (:func:`assign_cells`), and a ``method`` that the dashboard shows next
to every figure derived from it. Cells are computed once per dataset, never per filter.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import METRIC_CRS, STORAGE_CRS, transformer

logger = logging.getLogger(__name__)

#: CRS of the Zensus grid's cell-centre coordinates (ETRS89-LAEA Europe).
ZENSUS_CRS = "EPSG:3035"
#: ``method`` of cells read from a population grid.
METHOD_GRID = "population_grid"
#: ``method`` of cells made by spreading a district's population over its area.
METHOD_AREA = "district_area"
#: ``method`` of a district for which no residents are known.
METHOD_NONE = "no_population"
METHODS: tuple[str, ...] = (METHOD_GRID, METHOD_AREA, METHOD_NONE)

_X_COLUMN = re.compile(r"^x_mp(_\w+)?$|^x$", re.IGNORECASE)
_Y_COLUMN = re.compile(r"^y_mp(_\w+)?$|^y$", re.IGNORECASE)
_POP_COLUMNS = ("einwohner", "population", "insgesamt_bevoelkerung", "pop")


class PopulationGridError(ValueError):
    """A population grid file cannot be used."""


@dataclass(frozen=True, eq=False)
class PopulationGrid:
    """Cells of a population grid, reprojected to EPSG:25832.

    Attributes
    ----------
    x, y : numpy.ndarray
        Cell centres in EPSG:25832 (metres).
    population : numpy.ndarray
        Residents per cell (float64, >= 0).
    rejected : pandas.DataFrame
        Input rows that were not used: ``row`` (1-based line number, header = 1) and ``reason``.
    source : str
        File name the cells came from.
    """

    x: np.ndarray
    y: np.ndarray
    population: np.ndarray
    rejected: pd.DataFrame
    source: str


@dataclass(frozen=True, eq=False)
class PopulationCells:
    """Residents as points, each assigned to one district (all coordinates EPSG:25832).

    Attributes
    ----------
    x, y : numpy.ndarray
        Cell centres in metres (EPSG:25832).
    population : numpy.ndarray
        Residents per cell (float64).
    district : numpy.ndarray
        int32 index into ``district_ids``; -1 for a cell outside every district.
    district_ids : tuple of str
        District ids in the order the index refers to.
    method : str
        :data:`METHOD_GRID` or :data:`METHOD_AREA`.
    source : str
        Human-readable origin (grid file name, or "district population").
    """

    x: np.ndarray
    y: np.ndarray
    population: np.ndarray
    district: np.ndarray
    district_ids: tuple[str, ...]
    method: str
    source: str

    def __len__(self) -> int:
        return len(self.population)

    @property
    def xy(self) -> np.ndarray:
        """``(n, 2)`` array of cell centres (EPSG:25832, metres)."""
        return np.column_stack([self.x, self.y])

    def residents_by_district(self) -> np.ndarray:
        """Residents per district (float64, in ``district_ids`` order); cells outside are ignored."""
        inside = self.district >= 0
        return np.bincount(self.district[inside], weights=self.population[inside], minlength=len(self.district_ids))


def _pick_column(columns: list[str], pattern: re.Pattern[str] | tuple[str, ...]) -> str | None:
    for col in columns:
        key = col.strip().lower()
        if (isinstance(pattern, tuple) and key in pattern) or (not isinstance(pattern, tuple) and pattern.match(key)):
            return col
    return None


def _numbers(values: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal point or a German decimal comma; NaN when not a number."""
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def read_population_grid(path: str | Path, crs: str = ZENSUS_CRS) -> PopulationGrid:
    """Read a Zensus-style population grid and reproject its cell centres once to EPSG:25832.

    Parameters
    ----------
    path : str or Path
        ``;``-separated CSV (UTF-8, with or without BOM; Latin-1 accepted) with columns for the
        cell centre (``x_mp_100m``/``y_mp_100m``, or ``x``/``y``) and the residents
        (``Einwohner`` or ``population``).
    crs : str
        CRS of the coordinates, default EPSG:3035 (the Zensus grid).

    Returns
    -------
    PopulationGrid
        Cells with a usable, non-negative resident count; every other row is in ``rejected``
        with a reason (e.g. the Zensus marks withheld values with ``–``).

    Raises
    ------
    PopulationGridError
        When the file is missing, unreadable or lacks a coordinate or residents column.
    """
    path = Path(path)
    frame = _read_csv(path)
    columns = list(frame.columns)
    x_col, y_col = _pick_column(columns, _X_COLUMN), _pick_column(columns, _Y_COLUMN)
    pop_col = _pick_column(columns, _POP_COLUMNS)
    if not (x_col and y_col and pop_col):
        raise PopulationGridError(
            f"{path.name}: needs columns x_mp_100m, y_mp_100m and Einwohner (found {', '.join(columns)}); "
            "export the Zensus 2022 100 m grid as ';'-separated CSV"
        )
    x, y, pop = _numbers(frame[x_col]), _numbers(frame[y_col]), _numbers(frame[pop_col])
    reasons = pd.Series(pd.NA, index=frame.index, dtype="string")
    reasons[pop < 0] = f"{pop_col} is negative (withheld value)"
    reasons[pop.isna()] = f"{pop_col} is not a number"
    reasons[x.isna() | y.isna()] = "cell coordinates are not numbers"
    bad = reasons.notna().to_numpy()
    rejected = pd.DataFrame({"row": frame.index[bad] + 2, "reason": reasons[bad].to_numpy()})
    if bad.any():
        logger.info("population grid %s: %d of %d rows not used", path.name, int(bad.sum()), len(frame))
    mx, my = transformer(crs, METRIC_CRS).transform(x[~bad].to_numpy(float), y[~bad].to_numpy(float))
    return PopulationGrid(np.asarray(mx), np.asarray(my), pop[~bad].to_numpy(float), rejected, path.name)


def _read_csv(path: Path) -> pd.DataFrame:
    last: Exception | None = None
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return pd.read_csv(path, sep=";", dtype=str, encoding=encoding, keep_default_na=False)
        except UnicodeDecodeError as exc:
            last = exc
        except FileNotFoundError as exc:
            raise PopulationGridError(
                f"population grid {path} does not exist; fix [population] grid in the city config"
            ) from exc
        except (OSError, ValueError) as exc:
            raise PopulationGridError(f"population grid {path} is not a readable ';'-separated CSV ({exc})") from exc
    raise PopulationGridError(f"population grid {path} is neither UTF-8 nor Latin-1 ({last})")


def districts_frame(features: list[dict] | tuple[dict, ...]) -> gpd.GeoDataFrame:
    """GeoDataFrame (EPSG:4326) with ``id, name, population, area_km2`` from district features."""
    if not features:
        return gpd.GeoDataFrame({"id": [], "name": [], "population": [], "area_km2": []}, geometry=[], crs=STORAGE_CRS)
    frame = gpd.GeoDataFrame.from_features(list(features), crs=STORAGE_CRS)
    for col in ("population", "area_km2"):
        if col not in frame:
            frame[col] = np.nan
    return frame


def to_metric_frame(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Districts in EPSG:25832; a frame without CRS is taken to be in the storage CRS EPSG:4326."""
    if districts.crs is None:
        districts = districts.set_crs(STORAGE_CRS)
    return districts.to_crs(METRIC_CRS)


def assign_cells(x: np.ndarray, y: np.ndarray, districts: gpd.GeoDataFrame) -> np.ndarray:
    """Index of the district each point lies in (-1 outside every district).

    Points on a shared boundary go to the first district in frame order.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates in EPSG:25832 (metres).
    districts : geopandas.GeoDataFrame
        District polygons in any CRS (reprojected to EPSG:25832 here).
    """
    out = np.full(len(x), -1, dtype=np.int32)
    geoms = to_metric_frame(districts).geometry.to_numpy()
    for k, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        candidates = np.flatnonzero((out < 0) & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        if len(candidates):
            shapely.prepare(geom)
            hit = shapely.intersects_xy(geom, x[candidates], y[candidates])
            out[candidates[hit]] = k
    return out


def cells_from_grid(grid: PopulationGrid, districts: gpd.GeoDataFrame) -> PopulationCells:
    """Assign the cells of a population grid to districts (once)."""
    district = assign_cells(grid.x, grid.y, districts)
    outside = int((district < 0).sum())
    if outside:
        logger.info("population grid %s: %d cells lie outside every district", grid.source, outside)
    return PopulationCells(
        grid.x, grid.y, grid.population, district, tuple(map(str, districts["id"])), METHOD_GRID, grid.source
    )


def spread_district_population(districts: gpd.GeoDataFrame, cell_size_m: float = 100.0) -> PopulationCells:
    """Spread each district's ``population`` evenly over points of a regular lattice inside it.

    The lattice has a point at every ``(i + 0.5) * cell_size_m`` in EPSG:25832, so that
    neighbouring districts share one lattice; a district too small to contain a lattice point
    gets one point at its representative point. Districts without a population get no cells.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        ``id``, ``population`` and polygon geometry, any CRS.
    cell_size_m : float
        Lattice spacing in metres (EPSG:25832).
    """
    metric = to_metric_frame(districts)
    xs, ys, pops, idx = [], [], [], []
    for k, (geom, population) in enumerate(zip(metric.geometry, metric["population"], strict=True)):
        if geom is None or geom.is_empty or population is None or pd.isna(population) or population <= 0:
            continue
        px, py = _lattice_inside(geom, cell_size_m)
        xs.append(px)
        ys.append(py)
        pops.append(np.full(len(px), float(population) / len(px)))
        idx.append(np.full(len(px), k, dtype=np.int32))
    cat = lambda parts, dtype: np.concatenate(parts) if parts else np.array([], dtype=dtype)  # noqa: E731
    return PopulationCells(
        cat(xs, float),
        cat(ys, float),
        cat(pops, float),
        cat(idx, np.int32),
        tuple(map(str, districts["id"])),
        METHOD_AREA,
        "district population",
    )


def _lattice_inside(geom: shapely.Geometry, step: float) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = geom.bounds
    gx = (np.arange(np.floor(minx / step), np.ceil(maxx / step)) + 0.5) * step
    gy = (np.arange(np.floor(miny / step), np.ceil(maxy / step)) + 0.5) * step
    mx, my = (a.ravel() for a in np.meshgrid(gx, gy))
    shapely.prepare(geom)
    inside = shapely.intersects_xy(geom, mx, my)
    if inside.any():
        return mx[inside], my[inside]
    point = geom.representative_point()
    return np.array([point.x]), np.array([point.y])


def population_cells(
    districts: gpd.GeoDataFrame, grid_path: str | Path | None = None, cell_size_m: float = 100.0
) -> PopulationCells:
    """Population cells by the preferred available method: the grid if configured, else spread.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        District polygons with ``id`` and ``population``.
    grid_path : str or Path, optional
        Zensus-style grid (``city.json`` ``population_grid``); None to spread district populations.
    cell_size_m : float
        Lattice spacing for the spread method (metres).
    """
    if grid_path:
        return cells_from_grid(read_population_grid(grid_path), districts)
    return spread_district_population(districts, cell_size_m)


def cells_or_spread(
    districts: gpd.GeoDataFrame, grid_path: str | Path | None = None, cell_size_m: float = 100.0
) -> PopulationCells:
    """:func:`population_cells`, falling back to the spread method when the grid is unusable.

    A configured but unusable grid (missing file, wrong columns) is logged with its reason and
    the district populations are spread over their areas instead; the returned cells'
    ``method`` says which was used, so the figures never hide it.
    """
    try:
        return population_cells(districts, grid_path, cell_size_m)
    except PopulationGridError as exc:
        logger.warning("population grid not used (%s); spreading district populations instead", exc)
        return population_cells(districts, None, cell_size_m)
