"""``stadtkarte serve`` on an empty data folder: a SQLite register from the demo, the login printed once."""

from __future__ import annotations

import argparse
import socket

from dashboard.cli import add_serve_arguments, run_serve
from registry import Register
from registry.bootstrap import DEMO_MODERATOR


def _args(*argv: str) -> argparse.Namespace:
    return add_serve_arguments(argparse.ArgumentParser()).parse_args(list(argv))


def _free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def test_first_serve_prints_the_demo_login_once(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("STADTKARTE_DATABASE_URL", raising=False)
    served = []
    # do not serve: record that the production server would have started
    monkeypatch.setattr("dashboard.serving.serve", lambda server, settings, sock: served.append(settings.port))
    data = tmp_path / "data"
    code = run_serve(_args("--data", str(data), "--port", _free_port()))
    out, err = capsys.readouterr()
    assert code == 0, err
    line = next(line for line in out.splitlines() if DEMO_MODERATOR in line)
    password = line.split(f"{DEMO_MODERATOR} / ", 1)[1].split(" ", 1)[0]
    with Register.open(None, data) as register:
        assert register.authenticate(DEMO_MODERATOR, password) is not None
        assert register.count_entries("published") > 100
    assert (data / "CURRENT").is_file()  # the register's snapshot (a flat demo build may exist beside it)
    assert run_serve(_args("--data", str(data), "--port", _free_port())) == 0
    assert DEMO_MODERATOR not in capsys.readouterr().out  # shown once only
    assert len(served) == 2
