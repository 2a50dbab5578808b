"""Routes of the public board (thin: read the cache, filter, render)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request

from analysis.matching import explain
from dashboard.board.model import Filters, filtered
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES
from dashboard.i18n import text_direction, translator
from geodata.languages import language_name
from geodata.taxonomy import load_board_topics, load_taxonomy

#: Posts per column and page (a phone scrolls; the filters narrow).
PAGE_SIZE = 25

blueprint = Blueprint(
    "board", __name__, template_folder="templates", static_folder="static", static_url_path="/netzwerk/static"
)


def _cache() -> Any:
    return current_app.extensions["stadtkarte_board"]


def _lang() -> str:
    lang = request.args.get("lang", DEFAULT_LANG)
    return lang if lang in UI_LANGUAGES else DEFAULT_LANG


@blueprint.get("/api/board.json")
def api() -> Any:
    """Published open posts with their ranked matches (factor codes, params, scores); no contacts."""
    view, body = _cache().api_json()
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["ETag"] = f'"board-{view.version}-{view.today.isoformat()}"'
    return response


def _context(lang: str) -> dict[str, Any]:
    view = _cache().view()
    topics = load_board_topics()
    groups = load_taxonomy().target_groups
    districts = _cache().district_names()
    _ = translator(lang)

    def reason(match: Any) -> str:
        return explain(match, lang, topics=topics, target_groups=groups, district_names=districts)

    def languages(codes: Any) -> str:
        return ", ".join(language_name(c, lang) for c in codes)

    return {
        "view": view,
        "lang": lang,
        "dir": text_direction(lang),
        "_": _,
        "topic_label": lambda t: topics.label(t, lang),
        "group_label": lambda g: groups.label(g, lang),
        "groups_text": lambda ids: ", ".join(groups.label(g, lang) for g in ids),
        "district_label": lambda d: districts.get(d, d) if d else "",
        "languages": languages,
        "reason": reason,
        "ui_languages": UI_LANGUAGES,
        "lang_url": lambda code: "?" + urlencode({**request.args.to_dict(), "lang": code}),
        "topics": topics,
        "groups": groups,
        "districts": districts,
    }


@blueprint.get("/netzwerk")
def board() -> Any:
    """Offers and needs side by side, filtered by the URL's topic, language, group and district."""
    lang = _lang()
    filters = Filters.from_args(request.args)
    ctx = _context(lang)
    offers, needs = filtered(ctx["view"], filters)
    page = _page(request.args.get("page"))
    start, end = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    more = len(offers) > end or len(needs) > end
    next_url = "?" + urlencode({**request.args.to_dict(), "page": page + 1}) if more else ""
    used_languages = sorted({c for p in ctx["view"].posts.values() for c in p.languages})
    return render_template(
        "board/board.html",
        **ctx,
        filters=filters,
        offers=offers[start:end],
        needs=needs[start:end],
        offer_count=len(offers),
        need_count=len(needs),
        next_url=next_url,
        used_languages=used_languages,
    )


def _page(text: str | None) -> int:
    """The page number of ``?page=`` (1 for anything that is not a positive number)."""
    try:
        return max(1, min(int(text or 1), 10_000))
    except ValueError:
        return 1


@blueprint.get("/netzwerk/<int:post_id>")
def detail(post_id: int) -> Any:
    """One post with all its matches."""
    lang = _lang()
    ctx = _context(lang)
    post = ctx["view"].posts.get(post_id)
    if post is None:
        abort(404)
    return render_template("board/detail.html", **ctx, post=post)
