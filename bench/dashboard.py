"""Benchmark of the dashboard's filter interaction against a straightforward peer.

For synthetic datasets of 1,000 / 10,000 / 100,000 offers (default sizes) this
prints, per size, the server-side time of one filter interaction (p50/p95 over
varied filter changes) and the bytes of the response, for

* **ours**: the dashboard's filter callback (``dashboard.app.create_app`` on the
  synthetic data, posted to ``/_dash-update-component`` like the browser does);
  the map is redrawn in the browser from the points sent once plus the view mask;
* **peer**: a straightforward Dash app that filters a GeoDataFrame with pandas and
  rebuilds a ``px.scatter_map`` figure per change, returned as JSON.

Both are called through Flask's test client, so the bytes are the real response
bodies; times are wall-clock of the POST (Dash routing + callback + JSON).
Run: ``python bench/dashboard.py [--sizes 1000,10000] [--repeat 30]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dashboard import ids  # noqa: E402
from dashboard.filters import FilterState  # noqa: E402
from geodata.io import DISTRICTS_FILE, OFFERS_FILE, write_districts, write_offers  # noqa: E402
from geodata.taxonomy import fold, load_taxonomy  # noqa: E402

logger = logging.getLogger(__name__)

#: Ludwigsburg's extent in degrees (EPSG:4326), split into a 5 x 4 grid of districts.
EXTENT = (9.13, 48.86, 9.26, 48.93)
GRID = (5, 4)
LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "ro", "pl", "it", "kmr", "ti")
WORDS = ("Sprachcafé", "Beratung", "Treff", "Kurs", "Verein", "Hilfe", "Begegnung", "Werkstatt", "Gruppe", "Büro")
PLACES = ("Mitte", "Oßweil", "Eglosheim", "Grünbühl", "Hoheneck", "Neckarweihingen", "Pflugfelden", "Weststadt")
TARGETS_P95_10K_MS = 50.0
TARGET_SPEEDUP_100K = 5.0
TARGET_BYTES_RATIO_100K = 0.1


# --------------------------------------------------------------------------- synthetic data


def district_features() -> list[dict[str, Any]]:
    """A grid of approximate rectangular districts over :data:`EXTENT`."""
    x0, y0, x1, y1 = EXTENT
    nx, ny = GRID
    dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
    out = []
    for j in range(ny):
        for i in range(nx):
            a, b = x0 + i * dx, y0 + j * dy
            ring = [[a, b], [a + dx, b], [a + dx, b + dy], [a, b + dy], [a, b]]
            out.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {"id": f"d{j}{i}", "name": f"Bezirk {j}{i}", "approximate": True, "source": "bench"},
                }
            )
    return out


def offer_features(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` synthetic demo offers (1 in 5 shares an address with another offer)."""
    rng = np.random.default_rng(seed)
    taxonomy = load_taxonomy()
    cats = taxonomy.categories.ids
    targets = taxonomy.target_groups.ids
    x0, y0, x1, y1 = EXTENT
    lon = rng.uniform(x0, x1, n)
    lat = rng.uniform(y0, y1, n)
    shared = rng.random(n) < 0.2
    partner = rng.integers(0, n, n)
    lon = np.where(shared, lon[partner], lon)
    lat = np.where(shared, lat[partner], lat)
    nx, ny = GRID
    col = np.minimum(((lon - x0) / (x1 - x0) * nx).astype(int), nx - 1)
    row = np.minimum(((lat - y0) / (y1 - y0) * ny).astype(int), ny - 1)
    precision = rng.choice(["address", "address", "address", "street", "postcode"], n)
    features = []
    for i in range(n):
        langs = sorted(set(rng.choice(LANGUAGES, rng.integers(1, 4)).tolist()))
        groups = sorted(set(rng.choice(targets, rng.integers(1, 3)).tolist()))
        name = f"{WORDS[i % len(WORDS)]} {PLACES[(i // 10) % len(PLACES)]} {i}"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]},
                "properties": {
                    "id": f"b{i}",
                    "name": name,
                    "organization": f"Träger {i % 97}",
                    "category": cats[int(rng.integers(0, len(cats)))],
                    "languages": langs,
                    "target_groups": groups,
                    "description": "Synthetische Demodaten für den Benchmark",
                    "district_id": f"d{row[i]}{col[i]}",
                    "district_name": f"Bezirk {row[i]}{col[i]}",
                    "geocode_source": "input",
                    "geocode_precision": str(precision[i]),
                    "accessibility": "yes" if i % 3 == 0 else "unknown",
                    "demo": True,
                },
            }
        )
    return features


def write_dataset(data_dir: Path, n: int) -> Path:
    """Write a synthetic build output folder of ``n`` offers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_offers(data_dir / OFFERS_FILE, offer_features(n))
    write_districts(data_dir / DISTRICTS_FILE, district_features())
    x0, y0, x1, y1 = EXTENT
    outline = {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}
    city = {"name": "Benchstadt", "demo": True, "contact": {}, "basemap": None, "route_url": None, "outline": outline}
    (data_dir / "city.json").write_text(json.dumps(city), encoding="utf-8")
    return data_dir


def filter_changes(district_ids: Sequence[str]) -> list[FilterState]:
    """Varied filter changes a user makes (single and combined filters, text search)."""
    d = list(district_ids)
    return [
        FilterState(categories=("counselling",)),
        FilterState(categories=("counselling", "language_course")),
        FilterState(languages=("ar",)),
        FilterState(languages=("ar", "tr"), target_groups=("women",)),
        FilterState(target_groups=("women",), q="sprach"),
        FilterState(q="beratung"),
        FilterState(q="oßweil"),
        FilterState(districts=(d[0],)),
        FilterState(categories=("counselling",), districts=(d[1], d[2])),
        FilterState(barrier_free=True),
        FilterState(languages=("uk",), barrier_free=True, q="treff"),
        FilterState(),
    ]


# --------------------------------------------------------------------------- calling a callback


@dataclass(frozen=True)
class Callback:
    """One callback as the Dash renderer sees it (from ``/_dash-dependencies``)."""

    output: str
    outputs: list[dict[str, str]]
    inputs: list[dict[str, str]]
    state: list[dict[str, str]]


def _split_outputs(output: str) -> list[dict[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


def find_callback(client: Any, output_id: str, output_prop: str) -> Callback:
    """The registered callback with output ``output_id.output_prop``."""
    deps = client.get("/_dash-dependencies").get_json()
    for dep in deps:
        outputs = _split_outputs(dep["output"])
        if {"id": output_id, "property": output_prop} in outputs:
            return Callback(dep["output"], outputs, dep["inputs"], dep.get("state", []))
    raise LookupError(f"no callback writes {output_id}.{output_prop}: is the app's filter callback registered?")


def post_callback(client: Any, cb: Callback, values: dict[tuple[str, str], Any], changed: str) -> bytes:
    """POST one callback call like the browser does; returns the response body."""
    body = {
        "output": cb.output,
        "outputs": cb.outputs if len(cb.outputs) > 1 else cb.outputs[0],
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in cb.inputs],
        "state": [{**s, "value": values.get((s["id"], s["property"]))} for s in cb.state],
        "changedPropIds": [changed],
    }
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        raise RuntimeError(f"callback {cb.output} answered {response.status_code}: {response.data[:300]!r}")
    return response.data


@dataclass(frozen=True)
class Measurement:
    """Times (ms) and response sizes (bytes) of a series of interactions."""

    times_ms: tuple[float, ...]
    sizes: tuple[int, ...]

    @property
    def p50(self) -> float:
        return float(np.percentile(self.times_ms, 50))

    @property
    def p95(self) -> float:
        return float(np.percentile(self.times_ms, 95))

    @property
    def bytes_mean(self) -> float:
        return float(np.mean(self.sizes))


def measure(call: Callable[[FilterState], bytes], changes: Sequence[FilterState], repeat: int) -> Measurement:
    """Call ``call`` for ``repeat`` filter changes cycling through ``changes`` (after one warm-up)."""
    call(changes[0])
    times, sizes = [], []
    for k in range(repeat):
        t0 = time.perf_counter()
        body = call(changes[k % len(changes)])
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(body))
    return Measurement(tuple(times), tuple(sizes))


# --------------------------------------------------------------------------- ours


def ours(data_dir: Path) -> tuple[Callable[[FilterState], bytes], int]:
    """The dashboard's filter callback; returns the caller and the bytes of the one-off points store."""
    from dashboard.app import create_app
    from dashboard.map.layout import map_components
    from dashboard.snapshot import snapshot_store

    app = create_app(data_dir)
    client = app.server.test_client()
    cb = find_callback(client, ids.VIEW_STORE, "data")
    snapshot = snapshot_store(app.server).current()
    store = next(c for c in map_components(snapshot, "de") if getattr(c, "id", None) == ids.MAP_POINTS)
    points_bytes = len(json.dumps(store.data, separators=(",", ":")).encode())

    def call(state: FilterState) -> bytes:
        filters = {k: v for k, v in state.to_dict().items() if k not in ("q", "lang")}
        values = {
            (ids.FILTER_STORE, "data"): filters,
            (ids.SEARCH, "value"): state.q,
            (ids.LIST_STORE, "data"): {"sort": "name", "limit": 50},
            (ids.UI_LANG, "data"): {"lang": "de", "dir": "ltr"},
            (ids.MAP_VERSION, "data"): snapshot.version,  # the page's points are current: only the mask comes
        }
        return post_callback(client, cb, values, f"{ids.FILTER_STORE}.data")

    return call, points_bytes


# --------------------------------------------------------------------------- peer


def peer(data_dir: Path) -> Callable[[FilterState], bytes]:
    """A straightforward Dash app: filter a GeoDataFrame, rebuild ``px.scatter_map`` per change."""
    import dash
    import geopandas as gpd
    import plotly.express as px
    from dash import Input, Output, dcc

    gdf = gpd.read_file(data_dir / OFFERS_FILE)
    gdf["search"] = (
        gdf["name"].fillna("") + " " + gdf["organization"].fillna("") + " " + gdf["description"].fillna("")
    ).map(fold)
    for col in ("languages", "target_groups"):  # GeoJSON arrays may come back as JSON text
        gdf[col] = gdf[col].map(lambda v: json.loads(v) if isinstance(v, str) else ([] if v is None else list(v)))
    app = dash.Dash(__name__, serve_locally=True)
    app.layout = dash.html.Div([dcc.Store(id="filters"), dcc.Graph(id="map")])

    @app.callback(Output("map", "figure"), Input("filters", "data"))
    def _update(data: dict[str, Any] | None) -> Any:
        data = data or {}
        sub = gdf
        if data.get("categories"):
            sub = sub[sub["category"].isin(data["categories"])]
        if data.get("languages"):
            sub = sub[sub["languages"].map(lambda v: bool(set(v) & set(data["languages"])))]
        if data.get("target_groups"):
            sub = sub[sub["target_groups"].map(lambda v: bool(set(v) & set(data["target_groups"])))]
        if data.get("districts"):
            sub = sub[sub["district_id"].isin(data["districts"])]
        if data.get("q"):
            sub = sub[sub["search"].str.contains(fold(data["q"]), regex=False)]
        if data.get("barrier_free"):
            sub = sub[sub["accessibility"] == "yes"]
        fig = px.scatter_map(
            sub,
            lat=sub.geometry.y,
            lon=sub.geometry.x,
            color="category",
            hover_name="name",
            hover_data={"organization": True, "district_name": True},
            map_style="white-bg",
            zoom=12,
        )
        return fig

    client = app.server.test_client()
    cb = find_callback(client, "map", "figure")

    def call(state: FilterState) -> bytes:
        return post_callback(client, cb, {("filters", "data"): state.to_dict()}, "filters.data")

    return call


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Row:
    n: int
    ours: Measurement
    peer: Measurement
    points_bytes: int

    @property
    def speedup(self) -> float:
        return self.peer.p50 / self.ours.p50

    @property
    def bytes_ratio(self) -> float:
        return self.ours.bytes_mean / self.peer.bytes_mean


def run_size(n: int, repeat: int, peer_repeat: int, workdir: Path) -> Row:
    """Build a synthetic dataset of ``n`` offers and measure both implementations on it."""
    data_dir = write_dataset(workdir / f"n{n}", n)
    changes = filter_changes([d["properties"]["id"] for d in district_features()])
    our_call, points_bytes = ours(data_dir)
    mine = measure(our_call, changes, repeat)
    theirs = measure(peer(data_dir), changes, peer_repeat)
    return Row(n, mine, theirs, points_bytes)


def _kb(b: float) -> str:
    return f"{b / 1024:,.1f} KB" if b < 1024 * 1024 else f"{b / 1024 / 1024:,.2f} MB"


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table of the measurements."""
    head = (
        "| offers | ours p50 | ours p95 | ours bytes/interaction | peer p50 | peer p95 | peer bytes/interaction "
        "| speed-up (p50) | bytes ours/peer | points sent once |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [
        f"| {r.n:,} | {r.ours.p50:.1f} ms | {r.ours.p95:.1f} ms | {_kb(r.ours.bytes_mean)} | {r.peer.p50:.1f} ms "
        f"| {r.peer.p95:.1f} ms | {_kb(r.peer.bytes_mean)} | {r.speedup:.1f}x | {r.bytes_ratio:.3f} | {_kb(r.points_bytes)} |"
        for r in rows
    ]
    return "\n".join([head, *lines])


def target_lines(rows: Sequence[Row]) -> list[str]:
    """One line per target: met or not, with the figure."""
    out = []
    by_n = {r.n: r for r in rows}
    if 10_000 in by_n:
        p95 = by_n[10_000].ours.p95
        ok = "met" if p95 < TARGETS_P95_10K_MS else "NOT met"
        out.append(f"target p95 at 10,000 < {TARGETS_P95_10K_MS:.0f} ms: {p95:.1f} ms ({ok})")
    if 100_000 in by_n:
        r = by_n[100_000]
        ok = "met" if r.speedup >= TARGET_SPEEDUP_100K else "NOT met"
        out.append(f"target >= {TARGET_SPEEDUP_100K:.0f}x faster at 100,000: {r.speedup:.1f}x ({ok})")
        ok = "met" if r.bytes_ratio <= TARGET_BYTES_RATIO_100K else "NOT met"
        out.append(f"target <= 1/10 of the peer's bytes at 100,000: {r.bytes_ratio:.3f} ({ok})")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated offer counts")
    parser.add_argument("--repeat", type=int, default=60, help="filter changes measured per size (ours)")
    parser.add_argument("--peer-repeat", type=int, default=24, help="filter changes measured per size (peer)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"--sizes must be comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stadtkarte-bench-") as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            rows.append(run_size(n, args.repeat, args.peer_repeat, Path(tmp)))
            print(f"measured {n:,} offers in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(format_table(rows))
    for line in target_lines(rows):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
