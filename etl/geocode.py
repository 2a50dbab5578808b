"""Geocoding: turn addresses into points, through a chain of providers and a cache.

The chain is pure: :func:`geocode_queries` asks the cache, then each provider in
order, and the first hit wins. A provider that fails for one row raises
:class:`ProviderError`; the failure is recorded and the chain goes on, so a batch
never aborts because one service hiccups. Rows nobody can place get a German
reason a clerk can act on (it ends up in ``rejects.csv``).

The providers themselves (address register, online geocoder, postcode and
district centroids) live in :mod:`etl._geocoders`; :func:`make_providers` builds
them from :class:`GazetteerSettings` and :class:`GeocoderSettings`.

All coordinates here are longitude/latitude in EPSG:4326 (degrees).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import sqlite3
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from geodata.schema import PRECISIONS, SOURCES
from geodata.taxonomy import fold

logger = logging.getLogger(__name__)

#: Bump when the cache layout or the meaning of a cached answer changes.
CACHE_VERSION = "1"
#: File name of the geocode cache inside a directory given to :meth:`GeocodeCache.open`.
CACHE_FILE = "geocode-cache.sqlite"
#: Sources a provider may report (``input`` is handled by validation before geocoding).
PROVIDER_SOURCES: tuple[str, ...] = tuple(s for s in SOURCES if s != "input")
#: Precisions a provider may report.
PROVIDER_PRECISIONS: tuple[str, ...] = tuple(p for p in PRECISIONS if p != "input")

_FIX = "bitte Adresse prüfen oder Koordinaten angeben"
_NON_WORD = re.compile(r"[\W_]+")
_HOUSE_NUMBER = re.compile(r"^\D*?(\d+)\s*(.*)$")
_RANGE_REST = re.compile(r"\s*[-–—]\s*\d+.*$")
_DIGITS = re.compile(r"\d+")
#: Abbreviations contracted to one canonical short form (applied to a fixed point).
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (("strasse", "str"), ("platz", "pl"))


class ProviderError(RuntimeError):
    """A provider could not answer for one row (timeout, HTTP 429/5xx, refused request).

    The chain records the message, goes on with the next provider and never
    caches the row's result, so the next run tries again.
    """


class GazetteerError(ValueError):
    """The configured address register cannot be used (missing column, unknown CRS, unreadable)."""


# --------------------------------------------------------------------------------------------
# Normalisation (pure)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _squash(text: str | None) -> str:
    """Fold case, umlauts, ß and accents, then drop everything but letters and digits."""
    if not text:
        return ""
    return _NON_WORD.sub("", fold(unicodedata.normalize("NFC", str(text))))


@lru_cache(maxsize=1 << 16)
def normalize_street(text: str | None) -> str:
    """Matching key of a street name.

    Case, spaces, hyphens, dots, umlauts and ß/ss are ignored, and the
    abbreviations "Str." and "Pl." equal "Straße" and "Platz":
    ``"Friedrich-Ebert-Str."``, ``"friedrich ebert strasse"`` and
    ``"Friedrich-Ebert-Straße"`` all give ``"friedrichebertstr"``.

    Parameters
    ----------
    text
        Street name as written in the input (may be ``None``).

    Returns
    -------
    str
        The key (empty string for no street). ``normalize_street`` is idempotent.
    """
    key = _squash(text)
    changed = True
    while changed:  # to a fixed point, so that the function is idempotent
        changed = False
        for long, short in _ABBREVIATIONS:
            if long in key:
                key = key.replace(long, short)
                changed = True
    return key


@lru_cache(maxsize=1 << 16)
def split_house_number(text: str | None) -> tuple[int | None, str]:
    """Split a house number into its number and suffix.

    ``"12a"`` and ``"12 A"`` give ``(12, "a")``; a range ``"3-5"`` gives
    ``(3, "")`` (the first number); ``"12/1"`` gives ``(12, "1")``. Text without
    a digit gives ``(None, "")``.
    """
    if text is None:
        return None, ""
    match = _HOUSE_NUMBER.match(fold(unicodedata.normalize("NFC", str(text))))
    if not match:
        return None, ""
    number, rest = int(match.group(1)), match.group(2).strip()
    rest = _RANGE_REST.sub("", rest, count=1)  # "3-5" and "3a-5": keep the first number
    return number, _NON_WORD.sub("", rest)


def normalize_house_number(text: str | None) -> str:
    """Matching key of a house number: ``"12 A"`` -> ``"12a"``, ``"3-5"`` -> ``"3"``, no number -> ``""``."""
    number, suffix = split_house_number(text)
    return "" if number is None else f"{number}{suffix}"


@lru_cache(maxsize=1 << 16)
def normalize_postcode(text: str | None) -> str:
    """Matching key of a German postcode.

    Keeps the digits (``"D-71634"`` -> ``"71634"``), drops a spreadsheet's
    ``".0"`` and restores the leading zero that spreadsheets strip
    (``"1067"`` -> ``"01067"``). Anything else is returned as its digits.
    """
    if text is None:
        return ""
    value = str(text).strip()
    if value.endswith(".0"):
        value = value[:-2]
    digits = "".join(_DIGITS.findall(value))
    return digits.zfill(5) if len(digits) == 4 else digits


def normalize_place(text: str | None) -> str:
    """Matching key of a city or district name (case, umlaut, space and hyphen insensitive)."""
    return _squash(text)


# --------------------------------------------------------------------------------------------
# Queries, locations, providers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressQuery:
    """An address to locate; every part is optional.

    Parameters
    ----------
    street, house_number, postal_code, city, district
        The parts as written in the input (``None`` or empty when absent).
    """

    street: str | None = None
    house_number: str | None = None
    postal_code: str | None = None
    city: str | None = None
    district: str | None = None

    def key(self) -> str:
        """Normalised form, equal for spellings that mean the same address (cache and matching key)."""
        return "|".join(
            (
                normalize_street(self.street),
                normalize_house_number(self.house_number),
                normalize_postcode(self.postal_code),
                normalize_place(self.city),
                normalize_place(self.district),
            )
        )

    def is_empty(self) -> bool:
        """True when no part that could locate the row is given."""
        return not any(
            (
                normalize_street(self.street),
                normalize_postcode(self.postal_code),
                normalize_place(self.district),
            )
        )


@dataclass(frozen=True)
class Location:
    """A located point.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (EPSG:4326).
    source
        Which provider found it, one of :data:`PROVIDER_SOURCES`.
    precision
        How exact it is, one of :data:`PROVIDER_PRECISIONS`.
    """

    lon: float
    lat: float
    source: str
    precision: str

    def __post_init__(self) -> None:
        if self.source not in PROVIDER_SOURCES:
            raise ValueError(f"Location source {self.source!r} is not one of {', '.join(PROVIDER_SOURCES)}")
        if self.precision not in PROVIDER_PRECISIONS:
            raise ValueError(f"Location precision {self.precision!r} is not one of {', '.join(PROVIDER_PRECISIONS)}")
        if not (-180.0 <= self.lon <= 180.0 and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"Location ({self.lon}, {self.lat}) is not longitude/latitude in degrees (EPSG:4326)")


@runtime_checkable
class Provider(Protocol):
    """Something that can locate an address.

    ``locate`` returns ``None`` when the provider definitively does not know the
    address and raises :class:`ProviderError` when it could not answer this time.
    Providers may also offer ``fingerprint: str`` (changes whenever their answers
    could change; part of the cache key) and ``explain_miss(query) -> str | None``
    (a German reason why they had no answer).
    """

    name: str

    def locate(self, query: AddressQuery) -> Location | None:
        """Return the location of ``query`` or ``None`` when unknown."""
        ...


def chain_fingerprint(providers: Sequence[Provider]) -> str:
    """Fingerprint of a provider chain: changes when any provider's configuration or order changes."""
    parts = [CACHE_VERSION] + [str(getattr(p, "fingerprint", p.name)) for p in providers]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------

#: Default register columns (field -> header), matched case- and umlaut-insensitively.
DEFAULT_GAZETTEER_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"street": "strasse", "house_number": "hausnummer", "postal_code": "plz", "city": "ort", "x": "x", "y": "y"}
)


@dataclass(frozen=True)
class GazetteerSettings:
    """A local address register (e.g. the official house coordinates of a Land).

    Parameters
    ----------
    path
        CSV (``;`` or ``,``, UTF-8 or Windows-1252) or GeoPackage of addresses.
        ``None`` means no register is configured.
    crs
        CRS of the ``x``/``y`` columns, e.g. ``"EPSG:25832"`` (ETRS89 / UTM 32N,
        metres). ``None`` = the GeoPackage's own CRS (required for CSV).
    columns
        Register header for each of ``street``, ``house_number``, ``postal_code``,
        ``city``, ``x``, ``y`` (optional ``house_number_suffix`` for registers that
        keep "a" in a column of its own). In a GeoPackage, ``x``/``y`` may be
        absent: the point geometry is used.
    index_path
        Where to keep the prepared SQLite index; ``None`` = in the build's
        ``.cache/`` folder.
    """

    path: Path | None = None
    crs: str | None = "EPSG:25832"
    columns: Mapping[str, str] = field(default_factory=lambda: DEFAULT_GAZETTEER_COLUMNS)
    index_path: Path | None = None


@dataclass(frozen=True)
class GeocoderSettings:
    """The optional online geocoder (off by default; never used in tests).

    Parameters
    ----------
    online
        Ask the online service for addresses the register does not know.
    provider
        ``"nominatim"`` or ``"photon"``.
    url
        Base URL of the service, e.g. ``"https://nominatim.example.de"``; ``None``
        = the public instance (mind its usage policy: at most 1 request/s, no bulk).
    user_agent
        Identifies the application to the service; name your city and a contact.
    min_delay_seconds
        Minimum time between two requests (seconds).
    timeout_seconds
        Time limit of one request (seconds).
    max_retries
        Further attempts after a timeout, HTTP 429 or 5xx (with growing pauses).
    """

    online: bool = False
    provider: str = "nominatim"
    url: str | None = None
    user_agent: str = "stadtkarte-integration/0.1"
    min_delay_seconds: float = 1.0
    timeout_seconds: float = 10.0
    max_retries: int = 2


def make_providers(
    gazetteer: GazetteerSettings | None,
    geocoder: GeocoderSettings | None,
    postcodes_allowed: Iterable[str] | None,
    district_points: Mapping[str, tuple[float, float]] | None,
    index_dir: str | Path,
) -> list[Provider]:
    """Build the provider chain: register -> online (if enabled) -> postcode -> district.

    Parameters
    ----------
    gazetteer
        The address register, or ``None``/``path=None`` when there is none.
    geocoder
        Online geocoder settings; used only when ``geocoder.online``.
    postcodes_allowed
        The city's postcodes; postcode centroids and online results elsewhere are
        refused. ``None`` accepts every German postcode.
    district_points
        District name or id -> representative point ``(lon, lat)`` (EPSG:4326).
    index_dir
        Folder for the prepared register index (built once, reused while the
        register file is unchanged).

    Raises
    ------
    geodata.errors.DatasetError
        The register file does not exist.
    GazetteerError
        The register lacks a configured column or its CRS is unknown.
    """
    from etl import _geocoders  # the providers depend on this module, so import them late

    return _geocoders.make_providers(gazetteer, geocoder, postcodes_allowed, district_points, Path(index_dir))


# --------------------------------------------------------------------------------------------
# The chain (pure apart from the optional cache)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The chain's answer for one distinct query.

    ``definitive`` is false when a provider failed on the way, so the answer is
    not cached and the next run tries again.
    """

    location: Location | None
    error: str | None
    definitive: bool


@dataclass(frozen=True)
class GeocodeOutcome:
    """Result of :func:`geocode_queries`, aligned with the input queries.

    Parameters
    ----------
    locations
        ``locations[i]`` is the :class:`Location` of query ``i`` or ``None``.
    errors
        ``errors[i]`` is a German reason when ``locations[i]`` is ``None``, else ``None``.
    stats
        Rows per source (``gazetteer``, ``online``, ``postcode``, ``district``; a
        cache hit counts under the source that produced it), ``cache_hits`` and
        ``unresolved``.
    """

    locations: tuple[Location | None, ...]
    errors: tuple[str | None, ...]
    stats: Mapping[str, int]


def unresolved_reason(query: AddressQuery, misses: Sequence[str], failures: Sequence[str]) -> str:
    """German reason, for the rejects report, why ``query`` could not be placed.

    Parameters
    ----------
    query
        The address.
    misses
        Providers' own explanations of why they had no answer.
    failures
        Messages of providers that failed (:class:`ProviderError`).
    """
    if query.is_empty():
        return "Keine Adresse angegeben – bitte Straße und Hausnummer, PLZ oder Stadtteil eintragen oder Koordinaten angeben"
    known = []
    if normalize_street(query.street):
        known.append("Straße/Hausnummer")
    if postcode := normalize_postcode(query.postal_code):
        known.append(f"PLZ {postcode}")
    if district := (query.district or "").strip():
        known.append(f"Stadtteil „{district}“")
    if misses:
        found = "; ".join(misses)
    elif len(known) == 1:
        found = f"{known[0]} nicht bekannt"
    else:
        found = "weder " + " noch ".join(known) + " bekannt"
    if failures:
        found += " (" + "; ".join(f"Dienst nicht erreichbar – {f}" for f in failures) + ")"
        return f"Adresse nicht gefunden: {found} – {_FIX} oder später erneut versuchen"
    return f"Adresse nicht gefunden: {found} – {_FIX}"


def resolve_query(query: AddressQuery, providers: Sequence[Provider]) -> tuple[Answer, int]:
    """Walk the chain for one query; return the answer and the number of provider calls."""
    misses: list[str] = []
    failures: list[str] = []
    calls = 0
    for provider in providers:
        calls += 1
        try:
            location = provider.locate(query)
        except ProviderError as exc:
            failures.append(f"{provider.name}: {exc}")
            continue
        if location is not None:
            return Answer(location, None, definitive=not failures), calls
        explain = getattr(provider, "explain_miss", None)
        if explain is not None and (reason := explain(query)):
            misses.append(reason)
    return Answer(None, unresolved_reason(query, misses, failures), definitive=not failures), calls


def _with_progress(items: list[str], progress: bool) -> Iterable[str]:
    if not (progress and items and sys.stderr.isatty()):
        return items
    from tqdm import tqdm

    return tqdm(items, desc="Geokodierung", unit="Adr.", file=sys.stderr, leave=False)


def geocode_queries(
    queries: Iterable[AddressQuery],
    providers: Sequence[Provider],
    cache: GeocodeCache | None = None,
    progress: bool = False,
) -> GeocodeOutcome:
    """Locate every query: cache first, then the providers in order; the first hit wins.

    Identical queries (equal :meth:`AddressQuery.key`) are looked up once. A
    provider failure (:class:`ProviderError`) is recorded and the chain goes on;
    the batch never aborts. Definitive answers (hits, and misses without any
    failure) are written to ``cache``; answers reached after a failure are not.

    Parameters
    ----------
    queries
        The addresses, one per input row.
    providers
        The chain, e.g. from :func:`make_providers`.
    cache
        Optional persistent cache (:meth:`GeocodeCache.open`).
    progress
        Show a progress bar (only when stderr is a terminal).

    Returns
    -------
    GeocodeOutcome
        Locations and reasons aligned with ``queries``, plus counts.
    """
    queries = list(queries)
    keys = [q.key() for q in queries]
    first: dict[str, AddressQuery] = {}
    for key, query in zip(keys, queries, strict=True):
        first.setdefault(key, query)
    fingerprint = chain_fingerprint(providers)
    answers: dict[str, Answer] = dict(cache.get_many(fingerprint, first)) if cache is not None else {}
    cached = set(answers)
    todo = [k for k in first if k not in answers]
    started = time.perf_counter()
    fresh: dict[str, Answer] = {}
    calls = 0
    for key in _with_progress(todo, progress):
        answer, n = resolve_query(first[key], providers)
        calls += n
        answers[key] = answer
        if answer.definitive:
            fresh[key] = answer
    if cache is not None and fresh:
        cache.put_many(fingerprint, fresh)
    locations = tuple(answers[k].location for k in keys)
    errors = tuple(answers[k].error for k in keys)
    stats = _count(locations, [k in cached for k in keys])
    logger.info(
        "geocoded %d/%d rows (%d distinct addresses, %d provider calls in %.2f s): %s",
        len(keys) - stats["unresolved"],
        len(keys),
        len(first),
        calls,
        time.perf_counter() - started,
        ", ".join(f"{n} {name}" for name, n in stats.items() if n),
    )
    return GeocodeOutcome(locations, errors, MappingProxyType(stats))


def _count(locations: Sequence[Location | None], from_cache: Sequence[bool]) -> dict[str, int]:
    by_source = Counter(loc.source for loc in locations if loc is not None)
    stats = {source: by_source.get(source, 0) for source in PROVIDER_SOURCES}
    stats["cache_hits"] = sum(from_cache)
    stats["unresolved"] = sum(loc is None for loc in locations)
    return stats


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------

_CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    fingerprint TEXT NOT NULL,
    key TEXT NOT NULL,
    lon REAL, lat REAL, source TEXT, precision TEXT, error TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (fingerprint, key)
) WITHOUT ROWID
"""
_BATCH = 500


class GeocodeCache:
    """Persistent SQLite cache of the chain's definitive answers.

    The key is the normalised query plus the fingerprint of the provider chain,
    so a changed register or provider setting never serves stale answers.
    Open it with :meth:`open`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: str | Path) -> Iterator[GeocodeCache]:
        """Open (or create) the cache at ``path`` (a file, or a folder to hold ``geocode-cache.sqlite``).

        A cache file that SQLite cannot read is moved aside (``*.corrupt``) and a
        fresh one is started: the cache only saves work, it holds no data of its own.
        """
        path = Path(path)
        if path.is_dir():
            path = path / CACHE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _connect_cache(path)
        try:
            yield cls(db, path)
        finally:
            db.close()

    def get_many(self, fingerprint: str, keys: Iterable[str]) -> dict[str, Answer]:
        """Cached answers for those of ``keys`` that are known under ``fingerprint``."""
        keys = list(keys)
        found: dict[str, Answer] = {}
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT key, lon, lat, source, precision, error FROM answers WHERE fingerprint = ? AND key IN ({marks})",
                [fingerprint, *batch],
            )
            for key, lon, lat, source, precision, error in rows:
                location = Location(lon, lat, source, precision) if source is not None else None
                found[key] = Answer(location, error, definitive=True)
        return found

    def put_many(self, fingerprint: str, answers: Mapping[str, Answer]) -> None:
        """Store definitive ``answers`` under ``fingerprint`` (others are skipped)."""
        now = time.time()
        rows = [
            (fingerprint, key, *_location_columns(a.location), a.error, now)
            for key, a in answers.items()
            if a.definitive
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM answers").fetchone()[0])


def _location_columns(location: Location | None) -> tuple[float | None, float | None, str | None, str | None]:
    if location is None:
        return None, None, None, None
    return location.lon, location.lat, location.source, location.precision


def _connect_cache(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path)
        db.execute(_CACHE_SCHEMA)
        return db
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(path.name + ".corrupt")
        logger.warning("geocode cache %s is unreadable (%s); moved to %s and starting afresh", path, exc, aside)
        with contextlib.suppress(NameError):
            db.close()
        path.replace(aside)
        db = sqlite3.connect(path)
        db.execute(_CACHE_SCHEMA)
        return db
