from __future__ import annotations

import csv
import io
import json
import os

import pandas as pd
import pytest

from etl.config import CityConfig
from etl.pipeline import build
from etl.write import BuildReport, rejects_csv
from tests.etl.conftest import DATA
from tests.etl.fakes import FakePostcodes

MESSY = DATA / "etl_messy_cp1252.csv"
CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634", "71636"))
OUTPUTS = ("offers.geojson", "districts.geojson", "rejects.csv", "build_report.json", "city.json")


def run(out, offers=MESSY, **kwargs):
    kwargs.setdefault("providers", [FakePostcodes()])
    return build(offers, DATA / "etl_districts.geojson", CONFIG, out, progress=False, **kwargs)


def comparable(report_path) -> dict:
    data = json.loads(report_path.read_text(encoding="utf-8"))
    data.pop("timings_s")
    data.pop("cache_hits")  # depends on whether the cache was warm
    return data


def test_two_runs_are_byte_identical(tmp_path):
    run(tmp_path / "a")
    run(tmp_path / "b", use_cache=False)
    for name in ("offers.geojson", "districts.geojson", "rejects.csv", "city.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert comparable(tmp_path / "a" / "build_report.json") == comparable(tmp_path / "b" / "build_report.json")
    assert "timings_s" in json.loads((tmp_path / "a" / "build_report.json").read_text(encoding="utf-8"))


def test_second_run_uses_the_cache(tmp_path):
    first = FakePostcodes()
    run(tmp_path, providers=[first])
    second = FakePostcodes()
    report = run(tmp_path, providers=[second])
    assert first.calls > 0 and second.calls == 0 and report.cache_hits > 0


def test_crash_mid_write_leaves_previous_output_intact(tmp_path, monkeypatch):
    run(tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in OUTPUTS}
    changed = tmp_path / "changed.csv"
    changed.write_bytes(MESSY.read_bytes().replace(b"Migrationsberatung", b"Neue Beratung"))

    def crash(fd):
        raise OSError("simulated crash: disk full")

    monkeypatch.setattr("geodata.io.os.fsync", crash)
    with pytest.raises(OSError, match="simulated crash"):
        run(tmp_path, offers=changed)
    monkeypatch.undo()
    assert {name: (tmp_path / name).read_bytes() for name in OUTPUTS} == before
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


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
