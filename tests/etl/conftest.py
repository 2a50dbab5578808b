from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

DATA = Path(__file__).resolve().parents[1] / "data"


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    """Write CSV ``lines`` as bytes in ``encoding`` (``utf-8-sig`` adds the BOM)."""
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@pytest.fixture
def tiny_districts() -> gpd.GeoDataFrame:
    """Two rectangles over Ludwigsburg's centre (EPSG:4326): west 9.17-9.20, east 9.20-9.23, lat 48.88-48.91."""
    return gpd.GeoDataFrame(
        {"id": ["west", "ost"], "name": ["Weststadt", "Oststadt"], "population": [1200, 800]},
        geometry=[box(9.17, 48.88, 9.20, 48.91), box(9.20, 48.88, 9.23, 48.91)],
        crs="EPSG:4326",
    )
