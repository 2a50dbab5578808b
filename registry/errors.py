"""Semantic exceptions of the register.

Each subclasses a builtin, so callers that do not know this package still catch
them; messages name the value and the fix. The command line turns them into one
line on stderr and exit code 2 (1 for :class:`RegisterError` that is not a usage error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from registry.records import render_problem

if TYPE_CHECKING:
    from registry.records import Entry, Problem


class RegisterError(RuntimeError):
    """The register cannot do what was asked (e.g. a database that is not reachable)."""


class EditConflict(RegisterError):
    """The entry moved on since the editor loaded it (optimistic locking on ``version``).

    ``current`` is the entry as stored now, ``yours`` the values that were not saved.
    """

    def __init__(self, current: Entry, yours: Mapping[str, Any], expected_version: int) -> None:
        self.current = current
        self.yours = dict(yours)
        self.expected_version = expected_version
        super().__init__(
            f"entry {current.id} was changed by {current.updated_by or 'someone else'} "
            f"(version {current.version}, you edited version {expected_version}): "
            "compare both versions and save again"
        )


class RecordInvalid(ValueError):
    """A record fails the per-record check; nothing was stored. ``problems`` lists every error."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        text = "; ".join(render_problem(p, "en") for p in self.problems if p.is_error) or "invalid record"
        super().__init__(f"the record is not valid: {text}")


class UnknownEntry(KeyError):
    """No entry, change set or user with this key exists."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else "unknown key"


class RegisterNotEmpty(RegisterError, ValueError):
    """``restore`` was asked to load a backup into a register that already holds data."""


class BackupFormatError(ValueError):
    """A backup file is not a register export this version can read."""
