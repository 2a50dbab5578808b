"""End-to-end tests of ``stadtkarte build`` with the real, offline provider chain (postcode + district centroids)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.cli import add_build_arguments
from geodata.snapshot import current_snapshot_dir, current_version
from stadtkarte.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY = DATA / "etl_messy_cp1252.csv"
DISTRICTS = DATA / "etl_districts.geojson"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(
        '[city]\nname = "Ludwigsburg"\npostcodes = ["71634", "71636", "71638", "71640", "71642"]\n', encoding="utf-8"
    )
    return path


def args(config: Path, out: Path, offers: Path = MESSY) -> list[str]:
    return ["build", "--offers", str(offers), "--districts", str(DISTRICTS), "--config", str(config), "--out", str(out)]


def check_accounted(out: Path) -> dict:
    folder = current_snapshot_dir(out)
    assert folder is not None and (out / "rejects.csv").read_bytes() == (folder / "rejects.csv").read_bytes()
    report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    assert report["rows_in"] == report["rows_out"] + report["rows_rejected"] == 11
    return report


def test_main_builds_messy_file(tmp_path, config, capsys):
    assert main(args(config, tmp_path / "out")) == 0
    report = check_accounted(tmp_path / "out")
    captured = capsys.readouterr()
    version = current_version(tmp_path / "out")
    assert captured.out.strip() == (
        f"{report['rows_out']} Angebote geschrieben, {report['rows_rejected']} abgelehnt"
        f" -> {tmp_path / 'out' / 'rejects.csv'}, {report['rows_review']} nur ungefähr verortet"
        f" -> {tmp_path / 'out' / 'review.csv'} (Datenstand {version})"
    )
    assert report["rows_review"] >= 1
    assert report["by_geocode_source"]["postcode"] >= 1  # the real offline postcode centroids were used
    assert "Traceback" not in captured.err


def test_subprocess_build_and_errors(tmp_path, config):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ok = subprocess.run(
        [sys.executable, "-m", "stadtkarte", *args(config, tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    check_accounted(tmp_path / "out")
    assert "Angebote geschrieben" in ok.stdout
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    for offers, needle in ((tmp_path / "fehlt.csv", "does not exist"), (empty, "is empty")):
        bad = subprocess.run(
            [sys.executable, "-m", "stadtkarte", *args(config, tmp_path / "bad", offers)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
        lines = bad.stderr.strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1, bad.stderr
        assert lines[0].startswith("stadtkarte: error: ") and needle in lines[0] and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: None, "does not exist"),
        (
            lambda p: p.write_bytes("Titel;PLZ\r\nx;71634\r\n".encode("cp1252")),
            "no name column found; headers found: 'Titel', 'PLZ'",
        ),
        (lambda p: p.write_bytes(b"\x00\x01garbage\xff;\x00"), "no name column"),
    ],
)
def test_main_unusable_offers_one_line_exit_2(tmp_path, config, capsys, setup, needle):
    offers = tmp_path / "angebote.csv"
    setup(offers)
    assert main(args(config, tmp_path / "out", offers)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("stadtkarte: error: ") and needle in err[0]


def test_main_bad_config_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "city.toml"
    bad.write_text("[city]\nnmae = 'x'\n", encoding="utf-8")
    assert main(args(bad, tmp_path / "out")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown key 'nmae' in [city]" in err[0]


def test_help_explains_every_option():
    parser = argparse.ArgumentParser(prog="build")
    add_build_arguments(parser)
    text = parser.format_help()
    for option in ("--offers", "--districts", "--config", "--out", "--verbose", "--quiet"):
        assert option in text
    assert all(action.help for action in parser._actions)
    assert parser.parse_args([]).func.__name__ == "run_build"


def test_lang_renders_rejects_report_and_summary(tmp_path, config, capsys):
    assert main([*args(config, tmp_path / "out"), "--lang", "en"]) == 0
    folder = current_snapshot_dir(tmp_path / "out")
    assert folder is not None
    text = (folder / "rejects.csv").read_bytes().decode("utf-8-sig")
    assert "Name is missing – please fill in the 'Name' column" in text and "Name fehlt" not in text
    report = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    by_code = {w["code"]: w for w in report["warnings"]}
    assert by_code["unknown_language"]["message"].startswith("unknown language '")
    assert by_code["unknown_language"]["params"]["value"] in by_code["unknown_language"]["message"]
    assert " offers written, " in capsys.readouterr().out


def test_unknown_lang_is_a_usage_error(tmp_path, config, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*args(config, tmp_path / "out"), "--lang", "fr"])
    assert exc.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err


def test_ctrl_c_during_a_build_is_one_line_exit_130_and_keeps_the_current_snapshot(tmp_path, config):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = tmp_path / "out"
    assert main(args(config, out)) == 0
    pointer = (out / "CURRENT").read_bytes()
    big = tmp_path / "gross.csv"
    lines = ["Name;Kategorie;PLZ;Sprachen"] + [f"Angebot {i};Beratung;71634;Arabisch, Türkisch" for i in range(60000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # as from a terminal: Ctrl+C interrupts (a shell starts background jobs with SIGINT ignored, and
    # Python keeps an ignored SIGINT, so a test run started with `&` would never see the signal)
    as_from_a_terminal = (
        "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler);"
        " runpy.run_module('stadtkarte', run_name='__main__')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", as_from_a_terminal, *args(config, out, big), "-v"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stderr is not None
    started = time.monotonic()
    for line in proc.stderr:  # wait until the file was read: the build is in its stages now
        if "read 60000 rows" in line or time.monotonic() - started > 120:
            break
    proc.send_signal(signal.SIGINT)
    _stdout, rest = proc.communicate(timeout=120)
    assert proc.returncode == 130, rest
    assert "Traceback" not in rest
    assert (
        rest.strip().splitlines()[-1]
        == "stadtkarte: error: abgebrochen (Strg+C) – der bisherige Datenstand bleibt gültig"
    )
    assert (out / "CURRENT").read_bytes() == pointer  # the previous set stays current
    assert not list((out / "snapshots").glob(".new-*"))
