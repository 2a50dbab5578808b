"""Tests of etl.districts: approximate cells from centres, polygon input, validation errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from etl.districts import (
    DistrictError,
    city_outline,
    fit_cells,
    load_districts,
    match_columns,
    power_cells,
    slug,
    target_areas,
)
from etl.errors import ColumnError, InputEmptyError, InputFormatError, InputMissingError
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.datasets import get_path
from geodata.io import write_districts
from geodata.schema import DISTRICT_FIELD_NAMES

CITY_AREA_KM2 = 43.3
CITY_POPULATION_2022 = 94_083
#: Known areas (km², German Wikipedia); Kernstadt and Grünbühl-Sonnenberg have none.
KNOWN_AREAS = {
    "eglosheim": 4.47,
    "ossweil": 7.14,
    "neckarweihingen": 3.52,
    "hoheneck": 3.40,
    "poppenweiler": 7.64,
    "pflugfelden": 2.31,
}
#: Documented error of the approximate cells against the target areas (PROVENANCE.md).
MAX_CELL_AREA_ERROR = 0.15

DEMO_CSV = get_path("ludwigsburg/districts.csv")


@pytest.fixture(scope="module")
def demo() -> gpd.GeoDataFrame:
    return load_districts(DEMO_CSV, city_area_km2=CITY_AREA_KM2)


@pytest.fixture(scope="module")
def centres() -> pd.DataFrame:
    return pd.read_csv(DEMO_CSV, sep=";", dtype={"id": str})


def write_csv(tmp_path: Path, text: str, name: str = "districts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the embedded demo


def test_demo_has_eight_approximate_districts_in_contract_shape(demo):
    assert len(demo) == 8
    assert list(demo.columns) == [*DISTRICT_FIELD_NAMES, "geometry"]
    assert demo.crs.to_epsg() == 4326
    assert demo["id"].is_unique
    assert set(demo["id"]) == {*KNOWN_AREAS, "kernstadt", "gruenbuehl-sonnenberg"}
    assert demo["approximate"].dtype == bool and demo["approximate"].all()
    assert str(demo["population"].dtype) == "Int64"
    assert int(demo["population"].sum()) == CITY_POPULATION_2022


def test_demo_total_area_matches_city_area(demo):
    assert demo["area_km2"].sum() == pytest.approx(CITY_AREA_KM2, rel=0.01)
    metric = demo.to_crs(METRIC_CRS)
    assert metric.area.sum() / 1e6 == pytest.approx(CITY_AREA_KM2, rel=0.01)
    np.testing.assert_allclose(demo["area_km2"], metric.area / 1e6, atol=1e-3)


def test_each_centre_lies_in_its_own_cell(demo, centres):
    for _, row in centres.iterrows():
        cell = demo.loc[demo["id"] == row["id"], "geometry"].iloc[0]
        assert cell.contains(Point(row["lon"], row["lat"])), row["id"]
        others = demo.loc[demo["id"] != row["id"], "geometry"]
        assert not others.contains(Point(row["lon"], row["lat"])).any(), row["id"]


def test_cells_do_not_overlap_and_union_is_valid(demo):
    metric = demo.to_crs(METRIC_CRS).geometry.tolist()
    for a, b in itertools.combinations(metric, 2):
        assert a.intersection(b).area < 1.0  # m²: shared edges only
    outline = city_outline(demo)
    assert outline.is_valid and outline.geom_type == "Polygon"
    outline_m2 = gpd.GeoSeries([outline], crs=STORAGE_CRS).to_crs(METRIC_CRS).area.iloc[0]
    assert outline_m2 / 1e6 == pytest.approx(CITY_AREA_KM2, rel=0.01)
    assert all(g.is_valid for g in demo.geometry)


def test_weighted_cells_approach_known_areas_and_plain_voronoi_does_not(demo):
    """The documented choice: a power diagram keeps every cell within 15 % of its target;
    plain Voronoi on the same centres misses the Kernstadt by more than half."""
    areas = dict(zip(demo["id"], demo["area_km2"], strict=True))
    for district_id, known in KNOWN_AREAS.items():
        assert abs(areas[district_id] / known - 1) <= MAX_CELL_AREA_ERROR, district_id
    targets = target_areas([None, *KNOWN_AREAS.values(), None], [46_416, *[1] * 6, 3_642], CITY_AREA_KM2)
    assert areas["kernstadt"] == pytest.approx(targets[0], rel=MAX_CELL_AREA_ERROR)
    assert areas["gruenbuehl-sonnenberg"] == pytest.approx(targets[-1], rel=MAX_CELL_AREA_ERROR)

    plain = load_districts(DEMO_CSV, city_area_km2=CITY_AREA_KM2, weighted=False)
    plain_areas = dict(zip(plain["id"], plain["area_km2"], strict=True))
    assert plain_areas["kernstadt"] < 0.5 * targets[0]
    assert sum(plain_areas.values()) == pytest.approx(CITY_AREA_KM2, rel=0.01)


def test_demo_is_deterministic(demo):
    again = load_districts(DEMO_CSV, city_area_km2=CITY_AREA_KM2)
    assert all(a.equals_exact(b, 0) for a, b in zip(demo.geometry, again.geometry, strict=True))


def test_demo_round_trips_through_the_contract_writer(demo, tmp_path):
    features = json.loads(demo.to_json(drop_id=True))["features"]
    for f in features:
        f["properties"]["population"] = int(f["properties"]["population"])
    write_districts(tmp_path / "districts.geojson", features)  # raises ContractError if not contract-shaped


# --------------------------------------------------------------------------- the pieces


def test_target_areas_share_the_rest_by_population():
    out = target_areas([None, 2.0, None], [300, 10, 100], 10.0)
    np.testing.assert_allclose(out, [6.0, 2.0, 2.0])
    np.testing.assert_allclose(target_areas([None, 2.0, 4.0], [1, 1, 1], None), [3.0, 2.0, 4.0])
    with pytest.raises(DistrictError, match=r"area_km2 in \[city\]"):
        target_areas([None, 20.0], [1, 1], 10.0)


def test_power_cells_with_zero_weights_are_voronoi_cells():
    rng = np.random.default_rng(7)
    points = rng.uniform(0, 1000, size=(12, 2))
    boundary = box(-100, -100, 1100, 1100)
    cells = power_cells(points, np.zeros(len(points)), boundary)
    voronoi = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=boundary))
    for point, cell in zip(points, cells, strict=True):
        expected = next(v for v in voronoi if v.contains(Point(point))).intersection(boundary)
        assert cell.symmetric_difference(expected).area < 1.0


def test_fit_cells_reaches_unequal_targets_with_centres_inside():
    points = np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0]])
    outline = box(-500, -500, 2500, 500)
    targets = np.array([0.42, 0.30, 0.28]) * outline.area
    fit = fit_cells(points, targets, outline)
    assert fit.max_relative_error <= 0.01
    np.testing.assert_allclose(shapely.area(fit.cells), targets, rtol=0.01)
    assert all(c.contains(Point(p)) for c, p in zip(fit.cells, points, strict=True))


def test_match_columns_accepts_german_headers_and_config_spellings():
    found = match_columns(["Schlüssel", "STADTTEIL", "Einwohner", "Fläche (km²)"])
    assert found == {"id": "Schlüssel", "name": "STADTTEIL", "population": "Einwohner", "area_km2": "Fläche (km²)"}
    assert match_columns(["Bezirksname"], {"name": ["Bezirksname"]}) == {"name": "Bezirksname"}


def test_slug_makes_ascii_ids():
    assert slug("Grünbühl-Sonnenberg") == "gruenbuehl-sonnenberg"
    assert slug("Oßweil") == "ossweil"


# --------------------------------------------------------------------------- polygon input


def squares_25832() -> gpd.GeoDataFrame:
    """Two 1 km squares in EPSG:25832 near Ludwigsburg's centre, with German column names."""
    x0, y0 = 514_000.0, 5_415_500.0
    return gpd.GeoDataFrame(
        {"Schlüssel": ["nord", "sued"], "Stadtteil": ["Nord", "Süd"], "Einwohner": [1200, 800]},
        geometry=[box(x0, y0 + 1000, x0 + 1000, y0 + 2000), box(x0, y0, x0 + 1000, y0 + 1000)],
        crs=METRIC_CRS,
    )


def test_polygons_in_25832_are_reprojected_and_mapped(tmp_path):
    path = tmp_path / "stadtteile.geojson"
    squares_25832().to_file(path, driver="GeoJSON")
    got = load_districts(path)
    assert got.crs.to_epsg() == 4326
    assert list(got["id"]) == ["nord", "sued"] and list(got["name"]) == ["Nord", "Süd"]
    assert list(got["population"]) == [1200, 800]
    np.testing.assert_allclose(got["area_km2"], [1.0, 1.0], atol=1e-3)
    assert not got["approximate"].any()
    assert list(got["source"]) == ["stadtteile.geojson"] * 2
    minx, miny, maxx, maxy = got.total_bounds
    assert 9.1 < minx < maxx < 9.3 and 48.8 < miny < maxy < 49.0


def test_geopackage_without_id_column_derives_ids_and_reads_flags(tmp_path):
    frame = squares_25832().drop(columns=["Schlüssel"]).assign(ungefähr=["ja", "nein"], Quelle=["Skizze", ""])
    path = tmp_path / "stadtteile.gpkg"
    frame.to_crs("EPSG:3035").to_file(path, driver="GPKG")
    got = load_districts(path)
    assert list(got["id"]) == ["nord", "sued"]
    assert list(got["approximate"]) == [True, False]
    assert list(got["source"]) == ["Skizze", "stadtteile.gpkg"]
    np.testing.assert_allclose(got["area_km2"], [1.0, 1.0], atol=1e-3)


def test_self_intersecting_polygon_is_repaired(tmp_path):
    bowtie = Polygon([(9.18, 48.89), (9.20, 48.91), (9.20, 48.89), (9.18, 48.91)])
    frame = gpd.GeoDataFrame({"name": ["Schleife"]}, geometry=[bowtie], crs=STORAGE_CRS)
    path = tmp_path / "bowtie.geojson"
    frame.to_file(path, driver="GeoJSON")
    got = load_districts(path)
    assert got.geometry.iloc[0].is_valid and got["area_km2"].iloc[0] > 0


# --------------------------------------------------------------------------- clear errors

HEADER = "id;name;lat;lon;population;area_km2;source\n"


@pytest.mark.parametrize(
    ("body", "error", "needles"),
    [
        ("a;A;48.90;9.19;;;\na;B;48.91;9.20;;;\n", DistrictError, ["districts.csv", "'a'", "column 'id'", "own id"]),
        ("a;;48.90;9.19;;;\n", DistrictError, ["districts.csv row 2", "empty name", "fill"]),
        ("a;A;abc;9.19;;;\n", DistrictError, ["row 2", "column 'lat'", "'abc'", "48.8973"]),
        ("a;A;9,19;48,90;;;\n", DistrictError, ["row 2", "swapped", "swap them"]),
        ("a;A;48.90;9.19;viele;;\n", DistrictError, ["row 2", "column 'population'", "digits"]),
        ("a b;A;48.90;9.19;;;\n", DistrictError, ["row 2", "'a b'", "letters, digits"]),
        ("a;A;48.90;9.19;;;\nb;B;48.90;9.19;;;\n", DistrictError, ["'a'", "'b'", "same centre"]),
        ("", InputEmptyError, ["no district rows"]),
    ],
)
def test_bad_centre_csv_gives_one_clear_error(tmp_path, body, error, needles):
    path = write_csv(tmp_path, HEADER + body)
    with pytest.raises(error) as caught:
        load_districts(path, city_area_km2=10.0)
    assert isinstance(caught.value, ValueError)
    for needle in needles:
        assert needle in str(caught.value)


def test_missing_coordinate_column_names_the_column(tmp_path):
    path = write_csv(tmp_path, "id;name;population\na;A;10\n")
    with pytest.raises(ColumnError, match=r"no column for 'lat'.*'Breitengrad'"):
        load_districts(path)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(InputMissingError, match="does not exist"):
        load_districts(tmp_path / "nope.csv")
    odd = tmp_path / "districts.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(InputFormatError, match=r"\.geojson.*\.csv"):
        load_districts(odd)
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"broken\.geojson"):
        load_districts(broken)


def test_points_instead_of_polygons_are_refused(tmp_path):
    frame = gpd.GeoDataFrame({"Name": ["Mitte"]}, geometry=[Point(9.19, 48.89)], crs=STORAGE_CRS)
    path = tmp_path / "punkte.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(DistrictError, match=r"punkte.geojson feature 1 is a Point.*CSV of centres"):
        load_districts(path)


def test_polygons_without_a_name_column_are_refused(tmp_path):
    frame = gpd.GeoDataFrame({"farbe": ["rot"]}, geometry=[box(9.18, 48.89, 9.19, 48.90)], crs=STORAGE_CRS)
    path = tmp_path / "ohne_name.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(ColumnError, match=r"ohne_name.geojson.*'Stadtteil'"):
        load_districts(path)


def test_known_areas_larger_than_the_city_are_refused(tmp_path):
    path = write_csv(tmp_path, HEADER + "a;A;48.90;9.19;;50;\nb;B;48.91;9.20;;;\n")
    with pytest.raises(DistrictError, match=r"50\.00 km².*43\.30 km²"):
        load_districts(path, city_area_km2=CITY_AREA_KM2)


def test_decimal_commas_and_thousands_separators_are_read(tmp_path):
    path = write_csv(tmp_path, HEADER + "a;A;48,90;9,19;46.416;2,5;\nb;B;48,91;9,21;1 200;;\n")
    got = load_districts(path, city_area_km2=4.0)
    assert list(got["population"]) == [46_416, 1_200]
    assert got["area_km2"].sum() == pytest.approx(4.0, rel=0.01)
    assert got["area_km2"].iloc[0] == pytest.approx(2.5, rel=0.05)


# --- display geometry of over-detailed districts (issue 11) ------------------------------------


def _detailed_districts(vertices: int = 1_000_000) -> gpd.GeoDataFrame:
    """A round district of ``vertices`` + 1 coordinates (±0.3 m jitter) and a plain square neighbour."""
    rng = np.random.default_rng(7)
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    radius = 1500 + rng.uniform(-0.3, 0.3, vertices)
    ring = np.column_stack([513_500 + radius * np.cos(angles), 5_417_000 + radius * np.sin(angles)])
    round_district = Polygon(ring)
    square = box(515_100, 5_416_000, 517_000, 5_418_000)
    frame = gpd.GeoDataFrame(
        {"id": ["rund", "eck"], "name": ["Rundstadt", "Eckstadt"], "population": [1000, 500]},
        geometry=[round_district, square],
        crs=METRIC_CRS,
    )
    return frame.to_crs(STORAGE_CRS)


@pytest.fixture(scope="module")
def detailed() -> gpd.GeoDataFrame:
    """The million-vertex district and its neighbour (built once: a few seconds)."""
    return _detailed_districts()


def test_display_geometry_simplifies_only_the_over_detailed_district(detailed):
    from etl.districts import display_geometry

    districts = detailed.copy()
    assert shapely.get_num_coordinates(districts.geometry.iloc[0]) == 1_000_001
    shown = display_geometry(districts, None, max_vertices=20_000, tolerance_m=5.0)
    simple, full = shown.districts.to_crs(METRIC_CRS).geometry, districts.to_crs(METRIC_CRS).geometry
    kept = shapely.get_num_coordinates(simple.iloc[0])
    assert kept < 2_000 and shown.simplified == (("Rundstadt", 1_000_001, kept),)
    assert simple.iloc[0].is_valid and simple.iloc[0].hausdorff_distance(full.iloc[0]) <= 5.0 + 1e-6
    assert abs(simple.iloc[0].area / full.iloc[0].area - 1) < 0.005  # the shape is kept
    assert simple.iloc[1].equals(full.iloc[1])  # the plain square is untouched
    assert districts.geometry.iloc[0].equals(detailed.geometry.iloc[0])  # the analysis geometry is not changed
    [(row, problem)] = shown.problems
    assert row == 0 and problem.code == "district_simplified" and problem.params["vertices"] == 1_000_001


def test_display_geometry_leaves_ordinary_districts_alone():
    from etl.districts import display_geometry

    districts = _detailed_districts(vertices=5_000)
    shown = display_geometry(districts, districts.union_all(), max_vertices=20_000)
    assert shown.districts is districts and shown.simplified == () and shown.problems == ()


def test_build_with_a_million_vertex_district_publishes_a_drawable_map(tmp_path, write_csv, detailed):
    from etl.pipeline import build
    from geodata.snapshot import current_snapshot_dir

    path = tmp_path / "bezirke.geojson"
    detailed.to_file(path, driver="GeoJSON")
    assert path.stat().st_size > 20_000_000
    offers = write_csv(
        tmp_path / "angebote.csv",
        [
            "Name;Kategorie;Breitengrad;Längengrad",
            "Am Rand;Sprachkurse;48.9025;9.1843",
            "Mitte;Beratung;48.9020;9.1850",
        ],
    )
    report = build(offers=offers, districts=path, out_dir=tmp_path / "out")
    folder = current_snapshot_dir(tmp_path / "out")
    assert (folder / "city.json").stat().st_size < 500_000
    assert (folder / "districts.geojson").stat().st_size < 500_000
    codes = [(w["code"], w["params"].get("district")) for w in report.warnings]
    assert ("district_simplified", "Rundstadt") in codes
    message = next(w["message"] for w in report.warnings if w["code"] == "district_simplified")
    assert "1000001 → " in message and "Toleranz 5 m" in message
    offers_out = json.loads((folder / "offers.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["district_id"] for f in offers_out} == {"rund"}
