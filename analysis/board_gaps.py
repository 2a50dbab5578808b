"""Where the network's demand is not met: open needs of the exchange board without any match.

For the planners' coverage view (issue 10): next to the gaps in the offers for residents, the
gaps between associations — needs posted on the board to which no open offer of another
organisation on the same topic answers (see :mod:`analysis.matching` for what matches).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd

from analysis.matching import Match, Post, unanswered_needs

#: Columns of :func:`unanswered_by_topic_and_district`.
GAP_COLUMNS = ("topic", "district_id", "needs")

#: ``district_id`` of needs that name no district.
NO_DISTRICT = ""


def unanswered_by_topic_and_district(
    posts: Iterable[Post],
    today: date,
    *,
    matches: Mapping[str, Sequence[Match]] | None = None,
) -> pd.DataFrame:
    """Count the open needs without any match by topic and district.

    Parameters
    ----------
    posts
        The board's posts (any kind and state; only open needs count, see
        :func:`analysis.matching.is_open`).
    today
        The day of matching (expired posts neither count nor answer).
    matches
        The result of :func:`analysis.matching.match_posts` over the same ``posts``, if already
        computed (the board keeps it per version); computed with the defaults when None.

    Returns
    -------
    pandas.DataFrame
        One row per (topic, district) with at least one unanswered need: ``topic`` (board
        topic id), ``district_id`` (:data:`NO_DISTRICT` for needs that name none) and ``needs``
        (int, the count); sorted by count descending, then topic, then district (needs without a
        district last within a topic). Empty (with these
        columns) when every open need has a match.
    """
    needs = unanswered_needs(list(posts), today, matches=matches)
    if not needs:
        return pd.DataFrame(
            {"topic": pd.Series(dtype=str), "district_id": pd.Series(dtype=str), "needs": pd.Series(dtype="int64")}
        )
    frame = pd.DataFrame(
        {"topic": [p.topic for p in needs], "district_id": [p.district_id or NO_DISTRICT for p in needs]}
    )
    counts = frame.groupby(["topic", "district_id"], sort=False).size().rename("needs").reset_index()
    counts["needs"] = counts["needs"].astype("int64")
    counts["_none"] = counts["district_id"] == NO_DISTRICT
    order = counts.sort_values(["needs", "topic", "_none", "district_id"], ascending=[False, True, True, True])
    return order.drop(columns="_none").reset_index(drop=True)
