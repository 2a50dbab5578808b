"""Entries keep their published line (``feature_json``) so that publishing joins stored lines.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Existing entries are filled from their properties and location, serialised exactly as
``geodata.io.dumps_features`` writes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from registry._etl import feature_line

    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("feature_json", sa.Text(), nullable=True))
    entries = sa.table(
        "entries",
        sa.column("id", sa.String),
        sa.column("properties", sa.JSON),
        sa.column("lon", sa.Float),
        sa.column("lat", sa.Float),
        sa.column("feature_json", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(entries.c.id, entries.c.properties, entries.c.lon, entries.c.lat)).all()
    for ident, props, lon, lat in rows:
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
        bind.execute(entries.update().where(entries.c.id == ident).values(feature_json=feature_line(feature)))
    with op.batch_alter_table("entries") as batch:
        batch.alter_column("feature_json", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("feature_json")
