"""The build: extract -> check (validate -> geocode -> enrich) -> write a snapshot.

:func:`build` is the public entry point (used by ``stadtkarte build`` and by the
dashboard to build the demo on first start). The check is
:meth:`etl.record.RecordChecker.check_frame`, the same code path the register's
forms use. Every non-empty input row ends either in ``offers.geojson`` or in
``rejects.csv`` with a reason: ``rows_in == rows_out + rows_rejected`` is checked
before anything is written.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import geopandas as gpd

from etl.config import CityConfig, load_config
from etl.extract import read_table
from etl.geocode import Provider
from etl.problems import DEFAULT_LANGUAGE
from etl.record import RecordChecker, districts_path
from etl.report import BuildReport
from etl.uptodate import build_fingerprint, previous_report
from etl.validate import warning_dicts
from etl.write import city_settings, district_features, rejects_csv, write_snapshot
from geodata.datasets import get_path
from geodata.io import CITY_FILE, DISTRICTS_FILE, OFFERS_FILE, REJECTS_FILE, REPORT_FILE, atomic_write_bytes
from geodata.snapshot import SNAPSHOTS_DIR, snapshot_dir

logger = logging.getLogger(__name__)

DEMO_OFFERS = "ludwigsburg/offers.csv"

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


def _fingerprint(offers: Path, districts: str | Path | gpd.GeoDataFrame | None, cfg: CityConfig, lang: str) -> str:
    """Fingerprint of this build's inputs; "" (never up to date) for districts given as a GeoDataFrame."""
    if isinstance(districts, gpd.GeoDataFrame):
        return ""
    config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
    try:
        return build_fingerprint(
            files=(offers, districts_path(districts), config_path, get_path("taxonomy.json")),
            stat_only=(cfg.gazetteer_settings().path,),
            settings=(cfg, lang),
        )
    except OSError:
        return ""  # a missing input is reported by the stage that reads it


def _input_entry(path: Path | None, digest: str | None = None) -> dict[str, str] | None:
    if path is None:
        return None
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"path": str(path), "sha256": digest}


def _remove_flat_outputs(out: Path) -> None:
    """Remove the flat output files an earlier release wrote directly into ``out`` (now in snapshots)."""
    for name in (OFFERS_FILE, DISTRICTS_FILE, CITY_FILE, REPORT_FILE):
        path = out / name
        if path.is_file():
            path.unlink()
            logger.info("removed %s of an earlier release (the data now lives in %s/)", path, SNAPSHOTS_DIR)


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
    lang: str = DEFAULT_LANGUAGE,
    public: bool = True,
) -> BuildReport:
    """Build a new snapshot of the data folder from an offer list.

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
        The data folder (created when missing): the set is published as
        ``snapshots/<version>/`` and ``CURRENT`` switched to it atomically
        (:func:`etl.write.write_snapshot`); a copy of ``rejects.csv`` is kept at
        ``out_dir/rejects.csv`` for the clerk; the geocode cache lives in ``out_dir/.cache``.
    progress
        Show a progress bar while geocoding; None = only when stderr is a terminal.
    providers
        Geocoding provider chain to use instead of the configured one (tests inject fakes here).
    use_cache
        Use the persistent geocode cache in ``out_dir/.cache``.
    force
        Rebuild even when the current snapshot is an unchanged build of the same inputs,
        settings and code (see :mod:`etl.uptodate`; only checked with the configured
        providers and the cache on).
    lang
        Language of the reasons in ``rejects.csv`` and of the report's warning messages
        (one of :data:`etl.problems.LANGUAGES`; German by default).
    public
        Write ``offers.geojson`` as the privacy levels allow (:mod:`geodata.privacy`); False keeps
        the exact offers (the register's import reads them from its work folder).

    Returns
    -------
    BuildReport
        Counts, warnings and timings, as written to ``build_report.json``, plus the
        published ``version`` and ``snapshot_dir``.

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
        fingerprint = _fingerprint(offers_path, districts, cfg, lang) if providers is None and use_cache else ""
        fingerprint = fingerprint + ("" if public or not fingerprint else ":exact")
        if fingerprint and not force and (previous := previous_report(out, fingerprint)) is not None:
            logger.info("build: %s is up to date (inputs, settings and code unchanged)", out)
            return replace(previous, up_to_date=True, timings_s={"up_to_date_check": timer.elapsed()})
    with timer.stage("extract"):
        extract = read_table(offers_path, cfg.columns)
    with timer.stage("districts"):
        checker = RecordChecker.from_config(cfg, out, districts, providers=providers, use_cache=use_cache)
    checked = checker.check_frame(extract.frame, offers_path.name, progress=progress, stage=timer.stage)
    with timer.stage("write"):
        rejects = checked.rejects(lang)
        warnings = warning_dicts(sorted([*extract.problems, *checked.problems], key=lambda item: item[0]), lang)
        districts_file = None if isinstance(districts, gpd.GeoDataFrame) else districts_path(districts)
        config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
        inputs = [
            _input_entry(offers_path, extract.sha256),
            _input_entry(districts_file),
            _input_entry(config_path),
        ]
        report = BuildReport(
            rows_in=checked.rows_in,
            rows_out=len(checked.features),
            rows_rejected=len(rejects),
            rows_not_listed=sum(f["properties"].get("listed") is False for f in checked.features) if public else 0,
            by_geocode_source=checked.by_geocode_source,
            by_geocode_precision=checked.by_geocode_precision,
            cache_hits=checked.cache_hits,
            warnings=warnings,
            inputs=tuple(i for i in inputs if i is not None),
            city=cfg.name,
            empty_rows=extract.empty_rows,
            timings_s=dict(timer.timings),  # file writing itself is not timed
            fingerprint=fingerprint,
            out_dir=str(out),
        )
        rejects_bytes = rejects_csv(rejects, extract.raw)
        version = write_snapshot(
            out,
            checked.features,
            district_features(checker.districts),
            city_settings(cfg, checker.area),
            report,
            rejects_bytes,
            public=public,
        )
        atomic_write_bytes(out / REJECTS_FILE, rejects_bytes)  # the clerk's copy, next to CURRENT
        _remove_flat_outputs(out)
    report = replace(report, version=version, snapshot_dir=str(snapshot_dir(out, version)))
    logger.info(
        "build: %d rows in, %d offers out, %d rejected, %d warnings, %d empty rows skipped; snapshot %s",
        report.rows_in,
        report.rows_out,
        report.rows_rejected,
        len(report.warnings),
        len(report.empty_rows),
        version,
    )
    return report
