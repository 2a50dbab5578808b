"""Settings and the serve command: options, environment, one-line errors."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import pytest

from dashboard.cli import add_serve_arguments, run_serve, settings_from_args
from dashboard.config import Settings, SettingsError, parse_port
from tests.support.tiny import write_tiny


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def test_serve_runs_the_production_server_on_the_chosen_port(tiny_data_dir, monkeypatch):
    calls = {}

    def fake_serve(wsgi_app, settings, sock):
        calls.update(app=wsgi_app, settings=settings, address=sock.getsockname())

    def dev_server(self, **kwargs):
        raise AssertionError("the development server must only run with --debug")

    monkeypatch.setattr("dashboard.serving.serve", fake_serve)
    monkeypatch.setattr("dash.Dash.run", dev_server)
    port = free_port()
    assert (
        run_serve(parse(["--data", str(tiny_data_dir), "--port", str(port), "--workers", "3", "--threads", "5"])) == 0
    )
    assert calls["address"] == ("127.0.0.1", port)
    assert (calls["settings"].workers, calls["settings"].threads, calls["settings"].debug) == (3, 5, False)
    assert hasattr(calls["app"], "wsgi_app")  # the Flask server, not the Dash object


def test_debug_runs_the_development_server(tiny_data_dir, monkeypatch):
    calls = {}
    monkeypatch.setattr("dash.Dash.run", lambda self, **kwargs: calls.update(kwargs))
    monkeypatch.setattr("dashboard.serving.serve", lambda *a: (_ for _ in ()).throw(AssertionError("no waitress")))
    port = free_port()
    assert run_serve(parse(["--data", str(tiny_data_dir), "--port", str(port), "--debug"])) == 0
    assert calls == {"host": "127.0.0.1", "port": port, "debug": True}


@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--threads", "many"), ("--allowed-hosts", " , ")])
def test_bad_server_option_is_one_line_and_exit_2(option, value, capsys):
    assert run_serve(parse([option, value])) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err and (option.lstrip("-") in err or value in err)


def test_server_settings_from_environment():
    env = {
        "STADTKARTE_WORKERS": "4",
        "STADTKARTE_THREADS": "16",
        "STADTKARTE_ALLOWED_HOSTS": "karte.example.de, localhost",
        "STADTKARTE_TRUSTED_PROXY": "127.0.0.1",
        "STADTKARTE_FRAME_ANCESTORS": "'self' https://www.example.de",
    }
    settings = Settings.from_env(env)
    assert (settings.workers, settings.threads, settings.trusted_proxy) == (4, 16, "127.0.0.1")
    assert settings.host_names() == {"karte.example.de", "localhost"}
    assert settings.frame_ancestors == ("'self'", "https://www.example.de")
    assert Settings().host_names() == {"localhost", "127.0.0.1", "::1"}
    assert Settings(host="0.0.0.0").host_names() == {"localhost", "127.0.0.1", "::1"}
    assert "karte.local" in Settings(host="karte.local").host_names()
    assert 1 <= Settings().workers <= 8


def test_missing_data_builds_the_demo_first(tmp_path, monkeypatch):
    from dashboard import cli

    built = []

    def fake_build(out_dir):

        built.append(Path(out_dir))
        write_tiny(Path(out_dir))

    import types

    monkeypatch.setitem(__import__("sys").modules, "etl.pipeline", types.SimpleNamespace(build=fake_build))
    cli.ensure_data(tmp_path / "fresh")
    assert built == [tmp_path / "fresh"] and (tmp_path / "fresh" / "offers.geojson").exists()
    cli.ensure_data(tmp_path / "fresh")  # present now: not rebuilt
    assert len(built) == 1
