"""Migrations: from an empty database and from the first revision, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from geodata.io import dumps_features
from geodata.schema import complete_properties
from registry import Register, db
from registry.models import Base


def test_upgrade_from_empty_matches_the_models(database_url: str, data_dir) -> None:
    with Register.open(database_url, data_dir) as register:
        assert register.revision() is None
        register.upgrade()
        assert register.revision() == db.head_revision(register.engine) and register.is_current()
        tables = set(inspect(register.engine).get_table_names())
        assert {"entries", "change_sets", "audit_events", "users", "register_meta"} <= tables
        with register.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        register.upgrade()  # idempotent
        assert register.is_current()


def test_upgrade_from_the_first_revision_keeps_data(database_url: str, data_dir) -> None:
    with Register.open(database_url, data_dir) as register:
        db.upgrade(register.engine, "0001")
        assert register.revision() == "0001"
        assert "register_meta" not in inspect(register.engine).get_table_names()
        with register.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (email, role, password_hash, active, created_at) "
                    "VALUES ('a@stadt.de', 'admin', 'x', true, :at)"
                ),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            props = complete_properties(
                {
                    "id": "x1",
                    "name": "Alt",
                    "category": "sports",
                    "geocode_source": "input",
                    "geocode_precision": "input",
                    "accessibility": "unknown",
                }
            )
            conn.execute(
                text(
                    "INSERT INTO entries (id, name, category, state, version, position, properties, lon, lat, "
                    "created_at, updated_at, updated_by) VALUES ('x1', 'Alt', 'sports', 'published', 1, 1, "
                    ":props, 9.19, 48.9, :at, :at, 'old')"
                ),
                {"props": json.dumps(props), "at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        register.upgrade()
        assert register.is_current()
        assert [u.email for u in register.users()] == ["a@stadt.de"]
        assert register.meta("districts") is None
        entry = register.entry("x1")
        assert entry is not None and entry.properties == props and (entry.lon, entry.lat) == (9.19, 48.9)
        expected = dumps_features([entry.feature()])  # the line publishing will write
        assert register.published_lines() == [expected.split("\n")[1]]


def test_0004_turns_stored_problems_into_codes_and_back(database_url: str, data_dir) -> None:
    from alembic import command

    from registry.records import NOTE_CODE

    old = [{"field": "name", "message": "Name fehlt", "severity": "error"}]
    with Register.open(database_url, data_dir) as register:
        db.upgrade(register.engine, "0003")
        with register.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO change_sets (kind, state, proposed, problems, reason, source, created_at, created_by) "
                    "VALUES ('new', 'pending', :proposed, :problems, '', 'form', :at, 'public')"
                ),
                {
                    "proposed": json.dumps({"name": ""}),
                    "problems": json.dumps(old),
                    "at": datetime(2026, 1, 1, tzinfo=UTC),
                },
            )
        db.upgrade(register.engine, "0004")
        (change,) = register.queue()
        (problem,) = change.problems
        assert (problem.code, problem.field, problem.severity, dict(problem.params)) == (
            NOTE_CODE,
            "name",
            "error",
            {"text": "Name fehlt"},
        )
        with register.engine.connect() as conn:
            stored = conn.execute(text("SELECT problems FROM change_sets")).scalar_one()
        stored = json.loads(stored) if isinstance(stored, str) else stored
        assert stored[0]["code"] == NOTE_CODE and "message" not in stored[0]
        command.downgrade(db.alembic_config(register.engine), "0003")
        with register.engine.connect() as conn:
            back = conn.execute(text("SELECT problems FROM change_sets")).scalar_one()
        assert (json.loads(back) if isinstance(back, str) else back) == old
        assert "session_epoch" not in {c["name"] for c in inspect(register.engine).get_columns("users")}
