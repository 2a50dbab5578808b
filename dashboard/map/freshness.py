"""Freshness on the public side: an entry nobody confirmed is shown faded, "nicht bestätigt seit <date>".

``unconfirmed_since`` (a contract field, ISO date) is set by ``stadtkarte remind`` when
the entry's contact did not answer the reminder in time and cleared by "still valid".
The list and the detail panel call :func:`freshness_class` and :func:`freshness_badge`;
the public filter "nur bestätigte Angebote" is ``confirmed=1`` (:mod:`dashboard.filters`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from dash import html

from dashboard.i18n import Translator, format_date

logger = logging.getLogger(__name__)

#: Class added to a list entry (and the detail panel's badge) of an unconfirmed offer.
UNCONFIRMED_CLASS = "unconfirmed"


def unconfirmed_date(offer: Mapping[str, Any]) -> dt.date | None:
    """The date since which ``offer`` (its properties or a row of the dataset) is unconfirmed, else None.

    The contract checks the field as a date when a snapshot is written; anything else is
    logged and taken as confirmed.
    """
    value = offer.get("unconfirmed_since")
    if value is None or value != value or not str(value).strip():  # None, NaN, ""
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        logger.warning("unconfirmed_since %r is no ISO date", value)
        return None


def is_unconfirmed(offer: Mapping[str, Any]) -> bool:
    """True when ``offer`` carries ``unconfirmed_since``."""
    return unconfirmed_date(offer) is not None


def freshness_text(offer: Mapping[str, Any], _: Translator, lang: str) -> str | None:
    """``"nicht bestätigt seit 21.12.2025"`` in ``lang`` (locale date), or None for a confirmed offer."""
    since = unconfirmed_date(offer)
    if since is None:
        return None
    return _("nicht bestätigt seit {date}", date=format_date(since, lang))


def freshness_class(offer: Mapping[str, Any]) -> str:
    """``" unconfirmed"`` to append to a list entry's class (faded by ``assets/freshness.css``), else ``""``."""
    return f" {UNCONFIRMED_CLASS}" if is_unconfirmed(offer) else ""


def freshness_badge(offer: Mapping[str, Any], _: Translator, lang: str) -> html.Span | None:
    """The badge "nicht bestätigt seit <date>" for the list and the detail panel, or None when confirmed."""
    text = freshness_text(offer, _, lang)
    if text is None:
        return None
    return html.Span(text, className=f"badge freshness {UNCONFIRMED_CLASS}")
