"""Staff's decision on a change made through a private link reaches its submitter (real SMTP on 127.0.0.1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def edit_link(token_secret: str, entry_id: str) -> str:
    from registry.tokens import make_token

    return f"/eintragen/aendern/{make_token(token_secret, entry_id, 'edit')}"


def propose(client: Any, post_form: Any, url: str, form: dict[str, Any]) -> None:
    response = post_form(client, url, form)
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]


def staff_post(client: Any, csrf_of: Any, change_id: int, action: str, **data: str) -> Any:
    token = csrf_of(client, f"/verwaltung/change/{change_id}")
    return client.post(f"/verwaltung/change/{change_id}/{action}", data={**data, "csrf_token": token})


def test_change_through_a_private_link_rejected_then_approved_mails_the_submitter(
    public_and_staff, register, smtp, form_data, post_form, csrf_of, mail_body, mail_links, mail_subject
):
    client, (inbox, _settings) = public_and_staff, smtp
    propose(client, post_form, "/eintragen?lang=tr", form_data)
    new = register.queue(kind="new")[0]
    assert staff_post(client, csrf_of, new.id, "approve").status_code == 302
    assert [m["To"] for m in inbox.messages] == ["ayse@bruecke.example"] * 2  # links, then "approved"
    assert "haritada" in mail_subject(inbox.messages[1])
    link = next(u for u in mail_links(inbox.messages[0]) if "/eintragen/aendern/" in u)

    # a change in Ukrainian through the private link; staff reject it with a reason
    edit = path_of(link).split("?")[0] + "?lang=uk"
    propose(client, post_form, edit, {**form_data, "phone": "07141 999999"})
    change = register.queue(kind="change")[0]
    reason = "Die Telefonnummer gehört nicht zum Verein."
    assert staff_post(client, csrf_of, change.id, "reject", reason=reason).status_code == 302
    rejected = inbox.messages[2]
    text = mail_body(rejected)
    assert rejected["To"] == "ayse@bruecke.example" and "uk" in str(rejected["Content-Language"])
    assert "Ваша зміна" in mail_subject(rejected)  # Ukrainian first ...
    assert reason in text and "Deutsch:" in text and "Ihre Änderung" in text  # ... the reason and a German copy

    # a second change is approved: "on the map" in the submitter's language
    propose(client, post_form, edit, {**form_data, "phone": "07141 555555"})
    second = register.queue(kind="change")[0]
    assert staff_post(client, csrf_of, second.id, "approve").status_code == 302
    approved = inbox.messages[3]
    assert "на карті" in mail_subject(approved) and "auf der Stadtkarte" in mail_body(approved)
    assert register.entry(second.entry_id).properties["phone"] == "07141 555555"
    assert len(inbox.messages) == 4  # each decision told once


def test_a_change_to_an_imported_entry_is_told_to_its_organisational_address(
    public_and_staff, register, smtp, form_data, post_form, csrf_of, mail_subject
):
    client, (inbox, _settings) = public_and_staff, smtp
    with client.application.app_context():
        secret = str(current_app.secret_key)
    propose(client, post_form, edit_link(secret, "lb-1") + "?lang=en", {**form_data, "phone": "07141 42"})
    change = register.queue(kind="change")[0]
    assert staff_post(client, csrf_of, change.id, "approve").status_code == 302
    assert [m["To"] for m in inbox.messages] == ["info@caritas.example"]
    assert "Your change" in mail_subject(inbox.messages[0])


def test_the_daily_run_tells_a_decision_only_once(register, smtp, form_data):
    from datetime import UTC, datetime

    from registry.mail import compose, deliver
    from registry.submissions import propose_change, tell_decisions

    inbox, settings = smtp
    values = {k: v for k, v in form_data.items() if isinstance(v, str)} | {"languages": "tr", "phone": "07141 7"}
    change = propose_change(register, "lb-1", values, "ar")
    register.reject(change.id, "staff@stadt.example", "Bitte die Adresse prüfen.")

    def send(kind: str, to: str, lang: str, v: Any) -> object:
        return deliver(
            compose(kind, lang, to, settings.sender, {"city": "Ludwigsburg", **v}), settings, register.data_dir
        )

    now = datetime.now(UTC)
    assert tell_decisions(register, send, now) == 1 and tell_decisions(register, send, now) == 0
    assert len(inbox.messages) == 1 and "ar" in str(inbox.messages[0]["Content-Language"])
