"""The resident's first view of the map page on a phone over a mobile network (issue 12).

Lighthouse's mobile profile through the Chrome DevTools protocol: 150 ms latency, 1.6 Mbit/s down,
750 kbit/s up (``Network.emulateNetworkConditions``), 4x CPU slow-down
(``Emulation.setCPUThrottlingRate``), a 375 x 800 viewport, the cache disabled and a new browser
context per run. For each page it prints the median of ``--runs`` runs (default 5) of

* bytes transferred (encoded, as on the wire) until the map is drawn,
* time until the first offer of the list is visible,
* time until the map is drawn (MapLibre has rendered the markers or clusters: ``window.stadtkarteMap``),

for the embedded demo, for 10,000 synthetic offers, and for a minimal static HTML page listing the
same offers as a reference point (ratio ours / reference). Measurement only; nothing is changed.

Usage::

    .venv/bin/python bench/mobile.py [--runs 5] [--sizes demo,10000] [--json out.json]

Needs Debian's Chromium at /usr/bin/chromium; serves on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
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

MAP_DRAWN_JS = """
() => {
  const r = window.stadtkarteMap && window.stadtkarteMap.rendered();
  return !!r && r.groups > 0;
}
"""


@dataclass(frozen=True)
class Run:
    """One page load: bytes on the wire and seconds to the first offer / to the map."""

    bytes: int
    first_offer_s: float
    map_s: float | None


@dataclass(frozen=True)
class Row:
    """The medians of one page."""

    page: str
    offers: int
    runs: int
    kb: float
    first_offer_s: float
    map_s: float | None


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


def reference_app(names: Sequence[str]) -> Any:
    """A Flask app serving :func:`reference_html` at ``/``."""
    from flask import Flask

    app = Flask("reference")
    body = reference_html(names)
    app.add_url_rule("/", "index", lambda: (body, 200, {"Content-Type": "text/html; charset=utf-8"}))
    return app


def measure_once(browser: Any, url: str, first_selector: str, with_map: bool) -> Run:
    """Load ``url`` once in a fresh context under the mobile profile."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    transferred: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: transferred.append(int(e.get("encodedDataLength", 0))))
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector(first_selector, state="visible", timeout=TIMEOUT_MS)
        first = time.perf_counter() - start
        drawn = None
        if with_map:
            page.click("button[data-view='map']", timeout=TIMEOUT_MS)  # the phone opens on the list
            page.wait_for_function(MAP_DRAWN_JS, timeout=TIMEOUT_MS)
            drawn = time.perf_counter() - start
        page.wait_for_timeout(200)
        return Run(bytes=sum(transferred), first_offer_s=first, map_s=drawn)
    finally:
        context.close()


def median_row(name: str, offers: int, runs: Sequence[Run]) -> Row:
    maps = [r.map_s for r in runs if r.map_s is not None]
    return Row(
        page=name,
        offers=offers,
        runs=len(runs),
        kb=statistics.median(r.bytes for r in runs) / 1024,
        first_offer_s=statistics.median(r.first_offer_s for r in runs),
        map_s=statistics.median(maps) if maps else None,
    )


def demo_dir(work: Path) -> Path:
    """The embedded demo, built by the ETL (no arguments = the demo)."""
    from etl.pipeline import build

    out = work / "demo"
    build(out_dir=out, progress=False)
    return out


def datasets(work: Path, sizes: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for size in sizes:
        if size == "demo":
            out.append(("demo", demo_dir(work)))
        else:
            out.append((f"synthetic {int(size):,}", write_dataset(work / f"synthetic-{size}", int(size))))
    return out


def run(sizes: Sequence[str], runs: int) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from dashboard.app import create_app

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="stadtkarte-mobile-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for name, data_dir in datasets(Path(tmp), sizes):
            names = [
                str(f["properties"]["name"])
                for f in read_offers((current_snapshot_dir(data_dir) or data_dir) / OFFERS_FILE)
            ]
            with serve(create_app(data_dir)) as url:
                ours = [measure_once(browser, url + "/", "#offer-list li[data-offer-id]", True) for _ in range(runs)]
            with serve(reference_app(names)) as url:
                ref = [measure_once(browser, url + "/", "li", False) for _ in range(runs)]
            rows += [median_row(name, len(names), ours), median_row(f"{name}: static HTML", len(names), ref)]
            logger.info("%s done", name)
        browser.close()
    return rows


def format_table(rows: Sequence[Row]) -> str:
    lines = [
        "| page | offers | runs | KB transferred | first offer visible | map drawn |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        map_s = f"{r.map_s:.2f} s" if r.map_s is not None else "–"
        lines.append(f"| {r.page} | {r.offers:,} | {r.runs} | {r.kb:,.0f} | {r.first_offer_s:.2f} s | {map_s} |")
    for ours, ref in zip(rows[::2], rows[1::2], strict=False):
        lines.append(
            f"{ours.page}: first offer {ours.first_offer_s / ref.first_offer_s:.1f}x the static page's time, "
            f"{ours.kb / max(ref.kb, 0.1):.0f}x its bytes"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads per page (median reported)")
    parser.add_argument("--sizes", default="demo,10000", help="comma list: demo and/or offer counts")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
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
    rows = run(sizes, args.runs)
    print(format_table(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
