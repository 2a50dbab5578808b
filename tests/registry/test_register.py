"""Register operations on SQLite and PostgreSQL: moderation, locking, audit, accounts."""

from __future__ import annotations

import pytest

from etl.problems import CODES
from registry import EditConflict, RecordInvalid, Register, RegisterError, UnknownEntry, render_problem

STAFF = "moderator@stadt.de"


def test_import_with_apply_publishes_in_file_order(register: Register) -> None:
    entries = register.entries(state="published")
    assert [e.id for e in entries] == ["a1", "a2", "a3"]
    a1 = register.entry("a1")
    assert a1 is not None and a1.version == 1 and a1.properties["category"] == "language_cafe"
    assert a1.properties["languages"] == ["tr", "de"] and a1.properties["district_id"] == "west"
    assert (a1.lon, a1.lat) == (9.185, 48.895)
    assert register.queue() == [] and register.queue_counts() == {"new": 0, "change": 0, "archive": 0, "report": 0}


def test_propose_change_diff_and_approve(register: Register) -> None:
    a2 = register.entry("a2")
    assert a2 is not None
    values = {**register.form_values(a2), "name": "Migrationsberatung Ost", "languages": "Englisch, Russisch"}
    change = register.propose("a2", values, STAFF, "verwaltung")
    assert change.ok and change.kind == "change" and change.base_version == a2.version
    assert register.queue_counts()["change"] == 1
    diffs = {d.field: (d.before, d.after) for d in register.diff(change.id)}
    assert diffs == {"name": ("Beratung Ost", "Migrationsberatung Ost"), "languages": ("en", "en, ru")}
    entry = register.approve(change.id, STAFF)
    assert entry.name == "Migrationsberatung Ost" and entry.version == a2.version + 1 and entry.updated_by == STAFF
    assert register.queue() == []
    decided = register.change(change.id)
    assert decided is not None and decided.state == "approved" and decided.decided_by == STAFF
    with pytest.raises(RegisterError, match="already approved"):
        register.approve(change.id, STAFF)


def test_new_proposal_waits_as_pending_and_reject_keeps_reason(register: Register) -> None:
    values = {
        "name": "Neues Angebot",
        "category": "Sport",
        "street": "Marktplatz",
        "house_number": "2",
        "postal_code": "71634",
        "lat": "48,897",
        "lon": "9,192",
    }
    change = register.propose(None, values, "public", "formular", kind="new")
    assert change.ok and change.entry_id is not None
    pending = register.entry(change.entry_id)
    assert pending is not None and pending.state == "pending"
    assert {d.field for d in register.diff(change.id)} >= {"name", "category"}
    with pytest.raises(ValueError, match="reason"):
        register.reject(change.id, STAFF, "  ")
    rejected = register.reject(change.id, STAFF, "gibt es schon als a1")
    assert rejected.state == "rejected" and rejected.reason == "gibt es schon als a1"
    assert register.entry(change.entry_id).state == "rejected"  # type: ignore[union-attr]
    assert [e.action for e in register.audit(entry_id=change.entry_id)] == ["reject", "propose"]


def test_invalid_proposal_is_kept_with_problems_and_cannot_be_approved(register: Register) -> None:
    change = register.propose(
        None, {"name": "", "category": "Beratnug", "postal_code": "71634"}, "public", "formular", kind="new"
    )
    assert not change.ok and change.entry_id is None
    errors = [p for p in change.problems if p.severity == "error"]
    assert any(p.field == "name" for p in errors) and any("Beratung" in render_problem(p, "de") for p in errors)
    assert all(p.code in CODES for p in change.problems)  # codes, rendered in the reader's language
    english = [render_problem(p, "en") for p in errors]
    assert english != [render_problem(p, "de") for p in errors] and any("Beratung" in t for t in english)
    assert register.queue(kind="new")[0].id == change.id  # nothing lost: it is in the queue
    with pytest.raises(RecordInvalid) as info:
        register.approve(change.id, STAFF)
    assert info.value.problems


def test_edit_checks_and_bumps_version(register: Register) -> None:
    a1 = register.entry("a1")
    assert a1 is not None
    edited = register.edit("a1", {**register.form_values(a1), "url": "www.verein-a.de"}, STAFF, a1.version)
    assert edited.properties["url"] == "https://www.verein-a.de" and edited.version == a1.version + 1
    with pytest.raises(RecordInvalid) as info:
        register.edit("a1", {**register.form_values(edited), "category": ""}, STAFF, edited.version)
    assert any(p.field == "category" for p in info.value.problems)
    assert register.entry("a1") == edited  # nothing stored


def test_second_save_of_the_same_version_is_a_conflict(register: Register) -> None:
    a3 = register.entry("a3")
    assert a3 is not None
    first = {**register.form_values(a3), "name": "Frauentreff (Anna)"}
    second = {**register.form_values(a3), "name": "Frauentreff (Berta)"}
    saved = register.edit("a3", first, "anna@stadt.de", a3.version)
    with pytest.raises(EditConflict) as info:
        register.edit("a3", second, "berta@stadt.de", a3.version)
    conflict = info.value
    assert conflict.current == saved and conflict.current.updated_by == "anna@stadt.de"
    assert conflict.yours["name"] == "Frauentreff (Berta)" and conflict.expected_version == a3.version
    assert register.entry("a3").name == "Frauentreff (Anna)"  # type: ignore[union-attr]


def test_approving_a_stale_change_is_a_conflict(register: Register) -> None:
    a1 = register.entry("a1")
    assert a1 is not None
    change = register.propose("a1", {**register.form_values(a1), "name": "Alt"}, "public", "formular")
    register.edit("a1", {**register.form_values(a1), "name": "Neu"}, STAFF, a1.version)
    with pytest.raises(EditConflict):
        register.approve(change.id, STAFF)
    assert register.change(change.id).state == "pending"  # type: ignore[union-attr]


def test_archive_restore_and_audit_contents(register: Register) -> None:
    a1 = register.entry("a1")
    assert a1 is not None
    register.edit("a1", {**register.form_values(a1), "name": "Sprachcafé Weststadt"}, STAFF, a1.version)
    archived = register.archive("a1", STAFF, "Angebot eingestellt")
    assert archived.state == "archived"
    assert [e.id for e in register.entries(state="published")] == ["a2", "a3"]
    restored = register.restore("a1", "admin@stadt.de")
    assert restored.state == "published" and restored.version == a1.version + 3
    events = register.audit(entry_id="a1")
    assert [e.action for e in events] == ["restore", "archive", "edit", "import-new"]
    restore, archive, edit = events[0], events[1], events[2]
    assert restore.actor == "admin@stadt.de" and restore.fields == {"state": ["archived", "published"]}
    assert archive.note == "Angebot eingestellt" and archive.actor == STAFF
    assert edit.fields == {"name": ["Sprachcafé West", "Sprachcafé Weststadt"]}
    assert edit.at.tzinfo is not None and edit.at <= restore.at
    assert {e.action for e in register.audit(actor="admin@stadt.de")} == {"restore"}
    with pytest.raises(UnknownEntry):
        register.archive("nope", STAFF)


def test_queue_filters_and_search(register: Register) -> None:
    for ident in ("a1", "a2"):
        entry = register.entry(ident)
        assert entry is not None
        register.propose(ident, {**register.form_values(entry), "description": "neu"}, "public", "formular")
    a3 = register.entry("a3")
    assert a3 is not None
    register.propose("a3", {"reason": "gibt es nicht mehr"}, "public", "formular", kind="archive")
    assert register.queue_counts() == {"new": 0, "change": 2, "archive": 1, "report": 0}
    assert [c.entry_id for c in register.queue(kind="change")] == ["a1", "a2"]
    assert [c.entry_id for c in register.queue(q="beratung")] == ["a2"]
    assert [c.entry_id for c in register.queue(limit=1, offset=1)] == ["a2"]
    archive = register.queue(kind="archive")[0]
    assert archive.reason == "gibt es nicht mehr"
    assert register.approve(archive.id, STAFF).state == "archived"
    with pytest.raises(ValueError, match="unknown kind"):
        register.queue(kind="bogus")


def test_accounts_hash_authenticate_disable(empty_register: Register) -> None:
    register = empty_register
    user = register.add_user("Anna@Stadt.de ", "richtig-langes-passwort", role="admin")
    assert user.email == "anna@stadt.de" and user.role == "admin" and user.active
    assert register.authenticate("anna@stadt.de", "richtig-langes-passwort") == user
    assert register.authenticate("anna@stadt.de", "falsch-falsch-falsch") is None
    assert register.authenticate("nobody@stadt.de", "richtig-langes-passwort") is None
    with pytest.raises(ValueError, match="exists already"):
        register.add_user("anna@stadt.de", "noch-ein-passwort-123")
    with pytest.raises(ValueError, match="at least 12"):
        register.add_user("kurz@stadt.de", "kurz")
    with pytest.raises(ValueError, match="unknown role"):
        register.add_user("b@stadt.de", "richtig-langes-passwort", role="root")
    register.set_password("anna@stadt.de", "ein-anderes-passwort")
    assert register.authenticate("anna@stadt.de", "ein-anderes-passwort") is not None
    assert register.disable_user("anna@stadt.de").active is False
    assert register.authenticate("anna@stadt.de", "ein-anderes-passwort") is None
    assert [u.email for u in register.users()] == ["anna@stadt.de"]
    with pytest.raises(UnknownEntry):
        register.disable_user("nobody@stadt.de")
    from sqlalchemy import text

    with register.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "passwort" not in stored


def test_stored_problems_of_both_forms_are_read() -> None:
    from registry.records import NOTE_CODE, problem_from_stored

    coded = problem_from_stored({"code": "name_missing", "field": "name", "params": {}, "severity": "error"})
    assert (
        coded.code == "name_missing" and coded.is_error and render_problem(coded, "en") != render_problem(coded, "de")
    )
    old = problem_from_stored({"field": "name", "message": "Mögliches Duplikat von x", "severity": "warning"})
    assert (old.code, old.field, old.severity) == (NOTE_CODE, "name", "warning")
    assert render_problem(old, "en") == "Mögliches Duplikat von x"


def test_queue_search_matches_a_proposed_name(register: Register) -> None:
    change = register.propose(
        None, {"name": "Teestube Größenwahn", "category": "Beratnug"}, "public", "form", kind="new"
    )
    assert change.entry_id is None  # not placed: only the proposal carries the name
    assert [c.id for c in register.queue(q="größenwahn")] == [change.id] or [
        c.id for c in register.queue(q="Größenwahn")
    ] == [change.id]
    assert register.queue(q="Kein Treffer xyz") == []


def test_password_change_and_end_sessions_raise_the_session_epoch(register: Register) -> None:
    user = register.add_user("epoch@stadt.de", "ein-langes-Passwort-1")
    assert user.session_epoch == 0
    assert register.set_password("epoch@stadt.de", "ein-anderes-Passwort-2").session_epoch == 1
    assert register.end_sessions("epoch@stadt.de").session_epoch == 2
    assert register.user("epoch@stadt.de").session_epoch == 2


def test_open_honours_the_config_database_url_below_env_and_argument(tmp_path, monkeypatch) -> None:
    from etl.config import CityConfig, config_from_mapping
    from etl.errors import ConfigError

    monkeypatch.delenv("STADTKARTE_DATABASE_URL", raising=False)
    configured = config_from_mapping(
        {"city": {"name": "X"}, "database": {"url": f"sqlite:///{tmp_path / 'cfg.sqlite'}"}}
    )
    assert configured.database_url == f"sqlite:///{tmp_path / 'cfg.sqlite'}"
    with Register.open(None, tmp_path / "data", configured) as register:
        assert register.url == configured.database_url
    with Register.open(None, tmp_path / "data", CityConfig()) as register:
        assert register.url == f"sqlite:///{tmp_path / 'data' / 'register.sqlite'}"
    monkeypatch.setenv("STADTKARTE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    with Register.open(None, tmp_path / "data", configured) as register:
        assert register.url.endswith("env.sqlite")
    with Register.open(f"sqlite:///{tmp_path / 'arg.sqlite'}", tmp_path / "data", configured) as register:
        assert register.url.endswith("arg.sqlite")
    with pytest.raises(ConfigError, match=r"\[database\] url"):
        config_from_mapping({"database": {"url": 5}})
    with pytest.raises(ConfigError, match="unknown key"):
        config_from_mapping({"database": {"uri": "x"}})
