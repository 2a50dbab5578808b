"""City configuration: one TOML file per municipality.

``load_config(None)`` loads the bundled Ludwigsburg demo config
(``geodata/datasets/ludwigsburg/city.toml``). Tables and keys::

    [city]        name, postcodes (list of PLZ), demo (bool), area (bbox or path), area_km2
    [columns]     contract field = ["header spelling", ...]   (merged over the defaults)
    [taxonomy]    categories = [...], target_groups = [...]   (see geodata.taxonomy)
    [board_topics] topics = [{id, labels = {de, en, ...}, aliases}, ...]: the exchange board's topics
                  (a known id updates the bundled topic, a new id is added; geodata.taxonomy.load_board_topics)
    [gazetteer]   settings of etl.settings.GazetteerSettings
    [geocoder]    settings of etl.settings.GeocoderSettings (online geocoding is opt-in)
    [dashboard]   contact = {email, phone, url}, basemap = {tiles, attribution}, route_url,
                  accessibility = {statement_date, evaluation, barriers, enforcement} (BITV 2.0 § 7),
                  easy_language = {text, checked_by}, sign_language = {video, captions, transcript},
                  frame_ancestors (sites that may embed the map, e.g. ["'self'", "https://www.stadt.de"])
                  content_language (language tag of the offers' own texts, default "de")
    [population]  grid (path of a population grid CSV)
    [input]       limits on input files: settings of etl.settings.InputLimits
    [database]    url (the register's database, e.g. postgresql+psycopg://user@host/db)

Paths are relative to the config file. An unknown table or key is an error
(:class:`etl.errors.ConfigError`) so that a typo never goes unnoticed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from etl.errors import ConfigError, InputMissingError
from etl.settings import DEFAULT_COLUMNS, GazetteerSettings, GeocoderSettings, InputLimits, merge_columns
from geodata.datasets import get_path
from geodata.errors import DatasetError
from geodata.taxonomy import load_board_topics

logger = logging.getLogger(__name__)

DEMO_CONFIG = "ludwigsburg/city.toml"
_S = TypeVar("_S")

__all__ = ["DEFAULT_COLUMNS", "CityConfig", "config_from_mapping", "load_config", "merge_columns"]

_ALLOWED: dict[str, frozenset[str] | None] = {
    "city": frozenset({"name", "postcodes", "demo", "area", "area_km2"}),
    "columns": frozenset(DEFAULT_COLUMNS),
    "taxonomy": frozenset({"categories", "target_groups"}),
    "board_topics": frozenset({"topics"}),
    "gazetteer": None,  # checked against etl.settings.GazetteerSettings
    "geocoder": None,  # checked against etl.settings.GeocoderSettings
    "dashboard": frozenset(
        {
            "contact",
            "basemap",
            "route_url",
            "frame_ancestors",
            "content_language",
            "accessibility",
            "easy_language",
            "sign_language",
        }
    ),
    "population": frozenset({"grid"}),
    "input": None,  # checked against etl.settings.InputLimits
    "database": frozenset({"url"}),
    "mail": frozenset({"host", "port", "starttls", "user", "password_env", "sender", "timeout_s"}),
    "freshness": frozenset({"remind_after_months", "answer_within_days", "retention_months"}),
}
_CONTACT_KEYS = frozenset({"email", "phone", "url"})
_BASEMAP_KEYS = frozenset({"tiles", "attribution"})
_PATH_KEYS = ("path", "file", "dir")


@dataclass(frozen=True)
class CityConfig:
    """Settings of one city build (read from TOML; see the module docstring).

    ``area`` is either a bounding box ``(min_lon, min_lat, max_lon, max_lat)`` in
    EPSG:4326 degrees, a path to a polygon file, or None (then the union of the
    districts is the city area).
    """

    name: str = "Stadt"
    postcodes: tuple[str, ...] = ()
    demo: bool = False
    area: tuple[float, float, float, float] | Path | None = None
    area_km2: float | None = None
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    taxonomy: Mapping[str, Any] = field(default_factory=dict)
    #: ``[board_topics]`` as written: ``{"topics": [{"id": ..., "labels": {...}, "aliases": [...]}]}``.
    board_topics: Mapping[str, Any] = field(default_factory=dict)
    gazetteer: Mapping[str, Any] = field(default_factory=dict)
    geocoder: Mapping[str, Any] = field(default_factory=dict)
    contact: Mapping[str, str] = field(default_factory=dict)
    basemap: Mapping[str, str] | None = None
    route_url: str | None = None
    frame_ancestors: tuple[str, ...] = ()
    #: ``[dashboard] content_language``: the language of the offers' own texts (names, addresses,
    #: descriptions), marked on them for screen readers; None = German.
    content_language: str | None = None
    population_grid: Path | None = None
    source: Path | None = None
    accessibility: AccessibilitySettings | None = None
    easy_language: EasyLanguageSettings | None = None
    sign_language: SignLanguageSettings | None = None
    input: Mapping[str, Any] = field(default_factory=dict)

    def input_limits(self) -> InputLimits:
        """The ``[input]`` table as :class:`etl.settings.InputLimits`."""
        try:
            return _settings(InputLimits, self.input, "input", self.source)
        except ValueError as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"{_where(self.source)}: {exc}") from exc

    #: ``[mail]`` as written (parsed and checked by :func:`registry.mail.mail_settings`); empty = outbox only.
    mail: Mapping[str, Any] = field(default_factory=dict)
    #: ``[freshness]`` as written (parsed by :func:`registry.reminders.freshness_settings`).
    freshness: Mapping[str, Any] = field(default_factory=dict)
    #: ``[database] url``: the register's database (env ``STADTKARTE_DATABASE_URL`` and ``--database`` win).
    database_url: str | None = None

    def gazetteer_settings(self) -> GazetteerSettings:
        """The ``[gazetteer]`` table as :class:`etl.settings.GazetteerSettings`."""
        return _settings(GazetteerSettings, self.gazetteer, "gazetteer", self.source)

    def geocoder_settings(self) -> GeocoderSettings:
        """The ``[geocoder]`` table as :class:`etl.settings.GeocoderSettings`."""
        return _settings(GeocoderSettings, self.geocoder, "geocoder", self.source)


def _where(source: Path | None) -> str:
    return f"config {source}" if source else "config"


def _settings(cls: type[_S], table: Mapping[str, Any], name: str, source: Path | None) -> _S:
    try:
        return cls(**table)
    except TypeError as exc:
        known = ", ".join(f.name for f in fields(cls)) if is_dataclass(cls) else "see etl.settings"
        raise ConfigError(f"{_where(source)}: bad key in [{name}] ({exc}); known keys: {known}") from exc


def _check_keys(raw: Mapping[str, Any], source: Path | None) -> None:
    for table, value in raw.items():
        if table not in _ALLOWED:
            raise ConfigError(
                f"{_where(source)}: unknown table [{table}]; known tables: {', '.join(f'[{t}]' for t in _ALLOWED)}"
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(source)}: [{table}] must be a table, e.g. '[{table}]' on its own line")
        allowed = _ALLOWED[table]
        unknown = sorted(set(value) - allowed) if allowed is not None else []
        if unknown:
            raise ConfigError(
                f"{_where(source)}: unknown key {unknown[0]!r} in [{table}]; known keys: {', '.join(sorted(allowed or ()))}"
            )


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _string_list(value: Any, what: str, source: Path | None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ConfigError(f'{_where(source)}: {what} must be a list of strings, e.g. ["71634", "71636"]')
    return tuple(str(v) for v in value)


_FRAME_SOURCE = re.compile(r"'self'|'none'|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _content_language(value: Any, source: Path | None) -> str | None:
    """``[dashboard] content_language``: a language tag such as ``de`` or ``de-CH`` (None when not set)."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value.strip()):
        raise ConfigError(
            f'{_where(source)}: [dashboard] content_language must be a language tag such as "de", not {value!r}'
        )
    return value.strip().lower()


def _frame_ancestors(value: Any, source: Path | None) -> tuple[str, ...]:
    """``[dashboard] frame_ancestors``: CSP sources allowed to embed the map (``'self'``, origins)."""
    sources = _string_list(value, "[dashboard] frame_ancestors", source)
    for item in sources:
        if not _FRAME_SOURCE.fullmatch(item):
            raise ConfigError(
                f"{_where(source)}: [dashboard] frame_ancestors entry {item!r} is not 'self', 'none' or an origin "
                "such as https://www.ludwigsburg.de"
            )
    return sources


def _area(value: Any, base: Path, source: Path | None) -> tuple[float, float, float, float] | Path | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _resolve(base, value)
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in value)
        if min_lon < max_lon and min_lat < max_lat:
            return (min_lon, min_lat, max_lon, max_lat)
    raise ConfigError(
        f"{_where(source)}: [city] area must be a bounding box [min_lon, min_lat, max_lon, max_lat] "
        f"in degrees or a path to a polygon file, not {value!r}"
    )


def _subtable(value: Any, allowed: frozenset[str], what: str, source: Path | None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{_where(source)}: {what} must be a table, e.g. {what} = {{ {next(iter(allowed))} = '...' }}"
        )
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ConfigError(
            f"{_where(source)}: unknown key {unknown[0]!r} in {what}; known keys: {', '.join(sorted(allowed))}"
        )
    return {k: str(v) for k, v in value.items() if str(v).strip()}


def _resolve_paths(table: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Resolve values of keys that name files (``path``, ``*_path``, ``file``, ``*_dir``) against ``base``."""
    return {
        k: _resolve(base, v) if isinstance(v, str) and any(k == p or k.endswith("_" + p) for p in _PATH_KEYS) else v
        for k, v in table.items()
    }


def _board_topics(table: Mapping[str, Any], source: Path | None) -> dict[str, Any]:
    """``[board_topics]``: ``topics`` must be a list of tables, each with an ``id`` (and German labels for a new id).

    The shape is checked first, then the merge with the bundled topics (:func:`geodata.taxonomy.load_board_topics`)
    so that a new topic without a German label fails here, at load time.
    """
    topics = table.get("topics", [])
    example = '[[board_topics.topics]] with id = "rooms" and labels = { de = "Räume", en = "Rooms" }'
    if not isinstance(topics, list) or not all(isinstance(t, dict) and str(t.get("id", "")).strip() for t in topics):
        raise ConfigError(
            f"{_where(source)}: [board_topics] topics must be a list of tables with an 'id', e.g. {example}"
        )
    for term in topics:
        labels = term.get("labels", {})
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise ConfigError(
                f"{_where(source)}: [board_topics] topic {term['id']!r}: labels must map a language to a text"
            )
    if not topics:
        return {}
    overrides = {"topics": [dict(t) for t in topics]}
    try:
        load_board_topics(overrides=overrides)
    except DatasetError as exc:
        raise ConfigError(
            f"{_where(source)}: [board_topics] {exc} (a new topic needs labels with at least de)"
        ) from exc
    return overrides


def config_from_mapping(raw: Mapping[str, Any], base: Path | None = None, source: Path | None = None) -> CityConfig:
    """Build a :class:`CityConfig` from a parsed TOML mapping (paths relative to ``base``)."""
    base = base or Path.cwd()
    _check_keys(raw, source)
    city = raw.get("city", {})
    dashboard = raw.get("dashboard", {})
    name = city.get("name", "Stadt")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{_where(source)}: [city] name must be a non-empty string, e.g. name = "Ludwigsburg"')
    demo = city.get("demo", False)
    if not isinstance(demo, bool):
        raise ConfigError(f"{_where(source)}: [city] demo must be true or false, not {demo!r}")
    columns = raw.get("columns", {})
    for key, spellings in columns.items():
        _string_list(spellings, f"[columns] {key}", source)
    taxonomy = raw.get("taxonomy", {})
    for key, terms in taxonomy.items():
        if not isinstance(terms, list) or not all(isinstance(t, dict) and "id" in t for t in terms):
            raise ConfigError(f"{_where(source)}: [taxonomy] {key} must be a list of tables with an 'id'")
    board_topics = _board_topics(raw.get("board_topics", {}), source)
    area_km2 = city.get("area_km2")
    if area_km2 is not None and (isinstance(area_km2, bool) or not isinstance(area_km2, int | float) or area_km2 <= 0):
        raise ConfigError(f"{_where(source)}: [city] area_km2 must be a positive number of km², not {area_km2!r}")
    grid = raw.get("population", {}).get("grid")
    route_url = dashboard.get("route_url")
    database_url = raw.get("database", {}).get("url")
    if database_url is not None and (not isinstance(database_url, str) or not database_url.strip()):
        raise ConfigError(
            f'{_where(source)}: [database] url must be a text, e.g. url = "postgresql+psycopg://u@host/db"'
        )
    config = CityConfig(
        name=name.strip(),
        postcodes=_string_list(city.get("postcodes", []), "[city] postcodes", source),
        demo=demo,
        area=_area(city.get("area"), base, source),
        area_km2=float(area_km2) if area_km2 is not None else None,
        columns=merge_columns({k: _string_list(v, k, source) for k, v in columns.items()}),
        taxonomy=dict(taxonomy),
        board_topics=board_topics,
        gazetteer=_resolve_paths(raw.get("gazetteer", {}), base),
        geocoder=dict(raw.get("geocoder", {})),
        contact=_subtable(dashboard.get("contact", {}), _CONTACT_KEYS, "[dashboard] contact", source),
        basemap=_subtable(dashboard["basemap"], _BASEMAP_KEYS, "[dashboard] basemap", source)
        if "basemap" in dashboard
        else None,
        route_url=str(route_url) if route_url is not None else None,
        frame_ancestors=_frame_ancestors(dashboard.get("frame_ancestors", []), source),
        content_language=_content_language(dashboard.get("content_language"), source),
        population_grid=_resolve(base, grid) if isinstance(grid, str) else None,
        source=source,
        input=dict(raw.get("input", {})),
        **a11y_settings(dashboard, base, source),
        mail=dict(raw.get("mail", {})),
        freshness=dict(raw.get("freshness", {})),
        database_url=database_url.strip() if database_url is not None else None,
    )
    _check_geocode_tables(config)
    config.input_limits()
    return config


def _check_geocode_tables(config: CityConfig) -> None:
    """Check the [gazetteer]/[geocoder] keys now, so that a typo fails while loading the config."""
    config.gazetteer_settings()
    config.geocoder_settings()


def load_config(path: str | Path | None = None) -> CityConfig:
    """Load a city config from TOML; ``None`` loads the bundled demo config.

    Raises
    ------
    InputMissingError
        When ``path`` does not exist.
    ConfigError
        When the file is not valid TOML or has an unknown or ill-typed key.
    """
    source = Path(path) if path is not None else get_path(DEMO_CONFIG)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputMissingError(f"config file {source} does not exist: check the path given to --config") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {source} ({exc}); save it as UTF-8 text") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {source} is not valid TOML: {exc}") from exc
    return config_from_mapping(raw, base=source.resolve().parent, source=source)


# --------------------------------------------------------------------------- accessibility pages
# [dashboard] accessibility / easy_language / sign_language: the statement (BITV 2.0 § 7) and the
# Leichte Sprache and DGS pages (BITV 2.0 § 4). Texts a city writes here are German; the dashboard
# shows them marked lang="de" on every interface language.

_STATEMENT_KEYS = frozenset({"statement_date", "evaluation", "barriers", "enforcement"})
_EVALUATION_KEYS = frozenset({"method", "date", "by"})
_EVALUATION_METHODS = ("self", "external")
_BARRIER_KEYS = frozenset({"what", "reason", "alternative"})
_ENFORCEMENT_KEYS = frozenset({"name", "address", "url", "email", "phone", "confirmed"})
_EASY_KEYS = frozenset({"text", "checked_by"})
_SIGN_KEYS = frozenset({"video", "captions", "transcript"})
#: A file in the data folder's ``media/`` directory: a plain name, no folders.
_MEDIA_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MEDIA_SUFFIXES = {"video": (".mp4", ".webm"), "captions": (".vtt",)}
_MAX_TEXT_BYTES = 200_000


@dataclass(frozen=True)
class Barrier:
    """One known barrier of the statement: what, why it is not yet removed, and the alternative."""

    what: str
    reason: str = ""
    alternative: str = ""


@dataclass(frozen=True)
class Enforcement:
    """The enforcement / conciliation body (Durchsetzungs- bzw. Schlichtungsstelle) of the state.

    ``confirmed`` is False while the city has not checked the details (the page says so).
    """

    name: str
    address: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class AccessibilitySettings:
    """``[dashboard] accessibility``: the city's part of the accessibility statement.

    Dates are ISO strings (``YYYY-MM-DD``); ``evaluation_method`` is ``"self"`` (self-evaluation)
    or ``"external"`` (a test by ``evaluated_by``).
    """

    statement_date: str | None = None
    evaluation_method: str = "self"
    evaluation_date: str | None = None
    evaluated_by: str = ""
    barriers: tuple[Barrier, ...] = ()
    enforcement: Enforcement | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``city.json`` form (plain dicts and lists)."""
        return {
            "statement_date": self.statement_date,
            "evaluation": {"method": self.evaluation_method, "date": self.evaluation_date, "by": self.evaluated_by},
            "barriers": [b.__dict__.copy() for b in self.barriers],
            "enforcement": self.enforcement.__dict__.copy() if self.enforcement else None,
        }


@dataclass(frozen=True)
class EasyLanguageSettings:
    """``[dashboard] easy_language``: the city's own Leichte Sprache text (Markdown, read at build time).

    ``checked_by`` names the test-reader group (Prüfgruppe) that checked the text; empty = not checked.
    """

    text: str | None = None
    checked_by: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``city.json`` form."""
        return {"text": self.text, "checked_by": self.checked_by}


@dataclass(frozen=True)
class SignLanguageSettings:
    """``[dashboard] sign_language``: the city's DGS video.

    ``video`` and ``captions`` are file names in the data folder's ``media/`` directory (served at
    ``/media/<name>``) or an explicit ``https://`` URL; ``transcript`` is the text of the transcript
    file (read at build time).
    """

    video: str | None = None
    captions: str | None = None
    transcript: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``city.json`` form."""
        return {"video": self.video, "captions": self.captions, "transcript": self.transcript}


def _table(value: Any, allowed: frozenset[str], what: str, source: Path | None) -> dict[str, Any]:
    """``value`` as a table with only ``allowed`` keys (ConfigError naming the fix otherwise)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{_where(source)}: {what} must be a table (keys: {', '.join(sorted(allowed))})")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ConfigError(
            f"{_where(source)}: unknown key {unknown[0]!r} in {what}; known keys: {', '.join(sorted(allowed))}"
        )
    return dict(value)


def _text(value: Any, what: str, source: Path | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigError(
            f'{_where(source)}: {what} must be a text in quotes, e.g. {what.split()[-1]} = "...", not {value!r}'
        )
    return value.strip()


def _iso_date(value: Any, what: str, source: Path | None) -> str | None:
    """A TOML date or a ``YYYY-MM-DD`` string as an ISO string; None when absent."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ConfigError(f"{_where(source)}: {what} must be a date written YYYY-MM-DD, e.g. 2026-11-30, not {value!r}")


def _barriers(value: Any, source: Path | None) -> tuple[Barrier, ...]:
    what = "[dashboard] accessibility barriers"
    if not isinstance(value, list):
        raise ConfigError(
            f"{_where(source)}: {what} must be a list of tables, e.g. "
            '[[dashboard.accessibility.barriers]] with what = "...", reason = "...", alternative = "..."'
        )
    out = []
    for item in value:
        table = _table(item, _BARRIER_KEYS, what, source)
        text = {k: _text(table.get(k), f"{what} {k}", source) for k in _BARRIER_KEYS}
        if not text["what"]:
            raise ConfigError(f'{_where(source)}: every entry of {what} needs what = "..." (the barrier)')
        out.append(Barrier(**text))
    return tuple(out)


def _enforcement(value: Any, source: Path | None) -> Enforcement:
    what = "[dashboard] accessibility enforcement"
    table = _table(value, _ENFORCEMENT_KEYS, what, source)
    confirmed = table.pop("confirmed", True)
    if not isinstance(confirmed, bool):
        raise ConfigError(f"{_where(source)}: {what} confirmed must be true or false, not {confirmed!r}")
    text = {k: _text(v, f"{what} {k}", source) for k, v in table.items()}
    if not text.get("name"):
        raise ConfigError(f'{_where(source)}: {what} needs name = "..." (the enforcement body of your state)')
    return Enforcement(**text, confirmed=confirmed)


def _accessibility(value: Any, source: Path | None) -> AccessibilitySettings:
    table = _table(value, _STATEMENT_KEYS, "[dashboard] accessibility", source)
    evaluation = _table(table.get("evaluation", {}), _EVALUATION_KEYS, "[dashboard] accessibility evaluation", source)
    method = evaluation.get("method", "self")
    if method not in _EVALUATION_METHODS:
        raise ConfigError(
            f"{_where(source)}: [dashboard] accessibility evaluation method must be "
            f"{' or '.join(repr(m) for m in _EVALUATION_METHODS)}, not {method!r}"
        )
    enforcement = table.get("enforcement")
    return AccessibilitySettings(
        statement_date=_iso_date(table.get("statement_date"), "[dashboard] accessibility statement_date", source),
        evaluation_method=method,
        evaluation_date=_iso_date(evaluation.get("date"), "[dashboard] accessibility evaluation date", source),
        evaluated_by=_text(evaluation.get("by"), "[dashboard] accessibility evaluation by", source),
        barriers=_barriers(table.get("barriers", []), source),
        enforcement=_enforcement(enforcement, source) if enforcement is not None else None,
    )


def _read_text_file(value: Any, what: str, base: Path, source: Path | None) -> str | None:
    """The UTF-8 text of the file ``value`` names (relative to the config); None when absent."""
    name = _text(value, what, source)
    if not name:
        return None
    path = _resolve(base, name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{_where(source)}: {what} names {path}, which cannot be read ({exc}); check the path"
        ) from exc
    if len(data) > _MAX_TEXT_BYTES:
        raise ConfigError(f"{_where(source)}: {what} file {path} is larger than {_MAX_TEXT_BYTES} bytes; shorten it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{_where(source)}: {what} file {path} is not UTF-8 text; save it as UTF-8") from exc


def _media(value: Any, kind: str, source: Path | None) -> str | None:
    """A media reference: an explicit https:// URL or a plain file name of the data folder's media/."""
    what = f"[dashboard] sign_language {kind}"
    name = _text(value, what, source)
    if not name:
        return None
    if name.startswith("https://"):
        return name
    if not _MEDIA_NAME.match(name) or not name.lower().endswith(_MEDIA_SUFFIXES[kind]):
        raise ConfigError(
            f"{_where(source)}: {what} must be a file name in the data folder's media/ directory "
            f"ending in {' or '.join(_MEDIA_SUFFIXES[kind])} (e.g. dgs{_MEDIA_SUFFIXES[kind][0]}) "
            f"or an https:// URL, not {name!r}"
        )
    return name


def a11y_settings(dashboard: Mapping[str, Any], base: Path, source: Path | None) -> dict[str, Any]:
    """The accessibility settings of a ``[dashboard]`` table as :class:`CityConfig` keyword arguments.

    Raises
    ------
    ConfigError
        On an unknown key, a wrong type, a bad date or media name, or an unreadable text file.
    """
    out: dict[str, Any] = {}
    if "accessibility" in dashboard:
        out["accessibility"] = _accessibility(dashboard["accessibility"], source)
    if "easy_language" in dashboard:
        table = _table(dashboard["easy_language"], _EASY_KEYS, "[dashboard] easy_language", source)
        out["easy_language"] = EasyLanguageSettings(
            text=_read_text_file(table.get("text"), "[dashboard] easy_language text", base, source),
            checked_by=_text(table.get("checked_by"), "[dashboard] easy_language checked_by", source),
        )
    if "sign_language" in dashboard:
        table = _table(dashboard["sign_language"], _SIGN_KEYS, "[dashboard] sign_language", source)
        out["sign_language"] = SignLanguageSettings(
            video=_media(table.get("video"), "video", source),
            captions=_media(table.get("captions"), "captions", source),
            transcript=_read_text_file(table.get("transcript"), "[dashboard] sign_language transcript", base, source),
        )
    return out
