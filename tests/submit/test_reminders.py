"""Freshness reminders with a fake clock and a real SMTP server: due -> mail -> still valid; no answer -> unconfirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from registry.mail import MailBounced, MailSendError
from registry.reminders import (
    FreshnessSettings,
    confirm_entry,
    freshness_settings,
    reminder_counts,
    reminder_log,
    run_reminders,
    unconfirmed_since,
)

START = datetime.now(UTC)  # the register's entries were created just now (the template fixture)
SETTINGS = FreshnessSettings()


def test_settings_parse_and_refuse_nonsense():
    assert freshness_settings({"remind_after_months": 6}).remind_after_months == 6
    with pytest.raises(ValueError, match=r"\[freshness\]"):
        freshness_settings({"answer_within_days": 0})


def test_cycle_due_mail_confirm_and_idempotent(register, smtp, tmp_path, make_sender, mail_body):
    inbox, settings = smtp
    calls: list[str] = []
    send = make_sender(settings, tmp_path, calls)
    assert run_reminders(register, SETTINGS, send, START).sent == ()  # fresh entries: nothing due
    later = START + timedelta(days=400)
    first = run_reminders(register, SETTINGS, send, later)
    assert first.sent == ("lb-1",) and first.no_contact == ("lb-2",)  # lb-2 has no e-mail at all
    assert len(inbox.messages) == 1 and "http://x/c/lb-1" in mail_body(inbox.messages[0])
    again = run_reminders(register, SETTINGS, send, later + timedelta(hours=1))
    assert again.sent == () and len(inbox.messages) == 1 and calls == ["lb-1"]
    confirm_entry(register, "lb-1", later + timedelta(days=2), actor="public")
    entry = register.entry("lb-1")
    assert entry.properties["last_verified"] == (later + timedelta(days=2)).date().isoformat()
    assert register.audit(entry_id="lb-1")[0].action == "confirm"
    after = run_reminders(register, SETTINGS, send, later + timedelta(days=40))
    assert after.expired == () and unconfirmed_since(register) == {}


def test_no_answer_within_30_days_marks_the_entry_unconfirmed(register, smtp, tmp_path, make_sender):
    _inbox, settings = smtp
    due = START + timedelta(days=400)
    run_reminders(register, SETTINGS, make_sender(settings, tmp_path, []), due)
    assert (
        run_reminders(register, SETTINGS, make_sender(settings, tmp_path, []), due + timedelta(days=29)).expired == ()
    )
    late = run_reminders(register, SETTINGS, make_sender(settings, tmp_path, []), due + timedelta(days=31))
    assert late.expired == ("lb-1",)
    since = (due + timedelta(days=31)).date()
    assert unconfirmed_since(register) == {"lb-1": since}
    assert register.entry("lb-1").properties["unconfirmed_since"] == since.isoformat()
    register.publish(tmp_path)
    folder = tmp_path / "snapshots" / (tmp_path / "CURRENT").read_text().strip()
    assert f'"unconfirmed_since":"{since.isoformat()}"' in (folder / "offers.geojson").read_text()
    confirm_entry(register, "lb-1", due + timedelta(days=40), actor="public")  # a late "still valid"
    assert register.entry("lb-1").properties["unconfirmed_since"] is None


def test_a_crash_after_recording_resends_nothing(register, tmp_path):
    def crash(*_args: Any) -> None:
        raise KeyboardInterrupt

    due = START + timedelta(days=400)
    with pytest.raises(KeyboardInterrupt):
        run_reminders(register, SETTINGS, crash, due)
    calls: list[str] = []

    def count(entry_id: str, *_args: Any) -> None:
        calls.append(entry_id)

    report = run_reminders(register, SETTINGS, count, due + timedelta(hours=1))
    assert calls == [] and report.stuck == ("lb-1",)


def test_a_refused_message_is_recorded_as_failed(register, tmp_path):
    def refuse(*_args: Any) -> None:
        raise MailSendError("connection refused")

    report = run_reminders(register, SETTINGS, refuse, START + timedelta(days=400))
    assert report.failed == ("lb-1",)


def test_a_recipient_the_smtp_server_refuses_is_recorded_as_bounced(register, smtp, tmp_path, make_sender):
    inbox, settings = smtp
    inbox.refuse.add("info@caritas.example")
    report = run_reminders(register, SETTINGS, make_sender(settings, tmp_path, []), START + timedelta(days=400))
    assert report.bounced == ("lb-1",) and report.sent == () and inbox.messages == []
    (item,) = reminder_log(register, state="bounced")
    assert item.recipient == "info@caritas.example" and item.bounced_at is not None
    assert item.note.startswith("550") and "User unknown" in item.note  # the server's own reply
    assert reminder_counts(register)["bounced"] == 1 and reminder_counts(register)["failed"] == 1  # lb-2: no contact


def test_deliver_raises_mail_bounced_with_the_reply(smtp, tmp_path):
    from registry.mail import compose, deliver

    inbox, settings = smtp
    inbox.refuse.add("weg@verein.example")
    message = compose("approved", "de", "weg@verein.example", settings.sender, {"name": "X", "city": "L"})
    with pytest.raises(MailBounced) as refused:
        deliver(message, settings, tmp_path)
    assert refused.value.reply.startswith("550 5.1.1")
