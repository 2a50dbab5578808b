"""The public per-record check (etl.record): one record as a form posts it, and many as an import does."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import CityConfig
from etl.extract import read_table
from etl.pipeline import build
from etl.problems import render
from etl.record import RecordCheck, RecordChecker
from geodata.io import read_offers
from geodata.schema import OFFER_FIELD_NAMES, offer_problems
from geodata.snapshot import current_snapshot_dir

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY = DATA / "etl_messy_cp1252.csv"
CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634",), demo=True)


@pytest.fixture
def checker(tmp_path, tiny_districts, postcodes) -> RecordChecker:
    return RecordChecker.from_config(CONFIG, tmp_path, tiny_districts, providers=[postcodes])


def test_a_good_record_becomes_a_contract_feature(checker):
    result = checker.check(
        {
            "name": "Sprachcafé",
            "category": "Beratung",
            "languages": "ar, tr",
            "accessibility": "ja",
            "postal_code": "71634",
            "phone": "+49 7141 910-0",
            "demo": None,
        }
    )
    assert isinstance(result, RecordCheck) and result.ok
    props = result.feature["properties"]
    assert list(props) == list(OFFER_FIELD_NAMES) and offer_problems(props) == []
    assert props["languages"] == ["ar", "tr"] and props["accessibility"] == "yes" and props["demo"] is True
    assert props["geocode_source"] == "postcode" and props["source"] == "register"
    # located by the postcode only: its centre cannot tell the district, so it counts in none (issue 12)
    assert props["district_id"] is None and props["district_source"] == "none" and props["location_approximate"]
    assert sorted(p.code for p in result.problems) == ["address_imprecise", "district_undecided"]


def test_a_rejected_record_has_no_feature_and_its_problems_in_field_order(checker):
    result = checker.check({"name": "", "category": "Beratnug", "languages": "Elbisch", "lat": "Nord", "lon": "9,19"})
    assert not result.ok and result.feature is None
    assert [p.code for p in result.problems] == [
        "name_missing",
        "unknown_category",
        "unknown_language",
        "coordinate_not_number_no_address",
    ]
    assert [p.severity for p in result.problems] == ["error", "error", "warning", "error"]
    assert render(result.problems[1]).startswith("unbekannte Kategorie 'Beratnug' – meinten Sie 'Beratung'")
    assert render(result.problems[1], "ar").startswith("فئة غير معروفة 'Beratnug'")


def test_an_address_nobody_knows_is_an_error_naming_it(checker):
    result = checker.check({"name": "X", "category": "Beratung", "postal_code": "71999"}, row=7)
    assert not result.ok and result.feature is None
    assert [p.code for p in result.problems] == ["address_not_found"]
    assert "71999" in render(result.problems[0], "uk")


def test_check_many_numbers_records_and_rejects_a_duplicate_id(checker):
    results = checker.check_many(
        [
            {"id": "A1", "name": "Eins", "category": "Beratung", "postal_code": "71634"},
            {"id": "A1", "name": "Zwei", "category": "Beratung", "postal_code": "71634"},
        ],
        first_row=2,
    )
    assert [r.ok for r in results] == [True, False]
    assert results[0].feature["properties"]["id"] == "A1"
    assert render(results[1].problems[0]).startswith("ID 'A1' kommt doppelt vor (schon in Zeile 2)")


def test_build_and_the_checker_share_one_code_path(tmp_path, postcodes, make_postcodes):
    """The features of a build equal those of check_many over the same rows (every rule in one place)."""
    districts = DATA / "etl_districts.geojson"
    build(MESSY, districts, CONFIG, tmp_path / "built", providers=[postcodes], progress=False)
    folder = current_snapshot_dir(tmp_path / "built")
    assert folder is not None
    built = read_offers(folder / "offers.geojson")
    frame = read_table(MESSY).frame
    rows = [{k: v for k, v in rec.items() if k != "row"} | {"source": MESSY.name} for rec in frame.to_dict("records")]
    checker = RecordChecker.from_config(CONFIG, tmp_path / "checker", districts, providers=[make_postcodes()])
    checked = [r.feature for r in checker.check_many(rows) if r.feature is not None]
    assert len(checked) == len(built) > 0
    for mine, theirs in zip(checked, built, strict=True):
        assert mine["properties"] == theirs["properties"]
        assert mine["geometry"]["coordinates"] == pytest.approx(theirs["geometry"]["coordinates"], abs=1e-7)


def test_from_config_reads_the_districts_file_and_is_reusable(tmp_path, postcodes):
    checker = RecordChecker.from_config(CONFIG, tmp_path, DATA / "etl_districts.geojson", providers=[postcodes])
    first = checker.check({"name": "A", "category": "Beratung", "postal_code": "71634"})
    second = checker.check({"name": "B", "category": "Sprachkurs", "postal_code": "71634"})
    assert first.ok and second.ok
    assert postcodes.calls == 1  # the same address again: answered by the cache in the data folder
    assert (tmp_path / ".cache").is_dir()  # the geocode cache lives in the data folder
