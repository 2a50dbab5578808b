"""The board's posting form, contacts and closing: ``board_post_details``, ``board_contacts`` (issue 10).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Existing posts get a detail row; one that is public now (or was closed) counts as
published when it was created (the import publishes at once).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_post_details",
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("board_posts.id"), primary_key=True),
        sa.Column("contact_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("contact_name_public", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("lang", sa.String(8), nullable=False, server_default="de"),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("helped", sa.String(16), nullable=True),
        sa.Column("helped_post_id", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_board_post_details_published_at", "board_post_details", ["published_at"])
    op.create_index("ix_board_post_details_closed_at", "board_post_details", ["closed_at"])
    op.create_table(
        "board_contacts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("board_posts.id"), nullable=False),
        sa.Column("match_post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
    )
    op.create_index("ix_board_contacts_post_id", "board_contacts", ["post_id"])
    op.create_index("ix_board_contacts_created_at", "board_contacts", ["created_at"])
    op.execute(
        "INSERT INTO board_post_details (post_id, contact_name, contact_name_public, lang, published_at, reject_reason) "
        "SELECT id, '', false, 'de', CASE WHEN state IN ('published', 'closed') THEN created_at END, '' "
        "FROM board_posts"
    )


def downgrade() -> None:
    op.drop_table("board_contacts")
    op.drop_table("board_post_details")
