"""A real SQLite register, a Flask app with the public association pages, and a real SMTP server.

The SMTP server (fixture ``smtp`` in ``tests/conftest.py``) is aiosmtpd on 127.0.0.1 (a free
port); its handler keeps every delivered message, so tests read the mails and follow their links.
Helpers are handed out as fixtures; their code is in :mod:`tests.support.submit` and :mod:`tests.support.mail`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.submit import register_submit
from registry.mail import MailSettings
from tests.support.mail import Inbox, body, links, subject
from tests.support.submit import FORM, build_template_register, copied_register, csrf, make_app, post


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


# --------------------------------------------------------------------------- helpers as fixtures
# (test modules never import each other or this file: they ask for these)


@pytest.fixture
def form_data() -> dict[str, Any]:
    """A fresh copy of :data:`FORM`, a valid submission."""
    return {k: list(v) if isinstance(v, list) else v for k, v in FORM.items()}


@pytest.fixture
def post_form() -> Any:
    """``post(client, url, data)``: POST ``data`` with the CSRF token of the page at ``url``."""
    return post


@pytest.fixture
def csrf_of() -> Any:
    """``csrf(client, url)``: the CSRF token of the form at ``url``."""
    return csrf


@pytest.fixture
def mail_body() -> Any:
    """``body(message)``: the decoded text of a delivered message."""
    return body


@pytest.fixture
def mail_subject() -> Any:
    """``subject(message)``: the decoded subject of a delivered message."""
    return subject


@pytest.fixture
def mail_links() -> Any:
    """``links(message)``: every URL in a delivered message."""
    return links


@pytest.fixture
def app_factory() -> Any:
    """``make_app(register, data_dir, mail, **limits)``: a Flask app with the public association pages."""
    return make_app


MODERATOR = "moderator@stadt.example"


@pytest.fixture
def public_and_staff(register: Any, tmp_path: Path, smtp: tuple[Inbox, MailSettings]) -> Any:
    """A test client of one app with the staff pages and the public pages (as the dashboard mounts them).

    Both mail through the real SMTP server; a moderator is signed in (random password).
    """
    import secrets

    from dashboard.staff import register_staff

    server = Flask("staff-and-public-test")
    server.config["TESTING"] = True
    register_staff(server, tmp_path, register=register, mail=smtp[1])
    register_submit(server, tmp_path, register, mail=smtp[1])
    password = secrets.token_urlsafe(16)
    register.add_user(MODERATOR, password, role="moderator")
    client = server.test_client()
    token = csrf(client, "/verwaltung/login")
    signed_in = client.post("/verwaltung/login", data={"email": MODERATOR, "password": password, "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:500]
    return client


def reminder_sender(settings: MailSettings, data_dir: Path, calls: list[str]) -> Any:
    """``send(entry_id, name, verified, to, lang)`` for :func:`registry.reminders.run_reminders` (real delivery).

    Its links are fakes that name the entry (``http://x/c/<id>``); ``calls`` collects the entry ids.
    """
    from registry.mail import compose, deliver

    def send(entry_id: str, name: str, verified: str, to: str, lang: str) -> None:
        calls.append(entry_id)
        values = {
            "name": name,
            "city": "Ludwigsburg",
            "verified": verified,
            "days": 30,
            "confirm": f"http://x/c/{entry_id}",
            "edit": "http://x/e",
            "withdraw": "http://x/w",
        }
        deliver(compose("reminder", lang, to, settings.sender, values), settings, data_dir)

    return send


@pytest.fixture
def make_sender() -> Any:
    """``make_sender(settings, data_dir, calls)``: see :func:`reminder_sender`."""
    return reminder_sender
