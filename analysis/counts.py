"""Offers per district x category / language / target group, white spots, offers per 1,000 residents."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.inputs import (
    CITY,
    DIMENSIONS,
    MetricError,
    as_mask,
    district_index,
    district_table,
    membership,
    observed_groups,
)
from analysis.population import METHOD_NONE, PopulationCells


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
    rows = as_mask(mask, len(district)) & (district >= 0)
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
    visible = as_mask(mask, len(offers))
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
    return per_1000_table(district, as_mask(mask, len(offers)), table)


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
