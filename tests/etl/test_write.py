from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from etl.config import CityConfig
from etl.pipeline import build
from etl.report import BuildReport
from etl.write import rejects_csv, write_snapshot
from geodata.snapshot import CURRENT_FILE, SNAPSHOTS_DIR, current_snapshot_dir

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY = DATA / "etl_messy_cp1252.csv"
CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634", "71636"))
OUTPUTS = ("offers.geojson", "districts.geojson", "rejects.csv", "build_report.json", "city.json")


def run(out, providers, offers=MESSY, **kwargs):
    return build(offers, DATA / "etl_districts.geojson", CONFIG, out, progress=False, providers=providers, **kwargs)


def current(out: Path) -> Path:
    folder = current_snapshot_dir(out)
    assert folder is not None and folder.parent == out / SNAPSHOTS_DIR
    return folder


def comparable(report_path) -> dict:
    data = json.loads(report_path.read_text(encoding="utf-8"))
    data.pop("timings_s")
    data.pop("cache_hits")  # depends on whether the cache was warm
    return data


def test_two_runs_are_byte_identical(tmp_path, make_postcodes):
    run(tmp_path / "a", [make_postcodes()])
    run(tmp_path / "b", [make_postcodes()], use_cache=False)
    a, b = current(tmp_path / "a"), current(tmp_path / "b")
    for name in ("offers.geojson", "districts.geojson", "rejects.csv", "city.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (tmp_path / "a" / "rejects.csv").read_bytes() == (a / "rejects.csv").read_bytes()  # the clerk's copy
    assert comparable(a / "build_report.json") == comparable(b / "build_report.json")
    assert "timings_s" in json.loads((a / "build_report.json").read_text(encoding="utf-8"))


def test_second_run_uses_the_cache(tmp_path, make_postcodes):
    first = make_postcodes()
    run(tmp_path, [first])
    second = make_postcodes()
    report = run(tmp_path, [second])
    assert first.calls > 0 and second.calls == 0 and report.cache_hits > 0


def test_crash_mid_write_leaves_previous_output_intact(tmp_path, monkeypatch, postcodes):
    run(tmp_path, [postcodes])
    pointer = (tmp_path / CURRENT_FILE).read_bytes()
    before = {name: (current(tmp_path) / name).read_bytes() for name in OUTPUTS}
    changed = tmp_path / "changed.csv"
    changed.write_bytes(MESSY.read_bytes().replace(b"Migrationsberatung", b"Neue Beratung"))

    def crash(fd):
        raise OSError("simulated crash: disk full")

    monkeypatch.setattr("geodata.io.os.fsync", crash)
    with pytest.raises(OSError, match="simulated crash"):
        run(tmp_path, [postcodes], offers=changed)
    monkeypatch.undo()
    assert (tmp_path / CURRENT_FILE).read_bytes() == pointer
    assert {name: (current(tmp_path) / name).read_bytes() for name in OUTPUTS} == before
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert not list((tmp_path / SNAPSHOTS_DIR).glob(".new-*"))  # the half-written set was removed


def test_rejects_csv_has_bom_semicolons_and_original_columns():
    raw = pd.DataFrame({"row": [2, 3], "Name": ["A", ""], "Straße": ["Weg; 1", "Gasse"]}, dtype=object)
    rejects = pd.DataFrame({"row": [3], "reason": ["Name fehlt – bitte Spalte 'Name' ausfüllen"]}, dtype=object)
    data = rejects_csv(rejects, raw)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["row", "reason", "Name", "Straße"],
        ["3", "Name fehlt – bitte Spalte 'Name' ausfüllen", "", "Gasse"],
    ]


def test_report_invariant_is_enforced():
    with pytest.raises(AssertionError, match="rows were lost"):
        BuildReport(rows_in=3, rows_out=1, rows_rejected=1)


def test_rejects_csv_cells_cannot_run_as_formulas_but_phone_numbers_stay():
    raw = pd.DataFrame(
        {
            "row": [2],
            "Name": ['=HYPERLINK("http://evil","x")'],
            "Telefon": ["+49 7141 910-0"],
            "Notiz": ["@SUM(A1:A2)"],
            "=cmd": ["-2+3"],
        },
        dtype=object,
    )
    rejects = pd.DataFrame({"row": [2], "reason": ["=1+1 Kategorie fehlt"]}, dtype=object)
    rows = list(csv.reader(io.StringIO(rejects_csv(rejects, raw).decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["row", "reason", "Name", "Telefon", "Notiz", "'=cmd"],
        ["2", "'=1+1 Kategorie fehlt", '\'=HYPERLINK("http://evil","x")', "+49 7141 910-0", "'@SUM(A1:A2)", "'-2+3"],
    ]


def test_build_writes_hostile_cells_safely_into_rejects(tmp_path, write_csv, postcodes):
    offers = write_csv(
        tmp_path / "o.csv",
        ["Name;Kategorie;PLZ;Telefon", '=HYPERLINK("http://evil","x");Unsinn;71634;+49 7141 910-0'],
    )
    report = run(tmp_path / "out", [postcodes], offers=offers)
    assert report.rows_rejected == 1
    text = (current(tmp_path / "out") / "rejects.csv").read_bytes().decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert row[2] == '\'=HYPERLINK("http://evil","x")' and row[5] == "+49 7141 910-0"
    assert (tmp_path / "out" / "rejects.csv").read_bytes() == (current(tmp_path / "out") / "rejects.csv").read_bytes()


def test_write_snapshot_is_what_build_publishes(tmp_path, postcodes):
    """The register's publish calls write_snapshot; with the build's inputs it gives the build's version."""
    report = run(tmp_path / "built", [postcodes])
    folder = current(tmp_path / "built")
    offers = json.loads((folder / "offers.geojson").read_text(encoding="utf-8"))["features"]
    districts = json.loads((folder / "districts.geojson").read_text(encoding="utf-8"))["features"]
    city = json.loads((folder / "city.json").read_text(encoding="utf-8"))
    version = write_snapshot(
        tmp_path / "again",
        offers,
        districts,
        city,
        replace(report, version="", snapshot_dir=""),
        (folder / "rejects.csv").read_bytes(),
        review=(folder / "review.csv").read_bytes(),
    )
    assert version == report.version == (tmp_path / "again" / CURRENT_FILE).read_text(encoding="ascii").strip()
