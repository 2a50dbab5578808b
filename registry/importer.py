"""``stadtkarte import``: load an offer list into the register, merging by id.

The list goes through the ETL's build (same extract, validation, geocoding and
rejects report as ``stadtkarte build``). Then, by id:

* a row whose id is not in the register is **new**: added as a pending entry with
  a "new" change set (published directly with ``apply``);
* a row that differs from its entry is **changed**: a "change" change set (applied
  directly with ``apply``);
* an identical row is **unchanged**;
* an entry (published or pending) whose id is not in the file is **missing**: listed,
  and archived only with ``archive_missing``.

``rows_in == new + changed + unchanged + rejected`` always holds (checked).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, update

from registry import _etl
from registry.models import AuditRow, ChangeRow, EntryRow
from registry.register import (
    META_CITY,
    META_CONFIG,
    META_DISTRICTS,
    WORK_DIR,
    Register,
    _with_point,
    entry_columns,
    now,
)
from registry.values import changed_fields, same_offer

logger = logging.getLogger(__name__)


def _table(model: type[Any]) -> Table:
    """The Core table of an ORM class (bulk inserts through Core skip the ORM's per-row work)."""
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class ImportResult:
    """What an import did (ids per outcome; rejected rows are in ``rejects_path``)."""

    rows_in: int
    new: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    missing: tuple[str, ...]
    archived: tuple[str, ...]
    rows_rejected: int
    rejects_path: Path
    applied: bool
    empty_rows: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        counted = len(self.new) + len(self.changed) + len(self.unchanged) + self.rows_rejected
        if counted != self.rows_in:
            raise AssertionError(f"import accounted for {counted} of {self.rows_in} rows: rows were lost")


@dataclass(frozen=True)
class _Plan:
    new: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], EntryRow]]
    unchanged: list[str]
    missing: list[str]


def _plan(features: list[dict[str, Any]], existing: dict[str, EntryRow]) -> _Plan:
    new, changed, unchanged = [], [], []
    for feature in features:
        ident = feature["properties"]["id"]
        row = existing.get(ident)
        if row is None:
            new.append(feature)
        elif same_offer(feature, _feature_of(row)):
            unchanged.append(ident)
        else:
            changed.append((feature, row))
    in_file = {f["properties"]["id"] for f in features}
    missing = sorted(
        ident for ident, row in existing.items() if ident not in in_file and row.state in ("published", "pending")
    )
    return _Plan(new, changed, unchanged, missing)


def _feature_of(row: EntryRow) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": row.properties,
    }


def _pending_import_changes(s: Any) -> dict[str, list[ChangeRow]]:
    """Pending changes proposed by earlier imports, per entry (people's proposals are not included)."""
    stmt = select(ChangeRow).where(
        ChangeRow.state == "pending", ChangeRow.kind == "change", ChangeRow.created_by.like("import%")
    )
    found: dict[str, list[ChangeRow]] = {}
    for change in s.scalars(stmt):
        found.setdefault(str(change.entry_id), []).append(change)
    return found


def _supersede(changes: list[ChangeRow], feature: dict[str, Any] | None, source: str, actor: str, at: Any) -> bool:
    """Reject ``changes`` as superseded by this import; True (and nothing rejected) when one equals ``feature``."""
    if feature is not None and any(c.feature is not None and same_offer(c.feature, feature) for c in changes):
        return True
    for change in changes:
        change.state, change.reason = "rejected", f"ersetzt durch den Import von {source}"
        change.decided_at, change.decided_by = at, actor
    changes.clear()  # decided now: not pending for this import any more
    return False


def _rejection_events(changes: list[ChangeRow], actor: str, at: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": at,
            "actor": actor,
            "action": "reject",
            "entry_id": c.entry_id,
            "change_id": c.id,
            "fields": {},
            "note": c.reason,
        }
        for c in changes
    ]


def import_offers(
    register: Register,
    offers: Path,
    *,
    districts: Path | None = None,
    config: Path | None = None,
    actor: str = "import",
    apply: bool = False,
    archive_missing: bool = False,
) -> ImportResult:
    """Merge the offer list ``offers`` into ``register`` (see the module docstring).

    Raises the ETL's input errors (unusable file or config) before anything is written.
    """
    cfg = _etl.load_config(config) if config is not None else register.config
    built = _etl.build_import(Path(offers), districts, cfg, register.data_dir / WORK_DIR)
    source = Path(offers).name
    at = now()
    with register._tx() as s:
        lines = {f["properties"]["id"]: line for f, line in zip(built.features, built.lines, strict=True)}
        earlier = _pending_import_changes(s)
        existing = {row.id: row for row in s.scalars(select(EntryRow))}
        plan = _plan(built.features, existing)
        position = register._next_position(s)
        state = "published" if apply else "pending"
        if plan.new:
            s.execute(
                insert(_table(EntryRow)),
                [
                    {
                        "id": f["properties"]["id"],
                        "state": state,
                        "version": 1,
                        "position": position + i,
                        "created_at": at,
                        "updated_at": at,
                        "updated_by": actor,
                        **entry_columns(f, lines[f["properties"]["id"]]),
                    }
                    for i, f in enumerate(plan.new)
                ],
            )
        if plan.new and not apply:
            s.execute(
                insert(_table(ChangeRow)),
                [
                    {
                        "entry_id": f["properties"]["id"],
                        "kind": "new",
                        "state": "pending",
                        "proposed": {},
                        "feature": f,
                        "problems": [],
                        "base_version": None,
                        "reason": "",
                        "source": source,
                        "created_at": at,
                        "created_by": actor,
                    }
                    for f in plan.new
                ],
            )
        events: list[dict[str, Any]] = [
            {
                "at": at,
                "actor": actor,
                "action": "import-new" if apply else "propose",
                "entry_id": f["properties"]["id"],
                "change_id": None,
                "fields": {},
                "note": f"new from {source}",
            }
            for f in plan.new
        ]
        for feature, row in plan.changed:
            cols = entry_columns(feature, lines[row.id])
            fields = changed_fields(
                _with_point(row.properties, row.lon, row.lat), _with_point(cols["properties"], cols["lon"], cols["lat"])
            )
            if apply or row.state == "pending":
                for key, value in cols.items():
                    setattr(row, key, value)
                row.version += 1
                row.updated_at, row.updated_by = at, actor
                action = "import-change"
                if row.state == "pending":  # keep the open "new" change set showing the newest values
                    s.execute(
                        update(ChangeRow)
                        .where(ChangeRow.entry_id == row.id, ChangeRow.state == "pending", ChangeRow.kind == "new")
                        .values(feature=feature)
                    )
            else:
                action = "propose"
                before = list(earlier.get(row.id, []))
                if _supersede(earlier.get(row.id, []), feature, source, actor, at):
                    continue  # the same change from an earlier import is still waiting for review
                events.extend(_rejection_events(before, actor, at))
                s.add(
                    ChangeRow(
                        entry_id=row.id,
                        kind="change",
                        state="pending",
                        proposed={},
                        feature=feature,
                        problems=[],
                        base_version=row.version,
                        reason="",
                        source=source,
                        created_at=at,
                        created_by=actor,
                    )
                )
                action = "propose"
            events.append(
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "entry_id": row.id,
                    "change_id": None,
                    "fields": fields,
                    "note": f"change from {source}",
                }
            )
        for ident in plan.unchanged:  # the file agrees with the register again
            before = list(earlier.get(ident, []))
            _supersede(earlier.get(ident, []), None, source, actor, at)
            events.extend(_rejection_events(before, actor, at))
        archived: list[str] = []
        if archive_missing:
            for ident in plan.missing:
                row = existing[ident]
                events.append(
                    {
                        "at": at,
                        "actor": actor,
                        "action": "archive",
                        "entry_id": ident,
                        "change_id": None,
                        "fields": {"state": [row.state, "archived"]},
                        "note": f"missing from {source}",
                    }
                )
                row.state, row.updated_at, row.updated_by = "archived", at, actor
                row.version += 1
                archived.append(ident)
        if events:
            s.execute(insert(_table(AuditRow)), events)
        register._set_meta(s, META_DISTRICTS, built.districts)
        register._set_meta(s, META_CITY, built.city)
        if config is not None:
            register._set_meta(s, META_CONFIG, str(Path(config).resolve()))
    register._context = None  # districts or config may have changed
    result = ImportResult(
        rows_in=built.rows_in,
        new=tuple(f["properties"]["id"] for f in plan.new),
        changed=tuple(f["properties"]["id"] for f, _row in plan.changed),
        unchanged=tuple(plan.unchanged),
        missing=tuple(plan.missing),
        archived=tuple(archived),
        rows_rejected=built.rows_rejected,
        rejects_path=built.rejects_path,
        applied=apply,
        empty_rows=built.empty_rows,
    )
    logger.info(
        "import %s: %d new, %d changed, %d unchanged, %d missing, %d rejected",
        source,
        len(result.new),
        len(result.changed),
        len(result.unchanged),
        len(result.missing),
        result.rows_rejected,
    )
    return result


def adopt_features(
    register: Register,
    features: list[dict[str, Any]],
    districts: list[dict[str, Any]],
    city: dict[str, Any],
    actor: str = "setup",
) -> int:
    """Load an already published set (contract features, in order) into an empty register as published entries."""
    at = now()
    with register._tx() as s:
        if s.scalar(select(EntryRow.id).limit(1)) is not None:
            raise ValueError("the register already holds entries: adopt a published set into an empty register only")
        if features:
            s.execute(
                insert(_table(EntryRow)),
                [
                    {
                        "id": f["properties"]["id"],
                        "state": "published",
                        "version": 1,
                        "position": i + 1,
                        "created_at": at,
                        "updated_at": at,
                        "updated_by": actor,
                        **entry_columns(f),
                    }
                    for i, f in enumerate(features)
                ],
            )
        register._set_meta(s, META_DISTRICTS, districts)
        register._set_meta(s, META_CITY, city)
        register._log(s, actor, "adopt", note=f"{len(features)} published offers taken over", at=at)
    register._context = None
    return len(features)
