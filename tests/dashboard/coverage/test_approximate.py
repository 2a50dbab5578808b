"""Offers at approximate locations in the coverage figures (issue 12, item 2).

The dataset is the room's tiny Ludwigsburg (Mitte o1, o2, o5; Oßweil o3, o4) with o2 placed
approximately but named in Mitte (``district_source = named``) and o3 approximate at a
postcode that cannot tell the district (``district_source = none``) -- its file still
carries ``district_id = ossweil`` as an older build would, and must not count there.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import numpy as np
import pytest
from dash import html

from analysis import CITY
from dashboard.coverage import compute as cv
from dashboard.coverage import view
from dashboard.coverage.api import csv_text
from dashboard.data import build_dataset, read_city
from geodata.io import read_districts, read_offers
from geodata.taxonomy import load_taxonomy

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def approx_ctx() -> cv.CoverageContext:
    features = copy.deepcopy(read_offers(DATA / "offers.geojson"))
    for feature in features:
        props = feature["properties"]
        props["district_source"] = "location"
        props["location_approximate"] = False
        props["geocode_precision"] = "address"
        if props["id"] == "o2":
            props.update(geocode_precision="postcode", location_approximate=True, district_source="named")
        if props["id"] == "o3":
            props.update(geocode_precision="postcode", location_approximate=True, district_source="none")
    city = read_city(DATA)
    dataset = build_dataset(features, read_districts(DATA / "districts.geojson"), city, load_taxonomy())
    return cv.build_context(dataset, DATA)


def _t(msgid: str, **values: object) -> str:
    """The German catalogue's behaviour: the msgid with its values filled in."""
    return msgid.format(**values) if values else msgid


def _all(ctx: cv.CoverageContext) -> np.ndarray:
    return np.ones(len(ctx.dataset), dtype=bool)


def test_undecided_district_counts_only_in_the_city_total(approx_ctx):
    table = cv.metric_table(approx_ctx, _all(approx_ctx), "per_1000").set_index("district_id")
    assert table.loc["ossweil", "offers"] == 1  # o4 only: o3's postcode cannot tell the district
    assert table.loc["mitte", "offers"] == 3
    assert table.loc[CITY, "offers"] == 5
    assert table.loc["ossweil", "value"] == pytest.approx(1.0)  # 1 offer / 1000 residents


def test_figures_count_the_approximate_offers(approx_ctx):
    for metric in cv.METRIC_IDS:
        table = cv.metric_table(approx_ctx, _all(approx_ctx), metric).set_index("district_id")
        assert table.loc["mitte", "approximate"] == 1, metric
        assert table.loc["ossweil", "approximate"] == 0, metric
        assert table.loc[CITY, "approximate"] == 2, metric


def test_category_counts_and_profile_follow_the_same_rule(approx_ctx):
    counts = cv.category_counts(approx_ctx, _all(approx_ctx))
    ossweil = counts.loc[counts["district_id"] == "ossweil"].set_index("group")["offers"]
    assert ossweil["counselling"] == 0  # o3 is not in Oßweil's counts either
    profile = cv.district_profile(approx_ctx, _all(approx_ctx), "mitte")
    assert profile.offers == 3 and profile.approximate == 1
    assert cv.district_profile(approx_ctx, _all(approx_ctx), "ossweil").offers == 1


def test_csv_has_the_approximate_column(approx_ctx):
    rows = list(csv.DictReader(io.StringIO(csv_text(approx_ctx, {})[1:]), delimiter=";"))
    mitte = [r for r in rows if r["district_id"] == "mitte"]
    assert mitte and all(r["offers_approximate"] == "1" for r in mitte)
    assert all(r["offers_approximate"] == "2" for r in rows if r["district_id"] == CITY)


def _text(node: object) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return "".join(_text(n) for n in node)
    children = getattr(node, "children", None)
    return _text(children) if children is not None else ""


def test_table_profile_and_method_note_say_how_many_are_approximate(approx_ctx):
    table = cv.metric_table(approx_ctx, _all(approx_ctx), "per_1000")
    markup = _text(view.metric_table_html(table, "per_1000", None, approx_ctx.method, _t))
    assert "3 (davon 1 mit ungefährer Lage)" in markup
    assert "5 (davon 2 mit ungefährer Lage)" in markup
    profile = cv.district_profile(approx_ctx, _all(approx_ctx), "mitte")
    assert "davon 1 mit ungefährer Lage" in _text(view.profile_block(profile, approx_ctx, "de", _t))
    note = view.method_note(approx_ctx.method, _t)
    assert isinstance(note, html.P) and "nur in der Stadtsumme" in _text(note)


def test_counts_without_approximate_offers_stay_plain(approx_ctx):
    exact = ~approx_ctx.approximate
    table = cv.metric_table(approx_ctx, exact, "per_1000")
    assert "ungefähr" not in _text(view.metric_table_html(table, "per_1000", None, approx_ctx.method, _t))
