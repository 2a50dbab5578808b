"""What the register hands out: frozen dataclasses, never ORM objects.

Callers (the CLI, the staff pages) get plain values that stay valid after the
database session closed, so no SQLAlchemy object leaks out of :mod:`registry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Editorial states of an entry.
STATES: tuple[str, ...] = ("draft", "pending", "published", "rejected", "archived")
#: Kinds of change sets in the moderation queue ("report" comes from the public, next issue).
KINDS: tuple[str, ...] = ("new", "change", "archive", "report")
#: States of a change set.
CHANGE_STATES: tuple[str, ...] = ("pending", "approved", "rejected")
#: Staff roles.
ROLES: tuple[str, ...] = ("moderator", "admin")


@dataclass(frozen=True)
class Problem:
    """One finding of the per-record check.

    ``field`` is the contract field it concerns (None for the whole record),
    ``message`` the German text a clerk can act on, ``severity`` ``error`` (the
    record cannot be stored) or ``warning`` (fixed or dropped, record kept).
    """

    field: str | None
    message: str
    severity: str = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "severity": self.severity}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(data.get("field"), str(data.get("message", "")), str(data.get("severity", "error")))


@dataclass(frozen=True)
class Entry:
    """An offer of the contract (``properties``, ``lon``/``lat`` in EPSG:4326) plus its editorial state."""

    id: str
    state: str
    version: int
    properties: dict[str, Any]
    lon: float
    lat: float
    created_at: datetime
    updated_at: datetime
    updated_by: str

    @property
    def name(self) -> str:
        return str(self.properties.get("name") or "")

    def feature(self) -> dict[str, Any]:
        """The entry as a contract GeoJSON feature."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": dict(self.properties),
        }


@dataclass(frozen=True)
class ChangeItem:
    """A change set: a proposed new entry, change, archiving or (later) a public report.

    ``proposed`` holds the values as submitted (contract field -> text);
    ``feature`` the checked contract feature (None when the check found errors);
    ``problems`` every finding of the check.
    """

    id: int
    entry_id: str | None
    kind: str
    state: str
    proposed: dict[str, Any]
    problems: tuple[Problem, ...]
    base_version: int | None
    reason: str
    created_at: datetime
    created_by: str
    source: str
    feature: dict[str, Any] | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None

    @property
    def ok(self) -> bool:
        """True when the proposal passed the check (it can be approved)."""
        return self.feature is not None and not any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True)
class FieldDiff:
    """One field of a change: the published value and the proposed one (as display text)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditEvent:
    """One recorded action: who, when, what, on which entry/change, fields as ``{name: [before, after]}``."""

    id: int
    at: datetime
    actor: str
    action: str
    entry_id: str | None
    change_id: int | None
    fields: dict[str, list[Any]] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class User:
    """A staff account (the password hash never leaves the register)."""

    id: int
    email: str
    role: str
    active: bool
    created_at: datetime
