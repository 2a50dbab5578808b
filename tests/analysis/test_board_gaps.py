"""Unanswered needs of the exchange board by topic and district (analysis.board_gaps).

A hand-written board: which needs stay unanswered is worked out here from the matching rules
(same topic, other kind, another organisation, both open and not expired).
"""

from __future__ import annotations

from datetime import date, timedelta

from analysis.board_gaps import GAP_COLUMNS, NO_DISTRICT, unanswered_by_topic_and_district
from analysis.matching import Post, match_posts

TODAY = date(2026, 11, 30)


def post(id: str, kind: str, topic: str, district: str | None, **kw: object) -> Post:
    return Post(
        id=id,
        kind=kind,
        topic=topic,
        title=str(kw.pop("title", "Beitrag")),
        district_id=district,
        organization=str(kw.pop("organization", f"Verein {id}")),
        created=TODAY - timedelta(days=10),
        **kw,  # type: ignore[arg-type]
    )


BOARD = [
    # rooms: one offer answers both room needs -> no gap
    post("o1", "offer", "rooms", "kernstadt"),
    post("n1", "need", "rooms", "kernstadt"),
    post("n2", "need", "rooms", "eglosheim"),
    # volunteers: no offer at all -> both needs unanswered, two in Oßweil, one without district
    post("n3", "need", "volunteers", "ossweil"),
    post("n4", "need", "volunteers", "ossweil"),
    post("n5", "need", "volunteers", None),
    # funding: the only offer has expired -> the need is unanswered
    post("o2", "offer", "funding", "kernstadt", valid_until=TODAY - timedelta(days=1)),
    post("n6", "need", "funding", "kernstadt"),
    # equipment: the only offer is the needing organisation's own -> unanswered
    post("o3", "offer", "equipment", "hoheneck", organization="Begegnungsstätte"),
    post("n7", "need", "equipment", "hoheneck", organization="Begegnungsstaette"),
    # closed and expired needs never count
    post("n8", "need", "volunteers", "ossweil", state="closed"),
    post("n9", "need", "volunteers", "ossweil", valid_until=TODAY - timedelta(days=3)),
    # an offer without a need is not a gap of demand
    post("o4", "offer", "language_mediation", "kernstadt"),
]


def rows(frame: object) -> list[tuple[str, str, int]]:
    return [(r.topic, r.district_id, int(r.needs)) for r in frame.itertuples()]  # type: ignore[attr-defined]


def test_counts_unanswered_needs_by_topic_and_district_largest_first() -> None:
    table = unanswered_by_topic_and_district(BOARD, TODAY)
    assert tuple(table.columns) == GAP_COLUMNS
    assert rows(table) == [
        ("volunteers", "ossweil", 2),
        ("equipment", "hoheneck", 1),
        ("funding", "kernstadt", 1),
        ("volunteers", NO_DISTRICT, 1),
    ]
    assert table["needs"].dtype == "int64"


def test_reuses_given_matches_and_agrees_with_computing_them() -> None:
    matches = match_posts(BOARD, TODAY)
    assert rows(unanswered_by_topic_and_district(BOARD, TODAY, matches=matches)) == rows(
        unanswered_by_topic_and_district(BOARD, TODAY)
    )
    # given matches are trusted: with none for n1, n1 counts as unanswered
    without_n1 = {**matches, "n1": []}
    assert ("rooms", "kernstadt", 1) in rows(unanswered_by_topic_and_district(BOARD, TODAY, matches=without_n1))


def test_every_need_answered_gives_an_empty_table_with_the_columns() -> None:
    table = unanswered_by_topic_and_district(BOARD[:3], TODAY)
    assert table.empty and tuple(table.columns) == GAP_COLUMNS
    assert unanswered_by_topic_and_district([], TODAY).empty
