"""Pure helpers of the staff pages: form fields, values, errors, paging, safe redirects.

Nothing here touches the request, the session or the register; the views pass plain
values in and render what comes out, so every rule is testable without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

#: The offer fields a staff member edits, in form order (the ETL's input columns;
#: ``id`` is fixed, the location fields are derived by the register's check).
FORM_FIELDS: tuple[str, ...] = (
    "name",
    "organization",
    "category",
    "subcategories",
    "languages",
    "target_groups",
    "description",
    "street",
    "house_number",
    "postal_code",
    "city",
    "district",
    "lat",
    "lon",
    "phone",
    "email",
    "url",
    "opening_hours",
    "accessibility",
    "accessibility_details",
    "last_verified",
    "demo",
    "location_visibility",
    "listed",
)
MULTILINE_FIELDS: frozenset[str] = frozenset({"description", "opening_hours", "accessibility_details"})
#: Values of the accessibility select (as the per-record check reads them) and their label keys.
ACCESSIBILITY_CHOICES: tuple[tuple[str, str], ...] = (("", "unknown"), ("ja", "yes"), ("nein", "no"))
ROLES: tuple[str, ...] = ("moderator", "admin")
QUEUE_KINDS: tuple[str, ...] = ("new", "change", "archive", "report")
ENTRY_STATES: tuple[str, ...] = ("draft", "pending", "published", "rejected", "archived")
MIN_PASSWORD_LENGTH = 12
MAX_FIELD_LENGTH = 5000
_EMAIL = re.compile(r"^[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class FieldError:
    """One problem of a form: the field it belongs to (``None`` = the whole form) and the message."""

    field: str | None
    message: str


@dataclass(frozen=True)
class Page:
    """A page of a list: its items, its offset and whether more follow."""

    items: tuple[Any, ...]
    offset: int
    limit: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        """True when the list does not start at this page."""
        return self.offset > 0

    @property
    def previous_offset(self) -> int:
        """Offset of the previous page (0 at the start)."""
        return max(0, self.offset - self.limit)

    @property
    def next_offset(self) -> int:
        """Offset of the next page."""
        return self.offset + self.limit


def make_page(fetched: Sequence[Any], offset: int, limit: int) -> Page:
    """A :class:`Page` from ``limit + 1`` fetched items (the extra one only says that more follow)."""
    return Page(tuple(fetched[:limit]), offset, limit, len(fetched) > limit)


def parse_offset(text: str | None) -> int:
    """A non-negative paging offset from a query parameter (0 for anything else)."""
    try:
        value = int(text or 0)
    except ValueError:
        return 0
    return max(0, value)


def choose(value: str | None, allowed: Iterable[str]) -> str | None:
    """``value`` when it is one of ``allowed``, else ``None`` (unknown filters are ignored)."""
    return value if value in set(allowed) else None


def clean_query(text: str | None, max_length: int = 200) -> str | None:
    """A search text stripped and cut to ``max_length`` characters; ``None`` when empty."""
    text = (text or "").strip()[:max_length]
    return text or None


def display_value(value: Any) -> str:
    """A contract value as staff read it: lists joined by ", ", booleans ja/nein-neutral, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def form_values(form: Mapping[str, str]) -> dict[str, str | None]:
    """The contract values posted by the edit form (stripped, cut to a sane length; empty -> None)."""
    values: dict[str, str | None] = {}
    for name in FORM_FIELDS:
        text = str(form.get(name, "") or "").replace("\r\n", "\n").strip()[:MAX_FIELD_LENGTH]
        values[name] = text or None
    return values


def form_text(values: Mapping[str, str | None]) -> dict[str, str]:
    """Values as the form shows them (``None`` -> ``""``): an entry's, or the user's input kept after an error."""
    return {name: values.get(name) or "" for name in FORM_FIELDS}


def problem_errors(problems: Iterable[Any], render: Any, lang: str) -> list[FieldError]:
    """Form errors from the register's problems (``Problem(code, field, params, severity)``).

    ``render(problem, lang)`` makes the message. A problem of a field the form does not show
    (e.g. ``geocode_source``: the address could not be located) is attached to the address.
    Only errors are listed; warnings were fixed by the check and are not the user's to fix.
    """
    errors = []
    for problem in problems:
        if str(getattr(problem, "severity", "error")) not in ("error", "reject"):
            continue
        field = getattr(problem, "field", None)
        if field == "district_name":
            field = "district"
        if field not in FORM_FIELDS:
            field = "street" if field in ("geocode_source", "geocode_precision", "location", None) else None
        errors.append(FieldError(field, render(problem, lang)))
    return errors


def errors_by_field(errors: Iterable[FieldError]) -> dict[str, list[str]]:
    """Messages per field, for the message shown at each field."""
    out: dict[str, list[str]] = {}
    for error in errors:
        if error.field:
            out.setdefault(error.field, []).append(error.message)
    return out


def is_valid_email(text: str) -> bool:
    """True for a plausible e-mail address (one ``@``, a dot in the domain, no spaces)."""
    return bool(_EMAIL.match(text))


def user_form_errors(email: str, password: str, role: str, t: Any) -> list[FieldError]:
    """Problems of the add-account form, in the user's language (empty list = fine)."""
    errors = []
    if not is_valid_email(email):
        errors.append(FieldError("email", t("email_invalid")))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", t("password_short", n=MIN_PASSWORD_LENGTH)))
    if role not in ROLES:
        errors.append(FieldError("role", t("role_invalid")))
    return errors


def safe_next(target: str | None, prefix: str, default: str) -> str:
    """``target`` when it is a local path below ``prefix`` (no scheme, no host), else ``default``.

    Prevents the login page from becoming an open redirect (``?next=https://evil.example``).
    """
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or "\\" in target:
        return default
    if not (parts.path == prefix or parts.path.startswith(prefix + "/")):
        return default
    return target


def conflict_rows(current: Mapping[str, str], yours: Mapping[str, str]) -> list[tuple[str, str, str, bool]]:
    """``(field, saved text, your text, differs)`` for every form field of a conflict page."""
    return [
        (name, current.get(name, ""), yours.get(name, ""), current.get(name, "") != yours.get(name, ""))
        for name in FORM_FIELDS
    ]
