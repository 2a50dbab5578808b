"""``stadtkarte serve`` on an empty data folder: a SQLite register from the demo, the login printed once."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dashboard.cli import add_serve_arguments, run_serve
from geodata.snapshot import SNAPSHOTS_DIR
from registry import Register
from registry.bootstrap import DEMO_MODERATOR


def _args(*argv: str) -> argparse.Namespace:
    return add_serve_arguments(argparse.ArgumentParser()).parse_args(list(argv))


def test_first_serve_prints_the_demo_login_once(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("STADTKARTE_DATABASE_URL", raising=False)
    served = []
    # do not serve: record that the production server would have started
    monkeypatch.setattr("dashboard.serving.serve", lambda server, settings, sock: served.append(settings.port))
    data = tmp_path / "data"
    code = run_serve(_args("--data", str(data), "--port", str(_free_port())))
    out, err = capsys.readouterr()
    assert code == 0, err
    line = next(line for line in out.splitlines() if DEMO_MODERATOR in line)
    password = line.split(f"{DEMO_MODERATOR} / ", 1)[1].split(" ", 1)[0]
    with Register.open(None, data) as register:
        assert register.authenticate(DEMO_MODERATOR, password) is not None
        assert register.count_entries("published") > 100
    assert (data / "CURRENT").is_file()  # the register's snapshot (a flat demo build may exist beside it)
    assert run_serve(_args("--data", str(data), "--port", str(_free_port()))) == 0
    assert DEMO_MODERATOR not in capsys.readouterr().out  # shown once only
    assert len(served) == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_once(data: Path, env: dict[str, str]) -> str:
    """Start ``stadtkarte serve`` as a real process, wait until it answers, stop it; its output."""
    port = _free_port()
    command = [sys.executable, "-m", "stadtkarte", "serve", "--data", str(data), "--port", str(port)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/offers.geojson", timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.5)
            assert proc.poll() is None, "stadtkarte serve ended early"
        finally:
            proc.terminate()
            out, _ = proc.communicate(timeout=30)
    return out


def test_serve_on_a_fresh_folder_builds_once_and_a_second_start_builds_nothing(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("STADTKARTE_DATABASE_URL", "STADTKARTE_DATA_DIR")}
    data = tmp_path / "data"
    first = _serve_once(data, env)
    assert first.count(DEMO_MODERATOR) == 1, first  # the login, printed once
    assert "building the embedded demo" not in first  # the register's snapshot serves: no second build
    snapshots = sorted(p.name for p in (data / SNAPSHOTS_DIR).iterdir())
    assert len(snapshots) == 1 and not (data / "offers.geojson").exists()  # one published set, no flat build beside it
    second = _serve_once(data, env)
    assert DEMO_MODERATOR not in second and "building the embedded demo" not in second and "importing" not in second
    assert sorted(p.name for p in (data / SNAPSHOTS_DIR).iterdir()) == snapshots  # nothing built or published
    with Register.open(None, data) as register:
        assert [u.email for u in register.users()] == [DEMO_MODERATOR]
