"""The data contract: what an offer and a district are.

An offer is a GeoJSON Feature with a Point geometry (EPSG:4326) and the flat
properties listed in :data:`OFFER_FIELDS`; a district is a Feature with a
(Multi)Polygon geometry and the properties in :data:`DISTRICT_FIELDS`.
Field names follow Open Referral HSDS 3.0 where it fits (the ``hsds`` column of
each field names the HSDS object and field it corresponds to), flattened so that
they fit GeoJSON properties. Lists are JSON arrays of ids.

Both the ETL (on write) and the dashboard (on load) call
:func:`validate_offer_features` and :func:`validate_district_features`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from geodata.errors import ContractError

#: How exact an offer's location is, from best to worst.
PRECISIONS: tuple[str, ...] = ("input", "address", "street", "postcode", "district", "city")
#: Precisions at which a marker is shown as "location approximate".
APPROXIMATE_PRECISIONS: frozenset[str] = frozenset({"street", "postcode", "district", "city"})
#: Where a location came from (a cache hit keeps the source that produced it).
SOURCES: tuple[str, ...] = ("input", "gazetteer", "online", "postcode", "district")
#: Step-free access: ``partial`` = some of it (e.g. a ramp at a side entrance, but no accessible WC).
ACCESSIBILITY: tuple[str, ...] = ("yes", "partial", "no", "unknown")
#: How an offer's district was decided (see docs/DESIGN.md, "Which district an offer counts in"):
#: ``location`` = its point lies in the district (exact location, or an approximate one that can tell);
#: ``named`` = the row names the Stadtteil and its location is only approximate, so the name wins;
#: ``none`` = neither: the location is too coarse to tell (a postcode centre) and no Stadtteil is named,
#: or the point lies in no district.
DISTRICT_SOURCES: tuple[str, ...] = ("location", "named", "none")
#: How exactly an offer's location may be published (:mod:`geodata.privacy`), from exact to coarsest.
LOCATION_VISIBILITIES: tuple[str, ...] = ("exact", "street", "district")
#: Link schemes that are kept; anything else is dropped with a warning.
SAFE_URL_SCHEMES: tuple[str, ...] = ("http", "https", "mailto", "tel")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_LANG_RE = re.compile(r"^(?:[a-z]{2,3}|de-x-ls)$")  # ISO 639-1/-3, or Leichte Sprache (geodata.languages)


@dataclass(frozen=True)
class Field:
    """One property of the contract.

    ``kind`` is one of ``str``, ``list`` (of id strings), ``date`` (ISO
    ``YYYY-MM-DD``), ``bool``, ``int``, ``float`` or ``enum`` (one of ``choices``).
    """

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    hsds: str = ""
    doc: str = ""


OFFER_FIELDS: tuple[Field, ...] = (
    Field("id", "str", True, hsds="service.id", doc="stable id, unique in the file"),
    Field("name", "str", True, hsds="service.name", doc="name of the offer"),
    Field("organization", "str", hsds="organization.name", doc="provider (Träger)"),
    Field("category", "str", True, hsds="service_attribute/taxonomy_term.id", doc="one category id from the taxonomy"),
    Field("subcategories", "list", hsds="taxonomy_term.id", doc="optional sub-category ids"),
    Field(
        "languages",
        "list",
        hsds="language.code",
        doc="ISO 639-1 codes (639-3 where no -1 code exists, e.g. kmr; `gsg` for German Sign Language); `de-x-ls` for Leichte Sprache",
    ),
    Field("target_groups", "list", hsds="service_attribute/taxonomy_term.id", doc="target group ids from the taxonomy"),
    Field("description", "str", hsds="service.description"),
    Field("street", "str", hsds="address.address_1 (street part)"),
    Field("house_number", "str", hsds="address.address_1 (number part)"),
    Field("postal_code", "str", hsds="address.postal_code"),
    Field("city", "str", hsds="address.city"),
    Field("district_id", "str", hsds="(none: derived by point-in-polygon)"),
    Field("district_name", "str", hsds="(none)"),
    Field("outside_districts", "bool", hsds="(none)", doc="true when the point lies in no district"),
    Field(
        "district_source",
        "enum",
        choices=DISTRICT_SOURCES,
        hsds="(none)",
        doc="how district_id was decided: location | named | none (see docs/DESIGN.md)",
    ),
    Field("geocode_source", "enum", True, SOURCES, hsds="(none)", doc="where the location came from"),
    Field("geocode_precision", "enum", True, PRECISIONS, hsds="(none)", doc="how exact the location is"),
    Field(
        "location_approximate",
        "bool",
        hsds="(none)",
        doc="true when geocode_precision is street, postcode, district or city (counted apart in coverage figures)",
    ),
    Field("phone", "str", hsds="phone.number", doc="organisational phone number"),
    Field("email", "str", hsds="service.email", doc="organisational e-mail"),
    Field("url", "str", hsds="service.url", doc="http(s) website"),
    Field("opening_hours", "str", hsds="schedule.description"),
    Field("accessibility", "enum", True, ACCESSIBILITY, hsds="accessibility.description", doc="step-free access"),
    Field("accessibility_details", "str", hsds="accessibility.details"),
    Field("last_verified", "date", hsds="service.assured_date"),
    Field("source", "str", hsds="metadata.resource_type", doc="where the record came from (file name)"),
    Field("demo", "bool", hsds="(none)", doc="true for fictitious demo records"),
    Field(
        "location_visibility",
        "enum",
        choices=LOCATION_VISIBILITIES,
        hsds="accessibility.description (of location; no exact HSDS field)",
        doc="how exactly the location is published: `exact`, `street` (no house number, point on a 250 m grid) or `district` (district centre, no address); default `exact`",
    ),
    Field("listed", "bool", hsds="(none)", doc="false: kept in the register for staff, never published; default true"),
    Field(
        "unconfirmed_since",
        "date",
        hsds="(none)",
        doc="set when the entry's contact did not answer the freshness reminder in time (the map may fade it); "
        "null when confirmed",
    ),
)

DISTRICT_FIELDS: tuple[Field, ...] = (
    Field("id", "str", True, doc="stable district id"),
    Field("name", "str", True, doc="district name (Stadtteil)"),
    Field("population", "int", doc="residents, optional"),
    Field("area_km2", "float", doc="area in km², computed in EPSG:25832"),
    Field("approximate", "bool", True, doc="true when the boundary is an approximation"),
    Field("source", "str", doc="where the boundary and figures came from"),
)

OFFER_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in OFFER_FIELDS)
DISTRICT_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in DISTRICT_FIELDS)

#: Defaults of single fields that differ from their kind's default (privacy levels: publish exactly, listed).
_FIELD_DEFAULTS: dict[str, Any] = {"location_visibility": "exact", "listed": True}

_DEFAULTS: dict[str, Any] = {
    "str": None,
    "list": [],
    "date": None,
    "bool": False,
    "int": None,
    "float": None,
    "enum": None,
}


def is_valid_id(value: object) -> bool:
    """True for a stable id: 1-64 ASCII letters, digits and ``._:-``."""
    return isinstance(value, str) and bool(_ID_RE.match(value))


def is_safe_url(value: str) -> bool:
    """True when ``value`` uses one of :data:`SAFE_URL_SCHEMES`."""
    scheme, sep, _rest = value.partition(":")
    return bool(sep) and scheme.lower() in SAFE_URL_SCHEMES


def complete_properties(record: Mapping[str, Any], fields: tuple[Field, ...] = OFFER_FIELDS) -> dict[str, Any]:
    """Return the record's properties in contract order, missing fields set to their default."""
    out: dict[str, Any] = {}
    for f in fields:
        value = record.get(f.name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = list(_DEFAULTS[f.kind]) if f.kind == "list" else _FIELD_DEFAULTS.get(f.name, _DEFAULTS[f.kind])
        out[f.name] = value
    return out


def _field_problem(f: Field, value: Any) -> str | None:
    if value is None:
        return f"{f.name} is required" if f.required else None
    kind = f.kind
    if kind == "str" and not isinstance(value, str):
        return f"{f.name} must be a string"
    if kind == "str" and f.required and not value.strip():
        return f"{f.name} is required"
    if kind == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return f"{f.name} must be a list of strings"
    if kind == "bool" and not isinstance(value, bool):
        return f"{f.name} must be true or false"
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return f"{f.name} must be a non-negative integer"
    if kind == "float" and (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)):
        return f"{f.name} must be a finite number"
    if kind == "enum" and value not in f.choices:
        return f"{f.name} must be one of {', '.join(f.choices)}"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"{f.name} must be an ISO date YYYY-MM-DD"
    return None


def offer_problems(properties: Mapping[str, Any]) -> list[str]:
    """Every way ``properties`` breaks the offer contract (empty when it is valid)."""
    problems = [p for f in OFFER_FIELDS if (p := _field_problem(f, properties.get(f.name)))]
    if properties.get("id") is not None and not is_valid_id(properties.get("id")):
        problems.append("id must be 1-64 letters, digits or ._:-")
    for code in properties.get("languages") or []:
        if isinstance(code, str) and not _LANG_RE.match(code):
            problems.append(f"language {code!r} is not an ISO 639 code")
    url = properties.get("url")
    if isinstance(url, str) and url and not is_safe_url(url):
        problems.append("url must use http, https, mailto or tel")
    return problems


def district_problems(properties: Mapping[str, Any]) -> list[str]:
    """Every way ``properties`` breaks the district contract."""
    problems = [p for f in DISTRICT_FIELDS if (p := _field_problem(f, properties.get(f.name)))]
    if properties.get("id") is not None and not is_valid_id(properties.get("id")):
        problems.append("id must be 1-64 letters, digits or ._:-")
    return problems


def _point_problem(geometry: Mapping[str, Any] | None) -> str | None:
    if not geometry or geometry.get("type") != "Point":
        return "geometry must be a Point"
    coords = geometry.get("coordinates") or []
    if len(coords) < 2 or not all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2]):
        return "Point needs finite longitude and latitude"
    lon, lat = coords[0], coords[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return "Point is outside longitude -180..180 / latitude -90..90"
    return None


def _polygon_problem(geometry: Mapping[str, Any] | None) -> str | None:
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "geometry must be a Polygon or MultiPolygon"
    return None


def _validate(features: Iterable[Mapping[str, Any]], kind: str) -> None:
    check_props = offer_problems if kind == "offer" else district_problems
    check_geom = _point_problem if kind == "offer" else _polygon_problem
    seen: set[str] = set()
    errors: list[str] = []
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        label = f"{kind} {props.get('id', f'#{n}')!s}"
        found = check_props(props)
        if (geom := check_geom(feature.get("geometry"))) is not None:
            found.append(geom)
        if props.get("id") in seen:
            found.append("duplicate id")
        seen.add(str(props.get("id")))
        errors.extend(f"{label}: {p}" for p in found)
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise ContractError(f"{len(errors)} contract violation(s): " + "; ".join(errors[:3]) + more)


def validate_offer_features(features: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`ContractError` naming the problems when any offer breaks the contract."""
    _validate(features, "offer")


def validate_district_features(features: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`ContractError` naming the problems when any district breaks the contract."""
    _validate(features, "district")
