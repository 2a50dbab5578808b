"""``stadtkarte backup`` / ``restore``: a portable JSON-lines export of every table.

Line 1 is a header ``{"format": "stadtkarte-register", "version": 1, "revision": ...}``;
then one line per row: ``{"table": NAME, "row": {column: value}}`` (timestamps as
ISO 8601 text). The same file restores into SQLite or PostgreSQL, so it also moves a
register from one to the other. A restore goes into an empty register only and is
one transaction: a bad line leaves the register empty.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import DateTime, Table, func, insert, select, text

from geodata.io import atomic_write_bytes
from registry.errors import BackupFormatError, RegisterNotEmpty
from registry.models import Base
from registry.register import Register

logger = logging.getLogger(__name__)

FORMAT = "stadtkarte-register"
FORMAT_VERSION = 1
_BATCH = 2000


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row._mapping[column.name]
        out[column.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    unknown = set(row) - {c.name for c in table.columns}
    if unknown:
        raise BackupFormatError(f"table {table.name} has no column(s) {', '.join(sorted(unknown))}: wrong backup file?")
    out = dict(row)
    for column in table.columns:
        if isinstance(column.type, DateTime) and isinstance(out.get(column.name), str):
            out[column.name] = datetime.fromisoformat(out[column.name])
    return out


def export_lines(register: Register) -> Iterator[str]:
    """The backup, line by line (each a JSON document)."""
    yield json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "revision": register.revision()})
    with register.engine.connect() as conn:
        for table in _tables():
            order = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*order)):
                yield json.dumps({"table": table.name, "row": _encode(table, row)}, ensure_ascii=False, sort_keys=True)


def backup(register: Register, path: Path) -> int:
    """Write the backup to ``path`` atomically; returns the number of rows."""
    lines = list(export_lines(register))
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines) - 1


def _read_header(fh: IO[str], path: Path) -> None:
    first = fh.readline()
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise BackupFormatError(f"{path} is not a register backup (first line is not JSON)") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupFormatError(f"{path} is not a register backup: make one with 'stadtkarte backup FILE'")
    if header.get("version") != FORMAT_VERSION:
        raise BackupFormatError(
            f"{path} has backup format {header.get('version')}; this version reads {FORMAT_VERSION}"
        )


def _reset_sequences(conn: Any) -> None:
    """PostgreSQL: move each serial id's sequence past the restored ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.type.python_type is int and column.autoincrement == "auto"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )


def restore(register: Register, path: Path) -> int:
    """Load the backup at ``path`` into the (migrated, empty) register; returns the number of rows."""
    register.upgrade()
    tables = {t.name: t for t in _tables()}
    count = 0
    if not Path(path).is_file():
        raise FileNotFoundError(f"backup {path} does not exist: give a file made by 'stadtkarte backup'")
    with Path(path).open(encoding="utf-8") as fh, register.engine.begin() as conn:
        for table in tables.values():
            if conn.execute(select(func.count()).select_from(table)).scalar():
                raise RegisterNotEmpty(
                    f"the register already holds data (table {table.name}): restore into an empty database"
                )
        _read_header(fh, Path(path))
        pending: dict[str, list[dict[str, Any]]] = {}
        for number, line in enumerate(fh, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                table = tables[item["table"]]
                row = _decode(table, item["row"])
            except (ValueError, KeyError, TypeError) as exc:
                raise BackupFormatError(f"{path} line {number} is not a backup row ({exc})") from exc
            pending.setdefault(table.name, []).append(row)
            count += 1
        for table in _tables():  # parents before children (foreign keys)
            rows = pending.get(table.name, [])
            for start in range(0, len(rows), _BATCH):
                conn.execute(insert(table), rows[start : start + _BATCH])
        _reset_sequences(conn)
    logger.info("restored %d rows from %s", count, path)
    return count
