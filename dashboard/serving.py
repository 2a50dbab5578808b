"""The production server: waitress, pre-forked into several processes on Linux/macOS.

Why waitress (see docs/DESIGN.md, "Serving"): it reads each request completely (headers
and body, bodies over 512 KB spooled to a temporary file) in its event loop before a
worker thread sees it, so clients that send half a request and wait hold a connection,
not a thread; it is pure Python and runs on the Windows servers many town halls use.
One waitress process runs Python code on one core at a time, so on Linux/macOS the
parent binds the socket once and forks ``workers`` children that each serve the
inherited socket (the kernel shares the connections out among them). The parent
restarts a child that dies and stops them all on SIGTERM/SIGINT. On Windows (no
``fork``) one process serves with ``threads`` threads.

:func:`bind_socket` turns a busy port into :class:`PortInUseError` (one CLI line, exit 2).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import waitress
from waitress import wasyncore

from dashboard.config import Settings

logger = logging.getLogger(__name__)

#: Largest request body waitress accepts at all (the app's own limits are lower; see dashboard.security).
BODY_LIMIT_SLACK = 64 * 1024
#: Longest request line + headers; longer gets 431 from waitress.
MAX_REQUEST_HEADER_BYTES = 64 * 1024
BACKLOG = 2048
#: A child that dies sooner than this after its start is restarted only after a pause.
MIN_CHILD_LIFETIME_S = 2.0
STOP_GRACE_S = 10.0
#: Longest wait of the event loops between two looks at the stop flag (seconds).
LOOP_TICK_S = 1.0
#: How long start-up threads (e.g. the coverage warm-up) may run before the workers are forked.
THREADS_BEFORE_FORK_S = 300.0


class PortInUseError(OSError):
    """The address and port to listen on are taken (another server runs there)."""


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``; raises :class:`PortInUseError` or ``OSError``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise PortInUseError(
                f"port {port} on {host} is already in use: stop the other server or choose another --port"
            ) from exc
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def waitress_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``waitress.create_server`` from the settings."""
    options: dict[str, Any] = {
        "threads": settings.threads,
        "connection_limit": settings.connection_limit,
        "channel_timeout": settings.request_timeout,
        "cleanup_interval": max(1, min(30, settings.request_timeout // 2)),
        "max_request_body_size": max(settings.max_callback_bytes, settings.max_form_bytes) + BODY_LIMIT_SLACK,
        "max_request_header_size": MAX_REQUEST_HEADER_BYTES,
        "backlog": BACKLOG,
        "ident": "stadtkarte",
        "asyncore_use_poll": True,
        "expose_tracebacks": False,
    }
    if settings.trusted_proxy:
        options.update(
            trusted_proxy=settings.trusted_proxy,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto"},
            clear_untrusted_proxy_headers=True,
        )
    return options


def can_fork() -> bool:
    """True where worker processes can be pre-forked (not on Windows)."""
    return hasattr(os, "fork") and os.name != "nt"


def wait_for_threads(timeout: float = THREADS_BEFORE_FORK_S, threads: Sequence[threading.Thread] | None = None) -> bool:
    """Wait until this process runs no thread but the main one; False when some still run after ``timeout``.

    Forking while another thread holds a lock would copy the lock, held, into every worker (a
    deadlock there), so start-up work in threads (the coverage warm-up) finishes first; its
    results are then shared by the workers instead of being computed once per worker.
    ``threads``: the threads to wait for (default: every other thread of the process).
    """
    deadline = time.monotonic() + timeout
    others = [t for t in (threading.enumerate() if threads is None else threads) if t is not threading.current_thread()]
    if others:
        logger.info("waiting for %d start-up thread(s) before starting the workers", len(others))
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in others)


class StopFlag:
    """Set by the SIGTERM/SIGINT handler; the serving loops look at it at least once a second.

    The handler only sets a flag: raising from a signal handler could interrupt a lock's release
    or a waitress channel (which would swallow the exception) and hang the stop.
    """

    def __init__(self) -> None:
        self.is_set = False

    def set(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        self.is_set = True

    def install(self) -> StopFlag:
        """Make SIGTERM and SIGINT set this flag (in this process)."""
        signal.signal(signal.SIGTERM, self.set)
        signal.signal(signal.SIGINT, self.set)
        return self


def _socket_map(server: Any) -> dict[Any, Any]:
    mapping = getattr(server, "map", None)
    return mapping if mapping is not None else server._map


def run_waitress(
    wsgi_app: Callable[..., Any], sock: socket.socket, settings: Settings, stop: StopFlag | None = None
) -> None:
    """Serve ``wsgi_app`` on ``sock`` in this process until SIGTERM/SIGINT (then return quietly)."""
    stop = stop or StopFlag().install()
    server = waitress.create_server(wsgi_app, sockets=[sock], **waitress_options(settings))
    try:
        while not stop.is_set:
            wasyncore.loop(timeout=LOOP_TICK_S, map=_socket_map(server), use_poll=True, count=1)
    finally:
        server.close()


def _spawn(wsgi_app: Callable[..., Any], sock: socket.socket, settings: Settings) -> int:
    pid = os.fork()
    if pid:
        return pid
    stop = StopFlag().install()
    code = 0
    try:
        run_waitress(wsgi_app, sock, settings, stop)
    except BaseException:  # a child must never return into the parent's loop
        logger.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)


def _reaped(pid: int) -> bool:
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def _stop_children(children: dict[int, float]) -> None:
    for pid in list(children):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while children and time.monotonic() < deadline:
        for pid in [pid for pid in children if _reaped(pid)]:
            children.pop(pid)
        time.sleep(0.05 if children else 0)
    for pid in children:
        logger.warning("worker %d did not stop within %.0f s: killing it", pid, STOP_GRACE_S)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _next_exit() -> tuple[int, int]:
    """(pid, status) of a worker that ended, or (0, 0) when none did."""
    try:
        return os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return 0, 0


def run_prefork(wsgi_app: Callable[..., Any], sock: socket.socket, settings: Settings) -> None:
    """Fork ``settings.workers`` waitress children on ``sock``; restart dead ones; stop on a signal.

    A worker that exits with status 0 was stopped on purpose (a terminal's Ctrl-C reaches every
    process of the group) and is not replaced; one killed or failed is.
    """
    stop = StopFlag().install()
    children: dict[int, float] = {}
    for _ in range(settings.workers):
        children[_spawn(wsgi_app, sock, settings)] = time.monotonic()
    while not stop.is_set:
        pid, status = _next_exit()
        if not pid:
            time.sleep(LOOP_TICK_S / 4)
            continue
        started = children.pop(pid, None)
        if started is None or status == 0 or stop.is_set:
            continue
        logger.warning("worker %d ended (status %d): starting a new one", pid, status)
        if time.monotonic() - started < MIN_CHILD_LIFETIME_S:
            time.sleep(MIN_CHILD_LIFETIME_S)
        children[_spawn(wsgi_app, sock, settings)] = time.monotonic()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _stop_children(children)


def serve(wsgi_app: Callable[..., Any], settings: Settings, sock: socket.socket | None = None) -> None:
    """Serve ``wsgi_app`` with the production server until SIGTERM/SIGINT.

    ``sock`` is an already bound socket (see :func:`bind_socket`); when None one is bound to
    ``settings.host``/``settings.port`` (raising :class:`PortInUseError` when taken).
    """
    sock = sock or bind_socket(settings.host, settings.port)
    workers = settings.workers if can_fork() else 1
    if workers > 1 and not wait_for_threads():
        logger.warning("start-up threads still run after %.0f s: serving with one process", THREADS_BEFORE_FORK_S)
        workers = 1
    logger.info(
        "serving http://%s:%d/ with waitress: %d process(es) x %d threads (pid %d)",
        settings.host,
        settings.port,
        workers,
        settings.threads,
        os.getpid(),
    )
    sys.stdout.flush()
    try:
        if workers > 1:
            run_prefork(wsgi_app, sock, settings)
        else:
            run_waitress(wsgi_app, sock, settings)
    finally:
        sock.close()
    logger.info("stopped")
