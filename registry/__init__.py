"""The offer register: a database of offers with editorial state, moderation, audit log and publishing.

SQLAlchemy stays inside this package; callers use :class:`Register` and the
frozen dataclasses of :mod:`registry.records`.
"""

from __future__ import annotations

from registry.errors import EditConflict, RecordInvalid, RegisterError, UnknownEntry
from registry.records import (
    KINDS,
    ROLES,
    STATES,
    AuditEvent,
    ChangeItem,
    Entry,
    FieldDiff,
    Problem,
    User,
    render_problem,
)
from registry.register import Register

__all__ = [
    "KINDS",
    "ROLES",
    "STATES",
    "AuditEvent",
    "ChangeItem",
    "EditConflict",
    "Entry",
    "FieldDiff",
    "Problem",
    "RecordInvalid",
    "Register",
    "RegisterError",
    "UnknownEntry",
    "User",
    "render_problem",
]
