"""Load benchmark of the dashboard's server on 127.0.0.1: users, many users, slow clients.

Starts the server itself (a subprocess on a free 127.0.0.1 port; nothing else is ever
contacted) on the embedded Ludwigsburg demo (built into a temporary folder) or on
``--data DIR``, and runs three bounded scenarios with plain threads and ``http.client``:

1. **50 users for 60 s**: each user loads the page (``/`` and ``/_dash-layout``), changes a
   filter through the real callback (``POST /_dash-update-component``, the offer list/view
   callback the browser calls) and fetches the API (``/api/offers.geojson`` with the same
   filter), thinking 0.5-1.5 s between actions like a person; keep-alive, ``gzip, br``.
2. **200 users for 20 s**, the same journey.
3. **100 slow clients** that send half a request and hold it (re-opening when the server closes
   it) **while 20 normal users** run for 20 s, compared with the same 20 users without them.

Targets (issue 11, on a 2-core machine): 0 errors in all three; p95 < 100 ms at 50 users;
p99 < 1 s at 200 users; normal users' p95 with 100 slow clients at most 2x their p95 without.
``--server dev`` measures Werkzeug's development server (what ``stadtkarte serve`` ran before)
for comparison. Exit code 0 when the production server met every target, 1 otherwise.

Run: ``python bench/load.py [--server production|dev|both] [--scale 1.0] [--data DIR]``
(``--scale 0.25`` shortens every duration for a quick look).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dashboard import ids  # noqa: E402
from dashboard.filters import FilterState  # noqa: E402

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"  # the only address this benchmark talks to
THINK_S = (0.5, 1.5)
#: What every benchmark request sends (a browser sends the same Accept-Encoding).
REQUEST_HEADERS: tuple[tuple[str, str], ...] = (("Accept-Encoding", "gzip, br"), ("User-Agent", "stadtkarte-bench"))
REQUEST_TIMEOUT_S = 30.0
MAX_REQUESTS_PER_USER = 10_000
TARGET_P95_50_MS = 100.0
TARGET_P99_200_MS = 1000.0
TARGET_SLOW_RATIO = 2.0
DEV_SERVER_CODE = (
    "import sys, logging; logging.disable(logging.INFO)\n"
    "from dashboard.app import create_app\n"
    "create_app(sys.argv[1]).run(host='127.0.0.1', port=int(sys.argv[2]), debug=False)\n"
)


# --------------------------------------------------------------------------- results


@dataclass
class Recorder:
    """Latencies (ms) and errors of one scenario, shared by its user threads."""

    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, millis: float, error: str | None) -> None:
        with self.lock:
            self.times_ms.append(millis)
            if error:
                self.errors.append(error)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` (nearest rank); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class Summary:
    """Figures of one scenario run."""

    server: str
    scenario: str
    users: int
    seconds: float
    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    max: float
    first_errors: tuple[str, ...]

    @classmethod
    def of(cls, server: str, scenario: str, users: int, seconds: float, rec: Recorder) -> Summary:
        t = rec.times_ms
        return cls(
            server,
            scenario,
            users,
            seconds,
            len(t),
            len(rec.errors),
            percentile(t, 50),
            percentile(t, 95),
            percentile(t, 99),
            max(t) if t else float("nan"),
            tuple(dict.fromkeys(rec.errors))[:3],
        )

    def line(self) -> str:
        return (
            f"| {self.server} | {self.scenario} | {self.users} | {self.requests} | {self.requests / self.seconds:.0f} "
            f"| {self.errors} | {self.p50:.0f} | {self.p95:.0f} | {self.p99:.0f} | {self.max:.0f} |"
        )


# --------------------------------------------------------------------------- one user


@dataclass(frozen=True)
class Journey:
    """What a user asks for: the callback's shape and the values to choose filters from."""

    callback_output: str
    outputs: Any
    inputs: tuple[dict[str, Any], ...]
    state: tuple[dict[str, Any], ...]
    categories: tuple[str, ...]
    languages: tuple[str, ...]

    def random_filters(self, rng: random.Random) -> FilterState:
        choice = rng.random()
        if choice < 0.35:
            return FilterState(categories=(rng.choice(self.categories),))
        if choice < 0.65:
            return FilterState(languages=(rng.choice(self.languages),))
        if choice < 0.8:
            return FilterState(categories=(rng.choice(self.categories),), barrier_free=True)
        return FilterState(q=rng.choice(("sprach", "beratung", "treff", "kurs")))

    def callback_body(self, state: FilterState) -> bytes:
        filters = {k: v for k, v in state.to_dict().items() if k not in ("q", "lang")}
        values = {
            (ids.FILTER_STORE, "data"): filters,
            (ids.SEARCH, "value"): state.q,
            (ids.LIST_STORE, "data"): {"sort": "name", "limit": 50},
            (ids.UI_LANG, "data"): {"lang": "de", "dir": "ltr"},
        }
        body = {
            "output": self.callback_output,
            "outputs": self.outputs,
            "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in self.inputs],
            "state": [{**s, "value": values.get((s["id"], s["property"]))} for s in self.state],
            "changedPropIds": [f"{ids.FILTER_STORE}.data"],
        }
        return json.dumps(body).encode()

    def api_path(self, state: FilterState) -> str:
        if state.categories:
            return f"/api/offers.geojson?category={state.categories[0]}"
        if state.languages:
            return f"/api/offers.geojson?language={state.languages[0]}"
        return "/api/offers.geojson"


def discover(port: int) -> Journey:
    """Read the callback's shape and the dataset's categories and languages from the server."""
    base = f"http://{HOST}:{port}"
    with urllib.request.urlopen(base + "/_dash-dependencies", timeout=30) as r:
        deps = json.load(r)
    dep = next(d for d in deps if f"{ids.VIEW_STORE}.data" in d["output"])
    parts = dep["output"].strip(".").split("...") if dep["output"].startswith("..") else [dep["output"]]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    with urllib.request.urlopen(base + "/api/offers.geojson", timeout=30) as r:
        features = json.load(r)["features"]
    categories = sorted({f["properties"]["category"] for f in features})
    languages = sorted({lang for f in features for lang in f["properties"].get("languages") or []})
    return Journey(
        dep["output"],
        outputs if len(outputs) > 1 else outputs[0],
        tuple(dep["inputs"]),
        tuple(dep.get("state", [])),
        tuple(categories),
        tuple(languages),
    )


class Client:
    """One user's keep-alive connection; reconnects after a failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[float, str | None]:
        headers = dict(REQUEST_HEADERS)
        if body is not None:
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
            error = None if response.status in (200, 204, 304) else f"{method} {path.split('?')[0]}: {response.status}"
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{method} {path.split('?')[0]}: {type(exc).__name__}"
            self.close()
        return (time.perf_counter() - start) * 1000, error

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def run_user(port: int, journey: Journey, rec: Recorder, deadline: float, seed: int) -> None:
    """One user's journey repeated until ``deadline``: page, filter callback, API, with think time."""
    rng = random.Random(seed)
    client = Client(port)
    time.sleep(rng.uniform(0, THINK_S[1]))  # users do not all arrive in the same millisecond
    for _ in range(MAX_REQUESTS_PER_USER // 4):
        state = journey.random_filters(rng)
        steps: list[tuple[str, str, bytes | None]] = [
            ("GET", "/?lang=de", None),
            ("GET", "/_dash-layout", None),
            ("POST", "/_dash-update-component", journey.callback_body(state)),
            ("GET", journey.api_path(state), None),
        ]
        for method, path, body in steps:
            if time.monotonic() >= deadline:
                client.close()
                return
            rec.add(*client.request(method, path, body))
            if method != "GET" or path != "/?lang=de":  # the layout follows the page at once
                time.sleep(rng.uniform(*THINK_S))
    client.close()


def run_users(port: int, journey: Journey, users: int, seconds: float, seed: int = 1) -> Recorder:
    """``users`` threads running :func:`run_user` for ``seconds``."""
    rec = Recorder()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=run_user, args=(port, journey, rec, deadline, seed * 1000 + i), daemon=True)
        for i in range(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT_S + 10)
    return rec


# --------------------------------------------------------------------------- slow clients


def hold_half_requests(port: int, count: int, stop: threading.Event) -> None:
    """Keep ``count`` connections open that each sent half a request, re-opening closed ones."""
    half = (
        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 4000\r\n\r\n{"
    )
    socks: list[socket.socket | None] = [None] * count
    while not stop.is_set():
        for i in range(count):
            sock = socks[i]
            if sock is not None:
                try:
                    sock.setblocking(False)
                    if sock.recv(1, socket.MSG_PEEK) == b"":  # closed by the server (time-out)
                        raise ConnectionResetError
                except BlockingIOError:
                    continue  # still open and waiting: that is the point
                except OSError:
                    sock.close()
                    socks[i] = None
            try:
                sock = socket.create_connection((HOST, port), timeout=5)
                sock.sendall(half if i % 2 else half.split(b"Content-Length")[0])
                socks[i] = sock
            except OSError:
                socks[i] = None
        stop.wait(0.5)
    for sock in socks:
        if sock is not None:
            sock.close()


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(kind: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the production server (``python -m dashboard``) or Werkzeug's development server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STADTKARTE_")}
    if kind == "production":
        command = [sys.executable, "-m", "dashboard", "--data", str(data_dir), "--host", HOST, "--port", str(port)]
    else:
        command = [sys.executable, "-c", DEV_SERVER_CODE, str(data_dir), str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{kind} server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/offers.geojson", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{kind} server did not answer within 120 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def measure(kind: str, data_dir: Path, scale: float) -> list[Summary]:
    """Run the three scenarios against a fresh server of ``kind``."""
    port = free_port()
    process = start(kind, data_dir, port)
    try:
        journey = discover(port)
        run_users(port, journey, 10, 5, seed=99)  # warm-up (first calls compile and fill caches): not counted
        results = []
        for scenario, users, seconds in (("50 users", 50, 60 * scale), ("200 users", 200, 20 * scale)):
            logger.info("%s: %s for %.0f s", kind, scenario, seconds)
            results.append(Summary.of(kind, scenario, users, seconds, run_users(port, journey, users, seconds)))
        seconds = 20 * scale
        logger.info("%s: 20 users for %.0f s, without and with 100 slow clients", kind, seconds)
        base = run_users(port, journey, 20, seconds, seed=7)
        results.append(Summary.of(kind, "20 users", 20, seconds, base))
        stop_slow = threading.Event()
        holder = threading.Thread(target=hold_half_requests, args=(port, 100, stop_slow), daemon=True)
        holder.start()
        time.sleep(1.0)
        try:
            with_slow = run_users(port, journey, 20, seconds, seed=7)
        finally:
            stop_slow.set()
            holder.join(timeout=10)
        results.append(Summary.of(kind, "20 users + 100 slow", 20, seconds, with_slow))
        return results
    finally:
        stop(process)


def verdicts(results: Sequence[Summary]) -> list[tuple[str, bool]]:
    """The issue's targets checked on the production server's figures."""
    by = {r.scenario: r for r in results if r.server == "production"}
    if len(by) < 4:
        return []
    ratio = by["20 users + 100 slow"].p95 / max(by["20 users"].p95, 1e-9)
    return [
        ("0 errors in all scenarios", all(r.errors == 0 for r in by.values())),
        (
            f"p95 < {TARGET_P95_50_MS:.0f} ms at 50 users ({by['50 users'].p95:.0f} ms)",
            by["50 users"].p95 < TARGET_P95_50_MS,
        ),
        (
            f"p99 < {TARGET_P99_200_MS:.0f} ms at 200 users ({by['200 users'].p99:.0f} ms)",
            by["200 users"].p99 < TARGET_P99_200_MS,
        ),
        (f"p95 with 100 slow clients <= {TARGET_SLOW_RATIO:.0f}x without ({ratio:.2f}x)", ratio <= TARGET_SLOW_RATIO),
    ]


def build_demo(out: Path) -> Path:
    """Build the embedded Ludwigsburg demo into ``out``."""
    from etl.pipeline import build

    build(out_dir=out)
    return out


def main(argv: list[str] | None = None, build: Callable[[Path], Path] = build_demo) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("production", "dev", "both"), default="both")
    parser.add_argument("--data", type=Path, default=None, help="build output folder (default: the demo, built)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every duration (0.1-1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("etl").setLevel(logging.WARNING)
    scale = min(max(args.scale, 0.05), 1.0)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data or build(Path(tmp) / "data")
        kinds = ("production", "dev") if args.server == "both" else (args.server,)
        results = [summary for kind in kinds for summary in measure(kind, data_dir, scale)]
    print(f"\n{os.cpu_count()} CPU cores; think time {THINK_S[0]}-{THINK_S[1]} s; times in ms\n")
    print("| server | scenario | users | requests | req/s | errors | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for summary in results:
        print(summary.line())
    for summary in results:
        if summary.first_errors:
            print(f"{summary.server} / {summary.scenario}: first errors {list(summary.first_errors)}")
    checks = verdicts(results)
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if checks and all(ok for _, ok in checks) else (0 if args.server == "dev" else 1)


if __name__ == "__main__":
    raise SystemExit(main())
