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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl._frames import records as table_records
from etl.extract import parse_number, split_list
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
_PARTLY = frozenset({"teilweise", "eingeschraenkt", "bedingt", "partly", "partial", "teils"})


@dataclass(frozen=True)
class ValidationResult:
    """Result of :func:`validate_rows`.

    Attributes
    ----------
    valid
        One row per kept offer: ``row``, the contract fields (lists as lists of
        ids, ``accessibility`` as ``yes/no/unknown``, ``demo`` as bool or None when
        the cell is empty),
        ``district`` (the Stadtteil as given, for geocoding) and ``lat``/``lon``
        (floats in EPSG:4326, or None when the row must be geocoded).
    rejects
        Columns ``row`` and ``reason`` (German, every fatal problem of the row).
    warnings
        ``{"row", "field", "message"}`` dicts for every fixed or dropped value.
    """

    valid: pd.DataFrame
    rejects: pd.DataFrame
    warnings: tuple[dict[str, Any], ...] = ()


@dataclass
class _Row:
    """Mutable scratchpad while checking one row (never leaves this module)."""

    number: int
    props: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[tuple[str | None, str]] = field(default_factory=list)

    def warn(self, field_name: str | None, message: str) -> None:
        self.warnings.append((field_name, message))


# --- pure value checks ---------------------------------------------------------------


def normalize_url(text: str) -> tuple[str | None, str | None]:
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
            return None, f"Link '{text}' nicht erlaubt (nur {allowed}) – weggelassen"
        rest = text[scheme.end() :]
        if name in ("http", "https"):
            host = rest.removeprefix("//").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            if not rest.startswith("//") or not _HOST.match(host) or " " in text:
                return None, f"Webseite '{text}' ist keine gültige Adresse – weggelassen"
        elif not rest.strip() or " " in rest.strip():
            return None, f"Link '{text}' ist unvollständig – weggelassen"
        return name + text[len(name) :], None
    if _DOMAIN.match(text):
        return f"https://{text}", f"Webseite '{text}' ohne 'https://' – ergänzt zu 'https://{text}'"
    return None, f"Webseite '{text}' ist keine gültige Adresse – weggelassen (Beispiel: https://www.beispiel.de)"


def normalize_email(text: str) -> tuple[str | None, str | None]:
    """Return ``(address or None, warning or None)``; a ``mailto:`` prefix is removed, the first of several kept."""
    parts = split_list(text.replace(" ", ",")) if text else []
    if not parts:
        return None, None
    first = parts[0].removeprefix("mailto:").strip()
    if not _EMAIL.match(first):
        return None, f"E-Mail '{text.strip()}' ist ungültig – weggelassen (Beispiel: name@beispiel.de)"
    if len(parts) > 1:
        return first, f"mehrere E-Mail-Adressen – nur '{first}' übernommen"
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
    """Map a Barrierefrei cell to ``(yes|no|unknown, understood, partly)``."""
    key = fold(text).rstrip(".")
    if key in _YES:
        return "yes", True, False
    if key in _NO:
        return "no", True, False
    if key in _UNKNOWN:
        return "unknown", True, False
    if key in _PARTLY:
        return "unknown", True, True
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


def _unknown_term(kind: str, text: str, vocab: Vocabulary) -> str:
    suggestion = vocab.suggest(text)
    hint = f" – meinten Sie {_format_term(vocab, suggestion)}?" if suggestion else ""
    return f"unbekannte {kind} '{text}'{hint}"


# --- per-field checks on one row -----------------------------------------------------


def _check_name(row: _Row, rec: Mapping[str, str]) -> None:
    if not rec["name"]:
        row.errors.append("Name fehlt – bitte Spalte 'Name' ausfüllen")
    row.props["name"] = rec["name"] or None


def _check_category(row: _Row, rec: Mapping[str, str], taxonomy: Taxonomy) -> None:
    text = rec["category"]
    cats = taxonomy.categories
    if not text:
        examples = ", ".join(cats.label(i) for i in cats.ids[:3])
        row.errors.append(f"Kategorie fehlt – bitte Spalte 'Kategorie' ausfüllen (z. B. {examples})")
        return
    found = cats.resolve(text)
    if found is None:
        parts = split_list(text)
        resolved = [(p, cats.resolve(p)) for p in parts]
        known = [i for _p, i in resolved if i]
        if len(parts) > 1 and known:
            found = known[0]
            row.warn("category", f"mehrere Kategorien '{text}' – nur {_format_term(cats, found)} übernommen")
        else:
            row.errors.append(_unknown_term("Kategorie", text, cats) + " Bitte eine Kategorie der Liste verwenden.")
            return
    row.props["category"] = found


def _check_terms(row: _Row, rec: Mapping[str, str], name: str, vocab: Vocabulary, kind: str) -> None:
    ids: list[str] = []
    for part in split_list(rec[name]):
        found = vocab.resolve(part)
        if found is None:
            row.warn(name, _unknown_term(kind, part, vocab) + " – ignoriert")
        elif found not in ids:
            ids.append(found)
    row.props[name] = ids


def _check_languages(row: _Row, rec: Mapping[str, str]) -> None:
    codes: list[str] = []
    for part in split_list(rec["languages"]):
        code = resolve_language(part)
        if code is None or not re.fullmatch(LANGUAGE_CODE_PATTERN, code):
            row.warn(
                "languages", f"unbekannte Sprache '{part}' – ignoriert (Name oder ISO-Code, z. B. 'Türkisch' oder 'tr')"
            )
        elif code not in codes:
            codes.append(code)
    row.props["languages"] = codes


def _check_contact(row: _Row, rec: Mapping[str, str]) -> None:
    email, message = normalize_email(rec["email"])
    if message:
        row.warn("email", message)
    url, message = normalize_url(rec["url"])
    if message:
        row.warn("url", message)
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
        row.warn("postal_code", f"PLZ '{plz}' hat nur 4 Ziffern – führende 0 ergänzt ('0{plz}')")
        plz = "0" + plz
    elif plz and not (plz.isdigit() and len(plz) == 5):
        row.warn("postal_code", f"PLZ '{plz}' ist keine fünfstellige Postleitzahl – bitte prüfen")
    row.props.update(street=street, house_number=number, postal_code=plz, city=city)


def _check_misc(row: _Row, rec: Mapping[str, str]) -> None:
    access, understood, partly = parse_accessibility(rec["accessibility"])
    details = rec["accessibility_details"]
    if partly and not details:
        details = rec["accessibility"]
    if not understood:
        row.warn(
            "accessibility",
            f"Barrierefrei '{rec['accessibility']}' nicht verstanden (ja/nein) – als unbekannt übernommen",
        )
    row.props["accessibility"], row.props["accessibility_details"] = access, details
    verified = parse_date(rec["last_verified"]) if rec["last_verified"] else None
    if rec["last_verified"] and verified is None:
        row.warn("last_verified", f"Datum '{rec['last_verified']}' ungültig (TT.MM.JJJJ) – weggelassen")
    row.props["last_verified"] = verified.isoformat() if verified else None
    demo = parse_bool(rec["demo"]) if rec["demo"] else None
    if rec["demo"] and demo is None:
        row.warn("demo", f"Demo '{rec['demo']}' nicht verstanden (ja/nein) – Vorgabe der Stadt übernommen")
    row.props["demo"] = demo  # None: the city config's default applies (etl.pipeline)


def _has_address(props: Mapping[str, Any]) -> bool:
    return any(props.get(k) for k in ("street", "postal_code", "district"))


def _check_location(row: _Row, rec: Mapping[str, str], area: BaseGeometry | None, city_name: str) -> None:
    lat_text, lon_text = rec["lat"], rec["lon"]
    lat, lon = parse_number(lat_text), parse_number(lon_text)
    row.props["lat"] = row.props["lon"] = None
    has_address = _has_address(row.props)
    fallback = "Lage wird aus der Adresse bestimmt" if has_address else None
    problem: str | None = None
    if not lat_text and not lon_text:
        pass
    elif lat is None or lon is None:
        bad = ", ".join(f"'{t}'" for t, v in ((lat_text, lat), (lon_text, lon)) if v is None)
        problem = f"Koordinate {bad} fehlt oder ist keine Zahl (Beispiel: 48,8973 und 9,1920)"
    elif in_area(lon, lat, area):
        row.props["lat"], row.props["lon"] = lat, lon
    elif in_area(lat, lon, area):
        row.props["lat"], row.props["lon"] = lon, lat
        row.warn("lat", f"Breiten- und Längengrad vertauscht ({lat_text} / {lon_text}) – getauscht")
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problem = (
            f"Koordinaten ({lat_text} / {lon_text}) außerhalb des gültigen Bereichs (Breite -90..90, Länge -180..180)"
        )
    else:
        problem = f"Koordinaten ({lat_text} / {lon_text}) liegen außerhalb von {city_name}"
    if problem and fallback:
        row.warn("lat", f"{problem} – {fallback}")
    elif problem:
        row.errors.append(f"{problem} und keine Adresse angegeben – bitte Breitengrad/Längengrad prüfen")
    elif row.props["lat"] is None and not has_address:
        row.errors.append(
            "Keine Lage angegeben – bitte Breitengrad/Längengrad oder Adresse (Straße, PLZ) oder Stadtteil ausfüllen"
        )


def check_row(
    number: int, rec: Mapping[str, str], taxonomy: Taxonomy, area: BaseGeometry | None, city_name: str
) -> _Row:
    """Check one input row (all values str) and collect every problem."""
    row = _Row(number)
    for name in TEXT_FIELDS:
        value = rec[name]
        row.props[name] = value if name in _MULTILINE_FIELDS else " ".join(value.split())
    rec = {
        **rec,
        **{k: v for k, v in row.props.items() if k in ("name", "street", "house_number", "postal_code", "city")},
    }
    _check_name(row, rec)
    _check_category(row, rec, taxonomy)
    _check_terms(row, rec, "subcategories", taxonomy.subcategories, "Unterkategorie")
    _check_terms(row, rec, "target_groups", taxonomy.target_groups, "Zielgruppe")
    _check_languages(row, rec)
    _check_contact(row, rec)
    _check_address(row, rec)
    _check_misc(row, rec)
    _check_location(row, rec, area, city_name)
    for name in TEXT_FIELDS:
        if row.props.get(name) == "":
            row.props[name] = None
    return row


# --- ids across rows -------------------------------------------------------------------


def _assign_ids(rows: list[_Row], given: list[str]) -> None:
    """Give every row an id: sanitised given ids (later duplicates rejected) or stable generated ones."""
    first_seen: dict[str, int] = {}
    pending: list[_Row] = []
    for row, text in zip(rows, given, strict=True):
        ident = (text if is_valid_id(text) else sanitize_id(text)) if text else ""
        if not ident:
            pending.append(row)
            continue
        if ident != text:
            row.warn("id", f"ID '{text}' enthält unerlaubte Zeichen – als '{ident}' übernommen")
        if ident in first_seen:
            row.errors.append(
                f"ID '{text}' kommt doppelt vor (schon in Zeile {first_seen[ident]}) – bitte eine eindeutige ID vergeben"
            )
        else:
            first_seen[ident] = row.number
        row.props["id"] = ident
    taken = set(first_seen)
    for row in pending:
        p = row.props
        base = stable_id(p["name"] or "", p["street"] or "", p["house_number"] or "", p["postal_code"] or "")
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        if n > 1:
            row.warn("id", f"gleicher Name und gleiche Adresse wie ein früherer Eintrag – ID '{ident}' vergeben")
        taken.add(ident)
        row.props["id"] = ident


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
    records = table_records(frame)
    rows = [check_row(int(rec["row"]), rec, taxonomy, city_area, city_name) for rec in records]
    _assign_ids(rows, [rec["id"] for rec in records])
    warnings = tuple({"row": r.number, "field": f, "message": m} for r in rows for f, m in r.warnings)
    kept = [{"row": r.number, **r.props} for r in rows if not r.errors]
    rejected = [{"row": r.number, "reason": "; ".join(r.errors)} for r in rows if r.errors]
    valid = pd.DataFrame(kept, columns=_VALID_COLUMNS, dtype=object)
    rejects = pd.DataFrame(rejected, columns=["row", "reason"], dtype=object)
    logger.info(
        "validated %d rows: %d kept, %d rejected, %d warnings", len(rows), len(valid), len(rejects), len(warnings)
    )
    return ValidationResult(valid=valid, rejects=rejects, warnings=warnings)


_VALID_COLUMNS = [
    "row",
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
    "lat",
    "lon",
]
