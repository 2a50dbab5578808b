"""Benchmark of the exchange board's matcher (issue 10): all matches for every post.

Generates ``--posts`` synthetic board posts in memory (default 5,000; seeded, nothing
written): offers and needs on the eight default topics, 1-3 of ten languages, 0-2 target
groups, one of 20 districts, a point in an 8 km square around Ludwigsburg's centre for 80 %
(the rest name only their district), titles and texts built from German compounds, 10 %
closed and 10 % expired. Every organisation is called "Synthetischer Verein NNNN": the data
is fictitious and says so.

Prints the median over ``--repeats`` runs of :func:`analysis.matching.match_posts` (the best
``--limit`` matches of every post), of its preparation alone, and of
:func:`analysis.matching.matches_for` for single posts against the whole board (what a
post's detail page needs). Target: all matches for 5,000 posts well under a few seconds.

Usage: ``python bench/matching.py [--posts N] [--repeats N] [--limit N] [--seed N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from analysis.matching import Post, _prepare, is_open, match_posts, matches_for
from geodata.crs import to_storage
from geodata.taxonomy import load_board_topics, load_taxonomy

TODAY = date(2026, 11, 30)
#: About Ludwigsburg's centre in EPSG:25832 metres.
CENTRE = (513926.0, 5415801.0)
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "pl", "ro", "fa", "ku")
WORDS = {
    "rooms": ("Raum", "Räume", "Gruppenraum", "Saal", "Vereinsheim", "Küche", "Besprechungsraum", "abends"),
    "volunteers": ("Ehrenamtliche", "Helferinnen", "Hausaufgabenhilfe", "Begleitung", "Patenschaft", "Fahrdienst"),
    "language_mediation": ("Sprachmittlung", "Sprachmittlerin", "Dolmetschen", "Übersetzung", "Elterngespräch"),
    "expertise_training": ("Fortbildung", "Schulung", "Workshop", "Kinderschutz", "Vereinsrecht", "Datenschutz"),
    "project_partner": ("Projektpartner", "Kooperation", "Sommerfest", "Nachbarschaftsprojekt", "Sportprojekt"),
    "target_group_access": ("Zielgruppe", "Jugendliche", "Frauengruppe", "Neuzugewanderte", "Familienzentrum"),
    "equipment": ("Beamer", "Lautsprecher", "Zelt", "Bierbänke", "Laptop", "Nähmaschinen", "Geschirr"),
    "funding": ("Förderantrag", "Fördermittel", "Antragstellung", "Verwendungsnachweis", "Stiftung", "Zuschuss"),
}
COMMON = ("für", "unseren", "Verein", "ab", "sofort", "Ludwigsburg", "gemeinsam", "Kinder", "Eltern", "Treffen")


def synthetic_posts(n: int, seed: int = 0) -> list[Post]:
    """``n`` fictitious board posts (seeded), about half offers and half needs."""
    rng = np.random.default_rng(seed)
    topics = load_board_topics().ids
    groups = load_taxonomy().target_groups.ids
    x = CENTRE[0] + rng.uniform(-4000, 4000, n)
    y = CENTRE[1] + rng.uniform(-4000, 4000, n)
    lon, lat = to_storage(x, y)
    district = np.floor((x - CENTRE[0] + 4000) / 2000).astype(int) * 5 + np.floor((y - CENTRE[1] + 4000) / 1600)
    posts = []
    for i in range(n):
        topic = topics[rng.integers(len(topics))]
        words = [*rng.choice(WORDS[topic], 3), *rng.choice(COMMON, 4)]
        state = rng.choice(["published", "closed"], p=[0.9, 0.1])
        created = TODAY - timedelta(days=int(rng.integers(0, 400)))
        expired = rng.random() < 0.1
        has_point = rng.random() < 0.8
        posts.append(
            Post(
                id=f"p{i:05d}",
                kind="offer" if rng.random() < 0.5 else "need",
                topic=topic,
                title=" ".join(words[:3]),
                text=" ".join(rng.permutation(words)),
                languages=tuple(dict.fromkeys(rng.choice(LANGUAGES, rng.integers(1, 4), p=_language_p()))),
                target_groups=tuple(dict.fromkeys(rng.choice(groups, rng.integers(0, 3)))),
                district_id=f"d{int(district[i]):02d}",
                lon=float(lon[i]) if has_point else None,
                lat=float(lat[i]) if has_point else None,
                organization=f"Synthetischer Verein {rng.integers(0, n // 6):04d}",
                valid_until=TODAY - timedelta(days=1) if expired else TODAY + timedelta(days=int(rng.integers(0, 300))),
                created=created,
                updated=created + timedelta(days=int(rng.integers(0, (TODAY - created).days + 1))),
                state=str(state),
            )
        )
    return posts


def _language_p() -> np.ndarray:
    p = np.array([6, 2, 2, 2, 2, 1, 1, 1, 1, 1], dtype=float)
    return p / p.sum()


def median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, float, list[float]]:
    """Median wall-clock and CPU (process) seconds of ``repeats`` calls of ``run``, and all wall times.

    On a shared machine the wall clock includes waiting for a core; the CPU time does not.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def _one_post(post: Post, board: list[Post], limit: int) -> Callable[[], object]:
    return lambda: matches_for(post, board, TODAY, limit=limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    posts = synthetic_posts(args.posts, args.seed)
    open_posts = [p for p in posts if is_open(p, TODAY)]
    result = match_posts(posts, TODAY, limit=args.limit)  # warm-up (imports, caches)
    with_match = sum(1 for m in result.values() if m)
    n_matches = sum(len(m) for m in result.values())
    print(
        f"{len(posts):,} synthetic posts ({len(open_posts):,} open), {with_match:,} with a match, "
        f"{n_matches:,} matches kept (limit {args.limit})"
    )
    wall, cpu, times = median_seconds(lambda: match_posts(posts, TODAY, limit=args.limit), args.repeats)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"match_posts, all matches for every post: median {wall:.2f} s wall, {cpu:.2f} s CPU (wall runs: {runs})")
    wall, cpu, _ = median_seconds(lambda: _prepare(open_posts, TODAY), args.repeats)
    print(f"  of which preparation (projection, word vectors): median {wall:.2f} s wall, {cpu:.2f} s CPU")
    sample = [open_posts[i] for i in np.random.default_rng(args.seed).choice(len(open_posts), 20, replace=False)]
    per_post = [median_seconds(_one_post(one, posts, args.limit), 1)[:2] for one in sample]
    wall = statistics.median(w for w, _ in per_post)
    cpu = statistics.median(c for _, c in per_post)
    print(f"matches_for, one post against the whole board: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
