"""The register: offers with editorial state, moderation, audit log, staff accounts, publishing.

One :class:`Register` per process holds one SQLAlchemy engine; every operation
runs in its own session and transaction (nothing leaks out: results are frozen
dataclasses from :mod:`registry.records`). Every write goes through the ETL's
per-record check (:mod:`registry._etl`) and records an audit event.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from etl.record import RecordChecker
from registry import _etl, db
from registry.errors import EditConflict, RecordInvalid, RegisterError, UnknownEntry
from registry.models import AuditRow, ChangeRow, EntryRow, MetaRow, UserRow
from registry.passwords import PasswordPolicyError, hash_password, verify_password
from registry.records import (
    KINDS,
    ROLES,
    STATES,
    AuditEvent,
    ChangeItem,
    Entry,
    FieldDiff,
    User,
    problem_from_stored,
)
from registry.values import changed_fields, field_diffs, values_of

logger = logging.getLogger(__name__)

#: Work folder (inside the data folder) of imports and record checks: the ETL's output and geocode cache.
WORK_DIR = "import"
META_DISTRICTS = "districts"
META_CITY = "city"
META_CONFIG = "config_path"


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_entry(row: EntryRow) -> Entry:
    return Entry(
        id=row.id,
        state=row.state,
        version=row.version,
        properties=dict(row.properties),
        lon=row.lon,
        lat=row.lat,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        updated_by=row.updated_by,
    )


def to_change(row: ChangeRow) -> ChangeItem:
    return ChangeItem(
        id=row.id,
        entry_id=row.entry_id,
        kind=row.kind,
        state=row.state,
        proposed=dict(row.proposed),
        problems=tuple(problem_from_stored(p) for p in row.problems),
        base_version=row.base_version,
        reason=row.reason,
        created_at=_aware(row.created_at),
        created_by=row.created_by,
        source=row.source,
        feature=dict(row.feature) if row.feature is not None else None,
        decided_at=_aware(row.decided_at) if row.decided_at else None,
        decided_by=row.decided_by,
    )


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        role=row.role,
        active=row.active,
        created_at=_aware(row.created_at),
        session_epoch=row.session_epoch or 0,
    )


def to_event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=_aware(row.at),
        actor=row.actor,
        action=row.action,
        entry_id=row.entry_id,
        change_id=row.change_id,
        fields={k: list(v) for k, v in row.fields.items()},
        note=row.note,
    )


def _with_point(properties: Mapping[str, Any], lon: float, lat: float) -> dict[str, Any]:
    return {**properties, "lon": lon, "lat": lat}


def entry_columns(feature: Mapping[str, Any], line: str | None = None) -> dict[str, Any]:
    """The entry columns that follow from a contract feature (``line``: its published line, when known)."""
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    return {
        "name": str(props["name"])[:500],
        "category": props["category"],
        "district_id": props.get("district_id"),
        "properties": dict(props),
        "lon": float(lon),
        "lat": float(lat),
        "feature_json": line if line is not None else _etl.feature_line(feature),
    }


def normalize_email(email: str) -> str:
    """An account's e-mail as stored: trimmed, lower case; ValueError when it is not an address."""
    text = email.strip().lower()
    if "@" not in text or text.startswith("@") or text.endswith("@") or " " in text or len(text) > 320:
        raise ValueError(f"{email!r} is not an e-mail address: give the staff member's address, e.g. name@stadt.de")
    return text


class Register:
    """The offer register on one database (SQLite file by default, or PostgreSQL)."""

    def __init__(self, url: str, data_dir: Path, config: Any | None = None) -> None:
        self.url = url
        self.data_dir = Path(data_dir)
        self.engine = db.make_engine(url)
        self._sessions = db.session_factory(self.engine)
        self._config = config
        self._context: RecordChecker | None = None  # the per-record check, reset when districts or config change
        self._dummy_hash: str | None = None

    @classmethod
    def open(cls, url: str | None = None, data_dir: Path = Path("data"), config: Any | None = None) -> Register:
        """Open the register: ``url`` > env ``STADTKARTE_DATABASE_URL`` > ``config``'s ``[database] url``
        > ``sqlite:///<data_dir>/register.sqlite``.

        ``config`` is the city config (:class:`etl.config.CityConfig`) used to check records;
        None = the config the last import used, else the bundled demo config.
        """
        configured = getattr(config, "database_url", None) if config is not None else None
        chosen = url or os.environ.get(db.ENV_URL) or configured
        return cls(db.database_url(chosen, Path(data_dir)), Path(data_dir), config)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _tx(self) -> Any:
        return db.transaction(self._sessions)

    # --- schema ----------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the database to the newest migration (creates the tables in an empty database)."""
        db.upgrade(self.engine)

    def revision(self) -> str | None:
        """The migration the database is at (None when not initialised)."""
        return db.current_revision(self.engine)

    def is_current(self) -> bool:
        """True when the database is at the newest migration."""
        return self.revision() == db.head_revision(self.engine)

    # --- meta and the per-record check ---------------------------------------------------

    def meta(self, key: str) -> Any:
        with self._tx() as s:
            row = s.get(MetaRow, key)
            return row.value if row is not None else None

    @staticmethod
    def _set_meta(s: Session, key: str, value: Any) -> None:
        row = s.get(MetaRow, key)
        if row is None:
            s.add(MetaRow(key=key, value=value))
        else:
            row.value = value

    @property
    def config(self) -> Any:
        """The city config records are checked against."""
        if self._config is None:
            path = self.meta(META_CONFIG)
            self._config = _etl.load_config(Path(path) if path and Path(path).is_file() else None)
        return self._config

    def record_checker(self) -> RecordChecker:
        """The ETL's per-record check for this register's config and districts (made once, kept)."""
        if self._context is None:
            districts = self.meta(META_DISTRICTS)
            if not districts:
                raise RegisterError("the register has no districts yet: import an offer list first (stadtkarte import)")
            self._context = _etl.make_checker(self.config, districts, self.data_dir / WORK_DIR)
        return self._context

    def check(self, values: Mapping[str, str | None], source: str, entry_id: str | None = None) -> _etl.Checked:
        """Run the ETL's per-record check on form values (nothing is stored)."""
        return _etl.check_values(values, self.record_checker(), source, entry_id)

    @staticmethod
    def form_values(entry: Entry) -> dict[str, str | None]:
        """The entry as form text (what an edit form shows and :meth:`edit` accepts)."""
        return values_of(entry.properties, entry.lon, entry.lat)

    # --- reading -------------------------------------------------------------------------

    def entry(self, entry_id: str) -> Entry | None:
        with self._tx() as s:
            row = s.get(EntryRow, entry_id)
            return to_entry(row) if row is not None else None

    def _entry_row(self, s: Session, entry_id: str, lock: bool = False) -> EntryRow:
        stmt = select(EntryRow).where(EntryRow.id == entry_id)
        row = s.scalars(stmt.with_for_update() if lock else stmt).first()
        if row is None:
            raise UnknownEntry(f"no entry with id {entry_id!r}: check the id in the list of entries")
        return row

    def entries(self, state: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0) -> list[Entry]:
        """Entries by publication order; ``state`` filters, ``q`` searches name and id (case-insensitive)."""
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
        stmt = select(EntryRow)
        if state:
            stmt = stmt.where(EntryRow.state == state)
        if q and q.strip():
            pattern = f"%{q.strip()}%"
            stmt = stmt.where(or_(EntryRow.name.ilike(pattern), EntryRow.id.ilike(pattern)))
        stmt = stmt.order_by(EntryRow.position, EntryRow.id).limit(limit).offset(offset)
        with self._tx() as s:
            return [to_entry(r) for r in s.scalars(stmt)]

    def count_entries(self, state: str | None = None) -> int:
        stmt = select(func.count()).select_from(EntryRow)
        if state:
            stmt = stmt.where(EntryRow.state == state)
        with self._tx() as s:
            return int(s.scalar(stmt) or 0)

    def queue(
        self, kind: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[ChangeItem]:
        """Pending change sets, oldest first; ``kind`` filters, ``q`` searches the entry's name and id and a proposed name."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        stmt = select(ChangeRow).where(ChangeRow.state == "pending")
        if kind:
            stmt = stmt.where(ChangeRow.kind == kind)
        if q and q.strip():
            pattern = f"%{q.strip()}%"
            stmt = stmt.outerjoin(EntryRow, EntryRow.id == ChangeRow.entry_id).where(
                or_(
                    EntryRow.name.ilike(pattern),
                    ChangeRow.entry_id.ilike(pattern),
                    ChangeRow.proposed["name"].as_string().ilike(pattern),
                )
            )
        stmt = stmt.order_by(ChangeRow.id).limit(limit).offset(offset)
        with self._tx() as s:
            return [to_change(r) for r in s.scalars(stmt)]

    def queue_counts(self) -> dict[str, int]:
        """Pending change sets per kind (every kind present, 0 when none)."""
        stmt = select(ChangeRow.kind, func.count()).where(ChangeRow.state == "pending").group_by(ChangeRow.kind)
        with self._tx() as s:
            found = {kind: int(n) for kind, n in s.execute(stmt)}
        return {kind: found.get(kind, 0) for kind in KINDS}

    def change(self, change_id: int) -> ChangeItem | None:
        with self._tx() as s:
            row = s.get(ChangeRow, change_id)
            return to_change(row) if row is not None else None

    def diff(self, change_id: int) -> list[FieldDiff]:
        """Field by field: the published value (before) and the proposed one (after)."""
        with self._tx() as s:
            change = s.get(ChangeRow, change_id)
            if change is None:
                raise UnknownEntry(f"no change set {change_id}")
            entry = s.get(EntryRow, change.entry_id) if change.entry_id else None
            published = entry is not None and (change.kind != "new" or entry.state != "pending")
            before = dict(entry.properties) if entry is not None and published else None
            before_point = (entry.lon, entry.lat) if entry is not None and published else None
            if change.kind == "archive":
                return [FieldDiff("state", entry.state if entry else None, "archived")]
            feature = change.feature
            if feature is None:
                after = {k: v for k, v in change.proposed.items() if k in ("name", "category")}
                return field_diffs(before, after)
            lon, lat = feature["geometry"]["coordinates"][:2]
            return field_diffs(before, feature["properties"], before_point, (lon, lat))

    def audit(self, entry_id: str | None = None, actor: str | None = None, limit: int = 200) -> list[AuditEvent]:
        """The newest audit events first, optionally for one entry and/or one actor."""
        stmt = select(AuditRow)
        if entry_id:
            stmt = stmt.where(AuditRow.entry_id == entry_id)
        if actor:
            stmt = stmt.where(AuditRow.actor == actor)
        stmt = stmt.order_by(AuditRow.id.desc()).limit(limit)
        with self._tx() as s:
            return [to_event(r) for r in s.scalars(stmt)]

    # --- writing ---------------------------------------------------------------------------

    @staticmethod
    def _log(
        s: Session,
        actor: str,
        action: str,
        entry_id: str | None = None,
        change_id: int | None = None,
        fields: Mapping[str, list[Any]] | None = None,
        note: str = "",
        at: datetime | None = None,
    ) -> None:
        s.add(
            AuditRow(
                at=at or now(),
                actor=actor,
                action=action,
                entry_id=entry_id,
                change_id=change_id,
                fields=dict(fields or {}),
                note=note,
            )
        )

    @staticmethod
    def _next_position(s: Session) -> int:
        return int(s.scalar(select(func.max(EntryRow.position))) or 0) + 1

    @staticmethod
    def _free_id(s: Session, wanted: str) -> str:
        ident, n = wanted, 1
        while s.get(EntryRow, ident) is not None:
            n += 1
            ident = f"{wanted[:60]}-{n}"
        return ident

    def propose(
        self,
        entry_id: str | None,
        values: Mapping[str, str | None],
        actor: str,
        source: str,
        kind: str = "change",
    ) -> ChangeItem:
        """Store a proposal for review: a new entry (``entry_id`` None), a change, an archiving or a report.

        The values are checked like every other write; a proposal with errors is kept
        (nothing lost) with its problems and cannot be approved until fixed.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        clean = {str(k): (None if v is None else str(v)) for k, v in values.items()}
        at = now()
        with self._tx() as s:
            entry = self._entry_row(s, entry_id) if entry_id is not None else None
            if kind in ("change", "archive") and entry is None:
                raise ValueError(f"a {kind} needs the id of an existing entry")
            checked: _etl.Checked | None = None
            if kind in ("new", "change"):
                src = (entry.properties.get("source") or source) if entry is not None else source
                checked = self.check(clean, str(src), entry_id if kind == "change" else None)
            feature = checked.feature if checked is not None else (to_entry(entry).feature() if entry else None)
            problems = [p.to_dict() for p in checked.problems] if checked is not None else []
            if kind == "new" and checked is not None and checked.feature is not None:
                new_id = self._free_id(s, checked.feature["properties"]["id"])
                checked.feature["properties"]["id"] = new_id
                s.add(
                    EntryRow(
                        id=new_id,
                        state="pending",
                        version=1,
                        position=self._next_position(s),
                        created_at=at,
                        updated_at=at,
                        updated_by=actor,
                        **entry_columns(checked.feature),
                    )
                )
                s.flush()
                entry_id = new_id
            row = ChangeRow(
                entry_id=entry_id,
                kind=kind,
                state="pending",
                proposed=clean,
                feature=feature,
                problems=problems,
                base_version=entry.version if entry is not None else None,
                reason=(clean.get("reason") or "") if kind in ("archive", "report") else "",
                source=source[:200],
                created_at=at,
                created_by=actor,
            )
            s.add(row)
            s.flush()
            self._log(s, actor, "propose", entry_id, row.id, note=f"{kind} from {source}", at=at)
            return to_change(row)

    def _pending_change(self, s: Session, change_id: int) -> ChangeRow:
        row = s.scalars(select(ChangeRow).where(ChangeRow.id == change_id).with_for_update()).first()
        if row is None:
            raise UnknownEntry(f"no change set {change_id}")
        if row.state != "pending":
            raise RegisterError(f"change set {change_id} was already {row.state} by {row.decided_by}")
        return row

    def approve(self, change_id: int, actor: str) -> Entry:
        """Apply a pending change set to its entry and mark it approved.

        Raises :class:`RecordInvalid` when the proposal failed the check and
        :class:`EditConflict` when the entry changed since the proposal was made.
        Call :meth:`publish` afterwards to put it on the map.
        """
        at = now()
        with self._tx() as s:
            change = self._pending_change(s, change_id)
            if change.kind in ("new", "change") and (change.feature is None or change.entry_id is None):
                raise RecordInvalid([p for p in map(problem_from_stored, change.problems) if p.is_error])
            if change.entry_id is None:
                raise ValueError(f"change set {change_id} concerns no entry: reject it with a reason instead")
            entry = self._entry_row(s, change.entry_id, lock=True)
            if change.kind in ("change", "archive") and change.base_version != entry.version:
                raise EditConflict(to_entry(entry), change.proposed, change.base_version or 0)
            fields: dict[str, list[Any]] = {}
            if change.kind == "new":  # the pending entry holds the newest values
                fields = changed_fields(None, _with_point(entry.properties, entry.lon, entry.lat))
                fields["state"] = [entry.state, "published"]
                entry.state = "published"
            elif change.kind == "change" and change.feature is not None:
                cols = entry_columns(change.feature)
                fields = changed_fields(
                    _with_point(entry.properties, entry.lon, entry.lat),
                    _with_point(cols["properties"], cols["lon"], cols["lat"]),
                )
                for key, value in cols.items():
                    setattr(entry, key, value)
                if entry.state not in ("archived", "published"):
                    fields["state"] = [entry.state, "published"]
                    entry.state = "published"
            elif change.kind == "archive":
                fields = {"state": [entry.state, "archived"]}
                entry.state = "archived"
            if change.kind != "report":
                entry.version += 1
                entry.updated_at, entry.updated_by = at, actor
            change.state, change.decided_at, change.decided_by = "approved", at, actor
            self._log(s, actor, "approve", change.entry_id, change.id, fields, note=change.kind, at=at)
            s.flush()
            return to_entry(entry)

    def reject(self, change_id: int, actor: str, reason: str) -> ChangeItem:
        """Reject a pending change set; ``reason`` is required and kept (a new entry becomes ``rejected``)."""
        if not reason or not reason.strip():
            raise ValueError("a rejection needs a reason: say why, so that the submitter can fix it")
        at = now()
        with self._tx() as s:
            change = self._pending_change(s, change_id)
            if change.kind == "new" and change.entry_id is not None:
                entry = self._entry_row(s, change.entry_id, lock=True)
                if entry.state == "pending":
                    entry.state, entry.updated_at, entry.updated_by = "rejected", at, actor
                    entry.version += 1
            change.state, change.reason = "rejected", reason.strip()
            change.decided_at, change.decided_by = at, actor
            self._log(s, actor, "reject", change.entry_id, change.id, note=reason.strip(), at=at)
            s.flush()
            return to_change(change)

    def edit(self, entry_id: str, values: Mapping[str, str | None], actor: str, expected_version: int) -> Entry:
        """A staff edit: checked like every write, saved only when ``version`` is still ``expected_version``.

        Raises :class:`RecordInvalid` (nothing stored) or :class:`EditConflict` (the entry
        moved on; both versions are in the exception, nothing is overwritten).
        """
        current = self.entry(entry_id)
        if current is None:
            raise UnknownEntry(f"no entry with id {entry_id!r}")
        if current.version != expected_version:
            raise EditConflict(current, values, expected_version)
        checked = self.check(values, str(current.properties.get("source") or "register"), entry_id)
        if checked.feature is None:
            raise RecordInvalid(checked.problems)
        cols = entry_columns(checked.feature)
        at = now()
        with self._tx() as s:
            result = s.execute(
                update(EntryRow)
                .where(EntryRow.id == entry_id, EntryRow.version == expected_version)
                .values(**cols, version=EntryRow.version + 1, updated_at=at, updated_by=actor)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                latest = s.get(EntryRow, entry_id)
                if latest is None:
                    raise UnknownEntry(f"no entry with id {entry_id!r}")
                s.refresh(latest)
                raise EditConflict(to_entry(latest), values, expected_version)
            fields = changed_fields(
                _with_point(current.properties, current.lon, current.lat),
                _with_point(cols["properties"], cols["lon"], cols["lat"]),
            )
            self._log(s, actor, "edit", entry_id, None, fields, at=at)
            row = self._entry_row(s, entry_id)
            s.refresh(row)
            return to_entry(row)

    def _set_state(self, entry_id: str, actor: str, state: str, action: str, note: str = "") -> Entry:
        at = now()
        with self._tx() as s:
            row = self._entry_row(s, entry_id, lock=True)
            if row.state == state:
                return to_entry(row)
            self._log(s, actor, action, entry_id, None, {"state": [row.state, state]}, note=note, at=at)
            row.state, row.updated_at, row.updated_by = state, at, actor
            row.version += 1
            s.flush()
            return to_entry(row)

    def archive(self, entry_id: str, actor: str, reason: str = "") -> Entry:
        """Take an entry off the map (kept, restorable); call :meth:`publish` afterwards."""
        return self._set_state(entry_id, actor, "archived", "archive", reason.strip())

    def restore(self, entry_id: str, actor: str) -> Entry:
        """Publish an archived (or rejected) entry again; call :meth:`publish` afterwards."""
        return self._set_state(entry_id, actor, "published", "restore")

    # --- publishing ------------------------------------------------------------------------

    def published_features(self) -> list[dict[str, Any]]:
        """Contract features of the published entries, in publication order."""
        stmt = (
            select(EntryRow.properties, EntryRow.lon, EntryRow.lat)
            .where(EntryRow.state == "published")
            .order_by(EntryRow.position, EntryRow.id)
        )
        with self._tx() as s:
            return [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
                for props, lon, lat in s.execute(stmt)
            ]

    def publish(self, data_dir: Path | None = None, actor: str = "system") -> str:
        """Publish the published entries as a new snapshot of ``data_dir``; returns its version.

        Writes the files ``stadtkarte build`` writes, into a new snapshot folder that
        becomes current atomically: a failure leaves the previous snapshot serving.
        """
        from geodata.snapshot import publish_snapshot

        target = Path(data_dir) if data_dir is not None else self.data_dir
        districts, city = self.meta(META_DISTRICTS), self.meta(META_CITY)
        if districts is None or city is None:
            raise RegisterError("nothing to publish: the register has no districts yet (stadtkarte import first)")
        lines = self.published_lines()
        version = publish_snapshot(target, lambda folder: _etl.write_snapshot_lines(folder, lines, districts, city))
        with self._tx() as s:
            self._log(s, actor, "publish", note=f"{version}: {len(lines)} offers")
        logger.info("published %d offers as snapshot %s", len(lines), version)
        return version

    def published_lines(self) -> list[str]:
        """The published entries' offers.geojson lines in publication order (checked for sane locations)."""
        where = EntryRow.state == "published"
        bad = or_(EntryRow.lon < -180, EntryRow.lon > 180, EntryRow.lat < -90, EntryRow.lat > 90)
        with self._tx() as s:
            broken = s.scalars(select(EntryRow.id).where(where, bad).limit(3)).all()
            if broken:
                from geodata.errors import ContractError

                raise ContractError(
                    f"entries {', '.join(broken)} have coordinates outside -180..180 / -90..90: edit them, then publish"
                )
            stmt = select(EntryRow.feature_json).where(where).order_by(EntryRow.position, EntryRow.id)
            return list(s.scalars(stmt))

    # --- staff accounts ----------------------------------------------------------------------

    def add_user(self, email: str, password: str, role: str = "moderator", actor: str = "system") -> User:
        """Create a staff account (argon2 hash); ValueError for a bad role, weak password or taken address."""
        address = normalize_email(email)
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        hashed = hash_password(password)
        with self._tx() as s:
            if s.scalars(select(UserRow).where(UserRow.email == address)).first() is not None:
                raise ValueError(f"an account for {address} exists already: use 'stadtkarte user list'")
            row = UserRow(email=address, role=role, password_hash=hashed, active=True, created_at=now())
            s.add(row)
            s.flush()
            self._log(s, actor, "user-add", fields={"email": [None, address], "role": [None, role]})
            return to_user(row)

    def authenticate(self, email: str, password: str) -> User | None:
        """The active account for these credentials, else None (unknown, disabled and wrong cost the same)."""
        try:
            address = normalize_email(email)
        except ValueError:
            address = ""
        with self._tx() as s:
            row = s.scalars(select(UserRow).where(UserRow.email == address)).first() if address else None
            stored = row.password_hash if row is not None else self._dummy()
            ok = verify_password(stored, password)
            if row is None or not ok or not row.active:
                return None
            return to_user(row)

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = hash_password(secrets.token_urlsafe(24))
        return self._dummy_hash

    def users(self) -> list[User]:
        with self._tx() as s:
            return [to_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.email))]

    def user(self, email: str) -> User | None:
        with self._tx() as s:
            row = s.scalars(select(UserRow).where(UserRow.email == normalize_email(email))).first()
            return to_user(row) if row is not None else None

    def _user_row(self, s: Session, email: str) -> UserRow:
        address = normalize_email(email)
        row = s.scalars(select(UserRow).where(UserRow.email == address)).first()
        if row is None:
            raise UnknownEntry(f"no account for {address}: see 'stadtkarte user list'")
        return row

    def disable_user(self, email: str, actor: str = "system") -> User:
        """Disable an account (it can no longer log in; its audit trail stays)."""
        with self._tx() as s:
            row = self._user_row(s, email)
            if row.active:
                row.active = False
                self._log(s, actor, "user-disable", fields={"email": [row.email, row.email], "active": [True, False]})
            return to_user(row)

    def set_password(self, email: str, password: str, actor: str = "system") -> User:
        """Replace an account's password (argon2 hash) and end the account's other sessions."""
        hashed = hash_password(password)
        with self._tx() as s:
            row = self._user_row(s, email)
            row.password_hash = hashed
            row.session_epoch = (row.session_epoch or 0) + 1
            self._log(s, actor, "user-password", fields={"email": [row.email, row.email]})
            return to_user(row)

    def end_sessions(self, email: str) -> User:
        """End every session of the account (sign-out everywhere): its session epoch moves on."""
        with self._tx() as s:
            row = self._user_row(s, email)
            row.session_epoch = (row.session_epoch or 0) + 1
            return to_user(row)

    def is_empty(self) -> bool:
        """True when the register holds no entries and no accounts."""
        with self._tx() as s:
            return not s.scalar(select(func.count()).select_from(EntryRow)) and not s.scalar(
                select(func.count()).select_from(UserRow)
            )


def default_url(data_dir: Path) -> str:
    """The URL :meth:`Register.open` would use for ``data_dir`` (env or the SQLite file)."""
    return db.database_url(None, data_dir)


def is_sqlite_file_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and not (parsed.database and os.path.exists(parsed.database))


__all__ = ["PasswordPolicyError", "Register"]
