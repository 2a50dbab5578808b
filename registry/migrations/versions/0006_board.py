"""The network's exchange board: ``board_posts`` (issue 10).

Revision ID: 0006
Revises: 0003 (becomes 0005 when merged after the migrations 0004 and 0005)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "board_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("languages", json_type, nullable=False),
        sa.Column("target_groups", json_type, nullable=False),
        sa.Column("district_id", sa.String(length=64), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("location_visibility", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("organization", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_board_posts_state_kind", "board_posts", ["state", "kind"])
    op.create_index("ix_board_posts_topic", "board_posts", ["topic"])
    op.create_index("ix_board_posts_state", "board_posts", ["state"])
    op.create_index("ix_board_posts_district_id", "board_posts", ["district_id"])


def downgrade() -> None:
    op.drop_table("board_posts")
