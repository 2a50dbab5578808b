"""The one place where the register calls the ETL.

Import runs :func:`etl.pipeline.build` itself (the same extract, validation,
geocoding and rejects report as ``stadtkarte build``) into a work folder and reads
its output back. A single record (a staff form, later the public form) goes
through the ETL's public per-record check, :class:`etl.record.RecordChecker`, in
:func:`check_values`; its findings stay :class:`etl.problems.Problem` codes, rendered
in the reader's language with :func:`etl.problems.render`. Publishing writes the
files :func:`etl.write.write_outputs` writes.
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

from etl.config import CityConfig
from etl.config import load_config as _load_config
from etl.pipeline import build
from etl.problems import Problem
from etl.record import RecordChecker
from etl.uptodate import output_hashes
from etl.validate import INPUT_FIELDS
from etl.write import BuildReport, dumps_json, rejects_csv
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
from geodata.privacy import public_lines
from geodata.schema import PRECISIONS, SOURCES
from geodata.snapshot import current_snapshot_dir

logger = logging.getLogger(__name__)

#: Form fields: the ETL's input fields (contract fields as a person types them, plus ``district``, ``lat``, ``lon``).
FORM_FIELDS: tuple[str, ...] = INPUT_FIELDS


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
    offers: Path, districts: Path | None, config: Path | CityConfig | None, work_dir: Path, *, force: bool = False
) -> ImportBuild:
    """Run the ETL's build of ``offers`` into ``work_dir`` and read the result back.

    Raises the ETL's input errors (exit code 2 at the command line) before anything is written.
    """
    report = build(
        offers=offers, districts=districts, config=config, out_dir=work_dir, progress=False, force=force, public=False
    )  # the exact offers: the register keeps them, publishing coarsens (geodata.privacy)
    # build validated the offers against the contract on write: read them back without a second check,
    # and keep each feature's line of the file (what publishing writes again)
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


def load_config(path: Path | None) -> CityConfig:
    """The city config (``None``: the bundled demo config)."""
    return _load_config(path)


def make_checker(config: CityConfig, district_features: Sequence[Mapping[str, Any]], work_dir: Path) -> RecordChecker:
    """The ETL's per-record check for ``config`` and the register's districts (EPSG:4326)."""
    districts = gpd.GeoDataFrame.from_features(list(district_features), crs=STORAGE_CRS)
    return RecordChecker.from_config(config, work_dir, districts)


@dataclass(frozen=True)
class Checked:
    """Result of :func:`check_values`: the contract feature (None on errors) and every problem."""

    feature: dict[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the record can be stored."""
        return self.feature is not None


def check_values(
    values: Mapping[str, str | None], checker: RecordChecker, source: str, entry_id: str | None = None
) -> Checked:
    """Validate, geocode and place one record given as form text (contract field -> text).

    ``entry_id`` fixes the id (a change of an existing entry); otherwise the value's
    ``id`` or a stable id from name and address is used. ``source`` fills the
    ``source`` property. On errors the feature is None and the problems hold every
    finding; on success only the warnings are kept.
    """
    given = {name: values.get(name) for name in FORM_FIELDS}
    if entry_id is not None:
        given["id"] = entry_id
    result = checker.check(given)
    if not result.ok or result.feature is None:
        return Checked(None, tuple(result.problems))
    feature = result.feature
    lon, lat = feature["geometry"]["coordinates"][:2]
    feature["geometry"] = {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]}
    feature["properties"] = {**feature["properties"], "source": source}
    return Checked(feature, tuple(p for p in result.problems if not p.is_error))


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
