"""Fixtures for the serving tests: the app on the tiny dataset, a real server in a subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.serving import RunningServer, filter_callback_body, start_server
from tests.support.tiny import write_tiny


@pytest.fixture
def tiny_data_dir(tmp_path: Path) -> Path:
    return write_tiny(tmp_path / "data")


@pytest.fixture
def app(tiny_data_dir: Path) -> Any:
    from dashboard.app import create_app

    return create_app(tiny_data_dir)


@pytest.fixture
def client(app: Any) -> Any:
    return app.server.test_client()


@pytest.fixture
def callback_body() -> Any:
    """:func:`filter_callback_body` for tests (they never import this module)."""
    return filter_callback_body


@pytest.fixture
def running_server(tiny_data_dir: Path, tmp_path: Path) -> Iterator[RunningServer]:
    """The production server (2 workers, 4 threads) on the tiny dataset."""
    server = start_server(tiny_data_dir, tmp_path / "server.log", "--workers", "2", "--threads", "4")
    yield server
    if server.process.poll() is None:
        server.stop(9)
