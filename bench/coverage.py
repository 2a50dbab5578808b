"""Benchmark of the coverage analysis (issue 4).

Synthetic city: ``--districts`` square districts (default 100) on a square of side
sqrt(cells) x 100 m, a Zensus-format population grid with ``--cells`` cells (default
500,000; written as ``;``-CSV in EPSG:3035 and read back through
:func:`dashboard.population.read_population_grid`), and ``--offers`` random offers
(default 100,000) with random categories, languages and target groups.

Prints, for one filter state, the time of every metric computed from scratch (the
"build time" figure, target < 5 s), the one-off precomputation of
:class:`dashboard.metrics.CoverageModel`, and p50/p95 of the per-filter-change work
(target p95 < 100 ms). When the coverage page exists (``dashboard/pages/coverage.py``),
the callback is also timed through Flask's test client (``/_dash-update-component``).

Usage: ``python bench/coverage.py [--offers N] [--cells N] [--districts N] [--repeats N]``
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# bench/dashboard.py would shadow the dashboard package when this file is run as a script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pyproj import Transformer  # noqa: E402
from shapely.geometry import box  # noqa: E402

from dashboard import metrics as m  # noqa: E402
from dashboard.population import cells_from_grid, read_population_grid  # noqa: E402

X0, Y0 = 490_000.0, 5_380_000.0
CATEGORIES = tuple(f"cat{i}" for i in range(12))
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "pl", "ro", "fa", "ku")
TARGETS = ("all", "women", "children", "youth", "families", "seniors", "refugees", "newcomers", "job_seekers")


def synthetic_city(n_offers: int, n_cells: int, n_districts: int, seed: int = 0):
    """Districts (EPSG:25832), offers (x/y EPSG:25832) and grid cells (x, y, residents)."""
    rng = np.random.default_rng(seed)
    side_cells = math.isqrt(n_cells)
    side_m = side_cells * 100.0
    per_row = math.isqrt(n_districts)
    step = side_m / per_row
    geoms = [
        box(X0 + i * step, Y0 + j * step, X0 + (i + 1) * step, Y0 + (j + 1) * step)
        for j in range(per_row)
        for i in range(per_row)
    ]
    ids = [f"d{k:03d}" for k in range(len(geoms))]
    districts = gpd.GeoDataFrame(
        {"id": ids, "name": [f"District {k}" for k in range(len(geoms))], "population": 0, "area_km2": step**2 / 1e6},
        geometry=geoms,
        crs="EPSG:25832",
    )
    x = rng.uniform(X0, X0 + side_m, n_offers)
    y = rng.uniform(Y0, Y0 + side_m, n_offers)
    col = np.minimum(((x - X0) // step).astype(int), per_row - 1)
    row = np.minimum(((y - Y0) // step).astype(int), per_row - 1)
    offers = pd.DataFrame(
        {
            "id": [f"o{i}" for i in range(n_offers)],
            "district_id": np.asarray(ids, dtype=object)[row * per_row + col],
            "category": rng.choice(CATEGORIES, n_offers),
            "languages": [list(rng.choice(LANGUAGES, rng.integers(1, 4), replace=False)) for _ in range(n_offers)],
            "target_groups": [list(rng.choice(TARGETS, rng.integers(1, 3), replace=False)) for _ in range(n_offers)],
            "x": x,
            "y": y,
        }
    )
    gx, gy = np.meshgrid(X0 + 50 + 100 * np.arange(side_cells), Y0 + 50 + 100 * np.arange(side_cells))
    cells = (gx.ravel(), gy.ravel(), rng.integers(1, 60, gx.size))
    return districts, offers, cells


def write_zensus_csv(path: Path, cells: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    """Write cells as a Zensus 2022-style grid (EPSG:3035 cell centres, ';'-separated)."""
    ex, ey = Transformer.from_crs("EPSG:25832", "EPSG:3035", always_xy=True).transform(cells[0], cells[1])
    frame = pd.DataFrame({"x_mp_100m": np.round(ex, 2), "y_mp_100m": np.round(ey, 2), "Einwohner": cells[2]})
    frame.insert(0, "GITTER_ID_100m", "id")
    frame.to_csv(path, sep=";", index=False)


def timed(label: str, fn: Callable[[], object], results: list[tuple[str, float]]) -> object:
    start = time.perf_counter()
    value = fn()
    results.append((label, time.perf_counter() - start))
    return value


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def filter_masks(offers: pd.DataFrame, n: int, seed: int = 1) -> list[tuple[str, np.ndarray]]:
    """Varied filter states as masks: a category, a language, category + language, a target group, all."""
    rng = np.random.default_rng(seed)
    cats = offers["category"].to_numpy()
    langs = m.membership(offers["languages"], LANGUAGES)
    targets = m.membership(offers["target_groups"], TARGETS)
    states = []
    for i in range(n):
        kind = i % 5
        c, lang, t = rng.choice(CATEGORIES), rng.integers(len(LANGUAGES)), rng.integers(len(TARGETS))
        if kind == 0:
            states.append((f"category={c}", cats == c))
        elif kind == 1:
            states.append((f"language={LANGUAGES[lang]}", langs[:, lang]))
        elif kind == 2:
            states.append((f"category={c}&language={LANGUAGES[lang]}", (cats == c) & langs[:, lang]))
        elif kind == 3:
            states.append((f"target={TARGETS[t]}", targets[:, t]))
        else:
            states.append(("(no filter)", np.ones(len(offers), dtype=bool)))
    return states


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=500_000)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=40, help="filter changes timed for p50/p95")
    args = parser.parse_args(argv)

    districts, offers, raw_cells = synthetic_city(args.offers, args.cells, args.districts)
    print(f"synthetic city: {len(offers):,} offers, {len(districts)} districts, {len(raw_cells[0]):,} grid cells")
    build: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zensus_grid.csv"
        write_zensus_csv(path, raw_cells)
        grid = timed("read grid CSV + reproject EPSG:3035->25832", lambda: read_population_grid(path), build)
    cells = timed("assign cells to districts", lambda: cells_from_grid(grid, districts), build)

    mask = offers["category"].to_numpy() == "cat0"
    catchment = m.Catchment(1000.0, "gaussian")
    metrics: list[tuple[str, float]] = []
    for dim in m.DIMENSIONS:
        timed(f"offers by district x {dim}", lambda d=dim: m.offers_by_district(offers, districts, d, mask), metrics)
    timed("white spots (category)", lambda: m.white_spots(m.offers_by_district(offers, districts, mask=mask)), metrics)
    per = timed("offers per 1,000 residents", lambda: m.offers_per_1000(offers, districts, mask, cells), metrics)
    timed("distance coverage 500/1000 m", lambda: m.distance_coverage(offers, districts, cells, mask=mask), metrics)
    timed(
        "distance curve",
        lambda: m.distance_curve(cells, m.nearest_distances(cells.xy, m.offer_xy(offers)[mask])),
        metrics,
    )
    timed(
        "E2SFCA (1000 m, gaussian)",
        lambda: m.e2sfca_by_district(offers, districts, cells, catchment, mask=mask),
        metrics,
    )
    timed("Gini + Lorenz", lambda: m.inequality(per), metrics)  # type: ignore[arg-type]

    model = timed(
        "CoverageModel precompute (kNN candidates)", lambda: m.build_coverage_model(offers, districts, cells), build
    )
    timed("E2SFCA weights precompute (1000 m, gaussian)", lambda: model.e2sfca_weights(catchment), build)  # type: ignore[union-attr]

    print("\none-off work at start (not per filter change):")
    for label, secs in build:
        print(f"  {label:<48} {secs:8.3f} s")
    print("\nall metrics from scratch for one filter state (category=cat0):")
    for label, secs in metrics:
        print(f"  {label:<48} {secs:8.3f} s")
    total = sum(s for _, s in metrics)
    print(f"  {'TOTAL':<48} {total:8.3f} s   target < 5 s: {'OK' if total < 5 else 'MISSED'}")

    members = [m.membership(offers[d], m.observed_groups(offers[d])) for d in m.DIMENSIONS]  # as in Dataset
    samples = []
    for _, state_mask in filter_masks(offers, args.repeats):
        start = time.perf_counter()
        model.per_1000(state_mask)  # type: ignore[union-attr]
        model.coverage(state_mask)  # type: ignore[union-attr]
        model.accessibility(state_mask, catchment)  # type: ignore[union-attr]
        for member in members:
            m.count_matrix(model.offer_district, member, state_mask, len(model.table))  # type: ignore[union-attr]
        samples.append(time.perf_counter() - start)
    p50, p95 = percentiles(samples)
    print(
        f"\nper filter change with the precomputed model ({args.repeats} varied states; per 1,000 + coverage + E2SFCA):"
    )
    print(
        f"  p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   target p95 < 100 ms: {'OK' if p95 < 0.1 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
