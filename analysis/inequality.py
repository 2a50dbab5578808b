"""Inequality of offers per resident across districts: Lorenz curve and Gini coefficient."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.inputs import CITY


def lorenz_curve(offers: np.ndarray, residents: np.ndarray) -> pd.DataFrame:
    """Lorenz curve of offers over residents across districts.

    Districts (those with residents) are sorted by offers per resident, ascending; the curve
    runs from (0, 0) through the cumulative shares of residents (x) and offers (y) to (1, 1).
    Columns ``residents_share, offers_share``; empty when there are no residents or no offers.
    """
    offers, residents = np.asarray(offers, float), np.asarray(residents, float)
    keep = np.isfinite(residents) & (residents > 0)
    o, p = offers[keep], residents[keep]
    if not len(p) or o.sum() <= 0:
        return pd.DataFrame({"residents_share": [], "offers_share": []})
    order = np.argsort(o / p, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(p[order]) / p.sum()])
    y = np.concatenate([[0.0], np.cumsum(o[order]) / o.sum()])
    return pd.DataFrame({"residents_share": x, "offers_share": y})


def gini(offers: np.ndarray, residents: np.ndarray) -> float:
    """Gini coefficient of offers per resident across districts, residents-weighted.

    ``1 - sum_k (x_k - x_{k-1}) (y_k + y_{k-1})`` over the :func:`lorenz_curve`: 0 when every
    resident has the same number of offers per head in their district, towards 1 when all
    offers sit in a district with few residents. NaN without residents or without offers.
    """
    curve = lorenz_curve(offers, residents)
    if curve.empty:
        return float("nan")
    x, y = curve["residents_share"].to_numpy(), curve["offers_share"].to_numpy()
    return float(1.0 - np.sum(np.diff(x) * (y[1:] + y[:-1])))


def inequality(per_1000: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Gini and Lorenz curve from an :func:`offers_per_1000` table (city row ignored)."""
    rows = per_1000.loc[per_1000["district_id"] != CITY]
    offers, residents = rows["offers"].to_numpy(float), rows["residents"].to_numpy(float)
    return gini(offers, residents), lorenz_curve(offers, residents)
