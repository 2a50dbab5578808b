"""Write: a snapshot of the contract files, published atomically as a set.

Files (names from :mod:`geodata.io`): ``offers.geojson`` (stable order by input
row), ``districts.geojson`` (sorted by id), ``rejects.csv`` (``row;reason;`` +
the original columns, ``;``-separated, UTF-8 with BOM so that Excel opens it; every
cell made safe to open in a spreadsheet, see :mod:`geodata.csvsafe`), ``review.csv``
(offers located only approximately, with what would make them exact; same format),
``build_report.json`` and ``city.json``. The same input gives byte-identical
offers and districts files; the report differs only in ``timings_s``.

:func:`write_snapshot` writes the set into a new snapshot folder of the data folder and
switches ``CURRENT`` to it in one atomic step (:func:`geodata.snapshot.publish_snapshot`):
a build killed at any moment leaves either the old or the new set current. The register's
publish calls the same function, so both write byte-identical files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl.config import CityConfig
from etl.report import BuildReport
from etl.uptodate import output_hashes
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.csvsafe import spreadsheet_safe
from geodata.io import (
    CITY_FILE,
    DISTRICTS_FILE,
    OFFERS_FILE,
    REJECTS_FILE,
    REPORT_FILE,
    REVIEW_FILE,
    atomic_write_bytes,
    atomic_write_chunks,
    atomic_write_text,
    stream_features,
    write_districts,
)
from geodata.privacy import district_points, public_feature
from geodata.schema import OFFER_FIELD_NAMES, OFFER_FIELDS, validate_offer_features
from geodata.snapshot import publish_snapshot

logger = logging.getLogger(__name__)


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

    ``source`` (the input file's name) fills the ``source`` property. Built column by column:
    no copy of the frame and no list of every row's record besides the features themselves.
    """
    order = enriched["row"].reset_index(drop=True).sort_values(kind="stable").index.to_numpy()
    names = [c for c in OFFER_FIELD_NAMES if c in enriched.columns]
    columns = [enriched[name].iloc[order].tolist() for name in names]
    points = enriched.geometry.to_crs(STORAGE_CRS).iloc[order]
    features = []
    for values, point in zip(zip(*columns, strict=True), points, strict=True):
        props = {k: _clean(v) for k, v in zip(names, values, strict=True)}
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


def _csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """``;``-separated CSV bytes (UTF-8 with BOM, CRLF) of ``rows``, encoded as they are written.

    The same bytes as ``("\ufeff" + text).encode("utf-8")`` of the CSV text, without holding the
    text (for 100,000 rejects it is several times the size of the bytes) next to them.
    """
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    text.write("\ufeff")
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    text.flush()
    data = buffer.getvalue()
    text.close()
    return data


def rejects_csv(rejects: pd.DataFrame, raw: pd.DataFrame | None = None) -> bytes:
    """``rejects.csv`` bytes: ``row;reason;`` + original columns, sorted by row, UTF-8 with BOM.

    Every cell passes through :func:`geodata.csvsafe.spreadsheet_safe`, so a cell such as
    ``=HYPERLINK(...)`` opens as text, while a phone number like ``+49 7141 910-0`` stays as it is.
    ``raw`` (the input's original columns plus ``row``) may be None: then only ``row;reason``.
    """
    raw = raw if raw is not None else pd.DataFrame({"row": pd.Series(dtype="int64")})
    original = [c for c in raw.columns if c != "row"]
    merged = rejects.merge(raw, on="row", how="left", validate="one_to_one").sort_values("row", kind="stable")

    def rows() -> Iterator[list[str]]:
        yield [spreadsheet_safe(str(h)) for h in ["row", "reason", *original]]
        for rec in merged.itertuples(index=False):
            values = dict(zip(merged.columns, rec, strict=True))
            cells = [
                values["row"],
                values["reason"],
                *("" if _clean(values[c]) is None else values[c] for c in original),
            ]
            yield [spreadsheet_safe(str(c)) for c in cells]

    return _csv_bytes(rows())


def review_csv(review: pd.DataFrame) -> bytes:
    """``review.csv`` bytes from :meth:`etl.record.CheckedRows.review`: same format as :func:`rejects_csv`.

    Columns ``row;id;name;precision;district;reason;fix``; every cell spreadsheet-safe.
    """

    def rows() -> Iterator[list[str]]:
        yield [spreadsheet_safe(str(h)) for h in review.columns]
        for rec in review.itertuples(index=False):
            yield [spreadsheet_safe("" if _clean(c) is None else str(c)) for c in rec]

    return _csv_bytes(rows())


def _round_coords(coords: Any, decimals: int = 6) -> Any:
    if isinstance(coords, int | float):
        return round(float(coords), decimals)
    return [_round_coords(c, decimals) for c in coords]


def city_settings(config: CityConfig, outline: BaseGeometry | None) -> dict[str, Any]:
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
        **({"content_language": config.content_language} if config.content_language else {}),
        "population_grid": str(config.population_grid) if config.population_grid else None,
        "outline": geometry,
        # accessibility statement, Leichte Sprache and DGS pages (etl.config a11y_settings)
        "accessibility": config.accessibility.to_json() if config.accessibility else None,
        "easy_language": config.easy_language.to_json() if config.easy_language else None,
        "sign_language": config.sign_language.to_json() if config.sign_language else None,
    }


def dumps_json(data: Any) -> str:
    """Deterministic, human-readable JSON (sorted keys, UTF-8 text, trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def json_chunks(data: Any) -> Iterator[str]:
    """The text of :func:`dumps_json` in pieces, for writing without building it whole.

    With ``indent`` the json module joins a list of every piece; for a report of 200,000 warnings
    that list alone holds millions of small strings.
    """
    yield from json.JSONEncoder(ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False).iterencode(data)
    yield "\n"


def _public_offers(
    offers: Iterable[Mapping[str, Any]], districts: Iterable[Mapping[str, Any]]
) -> Iterator[dict[str, Any]]:
    """:func:`geodata.privacy.public_features`, one feature at a time (not-listed offers left out)."""
    points = district_points(districts)
    for feature in offers:
        public = public_feature(feature, points)
        if public is not None:
            yield public


def write_outputs(
    out_dir: str | Path,
    offers: Sequence[Mapping[str, Any]],
    districts: Sequence[Mapping[str, Any]],
    rejects: bytes,
    report: BuildReport,
    city: Mapping[str, Any],
    review: bytes | None = None,
    *,
    public: bool = True,
) -> Path:
    """Write the set's files into ``out_dir`` (each atomically, the report last); see :func:`write_snapshot`.

    ``public`` (the default) writes the offers as they may be published
    (:func:`geodata.privacy.public_features`: not-listed offers left out and counted in the
    report's ``rows_not_listed``, locations coarsened); ``public=False`` keeps the exact
    offers, for the register's import (a work folder no route serves).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Streamed: one feature at a time is made public, completed, checked, serialised and hashed,
    # so neither a second list of features nor the file's text is ever held in memory.
    published = _public_offers(offers, districts) if public else offers
    written = stream_features(out / OFFERS_FILE, published, OFFER_FIELDS, validate_offer_features)
    if public:
        not_listed = len(offers) - written.features
        report = dataclasses.replace(report, rows_not_listed=not_listed)
        if not_listed:
            logger.info("%d offers are not listed (Veröffentlichen: nein): left out of %s", not_listed, OFFERS_FILE)
    write_districts(out / DISTRICTS_FILE, districts)
    atomic_write_bytes(out / REJECTS_FILE, rejects)
    names = [DISTRICTS_FILE, REJECTS_FILE, CITY_FILE]
    if review is not None:
        atomic_write_bytes(out / REVIEW_FILE, review)
        names.append(REVIEW_FILE)
    atomic_write_text(out / CITY_FILE, dumps_json(dict(city)))
    outputs = {OFFERS_FILE: written.sha256, **output_hashes(out, names)}
    atomic_write_chunks(out / REPORT_FILE, json_chunks({**report.to_dict(), "outputs": outputs}))
    logger.info(
        "wrote %d offers, %d districts, %d rejects to %s", written.features, len(districts), report.rows_rejected, out
    )
    return out


def write_snapshot(
    data_dir: str | Path,
    offers: Sequence[Mapping[str, Any]],
    districts: Sequence[Mapping[str, Any]],
    city: Mapping[str, Any],
    report: BuildReport,
    rejects: bytes,
    keep: int = 3,
    review: bytes | None = None,
    *,
    public: bool = True,
) -> str:
    """Publish the set as a new snapshot of ``data_dir`` and make it current, atomically.

    Parameters
    ----------
    data_dir
        The data folder (``data/``): ``CURRENT`` and ``snapshots/<version>/`` (see :mod:`geodata.snapshot`).
    offers, districts
        Contract features (from :func:`offer_features` / :func:`district_features`).
    city
        ``city.json`` content (:func:`city_settings`).
    report
        The build report; written last, with the SHA-256 of every other file.
    rejects
        ``rejects.csv`` bytes (:func:`rejects_csv`; ``rejects_csv(empty_frame)`` for none).
    keep
        Snapshots to keep (older ones are pruned).
    review
        ``review.csv`` bytes (:func:`review_csv`), or None to write no review list.
    public
        Publish only what the offers' privacy levels allow (see :func:`write_outputs`).

    Returns
    -------
    str
        The version of the published snapshot (a content hash).
    """

    def fill(folder: Path) -> None:
        write_outputs(folder, offers, districts, rejects, report, city, review, public=public)

    return publish_snapshot(Path(data_dir), fill, keep=keep)


__all__ = [
    "CITY_FILE",
    "REVIEW_FILE",
    "BuildReport",
    "city_settings",
    "district_features",
    "dumps_json",
    "json_chunks",
    "offer_features",
    "rejects_csv",
    "review_csv",
    "write_outputs",
    "write_snapshot",
]
