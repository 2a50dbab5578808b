"""An association's journey in real Chromium, in Turkish on a 375 px phone: submit the form,
receive the mail on a real SMTP server (aiosmtpd on 127.0.0.1), follow the private link, change
the phone number, staff approve (register API), the public API shows the new number without a
restart; a correction report reaches the queue; axe on the new pages in German and Arabic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.mail import links

OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
"""


@pytest.fixture
def site(tmp_path: Path, serve: Any, smtp: Any) -> dict[str, Any]:
    """A published register with one offer, served by the project's app, mailing to the local SMTP server."""
    from dashboard.app import create_app
    from registry import Register
    from registry.importer import import_offers

    data = tmp_path / "data"
    data.mkdir()
    offers = tmp_path / "angebote.csv"
    offers.write_text(OFFER_LIST, encoding="utf-8")
    with Register.open(data_dir=data) as register:
        register.upgrade()
        import_offers(register, offers, apply=True)
        register.publish(data)
    app = create_app(data)
    app.server.extensions["stadtkarte_submit"].mail = smtp[1]
    return {"url": serve(app), "data": data, "inbox": smtp[0]}


def expect_status_logged(page_log: Any, status: int) -> None:
    """Chromium logs a 4xx page as a console error; a re-shown form answers 400 on purpose (drop exactly those)."""
    marker = f"status of {status}"
    assert any(marker in e for e in page_log.console_errors), page_log.console_errors
    page_log.console_errors[:] = [e for e in page_log.console_errors if marker not in e]


def check_axe(page: Any, tools: Any) -> None:
    violations = tools.axe(page)
    assert not violations, f"{page.url}:\n" + tools.describe_violations(violations)


def test_turkish_phone_journey_submit_link_change_approve(page: Any, site: dict[str, Any], page_log: Any) -> None:
    from registry import Register

    page.set_viewport_size({"width": 375, "height": 800})
    base = site["url"]
    page.goto(base + "/eintragen?lang=tr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#name", "Kadın Kahvesi")
    page.fill("#organization", "Köprü Derneği")
    page.select_option("#category", "language_cafe")
    page.check("#lang-tr")
    page.fill("#street", "Marktplatz")
    page.fill("#house_number", "2")
    page.fill("#postal_code", "71634")
    page.fill("#phone", "07141 111111")
    page.fill("#submitter_email", "ayse@kopru.example")
    page.click("button[type=submit]")  # without the agreement: errors at the top, input kept
    assert page.locator(".error-summary a[href='#consent']").count() == 1
    assert page.input_value("#name") == "Kadın Kahvesi"
    expect_status_logged(page_log, 400)
    page.check("#consent")
    page.click("button[type=submit]")
    page.wait_for_selector("ol.steps")
    assert len(site["inbox"].messages) == 1
    edit = next(u for u in links(site["inbox"].messages[0]) if "/aendern/" in u)
    with Register.open(data_dir=site["data"]) as register:
        new = register.queue(kind="new")[0]
        register.approve(new.id, "moderator@stadt.example")
        register.publish(site["data"])
    page.goto(base + urlsplit(edit).path + "?" + urlsplit(edit).query)
    assert page.input_value("#phone") == "07141 111111"
    assert page.get_attribute("html", "lang") == "tr"
    page.fill("#phone", "07141 222222")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    with Register.open(data_dir=site["data"]) as register:
        change = register.queue(kind="change")[0]
        register.approve(change.id, "moderator@stadt.example")
        register.publish(site["data"])
    api = page.request.get(base + "/api/offers.geojson").text()
    assert "07141 222222" in api and "07141 111111" not in api and "ayse@kopru.example" not in api


def test_report_reaches_the_queue(page: Any, site: dict[str, Any]) -> None:
    from registry import Register

    page.goto(site["url"] + "/melden?offer=lb-1&lang=tr")
    page.check("#what-phone")
    page.fill("#text", "Numara değişti")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    with Register.open(data_dir=site["data"]) as register:
        assert [c.entry_id for c in register.queue(kind="report")] == ["lb-1"]


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_new_pages_are_axe_clean(page: Any, site: dict[str, Any], tools: Any, page_log: Any, lang: str) -> None:
    base = site["url"]
    for path in (f"/eintragen?lang={lang}", f"/melden?offer=lb-1&lang={lang}", f"/eintragen/link?lang={lang}"):
        page.goto(base + path)
        check_axe(page, tools)
    page.goto(base + f"/eintragen?lang={lang}")
    page.click("button[type=submit]")  # the error state too
    page.wait_for_selector(".error-summary")
    check_axe(page, tools)
    expect_status_logged(page_log, 400)
    page.goto(base + f"/eintragen/aendern/forged?lang={lang}")
    check_axe(page, tools)
    expect_status_logged(page_log, 403)
