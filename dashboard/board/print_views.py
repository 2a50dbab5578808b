"""The board for the network meeting: printable handouts and the workshop view (thin routes).

* ``GET /netzwerk/handout?org=<organisation>``: one A4 page for one association — its open
  posts and each post's three best matches with the reason in words; ``GET /netzwerk/handout``:
  every organisation, one page each (page breaks), for one print or one PDF. The print
  stylesheet (``static/board_print.css``) drops the header and navigation, sets A4 margins,
  keeps a post or a match on one page and prints black on white with every link's address.
* ``GET /netzwerk?mode=workshop`` (and ``/netzwerk/workshop``): the board for a projector —
  per topic the offers and needs side by side, needs that nobody answers yet marked, one topic
  at a time, stepped with links or (script ``static/board_workshop.js``) ←/→ and
  PageUp/PageDown.

**Public, not staff-only (decided):** both show only what ``/netzwerk`` already shows to
anyone — titles, texts, organisations, districts, the reasons of the matches. No contact
address and no contact name is ever included (the register stores only an e-mail address per
post, which stays private; people answer through the board's contact form, whose address is
printed). So the office can print them from any computer at the meeting, and an association
can print its own page.

The language is the URL's ``?lang=`` (de, en, tr, ar, uk), as on every page.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, cast

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from analysis.matching import explain
from dashboard.board.model import (
    BoardView,
    Handout,
    handout,
    handouts,
    organizations,
    workshop_topics,
)
from dashboard.i18n import format_date, text_direction, translator
from geodata.languages import language_name
from geodata.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

#: Matches printed per post (the handout's "best 3").
HANDOUT_MATCHES = 3
#: Longest ``?org=`` value read (an organisation's name).
MAX_ORG_CHARS = 200
#: Posts per column of one workshop topic (the rest is counted, not listed: a projector shows one screen).
WORKSHOP_TITLES = 8


def _cache() -> Any:
    from dashboard.board import EXTENSION_KEY

    return current_app.extensions[EXTENSION_KEY]


def current_view() -> BoardView:
    """The board's current view; an empty board for a data folder without a register (a plain build output)."""
    cache = _cache()
    if not cache.has_board():
        return BoardView(version=0, today=date.today(), posts={}, matches={})
    return cast(BoardView, cache.view())


def labels(lang: str) -> dict[str, Any]:
    """Template helpers in ``lang``: translator, topic/group/district labels, language names, match reasons."""
    cache = _cache()
    topics = cache.topics()
    groups = load_taxonomy().target_groups
    districts = cache.district_names() if cache.has_board() else {}

    def reason(match: Any) -> str:
        return explain(match, lang, topics=topics, target_groups=groups, district_names=districts)

    return {
        "lang": lang,
        "dir": text_direction(lang),
        "_": translator(lang),
        "topics": topics,
        "topic_label": lambda t: topics.label(t, lang),
        "groups_text": lambda ids: ", ".join(groups.label(g, lang) for g in ids),
        "district_label": lambda d: districts.get(d, d) if d else "",
        "languages": lambda codes: ", ".join(language_name(c, lang) for c in codes),
        "reason": reason,
        "date_text": lambda d: format_date(d, lang),
    }


def _lang() -> str:
    from dashboard.board import request_lang

    return request_lang()


def handout_page() -> Any:
    """``/netzwerk/handout``: one organisation (``?org=``) or all, one printed page each."""
    lang = _lang()
    view = current_view()
    wanted = (request.args.get("org") or "").strip()[:MAX_ORG_CHARS]
    names = organizations(view)
    found = handout(view, wanted, HANDOUT_MATCHES) if wanted else None
    pages: list[Handout] = [found] if found else ([] if wanted else handouts(view, HANDOUT_MATCHES))
    status = 404 if wanted and found is None else 200
    body = render_template(
        "board/handout.html",
        **labels(lang),
        view=view,
        pages=pages,
        wanted=wanted,
        organizations=names,
        post_url=lambda post_id: url_for("board.detail", post_id=post_id, lang=lang, _external=True),
    )
    return Response(body, status=status, mimetype="text/html")


def workshop_page() -> Any:
    """The workshop view: one topic at a time (``?topic=``, default the first with posts)."""
    lang = _lang()
    view = current_view()
    ctx = labels(lang)
    boards = [b for b in workshop_topics(view, ctx["topics"].ids) if not b.is_empty] or workshop_topics(
        view, ctx["topics"].ids
    )[:1]
    ids = [b.topic for b in boards]
    wanted = (request.args.get("topic") or "").strip()[:64]
    current = ids.index(wanted) if wanted in ids else 0
    return render_template(
        "board/workshop.html",
        **ctx,
        boards=boards,
        current=current,
        limit=WORKSHOP_TITLES,
        topic_url=lambda topic: url_for("board.board", mode="workshop", topic=topic, lang=lang),
    )


def _workshop_mode() -> Any:
    """``/netzwerk?mode=workshop`` answers with the workshop view (the list's own route is untouched)."""
    from dashboard.board import URL_PREFIX

    if request.path == URL_PREFIX and request.args.get("mode") == "workshop":
        return workshop_page()
    return None


def register_print_views(server: Flask) -> None:
    """Mount the handouts and the workshop view on ``server`` (a blueprint per app, the map's frame included)."""
    from dashboard.board import frame_context

    bp = Blueprint("board_print", __name__, template_folder="templates")
    bp.add_url_rule("/netzwerk/handout", "handout", handout_page, methods=["GET"])
    bp.add_url_rule("/netzwerk/workshop", "workshop", workshop_page, methods=["GET"])
    bp.context_processor(frame_context)
    server.register_blueprint(bp)
    server.before_request(_workshop_mode)
