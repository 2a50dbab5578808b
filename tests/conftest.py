"""Fixtures shared by several test packages: registers on SQLite and PostgreSQL, a real SMTP server.

PostgreSQL comes from ``STADTKARTE_TEST_POSTGRES_URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``; ``.ci/run`` starts a
throw-away cluster and sets it). Each test gets a fresh database of its own,
dropped afterwards. Without the variable the PostgreSQL cases skip, unless
``STADTKARTE_REQUIRE_POSTGRES=1`` (CI), where they fail.

Plain helpers and constants are in :mod:`tests.support`; no test imports a conftest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import Register
from registry.mail import MailSettings
from tests.support.mail import Inbox, smtp_server
from tests.support.registry import CONFIG


def _server_url() -> str | None:
    url = os.environ.get("STADTKARTE_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("STADTKARTE_REQUIRE_POSTGRES") == "1":
        pytest.fail("STADTKARTE_REQUIRE_POSTGRES=1 but STADTKARTE_TEST_POSTGRES_URL is not set: start PostgreSQL")
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (skipped without a server)."""
    server = _server_url()
    if server is None:
        pytest.skip("no PostgreSQL: set STADTKARTE_TEST_POSTGRES_URL (CI does)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("STADTKARTE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {server} is required but not usable: {exc}")
        pytest.skip(f"PostgreSQL at {server} not usable: {exc}")
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'register.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def empty_register(database_url: str, data_dir: Path) -> Iterator[Register]:
    """A migrated, empty register (test city config: Ludwigsburg, two test districts)."""
    register = Register.open(database_url, data_dir, CONFIG)
    register.upgrade()
    try:
        yield register
    finally:
        register.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, MailSettings]]:
    """A real SMTP server on 127.0.0.1 and the settings that send to it."""
    with smtp_server() as server:
        yield server
