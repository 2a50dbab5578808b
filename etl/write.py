"""Write: the build output folder, every file atomically and deterministically.

Files (names from :mod:`geodata.io`): ``offers.geojson`` (stable order by input
row), ``districts.geojson`` (sorted by id), ``rejects.csv`` (``row;reason;`` +
the original columns, ``;``-separated, UTF-8 with BOM so that Excel opens it),
``build_report.json`` and ``city.json``. The same input gives byte-identical
offers and districts files; the report differs only in ``timings_s``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl._frames import records
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.io import (
    CITY_FILE,
    DISTRICTS_FILE,
    OFFERS_FILE,
    REJECTS_FILE,
    REPORT_FILE,
    atomic_write_bytes,
    atomic_write_text,
    write_districts,
    write_offers,
)
from geodata.schema import OFFER_FIELD_NAMES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    """What a build did; mirrors ``build_report.json``.

    ``rows_in == rows_out + rows_rejected`` always holds (checked on creation).
    ``rows_in`` counts non-empty data rows; fully empty rows are listed in
    ``empty_rows`` and are neither offers nor rejects. ``timings_s`` (seconds per
    stage) is the only part that differs between two runs of the same input.
    """

    rows_in: int
    rows_out: int
    rows_rejected: int
    by_geocode_source: Mapping[str, int] = field(default_factory=dict)
    by_geocode_precision: Mapping[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    warnings: tuple[Mapping[str, Any], ...] = ()
    inputs: tuple[Mapping[str, str], ...] = ()
    city: str = ""
    empty_rows: tuple[int, ...] = ()
    timings_s: Mapping[str, float] = field(default_factory=dict)
    fingerprint: str = ""
    up_to_date: bool = False
    out_dir: str = ""

    def __post_init__(self) -> None:
        if self.rows_in != self.rows_out + self.rows_rejected:
            raise AssertionError(
                f"rows_in {self.rows_in} != rows_out {self.rows_out} + rows_rejected {self.rows_rejected}: rows were lost"
            )

    def to_dict(self) -> dict[str, Any]:
        """The report as written to ``build_report.json`` (without ``out_dir``)."""
        data = asdict(self)
        data.pop("out_dir")
        data.pop("up_to_date")
        data["warnings"] = [dict(w) for w in self.warnings]
        data["inputs"] = [dict(i) for i in self.inputs]
        data["empty_rows"] = list(self.empty_rows)
        return data


def _clean(value: Any) -> Any:
    """pandas/numpy scalars and NaN to plain JSON values."""
    if value is None or type(value) is str or type(value) is bool:  # the common cases first
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def offer_features(enriched: gpd.GeoDataFrame, source: str) -> list[dict[str, Any]]:
    """Contract features (EPSG:4326) of the enriched offers, ordered by input row.

    ``source`` (the input file's name) fills the ``source`` property.
    """
    frame = enriched.to_crs(STORAGE_CRS).sort_values("row", kind="stable")
    props_columns = [c for c in OFFER_FIELD_NAMES if c in frame.columns]
    features = []
    for rec, point in zip(records(frame, props_columns), frame.geometry, strict=True):
        props = {k: _clean(v) for k, v in rec.items()}
        props["source"] = source
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]}, "properties": props}
        )
    return features


def district_features(districts: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Contract district features (EPSG:4326) sorted by id; ``area_km2`` computed in EPSG:25832 when absent."""
    frame = districts.to_crs(STORAGE_CRS)
    areas = districts.to_crs(METRIC_CRS).area / 1e6
    features = []
    for idx, rec in frame.iterrows():
        area = _clean(rec.get("area_km2"))
        population = _clean(rec.get("population"))
        props = {
            "id": str(rec["id"]),
            "name": str(rec["name"]),
            "population": int(population) if population is not None else None,
            "area_km2": round(float(area if area is not None else areas[idx]), 3),
            "approximate": bool(_clean(rec.get("approximate")) or False),
            "source": _clean(rec.get("source")),
        }
        features.append({"type": "Feature", "geometry": rec.geometry.__geo_interface__, "properties": props})
    return sorted(features, key=lambda f: f["properties"]["id"])


def rejects_csv(rejects: pd.DataFrame, raw: pd.DataFrame) -> bytes:
    """``rejects.csv`` bytes: ``row;reason;`` + original columns, sorted by row, UTF-8 with BOM."""
    original = [c for c in raw.columns if c != "row"]
    merged = rejects.merge(raw, on="row", how="left", validate="one_to_one").sort_values("row", kind="stable")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    header_row = ["row", "reason", *original]
    writer.writerow(header_row)
    for rec in merged.itertuples(index=False):
        values = dict(zip(merged.columns, rec, strict=True))
        writer.writerow(
            [values["row"], values["reason"], *("" if _clean(values[c]) is None else values[c] for c in original)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _round_coords(coords: Any, decimals: int = 6) -> Any:
    if isinstance(coords, int | float):
        return round(float(coords), decimals)
    return [_round_coords(c, decimals) for c in coords]


def city_settings(config: Any, outline: BaseGeometry | None) -> dict[str, Any]:
    """The dashboard-facing ``city.json`` content from a :class:`etl.config.CityConfig`.

    ``outline`` is the city area in EPSG:4326 (coordinates rounded to 6 decimals).
    """
    geometry = None
    if outline is not None and not outline.is_empty:
        raw = json.loads(shapely.to_geojson(outline))
        geometry = {"type": raw["type"], "coordinates": _round_coords(raw["coordinates"])}
    contact = {key: config.contact.get(key) for key in ("email", "phone", "url")}
    return {
        "name": config.name,
        "demo": bool(config.demo),
        "contact": contact,
        "basemap": dict(config.basemap) if config.basemap else None,
        "route_url": config.route_url,
        **({"frame_ancestors": list(config.frame_ancestors)} if config.frame_ancestors else {}),
        "population_grid": str(config.population_grid) if config.population_grid else None,
        "outline": geometry,
    }


def dumps_json(data: Any) -> str:
    """Deterministic, human-readable JSON (sorted keys, UTF-8 text, trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_outputs(
    out_dir: str | Path,
    offers: Sequence[Mapping[str, Any]],
    districts: Sequence[Mapping[str, Any]],
    rejects: bytes,
    report: BuildReport,
    city: Mapping[str, Any],
) -> Path:
    """Write the build folder; each file atomically, the report last (a complete report means a complete build)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_offers(out / OFFERS_FILE, offers)
    write_districts(out / DISTRICTS_FILE, districts)
    atomic_write_bytes(out / REJECTS_FILE, rejects)
    atomic_write_text(out / CITY_FILE, dumps_json(dict(city)))
    from etl.uptodate import output_hashes

    outputs = output_hashes(out, (OFFERS_FILE, DISTRICTS_FILE, REJECTS_FILE, CITY_FILE))
    atomic_write_text(out / REPORT_FILE, dumps_json({**report.to_dict(), "outputs": outputs}))
    logger.info(
        "wrote %d offers, %d districts, %d rejects to %s", len(offers), len(districts), report.rows_rejected, out
    )
    return out


__all__ = [
    "CITY_FILE",
    "BuildReport",
    "city_settings",
    "district_features",
    "dumps_json",
    "offer_features",
    "rejects_csv",
    "write_outputs",
]
