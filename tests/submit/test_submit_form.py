"""The public form /eintragen: stored as a pending change set, private links by real SMTP, errors in the user's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from registry import render_problem
from registry.models import SubmitterRow


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_submission_is_queued_and_mails_a_private_link_in_turkish(
    client, register, smtp, form_data, post_form, mail_links, mail_body
):
    inbox, _settings = smtp
    response = post_form(client, "/eintragen?lang=tr", form_data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:2000]
    assert 'lang="tr"' in text
    queue = register.queue(kind="new")
    assert len(queue) == 1 and queue[0].created_by == "public"
    entry = register.entry(queue[0].entry_id)
    assert entry is not None and entry.state == "pending" and entry.properties["phone"] == "07141 123456"
    assert "ayse@bruecke.example" not in str(entry.properties)
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "ayse@bruecke.example"
    assert "kaydınız" in str(mail["Subject"]) or "kayd" in mail_body(mail)
    assert "Deutsch:" in mail_body(mail)  # the German copy of the facts
    edit_link = next(u for u in mail_links(mail) if "/eintragen/aendern/" in u)
    page = client.get(path_of(edit_link))
    assert page.status_code == 200 and "07141 123456" in page.get_data(as_text=True)


def test_errors_are_shown_in_the_users_language_and_input_is_kept(client, register, smtp, form_data, post_form):
    bad = {**form_data, "category": "", "email": "kein-at", "name": "Mein Café"}
    response = post_form(client, "/eintragen?lang=ar", bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'dir="rtl"' in text and 'class="error-summary"' in text
    assert 'href="#category"' in text and 'value="Mein Café"' in text
    assert register.queue(kind="new") == [] and smtp[0].messages == []


def test_missing_consent_and_submitter_email_are_refused(client, register, smtp, form_data, post_form):
    response = post_form(client, "/eintragen", {**form_data, "consent": "", "submitter_email": "x"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#consent"' in text and 'href="#submitter_email"' in text
    assert register.queue(kind="new") == []


def test_over_long_fields_store_nothing(client, register, smtp, form_data, post_form):
    response = post_form(client, "/eintragen?lang=en", {**form_data, "name": "x" * 201})
    assert response.status_code == 400 and 'href="#name"' in response.get_data(as_text=True)
    assert register.queue() == []


def test_oversized_request_gets_413_page(client, register, form_data, csrf_of):
    token = csrf_of(client, "/eintragen")
    response = client.post("/eintragen", data={**form_data, "csrf_token": token, "description": "y" * 70000})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)
    assert register.queue() == []


def test_honeypot_stores_nothing(client, register, smtp, form_data, post_form):
    response = post_form(client, "/eintragen", {**form_data, "homepage": "http://spam.example"})
    assert response.status_code == 200
    assert register.queue() == [] and smtp[0].messages == []


def test_post_without_csrf_token_is_refused(client, register, form_data):
    response = client.post("/eintragen", data=form_data)
    assert response.status_code == 400 and register.queue() == []


def test_unplaceable_address_is_stored_and_flagged(client, register, smtp, form_data, post_form):
    response = post_form(client, "/eintragen", {**form_data, "street": "Gibtsnichtweg", "postal_code": "99999"})
    text = response.get_data(as_text=True)
    if response.status_code == 400:  # the check rejects the postcode itself (not a geocoding failure)
        assert 'href="#postal_code"' in text or 'href="#street"' in text
        return
    change = register.queue(kind="new")[0]
    assert change.entry_id is None and change.problems
    with register._tx() as s:
        assert s.scalars(select(SubmitterRow.email)).all() == ["ayse@bruecke.example"]


def test_duplicate_is_flagged_to_staff(client, register, smtp, form_data, post_form):
    dup = {
        **form_data,
        "name": "Migrationsberatung Innenstadt",
        "street": "Marktplatz",
        "house_number": "1",
        "postal_code": "71634",
    }
    assert post_form(client, "/eintragen", dup).status_code == 200
    change = register.queue(kind="new")[0]
    texts = [render_problem(p, "de") for p in change.problems]
    assert any("Duplikat" in t and "lb-1" in t for t in texts)


def test_flood_of_submissions_is_rate_limited(register, tmp_path, smtp, form_data, post_form, app_factory):
    client: Any = app_factory(register, tmp_path, smtp[1], submit_limit="2 per hour").test_client()
    statuses = [
        post_form(client, "/eintragen?lang=uk", {**form_data, "name": f"Kurs {i}"}).status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(register.queue(kind="new")) == 2


import pytest  # noqa: E402


@pytest.mark.parametrize(
    ("lang", "heading", "direction"),
    [
        ("de", "Angebot eintragen", "ltr"),
        ("en", "Add a service", "ltr"),
        ("tr", "Hizmet ekle", "ltr"),
        ("ar", "إضافة خدمة", "rtl"),
        ("uk", "Додати пропозицію", "ltr"),
    ],
)
def test_form_in_every_interface_language(client, lang, heading, direction):
    text = client.get(f"/eintragen?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in text and f"<h1>{heading}</h1>" in text
    assert 'name="submitter_email"' in text and 'name="homepage"' in text and "PRIVACY LEVELS" not in text


def test_every_field_at_its_limit_in_arabic_is_not_too_large(client, register, form_data, post_form):
    from dashboard.submit.forms import FIELD_LIMITS

    full = {
        **form_data,
        **{name: "ع" * limit for name, limit in FIELD_LIMITS.items() if name not in ("category", "accessibility")},
    }
    response = post_form(client, "/eintragen?lang=ar", full)
    assert response.status_code != 413  # the per-field checks answer, not the request limit


def test_the_form_pages_name_the_sites_icon(client):
    """Without it the browser asks for /favicon.ico, which is a 404 (a console error on every form page)."""
    for url in ("/eintragen", "/eintragen?lang=ar", "/melden?offer=lb-1"):
        assert '<link rel="icon" href="/_favicon.ico">' in client.get(url).get_data(as_text=True), url
