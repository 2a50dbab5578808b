"""Tiny datasets for dashboard tests (the data itself is in :mod:`tests.support.tiny`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.tiny import TINY_OFFERS, write_tiny


@pytest.fixture
def tiny_offers() -> list[dict[str, Any]]:
    """A fresh copy of :data:`TINY_OFFERS` (tests may change it)."""
    return copy.deepcopy(TINY_OFFERS)


@pytest.fixture
def tiny_writer() -> Callable[..., Path]:
    """:func:`write_tiny`, for tests that write their own variant of the tiny dataset."""
    return write_tiny


@pytest.fixture
def tiny_data_dir(tmp_path: Path) -> Path:
    """A build output folder with six offers in two districts (one outside), demo, approximate districts."""
    return write_tiny(tmp_path / "data")


@pytest.fixture
def tiny_dataset(tiny_data_dir: Path):
    from dashboard.data import load_dataset

    return load_dataset(tiny_data_dir)


@pytest.fixture
def tiny_snapshot(tiny_data_dir: Path):
    """The tiny data folder as the snapshot the app would serve (a legacy flat folder)."""
    from dashboard.snapshot import load_snapshot
    from geodata.snapshot import current_version

    version = current_version(tiny_data_dir)
    assert version is not None
    return load_snapshot(tiny_data_dir, version)


@pytest.fixture
def publish_tiny() -> Callable[..., str]:
    """Factory: ``publish_tiny(data_dir, offers=None) -> version`` publishes the tiny dataset (or ``offers``)."""
    from geodata.snapshot import publish_snapshot

    def _publish(data_dir: Path, offers: list[dict[str, Any]] | None = None) -> str:
        return publish_snapshot(data_dir, lambda folder: write_tiny(folder, offers) and None)

    return _publish
