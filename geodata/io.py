"""Reading and atomic writing of the contract's GeoJSON files.

Files are RFC 7946 FeatureCollections in EPSG:4326, written deterministically
(properties in contract order, coordinates rounded to 7 decimals, one feature a
line) so that the same input gives byte-identical output. Writes go to a
temporary file in the target folder and are renamed into place, so a run that
is killed half-way leaves the previous file intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from geodata.errors import ContractError, DatasetError
from geodata.schema import (
    DISTRICT_FIELDS,
    OFFER_FIELDS,
    complete_properties,
    validate_district_features,
    validate_offer_features,
)

COORDINATE_DECIMALS = 7
OFFERS_FILE = "offers.geojson"
DISTRICTS_FILE = "districts.geojson"
REJECTS_FILE = "rejects.csv"
#: Offers published at an approximate location, with what would make them exact (written by etl.write).
REVIEW_FILE = "review.csv"
REPORT_FILE = "build_report.json"
#: Dashboard-facing city settings written by the ETL (name, demo flag, contact, basemap, outline).
CITY_FILE = "city.json"


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + rename, fsynced)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _round(coords: Any) -> Any:
    if isinstance(coords, int | float):
        return round(float(coords), COORDINATE_DECIMALS)
    return [_round(c) for c in coords]


def dumps_features(
    features: Iterable[Mapping[str, Any]], fields: Sequence[Any] = OFFER_FIELDS, *, completed: bool = False
) -> str:
    """Serialise features as a deterministic RFC 7946 FeatureCollection, one feature a line.

    ``completed=True`` when the properties already went through :func:`complete_properties`.
    """
    lines = []
    for feature in features:
        geometry = feature["geometry"]
        out = {
            "type": "Feature",
            "id": feature["properties"]["id"],
            "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])},
            "properties": feature["properties"]
            if completed
            else complete_properties(feature["properties"], tuple(fields)),
        }
        lines.append(json.dumps(out, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


def write_offers(path: str | Path, features: Sequence[Mapping[str, Any]]) -> None:
    """Validate offers against the contract and write them atomically."""
    completed = [{**f, "properties": complete_properties(f["properties"], OFFER_FIELDS)} for f in features]
    validate_offer_features(completed)
    atomic_write_text(path, dumps_features(completed, OFFER_FIELDS, completed=True))


def write_districts(path: str | Path, features: Sequence[Mapping[str, Any]]) -> None:
    """Validate districts against the contract and write them atomically."""
    completed = [{**f, "properties": complete_properties(f["properties"], DISTRICT_FIELDS)} for f in features]
    validate_district_features(completed)
    atomic_write_text(path, dumps_features(completed, DISTRICT_FIELDS, completed=True))


def _read_collection(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DatasetError(f"{path} does not exist: run 'stadtkarte build' first") from exc
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} is not readable GeoJSON ({exc}); rebuild it with 'stadtkarte build'") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ContractError(f"{path} is not a GeoJSON FeatureCollection")
    return list(data.get("features") or [])


def read_offers(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate an ``offers.geojson``; raises ContractError/DatasetError."""
    features = _read_collection(path)
    for f in features:
        f["properties"] = complete_properties(f.get("properties") or {}, OFFER_FIELDS)
    validate_offer_features(features)
    return features


def read_districts(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a ``districts.geojson``; raises ContractError/DatasetError."""
    features = _read_collection(path)
    for f in features:
        f["properties"] = complete_properties(f.get("properties") or {}, DISTRICT_FIELDS)
    validate_district_features(features)
    return features
