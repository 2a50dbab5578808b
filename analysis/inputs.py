"""What the measures take: offer positions, district index, group membership, the district table.

The measures take the offers as a DataFrame (``district_id``, ``category``, ``languages``,
``target_groups`` and ``lon``/``lat`` in EPSG:4326 or ``x``/``y`` in EPSG:25832), the
districts as a (Geo)DataFrame (``id, name, population, area_km2[, geometry]``) and, where
residents matter, :class:`~analysis.population.PopulationCells`. A filter arrives as
``mask`` (bool per offer row, True = visible), so the filtered offers are never copied.

Tables are tidy: one row per district (x group), keyed by ``district_id``; rows for the
whole city carry ``district_id == CITY``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.population import METHOD_AREA, METHOD_GRID, METHOD_NONE, PopulationCells
from geodata.crs import to_metric

#: ``district_id`` of rows that describe the whole city.
CITY = "_city"
#: Dimensions an offer can be counted by (offer column names).
DIMENSIONS: tuple[str, ...] = ("category", "languages", "target_groups")


class MetricError(ValueError):
    """Inputs to a measure are unusable."""


def as_mask(mask: np.ndarray | None, n: int) -> np.ndarray:
    """``mask`` as a bool array of ``n`` visible flags (all True when None); checks the shape."""
    if mask is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (n,):
        raise MetricError(f"mask has shape {mask.shape}, expected ({n},): one bool per offer row")
    return mask


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
    position: dict[object, int] = {d: k for k, d in enumerate(district_ids)}
    return np.fromiter((position.get(d, -1) for d in district_ids_of_offers), dtype=np.int32)


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
