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


# --- handouts and the workshop view --------------------------------------------------------------


@dataclass(frozen=True)
class MatchLine:
    """One match of a post as a handout shows it: the other post and the match (for its reason)."""

    match: Match
    other: BoardPost


@dataclass(frozen=True)
class HandoutItem:
    """One post of an organisation with its best matches."""

    post: BoardPost
    matches: tuple[MatchLine, ...]


@dataclass(frozen=True)
class Handout:
    """The handout page of one organisation: its open posts (offers first) and their best matches."""

    organization: str
    items: tuple[HandoutItem, ...]


def organization_key(name: str) -> str:
    """The key organisations are grouped by: case, accents, umlauts and spacing do not matter."""
    from geodata.taxonomy import fold

    return fold(name)


def organizations(view: BoardView) -> list[str]:
    """The organisations with open published posts, each once (its first spelling), sorted by key."""
    names: dict[str, str] = {}
    for i in sorted(view.posts):
        name = view.posts[i].organization.strip()
        if name:
            names.setdefault(organization_key(name), name)
    return [names[k] for k in sorted(names)]


def handout(view: BoardView, organization: str, limit: int = 3) -> Handout | None:
    """The handout of ``organization`` (matched by :func:`organization_key`), or None when it has no open post.

    Each post keeps its ``limit`` best matches (their order as ranked by the matcher); a match
    whose other post is no longer open is left out.
    """
    key = organization_key(organization)
    own = [view.posts[i] for i in sorted(view.posts) if organization_key(view.posts[i].organization) == key]
    if not key or not own:
        return None
    own.sort(key=lambda p: (p.kind != "offer", p.topic, p.id))
    items = tuple(
        HandoutItem(
            post,
            tuple(
                MatchLine(m, view.posts[int(m.other_id)])
                for m in view.matches.get(post.id, ())
                if int(m.other_id) in view.posts
            )[:limit],
        )
        for post in own
    )
    return Handout(own[0].organization.strip(), items)


def handouts(view: BoardView, limit: int = 3) -> list[Handout]:
    """One handout per organisation of :func:`organizations` (the "all at once" print)."""
    pages = (handout(view, name, limit) for name in organizations(view))
    return [page for page in pages if page is not None]


@dataclass(frozen=True)
class TopicBoard:
    """One topic of the workshop view: its open offers and needs and the needs nobody answers yet."""

    topic: str
    offers: tuple[BoardPost, ...]
    needs: tuple[BoardPost, ...]
    unanswered: frozenset[int]

    @property
    def is_empty(self) -> bool:
        """True when the topic has neither offers nor needs."""
        return not self.offers and not self.needs


def workshop_topics(view: BoardView, topic_ids: Sequence[str]) -> list[TopicBoard]:
    """Per topic (in ``topic_ids`` order, then topics only the posts know): offers and needs, newest first.

    A need is *unanswered* when the matcher found no offer for it (:func:`analysis.matching.unanswered_needs`
    gives the same set over the register's posts); unanswered needs come first in ``needs``.
    """
    known = list(dict.fromkeys([*topic_ids, *sorted({p.topic for p in view.posts.values()})]))
    boards = []
    for topic in known:
        chosen = [view.posts[i] for i in view.order if view.posts[i].topic == topic]
        unanswered = frozenset(p.id for p in chosen if p.kind == "need" and not view.matches.get(p.id))
        needs = sorted((p for p in chosen if p.kind == "need"), key=lambda p: p.id not in unanswered)
        boards.append(
            TopicBoard(
                topic=topic,
                offers=tuple(p for p in chosen if p.kind == "offer"),
                needs=tuple(needs),
                unanswered=unanswered,
            )
        )
    return boards


def unanswered_needs(view: BoardView) -> Any:
    """Open needs of ``view`` without any match, by topic and district (:mod:`analysis.board_gaps`)."""
    from analysis.board_gaps import unanswered_by_topic_and_district

    posts = [to_match_post(p) for p in view.posts.values()]
    matches = {str(i): list(found) for i, found in view.matches.items()}
    return unanswered_by_topic_and_district(posts, view.today, matches=matches)
