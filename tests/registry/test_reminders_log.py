"""The staff's reminder log on SQLite and PostgreSQL: recipients, bounces, counts, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from registry import Register
from registry.mail import MailBounced
from registry.reminders import (
    FreshnessSettings,
    mark_bounced,
    reminder,
    reminder_counts,
    reminder_log,
    run_reminders,
)
from registry.submissions import delete_submitter, export_submitter, submit_new

LATER = datetime.now(UTC) + timedelta(days=400)
VALUES = {
    "name": "Teestube Weststadt",
    "category": "Treffpunkt",
    "languages": "Türkisch",
    "street": "Hauptstraße",
    "house_number": "7",
    "postal_code": "71634",
    "city": "Ludwigsburg",
    "lat": "48,8952",
    "lon": "9,1852",
}


@pytest.fixture
def with_contacts(register: Register) -> Register:
    """The imported offers plus one approved public submission (its contact: the submitter)."""
    done = submit_new(register, VALUES, "ayse@bruecke.example", "tr", datetime.now(UTC))
    register.approve(done.change.id, "moderator@stadt.example")
    return register


def refusing(address: str) -> Any:
    """A sender whose mail server refuses ``address`` (the real refusal is tested in tests/submit)."""

    def send(entry_id: str, name: str, verified: str, to: str, lang: str) -> None:
        if to == address:
            raise MailBounced("refused", "550 5.1.1 user unknown")

    return send


def test_recipients_bounces_and_counts(with_contacts: Register) -> None:
    report = run_reminders(with_contacts, FreshnessSettings(), refusing("ayse@bruecke.example"), LATER)
    assert len(report.bounced) == 1 and set(report.no_contact) == {"a1", "a2", "a3"}
    (item,) = reminder_log(with_contacts, state="bounced")
    assert item.recipient == "ayse@bruecke.example" and item.note == "550 5.1.1 user unknown"
    assert item.entry_name == "Teestube Weststadt"
    counts = reminder_counts(with_contacts)
    assert counts["bounced"] == 1 and counts["failed"] == 3 and counts["sent"] == 0
    with pytest.raises(ValueError, match="only a sent reminder"):
        mark_bounced(with_contacts, reminder_log(with_contacts, state="failed")[0].id, "clerk", LATER)


def test_a_clerk_marks_a_sent_reminder_bounced_once(with_contacts: Register) -> None:
    run_reminders(with_contacts, FreshnessSettings(), refusing("nobody"), LATER)
    (sent,) = reminder_log(with_contacts, state="sent")
    first = mark_bounced(with_contacts, sent.id, "clerk@stadt.example", LATER + timedelta(days=2), "Postfach voll")
    again = mark_bounced(with_contacts, sent.id, "clerk@stadt.example", LATER + timedelta(days=5), "noch mal")
    assert (
        first.state == again.state == "bounced"
        and again.bounced_at == first.bounced_at
        and again.note == "Postfach voll"
    )
    assert with_contacts.audit(entry_id=sent.entry_id)[0].action == "reminder-bounced"
    expired = run_reminders(with_contacts, FreshnessSettings(), refusing("nobody"), LATER + timedelta(days=31)).expired
    assert expired == (sent.entry_id,)
    after = reminder(with_contacts, sent.id)
    assert after is not None and after.state == "expired" and after.has_bounced and after.unconfirmed_since


def test_privacy_export_and_delete_cover_the_reminder_recipient(with_contacts: Register) -> None:
    run_reminders(with_contacts, FreshnessSettings(), refusing("nobody"), LATER)
    exported = export_submitter(with_contacts, "ayse@bruecke.example")
    assert [r["state"] for r in exported["reminders"]] == ["sent"]
    assert delete_submitter(with_contacts, "ayse@bruecke.example", "clerk", LATER) == 2  # submission + reminder
    assert [r.recipient for r in reminder_log(with_contacts)] == [None, None, None, None]


def test_a_decision_on_a_private_link_change_is_told_once(with_contacts: Register) -> None:
    from registry.submissions import propose_change, tell_decisions

    entry_id = with_contacts.entries(q="Teestube")[0].id
    change = propose_change(with_contacts, entry_id, {**VALUES, "house_number": "9"}, "uk")
    with_contacts.reject(change.id, "moderator@stadt.example", "Hausnummer stimmt nicht")
    told: list[tuple[str, str, str, str]] = []

    def send(kind: str, to: str, lang: str, values: Any) -> None:
        told.append((kind, to, lang, values["reason"]))

    assert tell_decisions(with_contacts, send, LATER) == 2  # the approval of the entry, then the rejected change
    assert told[-1] == ("change_rejected", "ayse@bruecke.example", "uk", "Hausnummer stimmt nicht")
    assert tell_decisions(with_contacts, send, LATER) == 0 and len(told) == 2
