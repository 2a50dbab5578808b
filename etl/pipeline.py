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
from etl.districts import display_geometry
from etl.extract import read_table
from etl.geocode import Provider
from etl.problems import DEFAULT_LANGUAGE, Problem, render, warning
from etl.record import RecordChecker, districts_path
from etl.report import BuildReport
from etl.uptodate import build_fingerprint, previous_report
from etl.validate import rejects_frame, warning_dicts
from etl.write import city_settings, district_features, rejects_csv, review_csv, write_snapshot
from geodata.datasets import get_path
from geodata.io import (
    CITY_FILE,
    DISTRICTS_FILE,
    OFFERS_FILE,
    REJECTS_FILE,
    REPORT_FILE,
    REVIEW_FILE,
    atomic_write_bytes,
)
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


def _fingerprint(
    offers: Path,
    districts: str | Path | gpd.GeoDataFrame | None,
    cfg: CityConfig,
    lang: str,
    sheet: str | int | None = None,
) -> str:
    """Fingerprint of this build's inputs; "" (never up to date) for districts given as a GeoDataFrame."""
    if isinstance(districts, gpd.GeoDataFrame):
        return ""
    config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
    try:
        return build_fingerprint(
            files=(offers, districts_path(districts), config_path, get_path("taxonomy.json")),
            stat_only=(cfg.gazetteer_settings().path,),
            settings=(cfg, lang) if sheet is None else (cfg, lang, str(sheet)),
        )
    except OSError:
        return ""  # a missing input is reported by the stage that reads it


def _input_entry(path: Path | None, digest: str | None = None) -> dict[str, str] | None:
    if path is None:
        return None
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"path": str(path), "sha256": digest}


def _is_demo_offers(offers: Path) -> bool:
    """True when ``offers`` is the bundled demo's own offer list."""
    try:
        return offers.resolve() == get_path(DEMO_OFFERS).resolve()
    except OSError:
        return False


def default_settings_notice(
    offers: Path, districts: str | Path | gpd.GeoDataFrame | None, cfg: CityConfig
) -> Problem | None:
    """The notice for a build of the user's own offers without ``--config`` (None otherwise).

    Such a build uses the demo's city settings and, without ``--districts``, its districts:
    say so, because they are most likely not the user's city.
    """
    if _is_demo_offers(offers):
        return None
    where = "GeoDataFrame" if isinstance(districts, gpd.GeoDataFrame) else str(districts_path(districts))
    return warning("default_settings", city=cfg.name, districts=where)


def _notice_dict(problem: Problem, lang: str) -> dict[str, object]:
    return {"code": problem.code, "params": dict(problem.params), "message": render(problem, lang)}


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
    sheet: str | int | None = None,
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
        City config path or :class:`~etl.config.CityConfig`; None = the bundled demo config. With
        ``offers`` other than the demo's own list, that is reported as a notice (log warning and
        ``notices`` in the report) and the config's demo flag is dropped: a user's data is never demo data.
    out_dir
        The data folder (created when missing): the set is published as
        ``snapshots/<version>/`` and ``CURRENT`` switched to it atomically
        (:func:`etl.write.write_snapshot`); copies of ``rejects.csv`` and ``review.csv``
        (offers located only approximately) are kept in ``out_dir`` for the clerk; the geocode cache lives in ``out_dir/.cache``.
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
    sheet
        Worksheet of an .xlsx offer list (title or 1-based number); None = the first sheet
        with a recognisable header row.
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
        notice = default_settings_notice(offers_path, districts, cfg) if config is None else None
        if notice is not None:
            # the demo flag comes only with the demo's own offers: never label a user's data as demo data
            cfg = replace(cfg, demo=False)
            logger.warning("%s", render(notice, lang))
        fingerprint = _fingerprint(offers_path, districts, cfg, lang, sheet) if providers is None and use_cache else ""
        fingerprint = fingerprint + ("" if public or not fingerprint else ":exact")
        if fingerprint and not force and (previous := previous_report(out, fingerprint)) is not None:
            logger.info("build: %s is up to date (inputs, settings and code unchanged)", out)
            return replace(previous, up_to_date=True, timings_s={"up_to_date_check": timer.elapsed()})
    with timer.stage("extract"):
        limits = cfg.input_limits()
        extract = read_table(offers_path, cfg.columns, limits=limits, sheet=sheet)
        read_errors = [(row, p) for row, p in extract.problems if p.is_error]  # rows rejected while reading
    with timer.stage("districts"):
        checker = RecordChecker.from_config(cfg, out, districts, providers=providers, use_cache=use_cache)
    checked = checker.check_frame(extract.frame, offers_path.name, progress=progress, stage=timer.stage)
    extract = replace(extract, frame=extract.frame.iloc[:0])  # checked: only raw (for rejects.csv) is still needed
    with timer.stage("write"):
        # the map gets simplified polygons where they are too detailed to draw; the analysis above used the full ones
        display = display_geometry(
            checker.districts,
            checker.area,
            max_vertices=limits.max_district_vertices,
            tolerance_m=limits.display_tolerance_m,
            city=cfg.name,
        )
        review = checked.review(lang)
        rejects = rejects_frame([*read_errors, *checked.problems], lang)
        warnings = warning_dicts(
            sorted([*display.problems, *extract.problems, *checked.problems], key=lambda item: item[0]), lang
        )
        districts_file = None if isinstance(districts, gpd.GeoDataFrame) else districts_path(districts)
        config_path = cfg.source if cfg.source is not None and cfg.source.is_file() else None
        inputs = [
            _input_entry(offers_path, extract.sha256),
            _input_entry(districts_file),
            _input_entry(config_path),
        ]
        report = BuildReport(
            rows_in=checked.rows_in + len({row for row, _p in read_errors}),
            rows_out=len(checked.features),
            rows_rejected=len(rejects),
            rows_not_listed=sum(f["properties"].get("listed") is False for f in checked.features) if public else 0,
            by_geocode_source=checked.by_geocode_source,
            by_geocode_precision=checked.by_geocode_precision,
            cache_hits=checked.cache_hits,
            rows_review=len(review),
            notices=(_notice_dict(notice, lang),) if notice is not None else (),
            warnings=warnings,
            inputs=tuple(i for i in inputs if i is not None),
            city=cfg.name,
            empty_rows=extract.empty_rows,
            timings_s=dict(timer.timings),  # file writing itself is not timed
            fingerprint=fingerprint,
            out_dir=str(out),
        )
        rejects_bytes = rejects_csv(rejects, extract.raw)
        review_bytes = review_csv(review)
        version = write_snapshot(
            out,
            checked.features,
            district_features(display.districts),
            city_settings(cfg, display.outline),
            report,
            rejects_bytes,
            review=review_bytes,
            public=public,
        )
        atomic_write_bytes(out / REJECTS_FILE, rejects_bytes)  # the clerk's copies, next to CURRENT
        atomic_write_bytes(out / REVIEW_FILE, review_bytes)
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
