"""The coverage page's table of the network's unanswered needs (issue 10).

Next to the gaps in the offers for residents, the planners see where the associations' own
demand is not met: open needs of the exchange board (``/netzwerk``) without any matching
offer, counted by topic and district (:func:`analysis.board_gaps.unanswered_by_topic_and_district`).

*Where the data comes from:* board posts live in the register, not in the published snapshot
the coverage page reads. The board's per-process :class:`dashboard.board.BoardCache` (mounted
on the same Flask server by ``register_board``) already holds the open posts and their matches
for the current board version, so this section reads it: no second database query, no matching
per page view, and the layering stays ``dashboard -> registry/analysis``. A server without the
board (a bare test app) shows no section.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from dash import html
from flask import current_app, has_app_context

from dashboard.board.model import unanswered_needs
from dashboard.i18n import Translator, format_number

logger = logging.getLogger(__name__)

SECTION_ID = "cov-board-gaps"


def board_gap_table(
    table: pd.DataFrame, topic_label: Any, district_label: Any, lang: str, _: Translator
) -> html.Table | html.P:
    """The counts of :func:`unanswered_by_topic_and_district` as an accessible table (pure).

    ``topic_label(id)`` and ``district_label(id)`` give the names in the page's language; a
    need without a district is shown as such. An empty ``table`` becomes one sentence.
    """
    if table.empty:
        return html.P(_("Zu jedem offenen Bedarf gibt es schon mindestens einen passenden Beitrag."))
    body = [
        html.Tr(
            [
                html.Th(topic_label(r.topic), scope="row"),
                html.Td(district_label(r.district_id) if r.district_id else _("ohne Angabe")),
                html.Td(format_number(int(r.needs), lang), className="num"),
            ]
        )
        for r in table.itertuples()
    ]
    return html.Table(
        [
            html.Caption(_("Offene Bedarfe ohne passenden Beitrag, nach Thema und Stadtteil")),
            html.Thead(
                html.Tr(
                    [
                        html.Th(_("Thema"), scope="col"),
                        html.Th(_("Stadtteil"), scope="col"),
                        html.Th(_("Bedarfe ohne Antwort"), scope="col"),
                    ]
                )
            ),
            html.Tbody(body),
        ],
        className="cov-table",
    )


def board_gaps_section(lang: str, _: Translator) -> html.Section | None:
    """The section "Bedarfe im Netzwerk ohne Antwort" from the board's cache (None without a board or register)."""
    from dashboard.board import EXTENSION_KEY

    cache = current_app.extensions.get(EXTENSION_KEY) if has_app_context() else None
    if cache is None or not cache.has_board():
        return None
    table = unanswered_needs(cache.view())
    topics, districts = cache.topics(), cache.district_names()
    heading_id = SECTION_ID + "-heading"
    return html.Section(
        [
            html.H2(_("Bedarfe im Netzwerk ohne Antwort"), id=heading_id),
            html.P(
                _(
                    "Was Vereine und Einrichtungen auf der Netzwerk-Börse suchen und noch niemand bietet: "
                    "offene Bedarfe ohne passenden Beitrag."
                )
            ),
            html.Div(
                board_gap_table(table, lambda t: topics.label(t, lang), lambda d: districts.get(d, d), lang, _),
                className="table-scroll",
                tabIndex=0,
                role="region",
                **{"aria-labelledby": heading_id},
            ),
            html.P(html.A(_("Netzwerk-Börse"), href="/netzwerk" + ("" if lang == "de" else f"?lang={lang}"))),
        ],
        id=SECTION_ID,
        className="cov-board-gaps",
        **{"aria-labelledby": heading_id},
    )
