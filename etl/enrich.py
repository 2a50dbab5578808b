"""Enrich: decide the district (Stadtteil) each offer counts in.

The point-in-polygon test runs in EPSG:25832 (metres, :data:`geodata.crs.METRIC_CRS`).
An offer in no district keeps ``district_id=None`` and gets
``outside_districts=True`` and a warning (:func:`outside_problems`); a point on
the boundary of two districts goes to the one with the smaller id, so the
result does not depend on the order of the districts file.

Which district an offer counts in (:func:`decide_districts`, docs/DESIGN.md):

* an exact location (coordinates from the input, a house address) decides by
  point-in-polygon (``district_source="location"``);
* an approximate location never overrules a Stadtteil the row names: the named,
  known district wins (``"named"``);
* a location too coarse to tell the district -- a postcode centre (a postcode may
  span several districts) or the city -- decides nothing: without a named
  Stadtteil the offer counts in no district (``"none"``, warning
  ``district_undecided``) and stays on the map at its approximate point;
* a street centre (precision ``street``) decides by point-in-polygon unless a
  Stadtteil is named.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd

from etl.geocode.normalize import normalize_place
from etl.problems import Problem, warning
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.schema import APPROXIMATE_PRECISIONS

#: Precisions whose point cannot tell the district (a postcode area may span several districts).
UNDECIDING_PRECISIONS: frozenset[str] = frozenset({"postcode", "city"})

logger = logging.getLogger(__name__)


def offers_frame(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) of ``table`` with float columns ``lon``/``lat`` (degrees)."""
    geometry = gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float), crs=STORAGE_CRS)
    # a shallow copy: only a column is added, ``table`` is never changed (no second copy of every cell)
    return gpd.GeoDataFrame(table.copy(deep=False), geometry=geometry, crs=STORAGE_CRS)


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
    points = gpd.GeoDataFrame(geometry=offers_gdf.geometry.to_crs(METRIC_CRS))  # only the points, not every column
    polygons = districts_gdf[["id", "name", districts_gdf.geometry.name]].to_crs(METRIC_CRS)
    polygons = polygons.sort_values("id", kind="stable")
    joined = gpd.sjoin(points, polygons, how="left", predicate="intersects")
    joined = joined.sort_values("id", kind="stable", na_position="last")
    first = joined[~joined.index.duplicated(keep="first")].reindex(offers_gdf.index)
    out = offers_gdf.copy(deep=False)  # whole columns are added below, no cell is changed in place
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


def district_lookup(districts_gdf: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Normalised district name and id -> ``(id, name)``, for matching the Stadtteil column."""
    lookup: dict[str, tuple[str, str]] = {}
    for rec_id, name in zip(districts_gdf["id"], districts_gdf["name"], strict=True):
        for key in (normalize_place(str(name)), normalize_place(str(rec_id))):
            if key:
                lookup.setdefault(key, (str(rec_id), str(name)))
    return lookup


def decide_districts(assigned: pd.DataFrame, lookup: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Apply the district rule to offers placed by :func:`assign_districts`.

    Parameters
    ----------
    assigned
        Offers with ``district_id``/``district_name``/``outside_districts`` (point-in-polygon),
        ``geocode_precision`` and ``district`` (the Stadtteil as written, may be empty or None).
    lookup
        From :func:`district_lookup`.

    Returns
    -------
    DataFrame
        A copy with ``district_id``, ``district_name``, ``outside_districts`` decided by the rule
        of this module and the new columns ``district_source`` (``location`` | ``named`` | ``none``)
        and ``location_approximate`` (bool).
    """
    out = assigned.copy(deep=False)  # whole columns are replaced below, no cell is changed in place
    precision = out["geocode_precision"].astype(str)
    approximate = precision.isin(APPROXIMATE_PRECISIONS).to_numpy()
    named_text = out["district"] if "district" in out.columns else pd.Series(None, index=out.index)
    named = [lookup.get(normalize_place(t)) if isinstance(t, str) and t.strip() else None for t in named_text]
    ids: list[str | None] = []
    names: list[str | None] = []
    outside: list[bool] = []
    sources: list[str] = []
    for i, (pid, pname, pout, prec) in enumerate(
        zip(out["district_id"], out["district_name"], out["outside_districts"], precision, strict=True)
    ):
        by_name = named[i]
        if approximate[i] and by_name is not None:
            ids.append(by_name[0])
            names.append(by_name[1])
            outside.append(False)
            sources.append("named")
        elif prec in UNDECIDING_PRECISIONS:
            ids.append(None)
            names.append(None)
            outside.append(bool(pout))
            sources.append("none")
        else:
            found = isinstance(pid, str) and bool(pid)
            ids.append(pid if found else None)
            names.append(pname if found else None)
            outside.append(bool(pout))
            sources.append("location" if found else "none")
    out["district_id"] = pd.Series(ids, index=out.index, dtype=object)
    out["district_name"] = pd.Series(names, index=out.index, dtype=object)
    out["outside_districts"] = outside
    out["district_source"] = sources
    out["location_approximate"] = approximate
    return out


def undecided_problems(decided: pd.DataFrame) -> list[tuple[int, Problem]]:
    """``(row, district_undecided warning)`` per offer whose coarse location could not tell its district."""
    mask = (decided["district_source"] == "none") & ~decided["outside_districts"].astype(bool)
    rows = decided.loc[mask, ["row", "geocode_precision"]]
    return [
        (int(row), warning("district_undecided", "district_id", precision=str(p)))
        for row, p in zip(rows["row"], rows["geocode_precision"], strict=True)
    ]


def outside_problems(enriched: pd.DataFrame) -> list[tuple[int, Problem]]:
    """``(row, outside_districts warning)`` per offer outside every district (needs ``row`` and ``outside_districts``)."""
    rows = enriched.loc[enriched["outside_districts"].astype(bool), "row"]
    return [(int(row), warning("outside_districts", "district_id")) for row in rows]
