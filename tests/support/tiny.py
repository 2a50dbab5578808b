"""The tiny dataset of the dashboard and serving tests, written with the contract's own writers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geodata.io import DISTRICTS_FILE, OFFERS_FILE, write_districts, write_offers


def _square(x0: float, y0: float, size: float = 0.02) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def offer(
    offer_id: str,
    name: str,
    category: str,
    lon: float,
    lat: float,
    **props: Any,
) -> dict[str, Any]:
    """A contract offer feature with sensible defaults (demo data)."""
    properties = {
        "id": offer_id,
        "name": name,
        "category": category,
        "geocode_source": "input",
        "geocode_precision": "address",
        "accessibility": "unknown",
        "demo": True,
        **props,
    }
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


TINY_OFFERS: list[dict[str, Any]] = [
    offer(
        "o1",
        "Sprachcafé Mitte",
        "language_cafe",
        9.191,
        48.895,
        languages=["ar", "de"],
        target_groups=["women"],
        organization="Verein Brücke e.V.",
        description="Deutsch üben bei Kaffee",
        street="Marktplatz",
        house_number="1",
        postal_code="71634",
        city="Ludwigsburg",
        district_id="mitte",
        district_name="Mitte",
        phone="+49 7141 1234",
        email="cafe@example.org",
        url="https://example.org/cafe",
        opening_hours="Mo 10-12",
        accessibility="yes",
        last_verified="2025-10-01",
    ),
    offer(
        "o2",
        "Migrationsberatung Oßweil",
        "counselling",
        9.215,
        48.905,
        languages=["tr", "de"],
        target_groups=["families"],
        district_id="ossweil",
        district_name="Oßweil",
        description="Beratung für Familien in München und Ludwigsburg",
    ),
    offer(
        "o3",
        "Deutschkurs B1",
        "language_course",
        9.193,
        48.896,
        languages=["de"],
        target_groups=["women", "newcomers"],
        district_id="mitte",
        district_name="Mitte",
        accessibility="yes",
    ),
    offer(
        "o4",
        "Frauentreff Oßweil",
        "culture",
        9.216,
        48.906,
        languages=["ar", "uk"],
        target_groups=["women"],
        district_id="ossweil",
        district_name="Oßweil",
        geocode_source="postcode",
        geocode_precision="postcode",
    ),
    offer(
        "o5",
        "Jugendberatung",
        "counselling",
        9.191,
        48.895,
        languages=["uk"],
        target_groups=["youth"],
        district_id="mitte",
        district_name="Mitte",
        organization="Stadt Ludwigsburg",
    ),
    offer(
        "o6",
        "Außerhalb e.V.",
        "association",
        9.30,
        48.99,
        languages=["fa"],
        target_groups=[],
        outside_districts=True,
    ),
]

TINY_DISTRICTS: list[dict[str, Any]] = [
    {
        "type": "Feature",
        "geometry": _square(9.18, 48.885),
        "properties": {"id": "mitte", "name": "Mitte", "population": 1000, "approximate": True, "source": "test"},
    },
    {
        "type": "Feature",
        "geometry": _square(9.205, 48.895),
        "properties": {"id": "ossweil", "name": "Oßweil", "population": 500, "approximate": True, "source": "test"},
    },
]

TINY_CITY: dict[str, Any] = {
    "name": "Teststadt",
    "demo": True,
    "contact": {"email": "barrierefrei@example.org", "phone": "+49 7141 9100", "url": "https://example.org/kontakt"},
    "basemap": None,
    "route_url": "https://www.openstreetmap.org/directions?to={lat},{lon}",
    "population_grid": None,
    "outline": _square(9.17, 48.88, 0.06),
}


def write_tiny(data_dir: Path, offers: list[dict[str, Any]] | None = None) -> Path:
    """Write the tiny dataset (or ``offers``) into ``data_dir``; returns it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_offers(data_dir / OFFERS_FILE, TINY_OFFERS if offers is None else offers)
    write_districts(data_dir / DISTRICTS_FILE, TINY_DISTRICTS)
    (data_dir / "city.json").write_text(json.dumps(TINY_CITY, ensure_ascii=False), encoding="utf-8")
    return data_dir
