"""The production server for real: ``python -m dashboard`` in a subprocess, spoken to over TCP."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.net import free_port
from tests.support.serving import REPO_ROOT, RunningServer, start_server

pytestmark = pytest.mark.slow


def get(server: RunningServer, path: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Any:
    """GET ``path``; returns (status, headers dict, body bytes, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.perf_counter() - start
    finally:
        conn.close()


def raw_exchange(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data`` on a fresh connection and return what the server answers first."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return sock.recv(4096)


def children_of(pid: int) -> set[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return {int(p) for p in result.stdout.split()}


def test_half_sent_requests_do_not_block_normal_users(running_server: RunningServer) -> None:
    # 2 workers x 4 threads = 8 threads: gunicorn's gthread workers were blocked by 8 such clients.
    slow = []
    for i in range(40):
        sock = socket.create_connection(("127.0.0.1", running_server.port), timeout=10)
        if i % 2:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # headers never finished
        else:
            sock.sendall(
                b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"  # body never finished
            )
        slow.append(sock)
    try:
        for _ in range(10):  # a blocked server would let these time out (5 s) instead of answering
            status, _headers, _body, _seconds = get(running_server, "/api/offers.geojson", timeout=5)
            assert status == 200
    finally:
        for sock in slow:
            sock.close()


def test_oversized_body_is_refused_before_it_is_sent(running_server: RunningServer) -> None:
    answer = raw_exchange(
        running_server.port,
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 200000000\r\n\r\n" + b"[" * 10000,
    )
    # only 10 KB of the announced 200 MB are sent: an answer at all means it was refused before the body
    assert answer.split(b"\r\n")[0].split()[1] == b"413", answer[:200]


def test_oversized_headers_get_431(running_server: RunningServer) -> None:
    answer = raw_exchange(
        running_server.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    )
    assert answer.split(b"\r\n")[0].split()[1] == b"431", answer[:200]


def test_production_server_compresses_and_hides_versions(running_server: RunningServer) -> None:
    status, headers, _body, _ = get(running_server, "/", {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert headers["Server"] == "stadtkarte"  # no name or version of the software underneath
    assert "Content-Security-Policy" in headers and headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _body, _ = get(running_server, "/api/offers.geojson", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    status, _headers, _body, _ = get(running_server, "/nicht-da")
    assert status == 404


def test_health_and_access_log(running_server: RunningServer) -> None:
    assert get(running_server, "/healthz")[0] == 200
    assert get(running_server, "/readyz")[0] == 200
    assert get(running_server, "/barrierefreiheit?lang=en")[0] == 200
    time.sleep(0.3)
    log = running_server.log()
    assert '127.0.0.0 "GET /barrierefreiheit" 200' in log
    assert "/healthz" not in log and "/readyz" not in log and "127.0.0.1 " not in log


def test_a_dead_worker_is_replaced(running_server: RunningServer) -> None:
    workers = children_of(running_server.process.pid)
    assert len(workers) == 2
    os.kill(next(iter(workers)), signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = children_of(running_server.process.pid)
        if len(now) == 2 and now != workers:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no replacement worker: {workers} -> {children_of(running_server.process.pid)}")
    assert all(get(running_server, "/healthz")[0] == 200 for _ in range(6))
    assert "starting a new one" in running_server.log()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_cleanly(running_server: RunningServer, sig: int) -> None:
    workers = children_of(running_server.process.pid)
    assert running_server.stop(sig) == 0
    log = running_server.log()
    assert "Traceback" not in log and "stopped" in log
    time.sleep(0.3)
    assert not any(Path(f"/proc/{pid}").exists() and _is_running(pid) for pid in workers)


def test_ctrl_c_in_a_terminal_stops_every_process(tiny_data_dir: Path, tmp_path: Path) -> None:
    # a terminal's Ctrl-C sends SIGINT to the whole foreground process group: parent and workers at once
    server = start_server(tiny_data_dir, tmp_path / "group.log", "--workers", "2", own_group=True)
    workers = children_of(server.process.pid)
    assert len(workers) == 2
    os.killpg(server.process.pid, signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    log = server.log()
    assert "Traceback" not in log and "starting a new one" not in log and "stopped" in log
    time.sleep(0.3)
    assert not any(_is_running(pid) for pid in workers)


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_busy_port_is_one_line_and_exit_2(running_server: RunningServer, tiny_data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--data", str(tiny_data_dir), "--port", str(running_server.port)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    err = result.stderr.strip()
    assert err.count("\n") == 0, err
    assert "already in use" in err and str(running_server.port) in err and "Traceback" not in err


def test_single_process_mode(tiny_data_dir: Path, tmp_path: Path) -> None:
    server = start_server(tiny_data_dir, tmp_path / "one.log", "--workers", "1", port=free_port())
    try:
        assert children_of(server.process.pid) == set()
        assert get(server, "/")[0] == 200
    finally:
        assert server.stop(signal.SIGTERM) == 0
