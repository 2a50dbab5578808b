"""Loading the build output once into filter-ready arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dashboard.data import load_dataset
from geodata.errors import ContractError, DatasetError


def test_arrays_follow_file_order(tiny_dataset):
    d = tiny_dataset
    assert list(d.offers["id"]) == ["o1", "o2", "o3", "o4", "o5", "o6"]
    assert d.categories.shape == (6, len(d.category_ids)) and d.categories.sum(axis=1).tolist() == [1] * 6
    assert d.languages[:, d.language_ids.index("ar")].tolist() == [True, False, False, True, False, False]
    assert d.targets[:, d.target_ids.index("women")].tolist() == [True, False, True, True, False, False]
    assert d.district_index.tolist() == [0, 1, 0, 1, 0, -1]
    assert d.barrier_free.tolist() == [True, False, True, False, False, False]
    assert d.approximate.tolist() == [False, False, False, True, False, False]
    assert d.search_text[0].startswith("sprachcafe mitte verein brucke")  # search_key: ü -> u
    assert d.language_ids[0] == "de"  # most offered language first
    assert d.is_demo and d.has_approximate_districts
    assert d.offers["phone"][1] is None  # missing text is None, not NaN
    assert np.isclose(d.offers["lon"][0], 9.191)


def test_missing_city_and_districts_are_tolerated(tiny_data_dir):
    (tiny_data_dir / "city.json").unlink()
    (tiny_data_dir / "districts.geojson").unlink()
    d = load_dataset(tiny_data_dir)
    assert len(d) == 6 and d.district_ids == () and (d.district_index == -1).all()


def test_missing_offers_names_the_fix(tmp_path):
    with pytest.raises(DatasetError, match="stadtkarte build"):
        load_dataset(tmp_path)


def test_broken_contract_is_refused(tiny_data_dir):
    path = tiny_data_dir / "offers.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["url"] = "javascript:alert(1)"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContractError, match="url"):
        load_dataset(tiny_data_dir)


def test_index_of(tiny_dataset):
    assert tiny_dataset.index_of("o4") == 3 and tiny_dataset.index_of("nope") is None
