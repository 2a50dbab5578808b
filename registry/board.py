"""The network's exchange board in the register: posts, their states, their import.

A post is an offer to or a need of other actors of the network (issue 10). Its contact
address is stored but never published; its exact point is public only when its
``location_visibility`` is ``"exact"``. Every write logs an audit event (the register's
``audit_events`` table, ``entry_id`` = ``"board:<id>"``) and raises the board version
(``register_meta`` key ``board_version``) that caches of the public board key on.

``import_posts`` reads the needs survey (CSV or XLSX, German headers matched as leniently
as the offer import) and stores every good row; every other row ends in a rejects report
with its row number and the reason in the clerk's language.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from registry.models import BoardContactRow, BoardPostDetailRow, BoardPostRow, MetaRow

if TYPE_CHECKING:
    from analysis.matching import Post
    from etl.problems import Problem
    from geodata.taxonomy import Vocabulary
    from registry.register import Register

logger = logging.getLogger(__name__)

KINDS = ("offer", "need")
STATES = ("pending", "published", "closed", "rejected", "archived")
VISIBILITIES = ("exact", "street", "district")
#: How a poster closes a post: ``success`` (a need found, an offer taken) or ``withdrawn``.
OUTCOMES = ("success", "withdrawn")
#: Which match helped a successful post: one of its matches, another contact, or none.
HELPED = ("match", "other", "none")
META_VERSION = "board_version"
AUDIT_PREFIX = "board:"
REJECTS_FILE = "board_rejects.csv"

#: Field -> accepted header spellings (compared by ``etl.settings.header_key``: case, umlauts,
#: punctuation and spaces do not matter).
BOARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("Art", "Bietet/Sucht", "Angebot/Bedarf", "Kind", "Typ"),
    "topic": ("Thema", "Themen", "Bereich", "Topic"),
    "title": ("Titel", "Überschrift", "Title"),
    "text": ("Beschreibung", "Text", "Details", "Description"),
    "languages": ("Sprachen", "Sprache", "Languages"),
    "target_groups": ("Zielgruppe", "Zielgruppen", "Target groups"),
    "district": ("Stadtteil", "Bezirk", "Ortsteil", "District"),
    "street": ("Straße", "Strasse", "Str.", "Street"),
    "housenumber": ("Hausnr.", "Hausnummer", "Nr.", "House number"),
    "postal_code": ("PLZ", "Postleitzahl", "Postal code"),
    "organization": ("Organisation", "Verein", "Träger", "Institution", "Organization"),
    "contact": ("E-Mail", "Email", "Mail", "Kontakt", "Contact"),
    "valid_until": ("gültig bis", "gueltig bis", "Ablauf", "Valid until"),
    "state": ("Status", "State"),
    "lat": ("Breitengrad", "Latitude", "lat"),
    "lon": ("Längengrad", "Longitude", "lon", "lng"),
    "visibility": ("Ort sichtbar", "Sichtbarkeit", "Visibility"),
}
REQUIRED = ("kind", "topic", "title")

_KIND_WORDS = {
    "offer": {"bietet", "biete", "bieten", "angebot", "offer", "offers", "sunar"},
    "need": {"sucht", "suche", "suchen", "gesucht", "bedarf", "need", "needs", "seeks", "arar"},
}
_STATE_WORDS = {
    "published": {"", "veroffentlicht", "veroeffentlicht", "published", "freigegeben", "ja"},
    "pending": {"pending", "prufen", "pruefen", "zu prufen", "ausstehend", "entwurf", "nein"},
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")

#: Reasons of the rejects report (``{value}`` is the cell).
REASONS: dict[str, dict[str, str]] = {
    "de": {
        "missing": "Pflichtfeld {field} fehlt: bitte ausfüllen",
        "kind": "Art {value!r} unbekannt: 'bietet' oder 'sucht' eintragen",
        "topic": "Thema {value!r} unbekannt: eines der Board-Themen eintragen (z. B. Räume, Ehrenamtliche)",
        "language": "Sprache {value!r} unbekannt: Sprachname oder ISO-Code eintragen (z. B. Arabisch, ar)",
        "target_group": "Zielgruppe {value!r} unbekannt: eine Zielgruppe der Taxonomie eintragen",
        "district": "Stadtteil {value!r} unbekannt: einen Stadtteil der Stadt eintragen",
        "email": "E-Mail {value!r} ungültig: eine Adresse wie name@verein.de eintragen",
        "date": "Datum {value!r} ungültig: TT.MM.JJJJ eintragen (z. B. 31.03.2027)",
        "state": "Status {value!r} unbekannt: 'veröffentlicht' oder 'prüfen' eintragen",
        "coordinates": "Koordinaten {value!r} ungültig: Breiten- und Längengrad in Grad eintragen",
    },
    "en": {
        "missing": "required field {field} is empty: fill it in",
        "kind": "kind {value!r} unknown: write 'bietet' (offers) or 'sucht' (seeks)",
        "topic": "topic {value!r} unknown: use one of the board topics (e.g. Rooms, Volunteers)",
        "language": "language {value!r} unknown: write a language name or ISO code (e.g. Arabic, ar)",
        "target_group": "target group {value!r} unknown: use a target group of the taxonomy",
        "district": "district {value!r} unknown: use a district of the city",
        "email": "e-mail {value!r} is not valid: write an address like name@club.org",
        "date": "date {value!r} is not valid: write DD.MM.YYYY (e.g. 31.03.2027)",
        "state": "state {value!r} unknown: write 'veröffentlicht' (published) or 'prüfen' (pending)",
        "coordinates": "coordinates {value!r} are not valid: give latitude and longitude in degrees",
    },
}


class BoardPostNotFound(LookupError):
    """A board post id that is not in the register."""


@dataclass(frozen=True)
class BoardPost:
    """One stored post (``contact`` is private: never put it in a public response)."""

    id: int
    kind: str
    topic: str
    title: str
    text: str
    languages: tuple[str, ...]
    target_groups: tuple[str, ...]
    district_id: str | None
    lon: float | None
    lat: float | None
    location_visibility: str
    address: str
    organization: str
    contact: str
    valid_until: date | None
    state: str
    created_at: datetime
    updated_at: datetime
    version: int
    contact_name: str = ""
    contact_name_public: bool = False
    lang: str = "de"
    published_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    helped: str | None = None
    helped_post_id: int | None = None
    reject_reason: str = ""

    def public_point(self) -> tuple[float, float] | None:
        """The point others may see: exact for ``exact``, a 250 m grid cell's centre for ``street``, else None."""
        if self.lon is None or self.lat is None:
            return None
        if self.location_visibility == "exact":
            return (self.lon, self.lat)
        if self.location_visibility == "street":
            from geodata.privacy import STREET_GRID_M, snap_to_grid

            return snap_to_grid(self.lon, self.lat, STREET_GRID_M)
        return None

    def public_contact_name(self) -> str:
        """The contact person's name when the poster allowed it to be shown, else ``""``."""
        return self.contact_name if self.contact_name_public else ""


@dataclass(frozen=True)
class PostValues:
    """What a new post consists of (checked values; see :func:`parse_row`)."""

    kind: str
    topic: str
    title: str
    text: str = ""
    languages: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    district_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    location_visibility: str = "district"
    address: str = ""
    organization: str = ""
    contact: str = ""
    valid_until: date | None = None
    contact_name: str = ""
    contact_name_public: bool = False
    lang: str = "de"


@dataclass(frozen=True)
class Reject:
    """A row of the survey that was not stored, with why."""

    row: int
    code: str
    params: Mapping[str, str]
    cells: Mapping[str, str]

    def reason(self, lang: str = "de") -> str:
        """The reason in ``lang`` (de or en; others fall back to German)."""
        return REASONS.get(lang, REASONS["de"])[self.code].format(**self.params)


@dataclass
class ImportResult:
    """What ``import_posts`` did."""

    stored: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None
    rows: int = 0


class RowError(ValueError):
    """One row of the survey that cannot become a post (``code`` names the reason)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(REASONS["en"][code].format(**params))
        self.code = code
        self.params = params


# --- rows <-> records -------------------------------------------------------------------


def _to_post(row: BoardPostRow, detail: BoardPostDetailRow | None = None) -> BoardPost:
    extra: dict[str, Any] = {}
    if detail is not None:
        extra = {
            "contact_name": detail.contact_name,
            "contact_name_public": bool(detail.contact_name_public),
            "lang": detail.lang,
            "published_at": _utc(detail.published_at),
            "closed_at": _utc(detail.closed_at),
            "outcome": detail.outcome,
            "helped": detail.helped,
            "helped_post_id": detail.helped_post_id,
            "reject_reason": detail.reject_reason,
        }
    return BoardPost(
        id=row.id,
        kind=row.kind,
        topic=row.topic,
        title=row.title,
        text=row.text,
        languages=tuple(row.languages or ()),
        target_groups=tuple(row.target_groups or ()),
        district_id=row.district_id,
        lon=row.lon,
        lat=row.lat,
        location_visibility=row.location_visibility,
        address=row.address,
        organization=row.organization,
        contact=row.contact,
        valid_until=row.valid_until,
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        **extra,
    )


def _utc(value: datetime | None) -> datetime | None:
    """A stored time as UTC-aware (SQLite returns it without a zone)."""
    from datetime import UTC

    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def to_match_post(post: BoardPost) -> Post:
    """The matcher's view of ``post``.

    Only a public point takes part: a post shown by its district alone is matched by its
    district (a distance in metres to it would reveal where it is).
    """
    from analysis.matching import Post

    point = post.public_point()
    return Post(
        id=str(post.id),
        kind=post.kind,
        topic=post.topic,
        title=post.title,
        text=post.text,
        languages=post.languages,
        target_groups=post.target_groups,
        district_id=post.district_id,
        lon=point[0] if point else None,
        lat=point[1] if point else None,
        organization=post.organization,
        valid_until=post.valid_until,
        created=post.created_at.date(),
        updated=post.updated_at.date(),
        state=post.state,
    )


def _bump_version(s: Any) -> None:
    row = s.get(MetaRow, META_VERSION)
    if row is None:
        s.add(MetaRow(key=META_VERSION, value=1))
    else:
        row.value = int(row.value or 0) + 1


# --- operations -------------------------------------------------------------------------


def board_version(register: Register) -> int:
    """The board's version: raised by every write (0 for a board never written)."""
    return int(register.meta(META_VERSION) or 0)


def add_posts(register: Register, values: Iterable[PostValues], actor: str, state: str = "pending") -> list[int]:
    """Store new posts in ``state`` in one transaction; returns their ids (audit action ``board_create``)."""
    from registry.register import Register as _Register
    from registry.register import now

    if state not in STATES:
        raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
    at = now()
    ids: list[int] = []
    with register._tx() as s:
        for v in values:
            if v.kind not in KINDS:
                raise ValueError(f"kind {v.kind!r} is neither 'offer' nor 'need'")
            if v.location_visibility not in VISIBILITIES:
                raise ValueError(f"location visibility {v.location_visibility!r}: use one of {', '.join(VISIBILITIES)}")
            row = BoardPostRow(**_content(v), state=state, created_at=at, updated_at=at, version=1)
            s.add(row)
            s.flush()
            s.add(
                BoardPostDetailRow(
                    post_id=row.id,
                    contact_name=v.contact_name,
                    contact_name_public=v.contact_name_public,
                    lang=v.lang,
                    published_at=at if state == "published" else None,
                    reject_reason="",
                )
            )
            ids.append(row.id)
            _Register._log(s, actor, "board_create", AUDIT_PREFIX + str(row.id), None, {"state": [None, state]}, at=at)
        if ids:
            _bump_version(s)
    return ids


#: Content fields of a post (what its poster may change through the private link).
CONTENT_FIELDS = (
    "kind",
    "topic",
    "title",
    "text",
    "languages",
    "target_groups",
    "district_id",
    "lon",
    "lat",
    "location_visibility",
    "address",
    "organization",
    "contact",
    "valid_until",
)


def _content(v: PostValues) -> dict[str, Any]:
    """The ``board_posts`` columns of ``v`` (lists as JSON lists)."""
    out = {name: getattr(v, name) for name in CONTENT_FIELDS}
    out["languages"], out["target_groups"] = list(v.languages), list(v.target_groups)
    return out


def _detail(s: Any, post_id: int) -> BoardPostDetailRow:
    """The post's detail row (created for a post stored before migration 0007 filled it)."""
    detail = s.get(BoardPostDetailRow, post_id)
    if detail is None:
        detail = BoardPostDetailRow(post_id=post_id, contact_name="", contact_name_public=False, lang="de")
        detail.reject_reason = ""
        s.add(detail)
        s.flush()
    return detail


def add_post(register: Register, values: PostValues, actor: str, state: str = "pending") -> BoardPost:
    """Store one new post (pending by default: it waits for moderation)."""
    (ident,) = add_posts(register, [values], actor, state)
    return get_post(register, ident)


def find_post(register: Register, post_id: int) -> BoardPost | None:
    """The post with ``post_id``, or None."""
    with register._tx() as s:
        row = s.get(BoardPostRow, post_id)
        return _to_post(row, s.get(BoardPostDetailRow, post_id)) if row is not None else None


def get_post(register: Register, post_id: int) -> BoardPost:
    """The post with ``post_id``; raises :class:`BoardPostNotFound`."""
    found = find_post(register, post_id)
    if found is None:
        raise BoardPostNotFound(f"board post {post_id} does not exist: check the id (list them on /netzwerk)")
    return found


def list_posts(register: Register, states: Sequence[str] | None = None) -> list[BoardPost]:
    """All posts (optionally only in ``states``), oldest first."""
    stmt = (
        select(BoardPostRow, BoardPostDetailRow)
        .outerjoin(BoardPostDetailRow, BoardPostDetailRow.post_id == BoardPostRow.id)
        .order_by(BoardPostRow.id)
    )
    if states:
        stmt = stmt.where(BoardPostRow.state.in_(list(states)))
    with register._tx() as s:
        return [_to_post(row, detail) for row, detail in s.execute(stmt)]


def set_state(register: Register, post_id: int, state: str, actor: str, note: str = "") -> BoardPost:
    """Move a post to ``state`` (moderation: publish, reject; poster: close; office: archive), audited.

    The first publication is remembered (``published_at``, counted by the funding report);
    a rejection keeps ``note`` as the reason the poster is told.
    """
    from registry.register import Register as _Register
    from registry.register import now

    if state not in STATES:
        raise ValueError(f"state {state!r} is not one of {', '.join(STATES)}")
    at = now()
    with register._tx() as s:
        row = s.get(BoardPostRow, post_id, with_for_update=True)
        if row is None:
            raise BoardPostNotFound(f"board post {post_id} does not exist: check the id")
        detail = _detail(s, post_id)
        if row.state != state:
            _Register._log(
                s,
                actor,
                "board_" + state,
                AUDIT_PREFIX + str(post_id),
                None,
                {"state": [row.state, state]},
                note=note,
                at=at,
            )
            row.state, row.updated_at = state, at
            row.version += 1
            if state == "published" and detail.published_at is None:
                detail.published_at = at
            if state == "rejected":
                detail.reject_reason = note
            _bump_version(s)
        s.flush()
        return _to_post(row, detail)


class PostNotOpen(ValueError):
    """A post that its poster can no longer change or close (closed, rejected or archived)."""


#: States in which the poster's private links still change or close the post.
EDITABLE = ("pending", "published")


def update_post(register: Register, post_id: int, values: PostValues, actor: str = "poster") -> BoardPost:
    """Replace a post's content (the poster's "Beitrag ändern"); a published post goes back to review.

    Audited as ``board_edit`` with every changed field before and after (the contact
    address is logged as changed, never its value).

    Raises
    ------
    BoardPostNotFound, PostNotOpen
    """
    from registry.register import Register as _Register
    from registry.register import now

    if values.location_visibility not in VISIBILITIES:
        raise ValueError(f"location visibility {values.location_visibility!r}: use one of {', '.join(VISIBILITIES)}")
    at = now()
    with register._tx() as s:
        row = s.get(BoardPostRow, post_id, with_for_update=True)
        if row is None:
            raise BoardPostNotFound(f"board post {post_id} does not exist: check the id")
        if row.state not in EDITABLE:
            raise PostNotOpen(f"board post {post_id} is {row.state}: only pending or published posts can be changed")
        detail = _detail(s, post_id)
        changed: dict[str, list[Any]] = {}
        for name, value in _content(values).items():
            before = getattr(row, name)
            if before != value:
                shown = ["(privat)", "(privat)"] if name == "contact" else [_jsonable(before), _jsonable(value)]
                changed[name] = shown
                setattr(row, name, value)
        for name in ("contact_name", "contact_name_public"):
            if getattr(detail, name) != getattr(values, name):
                changed[name] = [getattr(detail, name), getattr(values, name)]
                setattr(detail, name, getattr(values, name))
        if changed:
            if row.state == "published":
                changed["state"] = ["published", "pending"]
                row.state = "pending"
            row.updated_at = at
            row.version += 1
            _Register._log(s, actor, "board_edit", AUDIT_PREFIX + str(post_id), None, changed, at=at)
            _bump_version(s)
        s.flush()
        return _to_post(row, detail)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def close_post(
    register: Register,
    post_id: int,
    outcome: str,
    helped: str = "none",
    helped_post_id: int | None = None,
    actor: str = "poster",
) -> BoardPost:
    """Close a post for its poster: ``success`` (found / taken) or ``withdrawn``, and which match helped.

    The post leaves the public board (state ``closed``).

    Raises
    ------
    ValueError
        For an unknown outcome or ``helped`` value, or ``helped="match"`` without the match's id.
    BoardPostNotFound, PostNotOpen
    """
    from registry.register import Register as _Register
    from registry.register import now

    if outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if helped not in HELPED:
        raise ValueError(f"helped {helped!r} is not one of {', '.join(HELPED)}")
    if (helped == "match") != (helped_post_id is not None):
        raise ValueError("give helped_post_id exactly when helped is 'match'")
    if outcome != "success":
        helped, helped_post_id = "none", None
    at = now()
    with register._tx() as s:
        row = s.get(BoardPostRow, post_id, with_for_update=True)
        if row is None:
            raise BoardPostNotFound(f"board post {post_id} does not exist: check the id")
        if row.state not in EDITABLE:
            raise PostNotOpen(f"board post {post_id} is {row.state} already: nothing to close")
        detail = _detail(s, post_id)
        _Register._log(
            s,
            actor,
            "board_closed",
            AUDIT_PREFIX + str(post_id),
            None,
            {"state": [row.state, "closed"], "outcome": [None, outcome], "helped": [None, helped]},
            note=f"match board:{helped_post_id}" if helped_post_id is not None else "",
            at=at,
        )
        row.state, row.updated_at = "closed", at
        row.version += 1
        detail.closed_at, detail.outcome, detail.helped, detail.helped_post_id = at, outcome, helped, helped_post_id
        _bump_version(s)
        s.flush()
        return _to_post(row, detail)


@dataclass(frozen=True)
class Contact:
    """One "Kontakt aufnehmen" message: to ``post_id``, started at the match ``match_post_id`` (or None)."""

    post_id: int
    match_post_id: int | None
    at: datetime
    delivery: str


def record_contact(register: Register, contact: Contact) -> int:
    """Store that a contact message was sent (no sender, no text: they are only in the e-mail); returns its id."""
    from registry.register import Register as _Register

    with register._tx() as s:
        row = BoardContactRow(
            post_id=contact.post_id,
            match_post_id=contact.match_post_id,
            created_at=contact.at,
            delivery=contact.delivery,
        )
        s.add(row)
        s.flush()
        note = f"from board:{contact.match_post_id}" if contact.match_post_id is not None else ""
        _Register._log(
            s, "public", "board_contact", AUDIT_PREFIX + str(contact.post_id), None, {}, note=note, at=contact.at
        )
        return int(row.id)


def list_contacts(register: Register) -> list[Contact]:
    """Every recorded contact, oldest first."""
    from registry.register import _aware

    with register._tx() as s:
        rows = s.scalars(select(BoardContactRow).order_by(BoardContactRow.id))
        return [Contact(r.post_id, r.match_post_id, _aware(r.created_at), r.delivery) for r in rows]


# --- the survey import --------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """``31.03.2027``, ``31.3.27`` or ISO ``2027-03-31`` (an Excel date cell arrives as ISO); empty -> None."""
    text = text.strip()
    if not text:
        return None
    m = _DATE_DE.match(text)
    try:
        if m:
            day, month, year = (int(g) for g in m.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        return date.fromisoformat(text[:10])
    except ValueError:
        raise RowError("date", value=text) from None


def _word(text: str) -> str:
    from etl.settings import header_key

    return header_key(text)


def district_index(districts: Any) -> dict[str, str]:
    """Folded district name or id -> district id, from the register's districts (GeoJSON features)."""
    out: dict[str, str] = {}
    for feature in districts or ():
        props = feature.get("properties", feature) if isinstance(feature, Mapping) else {}
        ident = str(props.get("id") or props.get("district_id") or "")
        if not ident:
            continue
        out[_word(ident)] = ident
        if props.get("name"):
            out[_word(str(props["name"]))] = ident
    return out


def district_names(districts: Any) -> dict[str, str]:
    """District id -> name (for pages and ``explain``)."""
    out: dict[str, str] = {}
    for feature in districts or ():
        props = feature.get("properties", feature) if isinstance(feature, Mapping) else {}
        ident = str(props.get("id") or props.get("district_id") or "")
        if ident:
            out[ident] = str(props.get("name") or ident)
    return out


def address_text(cells: Mapping[str, str]) -> str:
    """``"Hauptstraße 5, 71634"`` from the street, house number and postcode cells (empty parts left out)."""
    street = " ".join(x for x in (cells.get("street", "").strip(), cells.get("housenumber", "").strip()) if x)
    return ", ".join(x for x in (street, cells.get("postal_code", "").strip()) if x)


def parse_row(
    cells: Mapping[str, str], districts: Mapping[str, str], topics: Vocabulary | None = None
) -> tuple[PostValues, str]:
    """One survey row (field -> text) as checked post values and its state; raises :class:`RowError`.

    ``topics`` are the city's board topics (default: the bundled ones).
    """
    from etl.extract import parse_number, split_list
    from geodata.languages import resolve_language
    from geodata.taxonomy import load_board_topics, load_taxonomy

    for name in REQUIRED:
        if not cells.get(name, "").strip():
            raise RowError("missing", field=BOARD_COLUMNS[name][0])
    kind_word = _word(cells["kind"])
    kind = next((k for k, words in _KIND_WORDS.items() if kind_word in words), None)
    if kind is None:
        raise RowError("kind", value=cells["kind"])
    topic = (topics or load_board_topics()).resolve(cells["topic"].strip())
    if topic is None:
        raise RowError("topic", value=cells["topic"])
    languages = []
    for item in split_list(cells.get("languages", "")):
        code = resolve_language(item)
        if code is None:
            raise RowError("language", value=item)
        languages.append(code)
    groups_vocab = load_taxonomy().target_groups
    groups = []
    for item in split_list(cells.get("target_groups", "")):
        ident = groups_vocab.resolve(item)
        if ident is None:
            raise RowError("target_group", value=item)
        groups.append(ident)
    district_id = None
    if cells.get("district", "").strip():
        district_id = districts.get(_word(cells["district"]))
        if district_id is None:
            raise RowError("district", value=cells["district"])
    contact = cells.get("contact", "").strip()
    if contact and not _EMAIL.match(contact):
        raise RowError("email", value=contact)
    lat, lon = parse_number(cells.get("lat")), parse_number(cells.get("lon"))
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= (lon or 0) <= 180)):
        raise RowError("coordinates", value=f"{cells.get('lat', '')} {cells.get('lon', '')}".strip())
    visibility = (
        "exact" if lat is not None and _word(cells.get("visibility", "")) in ("exact", "genau", "ja") else "district"
    )
    state_word = _word(cells.get("state", ""))
    state = next((k for k, words in _STATE_WORDS.items() if state_word in words), None)
    if state is None:
        raise RowError("state", value=cells["state"])
    values = PostValues(
        kind=kind,
        topic=topic,
        title=cells["title"].strip(),
        text=cells.get("text", "").strip(),
        languages=tuple(languages),
        target_groups=tuple(groups),
        district_id=district_id,
        lon=lon,
        lat=lat,
        location_visibility=visibility,
        address=address_text(cells),
        organization=cells.get("organization", "").strip(),
        contact=contact,
        valid_until=parse_date(cells.get("valid_until", "")),
    )
    return values, state


def _write_rejects(path: Path, headers: Sequence[str], rejects: Sequence[Reject], lang: str) -> None:
    from geodata.csvsafe import spreadsheet_safe as safe_cell

    label = {"de": ("Zeile", "Grund"), "en": ("row", "reason")}.get(lang, ("Zeile", "Grund"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow([*label, *headers])
        for r in rejects:
            out.writerow([r.row, safe_cell(r.reason(lang)), *(safe_cell(r.cells.get(h, "")) for h in headers)])


def import_posts(register: Register, path: Path, actor: str, lang: str = "de") -> ImportResult:
    """Load the needs survey at ``path`` (CSV or XLSX) into the board.

    Good rows are stored published (or pending when their ``Status`` says so); every other
    row ends in ``<data>/import/board_rejects.csv`` with its row number and reason.

    Raises
    ------
    etl.errors input errors, ColumnError
        When the file is unusable (missing, empty, unknown type, no Art/Thema/Titel column).
    """
    from etl.errors import ColumnError
    from etl.extract import match_headers, read_raw
    from registry.register import META_DISTRICTS, WORK_DIR

    table, _digest = read_raw(path)
    headers = [h or f"Spalte {i}" for i, h in enumerate(table.headers, start=1)]
    found, _messages = match_headers(headers, BOARD_COLUMNS)
    missing = [BOARD_COLUMNS[n][0] for n in REQUIRED if n not in found]
    if missing:
        shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
        raise ColumnError(
            f"{path.name}: no column {', '.join(missing)}; headers found: {shown} (name the columns as in the survey template)"
        )
    from geodata.taxonomy import load_board_topics

    districts = district_index(register.meta(META_DISTRICTS))
    topics = load_board_topics(overrides=getattr(register.config, "board_topics", None))  # the city's topics
    result = ImportResult()
    good: list[tuple[PostValues, str]] = []
    for number, raw_cells in table.rows:
        original = {h: (raw_cells[i].strip() if i < len(raw_cells) else "") for i, h in enumerate(headers)}
        if not any(original.values()):
            continue
        result.rows += 1
        cells = {name: original[headers[i]] for name, i in found.items()}
        try:
            good.append(parse_row(cells, districts, topics))
        except RowError as exc:
            result.rejects.append(Reject(number, exc.code, exc.params, original))
    for state in ("published", "pending"):
        chosen = [v for v, st in good if st == state]
        if chosen:
            result.stored.extend(add_posts(register, chosen, actor, state))
    result.rejects_path = register.data_dir / WORK_DIR / REJECTS_FILE
    _write_rejects(result.rejects_path, headers, result.rejects, lang)
    logger.info("board import %s: %d stored, %d rejected", path, len(result.stored), len(result.rejects))
    return result


# --- e-mail to posters (composed by registry.mail.compose with these texts) -------------------

#: kind -> language -> (subject, body); ``{placeholders}`` are filled by ``registry.mail.compose``.
MAIL_TEXTS: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "board_received": {
        "de": (
            "Ihr Beitrag „{title}“ ist eingegangen",
            "Vielen Dank! Ihr Beitrag „{title}“ für die Netzwerk-Börse {city} ist eingegangen.\n"
            "Die Integrationsstelle prüft ihn; danach erscheint er auf der Börse.\n\n"
            "Ändern: {edit}\nSchließen (gefunden / vergeben): {close}\n\n"
            "Diese Links sind privat: Wer sie hat, kann den Beitrag ändern oder schließen. Sie gelten {days} Tage.",
        ),
        "en": (
            "Your post “{title}” has been received",
            "Thank you! Your post “{title}” for the network exchange {city} has been received.\n"
            "The integration office reviews it; then it appears on the exchange.\n\n"
            "Change: {edit}\nClose (found / taken): {close}\n\n"
            "These links are private: whoever has them can change or close the post. They are valid for {days} days.",
        ),
        "tr": (
            "“{title}” ilanınız alındı",
            "Teşekkürler! {city} ağ borsası için “{title}” ilanınız alındı.\n"
            "Uyum ofisi ilanı inceliyor; ardından borsada görünecek.\n\n"
            "Değiştir: {edit}\nKapat (bulundu / verildi): {close}\n\n"
            "Bu bağlantılar size özeldir: bağlantıya sahip olan kişi ilanı değiştirebilir veya kapatabilir. {days} gün geçerlidir.",
        ),
        "ar": (
            "تم استلام منشورك «{title}»",
            "شكرًا لك! تم استلام منشورك «{title}» لمنصة تبادل الشبكة {city}.\n"
            "يراجعه مكتب الاندماج، ثم يظهر على المنصة.\n\n"
            "تعديل: {edit}\nإغلاق (تم الإيجاد / تم التقديم): {close}\n\n"
            "هذه الروابط خاصة: من يملكها يستطيع تعديل المنشور أو إغلاقه. صالحة لمدة {days} يومًا.",
        ),
        "uk": (
            "Ваше оголошення «{title}» отримано",
            "Дякуємо! Ваше оголошення «{title}» для біржі мережі {city} отримано.\n"
            "Офіс з питань інтеграції перевіряє його; потім воно з'явиться на біржі.\n\n"
            "Змінити: {edit}\nЗакрити (знайдено / передано): {close}\n\n"
            "Ці посилання приватні: хто їх має, може змінити або закрити оголошення. Вони дійсні {days} днів.",
        ),
    },
    "board_approved": {
        "de": (
            "„{title}“ ist auf der Netzwerk-Börse",
            "Die Integrationsstelle hat Ihren Beitrag „{title}“ freigegeben: {url}",
        ),
        "en": ("“{title}” is on the network exchange", "The integration office approved your post “{title}”: {url}"),
        "tr": ("“{title}” ağ borsasında", "Uyum ofisi “{title}” ilanınızı onayladı: {url}"),
        "ar": ("«{title}» على منصة تبادل الشبكة", "وافق مكتب الاندماج على منشورك «{title}»: {url}"),
        "uk": ("«{title}» на біржі мережі", "Офіс з питань інтеграції схвалив ваше оголошення «{title}»: {url}"),
    },
    "board_rejected": {
        "de": (
            "Ihr Beitrag „{title}“",
            "Die Integrationsstelle hat Ihren Beitrag „{title}“ nicht veröffentlicht. Begründung:\n\n{reason}",
        ),
        "en": (
            "Your post “{title}”",
            "The integration office did not publish your post “{title}”. Reason (in German):\n\n{reason}",
        ),
        "tr": ("“{title}” ilanınız", "Uyum ofisi “{title}” ilanınızı yayımlamadı. Gerekçe (Almanca):\n\n{reason}"),
        "ar": ("منشورك «{title}»", "لم ينشر مكتب الاندماج منشورك «{title}». السبب (بالألمانية):\n\n{reason}"),
        "uk": (
            "Ваше оголошення «{title}»",
            "Офіс з питань інтеграції не опублікував ваше оголошення «{title}». Причина (німецькою):\n\n{reason}",
        ),
    },
    "board_contact": {
        "de": (
            "Nachricht zu Ihrem Beitrag „{title}“",
            "{sender_name} ({sender_email}) schreibt Ihnen über die Netzwerk-Börse {city} zu „{title}“:\n\n"
            "{message}\n\n"
            "Antworten Sie einfach auf diese E-Mail: Die Antwort geht direkt an {sender_email}.\n"
            "Ihre Adresse hat die Börse nicht gezeigt; sie sieht sie erst, wenn Sie antworten.",
        ),
        "en": (
            "Message about your post “{title}”",
            "{sender_name} ({sender_email}) writes to you through the network exchange {city} about “{title}”:\n\n"
            "{message}\n\n"
            "Just reply to this e-mail: the answer goes straight to {sender_email}.\n"
            "The exchange did not show your address; they see it only when you reply.",
        ),
        "tr": (
            "“{title}” ilanınız hakkında mesaj",
            "{sender_name} ({sender_email}), {city} ağ borsası üzerinden “{title}” hakkında size yazıyor:\n\n"
            "{message}\n\n"
            "Bu e-postayı yanıtlamanız yeterli: yanıt doğrudan {sender_email} adresine gider.\n"
            "Borsa adresinizi göstermedi; yalnızca siz yanıtladığınızda görür.",
        ),
        "ar": (
            "رسالة حول منشورك «{title}»",
            "يكتب إليك {sender_name} ({sender_email}) عبر منصة تبادل الشبكة {city} بخصوص «{title}»:\n\n"
            "{message}\n\n"
            "يكفي الرد على هذه الرسالة: يصل الرد مباشرة إلى {sender_email}.\n"
            "لم تعرض المنصة عنوانك؛ لا يراه المرسل إلا عند ردك.",
        ),
        "uk": (
            "Повідомлення щодо вашого оголошення «{title}»",
            "{sender_name} ({sender_email}) пише вам через біржу мережі {city} щодо «{title}»:\n\n"
            "{message}\n\n"
            "Просто дайте відповідь на цей лист: вона надійде безпосередньо на {sender_email}.\n"
            "Біржа не показала вашу адресу; відправник побачить її, лише коли ви відповісте.",
        ),
    },
}


# --- placing a post by its address (the offers' geocoding chain) -----------------------------


@dataclass(frozen=True)
class Located:
    """Where an address was found: ``(lon, lat)`` in EPSG:4326 degrees and its district (or None)."""

    lon: float
    lat: float
    district_id: str | None


def locate_address(
    register: Register, street: str, house_number: str, postal_code: str
) -> Located | tuple[Problem, ...]:
    """Geocode a post's address with the register's own per-record check (the offers' chain).

    Returns a :class:`Located`, or the check's problems (a tuple of ``etl.problems.Problem``)
    when the address cannot be placed.
    """
    from geodata.taxonomy import load_taxonomy

    values = {
        "name": "Beitrag",  # the check needs a name and a category; only the place is used
        "category": load_taxonomy().categories.ids[0],
        "street": street,
        "house_number": house_number,
        "postal_code": postal_code,
        "city": str(getattr(register.config, "name", "") or ""),
    }
    checked = register.check(values, source="board")
    if checked.feature is None:
        return tuple(p for p in checked.problems if p.is_error)
    lon, lat = checked.feature["geometry"]["coordinates"][:2]
    district = checked.feature["properties"].get("district_id")
    return Located(float(lon), float(lat), str(district) if district else None)


def send_board_mail(
    kind: str,
    to: str,
    lang: str,
    values: Mapping[str, object],
    settings: Any,
    data_dir: Path,
    *,
    reply_to: str | None = None,
) -> str:
    """Compose a board message (:data:`MAIL_TEXTS`, ``lang`` plus German) and deliver it; returns ``smtp`` or ``outbox``.

    When the SMTP server fails the message is kept in the outbox instead (nothing is
    lost: the office sees it there), and the failure is logged.
    """
    from registry.mail import MailSendError, MailSettings, compose, deliver

    message = compose(kind, lang, to, settings.sender, values, texts=MAIL_TEXTS)
    if reply_to:
        message["Reply-To"] = reply_to
    try:
        deliver(message, settings, data_dir)
        return "smtp" if settings.is_smtp else "outbox"
    except MailSendError:
        logger.exception("a board %s message could not be sent: it is kept in the outbox", kind)
        deliver(message, MailSettings(sender=settings.sender), data_dir)
        return "outbox"
