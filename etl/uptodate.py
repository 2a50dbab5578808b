"""Skip a build whose inputs, settings and code have not changed since the last one.

A build folder whose ``build_report.json`` carries the same *fingerprint* (hash of
the offer list, the districts file, the city config, the taxonomy, the address
register's size and mtime, and the ETL's own source code) and whose output files
still have the hashes recorded there is up to date: running the build again
would write byte-identical files, so :func:`etl.pipeline.build` returns the
recorded report instead (``stadtkarte build --force`` rebuilds anyway).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import geodata
from etl.report import BuildReport
from geodata.io import REPORT_FILE
from geodata.snapshot import SnapshotError, current_snapshot_dir, current_version

logger = logging.getLogger(__name__)

_CODE_ROOTS = (Path(__file__).resolve().parent, Path(geodata.__file__).resolve().parent)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _code_digest() -> str:
    digest = hashlib.sha256()
    for root in _CODE_ROOTS:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".json", ".toml"} and path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def build_fingerprint(files: Iterable[Path | None], stat_only: Iterable[str | Path | None], settings: object) -> str:
    """Fingerprint of a build's inputs.

    Parameters
    ----------
    files
        Inputs hashed by content (offer list, districts, config).
    stat_only
        Large inputs identified by path, size and modification time (the address register).
    settings
        The resolved settings; their ``repr`` is hashed (frozen dataclasses give a stable one).
    """
    digest = hashlib.sha256(_code_digest().encode())
    for path in files:
        digest.update(b"file:" + (file_sha256(path).encode() if path is not None else b"-"))
    for entry in stat_only:
        path = Path(entry) if entry is not None else None
        if path is not None and path.exists():
            stat = path.stat()
            digest.update(f"stat:{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(repr(settings).encode())
    return digest.hexdigest()


def output_hashes(out: Path, names: Iterable[str]) -> dict[str, str]:
    """SHA-256 of each written output file, for the report."""
    return {name: file_sha256(out / name) for name in names}


def previous_report(out: Path, fingerprint: str) -> BuildReport | None:
    """The recorded report when the current snapshot of ``out`` is a complete, unchanged build of ``fingerprint``."""
    try:
        version = current_version(out)
        folder = current_snapshot_dir(out)
    except SnapshotError:
        return None
    if version is None or folder is None or version.startswith("legacy-"):
        return None  # nothing published yet, or a flat folder of an earlier release: build a snapshot
    try:
        data: Mapping[str, Any] = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return None
    outputs = data.get("outputs") or {}
    try:
        if not outputs or any(file_sha256(folder / name) != digest for name, digest in outputs.items()):
            return None
    except OSError:
        return None
    known = {f.name for f in fields(BuildReport)} - {"version", "snapshot_dir", "out_dir", "up_to_date"}
    values = {k: v for k, v in data.items() if k in known}
    values["warnings"] = tuple(values.get("warnings", ()))
    values["inputs"] = tuple(values.get("inputs", ()))
    values["empty_rows"] = tuple(values.get("empty_rows", ()))
    values.update(out_dir=str(out), version=version, snapshot_dir=str(folder))
    try:
        return BuildReport(**values)
    except (TypeError, AssertionError):
        return None
