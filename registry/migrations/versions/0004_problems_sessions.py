"""Problems stored as codes; a per-account session epoch that ends other sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

``changes.problems`` held ``{field, message, severity}`` (German text); the register now
stores :meth:`etl.problems.Problem.to_dict` (``code``, ``field``, ``params``, ``severity``)
so that every reader sees them in their own language. Old rows cannot be turned back
into codes: they become a ``register_note`` problem keeping their text (what
:func:`registry.records.problem_from_stored` also reads). ``users.session_epoch`` is
raised by a sign-out or a password change; a session signed in under an older epoch
is no longer accepted.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOTE_CODE = "register_note"


def _note(problem: dict[str, Any]) -> dict[str, Any]:
    if "code" in problem:
        return problem
    params = {"text": str(problem.get("message", ""))}
    return {
        "code": NOTE_CODE,
        "field": problem.get("field"),
        "params": params,
        "severity": problem.get("severity", "error"),
    }


def _text(problem: dict[str, Any]) -> dict[str, Any]:
    from etl.problems import problem_from_dict, render

    if "code" not in problem:
        return problem
    text = problem["params"].get("text", "") if problem["code"] == NOTE_CODE else render(problem_from_dict(problem))
    return {"field": problem.get("field"), "message": str(text), "severity": problem.get("severity", "error")}


def _convert(convert: Any) -> None:
    changes = sa.table("change_sets", sa.column("id", sa.Integer), sa.column("problems", sa.JSON))
    bind = op.get_bind()
    for ident, problems in bind.execute(sa.select(changes.c.id, changes.c.problems)).all():
        new = [convert(dict(p)) for p in problems or []]
        if new != problems:
            bind.execute(changes.update().where(changes.c.id == ident).values(problems=new))


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    _convert(_note)


def downgrade() -> None:
    _convert(_text)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
