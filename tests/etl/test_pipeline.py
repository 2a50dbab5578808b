from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from etl.config import CityConfig
from etl.errors import ColumnError
from etl.extract import read_table
from etl.pipeline import build
from geodata.datasets import get_path
from geodata.io import read_districts, read_offers
from geodata.snapshot import current_snapshot_dir

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY = DATA / "etl_messy_cp1252.csv"
CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634",), demo=True, contact={"email": "a@b.de"})


def snapshot(out: Path) -> Path:
    folder = current_snapshot_dir(out)
    assert folder is not None and folder != out
    return folder


def rejects_by_row(out) -> dict[int, str]:
    text = (snapshot(out) / "rejects.csv").read_bytes().decode("utf-8-sig")
    return {int(r["row"]): r["reason"] for r in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_messy_file_every_row_accounted_for(tmp_path, postcodes):
    report = build(MESSY, DATA / "etl_districts.geojson", CONFIG, tmp_path, providers=[postcodes], progress=False)
    offers = read_offers(snapshot(tmp_path) / "offers.geojson")
    rejects = rejects_by_row(tmp_path)
    assert report.rows_in == report.rows_out + report.rows_rejected == 11
    assert report.rows_out == len(offers) and report.rows_rejected == len(rejects)
    # map offers back to input rows through their ids (every row of the fixture has a Nr.)
    frame = read_table(MESSY).frame
    row_of_id = {}
    for rec in frame.to_dict("records"):
        row_of_id.setdefault(rec["id"], rec["row"])
    offer_rows = [row_of_id[f["properties"]["id"]] for f in offers]
    assert offer_rows == sorted(offer_rows)  # stable order by input row
    assert sorted(offer_rows + list(rejects)) == sorted(frame["row"])  # each row exactly once
    assert set(report.empty_rows) == {4, 14}
    assert rejects[5].startswith("Name fehlt") and "Beratnug" in rejects[6] and "doppelt" in rejects[8]
    assert rejects[10].startswith("Adresse nicht gefunden") and "99999" in rejects[10]
    assert "außerhalb von Ludwigsburg" in rejects[11]
    by_id = {f["properties"]["id"]: f["properties"] for f in offers}
    assert by_id["1"]["languages"] == ["tr", "ar", "de"] and by_id["1"]["target_groups"] == ["women", "families"]
    assert by_id["1"]["url"] == "https://www.begegnung.de" and by_id["1"]["district_id"] == "west"
    assert by_id["2"]["geocode_source"] == "postcode" and by_id["1"]["geocode_source"] == "input"
    assert by_id["10"]["outside_districts"] is True and by_id["10"]["district_id"] is None
    assert all(p["demo"] is True and p["source"] == MESSY.name for p in by_id.values())
    assert len(read_districts(snapshot(tmp_path) / "districts.geojson")) == 2
    data = json.loads((snapshot(tmp_path) / "build_report.json").read_text(encoding="utf-8"))
    assert data["rows_in"] == data["rows_out"] + data["rows_rejected"]
    assert data["by_geocode_source"]["input"] == 3 and data["by_geocode_source"]["postcode"] == 2
    assert {"row", "field", "code", "params", "message"} <= set(data["warnings"][0])
    assert data["inputs"][0]["sha256"] and set(data["timings_s"]) >= {"extract", "validate", "geocode", "enrich"}
    city = json.loads((snapshot(tmp_path) / "city.json").read_text(encoding="utf-8"))
    assert city["name"] == "Ludwigsburg" and city["demo"] is True and city["outline"]["type"] == "Polygon"
    assert city["contact"] == {"email": "a@b.de", "phone": None, "url": None}


def test_districts_as_geodataframe_and_all_rejected_still_writes(tmp_path, tiny_districts, write_csv, postcodes):
    offers = write_csv(tmp_path / "o.csv", ["Name;Kategorie;PLZ", ";Beratung;71634", "X;Unsinn;71634"])
    report = build(offers, tiny_districts, CONFIG, tmp_path / "out", providers=[postcodes], progress=False)
    assert (report.rows_in, report.rows_out, report.rows_rejected) == (2, 0, 2)
    assert read_offers(snapshot(tmp_path / "out") / "offers.geojson") == []


def test_unusable_input_raises_before_writing(tmp_path, tiny_districts, write_csv, postcodes):
    offers = write_csv(tmp_path / "o.csv", ["Titel;Kategorie;PLZ", "X;Beratung;71634"])
    with pytest.raises(ColumnError, match="no name column"):
        build(offers, tiny_districts, CONFIG, tmp_path / "out", providers=[postcodes])
    assert not (tmp_path / "out").exists()


def test_embedded_demo_with_real_offline_chain(tmp_path):
    """No arguments: the Ludwigsburg demo, geocoded offline by its demo address register, district and postcode centres."""
    report = build(out_dir=tmp_path, progress=False)
    frame = read_table(get_path("ludwigsburg/offers.csv")).frame
    offers = read_offers(snapshot(tmp_path) / "offers.geojson")
    rejects = rejects_by_row(tmp_path)
    assert report.rows_in == len(frame) == report.rows_out + report.rows_rejected
    assert report.by_geocode_source["online"] == 0
    assert (
        report.by_geocode_source["gazetteer"]
        > report.by_geocode_source["postcode"] + report.by_geocode_source["district"]
        > 0
    )
    # every rejected demo row is one of the deliberately faulty ones
    faulty = set(frame.loc[frame["description"].str.contains("mit Absicht fehlerhaft"), "row"])
    assert set(rejects) <= faulty and len(rejects) >= 4
    # Demo=nein rows stay real, every other row is labelled demo ([city] demo = true)
    real = set(frame.loc[frame["demo"] == "nein", "id"])
    assert {f["properties"]["id"] for f in offers if not f["properties"]["demo"]} == real
    city = json.loads((snapshot(tmp_path) / "city.json").read_text(encoding="utf-8"))
    assert city["demo"] is True and city["contact"]["phone"] is None


def test_rerun_with_unchanged_inputs_is_up_to_date_and_force_rebuilds(tmp_path):
    first = build(out_dir=tmp_path, progress=False)
    before = {
        p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".cache" not in p.parts
    }
    again = build(out_dir=tmp_path, progress=False)
    assert again.up_to_date and not first.up_to_date
    assert (again.rows_in, again.rows_out, again.rows_rejected) == (first.rows_in, first.rows_out, first.rows_rejected)
    assert again.warnings == first.warnings
    assert {
        p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".cache" not in p.parts
    } == before
    assert again.version == first.version and again.snapshot_dir == first.snapshot_dir
    forced = build(out_dir=tmp_path, progress=False, force=True)
    assert not forced.up_to_date and forced.rows_out == first.rows_out


def test_changed_output_or_input_is_rebuilt(tmp_path):
    build(out_dir=tmp_path, progress=False)
    offers = snapshot(tmp_path) / "offers.geojson"
    offers.write_text("tampered", encoding="utf-8")
    assert not build(out_dir=tmp_path, progress=False).up_to_date
    assert (snapshot(tmp_path) / "offers.geojson").read_text(encoding="utf-8").startswith('{"type":"FeatureCollection"')
    changed = tmp_path / "input.csv"
    changed.write_bytes(get_path("ludwigsburg/offers.csv").read_bytes().replace(b"Demo)", b"Demo!)", 1))
    assert not build(offers=changed, out_dir=tmp_path, progress=False).up_to_date
