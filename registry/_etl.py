"""The one place where the register calls the ETL.

Import runs :func:`etl.pipeline.build` itself (the same extract, validation,
geocoding and rejects report as ``stadtkarte build``) into a work folder and reads
its output back. A single record (a staff form, later the public form) goes
through the same validation, geocoding and district assignment in
:func:`check_values`. Publishing writes through :func:`etl.write.write_outputs`.

Until ``etl.record.RecordChecker`` (the ETL's public per-record check) lands,
:func:`check_values` drives the ETL's stages directly; swapping it is a change to
this module only.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.crs import STORAGE_CRS
from geodata.io import (
    CITY_FILE,
    DISTRICTS_FILE,
    OFFERS_FILE,
    REJECTS_FILE,
    REPORT_FILE,
    atomic_write_bytes,
    atomic_write_text,
    dumps_features,
    read_districts,
    write_districts,
)
from geodata.schema import PRECISIONS, SOURCES
from registry.records import Problem

logger = logging.getLogger(__name__)

#: Form fields: the contract fields a person types (as in an offer list), plus ``district``, ``lat``, ``lon``.
FORM_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "organization",
    "category",
    "subcategories",
    "languages",
    "target_groups",
    "description",
    "street",
    "house_number",
    "postal_code",
    "city",
    "district",
    "phone",
    "email",
    "url",
    "opening_hours",
    "accessibility",
    "accessibility_details",
    "last_verified",
    "lat",
    "lon",
    "demo",
    "location_visibility",
    "listed",
)
#: Words of the ETL's German messages -> the form field they concern (for errors shown at the field).
_FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("Kategorie", "category"),
    ("Name", "name"),
    ("ID", "id"),
    ("Koordinate", "lat"),
    ("Breitengrad", "lat"),
    ("Lage", "street"),
    ("Adresse", "street"),
    ("Postleitzahl", "postal_code"),
    ("E-Mail", "email"),
    ("Webseite", "url"),
    ("Link", "url"),
)


@dataclass(frozen=True)
class ImportBuild:
    """What ``build`` made of an offer list: contract features in input order plus the report."""

    features: list[dict[str, Any]]
    lines: tuple[str, ...]
    districts: list[dict[str, Any]]
    city: dict[str, Any]
    rows_in: int
    rows_rejected: int
    rejects_path: Path
    empty_rows: tuple[int, ...]


def build_import(
    offers: Path, districts: Path | None, config: Path | Any | None, work_dir: Path, *, force: bool = False
) -> ImportBuild:
    """Run the ETL's build of ``offers`` into ``work_dir`` and read the result back.

    Raises the ETL's input errors (exit code 2 at the command line) before anything is written.
    """
    from etl.pipeline import build

    report = build(
        offers=offers, districts=districts, config=config, out_dir=work_dir, progress=False, force=force, public=False
    )  # the exact offers: the register keeps them, publishing coarsens (geodata.privacy)
    # build validated the offers against the contract on write: read them back without a second check,
    # and keep each feature's line of the file (what publishing writes again)
    from geodata.snapshot import current_snapshot_dir

    folder = current_snapshot_dir(work_dir) or work_dir  # a build may publish a snapshot or write flat files
    text = (folder / OFFERS_FILE).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    lines = split_lines(text) if features else []
    if len(lines) != len(features):
        raise RuntimeError(f"{folder / OFFERS_FILE} does not have one feature a line: update registry._etl")
    return ImportBuild(
        features=[{"type": "Feature", "geometry": f["geometry"], "properties": f["properties"]} for f in features],
        lines=tuple(lines),
        districts=read_districts(folder / DISTRICTS_FILE),
        city=json.loads((folder / CITY_FILE).read_text(encoding="utf-8")),
        rows_in=report.rows_in,
        rows_rejected=report.rows_rejected,
        rejects_path=folder / REJECTS_FILE,
        empty_rows=tuple(report.empty_rows),
    )


def load_config(path: Path | None) -> Any:
    """The city config (``None``: the bundled demo config)."""
    from etl.config import load_config as _load

    return _load(path)


@dataclass(frozen=True)
class CheckContext:
    """What checking one record needs: config, districts (EPSG:4326), widened city area, taxonomy.

    ``checker`` is the ETL's public ``etl.record.RecordChecker`` where the installed ETL
    has one; then every check goes through it.
    """

    config: Any
    districts: gpd.GeoDataFrame
    area: Any
    taxonomy: Any
    work_dir: Path
    checker: Any = None


def make_context(config: Any, district_features: Sequence[Mapping[str, Any]], work_dir: Path) -> CheckContext:
    """Prepare the per-record check for ``config`` and the register's districts."""
    from geodata.taxonomy import load_taxonomy

    districts = gpd.GeoDataFrame.from_features(list(district_features), crs=STORAGE_CRS)
    taxonomy = load_taxonomy(overrides=config.taxonomy)
    try:
        from etl.record import RecordChecker  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from etl.pipeline import city_area, widen  # type: ignore[attr-defined,unused-ignore]

        area = widen(city_area(config, districts)) if len(districts) else None
        return CheckContext(config, districts, area, taxonomy, work_dir)
    checker = RecordChecker.from_config(config, work_dir, districts)
    return CheckContext(config, districts, None, taxonomy, work_dir, checker)


@dataclass(frozen=True)
class Checked:
    """Result of :func:`check_values`: the contract feature (None on errors) and every problem."""

    feature: dict[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.feature is not None


def _field_of(message: str) -> str | None:
    return next((name for word, name in _FIELD_WORDS if word in message), None)


def _frame(values: Mapping[str, str | None], entry_id: str | None) -> pd.DataFrame:
    row = {name: " ".join(str(values.get(name) or "").split()) for name in FORM_FIELDS}
    for name in ("description", "opening_hours", "accessibility_details"):  # multi-line fields keep their lines
        row[name] = str(values.get(name) or "").strip()
    if entry_id is not None:
        row["id"] = entry_id
    return pd.DataFrame([{"row": 1, **row}], dtype=object)


def check_values(
    values: Mapping[str, str | None], context: CheckContext, source: str, entry_id: str | None = None
) -> Checked:
    """Validate, geocode and place one record given as form text (contract field -> text).

    ``entry_id`` fixes the id (a change of an existing entry); otherwise the value's
    ``id`` or a stable id from name and address is used. ``source`` fills the
    ``source`` property.
    """
    if context.checker is not None:
        return _check_with_record_checker(values, context, source, entry_id)
    from etl.enrich import assign_districts, offers_frame, outside_warnings  # type: ignore[attr-defined,unused-ignore]
    from etl.pipeline import _geocode, _precision_warnings  # type: ignore[attr-defined,unused-ignore]
    from etl.validate import validate_rows
    from etl.write import offer_features

    cfg = context.config
    validation = validate_rows(_frame(values, entry_id), context.taxonomy, context.area, cfg.name)
    warnings = [Problem(w["field"], w["message"], "warning") for w in validation.warnings]
    if len(validation.rejects):
        reasons = str(validation.rejects.iloc[0]["reason"]).split("; ")
        return Checked(None, (*(Problem(_field_of(r), r) for r in reasons), *warnings))
    located, unresolved, _hits = _geocode(validation.valid, cfg, context.districts, context.work_dir, None, False, True)
    if len(unresolved):
        reason = str(unresolved.iloc[0]["reason"])
        return Checked(None, (Problem("street", reason), *warnings))
    enriched = assign_districts(offers_frame(located), context.districts)
    enriched["demo"] = [bool(cfg.demo) if d is None else bool(d) for d in enriched["demo"]]
    warnings += [Problem(w["field"], w["message"], "warning") for w in _precision_warnings(located)]
    warnings += [Problem(w["field"], w["message"], "warning") for w in outside_warnings(enriched)]
    feature = offer_features(enriched, source)[0]
    coords = feature["geometry"]["coordinates"]
    feature["geometry"]["coordinates"] = [round(float(coords[0]), 7), round(float(coords[1]), 7)]
    from geodata.schema import complete_properties

    feature["properties"] = complete_properties(feature["properties"])
    from geodata.schema import offer_problems

    broken = offer_problems(feature["properties"])  # the contract check the build runs on write
    if broken:
        return Checked(None, (*(Problem(None, text) for text in broken), *warnings))
    return Checked(feature, tuple(warnings))


def _check_with_record_checker(
    values: Mapping[str, str | None], context: CheckContext, source: str, entry_id: str | None
) -> Checked:
    """The same check through the ETL's public ``RecordChecker`` (problems rendered in German)."""
    from etl.problems import render  # type: ignore[import-not-found,unused-ignore]

    given = {name: values.get(name) for name in FORM_FIELDS}
    if entry_id is not None:
        given["id"] = entry_id
    result = context.checker.check(given)
    problems = tuple(Problem(p.field, render(p, "de"), p.severity) for p in result.problems)
    if not result.ok or result.feature is None:
        return Checked(None, problems)
    feature = result.feature
    lon, lat = feature["geometry"]["coordinates"][:2]
    feature["geometry"] = {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]}
    feature["properties"] = {**feature["properties"], "source": source}
    return Checked(feature, tuple(p for p in problems if p.severity != "error"))


_COLLECTION_HEAD = '{"type":"FeatureCollection","features":[\n'
_COLLECTION_TAIL = "\n]}\n"
_SOURCE = re.compile(r'"geocode_source":"([a-z]+)"')
_PRECISION = re.compile(r'"geocode_precision":"([a-z]+)"')


def feature_line(feature: Mapping[str, Any]) -> str:
    """The feature as one line of ``offers.geojson``, serialised by :func:`geodata.io.dumps_features`."""
    text = dumps_features([feature])
    if not (text.startswith(_COLLECTION_HEAD) and text.endswith(_COLLECTION_TAIL)):
        raise RuntimeError("geodata.io.dumps_features changed its layout: update registry._etl.feature_line")
    return text[len(_COLLECTION_HEAD) : -len(_COLLECTION_TAIL)]


def split_lines(text: str) -> list[str]:
    """The feature lines of an ``offers.geojson`` written by :func:`geodata.io.dumps_features`."""
    if not (text.startswith(_COLLECTION_HEAD) and text.endswith(_COLLECTION_TAIL)):
        raise RuntimeError("offers.geojson is not in the layout of geodata.io.dumps_features")
    body = text[len(_COLLECTION_HEAD) : -len(_COLLECTION_TAIL)]
    return body.split(",\n") if body else []  # JSON escapes newlines inside strings: ",\n" only separates


def offers_text(lines: Sequence[str]) -> str:
    """``offers.geojson`` from feature lines (the layout of :func:`geodata.io.dumps_features`)."""
    return _COLLECTION_HEAD + ",\n".join(lines) + ("\n" if lines else "") + "]}\n"


def write_snapshot_lines(
    folder: Path,
    lines: Sequence[str],
    districts: Sequence[Mapping[str, Any]],
    city: Mapping[str, Any],
) -> None:
    """Write the files ``stadtkarte build`` writes, from the register's stored feature lines.

    The same steps as :func:`etl.write.write_outputs`, except that the offers are not
    validated a second time: every entry was checked against the contract when it was
    written. ``offers.geojson``, ``districts.geojson`` and ``city.json`` are byte-identical
    to a build of the same offers; ``rejects.csv`` is empty (rejects belong to an import)
    and ``build_report.json`` counts the published entries.
    """
    from etl.uptodate import output_hashes
    from etl.write import BuildReport, dumps_json, rejects_csv
    from geodata.privacy import public_lines

    total = len(lines)
    lines, not_listed = public_lines(lines, districts, feature_line)  # the privacy levels (one place: geodata.privacy)
    body = offers_text(lines)
    sources, precisions = Counter(_SOURCE.findall(body)), Counter(_PRECISION.findall(body))
    report = BuildReport(
        rows_in=total,
        rows_out=total,
        rows_rejected=0,
        rows_not_listed=not_listed,
        by_geocode_source={s: int(sources.get(s, 0)) for s in SOURCES},
        by_geocode_precision={p: int(precisions.get(p, 0)) for p in PRECISIONS},
        inputs=({"path": "register", "sha256": ""},),
        city=str(city.get("name") or ""),
        out_dir=str(folder),
    )
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / OFFERS_FILE, body)
    write_districts(folder / DISTRICTS_FILE, districts)
    empty = pd.DataFrame(columns=["row", "reason"], dtype=object)
    atomic_write_bytes(folder / REJECTS_FILE, rejects_csv(empty, pd.DataFrame({"row": pd.Series([], dtype=object)})))
    atomic_write_text(folder / CITY_FILE, dumps_json(dict(city)))
    outputs = output_hashes(folder, (OFFERS_FILE, DISTRICTS_FILE, REJECTS_FILE, CITY_FILE))
    atomic_write_text(folder / REPORT_FILE, dumps_json({**report.to_dict(), "outputs": outputs}))
