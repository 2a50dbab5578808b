"""The current snapshot: which published data set a request reads, loaded once per version.

The data folder (``app.server.config[DATA_DIR_KEY]``, set by :func:`dashboard.app.create_app`)
holds published snapshots (:mod:`geodata.snapshot`). :func:`current_snapshot` resolves the
folder's current version **once per request** (kept in :data:`flask.g`), so every part of one
response (page layout, callback, API) reads the same :class:`Snapshot`, even when a newer one
is published while the request runs. The check is one small file read (``data/CURRENT``), so
each worker process of a multi-process server notices a new version on its next request, with
no restart and no signal between processes.

A version not yet in memory is loaded by the first request that needs it; concurrent requests
for the same version **wait** for that one load (a lock per app) instead of being served the
older snapshot. Waiting costs those requests the load time once per publish, but guarantees
that no request is answered from a version older than the pointer it saw: a browser that
loaded a page of version B never gets a callback answer of version A from another worker.
A version that fails to load (a broken folder) is logged and not retried; requests keep the
newest snapshot that loaded. The two newest snapshots stay in memory
(:data:`KEEP_IN_MEMORY`): the new one, and the old one that requests still running may hold.

Every structure derived from a dataset (marker groups, point payloads, the coverage model)
is cached on its snapshot with :meth:`Snapshot.derived`, so it lives exactly as long as that
version.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, has_app_context, has_request_context

from dashboard.data import Dataset, load_dataset
from geodata.errors import DatasetError
from geodata.snapshot import SnapshotError, current_version, snapshot_dir

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Flask config key of the data folder (a ``Path``), set by ``create_app``.
DATA_DIR_KEY = "STADTKARTE_DATA_DIR"
#: Key of the app's :class:`SnapshotStore` in ``Flask.extensions``.
EXTENSION_KEY = "stadtkarte_snapshots"
#: How many loaded snapshots a process keeps (the newest ones).
KEEP_IN_MEMORY = 2
#: Response header naming the snapshot version a response was computed from.
VERSION_HEADER = "X-Stadtkarte-Snapshot"
_G_ATTR = "stadtkarte_snapshot"


class NoSnapshotError(DatasetError):
    """The data folder has no published data (nothing to serve)."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One published data set, read-only, with its cache of derived structures.

    Attributes
    ----------
    version : str
        The snapshot's version (content hash, or ``legacy-...`` for a flat folder).
    path : Path
        The folder with ``offers.geojson``, ``districts.geojson``, ``city.json``, ``build_report.json``.
    dataset : Dataset
        The dashboard's dataset of this version (read-only).
    """

    version: str
    path: Path
    dataset: Dataset
    _cache: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False)
    _key_locks: dict[Hashable, threading.Lock] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def derived(self, key: Hashable, factory: Callable[[], T]) -> T:
        """The value of ``factory()`` for ``key``, computed once per snapshot (thread-safe).

        Parameters
        ----------
        key : Hashable
            Names the structure, e.g. ``("map-points",)`` or ``("map-payload", "de")``.
        factory : callable
            Computes it from this snapshot; called at most once per key (unless it raises).
            It may itself call :meth:`derived` with other keys.
        """
        with self._lock:
            if key in self._cache:
                return cast(T, self._cache[key])
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # one computation per key; other keys compute concurrently
            with self._lock:
                if key in self._cache:
                    return cast(T, self._cache[key])
            value = factory()
            with self._lock:
                self._cache[key] = value
            return value


def load_snapshot(data_dir: Path, version: str) -> Snapshot:
    """Load the snapshot ``version`` of ``data_dir`` (raises DatasetError/ContractError naming the fix)."""
    folder = snapshot_dir(data_dir, version)
    if not folder.is_dir():
        raise SnapshotError(f"{data_dir} names snapshot {version}, which is missing; publish again")
    return Snapshot(version=version, path=folder, dataset=load_dataset(folder))


class SnapshotStore:
    """The snapshots one app holds in memory: the newest :data:`KEEP_IN_MEMORY` ones, loaded once each.

    Parameters
    ----------
    data_dir : Path
        The data folder with ``CURRENT`` and ``snapshots/`` (or a legacy flat folder).
    loader : callable, optional
        ``loader(data_dir, version)`` -> Snapshot; :func:`load_snapshot` by default.
    """

    def __init__(self, data_dir: Path, loader: Callable[[Path, str], Snapshot] = load_snapshot) -> None:
        self.data_dir = Path(data_dir)
        self._loader = loader
        self._loaded: OrderedDict[str, Snapshot] = OrderedDict()
        self._failed: set[str] = set()
        self._load_lock = threading.Lock()

    def loaded_versions(self) -> tuple[str, ...]:
        """Versions in memory, oldest first."""
        with self._load_lock:
            return tuple(self._loaded)

    def latest(self) -> Snapshot | None:
        """The most recently loaded snapshot, or None."""
        with self._load_lock:
            return next(reversed(self._loaded.values()), None)

    def current(self) -> Snapshot:
        """The snapshot the pointer names now, loaded if needed (see the module docstring)."""
        try:
            version = current_version(self.data_dir)
        except SnapshotError:
            fallback = self.latest()
            if fallback is None:
                raise
            logger.exception("data pointer unreadable: serving snapshot %s", fallback.version)
            return fallback
        if version is None:
            raise NoSnapshotError(f"{self.data_dir} holds no published data; run 'stadtkarte build' first")
        snapshot = self._loaded.get(version)  # the common case: no lock
        return snapshot if snapshot is not None else self._load(version)

    def _load(self, version: str) -> Snapshot:
        with self._load_lock:  # requests for a new version wait here for the single load
            if version in self._loaded:
                return self._loaded[version]
            fallback = next(reversed(self._loaded.values()), None)
            if version in self._failed and fallback is not None:
                return fallback
            try:
                snapshot = self._loader(self.data_dir, version)
            except (OSError, ValueError) as exc:  # DatasetError, ContractError, SnapshotError
                if fallback is None:
                    raise
                self._failed.add(version)
                logger.error("snapshot %s does not load (%s): serving %s", version, exc, fallback.version)
                return fallback
            self._loaded[version] = snapshot
            while len(self._loaded) > KEEP_IN_MEMORY:
                old, _ = self._loaded.popitem(last=False)
                logger.info("snapshot %s released from memory", old)
            logger.info("serving snapshot %s (%d offers)", version, len(snapshot.dataset))
            return snapshot


def init_snapshots(server: Flask, data_dir: Path | str) -> Snapshot:
    """Set up ``server`` to serve the snapshots of ``data_dir``; loads the current one now (fails fast).

    Adds the :data:`VERSION_HEADER` to every response that read a snapshot.
    """
    store = SnapshotStore(Path(data_dir))
    server.config[DATA_DIR_KEY] = store.data_dir
    server.extensions[EXTENSION_KEY] = store

    @server.after_request
    def _version_header(response: Any) -> Any:
        snapshot = g.get(_G_ATTR)
        if snapshot is not None:
            response.headers[VERSION_HEADER] = snapshot.version
        return response

    return store.current()


def snapshot_store(server: Flask | None = None) -> SnapshotStore:
    """The :class:`SnapshotStore` of ``server`` (the current app by default)."""
    app = server if server is not None else current_app
    try:
        return cast(SnapshotStore, app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError("this Flask app serves no snapshots: build it with dashboard.app.create_app") from None


def current_snapshot() -> Snapshot:
    """The snapshot of the current request (one object for the whole request).

    Outside a request (e.g. a warm-up thread inside ``app.app_context()``) the snapshot the
    pointer names now.
    """
    if not has_app_context():
        raise RuntimeError("current_snapshot() needs an app or request context (with app.server.app_context())")
    if not has_request_context():
        return snapshot_store().current()
    snapshot = g.get(_G_ATTR)
    if snapshot is None:
        snapshot = snapshot_store().current()
        setattr(g, _G_ATTR, snapshot)
    return cast(Snapshot, snapshot)
