"""Private links end to end: change -> staff approve -> published; withdraw once; refused links; new link; reports."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def submit(post_form: Any, form_data: dict[str, Any], mail_links: Any) -> Any:
    """``submit(client, inbox)``: a valid submission in Turkish -> its private links (paths) by purpose."""

    def run(client: Any, inbox: Any) -> dict[str, str]:
        assert post_form(client, "/eintragen?lang=tr", form_data).status_code == 200
        found = {}
        for url in mail_links(inbox.messages[-1]):
            for key in ("aendern", "zurueckziehen"):
                if f"/eintragen/{key}/" in url:
                    found[key] = path_of(url)
        return found

    return run


def test_change_by_private_link_reaches_the_map_after_approval(
    client, register, smtp, tmp_path, form_data, post_form, submit
):
    urls = submit(client, smtp[0])
    new = register.queue(kind="new")[0]
    register.approve(new.id, "moderator@stadt.example")
    form = {**form_data, "phone": "07141 999000"}
    form.pop("submitter_email"), form.pop("consent")
    response = post_form(client, urls["aendern"], form)
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    change = register.queue(kind="change")[0]
    assert change.entry_id == new.entry_id and change.created_by == "public"
    register.approve(change.id, "moderator@stadt.example")
    register.publish(tmp_path)
    offers = (tmp_path / "CURRENT").read_text().strip()
    text = (tmp_path / "snapshots" / offers / "offers.geojson").read_text()
    assert "07141 999000" in text and "ayse@bruecke.example" not in text


def test_withdraw_link_works_once(client, register, smtp, form_data, post_form, submit):
    urls = submit(client, smtp[0])
    register.approve(register.queue(kind="new")[0].id, "moderator@stadt.example")
    page = client.get(urls["zurueckziehen"])
    assert page.status_code == 200
    assert post_form(client, urls["zurueckziehen"], {}).status_code == 200
    assert register.entries(state="archived")[0].name == form_data["name"]
    again = client.get(urls["zurueckziehen"])
    assert again.status_code == 410 and 'lang="tr"' in again.get_data(as_text=True)


def test_forged_link_gets_a_clear_page(client):
    response = client.get("/eintragen/aendern/eyJlIjoibGItMSJ9.forged.sig?lang=ar")
    text = response.get_data(as_text=True)
    assert response.status_code == 403 and 'dir="rtl"' in text and "<h1>" in text


def test_new_link_request_never_reveals_whether_the_address_is_known(client, register, smtp, post_form, submit):
    submit(client, smtp[0])
    count = len(smtp[0].messages)
    known = post_form(client, "/eintragen/link", {"email": "ayse@bruecke.example"})
    unknown = post_form(client, "/eintragen/link", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert len(smtp[0].messages) == count + 1  # only the known address got mail


def test_report_reaches_the_moderation_queue(client, register, post_form):
    response = post_form(client, "/melden?offer=lb-1&lang=en", {"what": "phone", "text": "Number is 07141 1"})
    assert response.status_code == 200
    report = register.queue(kind="report")[0]
    assert report.entry_id == "lb-1" and "phone" in report.reason and report.created_by == "public"


def test_report_needs_a_choice_and_unknown_offers_are_404(client, register, post_form):
    response = post_form(client, "/melden?offer=lb-1", {"what": "", "text": ""})
    assert response.status_code == 400 and 'href="#what"' in response.get_data(as_text=True)
    assert client.get("/melden?offer=nope").status_code == 404
    assert register.queue(kind="report") == []


def test_submitter_email_is_in_no_snapshot_file(client, register, smtp, tmp_path, submit):
    submit(client, smtp[0])
    register.approve(register.queue(kind="new")[0].id, "moderator@stadt.example")
    register.publish(tmp_path)
    folder = tmp_path / "snapshots" / (tmp_path / "CURRENT").read_text().strip()
    for path in folder.iterdir():
        assert "ayse@bruecke.example" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert json.dumps(register.published_features()).find("ayse@") == -1


def test_csrf_token_page_is_not_cached(client, csrf_of):
    csrf_of(client, "/eintragen")
    assert client.get("/eintragen").headers["Cache-Control"] == "no-store"


def test_link_requests_are_rate_limited(register, tmp_path, smtp, post_form, app_factory):
    client = app_factory(register, tmp_path, smtp[1], link_limit="2 per hour").test_client()
    statuses = [
        post_form(client, "/eintragen/link?lang=ar", {"email": f"x{i}@y.example"}).status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    page = post_form(client, "/eintragen/link?lang=ar", {"email": "z@y.example"})
    assert page.status_code == 429 and 'dir="rtl"' in page.get_data(as_text=True)


def test_reused_confirm_link_is_refused(client, register, post_form):
    from registry.tokens import make_token

    secret = client.application.extensions["stadtkarte_submit"].secret
    url = f"/eintragen/bestaetigen/{make_token(secret, 'lb-1', 'confirm')}?lang=uk"
    assert post_form(client, url, {}).status_code == 200
    assert register.entry("lb-1").properties["last_verified"]
    again = client.get(url)
    assert again.status_code == 410 and 'lang="uk"' in again.get_data(as_text=True)


def test_withdrawing_a_pending_entry_closes_its_proposal(client, register, smtp, form_data, post_form, submit):
    urls = submit(client, smtp[0])
    assert post_form(client, urls["zurueckziehen"], {}).status_code == 200  # before staff decided
    assert register.queue(kind="new") == []
    assert register.entries(state="archived")[0].name == form_data["name"]
    assert register.entries(state="pending") == []
