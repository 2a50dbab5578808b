"""The resident's first view of the map page on a phone over a mobile network (issue 12).

Lighthouse's mobile profile through the Chrome DevTools protocol: 150 ms latency, 1.6 Mbit/s down,
750 kbit/s up (``Network.emulateNetworkConditions``), 4x CPU slow-down
(``Emulation.setCPUThrottlingRate``), a 375 x 800 viewport and a new browser context per run: the
cache starts empty and works during the load, as in Lighthouse (which clears the cache before a run
by turning "disable cache" on and off again). ``--cache disabled`` keeps the cache off during the
load as well (stricter: nothing fetched once can be reused within the same load, e.g. a prefetch).
For each page it prints the median of ``--runs`` runs (default 5) of

* bytes transferred (encoded, as on the wire) until the first offer is visible ("first view") and
  until the map is drawn (the bytes of the whole load for the static reference),
* time until the first offer of the list is visible (the server's first view or Dash's list),
* time until the map is drawn after a tap on "Karte" as soon as the first offer shows (MapLibre has
  rendered the markers or clusters into a canvas on screen: ``window.stadtkarteMap``),
* time until the filters work (Dash has taken over from the server-rendered first view),

for the embedded demo, for 10,000 synthetic offers, and for a minimal static HTML page listing the
same offers as a reference point (ratio ours / reference); plus the server time of ``/`` (median of
20 requests without the browser, for the page without filters and with a filter). Measurement only;
nothing is changed.

``--server production`` (the default) runs ``python -m dashboard`` (waitress, 2 workers, compression,
cache headers: what ``stadtkarte serve`` runs) in a subprocess; ``--server dev`` serves the app with
werkzeug in a thread (no compression), as the first measurement of issue 12 did.

Usage::

    .venv/bin/python bench/mobile.py [--server production|dev] [--runs 5] [--sizes demo,10000] [--json out.json]

Needs Debian's Chromium at /usr/bin/chromium; serves on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.dashboard import write_dataset  # noqa: E402
from geodata.io import OFFERS_FILE, read_offers  # noqa: E402
from geodata.snapshot import current_snapshot_dir  # noqa: E402

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Lighthouse's mobile ("slow 4G") profile.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
PHONE = {"width": 375, "height": 800}
TIMEOUT_MS = 120_000

#: The first offer of the list: the server's first view (``#fv-offer-list``) or Dash's (``#offer-list``).
FIRST_OFFER = ".offer-list li[data-offer-id]"
SERVERS = ("production", "dev")
CACHE_MODES = ("cleared", "disabled")
SERVER_TIME_REQUESTS = 20
#: The map is drawn and on screen: MapLibre has rendered the markers or clusters (``window.stadtkarteMap``)
#: into a canvas that has a size (a map drawn in the hidden map view of a phone does not count).
MAP_DRAWN_JS = """
() => {
  const r = window.stadtkarteMap && window.stadtkarteMap.rendered();
  const map = window.stadtkarteMap && window.stadtkarteMap.map();
  return !!r && r.groups > 0 && !!map && map.getCanvas().clientWidth > 0 && map.getCanvas().clientHeight > 0;
}
"""
#: Dash has taken over from the server-rendered first view: filters, search and the detail panel work.
PAGE_READY_JS = "() => !document.getElementById('first-view') && !!document.getElementById('offer-list')"


@dataclass(frozen=True)
class Run:
    """One page load: bytes on the wire (until the first offer / in all) and seconds to the first offer / to the map."""

    first_bytes: int
    bytes: int
    first_offer_s: float
    map_s: float | None
    ready_s: float | None = None


@dataclass(frozen=True)
class Row:
    """The medians of one page."""

    page: str
    offers: int
    runs: int
    first_kb: float
    kb: float
    first_offer_s: float
    map_s: float | None
    ready_s: float | None = None
    server_ms: str = ""


def reference_html(names: Sequence[str]) -> str:
    """A minimal static page listing ``names`` (the reference: no script, no map)."""
    items = "\n".join(f"<li>{html.escape(n)}</li>" for n in names)
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Angebote</title></head><body><h1>Angebote</h1><ul>\n" + items + "\n</ul></body></html>\n"
    )


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve a WSGI/Flask app on a free 127.0.0.1 port (werkzeug, threaded); yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, getattr(app, "server", app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_production(data_dir: Path, log: Path) -> Iterator[str]:
    """Run ``python -m dashboard`` (waitress, 2 workers) on ``data_dir``; yield its base URL once ``/healthz`` answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STADTKARTE_")}
    command = [sys.executable, "-m", "dashboard", "--data", str(data_dir), "--port", str(port), "--workers", "2"]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server ended with {process.returncode}: see {log}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 300 s: see {log}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_ms(url: str, requests: int = SERVER_TIME_REQUESTS) -> float:
    """Median milliseconds until ``url`` is fully received (127.0.0.1, compressed, no browser)."""
    times = []
    for _ in range(requests):
        request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reference_app(names: Sequence[str]) -> Any:
    """A Flask app serving :func:`reference_html` at ``/``."""
    from flask import Flask

    app = Flask("reference")
    body = reference_html(names)
    app.add_url_rule("/", "index", lambda: (body, 200, {"Content-Type": "text/html; charset=utf-8"}))
    return app


def wire_bytes(request: Any) -> int:
    """Bytes of a finished request's response on the wire: headers plus the encoded body.

    Counted per browser context, so the requests of MapLibre's worker count too (a CDP session of
    the page does not see them); for those the body size is the response's Content-Length.
    """
    sizes = request.sizes()
    body = int(sizes.get("responseBodySize") or 0)
    if not body:
        response = request.response()
        body = int((response.header_value("content-length") if response else None) or 0)
    return body + int(sizes.get("responseHeadersSize") or 0)


def measure_once(browser: Any, url: str, first_selector: str, with_map: bool, cache: str = "cleared") -> Run:
    """Load ``url`` once in a fresh context under the mobile profile."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": cache == "disabled"})  # a new context: empty
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    transferred: list[int] = []
    context.on("requestfinished", lambda request: transferred.append(wire_bytes(request)))
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector(first_selector, state="visible", timeout=TIMEOUT_MS)
        first = time.perf_counter() - start
        first_bytes = sum(transferred)
        drawn = ready = None
        map_bytes = 0
        if with_map:
            page.click("button[data-view='map']", timeout=TIMEOUT_MS)  # the phone opens on the list
            page.wait_for_function(MAP_DRAWN_JS, timeout=TIMEOUT_MS, polling=50)
            drawn = time.perf_counter() - start
            map_bytes = sum(transferred)
            page.wait_for_function(PAGE_READY_JS, timeout=TIMEOUT_MS, polling=50)
            ready = time.perf_counter() - start
        else:
            page.wait_for_load_state("load", timeout=TIMEOUT_MS)  # the whole reference page
        page.wait_for_timeout(200)
        return Run(
            first_bytes=first_bytes,
            bytes=map_bytes if with_map else sum(transferred),
            first_offer_s=first,
            map_s=drawn,
            ready_s=ready,
        )
    finally:
        context.close()


def median_row(name: str, offers: int, runs: Sequence[Run], server: str = "") -> Row:
    maps = [r.map_s for r in runs if r.map_s is not None]
    ready = [r.ready_s for r in runs if r.ready_s is not None]
    return Row(
        page=name,
        offers=offers,
        runs=len(runs),
        first_kb=statistics.median(r.first_bytes for r in runs) / 1024,
        kb=statistics.median(r.bytes for r in runs) / 1024,
        first_offer_s=statistics.median(r.first_offer_s for r in runs),
        map_s=statistics.median(maps) if maps else None,
        ready_s=statistics.median(ready) if ready else None,
        server_ms=server,
    )


def demo_dir(work: Path) -> Path:
    """The embedded demo, built by the ETL (no arguments = the demo)."""
    from etl.pipeline import build

    out = work / "demo"
    build(out_dir=out, progress=False)
    return out


def offers_file(data_dir: Path) -> Path:
    """``offers.geojson`` of the current snapshot of ``data_dir`` (or of the flat folder)."""

    return (current_snapshot_dir(data_dir) or data_dir) / OFFERS_FILE


def datasets(work: Path, sizes: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for size in sizes:
        if size == "demo":
            out.append(("demo", demo_dir(work)))
        else:
            out.append((f"synthetic {int(size):,}", write_dataset(work / f"synthetic-{size}", int(size))))
    return out


@contextmanager
def serve_dashboard(kind: str, data_dir: Path, work: Path) -> Iterator[str]:
    """The dashboard on ``data_dir`` with the production server or the development server (``kind``)."""
    if kind == "production":
        with serve_production(data_dir, work / f"server-{data_dir.name}.log") as url:
            yield url
        return
    from dashboard.app import create_app

    with serve(create_app(data_dir)) as url:
        yield url


def run(sizes: Sequence[str], runs: int, server: str = "production", cache: str = "cleared") -> list[Row]:
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="stadtkarte-mobile-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for name, data_dir in datasets(Path(tmp), sizes):
            names = [str(f["properties"]["name"]) for f in read_offers(offers_file(data_dir))]
            with serve_dashboard(server, data_dir, Path(tmp)) as url:
                timing = f"{server_ms(url + '/'):.1f} / {server_ms(url + '/?category=counselling&lang=ar'):.1f} ms"
                ours = [measure_once(browser, url + "/", FIRST_OFFER, True, cache) for _ in range(runs)]
            with serve(reference_app(names)) as url:
                ref = [measure_once(browser, url + "/", "li", False, cache) for _ in range(runs)]
            rows += [
                median_row(f"{name} ({server} server)", len(names), ours, timing),
                median_row(f"{name}: static HTML", len(names), ref),
            ]
            logger.info("%s done", name)
        browser.close()
    return rows


def format_table(rows: Sequence[Row]) -> str:
    lines = [
        "| page | offers | runs | KB to first offer | KB until map | first offer visible | map drawn | filters work | server time of / (plain / filtered) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        map_s = f"{r.map_s:.2f} s" if r.map_s is not None else "–"
        ready_s = f"{r.ready_s:.2f} s" if r.ready_s is not None else "–"
        lines.append(
            f"| {r.page} | {r.offers:,} | {r.runs} | {r.first_kb:,.0f} | {r.kb:,.0f} | {r.first_offer_s:.2f} s "
            f"| {map_s} | {ready_s} | {r.server_ms or '–'} |"
        )
    for ours, ref in zip(rows[::2], rows[1::2], strict=False):
        lines.append(
            f"{ours.page}: first offer {ours.first_offer_s / ref.first_offer_s:.1f}x the static page's time, "
            f"{ours.first_kb:,.0f} KB until then against {ref.kb:,.0f} KB for the whole static page"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads per page (median reported)")
    parser.add_argument("--sizes", default="demo,10000", help="comma list: demo and/or offer counts")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="production",
        help="production: python -m dashboard (waitress, compression, as 'stadtkarte serve'); dev: werkzeug",
    )
    parser.add_argument(
        "--cache",
        choices=CACHE_MODES,
        default="cleared",
        help="cleared: empty at the start, working during the load (Lighthouse); disabled: off throughout",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        print("error: --runs must be at least 1", file=sys.stderr)
        return 2
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if any(s != "demo" and not s.isdigit() for s in sizes):
        print("error: --sizes takes 'demo' and whole numbers, e.g. demo,10000", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).is_file():
        print(f"error: Chromium not found at {CHROMIUM}: install Debian's 'chromium' package", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    rows = run(sizes, args.runs, args.server, args.cache)
    print(format_table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
