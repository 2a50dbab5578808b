"""The list view: the accessible equivalent of the map (same offers, sortable, paged)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard import ids
from dashboard.data import Dataset
from dashboard.i18n import Translator
from dashboard.map.freshness import freshness_badge, freshness_class

#: Entries rendered at first and added per "more" click (the count and API always cover all).
PAGE_SIZE = 50


def entry(dataset: Dataset, row: int, _: Translator, lang: str) -> html.Li:
    """One list entry: a button that opens the offer's detail (``data-offer-id`` on both)."""
    offer = dataset.offers.iloc[row]
    district = dataset.district_names.get(offer["district_id"] or "", _("außerhalb der Stadtteile"))
    category = dataset.taxonomy.categories.label(offer["category"], lang)
    meta = [category, district]
    if dataset.approximate[row]:
        meta.append(_("Lage ungefähr"))
    return html.Li(
        html.Button(
            [
                html.Span(offer["name"], className="entry-name"),
                html.Span(" · ".join(meta), className="entry-meta"),
                freshness_badge(offer, _, lang),
            ],
            type="button",
            className="entry",
            **{"data-offer-id": offer["id"], "aria-controls": ids.DETAIL},
        ),
        className="offer-entry" + freshness_class(offer),
        **{"data-offer-id": offer["id"]},
    )


def entries(dataset: Dataset, rows: Sequence[int], _: Translator, lang: str) -> list[html.Li]:
    """List items for ``rows`` (already sorted and cut to the page)."""
    return [entry(dataset, int(r), _, lang) for r in rows]


def empty_result(_: Translator) -> html.Li:
    """What an empty result says, with a way out."""
    return html.Li(
        [
            html.P(_("Keine Angebote passen zu diesen Filtern.")),
            html.Button(_("Alle Filter zurücksetzen"), type="button", className="reset", **{"data-action": "reset"}),
        ],
        className="empty",
    )


def empty_notice(suggestion: str | None, _: Translator) -> list[Any]:
    """Children of the notice above map and list when nothing matches: message, suggestion, reset.

    ``suggestion`` is the nearest search (:func:`dashboard.filters.search_suggestion`), offered as
    a button that searches for it (``data-action="suggest"``, ``data-q``).
    """
    children: list[Any] = [html.P(_("Keine Angebote passen zu diesen Filtern."), className="empty-message")]
    if suggestion:
        children.append(
            html.P(
                [
                    _("Meinten Sie:"),
                    " ",
                    html.Button(
                        suggestion,
                        type="button",
                        className="suggestion",
                        id=ids.SEARCH_SUGGESTION,
                        **{"data-action": "suggest", "data-q": suggestion},
                    ),
                ]
            )
        )
    children.append(
        html.Button(_("Alle Filter zurücksetzen"), type="button", className="reset", **{"data-action": "reset"})
    )
    return children
