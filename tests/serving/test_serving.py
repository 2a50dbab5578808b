"""dashboard.serving without a subprocess: socket binding, waitress options, threads before fork."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from dashboard.config import Settings
from dashboard.serving import PortInUseError, bind_socket, wait_for_threads, waitress_options


def test_busy_port_raises_a_one_line_error() -> None:
    first = bind_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    try:
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use.*--port"):
            bind_socket("127.0.0.1", port)
    finally:
        first.close()


def test_waitress_options_carry_the_limits_and_the_proxy() -> None:
    options = waitress_options(Settings(threads=5, request_timeout=20, trusted_proxy="10.0.0.2"))
    assert options["threads"] == 5 and options["channel_timeout"] == 20
    assert options["max_request_body_size"] > Settings().max_form_bytes
    assert options["ident"] == "stadtkarte" and options["expose_tracebacks"] is False
    assert options["trusted_proxy"] == "10.0.0.2" and "x-forwarded-proto" in options["trusted_proxy_headers"]
    assert "trusted_proxy" not in waitress_options(Settings())


def test_workers_are_forked_only_after_start_up_threads_end() -> None:
    done = threading.Event()
    short = threading.Thread(target=lambda: (time.sleep(0.3), done.set()), daemon=True)
    short.start()
    assert wait_for_threads(timeout=10, threads=[short])
    assert done.is_set()
    stop = threading.Event()
    endless = threading.Thread(target=stop.wait, daemon=True)
    endless.start()
    try:
        assert not wait_for_threads(timeout=0.2, threads=[endless])  # the caller then serves with one process
    finally:
        stop.set()


def test_bound_socket_listens_and_is_inherited() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.get_inheritable()
        with socket.create_connection(sock.getsockname(), timeout=5):
            pass
    finally:
        sock.close()
