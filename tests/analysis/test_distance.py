"""Distance coverage, nearest distances and the distance curve (toy city, see conftest)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import analysis as m
from analysis import METHOD_AREA, METHOD_NONE


def test_distance_coverage_by_hand(offers, districts, cells, row):
    # nearest offer per cell (metres):
    #   a1 o1 50; a2 o1 450; a3 o2 500 (exactly: counts as within 500); a4 o2 0
    #   b1 o2 sqrt(500²+500²)=707.11; b2 o3 sqrt(150²+650²)=667.08; b3 o2 500; b4 o3 sqrt(150²+150²)=212.13
    table = m.distance_coverage(offers, districts, cells)
    a500, b500 = row(table, district_id="A", threshold_m=500.0), row(table, district_id="B", threshold_m=500.0)
    assert a500["share"] == pytest.approx(1.0)  # all four A cells <= 500 m
    assert b500["residents_within"] == pytest.approx(1000.0)  # b3 + b4, 500 residents each
    assert b500["share"] == pytest.approx(0.5)  # 1000 / 2000
    assert row(table, district_id="B", threshold_m=1000.0)["share"] == pytest.approx(1.0)
    # weighted (lower) median: A sorted 0, 50, 450, 500 with 250 each -> half (500) reached at 50
    assert a500["median_distance_m"] == pytest.approx(50.0)
    # B sorted 212.13, 500, 667.08, 707.11 with 500 each -> half (1000) reached at 500
    assert b500["median_distance_m"] == pytest.approx(500.0)
    city = row(table, district_id=m.CITY, threshold_m=500.0)
    assert city["share"] == pytest.approx(2000 / 3000)  # A 1000 + B 1000 of 3000
    assert city["median_distance_m"] == pytest.approx(500.0)  # cumulative 250,500,1000,1250,1500 -> 500
    c = row(table, district_id="C", threshold_m=500.0)
    assert c["residents"] == 0 and math.isnan(c["share"]) and c["method"] == METHOD_NONE
    assert a500["method"] == METHOD_AREA


def test_offer_outside_every_district_serves_residents(offers, districts, cells, row):
    only_o4 = np.array([False, False, False, True])
    # o4 at (-300, 250): a1 is 550 m away, a3 sqrt(550²+500²)=743.3, a2 1050, a4 sqrt(1050²+500²)=1163
    table = m.distance_coverage(offers, districts, cells, thresholds=(500, 1000), mask=only_o4)
    assert row(table, district_id="A", threshold_m=500.0)["share"] == 0.0
    assert row(table, district_id="A", threshold_m=1000.0)["share"] == pytest.approx(0.5)  # a1 + a3


def test_distance_curve_by_hand(offers, cells):
    dist = m.nearest_distances(cells.xy, m.offer_xy(offers))
    curve = m.distance_curve(cells, dist, step_m=100.0, max_m=1000.0).set_index("distance_m")["share"]
    assert curve[0.0] == pytest.approx(250 / 3000)  # a4 sits on o2
    assert curve[500.0] == pytest.approx(2000 / 3000)  # a1..a4 + b3 + b4
    assert curve[600.0] == pytest.approx(2000 / 3000)
    assert curve[700.0] == pytest.approx(2500 / 3000)  # + b2 (667.08)
    assert curve[800.0] == pytest.approx(1.0)  # + b1 (707.11)


def test_no_offers_at_all(offers, districts, cells, row):
    hidden = np.zeros(4, dtype=bool)
    per = m.offers_per_1000(offers, districts, mask=hidden)
    assert row(per, district_id="A")["per_1000"] == 0.0 and row(per, district_id=m.CITY)["offers"] == 0
    cov = m.distance_coverage(offers, districts, cells, mask=hidden)
    assert row(cov, district_id="A", threshold_m=1000.0)["share"] == 0.0
    assert math.isinf(row(cov, district_id="A", threshold_m=1000.0)["median_distance_m"])
    assert math.isnan(m.gini(per["offers"][:3].to_numpy(), per["residents"][:3].to_numpy()))
    acc = m.e2sfca_by_district(offers, districts, cells, m.Catchment(600, "none"), mask=hidden)
    assert row(acc, district_id="A")["access_per_1000"] == 0.0
    empty = offers.iloc[:0]
    assert m.offers_by_district(empty, districts)["offers"].sum() == 0
    assert np.isinf(m.nearest_distances(cells.xy, m.offer_xy(empty))).all()


def test_one_offer(offers, districts, cells, row):
    only_o2 = np.array([False, True, False, False])
    per = m.offers_per_1000(offers, districts, mask=only_o2)
    gini, lorenz = m.inequality(per)
    # rates: B 0/2000 < A 1/1000 -> x 0, 2/3, 1; y 0, 0, 1; G = 1 - (2/3 * 0 + 1/3 * 1) = 2/3
    assert gini == pytest.approx(2 / 3)
    np.testing.assert_allclose(lorenz["residents_share"], [0, 2 / 3, 1])
    np.testing.assert_allclose(lorenz["offers_share"], [0, 0, 1])
    cov = m.distance_coverage(offers, districts, cells, mask=only_o2)
    # o2 (750,750): a2, a3, a4 within 500 (500, 500, 0); a1 707 -> 750 of 1000; b3 500 -> 500 of 2000
    assert row(cov, district_id="A", threshold_m=500.0)["share"] == pytest.approx(0.75)
    assert row(cov, district_id="B", threshold_m=500.0)["share"] == pytest.approx(0.25)
