"""Figures of the exchange board for the funding report, per calendar quarter (pure, no I/O but :func:`board_figures`).

Per quarter: posts published (first publication), contacts made through the platform,
contacts that started at a match, posts closed as successful (a need found, an offer
taken) and how many of those named the match that helped. Times are counted in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from registry.board import BoardPost, Contact, list_contacts, list_posts

if TYPE_CHECKING:
    from registry.register import Register


@dataclass(frozen=True)
class QuarterFigures:
    """The board's figures of one quarter (``quarter`` like ``"2026-Q4"``)."""

    quarter: str
    published: int = 0
    contacts: int = 0
    contacts_from_match: int = 0
    closed_success: int = 0
    closed_success_with_match: int = 0


def quarter_of(when: datetime) -> str:
    """``"2026-Q4"`` for a time in October to December 2026 (UTC for aware times)."""
    from datetime import UTC

    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def quarterly_figures(posts: Iterable[BoardPost], contacts: Iterable[Contact]) -> list[QuarterFigures]:
    """Count the funding report's figures per quarter, oldest quarter first (quarters without any event left out).

    Parameters
    ----------
    posts : iterable of BoardPost
        Every post of the register (``published_at``, ``closed_at``, ``outcome``, ``helped`` are read).
    contacts : iterable of Contact
        Every recorded contact message.
    """
    counts: dict[str, dict[str, int]] = {}

    def add(when: datetime | None, name: str) -> None:
        if when is not None:
            bucket = counts.setdefault(quarter_of(when), {})
            bucket[name] = bucket.get(name, 0) + 1

    for post in posts:
        add(post.published_at, "published")
        if post.outcome == "success":
            add(post.closed_at, "closed_success")
            if post.helped == "match":
                add(post.closed_at, "closed_success_with_match")
    for contact in contacts:
        add(contact.at, "contacts")
        if contact.match_post_id is not None:
            add(contact.at, "contacts_from_match")
    return [QuarterFigures(quarter, **counts[quarter]) for quarter in sorted(counts)]


def totals(figures: Sequence[QuarterFigures]) -> QuarterFigures:
    """The sum of ``figures`` (``quarter`` is ``"total"``)."""
    names = ("published", "contacts", "contacts_from_match", "closed_success", "closed_success_with_match")
    return QuarterFigures("total", **{n: sum(getattr(f, n) for f in figures) for n in names})


def board_figures(register: Register) -> list[QuarterFigures]:
    """:func:`quarterly_figures` of everything in ``register``."""
    return quarterly_figures(list_posts(register), list_contacts(register))
