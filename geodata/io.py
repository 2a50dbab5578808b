"""Reading and atomic writing of the contract's GeoJSON files.

Files are RFC 7946 FeatureCollections in EPSG:4326, written deterministically
(properties in contract order, coordinates rounded to 7 decimals, one feature a
line) so that the same input gives byte-identical output. Writes go to a
temporary file in the target folder and are renamed into place, so a run that
is killed half-way leaves the previous file intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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
_COLLECTION_HEAD = '{"type":"FeatureCollection","features":[\n'
_COLLECTION_TAIL = "]}\n"


@contextmanager
def _atomic_binary(path: Path) -> Iterator[BinaryIO]:
    """A temporary file next to ``path``, fsynced and renamed onto ``path`` when the block ends without error.

    On an error (or Ctrl-C) the temporary file is removed and ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + rename, fsynced)."""
    with _atomic_binary(Path(path)) as fh:
        fh.write(data)


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


def feature_lines(
    features: Iterable[Mapping[str, Any]], fields: Sequence[Any] = OFFER_FIELDS, *, completed: bool = False
) -> Iterator[str]:
    """Each feature as one deterministic line of a FeatureCollection (see :func:`dumps_features`), lazily."""
    names = tuple(fields)
    for feature in features:
        geometry = feature["geometry"]
        out = {
            "type": "Feature",
            "id": feature["properties"]["id"],
            "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])},
            "properties": feature["properties"] if completed else complete_properties(feature["properties"], names),
        }
        yield json.dumps(out, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def collection_chunks(lines: Iterable[str]) -> Iterator[str]:
    """The text of a FeatureCollection around feature ``lines``, in pieces (joined: :func:`dumps_features`)."""
    yield _COLLECTION_HEAD
    first = True
    for line in lines:
        yield line if first else ",\n" + line
        first = False
    yield ("" if first else "\n") + _COLLECTION_TAIL


def dumps_features(
    features: Iterable[Mapping[str, Any]], fields: Sequence[Any] = OFFER_FIELDS, *, completed: bool = False
) -> str:
    """Serialise features as a deterministic RFC 7946 FeatureCollection, one feature a line.

    ``completed=True`` when the properties already went through :func:`complete_properties`.
    """
    return "".join(collection_chunks(feature_lines(features, fields, completed=completed)))


@dataclass(frozen=True)
class WrittenFile:
    """What :func:`stream_features` wrote: the number of features and the SHA-256 of the file's bytes."""

    features: int
    sha256: str


class _Utf8Sink:
    """UTF-8 text written to a binary file in batches of about ``batch`` characters, hashed on the way."""

    def __init__(self, fh: BinaryIO, batch: int = 1 << 16) -> None:
        self._fh = fh
        self._batch = batch
        self._parts: list[str] = []
        self._size = 0
        self.digest = hashlib.sha256()

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._batch:
            self.flush()

    def flush(self) -> None:
        data = "".join(self._parts).encode("utf-8")
        self.digest.update(data)
        self._fh.write(data)
        self._parts.clear()
        self._size = 0


def atomic_write_chunks(path: str | Path, chunks: Iterable[str]) -> str:
    """Write UTF-8 text given in pieces to ``path`` atomically, never joining it whole; returns its SHA-256.

    The bytes are those of ``atomic_write_text(path, "".join(chunks))``.
    """
    with _atomic_binary(Path(path)) as fh:
        sink = _Utf8Sink(fh)
        for chunk in chunks:
            sink.write(chunk)
        sink.flush()
    return sink.digest.hexdigest()


def stream_features(
    path: str | Path,
    features: Iterable[Mapping[str, Any]],
    fields: Sequence[Any],
    validate: Callable[[Iterable[Mapping[str, Any]]], None],
) -> WrittenFile:
    """Write features as :func:`dumps_features` would, one line at a time, atomically; hash while writing.

    Parameters
    ----------
    path
        The file to write (replaced only when every feature was written and passed ``validate``).
    features
        Contract features, consumed once (a generator is fine: no list of all features is needed).
    fields
        The contract's fields (:data:`geodata.schema.OFFER_FIELDS` or ``DISTRICT_FIELDS``).
    validate
        ``validate_offer_features`` or ``validate_district_features``: it sees every completed
        feature as that feature's line is written, and raises :class:`ContractError` after the
        last one when any broke the contract -- then the temporary file is removed.

    Returns
    -------
    WrittenFile
        The number of features written and the SHA-256 of the file's bytes.
    """
    names = tuple(fields)
    count = 0
    finished = False
    with _atomic_binary(Path(path)) as fh:
        sink = _Utf8Sink(fh)

        def completed() -> Iterator[Mapping[str, Any]]:
            nonlocal count, finished
            sink.write(_COLLECTION_HEAD)
            for feature in features:
                done = {**feature, "properties": complete_properties(feature["properties"], names)}
                (line,) = feature_lines((done,), names, completed=True)
                sink.write(line if count == 0 else ",\n" + line)
                count += 1
                yield done
            sink.write(("\n" if count else "") + _COLLECTION_TAIL)
            finished = True

        validate(completed())
        if not finished:  # the file would lack its end: never rename it into place
            raise RuntimeError(f"{validate.__name__} did not read every feature; {path} was not written")
        sink.flush()
    return WrittenFile(count, sink.digest.hexdigest())


def write_offers(path: str | Path, features: Sequence[Mapping[str, Any]]) -> None:
    """Validate offers against the contract and write them atomically (streamed: see :func:`stream_features`)."""
    stream_features(path, features, OFFER_FIELDS, validate_offer_features)


def write_districts(path: str | Path, features: Sequence[Mapping[str, Any]]) -> None:
    """Validate districts against the contract and write them atomically."""
    stream_features(path, features, DISTRICT_FIELDS, validate_district_features)


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
