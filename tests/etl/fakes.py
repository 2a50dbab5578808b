"""Small fakes for the geocoding step (no network, no register)."""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.geocode import AddressQuery, Location


@dataclass
class FakePostcodes:
    """Locates a query by its postcode from a fixed table; counts its calls."""

    points: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"71634": (9.19, 48.895), "71636": (9.215, 48.90)}
    )
    name: str = "fake-postcodes"
    calls: int = 0

    def locate(self, query: AddressQuery) -> Location | None:
        self.calls += 1
        point = self.points.get((query.postal_code or "").strip())
        return Location(point[0], point[1], "postcode", "postcode") if point else None

    def explain_miss(self, query: AddressQuery) -> str | None:
        return f"PLZ {query.postal_code} nicht in der Testtabelle" if query.postal_code else None
