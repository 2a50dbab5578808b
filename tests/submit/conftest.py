"""A real SQLite register, a Flask app with the public association pages, and a real SMTP server.

The SMTP server is aiosmtpd on 127.0.0.1 (a free port); its handler keeps every
delivered message, so tests read the mails and follow their links.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.submit import register_submit
from registry.mail import MailSettings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"https?://\S+")

OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad;E-Mail
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900;info@caritas.example
lb-2;Deutschkurs A1;Volkshochschule;language_course;de;newcomers;Solitudestraße;24;71638;Ludwigsburg;48.8930;9.1850;
"""

#: A valid submission inside the demo city (address geocoded through the demo chain by postcode).
FORM: dict[str, Any] = {
    "name": "Frauencafé Oststadt",
    "organization": "Verein Brücke e.V.",
    "category": "language_cafe",
    "languages": ["tr", "de"],
    "target_groups": ["women"],
    "street": "Schillerstraße",
    "house_number": "3",
    "postal_code": "71638",
    "phone": "07141 123456",
    "email": "kontakt@bruecke.example",
    "description": "Jeden Dienstag Tee und Gespräche.",
    "submitter_email": "ayse@bruecke.example",
    "consent": "yes",
}


class Inbox:
    """aiosmtpd handler that keeps every delivered message and refuses the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, MailSettings]]:
    """A real SMTP server on 127.0.0.1 and the settings that send to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, MailSettings(host="127.0.0.1", port=port, sender="karte@stadt.example")
    finally:
        controller.stop()


def body(message: Message) -> str:
    part = message.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(message.get_content_charset() or "utf-8")


def subject(message: Message) -> str:
    """The decoded subject line of a delivered message."""
    from email.header import decode_header, make_header

    return str(make_header(decode_header(str(message["Subject"]))))


def links(message: Message) -> list[str]:
    return LINK.findall(body(message))


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite register with two published offers (imported once per session through the ETL)."""
    from registry import Register
    from registry.importer import import_offers

    folder = tmp_path_factory.mktemp("submit-template")
    offers = folder / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    with Register.open(url=f"sqlite:///{folder / 'register.sqlite'}", data_dir=folder) as reg:
        reg.upgrade()
        import_offers(reg, offers, actor="import", apply=True)
        reg.publish(folder)
    return folder


@pytest.fixture
def register(tmp_path: Path, template_register: Path) -> Iterator[Any]:
    from registry import Register

    shutil.copytree(template_register, tmp_path, dirs_exist_ok=True)
    reg = Register.open(url=f"sqlite:///{tmp_path / 'register.sqlite'}", data_dir=tmp_path)
    reg.upgrade()
    yield reg
    reg.close()


def make_app(register: Any, data_dir: Path, mail: MailSettings | None, **limits: str) -> Flask:
    server = Flask("submit-test")
    server.config["TESTING"] = True
    register_submit(server, data_dir, register, mail=mail or MailSettings(), **limits)
    return server


@pytest.fixture
def app(register: Any, tmp_path: Path, smtp: tuple[Inbox, MailSettings]) -> Flask:
    return make_app(register, tmp_path, smtp[1])


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


def csrf(client: Any, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    found = TOKEN.search(page.get_data(as_text=True))
    assert found
    return found.group(1)


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={**data, "csrf_token": csrf(client, url)})


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
