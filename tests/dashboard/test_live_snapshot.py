"""Living data: two running server processes serve a newly published snapshot from their next request on.

Builds the embedded demo, publishes it as a snapshot, starts ``python -m dashboard`` twice
(two separate processes on two ports, as two WSGI workers would be) on the same data folder,
then publishes a changed offer list (one offer renamed, one added) and checks that both
processes answer ``/api/offers.geojson`` and the map page's filter callback
(``POST /_dash-update-component``, the JSON the browser sends) from the new version on the
very next request, without a restart, and say which version they answered from.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids
from dashboard.snapshot import VERSION_HEADER
from etl.pipeline import build
from geodata.datasets import get_path
from geodata.snapshot import current_snapshot_dir, current_version, publish_snapshot

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RENAMED = "Umbenanntes Angebot (Live-Test)"
ADDED = "Neues Angebot (Live-Test)"
STARTUP_S = 90.0


# --------------------------------------------------------------------------- data


def publish_build(data_dir: Path, build_dir: Path) -> str:
    """Publish the contract files of the build output ``build_dir`` as the current snapshot of ``data_dir``.

    Works with a flat build folder and with one that the build published as a snapshot itself.
    """
    source = current_snapshot_dir(build_dir)
    assert source is not None, f"{build_dir} holds no build output"

    def fill(folder: Path) -> None:
        for path in source.iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, folder / path.name)

    return publish_snapshot(data_dir, fill)


def changed_offer_list(target: Path) -> tuple[str, str]:
    """The demo's offer list with its first offer renamed and one offer added; returns (renamed id, added id)."""
    text = get_path("ludwigsburg/offers.csv").read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    rows = list(reader)
    rows[0]["Name"] = RENAMED
    added = {**rows[1], "ID": "LB-9999", "Name": ADDED}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, added])
    target.write_text(out.getvalue(), encoding="utf-8")
    return rows[0]["ID"], added["ID"]


# --------------------------------------------------------------------------- servers and requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, body: dict[str, Any] | None = None) -> tuple[dict[str, str], Any]:
    """GET (or POST ``body`` as JSON) ``url``; returns the headers and the decoded JSON body."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(response.headers), json.loads(response.read().decode("utf-8"))


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {process.stdout.read()[-2000:]!r}")  # type: ignore[union-attr]
        try:
            fetch(url + "/api/offers.geojson?q=zzzz-nothing")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {STARTUP_S} s")


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """The demo published into a data folder, served by two separate ``python -m dashboard`` processes."""
    data = tmp_path / "data"
    build(out_dir=data, progress=False)
    if (current_version(data) or "").startswith("legacy-"):  # a flat build folder: publish it as a snapshot
        publish_build(data, data)
    env = {**os.environ, "PYTHONPATH": str(REPO), "STADTKARTE_HOST": "127.0.0.1"}
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "dashboard", "--data", str(data), "--port", str(port)],
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_serving(url, process)
        yield data, urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def filter_callback(url: str) -> dict[str, Any]:
    """The map page's filter callback as ``/_dash-dependencies`` lists it."""
    _headers, deps = fetch(url + "/_dash-dependencies")
    for dep in deps:
        if f"{ids.VIEW_STORE}.data" in dep["output"]:
            return dict(dep)
    raise AssertionError("the filter callback is not registered")


def page_stores(url: str) -> dict[str, Any]:
    """The map page's stores as the browser gets them on load: Dash Pages renders "/" by its routing callback."""
    _headers, deps = fetch(url + "/_dash-dependencies")
    dep = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {("_pages_location", "pathname"): "/", ("_pages_location", "search"): ""}
    body = callback_body(dep, values, "_pages_location.pathname")
    _h, answer = fetch(url + "/_dash-update-component", body)
    return stores_in(answer)


def stores_in(tree: Any) -> dict[str, Any]:
    """``{id: data}`` of every ``dcc.Store`` in a component tree as JSON."""
    if isinstance(tree, list):
        return {k: v for node in tree for k, v in stores_in(node).items()}
    if not isinstance(tree, dict):
        return {}
    found: dict[str, Any] = {}
    props = tree.get("props")
    if tree.get("type") == "Store" and isinstance(props, dict):
        found[props.get("id")] = props.get("data")
    for value in tree.values():
        found.update(stores_in(value))
    return found


def callback_body(dep: dict[str, Any], values: dict[tuple[str, str], Any], changed: str) -> dict[str, Any]:
    """The JSON the Dash renderer posts for callback ``dep`` with input/state ``values``."""
    output = dep["output"]
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    return {
        "output": output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in dep["inputs"]],
        "state": [{**s, "value": values.get((s["id"], s["property"]))} for s in dep.get("state", [])],
        "changedPropIds": [changed],
    }


def search(url: str, q: str, page_version: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Type ``q`` into the search of a page whose points are of ``page_version``; returns headers and outputs."""
    values = {
        (ids.FILTER_STORE, "data"): {},
        (ids.SEARCH, "value"): q,
        (ids.LIST_STORE, "data"): {"sort": "name", "limit": 50},
        (ids.UI_LANG, "data"): {"lang": "de", "dir": "ltr"},
        (ids.MAP_VERSION, "data"): page_version,
    }
    headers, answer = fetch(
        url + "/_dash-update-component", callback_body(filter_callback(url), values, f"{ids.SEARCH}.value")
    )
    return headers, answer["response"]


def names_by_id(url: str) -> tuple[str, dict[str, str]]:
    headers, collection = fetch(url + "/api/offers.geojson")
    return headers[VERSION_HEADER], {f["properties"]["id"]: f["properties"]["name"] for f in collection["features"]}


def list_text(outputs: dict[str, Any]) -> str:
    return json.dumps(outputs[ids.OFFER_LIST]["children"], ensure_ascii=False)


# --------------------------------------------------------------------------- the test


def test_two_server_processes_serve_a_new_snapshot_from_the_next_request(
    servers: tuple[Path, list[str]], tmp_path: Path
) -> None:
    data, urls = servers
    first = current_version(data)
    assert first is not None and not first.startswith("legacy-")
    before: dict[str, dict[str, str]] = {}
    page_version: dict[str, str] = {}
    for url in urls:
        version, before[url] = names_by_id(url)
        assert version == first
        stores = page_stores(url)
        page_version[url] = stores[ids.MAP_VERSION]
        assert page_version[url] == first == stores[ids.MAP_POINTS]["version"]
        headers, outputs = search(url, "Live-Test", first)
        assert headers[VERSION_HEADER] == first and outputs[ids.RESULT_COUNT]["children"] == "0"
        assert ids.MAP_POINTS not in outputs  # the page's points are current: only the mask is sent
    assert before[urls[0]] == before[urls[1]]

    offers_csv = tmp_path / "offers-changed.csv"
    renamed_id, added_id = changed_offer_list(offers_csv)
    build(offers=offers_csv, out_dir=tmp_path / "rebuild", progress=False)
    second = publish_build(data, tmp_path / "rebuild")
    assert second != first

    for url in urls:  # the next request of each process, no restart
        version, after = names_by_id(url)
        assert version == second
        assert after[renamed_id] == RENAMED != before[url][renamed_id]
        assert after[added_id] == ADDED and added_id not in before[url]
        assert set(after) == set(before[url]) | {added_id}

        headers, outputs = search(url, "Live-Test", page_version[url])
        assert headers[VERSION_HEADER] == second
        assert outputs[ids.RESULT_COUNT]["children"] == "2"
        assert RENAMED in list_text(outputs) and ADDED in list_text(outputs)
        view = outputs[ids.VIEW_STORE]["data"]
        ref = outputs[ids.MAP_POINTS]["data"]  # the page's points were older: the new ones' URL comes along
        assert view["version"] == ref["version"] == outputs[ids.MAP_VERSION]["data"] == second
        with urllib.request.urlopen(url + ref["href"], timeout=30) as response:
            points = json.load(response)
        assert points["version"] == second and points["n"] == view["n"] == len(after)
        with urllib.request.urlopen(url + points["details"], timeout=30) as response:
            details = json.load(response)  # the offers' names and ids, for tooltips and clicks
        assert details["version"] == second and added_id in details["ids"]
