"""The staff side in real Chromium: sign in, approve a pending entry, see it on the public map
without a restart; axe on every staff page; keyboard and error-summary focus; a conflict.

The server is the project's Dash app (``serve(data_dir)``) on a SQLite register in
``tmp_path``; the register publishes snapshots into the same folder the map reads.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest

ADMIN = "admin@stadt.example"
OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
lb-2;Deutschkurs A1;Volkshochschule;language_course;de;newcomers;Solitudestraße;24;71638;Ludwigsburg;48.8930;9.1850
"""
NEW_OFFER = {
    "name": "Sprachcafé Weststadt",
    "organization": "Freundeskreis Asyl",
    "category": "language_cafe",
    "languages": "Arabisch, Deutsch",
    "street": "Marktplatz",
    "house_number": "3",
    "postal_code": "71634",
    "city": "Ludwigsburg",
    "lat": "48.8951",
    "lon": "9.1905",
}


@pytest.fixture
def staff_site(tmp_path: Path, serve: Any) -> dict[str, Any]:
    """A data folder with a published register, a pending new entry and an admin; served."""
    from registry import Register
    from registry.importer import import_offers

    data = tmp_path / "data"
    data.mkdir()
    offers = tmp_path / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    password = secrets.token_urlsafe(16)
    with Register.open(data_dir=data) as register:  # the default: data/register.sqlite
        register.upgrade()
        import_offers(register, offers, apply=True)
        register.publish(data)
        register.add_user(ADMIN, password, role="admin")
        change = register.propose(None, NEW_OFFER, actor="verein@example.org", source="formular", kind="new")
    return {"url": serve(data), "password": password, "change": change, "data": data}


def check_axe(page: Any, tools: Any) -> None:
    violations = tools.axe(page)
    assert not violations, f"{page.url}:\n" + tools.describe_violations(violations)


def sign_in(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/verwaltung/queue")
    assert "/verwaltung/login" in page.url
    page.fill("#f-email", ADMIN)
    page.fill("#f-password", site["password"])
    page.press("#f-password", "Enter")  # submit with the keyboard
    page.wait_for_url("**/verwaltung/queue")


def test_sign_in_approve_and_see_it_on_the_public_map(page: Any, staff_site: dict[str, Any], tools: Any) -> None:
    base = staff_site["url"]
    page.goto(base + "/verwaltung/login")
    check_axe(page, tools)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    sign_in(page, staff_site)
    check_axe(page, tools)
    assert "Neu: 1" in page.inner_text(".counts")

    page.click("text=Sprachcafé Weststadt")
    page.wait_for_url(f"**/verwaltung/change/{staff_site['change'].id}")
    check_axe(page, tools)
    before = page.request.get(base + "/api/offers.geojson").text()
    assert "Sprachcafé Weststadt" not in before

    page.click("button:has-text('Freigeben und veröffentlichen')")
    page.wait_for_url("**/verwaltung/queue")
    assert "veröffentlicht als Version" in page.inner_text(".flash-list")
    assert "Neu: 0" in page.inner_text(".counts")

    # the same running server now serves the approved entry: API and the map page's list
    features = json.loads(page.request.get(base + "/api/offers.geojson").text())["features"]
    assert "Sprachcafé Weststadt" in [f["properties"]["name"] for f in features]
    page.goto(base + "/?q=Weststadt")
    tools.wait_for_dash(page)
    page.wait_for_function(
        "() => (document.querySelector('#offer-list') || {}).textContent?.includes('Sprachcafé Weststadt')",
        timeout=15_000,
    )
    assert page.inner_text("#result-count").strip() == "1"


def expect_status_logged(page_log: Any, status: int) -> None:
    """Chromium logs a 4xx page as a console error; a re-shown form answers 400 on purpose (drop exactly those)."""
    marker = f"status of {status}"
    assert any(marker in e for e in page_log.console_errors), page_log.console_errors
    page_log.console_errors[:] = [e for e in page_log.console_errors if marker not in e]


def test_staff_pages_pass_axe_and_errors_take_focus(
    page: Any, page_log: Any, staff_site: dict[str, Any], tools: Any
) -> None:
    base = staff_site["url"]
    sign_in(page, staff_site)
    for path in (
        "/verwaltung/entries",
        "/verwaltung/audit?entry=lb-1",
        "/verwaltung/users",
        "/verwaltung/queue?lang=en",
    ):
        page.goto(base + path)
        check_axe(page, tools)

    page.goto(base + "/verwaltung/entry/lb-2")
    check_axe(page, tools)
    page.fill("#f-name", "")
    page.click("button:has-text('Speichern')")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # GOV.UK pattern, no JavaScript
    link = page.locator("#error-summary a[href='#f-name']")
    assert link.count() == 1
    assert page.get_attribute("#f-name", "aria-invalid") == "true"
    check_axe(page, tools)
    link.click()
    assert page.url.endswith("#f-name")
    expect_status_logged(page_log, 400)


def test_second_editor_gets_the_conflict_page(page: Any, context: Any, staff_site: dict[str, Any], tools: Any) -> None:
    base = staff_site["url"]
    sign_in(page, staff_site)
    other = context.new_page()  # same session, second tab: both load version N
    other.goto(base + "/verwaltung/entry/lb-1")
    page.goto(base + "/verwaltung/entry/lb-1")
    page.fill("#f-description", "Fassung aus Tab 1")
    page.click("button:has-text('Speichern')")
    page.wait_for_selector(".flash")
    other.fill("#f-description", "Fassung aus Tab 2")
    other.click("button:has-text('Speichern')")
    other.wait_for_selector("table.conflict")
    assert "Fassung aus Tab 1" in other.inner_text("table.conflict")
    assert "Fassung aus Tab 2" in other.inner_text("table.conflict")
    violations = tools.axe(other)
    assert not violations, tools.describe_violations(violations)
    other.close()
