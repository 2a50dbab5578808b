"""The public board as data: published open posts, their matches, filters (pure, no I/O).

A :class:`BoardView` is built once per board version (see :mod:`dashboard.board`) and then
only read: a filter change is a list comprehension over it, so a page costs no matching.
Nothing private leaves this module: :func:`public_post` never includes the contact address
and includes a point only for posts whose location visibility is ``exact``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analysis.matching import Match, is_open, match_posts
from registry.board import BoardPost, to_match_post

#: Filter name -> how it compares against a post.
FILTERS = ("topic", "language", "group", "district")


@dataclass(frozen=True)
class BoardView:
    """The public board at one version: open published posts (by id) and their matches."""

    version: int
    today: date
    posts: Mapping[int, BoardPost]
    matches: Mapping[int, tuple[Match, ...]]
    order: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Filters:
    """The board's filters from the URL (empty = all)."""

    topic: str = ""
    language: str = ""
    group: str = ""
    district: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read ``topic``, ``language``, ``group``, ``district`` from query arguments (trimmed, at most 64 chars)."""
        return cls(**{name: str(args.get(name, "") or "").strip()[:64] for name in FILTERS})

    def as_args(self) -> dict[str, str]:
        """The non-empty filters as query arguments."""
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}


def build_view(posts: Sequence[BoardPost], today: date, version: int, limit: int = 5) -> BoardView:
    """Match every published, open post against the others (``analysis.matching.match_posts``)."""
    published = [p for p in posts if p.state == "published"]
    as_match = {p.id: to_match_post(p) for p in published}
    found = match_posts(list(as_match.values()), today, limit=limit)
    open_ids = tuple(p.id for p in published if is_open(as_match[p.id], today))
    return BoardView(
        version=version,
        today=today,
        posts={p.id: p for p in published if p.id in set(open_ids)},
        matches={i: tuple(found.get(str(i), ())) for i in open_ids},
        order=tuple(sorted(open_ids, key=lambda i: (-as_match[i].last_change.toordinal(), i))),
    )


def keep(post: BoardPost, filters: Filters) -> bool:
    """True when ``post`` passes every set filter."""
    return (
        (not filters.topic or post.topic == filters.topic)
        and (not filters.language or filters.language in post.languages)
        and (not filters.group or filters.group in post.target_groups)
        and (not filters.district or post.district_id == filters.district)
    )


def filtered(view: BoardView, filters: Filters) -> tuple[list[BoardPost], list[BoardPost]]:
    """The offers and the needs that pass ``filters``, newest first."""
    chosen = [view.posts[i] for i in view.order if keep(view.posts[i], filters)]
    return [p for p in chosen if p.kind == "offer"], [p for p in chosen if p.kind == "need"]


def public_post(post: BoardPost) -> dict[str, Any]:
    """What anyone may see of ``post``: never the contact, a point only when it is ``exact``."""
    point = post.public_point()
    return {
        "id": post.id,
        "kind": post.kind,
        "topic": post.topic,
        "title": post.title,
        "text": post.text,
        "languages": list(post.languages),
        "target_groups": list(post.target_groups),
        "district_id": post.district_id,
        "location": {"lon": point[0], "lat": point[1]} if point else None,
        "location_visibility": post.location_visibility,
        "organization": post.organization,
        "valid_until": post.valid_until.isoformat() if post.valid_until else None,
        "updated": post.updated_at.date().isoformat(),
    }


def api_document(view: BoardView) -> dict[str, Any]:
    """``GET /api/board.json``: every open published post with its ranked matches (codes, params, scores)."""
    return {
        "version": view.version,
        "date": view.today.isoformat(),
        "posts": [
            {**public_post(view.posts[i]), "matches": [m.as_dict() for m in view.matches.get(i, ())]}
            for i in view.order
        ],
    }
