"""E2SFCA accessibility: by hand, against PySAL's access package, district means (toy city, see conftest)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis as m
from analysis import METHOD_AREA, PopulationCells


def test_catchment_weights():
    step = m.Catchment(900.0, "step")
    # zones <= 300: 1.00, <= 600: 0.68, <= 900: 0.22, beyond 0 (Luo & Qi 2009)
    np.testing.assert_allclose(step.weight([0, 300, 301, 600, 601, 900, 901]), [1, 1, 0.68, 0.68, 0.22, 0.22, 0])
    gauss = m.Catchment(1000.0, "gaussian")  # sigma = 500 m
    np.testing.assert_allclose(gauss.weight([0, 500, 1000, 1001]), [1, math.exp(-0.5), math.exp(-2), 0])
    with pytest.raises(m.MetricError, match="gaussian, step, none"):
        m.Catchment(1000.0, "linear")


def test_e2sfca_by_hand(offers, districts, cells, origin, row):
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


def test_district_e2sfca_is_weighted_mean_of_cells(offers, districts, cells, row):
    catchment = m.Catchment(1000.0, "gaussian")
    per_cell = m.e2sfca_cells(cells, m.offer_xy(offers), catchment)
    table = m.e2sfca_by_district(offers, districts, cells, catchment)
    for k, d in enumerate(["A", "B"]):
        sel = cells.district == k
        expected = np.average(per_cell[sel], weights=cells.population[sel]) * 1000
        assert row(table, district_id=d)["access_per_1000"] == pytest.approx(expected)
