"""A real SQLite register in ``tmp_path`` and a Flask app with the staff pages on it.

The app is a plain Flask server with only the staff blueprint (the Dash frame is tested
in ``test_security.py``). Accounts: a moderator and an admin with random passwords.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.staff.security import LoginLockout
from tests.support.staff import (
    ADMIN,
    MODERATOR,
    NEW_OFFER,
    OFFER_LIST,
    body,
    csrf_token,
    login,
    make_server,
    post_form,
    publish_flat,
)


@pytest.fixture
def passwords() -> dict[str, str]:
    """Random passwords of the two test accounts (no fixed password anywhere)."""
    return {MODERATOR: secrets.token_urlsafe(16), ADMIN: secrets.token_urlsafe(16)}


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite register file with two published offers (imported once per session through the ETL)."""
    from registry import Register
    from registry.importer import import_offers

    folder = tmp_path_factory.mktemp("staff-template")
    offers = folder / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    with Register.open(url=f"sqlite:///{folder / 'register.sqlite'}", data_dir=folder) as reg:
        reg.upgrade()
        result = import_offers(reg, offers, actor="import", apply=True)
        assert result.new == ("lb-1", "lb-2"), result
    return folder / "register.sqlite"


@pytest.fixture
def register(tmp_path: Path, template_register: Path, passwords: Mapping[str, str]) -> Iterator[Any]:
    """A copy of the template register in ``tmp_path`` with a moderator and an admin."""
    from registry import Register

    shutil.copyfile(template_register, tmp_path / "register.sqlite")
    reg = Register.open(url=f"sqlite:///{tmp_path / 'register.sqlite'}", data_dir=tmp_path)
    reg.add_user(MODERATOR, passwords[MODERATOR], role="moderator")
    reg.add_user(ADMIN, passwords[ADMIN], role="admin")
    yield reg
    reg.close()


@pytest.fixture
def server(tmp_path: Path, register: Any) -> Flask:
    """The staff pages on the test register (a generous lock-out so rate-limit tests stay separate)."""
    return make_server(tmp_path, register, lockout=LoginLockout(failures=50))


@pytest.fixture
def client(server: Flask) -> Any:
    """A test client without a session."""
    return server.test_client()


@pytest.fixture
def moderator(client: Any, passwords: Mapping[str, str]) -> Any:
    """The test client signed in as moderator."""
    response = login(client, MODERATOR, passwords[MODERATOR])
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def admin(server: Flask, passwords: Mapping[str, str]) -> Any:
    """A second client signed in as admin."""
    client = server.test_client()
    response = login(client, ADMIN, passwords[ADMIN])
    assert response.status_code == 302
    return client


# --------------------------------------------------------------------------- helpers as fixtures
# (test modules never import each other or this file: they ask for these)


@pytest.fixture
def moderator_email() -> str:
    """The moderator account's address."""
    return MODERATOR


@pytest.fixture
def admin_email() -> str:
    """The admin account's address."""
    return ADMIN


@pytest.fixture
def new_offer() -> dict[str, str | None]:
    """A fresh copy of :data:`NEW_OFFER`."""
    return dict(NEW_OFFER)


@pytest.fixture
def page_text() -> Any:
    """``body(response)``: the response body as text."""
    return body


@pytest.fixture
def token_of() -> Any:
    """``csrf_token(client, path)``: the CSRF token of the form on ``path``."""
    return csrf_token


@pytest.fixture
def sign_in() -> Any:
    """``login(client, email, password)``: sign in through the form."""
    return login


@pytest.fixture
def server_factory() -> Any:
    """``make_server(data_dir, register, **options)``: a Flask server with the staff pages."""
    return make_server


@pytest.fixture
def post_with_token() -> Any:
    """``post_form(client, path, data, token_path=None)``: POST with the session's CSRF token."""
    return post_form


@pytest.fixture
def publish_to_flat() -> Any:
    """``publish_flat(register, data_dir)``: publish and copy the snapshot's files to the top level."""
    return publish_flat
