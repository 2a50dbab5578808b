"""Moderation through the staff pages on a real SQLite register: queue, diff, approve (and
publish), reject with a reason, edit with errors kept, conflicts, archive/restore, audit,
accounts, and the English interface."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from dashboard.staff.security import LoginLockout
from geodata.io import OFFERS_FILE
from geodata.snapshot import current_snapshot_dir


def published_names(data_dir: Path) -> list[str]:
    """Names in the current published snapshot of ``data_dir``."""
    folder = current_snapshot_dir(data_dir)
    assert folder is not None, "nothing published"
    features = json.loads((folder / OFFERS_FILE).read_text(encoding="utf-8"))["features"]
    return [f["properties"]["name"] for f in features]


def change_values(register: Any, entry_id: str, **changes: str) -> dict[str, str | None]:
    """The entry's form values with ``changes`` applied."""
    return {**register.form_values(register.entry(entry_id)), **changes}


@pytest.fixture
def proposed_change(register: Any) -> Any:
    """A pending change of lb-1: a new name and phone number."""
    values = change_values(register, "lb-1", name="Migrationsberatung Neckarweihingen", phone="+49 7141 910-0")
    return register.propose("lb-1", values, actor="verein@example.org", source="form", kind="change")


def test_queue_lists_pending_changes_with_counts(moderator, register, proposed_change, new_offer, page_text):
    register.propose(None, new_offer, actor="import", source="liste.csv", kind="new")
    page = page_text(moderator.get("/verwaltung/queue"))
    assert re.search(r"Alle: <strong>2</strong>", page)
    assert re.search(r"Neu: <strong>1</strong>", page) and re.search(r"Änderung: <strong>1</strong>", page)
    assert "Migrationsberatung Neckarweihingen" in page and "Sprachcafé Weststadt" in page
    only_new = page_text(moderator.get("/verwaltung/queue?kind=new"))
    assert "Sprachcafé Weststadt" in only_new and "Migrationsberatung Neckarweihingen" not in only_new
    searched = page_text(moderator.get("/verwaltung/queue?q=lb-1"))  # the register searches the entry's name and id
    assert "Migrationsberatung Neckarweihingen" in searched and "Sprachcafé Weststadt" not in searched
    ignored = moderator.get("/verwaltung/queue?kind=<script>&offset=-3")
    assert ignored.status_code == 200 and "<script>" not in page_text(ignored)


def test_queue_pages(tmp_path, register, passwords, moderator_email, new_offer, page_text, sign_in, server_factory):
    for i in range(3):
        register.propose(
            None, {**new_offer, "id": f"neu-{i}", "name": f"Angebot {i}"}, actor="import", source="x", kind="new"
        )
    client = server_factory(tmp_path, register, page_size=2).test_client()
    sign_in(client, moderator_email, passwords[moderator_email])
    first = page_text(client.get("/verwaltung/queue"))
    assert first.count('href="/verwaltung/change/') == 2
    assert 'href="/verwaltung/queue?offset=2"' in first and "Nächste Seite" in first
    second = page_text(client.get("/verwaltung/queue?offset=2"))
    assert second.count('href="/verwaltung/change/') == 1
    assert "Vorherige Seite" in second and "Nächste Seite" not in second


def test_change_page_shows_the_diff_field_by_field(moderator, proposed_change, page_text):
    page = page_text(moderator.get(f"/verwaltung/change/{proposed_change.id}"))
    row = re.search(r'<tr class="changed">\s*<th scope="row">Name des Angebots.*?</tr>', page, re.S)
    assert row, page
    assert "<del>Migrationsberatung Innenstadt</del>" in row.group(0)
    assert "<ins>Migrationsberatung Neckarweihingen</ins>" in row.group(0)
    assert "geändert" in row.group(0)
    assert "<ins>+49 7141 910-0</ins>" in page
    assert moderator.get("/verwaltung/change/9999").status_code == 404


def test_approve_publishes_the_change(moderator, register, proposed_change, tmp_path, page_text, post_with_token):
    path = f"/verwaltung/change/{proposed_change.id}"
    response = post_with_token(moderator, path + "/approve", {}, token_path=path)
    assert response.status_code == 302 and response.headers["Location"] == "/verwaltung/queue"
    assert register.change(proposed_change.id).state == "approved"
    assert register.entry("lb-1").properties["name"] == "Migrationsberatung Neckarweihingen"
    assert "Migrationsberatung Neckarweihingen" in published_names(tmp_path)
    assert "veröffentlicht als Version" in page_text(moderator.get("/verwaltung/queue"))
    again = post_with_token(moderator, path + "/approve", {}, token_path=path)
    assert again.status_code == 302
    assert "bereits erledigt" in page_text(moderator.get(path))


def test_approve_a_new_entry(moderator, register, tmp_path, new_offer, post_with_token):
    item = register.propose(None, new_offer, actor="import", source="liste.csv", kind="new")
    path = f"/verwaltung/change/{item.id}"
    post_with_token(moderator, path + "/approve", {}, token_path=path)
    assert register.entry(item.entry_id).state == "published"
    assert "Sprachcafé Weststadt" in published_names(tmp_path)


def test_reject_needs_a_reason_and_keeps_it(moderator, register, proposed_change, page_text, post_with_token):
    path = f"/verwaltung/change/{proposed_change.id}"
    blank = post_with_token(moderator, path + "/reject", {"reason": "   "}, token_path=path)
    assert blank.status_code == 400
    page = page_text(blank)
    assert 'class="error-summary"' in page and 'href="#f-reason"' in page
    assert 'aria-invalid="true"' in page
    assert register.change(proposed_change.id).state == "pending"
    done = post_with_token(
        moderator, path + "/reject", {"reason": "Telefonnummer gehört nicht zum Träger"}, token_path=path
    )
    assert done.status_code == 302
    rejected = register.change(proposed_change.id)
    assert rejected.state == "rejected" and rejected.reason == "Telefonnummer gehört nicht zum Träger"
    assert register.entry("lb-1").properties["name"] == "Migrationsberatung Innenstadt"
    assert "Telefonnummer gehört nicht zum Träger" in page_text(moderator.get(path))


def test_edit_form_has_every_field_and_keeps_input_on_errors(moderator, register, page_text, post_with_token):
    page = page_text(moderator.get("/verwaltung/entry/lb-1"))
    for name in (
        "name",
        "organization",
        "category",
        "languages",
        "street",
        "postal_code",
        "email",
        "url",
        "accessibility",
        "lat",
        "demo",
    ):
        assert f'<label for="f-{name}">' in page and f'id="f-{name}"' in page, name
    assert 'value="Migrationsberatung Innenstadt"' in page
    version = register.entry("lb-1").version
    form = {
        **{k: v or "" for k, v in register.form_values(register.entry("lb-1")).items()},
        "expected_version": str(version),
    }
    response = post_with_token(
        moderator, "/verwaltung/entry/lb-1", {**form, "name": "Neuer Name", "category": "Beratnug"}
    )
    assert response.status_code == 400
    page = page_text(response)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#f-category"' in summary and "Beratnug" in summary
    assert 'value="Neuer Name"' in page  # the user's input is kept
    assert 'value="Beratnug" selected' in page
    assert (
        register.entry("lb-1").version == version
        and register.entry("lb-1").properties["name"] == "Migrationsberatung Innenstadt"
    )


def test_edit_saves_and_publishes(moderator, register, tmp_path, moderator_email, post_with_token):
    entry = register.entry("lb-2")
    form = {**{k: v or "" for k, v in register.form_values(entry).items()}, "expected_version": str(entry.version)}
    response = post_with_token(moderator, "/verwaltung/entry/lb-2", {**form, "opening_hours": "Mo–Fr 9–12 Uhr"})
    assert response.status_code == 302
    saved = register.entry("lb-2")
    assert saved.version == entry.version + 1 and saved.properties["opening_hours"] == "Mo–Fr 9–12 Uhr"
    assert saved.updated_by == moderator_email
    folder = current_snapshot_dir(tmp_path)
    assert "Mo–Fr 9–12 Uhr" in (folder / OFFERS_FILE).read_text(encoding="utf-8")


def test_second_save_gets_a_conflict_page_and_nothing_is_overwritten(
    moderator, admin, register, moderator_email, admin_email, page_text, post_with_token
):
    entry = register.entry("lb-1")
    form = {**{k: v or "" for k, v in register.form_values(entry).items()}, "expected_version": str(entry.version)}
    first = post_with_token(moderator, "/verwaltung/entry/lb-1", {**form, "description": "Fassung der Redaktion"})
    assert first.status_code == 302
    second = post_with_token(admin, "/verwaltung/entry/lb-1", {**form, "description": "Fassung der Administration"})
    assert second.status_code == 409
    page = page_text(second)
    assert "Bearbeitungskonflikt" in page
    row = re.search(r'<th scope="row">Beschreibung.*?</tr>', page, re.S).group(0)
    assert '<td class="saved">Fassung der Redaktion</td>' in row
    assert '<td class="yours">Fassung der Administration</td>' in row
    assert "unterschiedlich" in row
    stored = register.entry("lb-1")
    assert stored.properties["description"] == "Fassung der Redaktion" and stored.version == entry.version + 1
    # the conflict form carries the admin's values onto the current version
    assert f'name="expected_version" value="{stored.version}"' in page
    assert ">Fassung der Administration</textarea>" in page
    resubmit = post_with_token(
        admin,
        "/verwaltung/entry/lb-1",
        {**form, "description": "Fassung der Administration", "expected_version": str(stored.version)},
        token_path="/verwaltung/queue",
    )
    assert resubmit.status_code == 302
    assert register.entry("lb-1").properties["description"] == "Fassung der Administration"
    actions = [(e.actor, e.action) for e in register.audit(entry_id="lb-1")]
    assert (moderator_email, "edit") in actions and (admin_email, "edit") in actions


def test_archive_and_restore(moderator, register, tmp_path, page_text, token_of, post_with_token):
    response = post_with_token(
        moderator,
        "/verwaltung/entry/lb-2/archive",
        {"reason": "Angebot eingestellt"},
        token_path="/verwaltung/entry/lb-2",
    )
    assert response.status_code == 302
    assert register.entry("lb-2").state == "archived"
    assert "Deutschkurs A1" not in published_names(tmp_path)
    page = page_text(moderator.get("/verwaltung/entry/lb-2"))
    assert "Wiederherstellen" in page and "Archiviert" in page
    post_with_token(moderator, "/verwaltung/entry/lb-2/restore", {}, token_path="/verwaltung/entry/lb-2")
    assert register.entry("lb-2").state == "published"
    assert "Deutschkurs A1" in published_names(tmp_path)
    assert (
        moderator.post(
            "/verwaltung/entry/nope/archive", data={"csrf_token": token_of(moderator, "/verwaltung/queue")}
        ).status_code
        == 404
    )


def test_entries_list_filters_and_searches(moderator, register, new_offer, page_text):
    register.propose(None, new_offer, actor="import", source="liste.csv", kind="new")
    page = page_text(moderator.get("/verwaltung/entries"))
    assert "Migrationsberatung Innenstadt" in page and "Sprachcafé Weststadt" in page
    pending = page_text(moderator.get("/verwaltung/entries?state=pending"))
    assert "Sprachcafé Weststadt" in pending and "Migrationsberatung Innenstadt" not in pending
    assert "Deutschkurs" in page_text(moderator.get("/verwaltung/entries?q=Deutschkurs"))


def test_audit_log_per_entry_and_actor(
    moderator, register, proposed_change, moderator_email, page_text, post_with_token
):
    path = f"/verwaltung/change/{proposed_change.id}"
    post_with_token(moderator, path + "/approve", {}, token_path=path)
    page = page_text(moderator.get("/verwaltung/audit?entry=lb-1"))
    assert "freigegeben" in page and moderator_email in page
    assert "<del>Migrationsberatung Innenstadt</del> → <ins>Migrationsberatung Neckarweihingen</ins>" in page
    assert "lb-2" not in page.split("<tbody>")[1]
    by_actor = page_text(moderator.get(f"/verwaltung/audit?actor={moderator_email}"))
    assert "freigegeben" in by_actor and "verein@example.org" not in by_actor.split("<tbody>")[1]


def test_admin_manages_accounts(admin, register, moderator_email, admin_email, page_text, post_with_token):
    page = page_text(admin.get("/verwaltung/users"))
    assert moderator_email in page and admin_email in page
    bad = post_with_token(
        admin,
        "/verwaltung/users/add",
        {"email": "neu@", "password": "kurz", "role": "moderator"},
        token_path="/verwaltung/users",
    )
    assert bad.status_code == 400
    summary = page_text(bad).split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#f-email"' in summary and 'href="#f-password"' in summary
    assert 'value="neu@"' in page_text(bad)
    ok = post_with_token(
        admin,
        "/verwaltung/users/add",
        {"email": "neu@stadt.example", "password": "ein-langes-passwort", "role": "moderator"},
        token_path="/verwaltung/users",
    )
    assert ok.status_code == 302
    assert register.authenticate("neu@stadt.example", "ein-langes-passwort") is not None
    taken = post_with_token(
        admin,
        "/verwaltung/users/add",
        {"email": "neu@stadt.example", "password": "ein-langes-passwort", "role": "admin"},
        token_path="/verwaltung/users",
    )
    assert taken.status_code == 400
    post_with_token(admin, "/verwaltung/users/disable", {"email": "neu@stadt.example"}, token_path="/verwaltung/users")
    assert not register.user("neu@stadt.example").active
    self_disable = post_with_token(
        admin, "/verwaltung/users/disable", {"email": admin_email}, token_path="/verwaltung/users"
    )
    assert self_disable.status_code == 400 and register.user(admin_email).active
    actions = [e.action for e in register.audit(actor=admin_email)]
    assert "user-add" in actions and "user-disable" in actions


def test_english_interface_keeps_its_language(server, passwords, moderator_email, page_text, token_of):
    client = server.test_client()
    page = page_text(client.get("/verwaltung/login?lang=en"))
    assert '<html lang="en"' in page and "Sign in" in page and 'action="/verwaltung/login?lang=en"' in page
    token = token_of(client, "/verwaltung/login?lang=en")
    response = client.post(
        "/verwaltung/login?lang=en",
        data={"email": moderator_email, "password": passwords[moderator_email], "csrf_token": token},
    )
    assert response.headers["Location"] == "/verwaltung/queue?lang=en"
    queue = page_text(client.get("/verwaltung/queue?lang=en"))
    assert "Moderation queue" in queue and "Prüfliste" not in queue
    assert 'href="/verwaltung/queue"' in queue  # the German link of the language switch


def test_failed_login_message_in_english(tmp_path, register, page_text, token_of, server_factory):
    client = server_factory(tmp_path, register, lockout=LoginLockout(failures=50)).test_client()
    token = token_of(client, "/verwaltung/login?lang=en")
    response = client.post(
        "/verwaltung/login?lang=en", data={"email": "x@y.de", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401 and "E-mail address or password is wrong" in page_text(response)


def test_a_failed_publish_is_reported_and_can_be_repeated(
    tmp_path, register, passwords, proposed_change, moderator_email, page_text, sign_in, server_factory, post_with_token
):
    blocked = tmp_path / "site"
    blocked.mkdir()
    (blocked / "snapshots").write_text("not a folder", encoding="utf-8")  # publishing cannot create its folder
    client = server_factory(blocked, register).test_client()
    sign_in(client, moderator_email, passwords[moderator_email])
    path = f"/verwaltung/change/{proposed_change.id}"
    response = post_with_token(client, path + "/approve", {}, token_path=path)
    assert response.status_code == 302
    assert register.change(proposed_change.id).state == "approved"  # the decision is kept
    queue = page_text(client.get("/verwaltung/queue"))
    assert "Veröffentlichung schlug fehl" in queue and "Jetzt veröffentlichen" in queue
    assert current_snapshot_dir(blocked) is None
    (blocked / "snapshots").unlink()
    again = post_with_token(client, "/verwaltung/publish", {}, token_path="/verwaltung/queue")
    assert again.status_code == 302
    assert "Veröffentlicht als Version" in page_text(client.get("/verwaltung/queue"))
    assert "Migrationsberatung Neckarweihingen" in published_names(blocked)


def test_audit_and_change_pages_use_words_not_codes(moderator, register, proposed_change, page_text, post_with_token):
    path = f"/verwaltung/change/{proposed_change.id}"
    assert "<dd>offen</dd>" in page_text(moderator.get(path))
    post_with_token(moderator, path + "/reject", {"reason": "doppelt"}, token_path=path)
    assert "<dd>abgelehnt</dd>" in page_text(moderator.get(path))
    audit = page_text(moderator.get("/verwaltung/audit?entry=lb-1&lang=en"))
    assert "<td>rejected" in audit and "<td>proposed" in audit


def test_a_proposal_that_fails_the_check_shows_its_problems_and_cannot_be_approved(
    moderator, register, tmp_path, new_offer, page_text, post_with_token
):
    item = register.propose(
        None, {**new_offer, "category": "Beratnug"}, actor="verein@example.org", source="formular", kind="new"
    )
    assert item.problems  # kept with its problems (nothing lost)
    path = f"/verwaltung/change/{item.id}"
    page = page_text(moderator.get(path))
    assert "Hinweise der Prüfung" in page and "Beratnug" in page
    refused = post_with_token(moderator, path + "/approve", {}, token_path=path)
    assert refused.status_code == 400
    assert (
        'class="error-summary"' in page_text(refused)
        and "Beratnug" in page_text(refused).split('class="error-summary"')[1]
    )
    assert register.change(item.id).state == "pending"
    assert current_snapshot_dir(tmp_path) is None  # nothing was published
    post_with_token(moderator, path + "/reject", {"reason": "Kategorie unklar, bitte neu einreichen"}, token_path=path)
    assert register.change(item.id).state == "rejected"


def test_change_page_shows_the_checks_problems_in_the_ui_language(moderator, register, page_text):
    from registry import render_problem

    change = register.propose(None, {"name": "", "category": "Beratnug"}, "public", "form", kind="new")
    errors = [p for p in change.problems if p.is_error]
    assert errors
    german = page_text(moderator.get(f"/verwaltung/change/{change.id}"))
    english = page_text(moderator.get(f"/verwaltung/change/{change.id}?lang=en"))
    for problem in errors:
        de, en = render_problem(problem, "de"), render_problem(problem, "en")
        assert de != en
        assert escape(de) in german and escape(en) in english and escape(de) not in english
