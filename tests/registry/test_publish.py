"""Publishing: the same files as ``stadtkarte build``, switched atomically, a failure keeps the old set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from etl.pipeline import build
from geodata.errors import ContractError
from geodata.snapshot import current_snapshot_dir, current_version
from registry import Register
from registry.importer import import_offers
from tests.support.registry import CONFIG, DISTRICTS, MESSY

SAME_BYTES = ("offers.geojson", "districts.geojson", "city.json")


def test_publish_is_byte_identical_to_build(empty_register: Register, tmp_path: Path, data_dir: Path) -> None:
    report = build(MESSY, DISTRICTS, CONFIG, tmp_path / "built", progress=False)
    import_offers(empty_register, MESSY, districts=DISTRICTS, apply=True)
    version = empty_register.publish(data_dir)
    folder = current_snapshot_dir(data_dir)
    assert folder is not None and folder.name == version == current_version(data_dir)
    built = current_snapshot_dir(tmp_path / "built")  # the build's folder (flat, or its snapshot)
    assert built is not None
    for name in SAME_BYTES:
        assert (folder / name).read_bytes() == (built / name).read_bytes(), name
    published = json.loads((folder / "build_report.json").read_text(encoding="utf-8"))
    assert published["rows_out"] == report.rows_out == empty_register.count_entries("published")
    assert (folder / "rejects.csv").read_bytes().decode("utf-8-sig").startswith("row;reason")


def test_same_content_same_version_and_changes_publish_a_new_one(register: Register, data_dir: Path) -> None:
    first = register.publish(data_dir)
    assert register.publish(data_dir) == first
    register.archive("a2", "clerk@stadt.de")
    second = register.publish(data_dir)
    assert second != first and current_version(data_dir) == second
    offers = json.loads((data_dir / "snapshots" / second / "offers.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in offers["features"]] == ["a1", "a3"]
    assert (data_dir / "snapshots" / first / "offers.geojson").is_file()  # readers of the old set keep it


def test_failed_publish_keeps_the_previous_snapshot(register: Register, data_dir: Path) -> None:
    good = register.publish(data_dir)
    before = {p.name: p.read_bytes() for p in (data_dir / "snapshots" / good).iterdir()}
    with register.engine.begin() as conn:  # an entry that breaks the contract: writing the set fails half-way
        conn.execute(text("UPDATE entries SET lat = 123.0 WHERE id = 'a3'"))
    with pytest.raises(ContractError):
        register.publish(data_dir)
    assert current_version(data_dir) == good
    assert {p.name: p.read_bytes() for p in (data_dir / "snapshots" / good).iterdir()} == before
    assert [p.name for p in (data_dir / "snapshots").iterdir()] == [good]  # no half-written folder left
    assert register.audit(limit=1)[0].action == "publish" and good in register.audit(limit=1)[0].note
