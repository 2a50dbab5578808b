"""The persistent geocode cache (SQLite): the chain's definitive answers, keyed on the
normalised query and the fingerprint of the provider chain."""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from etl.geocode.chain import Answer, Location
from etl.problems import Problem, problem_from_dict

logger = logging.getLogger(__name__)

#: File name of the geocode cache inside a directory given to :meth:`GeocodeCache.open`.
CACHE_FILE = "geocode-cache.sqlite"

_CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    fingerprint TEXT NOT NULL,
    key TEXT NOT NULL,
    lon REAL, lat REAL, source TEXT, precision TEXT, error TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (fingerprint, key)
) WITHOUT ROWID
"""
_BATCH = 500


class GeocodeCache:
    """Persistent SQLite cache of the chain's definitive answers.

    The key is the normalised query plus the fingerprint of the provider chain,
    so a changed register or provider setting never serves stale answers.
    Open it with :meth:`open`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: str | Path) -> Iterator[GeocodeCache]:
        """Open (or create) the cache at ``path`` (a file, or a folder to hold ``geocode-cache.sqlite``).

        A cache file that SQLite cannot read is moved aside (``*.corrupt``) and a
        fresh one is started: the cache only saves work, it holds no data of its own.
        """
        path = Path(path)
        if path.is_dir():
            path = path / CACHE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _connect_cache(path)
        try:
            yield cls(db, path)
        finally:
            db.close()

    def get_many(self, fingerprint: str, keys: Iterable[str]) -> dict[str, Answer]:
        """Cached answers for those of ``keys`` that are known under ``fingerprint``."""
        keys = list(keys)
        found: dict[str, Answer] = {}
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT key, lon, lat, source, precision, error FROM answers WHERE fingerprint = ? AND key IN ({marks})",
                [fingerprint, *batch],
            )
            for key, lon, lat, source, precision, error in rows:
                location = Location(lon, lat, source, precision) if source is not None else None
                problem = problem_from_dict(json.loads(error)) if error else None
                found[key] = Answer(location, problem, definitive=True)
        return found

    def put_many(self, fingerprint: str, answers: Mapping[str, Answer]) -> None:
        """Store definitive ``answers`` under ``fingerprint`` (others are skipped)."""
        now = time.time()
        rows = [
            (fingerprint, key, *_location_columns(a.location), _problem_json(a.error), now)
            for key, a in answers.items()
            if a.definitive
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM answers").fetchone()[0])


def _problem_json(problem: Problem | None) -> str | None:
    return json.dumps(problem.to_dict(), ensure_ascii=False, sort_keys=True) if problem is not None else None


def _location_columns(location: Location | None) -> tuple[float | None, float | None, str | None, str | None]:
    if location is None:
        return None, None, None, None
    return location.lon, location.lat, location.source, location.precision


def _connect_cache(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path)
        db.execute(_CACHE_SCHEMA)
        return db
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(path.name + ".corrupt")
        logger.warning("geocode cache %s is unreadable (%s); moved to %s and starting afresh", path, exc, aside)
        with contextlib.suppress(NameError):
            db.close()
        path.replace(aside)
        db = sqlite3.connect(path)
        db.execute(_CACHE_SCHEMA)
        return db
