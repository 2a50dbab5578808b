"""Benchmark of the exchange board (issue 10): 5,000 posts in the register, all matches, page times.

Stores ``--posts`` synthetic posts (``bench/matching.py``'s generator: seeded, every
organisation "Synthetischer Verein NNNN", so the data is fictitious and says so) in a
temporary SQLite register, then measures

* building the public board: reading the published posts and
  :func:`analysis.matching.match_posts` for every post (what happens once per board version);
* ``GET /api/board.json`` (the whole board with matches) and
* the board page ``/netzwerk`` for ``--requests`` filter changes (random topic, language,
  target group and district, in German and Arabic), server time through Flask's WSGI test
  client with the cache warm: median and p95 (target p95 < 100 ms).

Times are wall clock (``perf_counter``) and CPU (``process_time``); on the shared 2-core
machine the wall clock includes waiting for a core.

Usage: ``python bench/board.py [--posts N] [--requests N] [--seed N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from flask import Flask

from analysis.matching import Post
from bench.matching import LANGUAGES, TODAY, synthetic_posts
from dashboard.board import register_board
from dashboard.board.model import build_view
from geodata.taxonomy import load_board_topics, load_taxonomy
from registry import Register
from registry.board import PostValues, add_posts, board_version, list_posts


def _values(post: Post) -> PostValues:
    return PostValues(
        kind=post.kind,
        topic=post.topic,
        title=post.title,
        text=post.text,
        languages=post.languages,
        target_groups=post.target_groups,
        district_id=post.district_id,
        lon=post.lon,
        lat=post.lat,
        location_visibility="exact" if post.lon is not None else "district",
        organization=post.organization,
        contact=f"kontakt-{post.id}@example.org",
        valid_until=post.valid_until,
    )


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def _timed(run: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    posts = synthetic_posts(args.posts, args.seed)
    with tempfile.TemporaryDirectory(prefix="board-bench-") as tmp:
        register = Register.open(None, Path(tmp))
        register.upgrade()
        wall, _ = _timed(
            lambda: [
                add_posts(register, [_values(p) for p in posts if p.state == state], "bench", state)
                for state in ("published", "closed")
            ]
        )
        print(f"{len(posts):,} synthetic posts stored in SQLite in {wall:.2f} s")

        stored = list_posts(register, ["published"])
        version = board_version(register)
        walls, cpus = [], []
        for _ in range(3):
            w, c = _timed(lambda: build_view(list_posts(register, ["published"]), TODAY, version))
            walls.append(w)
            cpus.append(c)
        view = build_view(stored, TODAY, version)
        kept = sum(len(m) for m in view.matches.values())
        print(
            f"board build (read {len(stored):,} published posts + all matches): median "
            f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU; "
            f"{len(view.posts):,} open posts, {kept:,} matches kept"
        )

        app = Flask("board-bench")
        cache = register_board(app, Path(tmp), register)
        cache.today = lambda: TODAY
        client = app.test_client()
        w, c = _timed(lambda: client.get("/api/board.json"))  # first request builds the cache
        print(f"first request (cache build): {w:.2f} s wall, {c:.2f} s CPU")
        w, c = _timed(lambda: client.get("/api/board.json"))
        size = len(client.get("/api/board.json").data)
        print(f"GET /api/board.json (cached): {w * 1000:.0f} ms wall, {c * 1000:.0f} ms CPU, {size / 1e6:.1f} MB")

        rng = np.random.default_rng(args.seed)
        topics = load_board_topics().ids
        groups = load_taxonomy().target_groups.ids
        districts = sorted({p.district_id or "" for p in stored})
        walls, cpus = [], []
        for i in range(args.requests):
            query = {"lang": "ar" if i % 2 else "de"}
            if rng.random() < 0.8:
                query["topic"] = str(rng.choice(topics))
            if rng.random() < 0.5:
                query["language"] = str(rng.choice(LANGUAGES))
            if rng.random() < 0.3:
                query["group"] = str(rng.choice(groups))
            if rng.random() < 0.3:
                query["district"] = str(rng.choice(districts))
            w, c = _timed(lambda q=query: _ok(client.get("/netzwerk", query_string=q)))
            walls.append(w * 1000)
            cpus.append(c * 1000)
        print(
            f"/netzwerk, {args.requests} filter changes (de/ar): median {statistics.median(walls):.1f} ms, "
            f"p95 {_percentile(walls, 95):.1f} ms wall; p95 {_percentile(cpus, 95):.1f} ms CPU (target p95 < 100 ms)"
        )
        register.close()
    return 0


def _ok(response: object) -> None:
    if getattr(response, "status_code", 0) != 200:
        raise SystemExit(f"board page answered {getattr(response, 'status_code', '?')}")


if __name__ == "__main__":
    raise SystemExit(main())
