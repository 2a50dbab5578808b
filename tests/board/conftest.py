"""Board fixtures: a register (SQLite, and PostgreSQL when configured: ``tests/conftest.py``) with the test districts."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from registry import Register
from registry.mail import MailSettings
from registry.register import META_DISTRICTS
from tests.support.mail import Inbox, body, links
from tests.support.registry import DISTRICTS

SURVEY = """Art;Thema;Titel;Beschreibung;Sprachen;Zielgruppe;Stadtteil;Straße;Hausnr.;PLZ;Organisation;E-Mail;gültig bis;Breitengrad;Längengrad;Ort sichtbar
sucht;Räume;Raum für Elterncafé;Wir suchen einen Gruppenraum am Nachmittag;Arabisch, Deutsch;Familien;Weststadt;Hauptstraße;5;71634;Elternverein West;eltern@example.org;31.03.2099;;;
bietet;Raum;Gruppenraum frei;Räume am Abend und Wochenende;Arabisch;Familien;Weststadt;;;;Moscheeverein;moschee@example.org;;48,8951;9,1905;genau
bietet;Räumlichkeiten;Saal für Feste;Großer Saal;Türkisch;;Oststadt;;;;Kulturverein;kultur@example.org;;48,8952;9,2150;
sucht;Ehrenamtliche;Lesepaten gesucht;Ehrenamtliche für Hausaufgaben;Deutsch;Kinder;Oststadt;;;;Schule Ost;schule@example.org;;;;
"""


@pytest.fixture
def board_register(empty_register: Register) -> Register:
    """An empty register that knows the test districts (Weststadt = west, Oststadt = ost)."""
    features = json.loads(DISTRICTS.read_text(encoding="utf-8"))["features"]
    with empty_register._tx() as s:
        empty_register._set_meta(s, META_DISTRICTS, features)
    return empty_register


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "bedarfe.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


# --- the board's public forms and staff moderation on one Flask app, with a real SMTP server ---------


MODERATOR = "moderator@stadt.example"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def moderator_password(board_register: Register) -> str:
    """A moderator account with a random password."""
    password = secrets.token_urlsafe(16)
    board_register.add_user(MODERATOR, password, role="moderator")
    return password


@pytest.fixture
def board_app(
    board_register: Register, data_dir: Path, smtp: tuple[Inbox, MailSettings], moderator_password: str
) -> Flask:
    """Staff pages, the board and the association pages on one Flask server, mail to the local SMTP server."""
    from dashboard.board import register_board
    from dashboard.staff import register_staff
    from dashboard.submit import register_submit

    server = Flask("board-test")
    server.config["TESTING"] = True
    register_staff(server, data_dir, board_register)
    register_board(server, data_dir, board_register)
    register_submit(server, data_dir, board_register, mail=smtp[1])
    return server


@pytest.fixture
def client(board_app: Flask) -> Any:
    return board_app.test_client()


@pytest.fixture
def form_post() -> Callable[..., Any]:
    """POST ``data`` to ``url`` with the CSRF token of the form page at ``url`` (or ``page``)."""

    def post(client: Any, url: str, data: dict[str, Any], page: str | None = None) -> Any:
        shown = client.get(page or url)
        assert shown.status_code == 200, shown.get_data(as_text=True)[:400]
        token = _CSRF.search(shown.get_data(as_text=True))
        assert token, "no CSRF token on the page"
        return client.post(url, data={**data, "csrf_token": token.group(1)})

    return post


@pytest.fixture
def login(form_post: Callable[..., Any], moderator_password: str) -> Callable[[Any], None]:
    """Sign the moderator in on ``client``."""

    def sign_in(client: Any) -> None:
        done = form_post(client, "/verwaltung/login", {"email": MODERATOR, "password": moderator_password})
        assert done.status_code == 302, done.get_data(as_text=True)[:400]

    return sign_in


@pytest.fixture
def mail_text() -> Callable[[Message], str]:
    """The text body of a delivered message."""

    return body


@pytest.fixture
def mail_links(mail_text: Callable[[Message], str]) -> Callable[[Message], list[str]]:
    """The links in a delivered message."""
    return links
