"""City configuration: one TOML file per municipality.

``load_config(None)`` loads the bundled Ludwigsburg demo config
(``geodata/datasets/ludwigsburg/city.toml``). Tables and keys::

    [city]        name, postcodes (list of PLZ), demo (bool), area (bbox or path), area_km2
    [columns]     contract field = ["header spelling", ...]   (merged over the defaults)
    [taxonomy]    categories = [...], target_groups = [...]   (see geodata.taxonomy)
    [gazetteer]   settings of etl.geocode.GazetteerSettings
    [geocoder]    settings of etl.geocode.GeocoderSettings (online geocoding is opt-in)
    [dashboard]   contact = {email, phone, url}, basemap = {tiles, attribution}, route_url,
                  frame_ancestors (sites that may embed the map, e.g. ["'self'", "https://www.stadt.de"])
    [population]  grid (path of a population grid CSV)

Paths are relative to the config file. An unknown table or key is an error
(:class:`etl.errors.ConfigError`) so that a typo never goes unnoticed.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from etl.errors import ConfigError, InputMissingError
from geodata.datasets import get_path

logger = logging.getLogger(__name__)

DEMO_CONFIG = "ludwigsburg/city.toml"

#: Default header spellings per contract field (DESIGN.md); matching ignores case,
#: umlauts, whitespace and punctuation (see :func:`etl.extract.header_key`).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Nr.", "Kennung"),
    "name": ("Name", "Bezeichnung", "Angebot"),
    "organization": ("Träger", "Organisation", "Anbieter"),
    "category": ("Kategorie",),
    "subcategories": ("Unterkategorie", "Unterkategorien"),
    "languages": ("Sprachen", "Sprache"),
    "target_groups": ("Zielgruppe", "Zielgruppen"),
    "description": ("Beschreibung",),
    "street": ("Straße", "Strasse"),
    "house_number": ("Hausnr.", "Hausnummer"),
    "postal_code": ("PLZ", "Postleitzahl"),
    "city": ("Ort", "Stadt"),
    "district": ("Stadtteil",),
    "phone": ("Telefon", "Tel."),
    "email": ("E-Mail", "Email", "Mail"),
    "url": ("Webseite", "Website", "Internet", "Homepage"),
    "opening_hours": ("Öffnungszeiten", "Zeiten"),
    "accessibility": ("Barrierefrei",),
    "accessibility_details": ("Hinweise Barrierefreiheit", "Barrierefreiheit Details"),
    "last_verified": ("Stand", "Zuletzt geprüft", "Geprüft am"),
    "lat": ("Breitengrad", "lat", "Latitude", "Breite"),
    "lon": ("Längengrad", "lon", "lng", "Longitude", "Länge"),
    "demo": ("Demo", "Beispiel"),
}

_ALLOWED: dict[str, frozenset[str] | None] = {
    "city": frozenset({"name", "postcodes", "demo", "area", "area_km2"}),
    "columns": frozenset(DEFAULT_COLUMNS),
    "taxonomy": frozenset({"categories", "target_groups"}),
    "gazetteer": None,  # checked against etl.geocode.GazetteerSettings when available
    "geocoder": None,  # checked against etl.geocode.GeocoderSettings when available
    "dashboard": frozenset({"contact", "basemap", "route_url", "frame_ancestors"}),
    "population": frozenset({"grid"}),
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
    frame_ancestors: tuple[str, ...] = ()
    population_grid: Path | None = None
    source: Path | None = None

    def gazetteer_settings(self) -> Any:
        """The ``[gazetteer]`` table as ``etl.geocode.GazetteerSettings``."""
        from etl.geocode import GazetteerSettings

        return _settings(GazetteerSettings, self.gazetteer, "gazetteer", self.source)

    def geocoder_settings(self) -> Any:
        """The ``[geocoder]`` table as ``etl.geocode.GeocoderSettings``."""
        from etl.geocode import GeocoderSettings

        return _settings(GeocoderSettings, self.geocoder, "geocoder", self.source)


def merge_columns(extra: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Default column spellings extended by ``extra`` (the ``[columns]`` table).

    A spelling given in ``extra`` for a field comes first for that field and is
    removed from every other field, so a city can re-assign e.g. ``"Ort"``.
    """
    from etl.extract import header_key

    extra = dict(extra or {})
    claimed = {header_key(s) for spellings in extra.values() for s in spellings}
    merged: dict[str, tuple[str, ...]] = {}
    for name, defaults in DEFAULT_COLUMNS.items():
        own = tuple(str(s) for s in extra.get(name, ()))
        kept = tuple(s for s in defaults if header_key(s) not in claimed)
        merged[name] = own + kept
    return merged


def _where(source: Path | None) -> str:
    return f"config {source}" if source else "config"


def _settings(cls: type, table: Mapping[str, Any], name: str, source: Path | None) -> Any:
    try:
        return cls(**table)
    except TypeError as exc:
        known = ", ".join(f.name for f in fields(cls)) if is_dataclass(cls) else "see etl.geocode"
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
        frame_ancestors=_frame_ancestors(dashboard.get("frame_ancestors", []), source),
        population_grid=_resolve(base, grid) if isinstance(grid, str) else None,
        source=source,
    )
    _check_geocode_tables(config)
    return config


def _check_geocode_tables(config: CityConfig) -> None:
    """Check [gazetteer]/[geocoder] keys when the geocoding module is installed."""
    try:
        import etl.geocode  # noqa: F401
    except ImportError:
        logger.debug("etl.geocode not available: [gazetteer]/[geocoder] keys are checked later")
        return
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
