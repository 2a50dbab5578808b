"""The build: extract -> validate -> geocode -> enrich -> write.

:func:`build` is the public entry point (used by ``stadtkarte build`` and by the
dashboard to build the demo on first start). Every non-empty input row ends
either in ``offers.geojson`` or in ``rejects.csv`` with a reason:
``rows_in == rows_out + rows_rejected`` is checked before anything is written.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl._frames import records
from etl.config import CityConfig, load_config
from etl.districts import city_outline, load_districts
from etl.enrich import assign_districts, offers_frame, outside_warnings
from etl.errors import InputMissingError
from etl.extract import read_table
from etl.geocode import AddressQuery, GeocodeCache, Provider, geocode_queries, make_providers
from etl.uptodate import build_fingerprint, previous_report
from etl.validate import validate_rows
from etl.write import BuildReport, city_settings, district_features, offer_features, rejects_csv, write_outputs
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.datasets import get_path
from geodata.schema import APPROXIMATE_PRECISIONS, PRECISIONS, SOURCES
from geodata.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

DEMO_OFFERS = "ludwigsburg/offers.csv"
DEMO_DISTRICTS = "ludwigsburg/districts.csv"
CACHE_DIR = ".cache"
#: Tolerance around the city area (metres) within which coordinates count as "in the city";
#: district boundaries built from centres are approximate.
AREA_TOLERANCE_M = 1000.0
_PRECISION_TEXT = {
    "street": "nur die Straße",
    "postcode": "nur die Postleitzahl (Mitte des PLZ-Gebiets)",
    "district": "nur der Stadtteil (Mitte des Stadtteils)",
    "city": "nur die Stadt",
}

__all__ = ["BuildReport", "build"]


class _Timer:
    """Seconds per stage, for ``timings_s``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        return round(time.perf_counter() - self.started, 3)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)


def city_area(config: CityConfig, districts: gpd.GeoDataFrame) -> BaseGeometry:
    """The city area in EPSG:4326: the config's ``area`` (bbox or polygon file), else the districts' union."""
    if isinstance(config.area, tuple):
        return shapely.box(*config.area)
    if isinstance(config.area, Path):
        if not config.area.is_file():
            raise InputMissingError(f"city area file {config.area} does not exist: fix [city] area in the config")
        return gpd.read_file(config.area).to_crs(STORAGE_CRS).union_all()
    return city_outline(districts.to_crs(STORAGE_CRS))


def widen(area: BaseGeometry, metres: float = AREA_TOLERANCE_M) -> BaseGeometry:
    """``area`` (EPSG:4326) buffered by ``metres`` (computed in EPSG:25832)."""
    series = gpd.GeoSeries([area], crs=STORAGE_CRS).to_crs(METRIC_CRS).buffer(metres)
    return series.to_crs(STORAGE_CRS).iloc[0]


def district_points(districts: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """District name and id -> a point inside the district ``(lon, lat)`` (EPSG:4326 degrees)."""
    frame = districts.to_crs(STORAGE_CRS)
    points: dict[str, tuple[float, float]] = {}
    for rec_id, name, geom in zip(frame["id"], frame["name"], frame.geometry, strict=True):
        point = geom.representative_point()
        for key in (str(name), str(rec_id)):
            points.setdefault(key, (float(point.x), float(point.y)))
    return points


def _fingerprint(offers: Path, districts: str | Path | gpd.GeoDataFrame | None, cfg: CityConfig) -> str:
    """Fingerprint of this build's inputs; "" (never up to date) for districts given as a GeoDataFrame."""
    if isinstance(districts, gpd.GeoDataFrame):
        return ""
    districts_path = Path(districts) if districts is not None else get_path(DEMO_DISTRICTS)
    config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
    try:
        return build_fingerprint(
            files=(offers, districts_path, config_path, get_path("taxonomy.json")),
            stat_only=(cfg.gazetteer_settings().path,),
            settings=cfg,
        )
    except OSError:
        return ""  # a missing input is reported by the stage that reads it


def _load_districts(
    districts: str | Path | gpd.GeoDataFrame | None, config: CityConfig
) -> tuple[gpd.GeoDataFrame, Path | None]:
    if isinstance(districts, gpd.GeoDataFrame):
        return districts, None
    path = Path(districts) if districts is not None else get_path(DEMO_DISTRICTS)
    return load_districts(path, columns=None, city_area_km2=config.area_km2), path


def _text(value: Any) -> str | None:
    """A cell as str, or None when empty or missing (NaN)."""
    return value if isinstance(value, str) and value else None


def _geocode(
    valid: pd.DataFrame,
    config: CityConfig,
    districts: gpd.GeoDataFrame,
    out: Path,
    providers: Sequence[Provider] | None,
    progress: bool,
    use_cache: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Locate rows without coordinates; returns (located rows, unresolved rejects, cache hits)."""
    table = valid.copy()
    table["geocode_source"] = "input"
    table["geocode_precision"] = "input"
    todo = table.index[table["lat"].isna()]
    if len(todo) == 0:
        return table, pd.DataFrame(columns=["row", "reason"], dtype=object), 0
    queries = [
        AddressQuery(
            street=_text(rec["street"]),
            house_number=_text(rec["house_number"]),
            postal_code=_text(rec["postal_code"]),
            city=_text(rec["city"]) or config.name,
            district=_text(rec["district"]),
        )
        for rec in records(table.loc[todo])
    ]
    if providers is None:
        providers = make_providers(
            config.gazetteer_settings(),
            config.geocoder_settings(),
            config.postcodes or None,
            district_points(districts),
            out / CACHE_DIR,
        )
    if use_cache:
        (out / CACHE_DIR).mkdir(parents=True, exist_ok=True)
    cache_ctx = GeocodeCache.open(out / CACHE_DIR) if use_cache else nullcontext(None)
    with cache_ctx as cache:
        outcome = geocode_queries(queries, providers, cache, progress)
    found = [loc is not None for loc in outcome.locations]
    hits = todo[found]
    locs = [loc for loc in outcome.locations if loc is not None]
    # one vectorised assignment per column (row-wise .loc writes cost seconds per 10k rows)
    table.loc[hits, "lon"] = [loc.lon for loc in locs]
    table.loc[hits, "lat"] = [loc.lat for loc in locs]
    table.loc[hits, "geocode_source"] = [loc.source for loc in locs]
    table.loc[hits, "geocode_precision"] = [loc.precision for loc in locs]
    rows = table.loc[todo, "row"].to_numpy()
    unresolved = [
        {"row": int(row), "reason": error or "Adresse nicht gefunden"}
        for row, ok, error in zip(rows, found, outcome.errors, strict=True)
        if not ok
    ]
    located = table[table["lat"].notna()].copy()
    return (
        located,
        pd.DataFrame(unresolved, columns=["row", "reason"], dtype=object),
        int(outcome.stats.get("cache_hits", 0)),
    )


def _precision_warnings(located: pd.DataFrame) -> list[dict[str, Any]]:
    rough = located[located["geocode_precision"].isin(APPROXIMATE_PRECISIONS)]
    return [
        {
            "row": int(row),
            "field": "geocode_precision",
            "message": f"Adresse nicht genau gefunden – Lage ungefähr ({_PRECISION_TEXT.get(p, p)})",
        }
        for row, p in zip(rough["row"], rough["geocode_precision"], strict=True)
    ]


def _counts(values: pd.Series, names: Sequence[str]) -> dict[str, int]:
    counted = Counter(values)
    return {name: int(counted.get(name, 0)) for name in names}


def _input_entry(path: Path | None, digest: str | None = None) -> dict[str, str] | None:
    if path is None:
        return None
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"path": str(path), "sha256": digest}


def build(
    offers: str | Path | None = None,
    districts: str | Path | gpd.GeoDataFrame | None = None,
    config: str | Path | CityConfig | None = None,
    out_dir: str | Path = "data",
    progress: bool | None = None,
    *,
    providers: Sequence[Provider] | None = None,
    use_cache: bool = True,
    force: bool = False,
) -> BuildReport:
    """Build the output folder from an offer list.

    Parameters
    ----------
    offers
        Offer list (CSV, XLSX, GeoJSON, GeoPackage); None = the bundled demo's ``offers.csv``.
    districts
        District polygons or a CSV of centres (see :func:`etl.districts.load_districts`),
        or a GeoDataFrame of districts; None = the bundled demo's ``districts.csv``.
    config
        City config path or :class:`~etl.config.CityConfig`; None = the bundled demo config.
    out_dir
        Output folder (created when missing); the geocode cache lives in ``out_dir/.cache``.
    progress
        Show a progress bar while geocoding; None = only when stderr is a terminal.
    providers
        Geocoding provider chain to use instead of the configured one (tests inject fakes here).
    use_cache
        Use the persistent geocode cache in ``out_dir/.cache``.
    force
        Rebuild even when ``out_dir`` already holds an unchanged build of the same inputs,
        settings and code (see :mod:`etl.uptodate`; only checked with the configured
        providers and the cache on).

    Returns
    -------
    BuildReport
        Counts, warnings and timings, as written to ``build_report.json``.

    Raises
    ------
    etl.errors.InputMissingError, InputEmptyError, InputFormatError, ColumnError, ConfigError
        When an input is unusable (the message names the file and the fix).
    """
    timer = _Timer()
    out = Path(out_dir)
    progress = sys.stderr.isatty() if progress is None else progress
    with timer.stage("load"):
        cfg = config if isinstance(config, CityConfig) else load_config(config)
        offers_path = Path(offers) if offers is not None else get_path(DEMO_OFFERS)
        fingerprint = _fingerprint(offers_path, districts, cfg) if providers is None and use_cache else ""
        if fingerprint and not force and (previous := previous_report(out, fingerprint)) is not None:
            logger.info("build: %s is up to date (inputs, settings and code unchanged)", out)
            return replace(previous, up_to_date=True, timings_s={"up_to_date_check": timer.elapsed()})
    with timer.stage("extract"):
        extract = read_table(offers_path, cfg.columns)
    with timer.stage("districts"):
        districts_gdf, districts_path = _load_districts(districts, cfg)
        taxonomy = load_taxonomy(overrides=cfg.taxonomy)
        outline = city_area(cfg, districts_gdf)
    with timer.stage("validate"):
        validation = validate_rows(extract.frame, taxonomy, widen(outline), cfg.name)
    with timer.stage("geocode"):
        located, unresolved, cache_hits = _geocode(
            validation.valid, cfg, districts_gdf, out, providers, progress, use_cache
        )
    with timer.stage("enrich"):
        enriched = assign_districts(offers_frame(located), districts_gdf)
        # An empty Demo cell takes the city's default ([city] demo); a filled one is kept.
        enriched["demo"] = [bool(cfg.demo) if d is None else bool(d) for d in enriched["demo"]]
    with timer.stage("write"):
        rejects = pd.concat([validation.rejects, unresolved], ignore_index=True).sort_values("row", kind="stable")
        warnings = sorted(
            [*extract.warnings, *validation.warnings, *_precision_warnings(located), *outside_warnings(enriched)],
            key=lambda w: w["row"],
        )
        config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
        inputs = [
            _input_entry(offers_path, extract.sha256),
            _input_entry(districts_path),
            _input_entry(config_path),
        ]
        features = offer_features(enriched, offers_path.name)
        report = BuildReport(
            rows_in=len(extract.frame),
            rows_out=len(features),
            rows_rejected=len(rejects),
            by_geocode_source=_counts(enriched["geocode_source"], SOURCES),
            by_geocode_precision=_counts(enriched["geocode_precision"], PRECISIONS),
            cache_hits=cache_hits,
            warnings=tuple(warnings),
            inputs=tuple(i for i in inputs if i is not None),
            city=cfg.name,
            empty_rows=extract.empty_rows,
            timings_s=dict(timer.timings),  # file writing itself is not timed
            fingerprint=fingerprint,
            out_dir=str(out),
        )
        write_outputs(
            out,
            features,
            district_features(districts_gdf),
            rejects_csv(rejects, extract.raw),
            report,
            city_settings(cfg, outline),
        )
    logger.info(
        "build: %d rows in, %d offers out, %d rejected, %d warnings, %d empty rows skipped",
        report.rows_in,
        report.rows_out,
        report.rows_rejected,
        len(report.warnings),
        len(report.empty_rows),
    )
    return report
