"""Benchmark of the coverage analysis (issue 4).

Synthetic city: ``--districts`` square districts (default 100) on a square of side
sqrt(cells) x 100 m, a Zensus-format population grid with ``--cells`` cells (default
500,000; written as ``;``-CSV in EPSG:3035 and read back through
:func:`analysis.read_population_grid`), and ``--offers`` random offers
(default 100,000) with random categories, languages and target groups.

Prints, for one filter state, the time of every metric computed from scratch (the
"build time" figure, target < 5 s), the one-off precomputation of
:class:`analysis.CoverageModel`, and p50/p95 of the per-filter-change work
(target p95 < 100 ms), and the coverage page's real callbacks through Flask's test client
(``/_dash-update-component``, like the browser): the synthetic city is written as a build
output folder (contract offers, districts, ``city.json`` naming the Zensus-format grid) and
served by :func:`dashboard.app.create_app`.

Usage: ``python bench/coverage.py [--offers N] [--cells N] [--districts N] [--repeats N] [--no-app]``
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import threading
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

import analysis as m  # noqa: E402
from analysis import cells_from_grid, read_population_grid  # noqa: E402
from analysis._model import BLOCK_SIZES_M  # noqa: E402

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


# ---------------------------------------------------------------- the page's callbacks through Flask


def _bench_dashboard():
    """bench/dashboard.py (callback helpers), loaded by path: bench/ is not on sys.path here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_bench_dashboard", Path(__file__).with_name("dashboard.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["_bench_dashboard"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def write_build_folder(data_dir: Path, districts, offers: pd.DataFrame, cells, seed: int = 0) -> Path:
    """The synthetic city as a build output folder with a Zensus-format grid named in city.json."""
    import json

    from geodata.crs import to_storage
    from geodata.io import DISTRICTS_FILE, OFFERS_FILE, write_districts, write_offers
    from geodata.taxonomy import load_taxonomy

    rng = np.random.default_rng(seed)
    tax = load_taxonomy()
    cats, targets = tax.categories.ids, tax.target_groups.ids
    lon, lat = to_storage(offers["x"].to_numpy(), offers["y"].to_numpy())
    names = dict(zip(districts["id"], districts["name"], strict=True))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]},
            "properties": {
                "id": f"b{i}",
                "name": f"Synthetisches Angebot {i}",
                "category": cats[int(rng.integers(len(cats)))],
                "languages": sorted(set(rng.choice(LANGUAGES, rng.integers(1, 4)).tolist())),
                "target_groups": sorted(set(rng.choice(targets, rng.integers(1, 3)).tolist())),
                "district_id": d,
                "district_name": names[d],
                "geocode_source": "input",
                "geocode_precision": "address",
                "accessibility": "unknown",
                "demo": True,
            },
        }
        for i, d in enumerate(offers["district_id"])
    ]
    data_dir.mkdir(parents=True, exist_ok=True)
    write_offers(data_dir / OFFERS_FILE, features)
    geo = json.loads(districts.to_crs("EPSG:4326").to_json())["features"]
    for f in geo:
        f["properties"] = {
            "id": f["properties"]["id"],
            "name": f["properties"]["name"],
            "approximate": True,
            "source": "bench",
        }
    write_districts(data_dir / DISTRICTS_FILE, geo)
    write_zensus_csv(data_dir / "zensus_grid.csv", cells)
    city = {"name": "Benchstadt", "demo": True, "contact": {}, "basemap": None, "route_url": None}
    city |= {"population_grid": str(data_dir / "zensus_grid.csv"), "outline": None}
    (data_dir / "city.json").write_text(json.dumps(city), encoding="utf-8")
    return data_dir


def page_states(n: int, seed: int = 2) -> list[tuple[dict, str]]:
    """Varied filter stores + the metric shown, as the page sends them."""
    from geodata.taxonomy import load_taxonomy

    tax = load_taxonomy()
    rng = np.random.default_rng(seed)
    metrics = ("per_1000", "within_500", "within_1000", "e2sfca")
    out = []
    for i in range(n):
        cat = str(rng.choice(tax.categories.ids))
        lang = str(rng.choice(LANGUAGES))
        target = str(rng.choice(tax.target_groups.ids))
        store = [
            {"categories": [cat]},
            {"languages": [lang]},
            {"categories": [cat], "languages": [lang]},
            {"target_groups": [target]},
            {},
        ][i % 5]
        out.append((store, metrics[(i // 5) % len(metrics)]))
    return out


def bench_app(districts, offers: pd.DataFrame, cells, repeats: int) -> None:
    """p50/p95 of the coverage page's callbacks, called through ``/_dash-update-component``."""
    bd = _bench_dashboard()
    from dashboard import ids
    from dashboard.app import create_app
    from dashboard.coverage.context import WARM_THREAD

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        data_dir = write_build_folder(Path(tmp) / "data", districts, offers, cells)
        t1 = time.perf_counter()
        app = create_app(data_dir)
        t2 = time.perf_counter()
        print(f"\ncoverage page through Flask (build folder written in {t1 - t0:.1f} s, create_app {t2 - t1:.1f} s)")
        client = app.server.test_client()
        page_cb = bd.find_callback(client, ids.COV_CHOROPLETH, "figure")
        curve_cb = bd.find_callback(client, ids.COV_CURVE, "figure")
        heat_cb = bd.find_callback(client, ids.COV_HEATMAP, "figure")
        t3 = time.perf_counter()
        client.get("/coverage")  # the page itself (server-side render of the layout)
        t4 = time.perf_counter()
        print(f"  GET /coverage (layout shell)                     {t4 - t3:8.3f} s")

        def call(cb, store: dict, metric: str) -> tuple[float, int]:
            values = {
                (ids.FILTER_STORE, "data"): store,
                (ids.SEARCH, "value"): "",
                (ids.COV_FILTERS, "data"): {"filters": store, "q": ""},
                (ids.COV_METRIC, "data"): metric,
                (ids.COV_FOCUS, "data"): None,
                (ids.COV_PAGE, "data"): {"mode": "", "compare": []},
                (ids.UI_LANG, "data"): {"lang": "de", "dir": "ltr"},
            }
            start = time.perf_counter()
            body = bd.post_callback(client, cb, values, f"{ids.FILTER_STORE}.data")
            return time.perf_counter() - start, len(body)

        # the first request that needs the snapshot's coverage builds its model (grid read, cells
        # assigned) and starts warming it in a background thread (the server answers meanwhile)
        first, _size = call(page_cb, {}, "per_1000")
        print(f"  first page callback (builds the snapshot's model)  {first:8.3f} s")
        for warm in [t for t in threading.enumerate() if t.name.startswith(WARM_THREAD)]:
            warm.join()
        print(f"  background precompute finished after               {time.perf_counter() - t2:8.3f} s")
        states = page_states(repeats)
        for store, metric in states[:5]:  # warm-up of the request path (first renders)
            call(page_cb, store, metric)
            call(curve_cb, store, metric)
            call(heat_cb, store, metric)
        page_t, curve_t, heat_t, both, sizes = [], [], [], [], []
        for k, (store, metric) in enumerate(states):
            store = {**store, "q": ""}
            if k % 2:  # half of the states are new text searches: never cached, arbitrary masks
                store["q"] = f"angebot {k}"
            a, size = call(page_cb, store, metric)
            b, _ = call(curve_cb, store, metric)
            c, _ = call(heat_cb, store, metric)
            page_t.append(a)
            curve_t.append(b)
            heat_t.append(c)
            both.append(a + b + c)
            sizes.append(size)
        rows = (
            ("page callback (shown metric, bars, table, focus)", page_t),
            ("white-spot heatmap callback", heat_t),
            ("distance-curve callback", curve_t),
            ("all three (one filter change, run serially)", both),
        )
        for label, samples in rows:
            p50, p95 = percentiles(samples)
            ok = "OK" if p95 < 0.1 else "MISSED"
            print(f"  {label:<48} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   target p95 < 100 ms: {ok}")
        print(f"  response size of the page callback: mean {np.mean(sizes) / 1024:.0f} KB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--cells", type=int, default=500_000)
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=40, help="filter changes timed for p50/p95")
    parser.add_argument("--no-app", dest="app", action="store_false", help="skip the page callbacks")
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

    model = timed("CoverageModel (positions, indices)", lambda: m.build_coverage_model(offers, districts, cells), build)
    timed("  kNN candidates", lambda: model.knn(), build)  # type: ignore[union-attr]
    timed("  cell blocks, all sizes", lambda: [model.blocks(b) for b in BLOCK_SIZES_M], build)  # type: ignore[union-attr]
    timed("  distances per category/language/target group", lambda: model.warm(), build)  # type: ignore[union-attr]
    timed("E2SFCA weights precompute (1000 m, gaussian)", lambda: model.e2sfca_weights(catchment), build)  # type: ignore[union-attr]

    print("\none-off work at start (not per filter change):")
    for label, secs in build:
        print(f"  {label:<48} {secs:8.3f} s")
    print("\nall metrics from scratch for one filter state (category=cat0):")
    for label, secs in metrics:
        print(f"  {label:<48} {secs:8.3f} s")
    total = sum(s for _, s in metrics)
    print(f"  {'TOTAL':<48} {total:8.3f} s   target < 5 s: {'OK' if total < 5 else 'MISSED'}")
    sys.stdout.flush()

    members = [m.membership(offers[d], m.observed_groups(offers[d])) for d in m.DIMENSIONS]  # as in Dataset
    states = filter_masks(offers, args.repeats)
    samples = []
    for _, state_mask in states:
        model._cache.clear()  # type: ignore[union-attr]  # no cache hit: every state computed afresh
        start = time.perf_counter()
        model.per_1000(state_mask)  # type: ignore[union-attr]
        model.coverage(state_mask)  # type: ignore[union-attr]
        model.curve(state_mask)  # type: ignore[union-attr]
        model.accessibility(state_mask, catchment)  # type: ignore[union-attr]
        for member in members:
            m.count_matrix(model.offer_district, member, state_mask, len(model.table))  # type: ignore[union-attr]
        samples.append(time.perf_counter() - start)
    p50, p95 = percentiles(samples)
    print(
        f"\nevery metric per filter change, precomputed model ({args.repeats} varied uncached states;"
        " per 1,000 + coverage + curve + E2SFCA + counts):"
    )
    print(f"  p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    if args.app:
        bench_app(districts, offers, raw_cells, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
