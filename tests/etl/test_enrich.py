from __future__ import annotations

import pandas as pd

from etl.enrich import assign_districts, offers_frame, outside_problems


def offers(*points: tuple[float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"row": range(2, 2 + len(points)), "lon": [p[0] for p in points], "lat": [p[1] for p in points]}
    )


def test_points_get_their_district_and_outside_is_flagged(tiny_districts):
    table = offers((9.18, 48.89), (9.22, 48.90), (9.30, 48.89))
    enriched = assign_districts(offers_frame(table), tiny_districts)
    assert list(enriched["district_id"]) == ["west", "ost", None]
    assert list(enriched["district_name"]) == ["Weststadt", "Oststadt", None]
    assert list(enriched["outside_districts"]) == [False, False, True]
    assert enriched.crs == "EPSG:4326" and list(enriched.index) == list(table.index)
    problems = outside_problems(enriched)
    assert [row for row, _p in problems] == [4]
    assert problems[0][1].field == "district_id" and problems[0][1].code == "outside_districts"


def test_point_on_shared_boundary_goes_to_smaller_id_whatever_the_order(tiny_districts):
    table = offers((9.20, 48.895))
    forward = assign_districts(offers_frame(table), tiny_districts)
    backward = assign_districts(offers_frame(table), tiny_districts.iloc[::-1])
    assert forward["district_id"].tolist() == backward["district_id"].tolist() == ["ost"]


def test_districts_in_metric_crs_give_the_same_result(tiny_districts):
    table = offers((9.18, 48.89), (9.22, 48.90))
    metric = assign_districts(offers_frame(table), tiny_districts.to_crs("EPSG:25832"))
    assert metric["district_id"].tolist() == ["west", "ost"]
