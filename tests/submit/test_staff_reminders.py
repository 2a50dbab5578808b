"""/verwaltung/erinnerungen: what was sent, bounced, expired; mark bounced and "still valid" in one click."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from registry.reminders import FreshnessSettings, reminder_log, run_reminders

PAGE = "/verwaltung/erinnerungen"
LATER = datetime.now(UTC) + timedelta(days=400)


def count(html: str, state: str) -> int:
    found = re.search(rf'<strong data-count="{state}">(\d+)</strong>', html)
    assert found, f"no count for {state}"
    return int(found.group(1))


def run(register: Any, smtp: Any, make_sender: Any, at: datetime) -> Any:
    _inbox, settings = smtp
    return run_reminders(register, FreshnessSettings(), make_sender(settings, register.data_dir, []), at)


def submitted_entry(client: Any, register: Any, post_form: Any, csrf_of: Any, form_data: dict[str, Any]) -> str:
    """A public submission approved by staff: an entry whose contact is the submitter."""
    assert post_form(client, "/eintragen", form_data).status_code == 200
    new = register.queue(kind="new")[0]
    token = csrf_of(client, f"/verwaltung/change/{new.id}")
    assert client.post(f"/verwaltung/change/{new.id}/approve", data={"csrf_token": token}).status_code == 302
    return str(new.entry_id)


def test_the_page_lists_sent_bounced_and_failed_reminders_with_counts(
    public_and_staff, register, smtp, make_sender, post_form, csrf_of, form_data
):
    client, (inbox, _settings) = public_and_staff, smtp
    fresh = submitted_entry(client, register, post_form, csrf_of, form_data)
    inbox.refuse.add("info@caritas.example")  # lb-1's address: the server refuses it
    report = run(register, smtp, make_sender, LATER)
    assert report.sent == (fresh,) and report.bounced == ("lb-1",) and report.no_contact == ("lb-2",)
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert (count(html, "sent"), count(html, "bounced"), count(html, "failed")) == (1, 1, 1)
    assert "ayse@bruecke.example" in html and "info@caritas.example" in html  # to which address (staff only)
    assert "550 5.1.1" in html  # the SMTP server's refusal
    assert f'href="{PAGE}"' in html and 'aria-current="page"' in html  # linked from the staff navigation
    only = client.get(f"{PAGE}?state=bounced").get_data(as_text=True)
    assert "Migrationsberatung Innenstadt" in only and "Frauencafé Oststadt" not in only


def test_a_clerk_marks_a_later_bounce_and_unanswered_reminders_expire(
    public_and_staff, register, smtp, make_sender, post_form, csrf_of, form_data
):
    client = public_and_staff
    fresh = submitted_entry(client, register, post_form, csrf_of, form_data)
    run(register, smtp, make_sender, LATER)
    (sent,) = [r for r in reminder_log(register, state="sent") if r.entry_id == fresh]
    refused = client.post(f"{PAGE}/{sent.id}/unzustellbar", data={"note": "kam zurück"})
    assert refused.status_code == 400 and reminder_log(register, state="bounced") == []  # no CSRF token
    token = csrf_of(client, PAGE)
    done = client.post(f"{PAGE}/{sent.id}/unzustellbar", data={"note": "Postfach voll", "csrf_token": token})
    assert done.status_code == 302
    (bounced,) = reminder_log(register, state="bounced")
    assert bounced.entry_id == fresh and bounced.note == "Postfach voll"
    assert register.audit(entry_id=fresh)[0].action == "reminder-bounced"
    assert client.post(f"{PAGE}/999/unzustellbar", data={"csrf_token": token}).status_code == 404

    expired_at = LATER + timedelta(days=31)
    assert set(run(register, smtp, make_sender, expired_at).expired) == {"lb-1", fresh}
    html = client.get(f"{PAGE}?state=expired&lang=en").get_data(as_text=True)
    assert count(html, "expired") == 2
    assert f"entry unconfirmed since {expired_at.date().isoformat()}" in html
    assert html.count('class="bounced"') == 1  # the bounce stays visible on the expired reminder


def test_still_valid_in_one_click_clears_unconfirmed_and_publishes(
    public_and_staff, register, smtp, make_sender, csrf_of
):
    client = public_and_staff
    run(register, smtp, make_sender, LATER)
    run(register, smtp, make_sender, LATER + timedelta(days=31))
    assert register.entry("lb-1").properties["unconfirmed_since"]
    token = csrf_of(client, PAGE)
    assert client.post("/verwaltung/entry/lb-1/confirm", data={"csrf_token": token}).status_code == 302
    entry = register.entry("lb-1")
    assert entry.properties["unconfirmed_since"] is None
    assert entry.properties["last_verified"] == datetime.now(UTC).date().isoformat()
    assert [r.state for r in reminder_log(register) if r.entry_id == "lb-1"] == ["answered"]
    current = (register.data_dir / "CURRENT").read_text().strip()
    collection = json.loads((register.data_dir / "snapshots" / current / "offers.geojson").read_text())
    (props,) = [f["properties"] for f in collection["features"] if f["properties"]["id"] == "lb-1"]
    assert props.get("unconfirmed_since") is None and props["last_verified"] == entry.properties["last_verified"]


def test_reminders_page_needs_a_session(register, tmp_path, smtp):
    from flask import Flask

    from dashboard.staff import register_staff

    server = Flask("no-session")
    register_staff(server, tmp_path, register=register, mail=smtp[1])
    client = server.test_client()
    before = register.entry("lb-1").version
    page = client.get(PAGE)
    assert page.status_code == 302 and "/verwaltung/login" in page.headers["Location"]
    assert client.post(f"{PAGE}/1/unzustellbar").status_code == 401
    assert client.post("/verwaltung/entry/lb-1/confirm").status_code == 401
    assert register.entry("lb-1").version == before  # nothing confirmed without a session
