"""The public association pages' test inputs: a two-offer register, a valid form, CSRF-aware posts."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from dashboard.submit import register_submit
from registry.mail import MailSettings

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

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


def build_template_register(folder: Path) -> Path:
    """A SQLite register in ``folder`` with the two published offers of :data:`OFFER_LIST` (via the ETL)."""
    from registry import Register
    from registry.importer import import_offers

    offers = folder / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    with Register.open(url=f"sqlite:///{folder / 'register.sqlite'}", data_dir=folder) as reg:
        reg.upgrade()
        import_offers(reg, offers, actor="import", apply=True)
        reg.publish(folder)
    return folder


@contextmanager
def copied_register(template: Path, folder: Path) -> Iterator[Any]:
    """An open, upgraded copy of the template register (and its published data) in ``folder``."""
    from registry import Register

    shutil.copytree(template, folder, dirs_exist_ok=True)
    reg = Register.open(url=f"sqlite:///{folder / 'register.sqlite'}", data_dir=folder)
    reg.upgrade()
    try:
        yield reg
    finally:
        reg.close()


def make_app(register: Any, data_dir: Path, mail: MailSettings | None, **limits: str) -> Flask:
    server = Flask("submit-test")
    server.config["TESTING"] = True
    register_submit(server, data_dir, register, mail=mail or MailSettings(), **limits)
    return server


def csrf(client: Any, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    found = TOKEN.search(page.get_data(as_text=True))
    assert found
    return found.group(1)


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={**data, "csrf_token": csrf(client, url)})
