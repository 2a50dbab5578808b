"""What associations do without an account: submit, change, withdraw, report, and what is kept about them.

Every operation takes an open :class:`registry.Register` and stores through it (change
sets in the moderation queue, audit events). The submitter's e-mail lives in the
``submitters`` table only: it is never part of an entry's properties, so it is in no
snapshot, export or API response. Nothing here knows about Flask or HTTP.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from registry.models import ChangeRow, EntryRow, ReminderRow, SubmitterRow
from registry.records import ChangeItem

if TYPE_CHECKING:
    from registry.register import Register

logger = logging.getLogger(__name__)

PUBLIC_ACTOR = "public"
SOURCE_FORM = "form"
#: Problem codes of the geocoding step: a submission failing only these is stored and flagged for staff.
GEOCODE_CODES: frozenset[str] = frozenset(
    {
        "address_not_found",
        "address_not_found_retry",
        "address_not_located",
        "service_unavailable",
        "street_not_in_register",
        "street_ambiguous",
        "street_not_at_postcode",
        "part_unknown",
        "parts_unknown",
    }
)
#: What a correction report may say is wrong.
REPORT_KINDS: tuple[str, ...] = ("closed", "moved", "phone", "other")
DUPLICATE_RADIUS_M = 50.0
SIMILAR_NAME = 0.8
_WORDS = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class Submitted:
    """A stored submission: its change set, the entry it created (None when unplaced) and duplicates found."""

    change: ChangeItem
    entry_id: str | None
    duplicates: tuple[str, ...]


# --------------------------------------------------------------------------- pure helpers


def normalize_name(name: str) -> str:
    """A name for comparison: case-folded words joined by one space."""
    return " ".join(w for w in _WORDS.split(name.casefold()) if w)


def is_similar_name(a: str, b: str, threshold: float = SIMILAR_NAME) -> bool:
    """True when two names are the same after :func:`normalize_name` or differ only a little."""
    na, nb = normalize_name(a), normalize_name(b)
    return bool(na and nb) and (na == nb or difflib.SequenceMatcher(None, na, nb).ratio() >= threshold)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two EPSG:4326 points (haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000.0 * math.asin(math.sqrt(h))


def _address(props: Mapping[str, Any]) -> str:
    return normalize_name(f"{props.get('street') or ''} {props.get('house_number') or ''}")


def duplicate_ids(
    feature: Mapping[str, Any], candidates: Sequence[tuple[str, Mapping[str, Any], float, float]]
) -> list[str]:
    """Ids of ``candidates`` (id, properties, lon, lat) that look like ``feature``.

    A duplicate has the same name and address, or lies within 50 m with a similar name.
    """
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    name, address = str(props.get("name") or ""), _address(props)
    out = []
    for ident, other, olon, olat in candidates:
        if ident == props.get("id"):
            continue
        same_place = bool(address) and address == _address(other)
        if (same_place and normalize_name(name) == normalize_name(str(other.get("name") or ""))) or (
            distance_m(lon, lat, olon, olat) <= DUPLICATE_RADIUS_M and is_similar_name(name, str(other.get("name")))
        ):
            out.append(ident)
    return out


def normalize_address(email: str) -> str:
    """A submitter e-mail as stored: trimmed, lower case; ValueError when it is not an address."""
    text = email.strip().lower()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text or len(text) > 320 or domain.startswith("."):
        raise ValueError(f"{email!r} is not an e-mail address")
    return text


# --------------------------------------------------------------------------- operations


def _candidates(register: Register, feature: Mapping[str, Any]) -> list[tuple[str, dict[str, Any], float, float]]:
    lon, lat = feature["geometry"]["coordinates"][:2]
    near = 0.001  # degrees: > 50 m in both directions at German latitudes
    name = normalize_name(str(feature["properties"].get("name") or ""))
    with register._tx() as s:
        rows = s.execute(
            select(EntryRow.id, EntryRow.properties, EntryRow.lon, EntryRow.lat).where(
                EntryRow.state.in_(("pending", "published")),
                or_(
                    (EntryRow.lon.between(lon - near, lon + near)) & (EntryRow.lat.between(lat - near, lat + near)),
                    EntryRow.name.ilike(name[:40] or "-"),
                ),
            )
        ).all()
    return [(i, dict(p), float(x), float(y)) for i, p, x, y in rows]


def _flag(register: Register, change_id: int, problems: Sequence[dict[str, Any]]) -> None:
    with register._tx() as s:
        row = s.get(ChangeRow, change_id)
        if row is not None and problems:
            row.problems = [*row.problems, *problems]


def submit_new(register: Register, values: Mapping[str, str | None], email: str, lang: str, at: datetime) -> Submitted:
    """Store a public submission as a pending "new" change set, with the submitter's private e-mail.

    A submission whose address could not be geocoded is stored too (no entry yet; its
    problems tell staff why). A possible duplicate is flagged on the change set.
    """
    address = normalize_address(email)
    change = register.propose(None, values, actor=PUBLIC_ACTOR, source=SOURCE_FORM, kind="new")
    duplicates: list[str] = []
    if change.feature is not None:
        duplicates = duplicate_ids(change.feature, _candidates(register, change.feature))
        if duplicates:
            flag = {
                "field": "name",
                "message": f"Mögliches Duplikat von {', '.join(duplicates)}: gleicher Name und Ort – bitte prüfen",
                "severity": "warning",
            }
            _flag(register, change.id, [flag])
    with register._tx() as s:
        s.add(SubmitterRow(entry_id=change.entry_id, change_id=change.id, email=address, lang=lang, created_at=at))
    logger.info("public submission stored as change set %d (placed: %s)", change.id, change.entry_id is not None)
    return Submitted(register.change(change.id) or change, change.entry_id, tuple(duplicates))


def propose_change(
    register: Register, entry_id: str, values: Mapping[str, str | None], lang: str = "de", at: datetime | None = None
) -> ChangeItem:
    """A change proposed through a private edit link (pending until staff approve).

    The link went to the entry's contact (:func:`link_contact`); that address is recorded
    for this change set with the language the change was made in, so staff's decision
    reaches the person who proposed it (:func:`tell_decisions`), as for a new entry.
    """
    change = register.propose(entry_id, values, actor=PUBLIC_ACTOR, source=SOURCE_FORM, kind="change")
    contact = link_contact(register, entry_id)
    if contact is not None:
        with register._tx() as s:
            s.add(
                SubmitterRow(
                    entry_id=entry_id,
                    change_id=change.id,
                    email=contact,
                    lang=lang,
                    created_at=at or change.created_at,
                )
            )
    return change


WITHDRAWN = "vom Verein über den privaten Link zurückgezogen"


def withdraw_entry(register: Register, entry_id: str) -> int:
    """Archive an entry at its submitter's request and close its pending change sets; returns how many.

    Pending proposals (its "new" set, changes) are rejected with the reason, so that a
    later approval cannot publish a withdrawn entry again. Call ``publish`` afterwards.
    """
    with register._tx() as s:
        pending = s.scalars(
            select(ChangeRow.id).where(ChangeRow.entry_id == entry_id, ChangeRow.state == "pending")
        ).all()
    for change_id in pending:
        register.reject(change_id, PUBLIC_ACTOR, WITHDRAWN)
    register.archive(entry_id, actor=PUBLIC_ACTOR, reason=WITHDRAWN)
    return len(pending)


def report_problem(register: Register, entry_id: str, what: str, text: str) -> ChangeItem:
    """A correction report from anyone: a pending "report" change set with the entry."""
    if what not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {what!r}: use one of {', '.join(REPORT_KINDS)}")
    reason = f"{what}: {text.strip()}" if text.strip() else what
    values = {"what": what, "text": text.strip(), "reason": reason}
    return register.propose(entry_id, values, actor=PUBLIC_ACTOR, source="report", kind="report")


def entry_contact(register: Register, entry_id: str) -> tuple[str, str] | None:
    """The private e-mail and language of an entry's submitter (newest first), None when there is none."""
    with register._tx() as s:
        row = s.scalars(
            select(SubmitterRow)
            .where(SubmitterRow.entry_id == entry_id, SubmitterRow.email.is_not(None))
            .order_by(SubmitterRow.id.desc())
        ).first()
        return (str(row.email), row.lang) if row is not None and row.email else None


def link_contact(register: Register, entry_id: str) -> str | None:
    """Where an entry's private links go: its submitter's e-mail, else its organisational e-mail, else None."""
    contact = entry_contact(register, entry_id)
    if contact is not None:
        return contact[0]
    entry = register.entry(entry_id)
    organisational = str((entry.properties.get("email") if entry is not None else "") or "").strip()
    return organisational or None


def entries_of(register: Register, email: str) -> list[tuple[str, str]]:
    """``(entry id, language)`` of every entry submitted with ``email`` (none for an unknown address)."""
    try:
        address = normalize_address(email)
    except ValueError:
        return []
    with register._tx() as s:
        rows = s.execute(
            select(SubmitterRow.entry_id, SubmitterRow.lang)
            .join(EntryRow, EntryRow.id == SubmitterRow.entry_id)
            .where(SubmitterRow.email == address, EntryRow.state.in_(("pending", "published")))
            .order_by(SubmitterRow.id)
        ).all()
    return list(dict.fromkeys((str(e), str(lang)) for e, lang in rows))


@dataclass(frozen=True)
class Decision:
    """Staff's decision on a public submission that the submitter was not told yet."""

    submitter_id: int
    email: str
    lang: str
    kind: str  # a message kind of registry.mail: "approved" | "rejected" | "change_approved" | "change_rejected"
    name: str
    reason: str


def decision_kind(change_kind: str, state: str) -> str:
    """The message kind telling ``state`` (approved/rejected) of a change set of ``change_kind``.

    >>> decision_kind("new", "approved"), decision_kind("change", "rejected")
    ('approved', 'change_rejected')
    """
    return f"change_{state}" if change_kind == "change" else state


def untold_decisions(register: Register, change_id: int | None = None) -> list[Decision]:
    """Decided submissions (new entries, changes through a private link) not told yet.

    Only those whose submitter has an address; a set the submitter closed by withdrawing
    the entry (decided by ``public``) is not told. ``change_id`` limits it to one change set.
    """
    stmt = (
        select(SubmitterRow, ChangeRow)
        .join(ChangeRow, ChangeRow.id == SubmitterRow.change_id)
        .where(
            SubmitterRow.notified_at.is_(None),
            SubmitterRow.email.is_not(None),
            ChangeRow.state.in_(("approved", "rejected")),
            or_(ChangeRow.decided_by.is_(None), ChangeRow.decided_by != PUBLIC_ACTOR),
        )
        .order_by(SubmitterRow.id)
    )
    if change_id is not None:
        stmt = stmt.where(ChangeRow.id == change_id)
    with register._tx() as s:
        return [
            Decision(
                sub.id,
                str(sub.email),
                sub.lang,
                decision_kind(change.kind, change.state),
                str(change.proposed.get("name") or ""),
                change.reason,
            )
            for sub, change in s.execute(stmt).all()
        ]


def mark_told(register: Register, submitter_id: int, at: datetime) -> bool:
    """Claim telling one decision: True for the one caller that recorded it (never told twice).

    A conditional update (``notified_at`` still empty), so two processes telling at the
    same moment (a staff decision and ``stadtkarte remind``) cannot both send it.
    """
    with register._tx() as s:
        done = s.execute(
            update(SubmitterRow)
            .where(SubmitterRow.id == submitter_id, SubmitterRow.notified_at.is_(None))
            .values(notified_at=at)
        )
        return bool(getattr(done, "rowcount", 0) == 1)


def tell_decisions(
    register: Register,
    send: Callable[[str, str, str, Mapping[str, str]], object],
    at: datetime,
    change_id: int | None = None,
) -> int:
    """Mail each untold decision (approved, or rejected with staff's reason) once; returns how many.

    ``send(kind, to, lang, values)`` composes and delivers. A decision is marked told
    before it is sent, so a crash never sends it twice (it may then not arrive: logged).
    ``change_id`` tells only that change set's decision (a staff page right after deciding).
    """
    told = 0
    for decision in untold_decisions(register, change_id):
        if not mark_told(register, decision.submitter_id, at):
            continue
        try:
            send(decision.kind, decision.email, decision.lang, {"name": decision.name, "reason": decision.reason})
        except OSError:
            logger.exception("the decision on a submission could not be mailed")
            continue
        told += 1
    return told


# --------------------------------------------------------------------------- data protection


def export_submitter(register: Register, email: str) -> dict[str, Any]:
    """Everything stored about a submitter e-mail (GDPR Art. 15): submissions, entries, change sets."""
    address = normalize_address(email)
    with register._tx() as s:
        rows = s.scalars(select(SubmitterRow).where(SubmitterRow.email == address).order_by(SubmitterRow.id)).all()
        subs = [
            {
                "entry_id": r.entry_id,
                "change_id": r.change_id,
                "language": r.lang,
                "submitted_at": r.created_at.isoformat(),
            }
            for r in rows
        ]
        change_ids = [r.change_id for r in rows if r.change_id is not None]
        changes = s.scalars(select(ChangeRow).where(ChangeRow.id.in_(change_ids))).all() if change_ids else []
        proposals = [
            {"change_id": c.id, "kind": c.kind, "state": c.state, "proposed": dict(c.proposed)} for c in changes
        ]
        sent = s.scalars(select(ReminderRow).where(ReminderRow.recipient == address).order_by(ReminderRow.id)).all()
        reminders = [{"entry_id": r.entry_id, "state": r.state, "created_at": r.created_at.isoformat()} for r in sent]
    return {"email": address, "submissions": subs, "change_sets": proposals, "reminders": reminders}


def delete_submitter(register: Register, email: str, actor: str, at: datetime) -> int:
    """Delete every stored copy of a submitter e-mail (GDPR Art. 17); returns how many records held it.

    The entries stay (they hold organisational data only); their private links stop
    working for new requests because no address is left to send them to.
    """
    address = normalize_address(email)
    with register._tx() as s:
        rows = s.scalars(select(SubmitterRow).where(SubmitterRow.email == address)).all()
        for row in rows:
            row.email, row.purged_at = None, at
        reminders = s.execute(
            update(ReminderRow).where(ReminderRow.recipient == address).values(recipient=None)
        ).rowcount
        register._log(s, actor, "privacy-delete", note=f"{len(rows)} submitter records, {reminders} reminders", at=at)
    return len(rows) + int(reminders or 0)


def purge_archived(register: Register, months: int, at: datetime, actor: str = "system") -> int:
    """Delete submitter e-mails of entries archived more than ``months`` months (30 days) ago."""
    cutoff = at - timedelta(days=30 * months)
    with register._tx() as s:
        ids = s.scalars(select(EntryRow.id).where(EntryRow.state == "archived", EntryRow.updated_at < cutoff)).all()
        rows = (
            s.scalars(select(SubmitterRow).where(SubmitterRow.entry_id.in_(ids), SubmitterRow.email.is_not(None))).all()
            if ids
            else []
        )
        for row in rows:
            row.email, row.purged_at = None, at
        if ids:
            s.execute(
                update(ReminderRow)
                .where(ReminderRow.entry_id.in_(ids), ReminderRow.recipient.is_not(None))
                .values(recipient=None)
            )
        if rows:
            register._log(s, actor, "privacy-purge", note=f"{len(rows)} submitter e-mails of archived entries", at=at)
    return len(rows)


__all__ = [
    "REPORT_KINDS",
    "Submitted",
    "delete_submitter",
    "duplicate_ids",
    "entries_of",
    "export_submitter",
    "link_contact",
    "propose_change",
    "purge_archived",
    "report_problem",
    "submit_new",
    "tell_decisions",
    "withdraw_entry",
]
