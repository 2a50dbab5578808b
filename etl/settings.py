"""Settings shared by the stages: header spellings and the geocoding settings.

One module that :mod:`etl.config` (reading the TOML), :mod:`etl.extract` (matching headers)
and :mod:`etl.geocode` (building the provider chain) all import, so none of them imports
another for its settings. Frozen dataclasses and read-only mappings only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from geodata.taxonomy import fold

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
    "location_visibility": ("Standort anzeigen", "Lage anzeigen", "Location visibility", "Show location"),
    "listed": ("Veröffentlichen", "Veröffentlichung", "Publish", "Listed"),
}
#: Cell spellings (folded by :func:`geodata.taxonomy.fold`) of each ``location_visibility`` value.
LOCATION_VISIBILITY_VALUES: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(("genau", "exakt", "adresse", "genaue adresse", "exact", "address", "exact address"), "exact"),
        **dict.fromkeys(("strasse", "nur strasse", "street", "street only", "strasse ohne hausnummer"), "street"),
        **dict.fromkeys(("stadtteil", "nur stadtteil", "ortsteil", "district", "district only"), "district"),
    }
)


def header_key(text: str) -> str:
    """Key for matching headers: case, umlaut, accent, whitespace and punctuation folded away.

    ``"Haus-Nr."``, ``"hausnr"`` and ``" HAUSNR "`` give the same key; ``"Straße"``
    and ``"Strasse"`` too.
    """
    folded = fold(str(text).replace("\ufeff", ""))
    return "".join(c for c in folded if c.isalnum())


def merge_columns(extra: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    """Default column spellings extended by ``extra`` (the ``[columns]`` table).

    A spelling given in ``extra`` for a field comes first for that field and is
    removed from every other field, so a city can re-assign e.g. ``"Ort"``.
    """
    extra = dict(extra or {})
    claimed = {header_key(s) for spellings in extra.values() for s in spellings}
    merged: dict[str, tuple[str, ...]] = {}
    for name, defaults in DEFAULT_COLUMNS.items():
        own = tuple(str(s) for s in extra.get(name, ()))
        kept = tuple(s for s in defaults if header_key(s) not in claimed)
        merged[name] = own + kept
    return merged


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


@dataclass(frozen=True)
class InputLimits:
    """Limits on input files (the ``[input]`` table of the city config).

    Each limit turns a hostile or broken file into a clear message instead of
    minutes of work and gigabytes of memory; raise one in the city config when a
    genuine file needs more.

    Parameters
    ----------
    max_cell_chars
        Longest cell in characters; a row with a longer cell is rejected (its row
        number and column are named), the rest of the file is read.
    max_xlsx_uncompressed_mb
        Total uncompressed size of an ``.xlsx`` workbook (MB), checked from the zip
        directory before the workbook is opened.
    max_xlsx_shared_strings
        Number of shared strings an ``.xlsx`` workbook may hold, checked before it is opened.
    max_empty_rows
        A worksheet is read up to this many consecutive empty rows; rows after such a gap
        are not read (and the report says so).
    max_district_vertices
        Vertices of one district polygon above which its display geometry (map, city outline)
        is simplified; analysis keeps the full geometry.
    display_tolerance_m
        Tolerance of that simplification in metres (EPSG:25832, topology-preserving).
    """

    max_cell_chars: int = 32_768
    max_xlsx_uncompressed_mb: float = 256.0
    max_xlsx_shared_strings: int = 2_000_000
    max_empty_rows: int = 10_000
    max_district_vertices: int = 20_000
    display_tolerance_m: float = 5.0

    def __post_init__(self) -> None:
        for name in ("max_cell_chars", "max_xlsx_uncompressed_mb", "max_xlsx_shared_strings", "max_empty_rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"[input] {name} must be a positive number, not {value!r}")
        if isinstance(self.max_district_vertices, bool) or not isinstance(self.max_district_vertices, int):
            raise ValueError(
                f"[input] max_district_vertices must be a whole number, not {self.max_district_vertices!r}"
            )
        if not isinstance(self.display_tolerance_m, int | float) or self.display_tolerance_m < 0:
            raise ValueError(f"[input] display_tolerance_m must be >= 0 metres, not {self.display_tolerance_m!r}")
