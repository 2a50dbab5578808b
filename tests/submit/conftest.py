"""A real SQLite register, a Flask app with the public association pages, and a real SMTP server.

The SMTP server (fixture ``smtp`` in ``tests/conftest.py``) is aiosmtpd on 127.0.0.1 (a free
port); its handler keeps every delivered message, so tests read the mails and follow their links.
Helpers and inputs are in :mod:`tests.support.submit` and :mod:`tests.support.mail`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry.mail import MailSettings
from tests.support.mail import Inbox
from tests.support.submit import build_template_register, copied_register, make_app


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite register with two published offers (imported once per session through the ETL)."""
    return build_template_register(tmp_path_factory.mktemp("submit-template"))


@pytest.fixture
def register(tmp_path: Path, template_register: Path) -> Iterator[Any]:
    with copied_register(template_register, tmp_path) as reg:
        yield reg


@pytest.fixture
def app(register: Any, tmp_path: Path, smtp: tuple[Inbox, MailSettings]) -> Flask:
    return make_app(register, tmp_path, smtp[1])


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()
