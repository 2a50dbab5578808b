"""geodata.snapshot: publish atomically, resolve the current set, prune, legacy flat folders."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from geodata.snapshot import (
    CURRENT_FILE,
    SNAPSHOTS_DIR,
    SnapshotError,
    content_version,
    current_snapshot_dir,
    current_version,
    publish_snapshot,
)


def _writer(files: dict[str, str]):
    def fill(folder: Path) -> None:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")

    return fill


def test_nothing_published(tmp_path: Path) -> None:
    assert current_version(tmp_path) is None
    assert current_snapshot_dir(tmp_path) is None


def test_publish_makes_the_set_current(tmp_path: Path) -> None:
    version = publish_snapshot(tmp_path, _writer({"offers.geojson": "A", "city.json": "{}"}))
    assert current_version(tmp_path) == version
    folder = current_snapshot_dir(tmp_path)
    assert folder == tmp_path / SNAPSHOTS_DIR / version
    assert (folder / "offers.geojson").read_text() == "A"
    assert version == content_version(folder)


def test_same_content_same_version_and_new_content_switches(tmp_path: Path) -> None:
    v1 = publish_snapshot(tmp_path, _writer({"offers.geojson": "A"}))
    v2 = publish_snapshot(tmp_path, _writer({"offers.geojson": "B"}))
    assert v1 != v2
    assert current_version(tmp_path) == v2
    assert publish_snapshot(tmp_path, _writer({"offers.geojson": "A"})) == v1
    assert current_version(tmp_path) == v1
    # an old reader's folder stays readable after the switch
    assert (tmp_path / SNAPSHOTS_DIR / v2 / "offers.geojson").read_text() == "B"


def test_failed_fill_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    v1 = publish_snapshot(tmp_path, _writer({"offers.geojson": "A"}))

    def broken(folder: Path) -> None:
        (folder / "offers.geojson").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish_snapshot(tmp_path, broken)
    assert current_version(tmp_path) == v1
    assert [p.name for p in (tmp_path / SNAPSHOTS_DIR).iterdir()] == [v1]


def test_prune_keeps_newest_and_current(tmp_path: Path) -> None:
    versions = []
    for i in range(5):
        versions.append(publish_snapshot(tmp_path, _writer({"offers.geojson": str(i)}), keep=2))
        time.sleep(0.01)
    left = {p.name for p in (tmp_path / SNAPSHOTS_DIR).iterdir()}
    assert left == set(versions[-2:])


def test_legacy_flat_folder(tmp_path: Path) -> None:
    (tmp_path / "offers.geojson").write_text("A")
    version = current_version(tmp_path)
    assert version is not None and version.startswith("legacy-")
    assert current_snapshot_dir(tmp_path) == tmp_path
    os.utime(tmp_path / "offers.geojson", ns=(1, 1))
    assert current_version(tmp_path) != version


def test_broken_pointer_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / CURRENT_FILE).write_text("../../etc\n")
    with pytest.raises(SnapshotError, match="publish again"):
        current_version(tmp_path)
    (tmp_path / CURRENT_FILE).write_text("abcdef0123456789\n")
    with pytest.raises(SnapshotError, match="missing"):
        current_snapshot_dir(tmp_path)


def _publish_slowly(data_dir: str) -> None:
    def fill(folder: Path) -> None:
        (folder / "offers.geojson").write_text("NEW")
        time.sleep(30)

    publish_snapshot(data_dir, fill)


def test_kill_during_publish_leaves_the_old_set(tmp_path: Path) -> None:
    v1 = publish_snapshot(tmp_path, _writer({"offers.geojson": "OLD"}))
    proc = multiprocessing.get_context("spawn").Process(target=_publish_slowly, args=(str(tmp_path),))
    proc.start()
    deadline = time.monotonic() + 20
    while not list((tmp_path / SNAPSHOTS_DIR).glob(".new-*/offers.geojson")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert current_version(tmp_path) == v1
    assert (current_snapshot_dir(tmp_path) / "offers.geojson").read_text() == "OLD"
