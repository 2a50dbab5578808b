"""Validate: check every row, collect every problem, fix what can be fixed safely.

A row with a fixable problem is kept and gets a warning; a row that cannot
become an offer goes to the rejects with a reason a clerk can act on (German).
Decisions documented here (and in the module tests):

* **Missing id**: a stable id ``o-<hash>`` from name + address, so re-runs give
  the same id; two rows with the same name and address get ``-2``, ``-3`` ... in
  input order (with a warning).
* **Duplicate id**: the first row keeps it; every later row with the same id is
  rejected ("ID kommt doppelt vor") -- renaming it silently would give an id
  that changes once the clerk fixes the list.
* **Coordinates**: decimal commas are accepted. When latitude and longitude are
  swapped (the swapped pair lies in the city area, the given one does not) they
  are swapped back with a warning. Coordinates out of range or outside the city
  area are dropped with a warning and the row is located by its address; with no
  address the row is rejected.
* **Category** is required and must be known (rejected with a "meinten Sie"
  suggestion). Unknown languages, target groups and subcategories are dropped
  with a warning. Malformed e-mails and links are dropped with a warning; only
  ``http``, ``https``, ``mailto`` and ``tel`` links are kept, and ``www.x.de``
  becomes ``https://www.x.de`` (kept, with a warning).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl.extract import parse_number, split_list
from etl.problems import Problem, error, render, render_all, warning
from etl.settings import LOCATION_VISIBILITY_VALUES
from geodata.languages import LANGUAGE_CODE_PATTERN, resolve_language
from geodata.schema import SAFE_URL_SCHEMES, is_valid_id
from geodata.taxonomy import Taxonomy, Vocabulary, fold

logger = logging.getLogger(__name__)

#: Plausible bounds of Germany (min_lon, min_lat, max_lon, max_lat), degrees, used without a city area.
GERMANY_BOUNDS: tuple[float, float, float, float] = (5.8, 47.2, 15.1, 55.1)
LIST_FIELDS: tuple[str, ...] = ("subcategories", "languages", "target_groups")
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "organization",
    "description",
    "street",
    "house_number",
    "postal_code",
    "city",
    "district",
    "phone",
    "opening_hours",
    "accessibility_details",
)
_MULTILINE_FIELDS = frozenset({"description", "opening_hours", "accessibility_details"})
_EMAIL = re.compile(r"^[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[A-Za-z]{2,}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:[/?#]\S*)?$")
_HOST = re.compile(r"^(?:[^@/]*@)?[\w.-]+\.[A-Za-z]{2,}(?::\d+)?$")
_STREET_NUMBER = re.compile(r"^(?P<street>.*\D)\s+(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)$")
_PLZ_CITY = re.compile(r"^(?P<plz>\d{4,5})\s+(?P<city>\D.*)$")
_DE_DATE = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2}|\d{4})$")
_YES = frozenset({"ja", "j", "yes", "y", "x", "true", "wahr", "1", "barrierefrei", "vorhanden", "oui"})
_NO = frozenset({"nein", "n", "no", "false", "falsch", "0", "nicht barrierefrei", "keine"})
_UNKNOWN = frozenset({"", "unbekannt", "unknown", "?", "k.a.", "ka", "keine angabe", "-"})
#: A field a rejected row never got (e.g. ``category`` when unknown); such rows are not in ``valid``.
_MISSING = float("nan")
_PARTLY = frozenset(
    {"teilweise", "eingeschraenkt", "bedingt", "partly", "partial", "teils", "teilweise barrierefrei", "partiell"}
)


@dataclass(frozen=True)
class ValidationResult:
    """Result of :func:`validate_rows`.

    Attributes
    ----------
    valid
        One row per kept offer: ``row``, the contract fields (lists as lists of
        ids, ``accessibility`` as ``yes/partial/no/unknown``, ``demo`` as bool or None when
        the cell is empty),
        ``district`` (the Stadtteil as given, for geocoding) and ``lat``/``lon``
        (floats in EPSG:4326, or None when the row must be geocoded).
    problems
        ``(row, problem)`` for every problem of every row (errors and warnings), in row
        order (within a row, in the order the checks run, which gives the German reasons
        clerks know); a row with an error-severity problem is not in ``valid``.
    """

    valid: pd.DataFrame
    problems: tuple[tuple[int, Problem], ...] = ()

    @property
    def rejects(self) -> pd.DataFrame:
        """Columns ``row`` and ``reason`` (German, every fatal problem of the row)."""
        return rejects_frame(self.problems)

    @property
    def warnings(self) -> tuple[dict[str, Any], ...]:
        """``{"row", "field", "code", "params", "message"}`` dicts (German) for every fixed or dropped value."""
        return warning_dicts(self.problems)


def rejects_frame(problems: Sequence[tuple[int, Problem]], lang: str = "de") -> pd.DataFrame:
    """Rejected rows: columns ``row`` and ``reason`` (the row's errors rendered in ``lang``, ``"; "``-joined)."""
    by_row: dict[int, list[Problem]] = {}
    for row, problem in problems:
        if problem.is_error:
            by_row.setdefault(row, []).append(problem)
    reasons: dict[tuple[int, ...], str] = {}  # rows with the same (shared) problems share one reason text
    rejected = []
    for row, errors in by_row.items():
        key = tuple(map(id, errors))
        if key not in reasons:
            reasons[key] = render_all(errors, lang)
        rejected.append({"row": row, "reason": reasons[key]})
    return pd.DataFrame(rejected, columns=["row", "reason"], dtype=object)


def warning_dicts(problems: Sequence[tuple[int, Problem]], lang: str = "de") -> tuple[dict[str, Any], ...]:
    """Warning-severity problems as report entries ``{"row", "field", "code", "params", "message"}``."""
    messages: dict[int, str] = {}  # one text per (shared) problem object, rendered once
    out = []
    for row, p in problems:
        if p.is_error:
            continue
        message = messages.get(id(p))
        if message is None:
            message = messages[id(p)] = render(p, lang)
        out.append({"row": row, "field": p.field, "code": p.code, "params": p.to_dict()["params"], "message": message})
    return tuple(out)


def share_equal(problems: list[Problem], seen: dict[Any, Problem]) -> list[Problem]:
    """``problems`` with each one replaced by the first equal problem in ``seen`` (which records new ones).

    200,000 rows with the same unknown target group then hold one :class:`Problem` (and the
    report one rendered message) instead of 200,000 equal ones. Problems are immutable, so an
    equal one can stand in for another; one whose params cannot be hashed is kept as it is.
    """
    out = []
    for problem in problems:
        try:
            key = (
                problem.code,
                problem.field,
                problem.severity,
                tuple((k, type(v), v) for k, v in problem.params.items()),
            )
            out.append(seen.setdefault(key, problem))
        except TypeError:  # an unhashable parameter (a list, a nested problem's params)
            out.append(problem)
    return out


@dataclass
class _Row:
    """Mutable scratchpad while checking one row (never leaves this module)."""

    number: int
    props: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem | None) -> None:
        if problem is not None:
            self.problems.append(problem)

    @property
    def rejected(self) -> bool:
        return any(p.is_error for p in self.problems)


# --- pure value checks ---------------------------------------------------------------


def normalize_url(text: str) -> tuple[str | None, Problem | None]:
    """Return ``(url or None, warning or None)`` for a link cell.

    ``http``/``https``/``mailto``/``tel`` are kept; ``www.x.de`` becomes
    ``https://www.x.de`` with a warning; anything else is dropped with a warning.
    """
    text = text.strip()
    if not text:
        return None, None
    scheme = _SCHEME.match(text)
    if scheme and not re.match(r"^[\w-]+(?:\.[\w-]+)+:\d", text):
        name = scheme.group(1).lower()
        if name not in SAFE_URL_SCHEMES:
            allowed = ", ".join(SAFE_URL_SCHEMES)
            return None, warning("link_not_allowed", "url", value=text, allowed=allowed)
        rest = text[scheme.end() :]
        if name in ("http", "https"):
            host = rest.removeprefix("//").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            if not rest.startswith("//") or not _HOST.match(host) or " " in text:
                return None, warning("website_invalid", "url", value=text)
        elif not rest.strip() or " " in rest.strip():
            return None, warning("link_incomplete", "url", value=text)
        return name + text[len(name) :], None
    if _DOMAIN.match(text):
        return f"https://{text}", warning("website_scheme_added", "url", value=text, url=f"https://{text}")
    return None, warning("website_not_address", "url", value=text)


def normalize_email(text: str) -> tuple[str | None, Problem | None]:
    """Return ``(address or None, warning or None)``; a ``mailto:`` prefix is removed, the first of several kept."""
    parts = split_list(text.replace(" ", ",")) if text else []
    if not parts:
        return None, None
    first = parts[0].removeprefix("mailto:").strip()
    if not _EMAIL.match(first):
        return None, warning("email_invalid", "email", value=text.strip())
    if len(parts) > 1:
        return first, warning("email_several", "email", value=first)
    return first, None


def parse_date(text: str) -> date | None:
    """Parse ``31.12.2025``, ``31.12.25``, ``2025-12-31`` or ``2025-12-31 00:00:00``; None when invalid."""
    text = text.strip()
    match = _DE_DATE.match(text)
    try:
        if match:
            year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
            return date(year, int(match["m"]), int(match["d"]))
        return date.fromisoformat(text.split(" ", 1)[0].split("T", 1)[0])
    except ValueError:
        return None


def parse_accessibility(text: str) -> tuple[str, bool, bool]:
    """Map a Barrierefrei cell to ``(yes|partial|no|unknown, understood, partly)``.

    "teilweise", "eingeschränkt", "partly", "partial" (and a few more) become ``partial``.
    """
    key = fold(text).rstrip(".")
    if key in _YES:
        return "yes", True, False
    if key in _NO:
        return "no", True, False
    if key in _UNKNOWN:
        return "unknown", True, False
    if key in _PARTLY:
        return "partial", True, True
    return "unknown", False, False


def parse_bool(text: str) -> bool | None:
    """``ja``/``nein`` (and yes/no/x/1/0) as bool; None when empty or not understood."""
    key = fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def stable_id(name: str, street: str, house_number: str, postal_code: str) -> str:
    """A stable id from name and address (same input -> same id on every run)."""
    key = "|".join(fold(v) for v in (name, street, house_number, postal_code))
    return "o-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def sanitize_id(text: str) -> str:
    """Turn ``text`` into a contract id (letters, digits, ``._:-``, at most 64), or ``""``."""
    ascii_text = fold(text).replace(" ", "-")
    cleaned = re.sub(r"[^A-Za-z0-9._:-]+", "-", ascii_text)
    return cleaned.lstrip("._:-")[:64].rstrip("-")


def in_area(lon: float, lat: float, area: BaseGeometry | None) -> bool:
    """True when (lon, lat) in degrees lies in ``area`` (EPSG:4326), or in Germany when ``area`` is None."""
    if area is None:
        min_lon, min_lat, max_lon, max_lat = GERMANY_BOUNDS
        return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
    return bool(shapely.intersects_xy(area, lon, lat))


def _format_term(vocab: Vocabulary, term_id: str) -> str:
    de, en = vocab.label(term_id, "de"), vocab.label(term_id, "en")
    return f"'{de}' ({en})" if en and en != de else f"'{de}'"


def _suggestion(text: str, vocab: Vocabulary) -> str | None:
    suggestion = vocab.suggest(text)
    return _format_term(vocab, suggestion) if suggestion else None


# --- per-field checks on one row -----------------------------------------------------


def _check_name(row: _Row, rec: Mapping[str, str]) -> None:
    if not rec["name"]:
        row.add(error("name_missing", "name"))
    row.props["name"] = rec["name"] or None


def _check_category(row: _Row, rec: Mapping[str, str], taxonomy: Taxonomy) -> None:
    text = rec["category"]
    cats = taxonomy.categories
    if not text:
        examples = ", ".join(cats.label(i) for i in cats.ids[:3])
        row.add(error("category_missing", "category", examples=examples))
        return
    found = cats.resolve(text)
    if found is None:
        parts = split_list(text)
        resolved = [(p, cats.resolve(p)) for p in parts]
        known = [i for _p, i in resolved if i]
        if len(parts) > 1 and known:
            found = known[0]
            row.add(warning("several_categories", "category", value=text, chosen=_format_term(cats, found)))
        else:
            row.add(error("unknown_category", "category", value=text, suggestion=_suggestion(text, cats)))
            return
    row.props["category"] = found


def _check_terms(row: _Row, rec: Mapping[str, str], name: str, vocab: Vocabulary, code: str) -> None:
    ids: list[str] = []
    for part in split_list(rec[name]):
        found = vocab.resolve(part)
        if found is None:
            row.add(warning(code, name, value=part, suggestion=_suggestion(part, vocab)))
        elif found not in ids:
            ids.append(found)
    row.props[name] = ids


def _check_languages(row: _Row, rec: Mapping[str, str]) -> None:
    codes: list[str] = []
    for part in split_list(rec["languages"]):
        code = resolve_language(part)
        if code is None or not re.fullmatch(LANGUAGE_CODE_PATTERN, code):
            row.add(warning("unknown_language", "languages", value=part))
        elif code not in codes:
            codes.append(code)
    row.props["languages"] = codes


def _check_contact(row: _Row, rec: Mapping[str, str]) -> None:
    email, problem = normalize_email(rec["email"])
    row.add(problem)
    url, problem = normalize_url(rec["url"])
    row.add(problem)
    row.props["email"], row.props["url"] = email, url


def _check_address(row: _Row, rec: Mapping[str, str]) -> None:
    street, number = rec["street"], rec["house_number"]
    if street and not number and (match := _STREET_NUMBER.match(street)):
        street, number = match["street"].strip().rstrip(","), match["number"]
    plz, city = rec["postal_code"], rec["city"]
    if plz and (match := _PLZ_CITY.match(plz)):
        plz, city = match["plz"], city or match["city"].strip()
    plz = plz.replace(" ", "")
    if plz.isdigit() and len(plz) == 4:
        row.add(warning("postcode_four_digits", "postal_code", value=plz, fixed="0" + plz))
        plz = "0" + plz
    elif plz and not (plz.isdigit() and len(plz) == 5):
        row.add(warning("postcode_invalid", "postal_code", value=plz))
    row.props.update(street=street, house_number=number, postal_code=plz, city=city)


def _check_misc(row: _Row, rec: Mapping[str, str]) -> None:
    access, understood, _partly = parse_accessibility(rec["accessibility"])
    details = rec["accessibility_details"]
    if not understood:
        row.add(warning("accessibility_unclear", "accessibility", value=rec["accessibility"]))
    row.props["accessibility"], row.props["accessibility_details"] = access, details
    verified = parse_date(rec["last_verified"]) if rec["last_verified"] else None
    if rec["last_verified"] and verified is None:
        row.add(warning("date_invalid", "last_verified", value=rec["last_verified"]))
    row.props["last_verified"] = verified.isoformat() if verified else None
    demo = parse_bool(rec["demo"]) if rec["demo"] else None
    if rec["demo"] and demo is None:
        row.add(warning("demo_unclear", "demo", value=rec["demo"]))
    row.props["demo"] = demo  # None: the city config's default applies (etl.pipeline)


def parse_visibility(text: str) -> str | None:
    """A ``Standort anzeigen`` cell as ``exact``/``street``/``district``; ``exact`` when empty, None when not understood."""
    key = " ".join(fold(text).replace("-", " ").rstrip(".").split())
    return "exact" if not key else LOCATION_VISIBILITY_VALUES.get(key)


def _check_privacy(row: _Row, rec: Mapping[str, str]) -> None:
    """The privacy levels: ``location_visibility`` and ``listed``.

    A value that is not understood takes the most protective default (``district``;
    not listed) with a warning: a clerk who filled the cell wanted less shown, and a
    typo must not publish an address or an organisation that asked not to be listed.
    """
    text = rec.get("location_visibility", "")
    visibility = parse_visibility(text)
    if visibility is None:
        row.add(warning("location_visibility_unclear", "location_visibility", value=text))
    row.props["location_visibility"] = visibility or "district"
    text = rec.get("listed", "")
    listed = parse_bool(text) if text else True
    if listed is None:
        row.add(warning("listed_unclear", "listed", value=text))
    row.props["listed"] = bool(listed)


def _has_address(props: Mapping[str, Any]) -> bool:
    return any(props.get(k) for k in ("street", "postal_code", "district"))


def _check_location(row: _Row, rec: Mapping[str, str], area: BaseGeometry | None, city_name: str) -> None:
    lat_text, lon_text = rec["lat"], rec["lon"]
    lat, lon = parse_number(lat_text), parse_number(lon_text)
    row.props["lat"] = row.props["lon"] = None
    has_address = _has_address(row.props)
    code: str | None = None
    params: dict[str, str] = {"lat": lat_text, "lon": lon_text}
    if not lat_text and not lon_text:
        pass
    elif lat is None or lon is None:
        bad = ", ".join(f"'{t}'" for t, v in ((lat_text, lat), (lon_text, lon)) if v is None)
        code, params = "coordinate_not_number", {"values": bad}
    elif in_area(lon, lat, area):
        row.props["lat"], row.props["lon"] = lat, lon
    elif in_area(lat, lon, area):
        row.props["lat"], row.props["lon"] = lon, lat
        row.add(warning("coordinates_swapped", "lat", lat=lat_text, lon=lon_text))
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        code = "coordinates_out_of_range"
    else:
        code, params = "coordinates_outside_city", {**params, "city": city_name}
    if code and has_address:  # the address will place the row
        row.add(warning(code, "lat", **params))
    elif code:
        row.add(error(code + "_no_address", "lat", **params))
    elif row.props["lat"] is None and not has_address:
        row.add(error("no_location", "lat"))


def check_row(
    number: int, rec: Mapping[str, str], taxonomy: Taxonomy, area: BaseGeometry | None, city_name: str
) -> _Row:
    """Check one input row (all values str) and collect every problem."""
    row = _Row(number)
    for name in TEXT_FIELDS:
        value = rec[name]
        single = value if name in _MULTILINE_FIELDS else " ".join(value.split())
        row.props[name] = value if single == value else single  # an unchanged cell stays one shared object
    rec = {
        **rec,
        **{k: v for k, v in row.props.items() if k in ("name", "street", "house_number", "postal_code", "city")},
    }
    _check_name(row, rec)
    _check_category(row, rec, taxonomy)
    _check_terms(row, rec, "subcategories", taxonomy.subcategories, "unknown_subcategory")
    _check_terms(row, rec, "target_groups", taxonomy.target_groups, "unknown_target_group")
    _check_languages(row, rec)
    _check_contact(row, rec)
    _check_address(row, rec)
    _check_misc(row, rec)
    _check_privacy(row, rec)
    _check_location(row, rec, area, city_name)
    for name in TEXT_FIELDS:
        if row.props.get(name) == "":
            row.props[name] = None
    return row


# --- ids across rows -------------------------------------------------------------------


def _assign_ids(
    numbers: Sequence[int],
    given: Sequence[str],
    props: Mapping[str, Sequence[Any]],
    problems: dict[int, list[Problem]],
) -> list[str]:
    """Every row's id: sanitised given ids (later duplicates rejected) or stable generated ones.

    Parameters
    ----------
    numbers, given
        Per row (by position): the input row number and the id cell as given.
    props
        The checked values by field (``name``, ``street``, ``house_number``, ``postal_code``),
        aligned with ``numbers``; they make the stable id of a row without one.
    problems
        Position -> the row's problems; an id problem is appended (a list is created when needed).

    Returns
    -------
    list of str
        The id of each row, aligned with ``numbers``.
    """
    ids: list[str] = [""] * len(numbers)
    first_seen: dict[str, int] = {}
    pending: list[int] = []
    for pos, (number, text) in enumerate(zip(numbers, given, strict=True)):
        ident = (text if is_valid_id(text) else sanitize_id(text)) if text else ""
        if not ident:
            pending.append(pos)
            continue
        if ident != text:
            problems.setdefault(pos, []).append(warning("id_invalid_chars", "id", value=text, id=ident))
        if ident in first_seen:
            problems.setdefault(pos, []).append(
                error("duplicate_id", "id", value=text, first_row=str(first_seen[ident]))
            )
        else:
            first_seen[ident] = number
        ids[pos] = ident
    taken = set(first_seen)
    for pos in pending:
        parts = (props[name][pos] or "" for name in ("name", "street", "house_number", "postal_code"))
        base = stable_id(*parts)
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        if n > 1:
            problems.setdefault(pos, []).append(warning("id_same_name_address", "id", id=ident))
        taken.add(ident)
        ids[pos] = ident
    return ids


def _frame_records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows of ``frame`` as dicts of plain Python values, one at a time (only one row's dict is alive)."""
    names = [str(name) for name in frame.columns]
    for values in zip(*(frame[name].tolist() for name in names), strict=True):
        yield dict(zip(names, values, strict=True))


def validate_rows(
    frame: pd.DataFrame,
    taxonomy: Taxonomy,
    city_area: BaseGeometry | None = None,
    city_name: str = "der Stadt",
) -> ValidationResult:
    """Validate every row of an extracted frame.

    Parameters
    ----------
    frame
        From :func:`etl.extract.read_table` (all values str, plus ``row``).
    taxonomy
        Categories and target groups to resolve against.
    city_area
        Polygon of the city in EPSG:4326 (degrees), used to detect swapped and
        out-of-city coordinates; None checks against Germany's bounds.
    city_name
        Used in messages ("liegen außerhalb von Ludwigsburg").
    """
    # One row at a time: the row's dict and its scratchpad are dropped once its values are in the
    # columns below (all rows' dicts at once cost about 1 GB for 200,000 rows).
    numbers: list[int] = []
    given: list[str] = []
    columns: dict[str, list[Any]] = {name: [] for name in INPUT_FIELDS if name != "id"}
    problems_at: dict[int, list[Problem]] = {}
    seen: dict[Any, Problem] = {}
    for pos, rec in enumerate(_frame_records(frame)):
        row = check_row(int(rec["row"]), rec, taxonomy, city_area, city_name)
        numbers.append(row.number)
        given.append(rec["id"])
        for name, values in columns.items():
            values.append(row.props.get(name, _MISSING))
        if row.problems:
            problems_at[pos] = share_equal(row.problems, seen)
    ids = _assign_ids(numbers, given, columns, problems_at)
    del given
    problems = tuple((numbers[pos], p) for pos in sorted(problems_at) for p in problems_at[pos])
    rejected = {pos for pos, found in problems_at.items() if any(p.is_error for p in found)}
    data: dict[str, list[Any]] = {"row": numbers, "id": ids, **columns}
    if rejected:
        data = {name: [v for pos, v in enumerate(values) if pos not in rejected] for name, values in data.items()}
    valid = pd.DataFrame(data, columns=["row", *INPUT_FIELDS], dtype=object)
    logger.info(
        "validated %d rows: %d kept, %d rejected, %d problems",
        len(numbers),
        len(valid),
        len(rejected),
        len(problems),
    )
    return ValidationResult(valid=valid, problems=problems)


#: The fields of one input record as validation reads them (the offer list's columns after header
#: matching; a form posts the same): the register's per-record check and edit forms use this list.
INPUT_FIELDS: tuple[str, ...] = (
    "id",
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
    "lat",
    "lon",
)
