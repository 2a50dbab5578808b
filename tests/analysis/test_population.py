"""Population cells: Zensus-style grid (EPSG:3035 -> EPSG:25832) and district spreading."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import box

import analysis as m
from analysis.population import (
    METHOD_GRID,
    PopulationGridError,
    assign_cells,
    districts_frame,
    population_cells,
    read_population_grid,
    spread_district_population,
)

X0, Y0 = 510_000.0, 5_410_000.0
TO_3035 = Transformer.from_crs("EPSG:25832", "EPSG:3035", always_xy=True)


def districts() -> gpd.GeoDataFrame:
    # A = [0,1000] x [0,1000] pop 1000, B = [1000,2000] x [0,1000] pop 2000 (relative to X0, Y0)
    return gpd.GeoDataFrame(
        {"id": ["A", "B"], "name": ["Alpha", "Beta"], "population": [1000, 2000], "area_km2": [1.0, 1.0]},
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
        crs="EPSG:25832",
    )


def write_grid(path, cells, extra_lines=()):
    """Write a Zensus 2022-style CSV: cell centres given in EPSG:25832 are stored in EPSG:3035."""
    lines = ["GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner"]
    for n, (x, y, pop) in enumerate(cells):
        ex, ey = TO_3035.transform(X0 + x, Y0 + y)
        lines.append(f"CRS3035RES100m{n};{ex:.3f};{ey:.3f};{pop}")
    lines.extend(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_grid_is_reprojected_once_and_bad_rows_rejected(tmp_path):
    path = write_grid(
        tmp_path / "zensus.csv",
        [(250, 250, 300), (750, 750, 200), (1500, 500, 1000)],
        extra_lines=["X;4000000;2900000;–", "Y;4000100;2900000;-1"],
    )
    grid = read_population_grid(path)
    assert len(grid.population) == 3
    np.testing.assert_allclose(grid.x - X0, [250, 750, 1500], atol=1e-3)  # back in EPSG:25832 metres
    np.testing.assert_allclose(grid.y - Y0, [250, 750, 500], atol=1e-3)
    # nothing lost: both unusable rows are reported with their line number (header = line 1)
    assert grid.rejected["row"].tolist() == [5, 6]
    assert "not a number" in grid.rejected["reason"][0] and "negative" in grid.rejected["reason"][1]


def test_grid_cells_assigned_to_districts_and_used_for_residents(tmp_path):
    path = write_grid(tmp_path / "g.csv", [(250, 250, 300), (750, 750, 200), (1500, 500, 1000), (5000, 500, 50)])
    cells = population_cells(districts(), grid_path=path)
    assert cells.method == METHOD_GRID
    assert cells.district.tolist() == [0, 0, 1, -1]  # the last cell lies outside every district
    table = m.district_table(districts(), cells)
    # grid residents replace the attribute: A 300 + 200 = 500, B 1000
    assert table["residents"].tolist() == [500.0, 1000.0]
    assert set(table["method"]) == {METHOD_GRID}


def test_grid_decimal_comma_and_latin1(tmp_path):
    ex, ey = TO_3035.transform(X0 + 250, Y0 + 250)
    text = f"x_mp_100m;y_mp_100m;Einwohner\n{ex:.1f};{ey:.1f};12,5\n".replace(".", ",")
    (tmp_path / "g.csv").write_bytes(text.encode("latin-1"))
    grid = read_population_grid(tmp_path / "g.csv")
    assert grid.population.tolist() == [12.5]
    assert grid.x[0] - X0 == pytest.approx(250, abs=0.1)


@pytest.mark.parametrize(
    ("content", "needle"),
    [("a;b;c\n1;2;3\n", "needs columns x_mp_100m, y_mp_100m and Einwohner"), (None, "does not exist")],
)
def test_grid_errors_name_the_fix(tmp_path, content, needle):
    path = tmp_path / "g.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(PopulationGridError, match=needle):
        read_population_grid(path)


def test_spread_100m_lattice_conserves_population():
    cells = spread_district_population(districts())
    # 1 km² at 100 m spacing: 10 x 10 = 100 points per district, none on a boundary
    assert np.bincount(cells.district).tolist() == [100, 100]
    np.testing.assert_allclose(cells.residents_by_district(), [1000.0, 2000.0])
    assert set(np.round(cells.population, 9)) == {10.0, 20.0}


def test_tiny_district_gets_its_representative_point():
    tiny = gpd.GeoDataFrame(
        {"id": ["T"], "name": ["Tiny"], "population": [7]},
        geometry=[box(X0 + 10, Y0 + 10, X0 + 40, Y0 + 40)],
        crs="EPSG:25832",
    )
    cells = spread_district_population(tiny)
    assert len(cells) == 1 and cells.population[0] == 7.0 and cells.district[0] == 0


def test_assign_cells_first_district_on_shared_boundary():
    d = districts()
    out = assign_cells(np.array([X0 + 1000.0, X0 + 3000.0]), np.array([Y0 + 500.0, Y0 + 500.0]), d)
    assert out.tolist() == [0, -1]


def test_districts_frame_from_features_and_wgs84_input():
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[9.18, 48.89], [9.20, 48.89], [9.20, 48.90], [9.18, 48.89]]],
            },
            "properties": {"id": "x", "name": "X", "population": 10, "area_km2": None, "approximate": True},
        }
    ]
    frame = districts_frame(features)
    assert frame.crs.to_epsg() == 4326 and frame["population"].tolist() == [10]
    cells = spread_district_population(frame)
    assert cells.population.sum() == pytest.approx(10.0) and len(cells) > 1
