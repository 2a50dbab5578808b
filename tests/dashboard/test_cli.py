"""Settings and the serve command: options, environment, one-line errors."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dashboard.cli import add_serve_arguments, run_serve, settings_from_args
from dashboard.config import Settings, SettingsError, parse_port


def parse(argv: list[str]) -> argparse.Namespace:
    return add_serve_arguments(argparse.ArgumentParser()).parse_args(argv)


def test_defaults_are_local_and_not_debug(monkeypatch):
    for name in ("STADTKARTE_HOST", "STADTKARTE_PORT", "STADTKARTE_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert settings_from_args(parse([])) == Settings("127.0.0.1", 8050, Path("data"), False)


def test_environment_then_options_override(monkeypatch):
    monkeypatch.setenv("STADTKARTE_PORT", "9000")
    monkeypatch.setenv("STADTKARTE_DATA_DIR", "/srv/karte")
    assert settings_from_args(parse([])).port == 9000
    settings = settings_from_args(parse(["--port", "8123", "--data", "x", "--host", "0.0.0.0", "--debug"]))
    assert settings == Settings("0.0.0.0", 8123, Path("x"), True)


@pytest.mark.parametrize("text", ["abc", "0", "70000"])
def test_bad_port_names_the_value_and_the_fix(text):
    with pytest.raises(SettingsError, match=f"{text}.*between 1 and 65535"):
        parse_port(text)


def test_bad_port_is_one_line_and_exit_2(capsys):
    assert run_serve(parse(["--port", "nope"])) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope" in err and "Traceback" not in err


def test_broken_data_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "offers.geojson").write_text("{not json", encoding="utf-8")
    assert run_serve(parse(["--data", str(tmp_path)])) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "offers.geojson" in err and "stadtkarte build" in err


def test_serve_runs_the_app_on_the_chosen_port(tiny_data_dir, monkeypatch):
    calls = {}

    def fake_run(self, **kwargs):
        calls.update(kwargs)

    monkeypatch.setattr("dash.Dash.run", fake_run)
    assert run_serve(parse(["--data", str(tiny_data_dir), "--port", "8765"])) == 0
    assert calls == {"host": "127.0.0.1", "port": 8765, "debug": False}


def test_missing_data_builds_the_demo_first(tmp_path, monkeypatch):
    from dashboard import cli

    built = []

    def fake_build(out_dir):
        from tests.dashboard.conftest import write_tiny

        built.append(Path(out_dir))
        write_tiny(Path(out_dir))

    import types

    monkeypatch.setitem(__import__("sys").modules, "etl.pipeline", types.SimpleNamespace(build=fake_build))
    cli.ensure_data(tmp_path / "fresh")
    assert built == [tmp_path / "fresh"] and (tmp_path / "fresh" / "offers.geojson").exists()
    cli.ensure_data(tmp_path / "fresh")  # present now: not rebuilt
    assert len(built) == 1
