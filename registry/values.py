"""Pure conversions between contract properties and form text, and field diffs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geodata.schema import OFFER_FIELD_NAMES
from registry._etl import FORM_FIELDS
from registry.records import FieldDiff

_ACCESSIBILITY_TEXT = {"yes": "ja", "no": "nein", "unknown": ""}
#: Properties a diff never shows (they follow from others).
_DERIVED = frozenset({"district_name", "outside_districts", "source"})


def display(value: Any) -> str | None:
    """A property value as text: lists joined by ", ", booleans "ja"/"nein", empty -> None."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def values_of(properties: Mapping[str, Any], lon: float, lat: float) -> dict[str, str | None]:
    """Form text for an entry (the inverse of the per-record check, for edit forms and re-checks).

    Coordinates are given only when the location came from the input; otherwise the
    address is geocoded again, as it was the first time.
    """
    out: dict[str, str | None] = {}
    for name in FORM_FIELDS:
        if name == "accessibility":
            out[name] = _ACCESSIBILITY_TEXT.get(str(properties.get(name)), "") or None
        elif name == "district":
            out[name] = display(properties.get("district_name"))
        elif name in ("lat", "lon"):
            given = properties.get("geocode_source") == "input"
            out[name] = repr(float(lat if name == "lat" else lon)) if given else None
        else:
            out[name] = display(properties.get(name))
    return out


def field_diffs(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    before_point: tuple[float, float] | None = None,
    after_point: tuple[float, float] | None = None,
) -> list[FieldDiff]:
    """The contract fields that differ (display text), plus ``lon``/``lat`` when the point moved."""
    before = before or {}
    diffs = [
        FieldDiff(name, display(before.get(name)), display(after.get(name)))
        for name in OFFER_FIELD_NAMES
        if name not in _DERIVED and display(before.get(name)) != display(after.get(name))
    ]
    if after_point is not None and before_point != after_point:
        old = before_point or (None, None)
        for i, name in enumerate(("lon", "lat")):
            if old[i] != after_point[i]:
                diffs.append(FieldDiff(name, display(old[i]), display(after_point[i])))
    return diffs


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every property that differs (raw JSON values, for the audit log)."""
    before, after = before or {}, after or {}
    names = [n for n in OFFER_FIELD_NAMES if n in before or n in after]
    names += [n for n in (*before, *after) if n not in OFFER_FIELD_NAMES and n not in names]
    return {n: [before.get(n), after.get(n)] for n in dict.fromkeys(names) if before.get(n) != after.get(n)}


def same_offer(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two contract features describe the same offer (``source`` is ignored)."""
    pa, pb = dict(a["properties"]), dict(b["properties"])
    pa.pop("source", None)
    pb.pop("source", None)
    return pa == pb and list(a["geometry"]["coordinates"]) == list(b["geometry"]["coordinates"])
