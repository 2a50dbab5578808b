"""City configuration: one TOML file per municipality.

``load_config(None)`` loads the bundled Ludwigsburg demo config
(``geodata/datasets/ludwigsburg/city.toml``). Tables and keys::

    [city]        name, postcodes (list of PLZ), demo (bool), area (bbox or path), area_km2
    [columns]     contract field = ["header spelling", ...]   (merged over the defaults)
    [taxonomy]    categories = [...], target_groups = [...]   (see geodata.taxonomy)
    [gazetteer]   settings of etl.settings.GazetteerSettings
    [geocoder]    settings of etl.settings.GeocoderSettings (online geocoding is opt-in)
    [dashboard]   contact = {email, phone, url}, basemap = {tiles, attribution}, route_url
    [population]  grid (path of a population grid CSV)
    [database]    url (the register's database, e.g. postgresql+psycopg://user@host/db)

Paths are relative to the config file. An unknown table or key is an error
(:class:`etl.errors.ConfigError`) so that a typo never goes unnoticed.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from etl.errors import ConfigError, InputMissingError
from etl.settings import DEFAULT_COLUMNS, GazetteerSettings, GeocoderSettings, merge_columns
from geodata.datasets import get_path

logger = logging.getLogger(__name__)

DEMO_CONFIG = "ludwigsburg/city.toml"
_S = TypeVar("_S")

__all__ = ["DEFAULT_COLUMNS", "CityConfig", "config_from_mapping", "load_config", "merge_columns"]

_ALLOWED: dict[str, frozenset[str] | None] = {
    "city": frozenset({"name", "postcodes", "demo", "area", "area_km2"}),
    "columns": frozenset(DEFAULT_COLUMNS),
    "taxonomy": frozenset({"categories", "target_groups"}),
    "gazetteer": None,  # checked against etl.settings.GazetteerSettings
    "geocoder": None,  # checked against etl.settings.GeocoderSettings
    "dashboard": frozenset({"contact", "basemap", "route_url"}),
    "population": frozenset({"grid"}),
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
    gazetteer: Mapping[str, Any] = field(default_factory=dict)
    geocoder: Mapping[str, Any] = field(default_factory=dict)
    contact: Mapping[str, str] = field(default_factory=dict)
    basemap: Mapping[str, str] | None = None
    route_url: str | None = None
    population_grid: Path | None = None
    source: Path | None = None
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
        gazetteer=_resolve_paths(raw.get("gazetteer", {}), base),
        geocoder=dict(raw.get("geocoder", {})),
        contact=_subtable(dashboard.get("contact", {}), _CONTACT_KEYS, "[dashboard] contact", source),
        basemap=_subtable(dashboard["basemap"], _BASEMAP_KEYS, "[dashboard] basemap", source)
        if "basemap" in dashboard
        else None,
        route_url=str(route_url) if route_url is not None else None,
        population_grid=_resolve(base, grid) if isinstance(grid, str) else None,
        source=source,
        mail=dict(raw.get("mail", {})),
        freshness=dict(raw.get("freshness", {})),
        database_url=database_url.strip() if database_url is not None else None,
    )
    _check_geocode_tables(config)
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
