"""Gini and Lorenz curve of offers per resident (toy city, see conftest)."""

from __future__ import annotations

import numpy as np
import pytest

import analysis as m


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
