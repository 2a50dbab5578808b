"""Enrich: assign each offer to the district (Stadtteil) it lies in.

The point-in-polygon test runs in EPSG:25832 (metres, :data:`geodata.crs.METRIC_CRS`).
An offer in no district keeps ``district_id=None`` and gets
``outside_districts=True`` and a warning (:func:`outside_problems`); a point on
the boundary of two districts goes to the one with the smaller id, so the
result does not depend on the order of the districts file.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from etl.problems import Problem, warning
from geodata.crs import METRIC_CRS, STORAGE_CRS

logger = logging.getLogger(__name__)


def offers_frame(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) of ``table`` with float columns ``lon``/``lat`` (degrees)."""
    geometry = gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float), crs=STORAGE_CRS)
    return gpd.GeoDataFrame(table.copy(), geometry=geometry, crs=STORAGE_CRS)


def assign_districts(offers_gdf: gpd.GeoDataFrame, districts_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``district_id``, ``district_name`` and ``outside_districts`` by point-in-polygon.

    Parameters
    ----------
    offers_gdf
        Offer points, any CRS (EPSG:4326 when from the pipeline).
    districts_gdf
        District polygons with columns ``id`` and ``name``, any CRS.

    Returns
    -------
    GeoDataFrame
        A copy of ``offers_gdf`` (same index, same CRS) with the three columns;
        ``district_id``/``district_name`` are None for offers in no district.
    """
    points = offers_gdf.to_crs(METRIC_CRS)
    polygons = districts_gdf[["id", "name", districts_gdf.geometry.name]].to_crs(METRIC_CRS)
    polygons = polygons.sort_values("id", kind="stable")
    joined = gpd.sjoin(points[[points.geometry.name]], polygons, how="left", predicate="intersects")
    joined = joined.sort_values("id", kind="stable", na_position="last")
    first = joined[~joined.index.duplicated(keep="first")].reindex(offers_gdf.index)
    out = offers_gdf.copy()
    ids = first["id"].astype(object)
    out["district_id"] = ids.where(ids.notna(), None)
    names = first["name"].astype(object)
    out["district_name"] = names.where(names.notna(), None)
    out["outside_districts"] = ids.isna().to_numpy()
    logger.info(
        "assigned %d offers to districts; %d outside every district",
        int((~out["outside_districts"]).sum()),
        int(out["outside_districts"].sum()),
    )
    return out


def outside_problems(enriched: pd.DataFrame) -> list[tuple[int, Problem]]:
    """``(row, outside_districts warning)`` per offer outside every district (needs ``row`` and ``outside_districts``)."""
    rows = enriched.loc[enriched["outside_districts"].astype(bool), "row"]
    return [(int(row), warning("outside_districts", "district_id")) for row in rows]
