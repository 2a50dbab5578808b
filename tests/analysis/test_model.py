"""The precomputed coverage model equals the public measures; its private search is exact."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis as m
from analysis import METHOD_AREA, PopulationCells
from analysis._model import cell_blocks, nearest_by_blocks


def test_model_matches_the_pure_functions(offers, districts, cells):
    model = m.build_coverage_model(offers, districts, cells, k=2)
    rng = np.random.default_rng(1)
    for mask in [None, np.zeros(4, bool), *(rng.random(4) < 0.5 for _ in range(8))]:
        pd.testing.assert_frame_equal(model.per_1000(mask), m.offers_per_1000(offers, districts, mask, cells))
        pd.testing.assert_frame_equal(
            model.coverage(mask), m.distance_coverage(offers, districts, cells, mask=mask, max_distance_m=3000.0)
        )
        pure_curve = m.distance_curve(
            cells, m.nearest_distances(cells.xy, m.offer_xy(offers)[m.as_mask(mask, 4)], 3000)
        )
        pd.testing.assert_frame_equal(model.curve(mask), pure_curve)
        catchment = m.Catchment(800.0, "step")
        pd.testing.assert_frame_equal(
            model.accessibility(mask, catchment), m.e2sfca_by_district(offers, districts, cells, catchment, mask=mask)
        )


def test_model_distances_fall_back_when_candidates_hidden():
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 5000, (300, 2))
    cells = PopulationCells(xy[:, 0], xy[:, 1], np.ones(300), np.zeros(300, np.int32), ("d",), METHOD_AREA, "t")
    offers = pd.DataFrame(
        {
            "x": rng.uniform(0, 5000, 200),
            "y": rng.uniform(0, 5000, 200),
            "district_id": "d",
            "category": rng.choice(["a", "b", "c"], 200),
        }
    )
    districts = pd.DataFrame({"id": ["d"], "name": ["D"], "population": [300]})
    model = m.build_coverage_model(offers, districts, cells, k=3, max_distance_m=np.inf)
    category = offers["category"].to_numpy()
    masks = [rng.random(200) < share for share in (0.9, 0.2, 0.02)]
    masks += [category == "b", (category == "a") | (category == "c")]  # whole categories: precomputed path
    for mask in masks:
        expected = m.nearest_distances(cells.xy, m.offer_xy(offers)[mask])
        np.testing.assert_allclose(model.distances(mask), expected)
        capped = np.where(expected <= 400, expected, np.inf)
        np.testing.assert_allclose(model.distances(mask, max_distance_m=400), capped)


@pytest.mark.parametrize("size_m", [50.0, 300.0, 1000.0, 4000.0])
@pytest.mark.parametrize("n_points", [1, 3, 40, 400])
def test_nearest_by_blocks_is_exact(size_m, n_points):
    """Block-centre candidates give the same distances as a direct query, for any block size."""
    rng = np.random.default_rng(n_points)
    cell_xy = rng.uniform(0, 6000, (2000, 2))
    points = rng.uniform(0, 6000, (n_points, 2))
    blocks = cell_blocks(cell_xy, size_m)
    assert np.all(np.hypot(*(cell_xy - blocks.centre[blocks.block]).T) <= blocks.radius[blocks.block] + 1e-9)
    todo = np.flatnonzero(rng.random(2000) < 0.7)
    for cap in (np.inf, 800.0):
        got = nearest_by_blocks(cell_xy, todo, blocks, points, cap, k=4)
        np.testing.assert_allclose(got, m.nearest_distances(cell_xy[todo], points, cap))


def test_model_caches_recent_filter_states():
    cells_xy = np.random.default_rng(3).uniform(0, 3000, (500, 2))
    cells = PopulationCells(cells_xy[:, 0], cells_xy[:, 1], np.ones(500), np.zeros(500, np.int32), ("d",), "x", "t")
    offers = pd.DataFrame({"x": [100.0, 2000.0, 2900.0], "y": [100.0, 1500.0, 2900.0], "district_id": "d"})
    model = m.build_coverage_model(offers, pd.DataFrame({"id": ["d"], "name": ["D"]}), cells)
    first = model.distances(np.array([True, False, True]))
    assert model.distances(np.array([True, False, True])) is first  # from the cache
    assert model.distances(np.array([True, True, True])) is not first


def test_model_whole_groups_of_a_list_dimension():
    """An offer in two languages: selecting one language is a whole group even though its offers have others."""
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 4000, (400, 2))
    cells = PopulationCells(xy[:, 0], xy[:, 1], np.ones(400), np.zeros(400, np.int32), ("d",), METHOD_AREA, "t")
    langs = [list(rng.choice(["de", "ar", "tr"], rng.integers(1, 3), replace=False)) for _ in range(60)]
    offers = pd.DataFrame(
        {
            "x": rng.uniform(0, 4000, 60),
            "y": rng.uniform(0, 4000, 60),
            "district_id": "d",
            "category": rng.choice(["a", "b"], 60),
            "languages": langs,
        }
    )
    model = m.build_coverage_model(offers, pd.DataFrame({"id": ["d"], "name": ["D"]}), cells, max_distance_m=np.inf)
    arabic = np.array(["ar" in v for v in langs])
    assert model.whole_groups(arabic) is not None and model.whole_groups(arabic)[0] == "languages"
    assert model.whole_groups(arabic & (offers["category"] == "a").to_numpy()) is None
    for mask in (arabic, np.ones(60, bool), arabic & (offers["category"] == "a").to_numpy()):
        np.testing.assert_allclose(model.distances(mask), m.nearest_distances(cells.xy, m.offer_xy(offers)[mask]))
