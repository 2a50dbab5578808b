"""Pure data of the coverage pages: metric tables, ranking, profiles, page state, CSV rows (no markup)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

import analysis as m
from analysis import METHOD_AREA
from dashboard.coverage import compute as cv
from dashboard.coverage.api import csv_text
from dashboard.filters import filter_mask


def test_context_spreads_district_population(ctx):
    assert ctx.method == METHOD_AREA
    np.testing.assert_allclose(ctx.cells.residents_by_district(), [3000.0, 1000.0])


def test_model_table_is_the_dashboard_district_order(ctx):
    assert tuple(ctx.model.table["district_id"]) == ctx.dataset.district_ids == ("mitte", "ossweil")


def test_per_1000_by_hand(ctx):
    table = cv.metric_table(ctx, np.ones(len(ctx.dataset), bool), "per_1000")
    got = dict(zip(table["district_id"], table["value"], strict=True))
    # Mitte 3 offers / 3000 residents * 1000 = 1.0; Oßweil 2 / 1000 * 1000 = 2.0; city 5 / 4000 * 1000 = 1.25
    assert got == pytest.approx({"mitte": 1.0, "ossweil": 2.0, m.CITY: 1.25})
    assert list(cv.ranked(table)["district_id"]) == ["ossweil", "mitte"]


def test_metric_table_follows_the_filter_and_the_measures(ctx, state_for):
    mask = filter_mask(ctx.dataset, state_for("category=counselling"))
    assert mask.sum() == 2  # o2 (Mitte), o3 (Oßweil)
    per = cv.metric_table(ctx, mask, "per_1000")
    assert dict(zip(per["district_id"], per["offers"], strict=True)) == {"mitte": 1, "ossweil": 1, m.CITY: 2}
    districts = m.districts_frame(list(ctx.dataset.districts))
    for metric, threshold in (("within_500", 500.0), ("within_1000", 1000.0)):
        table = cv.metric_table(ctx, mask, metric)
        ref = m.distance_coverage(ctx.offers, districts, ctx.cells, (threshold,), mask)
        np.testing.assert_allclose(table["value"].to_numpy(), ref["share"].to_numpy() * 100)
    e2 = cv.metric_table(ctx, mask, "e2sfca")
    ref = m.e2sfca_by_district(ctx.offers, districts, ctx.cells, cv.CATCHMENT, mask=mask)
    np.testing.assert_allclose(e2["value"].to_numpy(), ref["access_per_1000"].to_numpy())


def test_unknown_metric_names_the_choices(ctx):
    with pytest.raises(m.MetricError, match="per_1000"):
        cv.metric_table(ctx, np.ones(len(ctx.dataset), bool), "nonsense")


def test_page_params_drop_bad_values(ctx):
    p = cv.page_params(
        {"metric": "bogus", "district_focus": "nowhere", "mode": "x", "compare": "mitte"}, ctx.district_ids
    )
    assert p == cv.PageParams()
    p = cv.page_params(
        {"metric": "e2sfca", "district_focus": "ossweil", "mode": "workshop", "compare": "mitte,ossweil"},
        ctx.district_ids,
    )
    assert p == cv.PageParams("e2sfca", "ossweil", "workshop", ("mitte", "ossweil"))


def test_page_data_marks_focus_and_builds_the_links(ctx, state_for):
    params = cv.PageParams("within_500", "mitte", "workshop", ("mitte", "ossweil"))
    data = cv.page_data(ctx, state_for("category=counselling"), params)
    assert data.focus == "mitte" and data.focus_profile is not None and data.focus_profile.name == "Mitte"
    assert [p.district_id for p in data.compare_profiles] == ["mitte", "ossweil"]
    assert (
        data.query == "?category=counselling&metric=within_500&district_focus=mitte&mode=workshop&compare=mitte,ossweil"
    )
    assert data.csv_href == "/api/coverage.csv?category=counselling"
    assert data.profile_href == "/profile?category=counselling&district=mitte"
    assert data.filename == "stadtkarte-anteil-einwohner-bis-500-m"
    assert int(data.mask.sum()) == 2


def test_page_data_drops_a_focus_outside_the_ranking(ctx, state_for):
    data = cv.page_data(ctx, state_for(), cv.PageParams(focus="nowhere"))
    assert data.focus is None and data.focus_profile is None and data.compare_profiles == ()
    assert data.order == ["ossweil", "mitte"]  # 2.0 before 1.0 offers per 1,000


def test_step_district_wraps_in_ranking_order():
    order = ["b", "a", "c"]
    assert cv.step_district(order, None, 1) == "b"
    assert cv.step_district(order, None, -1) == "c"
    assert cv.step_district(order, "a", 1) == "c"
    assert cv.step_district(order, "c", 1) == "b"
    assert cv.step_district(order, "b", -1) == "c"
    assert cv.step_district([], "a", 1) is None


def test_district_profile_by_hand(ctx):
    profile = cv.district_profile(ctx, np.ones(len(ctx.dataset), bool), "ossweil")
    assert profile.offers == 2 and profile.residents == pytest.approx(1000.0)
    assert profile.rank == 1 and profile.ranked_of == 2
    assert profile.per_1000 == pytest.approx(2.0) and profile.city_per_1000 == pytest.approx(1.25)
    counts = dict(profile.by_category)
    assert counts["counselling"] == 1 and counts["language_course"] == 1
    assert "sports" in profile.white_spots and "counselling" not in profile.white_spots
    assert dict(profile.languages) == {"uk": 1, "de": 1}


def test_csv_rows_match_the_metric_tables(ctx, state_for):
    text = csv_text(ctx, {"category": ["counselling"]})
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 3 * len(cv.METRIC_IDS)  # (2 districts + city) x metrics
    mask = filter_mask(ctx.dataset, state_for("category=counselling"))
    for metric in cv.METRIC_IDS:
        table = cv.metric_table(ctx, mask, metric)
        for rec in table.itertuples(index=False):
            row = next(r for r in rows if r["metric"] == metric and r["district_id"] == rec.district_id)
            assert float(row["value"]) == pytest.approx(rec.value, abs=1e-4)
            assert row["method"] == rec.method and int(row["offers"]) == rec.offers


def test_notes_markdown_holds_notes_and_figures(ctx):
    table = cv.metric_table(ctx, np.ones(len(ctx.dataset), bool), "per_1000")
    text = cv.notes_markdown("Sprachkurs in Oßweil fehlt", "Notizen", "", "per_1000", table, ctx.method, str)
    assert "Sprachkurs in Oßweil fehlt" in text
    assert "| 1 | Oßweil | 2,0 | 2 |" in text and "| 2 | Mitte | 1,0 | 3 |" in text
    assert "| | Stadtdurchschnitt | 1,2 | 5 |" in text  # German notation on a German page
    english = cv.notes_markdown("", "Notes", "", "per_1000", table, ctx.method, str, None, "en")
    assert "| 1 | Oßweil | 2.0 | 2 |" in english
