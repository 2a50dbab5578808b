"""Fixtures shared by the ETL tests (test modules never import each other)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from etl.geocode import AddressQuery, Location
from etl.problems import Problem, warning


def _write_csv(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    """Write CSV ``lines`` as bytes in ``encoding`` (``utf-8-sig`` adds the BOM)."""
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@dataclass
class FakePostcodes:
    """Locates a query by its postcode from a fixed table; counts its calls (no network, no register)."""

    points: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"71634": (9.19, 48.895), "71636": (9.215, 48.90)}
    )
    name: str = "fake-postcodes"
    calls: int = 0

    def locate(self, query: AddressQuery) -> Location | None:
        self.calls += 1
        point = self.points.get((query.postal_code or "").strip())
        return Location(point[0], point[1], "postcode", "postcode") if point else None

    def explain_miss(self, query: AddressQuery) -> Problem | None:
        postcode = (query.postal_code or "").strip()
        return warning("postcode_unknown", "postal_code", postcode=postcode) if postcode else None


@pytest.fixture
def write_csv() -> Callable[..., Path]:
    """``write_csv(path, lines, encoding="utf-8", newline="\\r\\n") -> path``."""
    return _write_csv


@pytest.fixture
def make_postcodes() -> Callable[[], FakePostcodes]:
    """A factory of fresh fake postcode providers (each counts its own calls)."""
    return FakePostcodes


@pytest.fixture
def postcodes() -> FakePostcodes:
    """One fresh fake postcode provider."""
    return FakePostcodes()


@pytest.fixture
def tiny_districts() -> gpd.GeoDataFrame:
    """Two rectangles over Ludwigsburg's centre (EPSG:4326): west 9.17-9.20, east 9.20-9.23, lat 48.88-48.91."""
    return gpd.GeoDataFrame(
        {"id": ["west", "ost"], "name": ["Weststadt", "Oststadt"], "population": [1200, 800]},
        geometry=[box(9.17, 48.88, 9.20, 48.91), box(9.20, 48.88, 9.23, 48.91)],
        crs="EPSG:4326",
    )
