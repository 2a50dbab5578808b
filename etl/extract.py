"""Extract: read an offer list as municipal staff produce it, every value a string.

Supported inputs: CSV (``;`` ``,`` or tab, sniffed from the header line; UTF-8,
UTF-8 with BOM or Windows-1252 as Excel writes it, or a mixture of UTF-8 and
Windows-1252 lines, decoded line by line with a warning per Windows-1252 row; an
Excel ``sep=;`` first line is honoured), XLSX (via openpyxl in read-only mode: the
sheet given by ``sheet``, else the first sheet with a recognisable header row;
merged cells filled down with a warning; the zip directory is checked against
:class:`etl.settings.InputLimits` before the workbook is opened), GeoJSON and
GeoPackage (via pyogrio; a Point geometry gives ``lat``/``lon`` in EPSG:4326).

The header row is the first of the first :data:`HEADER_SCAN_ROWS` non-empty rows
that has a name and a category column (a title row or notes above it are skipped
with a warning naming them); without one, the first non-empty row. A row with a
cell longer than ``max_cell_chars`` is not read into the frame: it gets a
``cell_too_long`` error naming the column (it ends in the rejects with its row
number), the rest of the file is read.

No dtype is guessed: ``"07111"`` keeps its zero. Headers are matched to contract
fields through the column mapping of :mod:`etl.config`, ignoring case, umlauts,
whitespace and punctuation (``"Hausnr."`` = ``"hausnr"``, ``"E-Mail"`` = ``"Email"``).

Row numbers are those a clerk sees: the header is row 1 of a CSV or sheet, data
start at row 2 (for GeoJSON/GeoPackage: feature index + 1). Fully empty rows are
not offers: they are skipped and listed in ``ExtractResult.empty_rows`` (they are
neither output nor rejects and are not counted in ``rows_in``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import logging
import math
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from etl.errors import ColumnError, InputEmptyError, InputFormatError, InputMissingError
from etl.problems import Problem, error, warning
from etl.settings import DEFAULT_COLUMNS, InputLimits, header_key

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
#: How many non-empty rows at the top of a table are searched for the header row.
HEADER_SCAN_ROWS = 30
#: Rows named (and characters of text quoted) in one warning at most.
_SHOWN_ROWS = 20
_SHOWN_CHARS = 200
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SST_COUNT = re.compile(rb'uniqueCount="(\d+)"')


@dataclass(frozen=True)
class Table:
    """A raw table: original headers, and data rows keyed by their row number."""

    headers: tuple[str, ...]
    rows: Sequence[tuple[int, tuple[str, ...]]]
    detail: str = ""
    problems: tuple[tuple[int, Problem], ...] = ()
    header_row: int = 1


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
        ``(row, problem)`` for what was ignored or repaired while reading (warnings; the
        header's row for file-wide ones), and a ``cell_too_long`` error for each row left
        out of ``frame`` because of an over-long cell (such a row must become a reject).
    raw
        The original columns as strings (for rejects.csv): every row of ``frame``, plus the
        rows rejected while reading.
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

    A file mixing UTF-8 and Windows-1252 lines is decoded line by line (see
    :func:`decode_lines`). Returns the text and the encoding's name.
    """
    lines, encoding, _odd = decode_lines(data)
    return "".join(lines), encoding


def is_utf8(data: bytes | memoryview, chunk: int = 1 << 20) -> bool:
    """True when ``data`` is valid UTF-8 (checked in chunks: no copy of the whole text is made)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _bytes_stream(data: bytes, bom: bool) -> io.BytesIO:
    """A stream over ``data`` after its UTF-8 BOM; it shares ``data``'s buffer (a BytesIO of a slice copies it)."""
    stream = io.BytesIO(data)
    stream.seek(3 if bom else 0)
    return stream


def decode_lines(data: bytes) -> tuple[Iterable[str], str, frozenset[int]]:
    """Decode CSV bytes into lines (line ends kept), tolerating a mixture of UTF-8 and Windows-1252.

    UTF-8 (with or without BOM) and UTF-16 with BOM are decoded as a whole; a file
    that is not valid UTF-8 and has no valid non-ASCII UTF-8 line is Windows-1252
    (Excel's default). A file with valid UTF-8 lines *and* lines that are not (a list
    pasted together from two exports) is decoded line by line: UTF-8 first, Windows-1252
    for the lines that are not valid UTF-8, so nothing is garbled or lost.

    Returns
    -------
    lines, encoding, odd
        An iterable of the decoded lines (streamed; universal line ends), the encoding's
        name, and the 1-based numbers of the lines read as Windows-1252 in a mixed file
        (empty otherwise).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return io.StringIO(data.decode("utf-16"), newline=""), "utf-16", frozenset()
    bom = data.startswith(b"\xef\xbb\xbf")
    body = memoryview(data)[3:] if bom else memoryview(data)
    name = "utf-8-sig" if bom else "utf-8"
    if is_utf8(body):
        return io.TextIOWrapper(_bytes_stream(data, bom), encoding="utf-8", newline=""), name, frozenset()
    raw_lines = bytes(body).splitlines(keepends=True)
    if not any(not line.isascii() and is_utf8(line) for line in raw_lines):
        # cp1252 leaves five bytes undefined; map them like latin-1 rather than fail.
        return (
            io.TextIOWrapper(_bytes_stream(data, bom), encoding="cp1252", errors="replace", newline=""),
            "cp1252",
            frozenset(),
        )
    odd = frozenset(n for n, line in enumerate(raw_lines, start=1) if not is_utf8(line))
    lines = (
        line.decode("cp1252", errors="replace") if n in odd else line.decode("utf-8")
        for n, line in enumerate(raw_lines, start=1)
    )
    return lines, f"{name} with {len(odd)} Windows-1252 lines", odd


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


@contextmanager
def _csv_fields_unlimited() -> Iterator[None]:
    """Let the csv module read fields of any length (its default limit is 128 KiB).

    An over-long cell is then rejected with its row (see :func:`read_table`) instead
    of the whole file failing with ``field larger than field limit``.
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _shown(items: Sequence[Any], limit: int = _SHOWN_ROWS) -> str:
    """``"2, 3, 4"`` or ``"2, 3, … (+N)"``: a list for a message, capped."""
    text = ", ".join(str(i) for i in items[:limit])
    return text + (f", … (+{len(items) - limit})" if len(items) > limit else "")


def _has_header(cells: Sequence[str], columns: Mapping[str, Sequence[str]]) -> bool:
    """True when ``cells`` name a name and a category column (a recognisable header row)."""
    found, _ = match_headers(cells, columns)
    return all(name in found for name in REQUIRED_COLUMNS)


def find_header(
    rows: Sequence[tuple[int, tuple[str, ...]]], columns: Mapping[str, Sequence[str]]
) -> tuple[int | None, int | None]:
    """Index of the header row in ``rows``: the first recognisable one, searched in the first non-empty rows.

    Returns ``(index of the recognisable header or None, index of the first non-empty row or None)``.
    """
    first = None
    seen = 0
    for i, (_n, cells) in enumerate(rows):
        if not any(cells):
            continue
        first = i if first is None else first
        if _has_header(cells, columns):
            return i, first
        seen += 1
        if seen >= HEADER_SCAN_ROWS:
            break
    return None, first


def _split_header(
    numbered: Sequence[tuple[int, tuple[str, ...]]], columns: Mapping[str, Sequence[str]], detail: str
) -> Table:
    """A :class:`Table` from all rows: header detection, and a warning naming the rows skipped above it."""
    header_at, first = find_header(numbered, columns)
    if first is None:
        raise InputEmptyError("the file has no header row")
    problems: list[tuple[int, Problem]] = []
    if header_at is None:
        header_at = first  # no recognisable header: the first row, and read_table names what is missing
    above = [(n, cells) for n, cells in numbered[:header_at] if any(cells)]
    number, headers = numbered[header_at]
    if above:
        text = " | ".join(" ".join(c for c in cells if c) for _n, cells in above)
        rows = _shown([n for n, _c in above])
        problems.append((number, warning("rows_above_header", None, row=number, rows=rows, text=text[:_SHOWN_CHARS])))
    rest = numbered[header_at + 1 :]
    return Table(headers=headers, rows=rest, detail=detail, problems=tuple(problems), header_row=number)


def _csv_records(lines: Iterable[str], delimiter: str, skip: int) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """``(first line, last line, stripped cells)`` per CSV record (line numbers 1-based, physical)."""
    reader = csv.reader(lines, delimiter=delimiter)
    last = 0
    try:
        for record in reader:
            start, last = last + 1, reader.line_num
            yield start + skip, last + skip, tuple(c.strip() for c in record)
    except csv.Error as exc:
        raise InputFormatError(f"not a readable CSV file (line {reader.line_num + skip}: {exc})") from exc


class _CellSharing:
    """Equal cells of a column become one string object while they are read, if the column is mostly repeats.

    The CSV reader makes a new string for every cell: 200,000 rows of "Ludwigsburg", "71634",
    "Sprachkurse" cost about 60 bytes each while the file is read (:func:`_share_repeated` shares
    them only once the whole table is read). Every ``check`` rows, a column whose distinct values
    exceed ``share`` of its cells (ids, names, phone numbers) stops being shared and its
    strings are released from the lookup.
    """

    def __init__(self, check: int = 4096, share: float = 0.5) -> None:
        self._check = check
        self._share = share
        self._rows = 0
        self._columns: dict[int, dict[str, str]] = {}
        self._distinct: set[int] = set()

    def __call__(self, cells: tuple[str, ...]) -> tuple[str, ...]:
        self._rows += 1
        out = list(cells)
        for pos, cell in enumerate(cells):
            if pos not in self._distinct:
                out[pos] = self._columns.setdefault(pos, {}).setdefault(cell, cell)
        if self._rows % self._check == 0:
            for pos, canonical in list(self._columns.items()):
                if len(canonical) > self._share * self._rows:
                    self._distinct.add(pos)
                    del self._columns[pos]
        return tuple(out)


def _read_csv(data: bytes, columns: Mapping[str, Sequence[str]]) -> Table:
    lines, encoding, odd = decode_lines(data)
    iterator = iter(lines)
    skip = 0
    head: list[str] = []
    for line in iterator:  # up to the first non-empty line: a sep= line or the header
        head.append(line)
        if line.strip():
            break
    if not any(line.strip() for line in head):
        raise InputEmptyError("the file holds only empty lines")
    sep_line = _SEP_LINE.match(head[-1])
    if sep_line:
        delimiter, skip, head = sep_line.group(1), len(head), []
    else:
        delimiter = sniff_delimiter(head[-1])
    body = _chain(head, iterator)
    problems: list[tuple[int, Problem]] = []
    numbered: list[tuple[int, tuple[str, ...]]] = []
    share = _CellSharing()
    with _csv_fields_unlimited():
        for number, (first, last, cells) in enumerate(_csv_records(body, delimiter, skip), start=1):
            numbered.append((number, share(cells)))
            if odd and any(n in odd for n in range(first, last + 1)):
                problems.append((number, warning("encoding_windows_line", None)))
    detail = f"csv; delimiter {delimiter!r}, encoding {encoding}"
    if odd:
        logger.warning("%d lines of the file are Windows-1252, the rest UTF-8: read line by line", len(odd))
    table = _split_header(numbered, columns, detail)
    return Table(table.headers, table.rows, detail, (*problems, *table.problems), table.header_row)


def _chain(head: Sequence[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_xlsx_limits(path: Path, limits: InputLimits) -> None:
    """Refuse a workbook whose zip entries would unpack too large, before openpyxl opens it.

    Checks the total uncompressed size from the zip directory and the number of shared
    strings (the ``uniqueCount`` of ``sharedStrings.xml``, else counted while streaming,
    stopping at the limit): a 0.66 MB file can hold 15 million shared strings that
    openpyxl would load into memory first.

    Raises
    ------
    InputFormatError
        Naming the limit and the ``[input]`` key that raises it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            total_mb = sum(e.file_size for e in entries) / 1e6
            if total_mb > limits.max_xlsx_uncompressed_mb:
                raise InputFormatError(
                    f"the workbook unpacks to {total_mb:,.0f} MB, over the limit of {limits.max_xlsx_uncompressed_mb:,.0f} MB "
                    "(raise [input] max_xlsx_uncompressed_mb in the city config if the file is genuine)"
                )
            strings = next((e for e in entries if e.filename.lower().endswith("sharedstrings.xml")), None)
            if strings is not None:
                count = _count_shared_strings(archive, strings, limits.max_xlsx_shared_strings)
                if count > limits.max_xlsx_shared_strings:
                    raise InputFormatError(
                        f"the workbook holds {count:,} shared strings, over the limit of "
                        f"{limits.max_xlsx_shared_strings:,} (raise [input] max_xlsx_shared_strings in the city config "
                        "if the file is genuine)"
                    )
    except zipfile.BadZipFile as exc:
        raise InputFormatError(f"not a readable .xlsx workbook (not a zip file: {exc})") from exc


def _count_shared_strings(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> int:
    """The shared-string count: the declared ``uniqueCount``, else ``<si>`` elements counted up to ``limit + 1``."""
    with archive.open(entry) as stream:
        start = stream.read(4096)
        declared = _SST_COUNT.search(start)
        if declared:
            return int(declared.group(1))
        if entry.file_size // 5 <= limit:  # "<si/>" is the shortest entry: cannot exceed the limit
            return 0
        count, tail, chunk = start.count(b"<si"), start[-3:], b""
        while count <= limit and (chunk := stream.read(1 << 20)):
            count += (tail + chunk).count(b"<si") - tail.count(b"<si")
            tail = chunk[-3:]
        return count


def _merged_ranges(archive_path: Path, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` of each merged range of a sheet, read from its XML."""
    ranges = []
    with zipfile.ZipFile(archive_path) as archive, archive.open(sheet_path.lstrip("/")) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")
            complete, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            for m in _MERGE_REF.finditer(complete):
                col1, row1 = _column_number(m.group(1)), int(m.group(2))
                col2 = _column_number(m.group(3)) if m.group(3) else col1
                row2 = int(m.group(4)) if m.group(4) else row1
                ranges.append((col1, row1, col2, row2))
        ranges.extend(
            (
                _column_number(m.group(1)),
                int(m.group(2)),
                _column_number(m.group(3) or m.group(1)),
                int(m.group(4) or m.group(2)),
            )
            for m in _MERGE_REF.finditer(tail)
        )
    return ranges


def _sheet_rows(sheet: Any, limits: InputLimits) -> tuple[list[tuple[int, tuple[str, ...]]], list[tuple[int, Problem]]]:
    """Rows of a read-only sheet as text; trailing empty rows dropped, reading stops after a long empty gap."""
    numbered: list[tuple[int, tuple[str, ...]]] = []
    pending: list[int] = []  # empty rows since the last non-empty one (kept only if data follow)
    problems: list[tuple[int, Problem]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(cell_text(v) for v in values)
        if not any(cells):
            pending.append(number)
            if len(pending) >= limits.max_empty_rows:
                last = int(sheet.max_row or number)
                if last > number:
                    problems.append(
                        (
                            pending[0],
                            warning("rows_after_gap_ignored", None, count=len(pending), row=pending[0], last=last),
                        )
                    )
                break
            continue
        numbered.extend((n, ()) for n in pending)
        pending = []
        numbered.append((number, cells))
    return numbered, problems


def _fill_merged(
    numbered: list[tuple[int, tuple[str, ...]]], ranges: Sequence[tuple[int, int, int, int]]
) -> list[tuple[int, Problem, int, str]]:
    """Fill merged ranges down (first column's value into the rows below); returns ``(row, problem, col, _)``.

    ``numbered`` is changed in place. The problem names the range and the value.
    """
    index = {n: i for i, (n, _c) in enumerate(numbered)}
    filled: list[tuple[int, Problem, int, str]] = []
    for col1, row1, col2, row2 in ranges:
        if row2 == row1 or row1 not in index:
            continue
        top = numbered[index[row1]][1]
        value = top[col1 - 1] if col1 - 1 < len(top) else ""
        if not value:
            continue
        cells_ref = f"{_column_letters(col1)}{row1}:{_column_letters(col2)}{row2}"
        for row in range(row1 + 1, row2 + 1):
            if row not in index:
                continue
            n, cells = numbered[index[row]]
            width = max(len(cells), col1)
            padded = list(cells) + [""] * (width - len(cells))
            if padded[col1 - 1]:
                continue
            padded[col1 - 1] = value
            numbered[index[row]] = (n, tuple(padded))
            filled.append((row, warning("merged_cell_filled", None, cells=cells_ref, value=value[:80]), col1 - 1, ""))
    return filled


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _choose_sheet(book: Any, sheet: str | int | None, columns: Mapping[str, Sequence[str]]) -> tuple[Any, list[str]]:
    """The worksheet to read and the titles of the sheets skipped before it.

    ``sheet``: a title, or a 1-based number (given as int or digits); None = the first sheet
    whose first rows hold a recognisable header (else the first sheet).
    """
    sheets = list(book.worksheets)
    titles = ", ".join(f"'{ws.title}'" for ws in sheets)
    if sheet is not None:
        by_title = {ws.title: ws for ws in sheets}
        if str(sheet) in by_title:
            return by_title[str(sheet)], []
        if str(sheet).strip().isdigit() and 1 <= int(str(sheet)) <= len(sheets):
            return sheets[int(str(sheet)) - 1], []
        raise InputFormatError(f"no worksheet {sheet!r}: give --sheet one of {titles} or a number 1-{len(sheets)}")
    for i, ws in enumerate(sheets):
        head = [
            (n, tuple(cell_text(v) for v in values))
            for n, values in enumerate(ws.iter_rows(max_row=HEADER_SCAN_ROWS * 2, values_only=True), start=1)
        ]
        if find_header(head, columns)[0] is not None:
            return ws, [s.title for s in sheets[:i]]
    return sheets[0], []


def _read_excel(
    path: Path, columns: Mapping[str, Sequence[str]], limits: InputLimits, sheet: str | int | None = None
) -> Table:
    from openpyxl import load_workbook

    check_xlsx_limits(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise InputFormatError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    try:
        ws, skipped = _choose_sheet(book, sheet, columns)
        numbered, problems = _sheet_rows(ws, limits)
        sheet_path = getattr(ws, "_worksheet_path", None)
        title = ws.title
    finally:
        book.close()
    filled = _fill_merged(numbered, _merged_ranges(path, sheet_path)) if sheet_path else []
    table = _split_header(numbered, columns, f"xlsx; sheet {title!r}")
    notes: list[tuple[int, Problem]] = []
    if skipped:
        notes.append((table.header_row, warning("sheet_chosen", None, sheet=title, skipped=", ".join(skipped))))
    headers = table.headers
    for row, problem, col, _ in filled:
        column = headers[col] if col < len(headers) and headers[col] else _column_letters(col + 1)
        notes.append((row, warning(problem.code, None, column=column, **problem.params)))
    return Table(table.headers, table.rows, table.detail, (*notes, *problems, *table.problems), table.header_row)


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


def read_raw(
    path: str | Path,
    columns: Mapping[str, Sequence[str]] | None = None,
    limits: InputLimits | None = None,
    sheet: str | int | None = None,
) -> tuple[Table, str]:
    """Read ``path`` into a :class:`Table`; returns it and the file's SHA-256.

    ``columns`` (header spellings) find the header row, ``limits`` bound what a workbook
    may unpack to, ``sheet`` picks a workbook's sheet (title or 1-based number; ignored
    for other formats).

    Raises
    ------
    InputMissingError, InputEmptyError, InputFormatError
    """
    columns = columns or DEFAULT_COLUMNS
    limits = limits or InputLimits()
    path = Path(path)
    if not path.is_file():
        raise InputMissingError(f"input file {path} does not exist: check the path (e.g. --offers angebote.csv)")
    data = path.read_bytes()
    if not data or data.isspace():
        raise InputEmptyError(f"input file {path} is empty: export the offer list again with a header row")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            table = _read_csv(data, columns)
        elif suffix in EXCEL_SUFFIXES:
            table = _read_excel(path, columns, limits, sheet)
        elif suffix in VECTOR_SUFFIXES:
            table = _read_vector(path)
        elif suffix == ".xls":
            raise InputFormatError("old Excel format .xls is not supported: save the sheet as .xlsx or CSV")
        else:
            raise InputFormatError(f"unknown file type {suffix or '(none)'!r}: use .csv, .xlsx, .geojson or .gpkg")
        if sheet is not None and suffix not in EXCEL_SUFFIXES:
            logger.warning("--sheet %s ignored: %s is not a workbook", sheet, path.name)
    except (InputEmptyError, InputFormatError) as exc:
        raise type(exc)(f"input file {path}: {exc}") from exc
    return table, hashlib.sha256(data).hexdigest()


# --- assembling the frame ---------------------------------------------------------------


def _share_repeated(rows: list[tuple[str, ...]], width: int, share: float = 0.5) -> dict[int, list[str]]:
    """Columns of ``rows``; in a column of mostly repeated values, equal cells share one string object.

    The CSV reader makes a new string for every cell: 200,000 rows of "Ludwigsburg", "71634",
    "Sprachkurse" cost about 60 bytes each. A column whose distinct values are fewer than
    ``share`` of its cells keeps one object per distinct value instead (equal values, less memory).
    """
    columns: dict[int, list[str]] = {}
    for pos in range(width):
        values = [cells[pos] for cells in rows]
        canonical: dict[str, str] = {}
        shared = [canonical.setdefault(v, v) for v in values]
        columns[pos] = shared if len(canonical) < share * len(values) else values
    return columns


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


def read_table(
    path: str | Path,
    columns: Mapping[str, Sequence[str]] | None = None,
    *,
    limits: InputLimits | None = None,
    sheet: str | int | None = None,
) -> ExtractResult:
    """Read an offer list into a frame of strings with one column per contract field.

    Parameters
    ----------
    path
        CSV, XLSX, GeoJSON or GeoPackage file.
    columns
        Contract field -> accepted header spellings (default
        :data:`etl.config.DEFAULT_COLUMNS`; a city's merged ``[columns]``).
    limits
        Input limits (the city config's ``[input]``; default :class:`etl.settings.InputLimits`).
    sheet
        Worksheet of a workbook (title or 1-based number); None = the first with a header row.

    Raises
    ------
    InputMissingError, InputEmptyError, InputFormatError, ColumnError
        When the file is unusable; the message names the file and the fix.
    """
    columns = columns or DEFAULT_COLUMNS
    limits = limits or InputLimits()
    table, digest = read_raw(path, columns, limits, sheet)
    headers = _unique_headers(table.headers)
    found, messages = match_headers(headers, columns)
    _check_columns(found, headers, columns)
    problems: list[tuple[int, Problem]] = [*table.problems, *((table.header_row, m) for m in messages)]
    width = len(headers)
    max_chars = int(limits.max_cell_chars)
    field_at = {pos: name for name, pos in found.items()}
    kept_rows: list[int] = []
    raw_rows: list[int] = []
    raw_cells: list[tuple[str, ...]] = []
    keep: list[bool] = []
    empty: list[int] = []
    for number, cells in table.rows:
        if not any(cells):
            empty.append(number)
            continue
        if len(cells) > width and any(cells[width:]):
            extra = "; ".join(c for c in cells[width:] if c)
            problems.append((number, warning("cells_without_header", None, cells=extra[:_SHOWN_CHARS])))
        row_cells = cells if len(cells) == width else (cells + ("",) * width)[:width]
        raw_rows.append(number)
        raw_cells.append(row_cells)
        too_long = (
            [pos for pos, cell in enumerate(row_cells) if len(cell) > max_chars]
            if max(map(len, row_cells)) > max_chars
            else []
        )
        for pos in too_long:
            problems.append(
                (
                    number,
                    error(
                        "cell_too_long",
                        field_at.get(pos),
                        column=headers[pos],
                        chars=len(row_cells[pos]),
                        limit=max_chars,
                    ),
                )
            )
        keep.append(not too_long)
        if not too_long:
            kept_rows.append(number)
    columns_data = _share_repeated(raw_cells, width)
    raw = pd.DataFrame({h: columns_data[pos] for pos, h in enumerate(headers)}, columns=headers, dtype=object)
    del columns_data
    del raw_cells
    raw.insert(0, "row", pd.Series(raw_rows, dtype="int64"))
    kept = raw if all(keep) else raw[keep].reset_index(drop=True)
    frame = pd.DataFrame(
        {name: kept[headers[found[name]]] if name in found else "" for name in FRAME_FIELDS}, index=kept.index
    ).astype(object)
    frame.insert(0, "row", kept["row"])
    header_map = {name: headers[pos] for name, pos in sorted(found.items(), key=lambda kv: kv[1])}
    ignored = [h for i, h in enumerate(headers) if i not in found.values()]
    logger.info(
        "read %d rows from %s (%s); %d empty rows skipped, %d rejected while reading; columns: %s; ignored: %s",
        len(frame),
        Path(path).name,
        table.detail,
        len(empty),
        len(raw) - len(frame),
        ", ".join(f"{h}->{n}" for n, h in header_map.items()),
        ", ".join(ignored) or "none",
    )
    if raw.empty:
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
