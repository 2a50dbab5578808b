"""The toy city of the measures' tests: 3 districts where every number is worked out on paper.

Toy city (EPSG:25832, coordinates relative to the origin X0, Y0; all squares 1 km x 1 km):

    A = [0, 1000] x [0, 1000]     population 1000
    B = [1000, 2000] x [0, 1000]  population 2000
    C = [2000, 3000] x [0, 1000]  population unknown (None)

Population spread with a 500 m lattice: each district gets the four cells at
(250|750, 250|750) + its x offset; A's cells carry 1000 / 4 = 250 residents, B's 2000 / 4 = 500,
C gets no cells.

    a1 (250, 250)   a2 (750, 250)   a3 (250, 750)   a4 (750, 750)      250 residents each
    b1 (1250, 250)  b2 (1750, 250)  b3 (1250, 750)  b4 (1750, 750)     500 residents each

Offers:
    o1 A counselling       [de, ar] [women]     (300, 250)
    o2 A language_course   [de]     [all]       (750, 750)
    o3 B counselling       [de, tr] [families]  (1900, 900)
    o4 -  counselling      [de]     [all]       (-300, 250)   outside every district
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis import spread_district_population

X0, Y0 = 510_000.0, 5_410_000.0


def toy_districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["A", "B", "C"],
            "name": ["Alpha", "Beta", "Gamma"],
            "population": [1000, 2000, None],
            "area_km2": [1.0, 1.0, 1.0],
        },
        geometry=[box(X0 + k * 1000, Y0, X0 + (k + 1) * 1000, Y0 + 1000) for k in range(3)],
        crs="EPSG:25832",
    )


def toy_offers() -> pd.DataFrame:
    rows = [
        ("o1", "A", "counselling", ["de", "ar"], ["women"], 300, 250),
        ("o2", "A", "language_course", ["de"], ["all"], 750, 750),
        ("o3", "B", "counselling", ["de", "tr"], ["families"], 1900, 900),
        ("o4", None, "counselling", ["de"], ["all"], -300, 250),
    ]
    frame = pd.DataFrame(rows, columns=["id", "district_id", "category", "languages", "target_groups", "x", "y"])
    frame["x"] = frame["x"] + X0
    frame["y"] = frame["y"] + Y0
    return frame


@pytest.fixture
def districts():
    return toy_districts()


@pytest.fixture
def offers():
    return toy_offers()


@pytest.fixture
def cells(districts):
    return spread_district_population(districts, cell_size_m=500.0)


@pytest.fixture
def origin() -> tuple[float, float]:
    """The toy city's origin (EPSG:25832 metres); the worked numbers are relative to it."""
    return X0, Y0


def _row(table: pd.DataFrame, **keys: object) -> pd.Series:
    sel = np.ones(len(table), dtype=bool)
    for k, v in keys.items():
        sel &= table[k].to_numpy() == v
    assert sel.sum() == 1, f"expected one row for {keys}, got {sel.sum()}"
    return table.loc[sel].iloc[0]


@pytest.fixture
def row():
    """``row(table, district_id=.., group=..)``: the one row of a tidy table matching the keys."""
    return _row
