"""Coverage metrics on a 3-district toy city where every number is worked out on paper.

Toy city (EPSG:25832, coordinates relative to the origin X0, Y0; all squares 1 km x 1 km):

    A = [0, 1000] x [0, 1000]     population 1000
    B = [1000, 2000] x [0, 1000]  population 2000
    C = [2000, 3000] x [0, 1000]  population unknown (None)

Population spread with a 500 m lattice: each district gets the four cells at
(250|750, 250|750) + its x offset; A's cells carry 1000 / 4 = 250 residents, B's 2000 / 4 = 500,
C gets no cells.

    a1 (250, 250)   a2 (750, 250)   a3 (250, 750)   a4 (750, 750)      250 residents each
    b1 (1250, 250)  b2 (1750, 250)  b3 (1250, 750)  b4 (1750, 750)     500 residents each

Offers:
    o1 A counselling       [de, ar] [women]     (300, 250)
    o2 A language_course   [de]     [all]       (750, 750)
    o3 B counselling       [de, tr] [families]  (1900, 900)
    o4 -  counselling      [de]     [all]       (-300, 250)   outside every district
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis as m
from analysis import METHOD_AREA, METHOD_NONE, PopulationCells


def row(table: pd.DataFrame, **keys) -> pd.Series:
    sel = np.ones(len(table), dtype=bool)
    for k, v in keys.items():
        sel &= table[k].to_numpy() == v
    assert sel.sum() == 1, f"expected one row for {keys}, got {sel.sum()}"
    return table.loc[sel].iloc[0]


# ---------------------------------------------------------------- counts and white spots


def test_spread_cells_are_the_hand_lattice(cells, origin):
    X0, Y0 = origin
    assert len(cells) == 8 and cells.method == METHOD_AREA
    # A: 1000 / 4 = 250 per cell, B: 2000 / 4 = 500 per cell, C: no population -> no cells
    np.testing.assert_allclose(cells.residents_by_district(), [1000.0, 2000.0, 0.0])
    a_cells = sorted(zip(cells.x[cells.district == 0] - X0, cells.y[cells.district == 0] - Y0, strict=True))
    assert a_cells == [(250, 250), (250, 750), (750, 250), (750, 750)]
    assert set(cells.population[cells.district == 1]) == {500.0}


def test_offers_by_category_with_white_spots(offers, districts):
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


def test_offers_by_target_group_respects_mask(offers, districts):
    mask = np.array([True, False, True, True])  # the filter hides o2
    counts = m.offers_by_district(offers, districts, "target_groups", mask=mask, groups=("all", "women"))
    assert row(counts, district_id="A", group="women")["offers"] == 1  # o1
    assert row(counts, district_id="A", group="all")["offers"] == 0  # o2 hidden, o4 outside


def test_unknown_dimension_names_the_choices(offers, districts):
    with pytest.raises(m.MetricError, match="category, languages, target_groups"):
        m.offers_by_district(offers, districts, "colour")


def test_offers_per_1000(offers, districts):
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


# ---------------------------------------------------------------- distance coverage


def test_distance_coverage_by_hand(offers, districts, cells):
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


def test_offer_outside_every_district_serves_residents(offers, districts, cells):
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


def test_no_offers_at_all(offers, districts, cells):
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


def test_one_offer(offers, districts, cells):
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


# ---------------------------------------------------------------- E2SFCA


def test_catchment_weights():
    step = m.Catchment(900.0, "step")
    # zones <= 300: 1.00, <= 600: 0.68, <= 900: 0.22, beyond 0 (Luo & Qi 2009)
    np.testing.assert_allclose(step.weight([0, 300, 301, 600, 601, 900, 901]), [1, 1, 0.68, 0.68, 0.22, 0.22, 0])
    gauss = m.Catchment(1000.0, "gaussian")  # sigma = 500 m
    np.testing.assert_allclose(gauss.weight([0, 500, 1000, 1001]), [1, math.exp(-0.5), math.exp(-2), 0])
    with pytest.raises(m.MetricError, match="gaussian, step, none"):
        m.Catchment(1000.0, "linear")


def test_e2sfca_by_hand(offers, districts, cells, origin):
    X0, Y0 = origin
    # catchment 600 m, no decay (w = 1). Stage 1, residents within 600 m of each offer:
    #   o1 (300,250): a1 50, a2 450, a3 502.5 -> D1 = 750;   o2 (750,750): a2, a3, a4, b3 -> D2 = 1250
    #   o3 (1900,900): b4 212 -> D3 = 500;                    o4 (-300,250): a1 550 -> D4 = 250
    # Stage 2, A_i = sum of R_j = 1 / D_j over offers within 600 m:
    #   a1 1/750 + 1/250 = 0.0053333; a2 = a3 = 1/750 + 1/1250 = 0.0021333; a4 1/1250 = 0.0008
    #   b1 = b2 = 0; b3 1/1250 = 0.0008; b4 1/500 = 0.002
    catchment = m.Catchment(600.0, "none")
    per_cell = m.e2sfca_cells(cells, m.offer_xy(offers), catchment)
    expected = {
        (250, 250): 1 / 750 + 1 / 250, (750, 250): 1 / 750 + 1 / 1250, (250, 750): 1 / 750 + 1 / 1250,
        (750, 750): 1 / 1250, (1250, 250): 0.0, (1750, 250): 0.0, (1250, 750): 1 / 1250, (1750, 750): 1 / 500,
    }  # fmt: skip
    got = {(round(x - X0), round(y - Y0)): a for x, y, a in zip(cells.x, cells.y, per_cell, strict=True)}
    assert got == pytest.approx(expected)
    table = m.e2sfca_by_district(offers, districts, cells, catchment)
    # A: (0.0053333 + 2 * 0.0021333 + 0.0008) / 4 = 0.0026 -> 2.6 per 1000; B: (0.0008 + 0.002) / 4 -> 0.7
    assert row(table, district_id="A")["access_per_1000"] == pytest.approx(2.6)
    assert row(table, district_id="B")["access_per_1000"] == pytest.approx(0.7)
    # the index conserves supply: sum_i P_i A_i = 4 offers -> 4 / 3000 * 1000 for the city
    assert row(table, district_id=m.CITY)["access_per_1000"] == pytest.approx(4 / 3)
    assert math.isnan(row(table, district_id="C")["access_per_1000"])


def test_e2sfca_matches_pysal_access():
    access = pytest.importorskip("access")
    rng = np.random.default_rng(42)
    cell_xy = rng.uniform(0, 3000, (40, 2))
    pop = rng.integers(10, 500, 40).astype(float)
    offer_pos = cell_xy[rng.choice(40, 9, replace=False)] + rng.uniform(-100, 100, (9, 2))
    capacity = rng.integers(1, 4, 9).astype(float)
    cells = PopulationCells(cell_xy[:, 0], cell_xy[:, 1], pop, np.zeros(40, dtype=np.int32), ("d",), METHOD_AREA, "t")
    demand = pd.DataFrame({"pop": pop}, index=pd.Index([f"c{i}" for i in range(40)], name="geoid"))
    supply = pd.DataFrame({"cap": capacity}, index=pd.Index([f"s{j}" for j in range(9)], name="geoid"))
    diff = cell_xy[:, None, :] - offer_pos[None, :, :]
    cost = pd.DataFrame(
        {
            "origin": np.repeat(demand.index, 9),
            "dest": np.tile(supply.index, 40),
            "cost": np.hypot(diff[..., 0], diff[..., 1]).ravel(),
        }
    )
    for catchment, fn in [
        (m.Catchment(1000.0, "gaussian"), access.weights.gaussian(500.0)),
        (m.Catchment(900.0, "step"), access.weights.step_fn({300.0: 1.0, 600.0: 0.68, 900.0: 0.22})),
    ]:
        ours = m.e2sfca_cells(cells, offer_pos, catchment, capacity=capacity)
        model = access.Access(
            demand_df=demand, demand_value="pop", supply_df=supply, supply_value="cap",
            cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost",
        )  # fmt: skip
        theirs = model.enhanced_two_stage_fca(name="e", max_cost=catchment.radius_m, weight_fn=fn)["e_cap"]
        np.testing.assert_allclose(ours, theirs.reindex(demand.index).fillna(0.0).to_numpy(), rtol=1e-9)
        assert ours.max() > 0 and (ours == 0).sum() < 40  # a real, non-trivial comparison


def test_district_e2sfca_is_weighted_mean_of_cells(offers, districts, cells):
    catchment = m.Catchment(1000.0, "gaussian")
    per_cell = m.e2sfca_cells(cells, m.offer_xy(offers), catchment)
    table = m.e2sfca_by_district(offers, districts, cells, catchment)
    for k, d in enumerate(["A", "B"]):
        sel = cells.district == k
        expected = np.average(per_cell[sel], weights=cells.population[sel]) * 1000
        assert row(table, district_id=d)["access_per_1000"] == pytest.approx(expected)


# ---------------------------------------------------------------- inequality


def test_gini_and_lorenz_by_hand(offers, districts):
    per = m.offers_per_1000(offers, districts)
    gini, lorenz = m.inequality(per)
    # C has no residents and is left out. Rates: B 1/2000 < A 2/1000, so B first:
    # x = 0, 2000/3000, 1; y = 0, 1/3, 1; G = 1 - (2/3 * (1/3 + 0) + 1/3 * (1 + 1/3)) = 1 - 6/9 = 1/3
    assert gini == pytest.approx(1 / 3)
    np.testing.assert_allclose(lorenz["residents_share"], [0, 2 / 3, 1])
    np.testing.assert_allclose(lorenz["offers_share"], [0, 1 / 3, 1])


def test_gini_is_zero_when_equal_per_head():
    assert m.gini(np.array([1.0, 2.0, 4.0]), np.array([100.0, 200.0, 400.0])) == pytest.approx(0.0)
