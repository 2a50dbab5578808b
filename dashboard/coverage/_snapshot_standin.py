"""Stand-in for :mod:`dashboard.snapshot` while that module is not on this branch (same interface).

Only :class:`Snapshot` and :func:`current_snapshot` as specified for the snapshot module;
used by :mod:`dashboard.coverage._snapshot_compat` only when ``dashboard.snapshot`` is
missing. It serves the dataset that :func:`dashboard.app.create_app` loaded (one snapshot per
app) and does not watch the data folder. Delete this file once ``dashboard.snapshot`` is merged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app

from dashboard.data import DATASET_KEY, Dataset

T = TypeVar("T")

#: Flask config key of the stand-in snapshot (one per app).
_SNAPSHOT_KEY = "STADTKARTE_SNAPSHOT_STANDIN"
#: Flask config key of the data folder, when the app records it.
DATA_DIR_KEY = "STADTKARTE_DATA_DIR"


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One published version of the data: its folder and its dataset (read-only)."""

    version: str
    path: Path
    dataset: Dataset
    _values: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _locks: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def derived(self, key: Hashable, factory: Callable[[], T]) -> T:
        """``factory()`` computed once per snapshot and key (thread-safe; other keys never wait)."""
        with self._lock:
            if key in self._values:
                return self._values[key]  # type: ignore[no-any-return]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[no-any-return]
            value = factory()
            with self._lock:
                self._values[key] = value
            return value


def current_snapshot() -> Snapshot:
    """The snapshot of the app serving the current request."""
    config = current_app.config
    snapshot = config.get(_SNAPSHOT_KEY)
    dataset = config[DATASET_KEY]
    if snapshot is None or snapshot.dataset is not dataset:
        path = Path(config.get(DATA_DIR_KEY) or ".")
        snapshot = Snapshot(version=f"standin-{id(dataset):x}", path=path, dataset=dataset)
        config[_SNAPSHOT_KEY] = snapshot
    return snapshot
