"""Initial tables: entries, change sets, audit events, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Generated with Alembic's autogenerate, then reviewed: the JSON columns get
``sa.Text()`` (autogenerate wrote a bare ``Text()``), the meta table moved to 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_actor", "audit_events", ["actor"])
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_entry_id", "audit_events", ["entry_id"])

    op.create_table(
        "entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("district_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("properties", _json(), nullable=False),
        # Location in EPSG:4326 degrees. A PostGIS deployment adds a GeoAlchemy2
        # Geometry("POINT", srid=4326) column here in a later, PostgreSQL-only migration.
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entries_category", "entries", ["category"])
    op.create_index("ix_entries_district_id", "entries", ["district_id"])
    op.create_index("ix_entries_position", "entries", ["position"])
    op.create_index("ix_entries_state", "entries", ["state"])

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )

    op.create_table(
        "change_sets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("proposed", _json(), nullable=False),
        sa.Column("feature", _json(), nullable=True),
        sa.Column("problems", _json(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_sets_entry_id", "change_sets", ["entry_id"])
    op.create_index("ix_change_sets_state_kind", "change_sets", ["state", "kind"])


def downgrade() -> None:
    op.drop_index("ix_change_sets_state_kind", table_name="change_sets")
    op.drop_index("ix_change_sets_entry_id", table_name="change_sets")
    op.drop_table("change_sets")
    op.drop_table("users")
    for name in ("state", "position", "district_id", "category"):
        op.drop_index(f"ix_entries_{name}", table_name="entries")
    op.drop_table("entries")
    for name in ("entry_id", "at", "actor"):
        op.drop_index(f"ix_audit_events_{name}", table_name="audit_events")
    op.drop_table("audit_events")
