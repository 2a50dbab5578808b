"""The current snapshot: one per request, loaded once per version, derived structures cached per snapshot."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.app import create_app
from dashboard.snapshot import (
    KEEP_IN_MEMORY,
    VERSION_HEADER,
    NoSnapshotError,
    Snapshot,
    SnapshotStore,
    current_snapshot,
    init_snapshots,
    load_snapshot,
    snapshot_store,
)
from geodata.errors import DatasetError
from geodata.snapshot import CURRENT_FILE, SNAPSHOTS_DIR, publish_snapshot


def renamed(offers: list[dict[str, Any]], index: int, name: str) -> list[dict[str, Any]]:
    changed = [dict(o, properties=dict(o["properties"])) for o in offers]
    changed[index]["properties"]["name"] = name
    return changed


def test_derived_is_computed_once_per_snapshot_and_key_across_threads(tiny_snapshot: Snapshot) -> None:
    calls: list[str] = []
    barrier = threading.Barrier(8)

    def slow() -> str:
        calls.append("points")
        time.sleep(0.05)  # long enough for every thread to arrive while it computes
        return "value"

    def worker(results: list[str]) -> None:
        barrier.wait()
        results.append(tiny_snapshot.derived(("points",), slow))

    results: list[str] = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["value"] * 8 and calls == ["points"]
    assert tiny_snapshot.derived(("other",), lambda: 42) == 42  # another key is another value
    other = load_snapshot(tiny_snapshot.path, tiny_snapshot.version)
    assert other.derived(("points",), slow) == "value" and calls == ["points", "points"]  # per snapshot


def test_derived_may_use_other_keys_and_retries_after_an_error(tiny_snapshot: Snapshot) -> None:
    def fail() -> int:
        raise ValueError("broken")

    with pytest.raises(ValueError):
        tiny_snapshot.derived("k", fail)
    assert tiny_snapshot.derived("k", lambda: tiny_snapshot.derived("base", lambda: 1) + 1) == 2


def test_one_request_sees_one_snapshot_even_when_the_pointer_changes(
    tmp_path: Path, tiny_offers: list[dict[str, Any]], publish_tiny: Any
) -> None:
    data = tmp_path / "data"
    first = publish_tiny(data, tiny_offers)
    app = create_app(data)
    seen: list[tuple[str, str, str]] = []

    @app.server.get("/probe")
    def probe() -> str:
        before = current_snapshot()
        second = publish_tiny(data, renamed(tiny_offers, 0, "Umbenannt"))  # published mid-request
        after = current_snapshot()
        seen.append((before.version, after.version, second))
        return after.dataset.offers["name"].iloc[0]

    client = app.server.test_client()
    response = client.get("/probe")
    (before, after, second) = seen[0]
    assert before == after == first != second
    assert response.text == "Sprachcafé Mitte" and response.headers[VERSION_HEADER] == first
    geojson = client.get("/api/offers.geojson")  # the next request reads the new version
    assert geojson.headers[VERSION_HEADER] == second
    assert json.loads(geojson.data)["features"][0]["properties"]["name"] == "Umbenannt"


def test_a_new_version_is_loaded_once_while_other_requests_wait(tmp_path: Path, publish_tiny: Any) -> None:
    data = tmp_path / "data"
    first = publish_tiny(data)
    loads: list[str] = []

    def counting_loader(data_dir: Path, version: str) -> Snapshot:
        loads.append(version)
        time.sleep(0.05)
        return load_snapshot(data_dir, version)

    store = SnapshotStore(data, loader=counting_loader)
    assert store.current().version == first
    second = publish_tiny(data, [])
    barrier = threading.Barrier(6)
    versions: list[str] = []

    def worker() -> None:
        barrier.wait()
        versions.append(store.current().version)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert versions == [second] * 6  # nobody got the old one after the pointer moved
    assert loads == [first, second]


def test_only_the_newest_snapshots_stay_in_memory(
    tmp_path: Path, tiny_offers: list[dict[str, Any]], publish_tiny: Any
) -> None:
    data = tmp_path / "data"
    store = SnapshotStore(data)
    versions = []
    for k in range(KEEP_IN_MEMORY + 2):
        versions.append(publish_tiny(data, renamed(tiny_offers, 0, f"Name {k}")))
        assert store.current().dataset.offers["name"].iloc[0] == f"Name {k}"
    assert store.loaded_versions() == tuple(versions[-KEEP_IN_MEMORY:])


def test_a_broken_new_snapshot_keeps_the_last_good_one_served(
    tmp_path: Path, publish_tiny: Any, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    good = publish_tiny(data)
    client = create_app(data).server.test_client()
    assert client.get("/api/offers.geojson").headers[VERSION_HEADER] == good

    def broken(folder: Path) -> None:
        (folder / "offers.geojson").write_text("{not json", encoding="utf-8")

    bad = publish_snapshot(data, broken)
    for _ in range(2):  # tried once, then not again
        response = client.get("/api/offers.geojson")
        assert response.status_code == 200 and response.headers[VERSION_HEADER] == good
    assert sum(bad in r.getMessage() for r in caplog.records if r.levelname == "ERROR") == 1


def test_app_without_data_fails_fast_naming_the_fix(tmp_path: Path) -> None:
    with pytest.raises(NoSnapshotError, match="stadtkarte build") as caught:
        create_app(tmp_path)
    assert isinstance(caught.value, DatasetError)


def test_pointer_to_a_missing_snapshot_fails_fast(tmp_path: Path, publish_tiny: Any) -> None:
    data = tmp_path / "data"
    publish_tiny(data)
    assert not (data / SNAPSHOTS_DIR / "0123456789abcdef").exists()
    (data / CURRENT_FILE).write_text("0123456789abcdef\n", encoding="ascii")
    with pytest.raises(OSError, match="publish again"):
        create_app(data)


def test_current_snapshot_outside_a_request_is_the_current_one(tmp_path: Path, publish_tiny: Any) -> None:
    data = tmp_path / "data"
    publish_tiny(data)
    server = Flask(__name__)
    first = init_snapshots(server, data)
    with pytest.raises(RuntimeError, match="app_context"):
        current_snapshot()
    second = publish_tiny(data, [])
    with server.app_context():  # e.g. a warm-up thread
        assert current_snapshot().version == second != first.version
        assert snapshot_store().latest() is current_snapshot()


def test_map_page_carries_the_version_of_its_points(tmp_path: Path, publish_tiny: Any) -> None:
    import dash

    from dashboard import ids

    data = tmp_path / "data"
    publish_tiny(data)
    app = create_app(data)
    second = publish_tiny(data, [])
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    with app.server.test_request_context("/"):
        tree = page["layout"]()
    stores = {
        c.id: c.data
        for c in _walk(tree)
        if type(c).__name__ == "Store" and c.id in (ids.MAP_VERSION, ids.VIEW_STORE, ids.MAP_POINTS)
    }
    assert stores[ids.MAP_VERSION] == second == stores[ids.VIEW_STORE]["version"] == stores[ids.MAP_POINTS]["version"]
    points = app.server.test_client().get(stores[ids.MAP_POINTS]["href"])
    assert points.status_code == 200 and points.json["n"] == 0 and points.json["version"] == second


def _walk(component: Any) -> list[Any]:
    children = getattr(component, "children", None)
    found = [component]
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        found += _walk(child)
    return found
