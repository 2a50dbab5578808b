"""The privacy levels in a clerk's file: ``Standort anzeigen`` and ``Veröffentlichen`` through ``stadtkarte build``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.config import CityConfig
from etl.pipeline import build
from etl.problems import LANGUAGES, render, warning
from etl.validate import parse_visibility
from geodata.io import read_offers
from geodata.snapshot import current_snapshot_dir

CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634", "71638"), demo=True, contact={"email": "a@b.de"})
HEADER = "ID;Name;Kategorie;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad;Standort anzeigen;Veröffentlichen"
ROWS = [
    "a;Offen;counselling;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900;;",
    "b;Frauenhaus;counselling;Geheimgasse;17;71638;Ludwigsburg;48.8837123;9.1773456;Stadtteil;ja",
    "c;Gemeinde;counselling;Kirchweg;5;71638;Ludwigsburg;48.8860;9.2150;nur Straße;",
    "d;Verborgen;counselling;Stillweg;2;71638;Ludwigsburg;48.8870;9.2100;genau;nein",
    "e;Unklar;counselling;Irgendwo;9;71638;Ludwigsburg;48.8880;9.1800;vielleicht;weiß nicht",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "exact"),
        ("genau", "exact"),
        ("Exact", "exact"),
        ("Straße", "street"),
        ("Strasse", "street"),
        ("nur Straße", "street"),
        ("street only", "street"),
        ("Stadtteil", "district"),
        ("Nur Stadtteil.", "district"),
        ("district", "district"),
        ("vielleicht", None),
    ],
)
def test_visibility_spellings(text: str, expected: str | None) -> None:
    assert parse_visibility(text) == expected


def test_new_codes_exist_in_every_language() -> None:
    for code in ("location_visibility_unclear", "listed_unclear"):
        texts = {render(warning(code, value="x"), lang) for lang in LANGUAGES}
        assert len(texts) == len(LANGUAGES) and all("x" in t for t in texts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tiny_districts_module) -> tuple[Path, object]:
    tmp = tmp_path_factory.mktemp("privacy")
    offers = tmp / "angebote.csv"
    offers.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    report = build(offers, tiny_districts_module, CONFIG, tmp / "out", providers=[], progress=False)
    return tmp / "out", report


@pytest.fixture(scope="module")
def tiny_districts_module():
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"id": ["west", "ost"], "name": ["Weststadt", "Oststadt"], "population": [1200, 800]},
        geometry=[box(9.17, 48.88, 9.20, 48.91), box(9.20, 48.88, 9.23, 48.91)],
        crs="EPSG:4326",
    )


def test_build_publishes_only_what_each_row_allows(built) -> None:
    out, report = built
    folder = current_snapshot_dir(out)
    assert folder is not None
    text = (folder / "offers.geojson").read_text(encoding="utf-8")
    by_id = {f["properties"]["id"]: f for f in read_offers(folder / "offers.geojson")}
    assert sorted(by_id) == ["a", "b", "c"]  # d: "nein"; e: unclear -> not listed, with a warning
    assert report.rows_out == 5 and report.rows_not_listed == 2
    assert json.loads((folder / "build_report.json").read_text(encoding="utf-8"))["rows_not_listed"] == 2
    assert "Verborgen" not in text and "Stillweg" not in text and "Unklar" not in text
    a, b, c = (by_id[k]["properties"] for k in "abc")
    assert a["location_visibility"] == "exact" and a["house_number"] == "1" and a["listed"] is True
    assert b["location_visibility"] == "district" and b["street"] is None and b["geocode_precision"] == "district"
    assert "Geheimgasse" not in text and "9.1773456" not in text and "48.8837123" not in text
    assert "9.17735" not in text and "48.88371" not in text
    assert c["location_visibility"] == "street" and c["street"] == "Kirchweg" and c["house_number"] is None


def test_unclear_cells_warn_with_the_protective_default(built) -> None:
    _out, report = built
    codes = {(w["row"], w["code"]) for w in report.warnings}
    assert (6, "location_visibility_unclear") in codes and (6, "listed_unclear") in codes
