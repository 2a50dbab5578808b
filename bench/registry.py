"""Benchmark of the offer register; prints its figures.

* import 10,000 rows (synthetic, fictitious offers, geocoded against a synthetic
  address register) into an empty register (SQLite by default);
* publish a register of 100,000 entries (the snapshot files ``stadtkarte build`` writes);
* the moderation queue page (``/verwaltung/queue`` through Flask's test client, signed in)
  with 1,000 pending changes: server time p50/p95 over varied filters, and
  ``Register.queue()`` + ``queue_counts()`` alone;
* approve-to-visible: the dashboard runs in a subprocess on a temporary data folder;
  the time from "approve" (approve + publish, as the staff page does) until the
  change is served by ``/api/offers.geojson``.

Targets: import 10k < 15 s, publish 100k < 20 s, queue p95 < 200 ms, approve-to-visible < 5 s.
Everything is generated in a temporary folder and removed afterwards.

    python bench/registry.py [--database postgresql+psycopg://...] [--skip-100k]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from bench._synthetic import write_offers, write_register
from etl.config import load_config
from registry import Register
from registry.importer import adopt_features, import_offers

PASSWORD = "bench-" + secrets.token_urlsafe(12)


def _config(root: Path) -> Any:
    """The demo config with a synthetic address register (40,000 addresses of the synthetic city)."""
    register = write_register(root / "addresses.csv", rows=40_000, city_rows=40_000)
    gazetteer = {"path": str(register.path), "crs": "EPSG:25832", "index_path": str(root / "gazetteer.sqlite")}
    return dataclasses.replace(load_config(None), gazetteer=gazetteer), register


def _open(url: str | None, data_dir: Path, config: Any) -> Register:
    register = Register.open(url, data_dir, config)
    register.upgrade()
    return register


def _fresh_url(base: str | None, name: str) -> str | None:
    """A new database per measurement: a new SQLite file, or a new PostgreSQL database on the server."""
    if base is None:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    dbname = f"bench_{name}_{secrets.token_hex(4)}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    engine.dispose()
    return make_url(base).set(database=dbname).render_as_string(hide_password=False)


def bench_import(root: Path, url: str | None, config: Any, addresses: Any, rows: int) -> dict[str, Any]:
    offers = root / f"offers_{rows}.csv"
    write_offers(offers, addresses, rows)
    data = root / f"import_{rows}"
    with _open(_fresh_url(url, "import"), data, config) as register:
        started = time.perf_counter()
        result = import_offers(register, offers)
        seconds = time.perf_counter() - started
        return {
            "rows": rows,
            "seconds": seconds,
            "new": len(result.new),
            "rejected": result.rows_rejected,
            "pending": register.queue_counts()["new"],
        }


def bench_publish(root: Path, url: str | None, config: Any, rows: int) -> dict[str, Any]:
    """Publish a register of ``rows`` entries: the 10k import's offers repeated under new ids."""
    work = root / f"import_{10_000}" / "import"
    offers = json.loads((work / "offers.geojson").read_text(encoding="utf-8"))["features"]
    districts = json.loads((work / "districts.geojson").read_text(encoding="utf-8"))["features"]
    city = json.loads((work / "city.json").read_text(encoding="utf-8"))
    features = []
    for i in range(rows):
        source = offers[i % len(offers)]
        features.append(
            {
                "type": "Feature",
                "geometry": source["geometry"],
                "properties": {**source["properties"], "id": f"P{i:06d}"},
            }
        )
    data = root / f"publish_{rows}"
    with _open(_fresh_url(url, "publish"), data, config) as register:
        started = time.perf_counter()
        adopt_features(register, features, districts, city)
        setup = time.perf_counter() - started
        count = register.count_entries("published")
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            register.publish(data)
            runs.append(time.perf_counter() - started)
        size = sum(p.stat().st_size for p in next((data / "snapshots").iterdir()).iterdir())
        return {"entries": count, "setup_s": setup, "publish_s": runs, "snapshot_mb": size / 1e6}


def _changed_copy(src: Path, dst: Path) -> None:
    frame = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    frame["Name"] = [f"{n} (geändert)" if n else n for n in frame["Name"]]
    frame.to_csv(dst, sep=";", index=False, encoding="utf-8")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bench_queue(root: Path, url: str | None, config: Any, addresses: Any, changes: int, repeat: int) -> dict[str, Any]:
    first, second = root / "queue_v1.csv", root / "queue_v2.csv"
    write_offers(first, addresses, changes + changes // 20, seed=5)
    _changed_copy(first, second)
    data = root / "queue"
    register = _open(_fresh_url(url, "queue"), data, config)
    import_offers(register, first, apply=True)
    import_offers(register, second)
    pending = register.queue_counts()["change"]
    variants = [{}, {"kind": "change"}, {"q": "Angebot 7"}, {"offset": "500"}, {"kind": "new"}, {"q": "geändert"}]
    api: list[float] = []
    for i in range(repeat):
        args = variants[i % len(variants)]
        started = time.perf_counter()
        register.queue(kind=args.get("kind"), q=args.get("q"), limit=51, offset=int(args.get("offset", 0)))
        register.queue_counts()
        api.append(time.perf_counter() - started)
    page: list[float] = []
    page_note = ""
    try:
        from flask import Flask

        from dashboard.staff import register_staff
    except ImportError as exc:  # the staff pages are not installed in this tree
        page_note = f"staff page not available ({exc}); queue() alone measured"
    else:
        server = Flask(__name__, root_path=str(root))
        register_staff(server, data, register, login_limit="1000 per minute")
        register.add_user("bench@example.org", PASSWORD)
        client = server.test_client()
        form = client.get("/verwaltung/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        signed = client.post(
            "/verwaltung/login",
            data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
        )
        if signed.status_code != 302:
            page_note = f"sign-in failed ({signed.status_code}); queue() alone measured"
        else:
            client.get("/verwaltung/queue")  # warm-up (templates, catalogue)
            for i in range(repeat):
                query = urllib.parse.urlencode(variants[i % len(variants)])
                started = time.perf_counter()
                response = client.get(f"/verwaltung/queue?{query}")
                page.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"queue page answered {response.status_code}")
    register.close()
    return {
        "pending": pending,
        "api": _percentiles(api),
        "page": _percentiles(page) if page else None,
        "note": page_note,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return json.loads(response.read())


def bench_visible(root: Path, url: str | None, repeat: int, timeout: float) -> dict[str, Any]:
    data = root / "serve"
    port = _free_port()
    env = {**os.environ, "STADTKARTE_DATABASE_URL": url or ""}
    log = (root / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--data", str(data), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _get_json(f"{base}/api/offers.geojson?q=zzzz")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start; see {root / 'serve.log'}") from None
                time.sleep(0.5)
        samples: list[float] = []
        with Register.open(url, data) as register:
            for i in range(repeat):
                entry = register.entries(state="published", limit=1, offset=i)[0]
                marker = f"Sichtbar{secrets.token_hex(4)}"
                values = {**register.form_values(entry), "name": f"{entry.name} {marker}"}
                change = register.propose(entry.id, values, "bench", "bench")
                started = time.perf_counter()
                register.approve(change.id, "bench@example.org")
                register.publish(data, actor="bench@example.org")
                while True:
                    found = _get_json(f"{base}/api/offers.geojson?q={marker}")["features"]
                    if found:
                        samples.append(time.perf_counter() - started)
                        break
                    if time.perf_counter() - started > timeout:
                        return {"samples": samples, "error": f"change not visible after {timeout:.0f} s"}
                    time.sleep(0.05)
        return {"samples": samples, "error": ""}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", help="a PostgreSQL server URL (a new database per measurement); default SQLite files"
    )
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--publish-rows", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=60, help="queue page requests")
    parser.add_argument("--visible-repeat", type=int, default=5)
    parser.add_argument("--skip-100k", action="store_true", help="skip the publish measurement")
    args = parser.parse_args(argv)
    engine = "PostgreSQL" if args.database else "SQLite"
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        root = Path(tmp)
        config, addresses = _config(root)
        imp = bench_import(root, args.database, config, addresses, args.import_rows)
        print(
            f"import {imp['rows']:,} rows into an empty register ({engine}): {imp['seconds']:.2f} s "
            f"({imp['new']:,} pending new, {imp['rejected']:,} rejected with reason)  target < 15 s",
            flush=True,
        )
        if not args.skip_100k:
            pub = bench_publish(root, args.database, config, args.publish_rows)
            runs = " / ".join(f"{s:.2f}" for s in pub["publish_s"])
            print(
                f"publish a register of {pub['entries']:,} entries: {runs} s (first / same content again), "
                f"{pub['snapshot_mb']:.1f} MB snapshot (setup: {pub['entries']:,} entries loaded in {pub['setup_s']:.1f} s)  target < 20 s",
                flush=True,
            )
        que = bench_queue(root, args.database, config, addresses, args.changes, args.repeat)
        line = f"queue with {que['pending']:,} pending changes: Register.queue()+queue_counts() p50/p95 "
        line += f"{que['api'][0] * 1000:.1f} / {que['api'][1] * 1000:.1f} ms"
        if que["page"]:
            line += f"; page /verwaltung/queue p50/p95 {que['page'][0] * 1000:.1f} / {que['page'][1] * 1000:.1f} ms"
        print(line + "  target p95 < 200 ms" + (f" ({que['note']})" if que["note"] else ""), flush=True)
        vis = bench_visible(root, args.database, args.visible_repeat, timeout=30.0)
        if vis["samples"]:
            worst = max(vis["samples"])
            median = statistics.median(vis["samples"])
            print(
                f"approve-to-visible via /api/offers.geojson: median {median:.2f} s, max {worst:.2f} s "
                f"over {len(vis['samples'])} approvals  target < 5 s",
                flush=True,
            )
        if vis["error"]:
            print(f"approve-to-visible: {vis['error']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
