"""The staff's reminder page in real Chromium: axe clean, a clerk marks a bounce, "still valid" in one click."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ADMIN = "admin@stadt.example"
OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad;E-Mail
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900;info@caritas.example
lb-2;Deutschkurs A1;Volkshochschule;language_course;de;newcomers;Solitudestraße;24;71638;Ludwigsburg;48.8930;9.1850;
"""


@pytest.fixture
def reminder_site(tmp_path: Path, serve: Any) -> dict[str, Any]:
    """A published register whose reminders went out (to the outbox) a year after the import; served."""
    from registry import Register
    from registry.importer import import_offers
    from registry.mail import MailSettings, compose, deliver
    from registry.reminders import FreshnessSettings, run_reminders

    data = tmp_path / "data"
    data.mkdir()
    offers = tmp_path / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    password = secrets.token_urlsafe(16)

    def send(entry_id: str, name: str, verified: str, to: str, lang: str) -> None:
        values = {"name": name, "city": "Ludwigsburg", "verified": verified, "days": 30}
        links = {"confirm": "http://127.0.0.1/c", "edit": "http://127.0.0.1/e", "withdraw": "http://127.0.0.1/w"}
        deliver(compose("reminder", lang, to, "karte@stadt.example", values | links), MailSettings(), data)

    with Register.open(data_dir=data) as register:
        register.upgrade()
        import_offers(register, offers, apply=True)
        register.add_user(ADMIN, password, role="admin")
        run_reminders(register, FreshnessSettings(), send, datetime.now(UTC) + timedelta(days=400))  # a year on
        register.publish(data)
    return {"url": serve(data), "password": password, "data": data}


def sign_in(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/verwaltung/erinnerungen")
    assert "/verwaltung/login" in page.url
    page.fill("#f-email", ADMIN)
    page.fill("#f-password", site["password"])
    page.press("#f-password", "Enter")
    page.wait_for_url("**/verwaltung/erinnerungen")


def test_reminder_page_marks_a_bounce_and_confirms_in_one_click(
    page: Any, reminder_site: dict[str, Any], tools: Any
) -> None:
    sign_in(page, reminder_site)
    assert page.locator("nav a[aria-current='page']").inner_text() == "Erinnerungen"
    assert page.locator("strong[data-count='sent']").inner_text() == "1"
    assert "info@caritas.example" in page.inner_text("table.reminders")
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)

    page.fill("input[name='note']", "Postfach existiert nicht")
    page.click("button:has-text('Als unzustellbar markieren')")
    page.wait_for_url("**/verwaltung/erinnerungen?state=bounced")
    assert page.locator("strong[data-count='bounced']").inner_text() == "1"
    assert "Postfach existiert nicht" in page.inner_text("table.reminders")

    page.click("button:has-text('Noch aktuell')")
    page.wait_for_selector(".flash.success")
    assert "als aktuell bestätigt" in page.inner_text(".flash-list")
    page.goto(reminder_site["url"] + "/verwaltung/erinnerungen?lang=en")
    assert page.locator("strong[data-count='answered']").inner_text() == "1"
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
