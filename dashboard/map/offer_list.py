"""The list view: the accessible equivalent of the map (same offers, sortable, paged)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard import ids
from dashboard.components.data_text import data_text
from dashboard.data import Dataset
from dashboard.i18n import Translator, content_language
from dashboard.map.freshness import freshness_badge, freshness_class

#: Entries rendered at first and added per "more" click (the count and API always cover all).
PAGE_SIZE = 50


def entry(dataset: Dataset, row: int, _: Translator, lang: str) -> html.Li:
    """One list entry: a button that opens the offer's detail (``data-offer-id`` on both).

    The offer's name and district name are data in the city's content language: each is marked with
    it and isolated (``lang``, ``dir="auto"``), so a Turkish or Arabic page reads them correctly.
    """
    offer = dataset.offers.iloc[row]
    content = content_language(dataset.city)
    district_id = offer["district_id"] or ""
    district: Any = (
        data_text(dataset.district_names[district_id], content)
        if district_id in dataset.district_names
        else _("außerhalb der Stadtteile")
    )
    meta: list[Any] = [dataset.taxonomy.categories.label(offer["category"], lang), " · ", district]
    if dataset.approximate[row]:
        meta += [" · ", _("Lage ungefähr")]
    return html.Li(
        html.Button(
            [
                data_text(offer["name"], content, className="entry-name"),
                html.Span(meta, className="entry-meta"),
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
