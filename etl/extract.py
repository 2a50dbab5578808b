"""Extract: read an offer list as municipal staff produce it, every value a string.

Supported inputs: CSV (``;`` ``,`` or tab, sniffed from the header line; UTF-8,
UTF-8 with BOM or Windows-1252 as Excel writes it; an Excel ``sep=;`` first line
is honoured), XLSX (first sheet, via openpyxl), GeoJSON and GeoPackage (via
pyogrio; a Point geometry gives ``lat``/``lon`` in EPSG:4326).

No dtype is guessed: ``"07111"`` keeps its zero. Headers are matched to contract
fields through the column mapping of :mod:`etl.config`, ignoring case, umlauts,
whitespace and punctuation (``"Hausnr."`` = ``"hausnr"``, ``"E-Mail"`` = ``"Email"``).

Row numbers are those a clerk sees: the header is row 1 of a CSV or sheet, data
start at row 2 (for GeoJSON/GeoPackage: feature index + 1). Fully empty rows are
not offers: they are skipped and listed in ``ExtractResult.empty_rows`` (they are
neither output nor rejects and are not counted in ``rows_in``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from etl.errors import ColumnError, InputEmptyError, InputFormatError, InputMissingError
from etl.problems import Problem, warning
from etl.settings import DEFAULT_COLUMNS, header_key

logger = logging.getLogger(__name__)

#: Contract fields (plus lat/lon/district) a frame from :func:`read_table` always has.
FRAME_FIELDS: tuple[str, ...] = tuple(DEFAULT_COLUMNS)
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
VECTOR_SUFFIXES = frozenset({".geojson", ".json", ".gpkg"})
_DELIMITERS = (";", ",", "\t")
_LIST_SPLIT = re.compile(r"[,;/\n|]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
#: Columns (contract fields) without which an offer list is unusable.
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "category")
#: At least one of these must be present so that an offer can be placed on the map.
LOCATION_COLUMNS: tuple[str, ...] = ("lat", "lon", "street", "postal_code", "district")


@dataclass(frozen=True)
class Table:
    """A raw table: original headers, and data rows keyed by their row number."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    detail: str = ""


@dataclass(frozen=True)
class ExtractResult:
    """Result of :func:`read_table`.

    Attributes
    ----------
    frame
        One str column per field of :data:`FRAME_FIELDS` (``""`` where absent) and
        ``row`` (int, the input row number); fully empty rows are left out.
    header_map
        Contract field -> the original header it was read from.
    problems
        ``(row, problem)`` for what was ignored while reading (warnings; row 1 = the header).
    raw
        The original columns as strings, aligned with ``frame`` (for rejects.csv).
    empty_rows
        Row numbers of fully empty rows that were skipped.
    sha256
        Hex digest of the input file's bytes.
    detail
        How the file was read (e.g. ``"csv; delimiter ';', encoding cp1252"``).
    """

    frame: pd.DataFrame
    header_map: Mapping[str, str]
    problems: tuple[tuple[int, Problem], ...] = ()
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)
    empty_rows: tuple[int, ...] = ()
    sha256: str = ""
    detail: str = ""


# --- small pure parsers --------------------------------------------------------------


def split_list(text: str | None) -> list[str]:
    """Split a list cell on ``,`` ``;`` ``/`` ``|`` or line breaks; strip and de-duplicate, keep order."""
    if not text:
        return []
    items = (part.strip() for part in _LIST_SPLIT.split(text))
    return list(dict.fromkeys(item for item in items if item))


def parse_number(text: str | None) -> float | None:
    """Parse a decimal number with a decimal point or a decimal comma (``"48,8973"``).

    Returns None for empty or unparsable text, and for non-finite values.
    Whitespace (also non-breaking) and a trailing degree sign are ignored.
    """
    if text is None:
        return None
    cleaned = re.sub(r"\s", "", str(text)).rstrip("°")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def cell_text(value: Any) -> str:
    """A spreadsheet or GeoPackage cell as text: numbers without a spurious ``.0``, dates in ISO."""
    if type(value) is str:  # CSV cells: by far the most common case
        return value.strip()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def sniff_delimiter(header_line: str) -> str:
    """The delimiter (``;`` ``,`` or tab) that occurs most often in the header line (``;`` on a tie)."""
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, else Windows-1252 (Excel's default).

    Returns the text and the encoding's name.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; map them like latin-1 rather than fail.
        return data.decode("cp1252", errors="replace"), "cp1252"


def match_headers(headers: Sequence[str], columns: Mapping[str, Sequence[str]]) -> tuple[dict[str, int], list[Problem]]:
    """Map contract fields to header positions.

    Returns ``(field -> column index, problems)``; the first header matching a
    field wins, a later one is reported (``column_duplicate``) and ignored.
    """
    lookup: dict[str, str] = {}
    for field_name, spellings in columns.items():
        for spelling in spellings:
            lookup.setdefault(header_key(spelling), field_name)
    found: dict[str, int] = {}
    messages: list[Problem] = []
    for pos, header in enumerate(headers):
        name = lookup.get(header_key(header))
        if name is None:
            continue
        if name in found:
            messages.append(warning("column_duplicate", None, header=header, used=headers[found[name]], target=name))
            continue
        found[name] = pos
    return found, messages


# --- readers per format ---------------------------------------------------------------


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputEmptyError("the file holds only empty lines")
    skip = 0
    sep_line = _SEP_LINE.match(lines[first])
    if sep_line:
        delimiter, skip = sep_line.group(1), first + 1
    else:
        delimiter = sniff_delimiter(lines[first])
    body = "\n".join(lines[skip:]) if skip else text
    try:
        records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputFormatError(f"not a readable CSV file ({exc})") from exc
    numbered = [(n, tuple(r)) for n, r in enumerate(records, start=1)]
    detail = f"csv; delimiter {delimiter!r}, encoding {encoding}"
    return _table_from_records(numbered, detail)


def _table_from_records(numbered: Sequence[tuple[int, Sequence[Any]]], detail: str) -> Table:
    texts = [(n, tuple(cell_text(c) for c in r)) for n, r in numbered]
    header_at = next((i for i, (_n, r) in enumerate(texts) if any(r)), None)
    if header_at is None:
        raise InputEmptyError("the file has no header row")
    headers = texts[header_at][1]
    return Table(headers=headers, rows=tuple(texts[header_at + 1 :]), detail=detail)


def _read_excel(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise InputFormatError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    try:
        sheet = book.worksheets[0]
        numbered = [(n, r) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
        title = sheet.title
    finally:
        book.close()
    return _table_from_records(numbered, f"xlsx; sheet {title!r}")


def _read_vector(path: Path) -> Table:
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        raise InputFormatError(f"not a readable GeoJSON/GeoPackage file ({exc})") from exc
    if frame.crs is not None and frame.geometry.notna().any() and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    props = [c for c in frame.columns if c != frame.geometry.name]
    # A Point geometry is the location; property columns named like lat/lon are used only without one.
    headers = [p for p in props if header_key(p) not in _LATLON_KEYS]
    lat_col = next((p for p in props if header_key(p) in _LAT_KEYS), None)
    lon_col = next((p for p in props if header_key(p) in _LON_KEYS), None)
    rows = []
    records = frame[props].astype(object).to_dict("records")
    for n, (record, geom) in enumerate(zip(records, frame.geometry, strict=True), start=1):
        if geom is not None and not geom.is_empty and geom.geom_type == "Point":
            lat, lon = repr(float(geom.y)), repr(float(geom.x))
        else:
            lat = cell_text(record[lat_col]) if lat_col else ""
            lon = cell_text(record[lon_col]) if lon_col else ""
        rows.append((n, (*(cell_text(record[c]) for c in headers), lat, lon)))
    headers = [*headers, "lat", "lon"]
    if not rows:
        raise InputEmptyError("the layer has no features")
    return Table(headers=tuple(headers), rows=tuple(rows), detail=f"vector; {len(rows)} features")


_LAT_KEYS = frozenset(header_key(s) for s in DEFAULT_COLUMNS["lat"])
_LON_KEYS = frozenset(header_key(s) for s in DEFAULT_COLUMNS["lon"])
_LATLON_KEYS = _LAT_KEYS | _LON_KEYS


def read_raw(path: str | Path) -> tuple[Table, str]:
    """Read ``path`` into a :class:`Table`; returns it and the file's SHA-256.

    Raises
    ------
    InputMissingError, InputEmptyError, InputFormatError
    """
    path = Path(path)
    if not path.is_file():
        raise InputMissingError(f"input file {path} does not exist: check the path (e.g. --offers angebote.csv)")
    data = path.read_bytes()
    if not data.strip():
        raise InputEmptyError(f"input file {path} is empty: export the offer list again with a header row")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            table = _read_csv(data)
        elif suffix in EXCEL_SUFFIXES:
            table = _read_excel(path)
        elif suffix in VECTOR_SUFFIXES:
            table = _read_vector(path)
        elif suffix == ".xls":
            raise InputFormatError("old Excel format .xls is not supported: save the sheet as .xlsx or CSV")
        else:
            raise InputFormatError(f"unknown file type {suffix or '(none)'!r}: use .csv, .xlsx, .geojson or .gpkg")
    except (InputEmptyError, InputFormatError) as exc:
        raise type(exc)(f"input file {path}: {exc}") from exc
    return table, hashlib.sha256(data).hexdigest()


# --- assembling the frame ---------------------------------------------------------------


def _unique_headers(headers: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for pos, header in enumerate(headers, start=1):
        name = header or f"Spalte {pos}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _check_columns(found: Mapping[str, int], headers: Sequence[str], columns: Mapping[str, Sequence[str]]) -> None:
    shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
    for name in REQUIRED_COLUMNS:
        if name not in found:
            accepted = ", ".join(f"'{s}'" for s in columns.get(name, ()))
            raise ColumnError(
                f"no {name} column found; headers found: {shown}; accepted spellings: {accepted} "
                f"(add yours under [columns] {name} = [...] in the city config)"
            )
    if not any(name in found for name in LOCATION_COLUMNS):
        accepted = ", ".join(f"'{columns[n][0]}'" for n in LOCATION_COLUMNS if columns.get(n))
        raise ColumnError(
            f"no location column found (coordinates, address, postcode or district); headers found: {shown}; "
            f"accepted e.g.: {accepted}"
        )


def read_table(path: str | Path, columns: Mapping[str, Sequence[str]] | None = None) -> ExtractResult:
    """Read an offer list into a frame of strings with one column per contract field.

    Parameters
    ----------
    path
        CSV, XLSX, GeoJSON or GeoPackage file.
    columns
        Contract field -> accepted header spellings (default
        :data:`etl.config.DEFAULT_COLUMNS`; a city's merged ``[columns]``).

    Raises
    ------
    InputMissingError, InputEmptyError, InputFormatError, ColumnError
        When the file is unusable; the message names the file and the fix.
    """
    columns = columns or DEFAULT_COLUMNS
    table, digest = read_raw(path)
    headers = _unique_headers(table.headers)
    found, messages = match_headers(headers, columns)
    _check_columns(found, headers, columns)
    problems: list[tuple[int, Problem]] = [(1, m) for m in messages]
    width = len(headers)
    kept_rows: list[int] = []
    kept_cells: list[tuple[str, ...]] = []
    empty: list[int] = []
    for number, cells in table.rows:
        cells = tuple(c.strip() for c in cells)
        if not any(cells):
            empty.append(number)
            continue
        if len(cells) > width and any(cells[width:]):
            extra = "; ".join(c for c in cells[width:] if c)
            problems.append((number, warning("cells_without_header", None, cells=extra)))
        kept_rows.append(number)
        kept_cells.append((cells + ("",) * width)[:width])
    raw = pd.DataFrame(list(kept_cells), columns=headers, dtype=object)
    frame = pd.DataFrame(
        {name: raw.iloc[:, found[name]] if name in found else "" for name in FRAME_FIELDS}, index=raw.index
    )
    frame = frame.astype(object)
    frame.insert(0, "row", pd.Series(kept_rows, index=raw.index, dtype="int64"))
    raw.insert(0, "row", frame["row"])
    header_map = {name: headers[pos] for name, pos in sorted(found.items(), key=lambda kv: kv[1])}
    ignored = [h for i, h in enumerate(headers) if i not in found.values()]
    logger.info(
        "read %d rows from %s (%s); %d empty rows skipped; columns: %s; ignored: %s",
        len(frame),
        Path(path).name,
        table.detail,
        len(empty),
        ", ".join(f"{h}->{n}" for n, h in header_map.items()),
        ", ".join(ignored) or "none",
    )
    if frame.empty:
        raise InputEmptyError(f"input file {path} has a header row but no data rows")
    return ExtractResult(
        frame=frame,
        header_map=header_map,
        problems=tuple(problems),
        raw=raw,
        empty_rows=tuple(empty),
        sha256=digest,
        detail=table.detail,
    )
