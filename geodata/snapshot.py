"""Published snapshots: the set of contract files a data folder serves, switched atomically.

A data folder (``data/`` by default) holds every published set in its own folder and a
pointer to the current one::

    data/
      CURRENT                      # one line: the current version, e.g. "3f9c0a6b1d2e4f57"
      snapshots/<version>/         # offers.geojson, districts.geojson, city.json, build_report.json, ...

:func:`publish_snapshot` fills a temporary folder, names it after a hash of its content,
renames it into place and only then replaces ``CURRENT`` (``os.replace`` of a temporary
file, atomic on POSIX and Windows). A process killed at any moment therefore leaves either
the old or the new set current, never a mixture; a reader that resolved one version keeps
reading the same immutable folder even while a newer one is published.

A *legacy* flat folder (``offers.geojson`` directly in ``data/`` and no ``CURRENT``, as
written by earlier releases) is served as it is; its version is derived from the files'
sizes and modification times.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

SNAPSHOTS_DIR = "snapshots"
CURRENT_FILE = "CURRENT"
#: Files whose presence marks a legacy flat data folder, and whose stats give its version.
_LEGACY_MARKER = "offers.geojson"
_LEGACY_FILES = ("offers.geojson", "districts.geojson", "city.json")
_VERSION_CHARS = frozenset("0123456789abcdef")


class SnapshotError(OSError):
    """A data folder's snapshot pointer or folder is unusable."""


def _fsync_dir(path: Path) -> None:
    """Flush a directory entry (renames) to disk where the OS supports it."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def content_version(folder: Path) -> str:
    """A version name for the files in ``folder``: SHA-256 over sorted relative names and bytes (16 hex).

    Files and folders whose name starts with ``.`` are ignored.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _is_version(name: str) -> bool:
    return 0 < len(name) <= 64 and set(name) <= _VERSION_CHARS


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _write_pointer(data_dir: Path, version: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{CURRENT_FILE}.", suffix=".tmp", dir=data_dir)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(version + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, data_dir / CURRENT_FILE)
        _fsync_dir(data_dir)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish_snapshot(data_dir: str | Path, fill: Callable[[Path], None], keep: int = 3) -> str:
    """Write a new snapshot with ``fill`` and make it the current one, atomically.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (created when missing).
    fill : callable
        ``fill(folder)`` writes the set's files into the empty temporary ``folder``. When it
        raises, nothing is published, the temporary folder is removed and the exception propagates.
    keep : int
        How many snapshots to keep (the current one always included; at least 1).

    Returns
    -------
    str
        The version of the published snapshot (a content hash: the same files give the same version).
    """
    data_dir = Path(data_dir)
    root = data_dir / SNAPSHOTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        fill(tmp)
        _fsync_tree(tmp)
        version = content_version(tmp)
        target = root / version
        if target.exists():  # the same content is already published: reuse it
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, target)
            _fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_pointer(data_dir, version)
    logger.info("published snapshot %s in %s", version, data_dir)
    prune_snapshots(data_dir, keep)
    return version


def _pointer(data_dir: Path) -> str | None:
    try:
        text = (data_dir / CURRENT_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{data_dir / CURRENT_FILE} is unreadable ({exc}); publish again") from exc
    if not _is_version(text):
        raise SnapshotError(f"{data_dir / CURRENT_FILE} does not name a snapshot ({text[:40]!r}); publish again")
    return text


def current_version(data_dir: str | Path) -> str | None:
    """The current version of ``data_dir`` (one small file read), or None when nothing is published.

    For a legacy flat folder the version is derived from its files' sizes and modification times.
    """
    data_dir = Path(data_dir)
    version = _pointer(data_dir)
    if version is not None:
        return version
    if not (data_dir / _LEGACY_MARKER).exists():
        return None
    digest = hashlib.sha256()
    for name in _LEGACY_FILES:
        try:
            stat = (data_dir / name).stat()
        except FileNotFoundError:
            continue
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return "legacy-" + digest.hexdigest()[:16]


def snapshot_dir(data_dir: str | Path, version: str) -> Path:
    """The folder of ``version`` in ``data_dir`` (``data_dir`` itself for a legacy version)."""
    data_dir = Path(data_dir)
    if version.startswith("legacy-"):
        return data_dir
    if not _is_version(version):
        raise SnapshotError(f"{version!r} is not a snapshot version")
    return data_dir / SNAPSHOTS_DIR / version


def current_snapshot_dir(data_dir: str | Path) -> Path | None:
    """The folder of the current snapshot, ``data_dir`` for a legacy flat folder, None when nothing is published."""
    version = current_version(data_dir)
    if version is None:
        return None
    folder = snapshot_dir(data_dir, version)
    if not folder.is_dir():
        raise SnapshotError(f"{Path(data_dir) / CURRENT_FILE} names {version}, which is missing; publish again")
    return folder


def prune_snapshots(data_dir: str | Path, keep: int = 3) -> list[str]:
    """Remove all but the ``keep`` newest snapshots (never the current one); returns the removed versions.

    Leftover temporary folders of interrupted publishes older than an hour are removed too.
    """
    data_dir = Path(data_dir)
    root = data_dir / SNAPSHOTS_DIR
    if not root.is_dir():
        return []
    current = _pointer(data_dir)
    folders = sorted(
        (p for p in root.iterdir() if p.is_dir() and _is_version(p.name)),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    keep_names = {p.name for p in folders[: max(keep, 1)]} | ({current} if current else set())
    removed = []
    for folder in folders:
        if folder.name not in keep_names:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    for stale in root.glob(".new-*"):
        try:
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue
    return removed
