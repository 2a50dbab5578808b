"""What the register hands out: frozen dataclasses, never ORM objects.

Callers (the CLI, the staff pages) get plain values that stay valid after the
database session closed, so no SQLAlchemy object leaks out of :mod:`registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from etl.problems import Problem, problem_from_dict, render

#: Editorial states of an entry.
STATES: tuple[str, ...] = ("draft", "pending", "published", "rejected", "archived")
#: Kinds of change sets in the moderation queue ("report" comes from the public, next issue).
KINDS: tuple[str, ...] = ("new", "change", "archive", "report")
#: States of a change set.
CHANGE_STATES: tuple[str, ...] = ("pending", "approved", "rejected")
#: Staff roles.
ROLES: tuple[str, ...] = ("moderator", "admin")


#: Code of a problem stored before problems were codes (or a register note): its text is kept as ``params["text"]``.
NOTE_CODE = "register_note"


def problem_from_stored(data: Mapping[str, Any]) -> Problem:
    """A stored problem back as :class:`etl.problems.Problem`; reads both stored forms.

    Since migration 0004 problems are stored as :meth:`etl.problems.Problem.to_dict`
    (``code``, ``field``, ``params``, ``severity``). Older rows (and register notes such
    as a possible duplicate) hold ``field``, ``message``, ``severity``: they become a
    :data:`NOTE_CODE` problem whose text is shown as written.
    """
    if "code" in data:
        return problem_from_dict(data)
    return Problem(
        NOTE_CODE, data.get("field"), {"text": str(data.get("message", ""))}, str(data.get("severity", "error"))
    )


def render_problem(problem: Problem, lang: str = "de") -> str:
    """The message of ``problem`` in ``lang`` (:func:`etl.problems.render`; a register note as written)."""
    if problem.code == NOTE_CODE:
        return str(problem.params.get("text", ""))
    return render(problem, lang)


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
    session_epoch: int = 0  # a session signed in under an older epoch is over (sign-out, password change)
