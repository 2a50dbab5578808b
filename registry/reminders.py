"""Freshness: reminders to entries' contacts, "still valid" in one click, unconfirmed entries.

``stadtkarte remind`` runs :func:`run_reminders` daily (cron or a systemd timer, see the
README). A reminder is keyed by (entry, the ``last_verified`` it is about), so running
twice sends nothing twice. Each reminder is recorded as ``queued`` in its own
transaction *before* the message goes out and marked ``sent`` (or ``failed``) after:
after a crash between the two the row stays ``queued`` and is not sent again (it is
reported, so a clerk can look); nothing already sent is resent.

``[freshness]`` keys: ``remind_after_months`` (12), ``answer_within_days`` (30),
``retention_months`` (submitter e-mails of archived entries; 24).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.models import EntryRow, ReminderRow

if TYPE_CHECKING:
    from registry.register import Register

logger = logging.getLogger(__name__)

MONTH_DAYS = 30


class FreshnessConfigError(ValueError):
    """The ``[freshness]`` table of the city config is unusable."""


@dataclass(frozen=True)
class FreshnessSettings:
    """When entries are due and how long an answer may take."""

    remind_after_months: int = 12
    answer_within_days: int = 30
    retention_months: int = 24


def freshness_settings(table: Mapping[str, Any] | None) -> FreshnessSettings:
    """Parse ``[freshness]`` (empty: the defaults); FreshnessConfigError for non-positive numbers."""
    table = dict(table or {})
    values = {}
    for name in ("remind_after_months", "answer_within_days", "retention_months"):
        if name in table:
            value = table[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise FreshnessConfigError(f"[freshness] {name} must be a whole number of at least 1, not {value!r}")
            values[name] = value
    return FreshnessSettings(**values)


@dataclass(frozen=True)
class RemindReport:
    """What one run did (entry ids)."""

    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    no_contact: tuple[str, ...] = ()
    expired: tuple[str, ...] = ()
    stuck: tuple[str, ...] = field(default=())
    #: The SMTP server refused the recipient at send time.
    bounced: tuple[str, ...] = ()


def verified_date(properties: Mapping[str, Any], fallback: datetime) -> date:
    """``last_verified`` as a date; an entry without one counts from ``fallback`` (its creation)."""
    text = str(properties.get("last_verified") or "")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return fallback.date()


def is_due(verified: date, today: date, months: int) -> bool:
    """True when ``verified`` is more than ``months`` months (30 days each) before ``today``."""
    return (today - verified).days > months * MONTH_DAYS


def _due(register: Register, settings: FreshnessSettings, at: datetime) -> list[tuple[str, str, str]]:
    """``(entry id, name, last_verified as ISO date)`` of published entries due for a reminder."""
    with register._tx() as s:
        rows = s.execute(
            select(EntryRow.id, EntryRow.properties, EntryRow.created_at).where(EntryRow.state == "published")
        )
        out = []
        for ident, props, created in rows:
            verified = verified_date(props, created)
            if is_due(verified, at.date(), settings.remind_after_months):
                out.append((str(ident), str(props.get("name") or ""), verified.isoformat()))
        return out


def _record(register: Register, entry_id: str, verified: str, at: datetime, recipient: str | None) -> int | None:
    """Record a queued reminder to ``recipient``; None when one exists already for this (entry, last_verified)."""
    try:
        with register._tx() as s:
            if s.scalars(
                select(ReminderRow.id).where(ReminderRow.entry_id == entry_id, ReminderRow.verified == verified)
            ).first():
                return None
            row = ReminderRow(
                entry_id=entry_id, verified=verified, state="queued", created_at=at, note="", recipient=recipient
            )
            s.add(row)
            s.flush()
            return int(row.id)
    except IntegrityError:
        return None


def _mark(register: Register, reminder_id: int, state: str, at: datetime, note: str = "") -> None:
    with register._tx() as s:
        row = s.get(ReminderRow, reminder_id)
        if row is not None:
            row.state, row.note = state, note[:500]
            if state == "sent":
                row.sent_at = at
            elif state == "bounced":
                row.bounced_at = at


Sender = Callable[[str, str, str, str, str], EmailMessage | None]


def run_reminders(register: Register, settings: FreshnessSettings, send: Sender, at: datetime) -> RemindReport:
    """Send every due reminder once and expire unanswered ones.

    ``send(entry_id, name, verified, to, lang)`` composes and delivers one message
    (raising :class:`registry.mail.MailSendError` on failure).
    """
    from registry.mail import MailBounced, MailSendError
    from registry.submissions import entry_contact

    sent, failed, no_contact, bounced = [], [], [], []
    for entry_id, name, verified in _due(register, settings, at):
        contact = entry_contact(register, entry_id)
        if contact is None:
            entry = register.entry(entry_id)
            organisational = str((entry.properties.get("email") if entry else "") or "")
            contact = (organisational, "de") if organisational else None
        reminder = _record(register, entry_id, verified, at, contact[0] if contact else None)
        if reminder is None:
            continue
        if contact is None:
            _mark(register, reminder, "failed", at, "no contact e-mail")
            no_contact.append(entry_id)
            continue
        try:
            send(entry_id, name, verified, contact[0], contact[1])
        except MailBounced as exc:  # the server refused the address: staff see it as bounced
            _mark(register, reminder, "bounced", at, exc.reply)
            bounced.append(entry_id)
            continue
        except MailSendError as exc:
            _mark(register, reminder, "failed", at, str(exc))
            failed.append(entry_id)
            continue
        _mark(register, reminder, "sent", at)
        sent.append(entry_id)
    expired = expire_unanswered(register, settings, at)
    with register._tx() as s:
        stuck = s.scalars(select(ReminderRow.entry_id).where(ReminderRow.state == "queued")).all()
    logger.info(
        "reminders: %d sent, %d bounced, %d failed, %d without contact, %d expired",
        len(sent),
        len(bounced),
        len(failed),
        len(no_contact),
        len(expired),
    )
    return RemindReport(
        tuple(sent), tuple(failed), tuple(no_contact), tuple(expired), tuple(stuck), bounced=tuple(bounced)
    )


def expire_unanswered(register: Register, settings: FreshnessSettings, at: datetime) -> list[str]:
    """Mark reminders sent more than ``answer_within_days`` ago without answer as expired.

    A bounced reminder expires too (nobody confirmed the entry; ``bounced_at`` stays for
    staff). The entry gets ``unconfirmed_since`` (the contract field the public map can fade and
    filter on) in its properties and published line; publish afterwards to show it.
    """
    cutoff = at - timedelta(days=settings.answer_within_days)
    since = at.date().isoformat()
    with register._tx() as s:
        rows = s.scalars(
            select(ReminderRow).where(ReminderRow.state.in_(("sent", "bounced")), ReminderRow.sent_at < cutoff)
        ).all()
        for row in rows:
            row.state, row.expired_at = "expired", at
            entry = s.get(EntryRow, row.entry_id)
            if entry is not None and not entry.properties.get("unconfirmed_since"):
                _set_property(entry, "unconfirmed_since", since)
            register._log(
                s,
                "system",
                "unconfirmed",
                row.entry_id,
                fields={"unconfirmed_since": [None, since]},
                note=f"no answer to the reminder of {row.sent_at:%Y-%m-%d}",
                at=at,
            )
        return [r.entry_id for r in rows]


def _set_property(row: EntryRow, name: str, value: Any) -> None:
    """Set one property and keep the published line in step (no version bump: not an edit of the offer)."""
    from registry import _etl

    props = {**row.properties, name: value}
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]}, "properties": props}
    row.properties, row.feature_json = props, _etl.feature_line(feature)


def unconfirmed_since(register: Register) -> dict[str, date]:
    """Entries whose last reminder expired unanswered -> since when they count as unconfirmed."""
    with register._tx() as s:
        rows = s.execute(select(ReminderRow.entry_id, ReminderRow.expired_at).where(ReminderRow.state == "expired"))
        return {str(e): at.date() for e, at in rows if at is not None}


def confirm_entry(register: Register, entry_id: str, at: datetime, actor: str) -> None:
    """ "Still valid": ``last_verified`` becomes ``at``'s date, ``unconfirmed_since`` is cleared (audit-logged)."""
    today = at.date().isoformat()
    with register._tx() as s:
        row = s.scalars(select(EntryRow).where(EntryRow.id == entry_id).with_for_update()).first()
        if row is None:
            raise LookupError(f"no entry with id {entry_id!r}")
        fields = {"last_verified": [row.properties.get("last_verified"), today]}
        if row.properties.get("unconfirmed_since"):
            fields["unconfirmed_since"] = [row.properties.get("unconfirmed_since"), None]
            _set_property(row, "unconfirmed_since", None)
        _set_property(row, "last_verified", today)
        row.version += 1
        row.updated_at, row.updated_by = at, actor
        for reminder in s.scalars(
            select(ReminderRow).where(
                ReminderRow.entry_id == entry_id,
                ReminderRow.state.in_(("sent", "expired", "queued", "bounced", "failed")),
            )
        ):
            reminder.state, reminder.answered_at = "answered", at
        register._log(s, actor, "confirm", entry_id, fields=fields, at=at)


# --------------------------------------------------------------------------- the staff's reminder log

#: States of a reminder as the staff page lists them (``bounced`` also counts expired ones that bounced).
REMINDER_STATES: tuple[str, ...] = ("queued", "sent", "bounced", "failed", "answered", "expired")


@dataclass(frozen=True)
class ReminderItem:
    """One reminder as staff see it: what was sent, to whom, and what became of it."""

    id: int
    entry_id: str
    entry_name: str
    verified: str
    state: str
    recipient: str | None
    created_at: datetime
    sent_at: datetime | None
    answered_at: datetime | None
    expired_at: datetime | None
    bounced_at: datetime | None
    note: str
    #: The entry's ``unconfirmed_since`` (ISO date) while it is unconfirmed, else None.
    unconfirmed_since: str | None

    @property
    def has_bounced(self) -> bool:
        """True when the reminder bounced (refused at send time or marked by a clerk)."""
        return self.bounced_at is not None


def _state_filter(state: str | None) -> Any:
    if state == "bounced":
        return ReminderRow.bounced_at.is_not(None)
    if state in REMINDER_STATES:
        return ReminderRow.state == state
    return None


def _item(row: ReminderRow, name: str | None, props: Mapping[str, Any] | None) -> ReminderItem:
    return ReminderItem(
        id=row.id,
        entry_id=row.entry_id,
        entry_name=str(name or ""),
        verified=row.verified,
        state=row.state,
        recipient=row.recipient,
        created_at=row.created_at,
        sent_at=row.sent_at,
        answered_at=row.answered_at,
        expired_at=row.expired_at,
        bounced_at=row.bounced_at,
        note=row.note or "",
        unconfirmed_since=(props or {}).get("unconfirmed_since") or None,
    )


def _items(register: Register, where: Any, limit: int, offset: int = 0) -> list[ReminderItem]:
    stmt = (
        select(ReminderRow, EntryRow.name, EntryRow.properties)
        .outerjoin(EntryRow, EntryRow.id == ReminderRow.entry_id)
        .order_by(ReminderRow.created_at.desc(), ReminderRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if where is not None:
        stmt = stmt.where(where)
    with register._tx() as s:
        return [_item(row, name, props) for row, name, props in s.execute(stmt).all()]


def reminder_log(register: Register, state: str | None = None, limit: int = 50, offset: int = 0) -> list[ReminderItem]:
    """Reminders, newest first, optionally only one state of :data:`REMINDER_STATES`."""
    return _items(register, _state_filter(state), limit, offset)


def reminder(register: Register, reminder_id: int) -> ReminderItem | None:
    """One reminder by id (None when there is none)."""
    found = _items(register, ReminderRow.id == reminder_id, 1)
    return found[0] if found else None


def reminder_counts(register: Register) -> dict[str, int]:
    """How many reminders are in each state of :data:`REMINDER_STATES` (``bounced``: ever bounced)."""
    from sqlalchemy import func

    with register._tx() as s:
        counts = {
            str(k): int(n) for k, n in s.execute(select(ReminderRow.state, func.count()).group_by(ReminderRow.state))
        }
        bounced = s.scalar(select(func.count()).where(ReminderRow.bounced_at.is_not(None))) or 0
    return {state: (int(bounced) if state == "bounced" else counts.get(state, 0)) for state in REMINDER_STATES}


class ReminderNotFound(LookupError):
    """No reminder with this id."""


def mark_bounced(register: Register, reminder_id: int, actor: str, at: datetime, note: str = "") -> ReminderItem:
    """A clerk records a later delivery failure (a bounce message came back); audit-logged.

    Only a reminder that went out (``sent`` or ``expired``) can bounce; marking one twice
    keeps the first time.

    Raises
    ------
    ReminderNotFound
        For an unknown id.
    ValueError
        For a reminder that was never sent (queued, failed) or was answered.
    """
    with register._tx() as s:
        row = s.get(ReminderRow, reminder_id)
        if row is None:
            raise ReminderNotFound(f"no reminder with id {reminder_id}")
        if row.state not in ("sent", "expired", "bounced"):
            raise ValueError(f"reminder {reminder_id} is {row.state}: only a sent reminder can bounce")
        if row.bounced_at is None:
            row.bounced_at = at
            if row.state == "sent":
                row.state = "bounced"
            row.note = (note.strip() or "marked as bounced by staff")[:500]
            register._log(s, actor, "reminder-bounced", row.entry_id, note=row.note, at=at)
    item = reminder(register, reminder_id)
    assert item is not None  # just written
    return item
