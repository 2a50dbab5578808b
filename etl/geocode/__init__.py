"""Geocoding: turn addresses into points, through a chain of providers and a cache.

A small package, one job per module (imports point downwards only):

* :mod:`etl.geocode.normalize` -- matching keys of streets, house numbers, postcodes, places;
* :mod:`etl.geocode.chain` -- queries, locations, the provider protocol and the pure chain;
* :mod:`etl.geocode.cache` -- the persistent SQLite cache of definitive answers;
* :mod:`etl.geocode._providers` -- the providers (address register, online geocoder,
  postcode and district centroids); :func:`make_providers` builds them from
  :class:`~etl.settings.GazetteerSettings` and :class:`~etl.settings.GeocoderSettings`.

All coordinates here are longitude/latitude in EPSG:4326 (degrees).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from etl.geocode import _providers
from etl.geocode.cache import CACHE_FILE, GeocodeCache
from etl.geocode.chain import (
    CACHE_VERSION,
    PROVIDER_PRECISIONS,
    PROVIDER_SOURCES,
    AddressQuery,
    Answer,
    GazetteerError,
    GeocodeOutcome,
    Location,
    Provider,
    ProviderError,
    chain_fingerprint,
    geocode_queries,
    resolve_query,
    unresolved_reason,
)
from etl.geocode.normalize import (
    normalize_house_number,
    normalize_place,
    normalize_postcode,
    normalize_street,
    split_house_number,
)
from etl.settings import DEFAULT_GAZETTEER_COLUMNS, GazetteerSettings, GeocoderSettings

__all__ = [
    "CACHE_FILE",
    "CACHE_VERSION",
    "DEFAULT_GAZETTEER_COLUMNS",
    "PROVIDER_PRECISIONS",
    "PROVIDER_SOURCES",
    "AddressQuery",
    "Answer",
    "GazetteerError",
    "GazetteerSettings",
    "GeocodeCache",
    "GeocodeOutcome",
    "GeocoderSettings",
    "Location",
    "Provider",
    "ProviderError",
    "chain_fingerprint",
    "geocode_queries",
    "make_providers",
    "normalize_house_number",
    "normalize_place",
    "normalize_postcode",
    "normalize_street",
    "resolve_query",
    "split_house_number",
    "unresolved_reason",
]


def make_providers(
    gazetteer: GazetteerSettings | None,
    geocoder: GeocoderSettings | None,
    postcodes_allowed: Iterable[str] | None,
    district_points: Mapping[str, tuple[float, float]] | None,
    index_dir: str | Path,
) -> list[Provider]:
    """Build the provider chain: register -> online (if enabled) -> named district -> postcode.

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
    return _providers.make_providers(gazetteer, geocoder, postcodes_allowed, district_points, Path(index_dir))
