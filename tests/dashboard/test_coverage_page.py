"""Coverage page adapters and the CSV export, without a browser.

Dataset (``coverage_data_dir``): the browser tests' tiny Ludwigsburg dataset (Mitte and
Oßweil, two squares of 0.035° x 0.025°, offers o1-o5) with populations 3000 (Mitte)
and 1000 (Oßweil), spread over the district areas on a 100 m lattice.

Offers: Mitte o1 language_cafe, o2 counselling, o5 sports -> 3 offers;
Oßweil o3 counselling, o4 language_course -> 2 offers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import metrics as m
from dashboard.components import coverage_view as cv
from dashboard.coverage_api import (
    COVERAGE_KEY,
    PageParams,
    csv_text,
    focus_from_click,
    notes_document,
    page_params,
    render,
    update_page,
)
from dashboard.filters import FilterState, filter_mask, parse_query
from dashboard.population import METHOD_AREA
from geodata.io import DISTRICTS_FILE
from tests.browser.conftest import write_tiny_dataset

POPULATION = {"mitte": 3000, "ossweil": 1000}


def write_coverage_dataset(data_dir: Path) -> Path:
    """The tiny browser dataset with district populations (see module docstring)."""
    write_tiny_dataset(data_dir)
    path = data_dir / DISTRICTS_FILE
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        feature["properties"]["population"] = POPULATION[feature["properties"]["id"]]
    from geodata.io import write_districts

    write_districts(path, collection["features"])
    return data_dir


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from dashboard.app import create_app

    return create_app(write_coverage_dataset(tmp_path_factory.mktemp("coverage")))


@pytest.fixture(scope="module")
def ctx(app) -> cv.CoverageContext:
    return app.server.config[COVERAGE_KEY]


def state_for(ctx, query: str = "") -> FilterState:
    params = dict(p.split("=", 1) for p in query.lstrip("?").split("&") if p)
    return parse_query(params, ctx.dataset)[0]


def test_context_spreads_district_population(ctx):
    assert ctx.method == METHOD_AREA
    np.testing.assert_allclose(ctx.cells.residents_by_district(), [3000.0, 1000.0])


def test_per_1000_by_hand(ctx):
    table = cv.metric_table(ctx, np.ones(len(ctx.dataset), bool), "per_1000")
    got = dict(zip(table["district_id"], table["value"], strict=True))
    # Mitte 3 offers / 3000 residents * 1000 = 1.0; Oßweil 2 / 1000 * 1000 = 2.0; city 5 / 4000 * 1000 = 1.25
    assert got == pytest.approx({"mitte": 1.0, "ossweil": 2.0, m.CITY: 1.25})
    assert list(cv.ranked(table)["district_id"]) == ["ossweil", "mitte"]


def test_metric_table_follows_the_filter_and_the_metric_functions(ctx):
    mask = filter_mask(ctx.dataset, state_for(ctx, "category=counselling"))
    assert mask.sum() == 2  # o2 (Mitte), o3 (Oßweil)
    per = cv.metric_table(ctx, mask, "per_1000")
    assert dict(zip(per["district_id"], per["offers"], strict=True)) == {"mitte": 1, "ossweil": 1, m.CITY: 2}
    offers = ctx.offers
    for metric, threshold in (("within_500", 500.0), ("within_1000", 1000.0)):
        table = cv.metric_table(ctx, mask, metric)
        ref = m.distance_coverage(
            offers, cv.districts_frame(list(ctx.dataset.districts)), ctx.cells, (threshold,), mask
        )
        np.testing.assert_allclose(table["value"].to_numpy(), ref["share"].to_numpy() * 100)
    e2 = cv.metric_table(ctx, mask, "e2sfca")
    ref = m.e2sfca_by_district(
        offers, cv.districts_frame(list(ctx.dataset.districts)), ctx.cells, cv.CATCHMENT, mask=mask
    )
    np.testing.assert_allclose(e2["value"].to_numpy(), ref["access_per_1000"].to_numpy())


def test_unknown_metric_names_the_choices(ctx):
    with pytest.raises(m.MetricError, match="per_1000"):
        cv.metric_table(ctx, np.ones(len(ctx.dataset), bool), "nonsense")


def test_page_params_drop_bad_values(ctx):
    p = page_params({"metric": "bogus", "district_focus": "nowhere", "mode": "x", "compare": "mitte"}, ctx.district_ids)
    assert p == PageParams()
    p = page_params(
        {"metric": "e2sfca", "district_focus": "ossweil", "mode": "workshop", "compare": "mitte,ossweil"},
        ctx.district_ids,
    )
    assert p == PageParams("e2sfca", "ossweil", "workshop", ("mitte", "ossweil"))


def test_render_marks_focus_and_builds_the_query(ctx):
    out = render(
        ctx, state_for(ctx, "category=counselling"), PageParams("within_500", "mitte", "workshop", ("mitte", "ossweil"))
    )
    assert out["focus"] == "mitte"
    assert (
        out["query"]
        == "?category=counselling&metric=within_500&district_focus=mitte&mode=workshop&compare=mitte,ossweil"
    )
    assert out["csv_href"] == "/api/coverage.csv?category=counselling"
    bars = out["figures"]["bars"]["data"][0]
    assert "▶ Mitte" in list(bars["y"])  # focus marked by a symbol, not only by colour
    assert out["compare"], "compare=a,b renders the side-by-side comparison"


def test_render_heat_marks_white_spots(ctx):
    from dashboard.coverage_api import render_heat

    figure, table = render_heat(ctx, state_for(ctx, "category=counselling"))
    text = figure["data"][0]["text"]
    counselling = figure["data"][0]["x"].index("Beratung")
    assert [row[counselling] for row in text] == ["1", "1"]  # o2 Mitte, o3 Oßweil
    assert all(row[i] == "–" for row in text for i in range(len(row)) if i != counselling)
    assert "– = kein Angebot" in as_text(table)


def test_step_district_wraps_in_ranking_order():
    order = ["b", "a", "c"]
    assert cv.step_district(order, None, 1) == "b"
    assert cv.step_district(order, "a", 1) == "c"
    assert cv.step_district(order, "c", 1) == "b"
    assert cv.step_district(order, "b", -1) == "c"


def test_focus_from_click():
    assert focus_from_click({"points": [{"location": "mitte"}]}) == "mitte"
    assert focus_from_click({"points": [{"customdata": "ossweil", "y": "Oßweil"}]}) == "ossweil"
    assert focus_from_click(None) is None


def test_district_profile_by_hand(ctx):
    profile = cv.district_profile(ctx, np.ones(len(ctx.dataset), bool), "ossweil")
    assert profile.offers == 2 and profile.residents == pytest.approx(1000.0)
    assert profile.rank == 1 and profile.ranked_of == 2
    counts = dict(profile.by_category)
    assert counts["counselling"] == 1 and counts["language_course"] == 1
    assert "sports" in profile.white_spots and "counselling" not in profile.white_spots
    assert dict(profile.languages) == {"uk": 1, "de": 1}


def test_csv_rows_match_the_metric_functions(ctx):
    text = csv_text(ctx, {"category": ["counselling"]})
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 3 * len(cv.METRIC_IDS)  # (2 districts + city) x metrics
    mask = filter_mask(ctx.dataset, state_for(ctx, "category=counselling"))
    for metric in cv.METRIC_IDS:
        table = cv.metric_table(ctx, mask, metric)
        for rec in table.itertuples(index=False):
            row = next(r for r in rows if r["metric"] == metric and r["district_id"] == rec.district_id)
            assert float(row["value"]) == pytest.approx(rec.value, abs=1e-4)
            assert row["method"] == rec.method and int(row["offers"]) == rec.offers


def test_csv_route_uses_the_page_parameters(app):
    client = app.server.test_client()
    response = client.get("/api/coverage.csv?district=ossweil&lang=tr")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    per = {r["district_id"]: r for r in rows if r["metric"] == "per_1000"}
    assert per["mitte"]["offers"] == "0" and per["ossweil"]["offers"] == "2"
    assert per["ossweil"]["method"] == METHOD_AREA


def test_update_page_adapter_outputs(ctx):
    values = update_page(
        ctx,
        {"categories": ["counselling"]},
        "",
        "per_1000",
        "ossweil",
        {"mode": "workshop", "compare": []},
        {"lang": "de"},
    )
    from dashboard.coverage_api import PAGE_OUTPUTS

    assert len(values) == len(PAGE_OUTPUTS)
    by_id = {f"{o.component_id}.{o.component_property}": v for o, v in zip(PAGE_OUTPUTS, values, strict=True)}
    assert by_id["cov-focus-panel.data-district"] == "ossweil"
    assert by_id["cov-order.data-order"].split() in (["mitte", "ossweil"], ["ossweil", "mitte"])
    assert by_id["query-store.data"] == "?category=counselling&district_focus=ossweil&mode=workshop"
    # the PNG download of each chart is named after the metric shown
    assert (
        by_id["cov-bars.config"]["toImageButtonOptions"]["filename"]
        == "stadtkarte-angebote-je-1000-einwohner-rangfolge"
    )


def test_notes_document_holds_notes_and_figures(ctx):
    text = notes_document(ctx, FilterState(), PageParams(), "Sprachkurs in Oßweil fehlt")
    assert "Sprachkurs in Oßweil fehlt" in text
    assert "| 1 | Oßweil | 2.0 | 2 |" in text and "Einwohner verteilt auf Stadtteilfläche (Näherung)" in text


def as_text(component) -> str:
    """All props of a component tree as JSON text (non-ASCII kept)."""
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_pages_render_for_a_url(app):
    client = app.server.test_client()
    for url in (
        "/coverage?district_focus=mitte&metric=within_1000",
        "/profile?district=ossweil",
        "/profile?district=zzz",
    ):
        assert client.get(url).status_code == 200
    import dash

    pages = {p["path"]: p for p in dash.page_registry.values()}
    with app.server.test_request_context("/coverage"):
        layout = pages["/coverage"]["layout"](district_focus="mitte", compare="mitte,ossweil", mode="workshop")
        text = as_text(layout)
        assert "cov-focus-panel" in text and "Vergleich" in text
        profile = pages["/profile"]["layout"](district="ossweil")
        text = as_text(profile)
        assert "Oßweil" in text and "Українська" in text
        assert "Einwohner verteilt auf Stadtteilfläche (Näherung)" in text


def test_background_precompute_equals_lazy_results(ctx):
    mask = filter_mask(ctx.dataset, state_for(ctx, "language=uk"))
    before = ctx.model.distances(mask).copy()
    ctx.model.warm((cv.CATCHMENT,))
    ctx.model._cache.clear()
    np.testing.assert_array_equal(ctx.model.distances(mask), before)


def test_model_table_is_the_dashboard_district_order(ctx):
    assert tuple(ctx.model.table["district_id"]) == ctx.dataset.district_ids
    assert isinstance(ctx.model.table, pd.DataFrame)


def test_workshop_mode_enlarges_every_chart_and_keeps_labels_inside(ctx):
    from dashboard import coverage_figures as cf
    from dashboard.coverage_api import render_curve, render_heat

    state = state_for(ctx)
    for render_one in (render_heat, render_curve):
        normal, _table = render_one(ctx, state)
        big, _table = render_one(ctx, state, workshop=True)
        assert normal["layout"]["font"]["size"] == cf.FONT["size"]
        assert big["layout"]["font"]["size"] == cf.WORKSHOP_FONT_SIZE > cf.FONT["size"]
        assert big["layout"]["height"] > normal["layout"]["height"]
    heat, _table = render_heat(ctx, state)
    curve, _table = render_curve(ctx, state)
    # axis labels get their room from Plotly's automargin (they were clipped in workshop mode)
    assert heat["layout"]["xaxis"]["automargin"] and curve["layout"]["yaxis"]["automargin"]
    out = render(ctx, state, PageParams(mode="workshop"))
    assert out["figures"]["bars"]["layout"]["font"]["size"] == cf.WORKSHOP_FONT_SIZE
