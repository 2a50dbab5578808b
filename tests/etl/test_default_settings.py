"""Issue 12 item 9: ``stadtkarte build --offers mine.csv`` without ``--config``.

It used the Ludwigsburg demo's districts and settings silently and labelled the city's own data
"Demodaten". Now it says what it uses (one line on stderr, ``notices`` in the report) and never
marks the user's data as demo data; the demo's own list stays demo data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from etl.pipeline import build
from geodata.datasets import get_path
from geodata.io import read_offers
from geodata.snapshot import current_snapshot_dir
from stadtkarte.cli import main

MINE = [
    "Name;Kategorie;Stadtteil;Breitengrad;Längengrad",
    "Sprachcafé im Rathaus;Sprachcafé;Kernstadt;48,8955;9,1920",
    "Beratung Oßweil;Beratung;Oßweil;;",
]


def _snapshot(out: Path) -> tuple[dict, dict, list[dict]]:
    folder = current_snapshot_dir(out)
    assert folder is not None
    report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    city = json.loads((folder / "city.json").read_text(encoding="utf-8"))
    return report, city, [f["properties"] for f in read_offers(folder / "offers.geojson")]


def test_own_offers_without_config_are_not_demo_data_and_the_settings_are_named(
    tmp_path: Path, write_csv: Callable[..., Path], capsys
) -> None:
    offers = write_csv(tmp_path / "mine.csv", MINE, encoding="utf-8-sig")
    assert main(["build", "--offers", str(offers), "--out", str(tmp_path / "out")]) == 0
    err_lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    said = [line for line in err_lines if "Keine --config angegeben" in line]
    assert len(said) == 1 and "Ludwigsburg" in said[0] and "districts.csv" in said[0]
    report, city, offers_out = _snapshot(tmp_path / "out")
    assert city["demo"] is False
    assert offers_out and not any(p["demo"] for p in offers_out)
    assert [n["code"] for n in report["notices"]] == ["default_settings"]
    assert report["notices"][0]["params"]["city"] == "Ludwigsburg"


def test_notice_in_the_clerks_language(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    offers = write_csv(tmp_path / "mine.csv", MINE, encoding="utf-8-sig")
    report = build(offers, out_dir=tmp_path / "out", use_cache=False, lang="en")
    assert report.notices[0]["message"].startswith("No --config given: the demo's city settings (Ludwigsburg)")


def test_the_demo_itself_stays_demo_data_without_a_notice(tmp_path: Path) -> None:
    report = build(get_path("ludwigsburg/offers.csv"), out_dir=tmp_path / "out", use_cache=False)
    assert report.notices == ()
    _report, city, offers_out = _snapshot(tmp_path / "out")
    assert city["demo"] is True
    assert sum(p["demo"] for p in offers_out) == len(offers_out) - 2  # all but the two real service points
