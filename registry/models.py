"""The register's tables (SQLAlchemy 2, typed ``Mapped[...]``).

Only this package talks SQL. An entry keeps the whole contract record as JSON
(``properties``) plus, as columns, what the staff pages filter and sort on
(name, category, district, state) and its location as ``lon``/``lat`` (EPSG:4326
degrees). Geometry: plain columns, so neither PostGIS nor SpatiaLite is needed.
A PostGIS deployment would add ``geom = mapped_column(Geometry("POINT", srid=4326))``
(GeoAlchemy2) on PostgreSQL only, filled from lon/lat, in a later migration.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Double, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base of the register's tables."""


class EntryRow(Base):
    """One offer with its editorial state."""

    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(64), index=True)
    district_id: Mapped[str | None] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Order in the published offers.geojson (the input row order of the import that created it).
    position: Mapped[int] = mapped_column(Integer, index=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType)
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    #: The feature exactly as it appears as one line of the published offers.geojson
    #: (kept in step with properties/lon/lat by every write; publishing joins these lines).
    feature_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(320))


class ChangeRow(Base):
    """A change set waiting for (or after) review."""

    __tablename__ = "change_sets"
    __table_args__ = (Index("ix_change_sets_state_kind", "state", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str | None] = mapped_column(ForeignKey("entries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    proposed: Mapped[dict[str, Any]] = mapped_column(JSONType)
    feature: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    base_version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(320))


class AuditRow(Base):
    """One action, with the fields it changed as ``{name: [before, after]}``."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(320), index=True)
    action: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str | None] = mapped_column(String(64), index=True)
    change_id: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(Text, default="")


class UserRow(Base):
    """A staff account; the password is an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0004: raised to end sessions


class MetaRow(Base):
    """Register-wide settings: the districts and city settings of the last import, the config path."""

    __tablename__ = "register_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)


class SubmitterRow(Base):
    """Who submitted an entry through the public form: the private e-mail for links, never published.

    ``email`` is None after the retention purge (``purged_at`` says when); ``lang`` is the
    language the submitter used (their e-mails are written in it).
    """

    __tablename__ = "submitters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str | None] = mapped_column(String(64), index=True)
    change_id: Mapped[int | None] = mapped_column(Integer, index=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the submitter was told staff's decision on ``change_id`` (None: not yet).
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UsedTokenRow(Base):
    """A once-only private link that was used (its nonce): using it again is refused."""

    __tablename__ = "used_tokens"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReminderRow(Base):
    """One freshness reminder of one entry for one ``last_verified`` value (the idempotency key).

    ``state``: ``queued`` (recorded, not yet sent) -> ``sent`` | ``failed`` | ``bounced``
    (the SMTP server refused the recipient, or a clerk marked a later delivery failure);
    then ``answered`` (still valid / changed / archived) or ``expired`` (no answer in time:
    the entry counts as unconfirmed since ``expired_at``).
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ux_reminders_entry_verified", "entry_id", "verified", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    verified: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    #: The address the reminder went to (staff only; cleared by the privacy delete and purge). 0008.
    recipient: Mapped[str | None] = mapped_column(String(320))
    #: When it bounced (refused at send time, or marked by a clerk). 0008.
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BoardPostRow(Base):
    """One post of the network's exchange board (issue 10): an offer to or a need of other actors.

    ``contact`` is never published; ``lon``/``lat`` are exact and shown only when
    ``location_visibility`` is ``"exact"`` (else the district alone is public).
    """

    __tablename__ = "board_posts"
    __table_args__ = (Index("ix_board_posts_state_kind", "state", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSONType)
    target_groups: Mapped[list[str]] = mapped_column(JSONType)
    district_id: Mapped[str | None] = mapped_column(String(64), index=True)
    lon: Mapped[float | None] = mapped_column(Double)
    lat: Mapped[float | None] = mapped_column(Double)
    location_visibility: Mapped[str] = mapped_column(String(16))
    #: Street, house number and postcode as given (not published; for geocoding later).
    address: Mapped[str] = mapped_column(String(500), default="")
    organization: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(320))
    valid_until: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class BoardPostDetailRow(Base):
    """What the posting form adds to a post (migration 0007; one row per post, created with it).

    ``contact_name`` is shown only when ``contact_name_public``; ``lang`` is the poster's
    language (their e-mails are written in it). Closing: ``outcome`` ``success`` (a need
    found / an offer taken) or ``withdrawn``, and which match helped: ``helped`` is
    ``match`` (``helped_post_id`` names it), ``other`` or ``none``.
    ``published_at``: when the post first became public (the funding report counts it).
    """

    __tablename__ = "board_post_details"

    post_id: Mapped[int] = mapped_column(ForeignKey("board_posts.id"), primary_key=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_name_public: Mapped[bool] = mapped_column(default=False)
    lang: Mapped[str] = mapped_column(String(8), default="de")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    helped: Mapped[str | None] = mapped_column(String(16))
    helped_post_id: Mapped[int | None] = mapped_column(Integer)
    reject_reason: Mapped[str] = mapped_column(Text, default="")


class BoardContactRow(Base):
    """One "Kontakt aufnehmen" message sent through the platform (for the office's counts).

    Deliberately no sender address and no message text: those live only in the e-mail
    to the poster. ``match_post_id`` is the post the sender came from when the contact
    started at a match; ``delivery`` is ``smtp`` or ``outbox`` (SMTP off or unreachable).
    """

    __tablename__ = "board_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_posts.id"), index=True)
    match_post_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    delivery: Mapped[str] = mapped_column(String(16))
