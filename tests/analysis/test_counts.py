"""Counts by category / language / target group per district, white spots, offers per 1,000 (toy city, see conftest)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import analysis as m
from analysis import METHOD_AREA, METHOD_NONE


def test_spread_cells_are_the_hand_lattice(cells, origin):
    X0, Y0 = origin
    assert len(cells) == 8 and cells.method == METHOD_AREA
    # A: 1000 / 4 = 250 per cell, B: 2000 / 4 = 500 per cell, C: no population -> no cells
    np.testing.assert_allclose(cells.residents_by_district(), [1000.0, 2000.0, 0.0])
    a_cells = sorted(zip(cells.x[cells.district == 0] - X0, cells.y[cells.district == 0] - Y0, strict=True))
    assert a_cells == [(250, 250), (250, 750), (750, 250), (750, 750)]
    assert set(cells.population[cells.district == 1]) == {500.0}


def test_offers_by_category_with_white_spots(offers, districts, row):
    counts = m.offers_by_district(offers, districts, "category", groups=("counselling", "language_course"))
    # 3 districts x 2 categories = 6 rows; o4 lies outside every district and is not counted
    assert len(counts) == 6 and counts.attrs["outside"] == 1
    assert row(counts, district_id="A", group="counselling")["offers"] == 1  # o1
    assert row(counts, district_id="A", group="language_course")["offers"] == 1  # o2
    assert row(counts, district_id="B", group="counselling")["offers"] == 1  # o3
    spots = m.white_spots(counts)
    assert sorted(zip(spots["district_id"], spots["group"], strict=True)) == [
        ("B", "language_course"),
        ("C", "counselling"),
        ("C", "language_course"),
    ]


def test_offers_by_language_counts_each_language(offers, districts):
    counts = m.offers_by_district(offers, districts, "languages")
    # groups observed: ar, de, tr. A: o1 (de, ar) + o2 (de) -> ar 1, de 2, tr 0; B: o3 -> de 1, tr 1
    assert tuple(counts["group"].unique()) == ("ar", "de", "tr")
    got = {(d, g): n for d, g, n in zip(counts["district_id"], counts["group"], counts["offers"], strict=True)}
    assert got == {
        ("A", "ar"): 1, ("A", "de"): 2, ("A", "tr"): 0,
        ("B", "ar"): 0, ("B", "de"): 1, ("B", "tr"): 1,
        ("C", "ar"): 0, ("C", "de"): 0, ("C", "tr"): 0,
    }  # fmt: skip
    # white spots by language: A-tr, B-ar, C-ar, C-de, C-tr
    assert len(m.white_spots(counts)) == 5


def test_offers_by_target_group_respects_mask(offers, districts, row):
    mask = np.array([True, False, True, True])  # the filter hides o2
    counts = m.offers_by_district(offers, districts, "target_groups", mask=mask, groups=("all", "women"))
    assert row(counts, district_id="A", group="women")["offers"] == 1  # o1
    assert row(counts, district_id="A", group="all")["offers"] == 0  # o2 hidden, o4 outside


def test_unknown_dimension_names_the_choices(offers, districts):
    with pytest.raises(m.MetricError, match="category, languages, target_groups"):
        m.offers_by_district(offers, districts, "colour")


def test_offers_per_1000(offers, districts, row):
    table = m.offers_per_1000(offers, districts)
    assert row(table, district_id="A")["per_1000"] == pytest.approx(2.0)  # 2 offers / 1000 * 1000
    assert row(table, district_id="B")["per_1000"] == pytest.approx(0.5)  # 1 / 2000 * 1000
    c = row(table, district_id="C")
    assert c["offers"] == 0 and math.isnan(c["per_1000"]) and c["method"] == METHOD_NONE
    city = row(table, district_id=m.CITY)
    # city average over districts with residents: (2 + 1) / (1000 + 2000) * 1000 = 1.0
    assert city["offers"] == 3 and city["per_1000"] == pytest.approx(1.0)
    assert table.attrs["outside"] == 1
    assert row(table, district_id="A")["method"] == METHOD_AREA


def test_mask_shape_is_checked(offers, districts):
    with pytest.raises(m.MetricError, match=r"expected \(4,\)"):
        m.offers_per_1000(offers, districts, mask=np.array([True]))
