"""Routes of the public board (thin: read the cache, filter, render)."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request

from analysis.matching import explain
from dashboard.board.model import Filters, filtered
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES
from dashboard.i18n import text_direction, translator
from geodata.languages import language_name
from geodata.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

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
    from dashboard.board.print_views import current_view

    view = current_view()  # an empty board for a data folder without a register
    topics = _cache().topics()
    groups = load_taxonomy().target_groups
    districts = _cache().district_names() if _cache().has_board() else {}
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


# --------------------------------------------------------------------------- posting, contact, closing
#
# The public forms reuse the offer form's machinery: the session secret and CSRF of the
# staff side (``configure_session``, Flask-WTF), private links (``registry.tokens``: an
# ``edit`` link changes a post, a once-only ``archive`` link closes it; both name
# ``board:<id>``), mail (``registry.mail`` with the board's texts, outbox by default), the
# submit pages' mail settings, geocoding lock, size limit, honeypot and error texts.

BOARD_LIMITS_KEY = "stadtkarte_board_limits"
TOKEN_PREFIX = "board:"


@dataclass
class BoardLimits:
    """Rate limits of the board's forms (``limits`` notation), counted in this process's memory."""

    post: str = "10 per hour"  # new posts, changes and closings per client address
    contact_ip: str = "5 per hour"  # contact messages per client address
    contact_post: str = "20 per day"  # contact messages to one post, from anyone
    _limiter: Any = field(default=None, repr=False)

    def allow(self, limit: str, *key: str) -> bool:
        """Count one hit of ``key`` against ``limit``; False when it is used up."""
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        if self._limiter is None:
            self._limiter = MovingWindowRateLimiter(MemoryStorage())
        return bool(self._limiter.hit(parse(limit), "board", *key))


@blueprint.record_once
def _setup(state: Any) -> None:
    """Session secret, CSRF and rate limits for the board's forms (shared with the staff and submit pages)."""
    from flask_wtf.csrf import CSRFProtect

    from dashboard.staff import configure_session

    app = state.app
    cache = app.extensions.get("stadtkarte_board")
    if cache is not None and not app.secret_key:
        configure_session(app, cache.data_dir)
    if "csrf" not in app.extensions:
        CSRFProtect(app)
    app.extensions.setdefault(BOARD_LIMITS_KEY, BoardLimits())


def _limits() -> BoardLimits:
    return current_app.extensions[BOARD_LIMITS_KEY]


FORM_ENDPOINTS = frozenset({"board.new_post", "board.edit_post", "board.close_post", "board.contact"})


@blueprint.before_request
def _guard() -> Any:
    """413 for oversized bodies, CSRF on every POST of the board's forms."""
    from dashboard.submit.forms import MAX_REQUEST_BYTES

    if request.endpoint in FORM_ENDPOINTS:
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            abort(413)
        if request.method == "POST":
            current_app.extensions["csrf"].protect()
    return None


@blueprint.after_request
def _private(response: Response) -> Response:
    """The forms' pages: never cached, never framed; private links are never indexed or sent as referrer."""
    if request.endpoint in FORM_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.view_args and "token" in request.view_args:
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _message(status: int, title: str, text: str, lang: str | None = None) -> tuple[str, int]:
    """A short page with a heading and one message (German msgids, shown in the user's language)."""
    lang = lang or _lang()
    _ = translator(lang)
    return render_template("board/message.html", **_form_context(lang), title=_(title), message=_(text)), status


def _error(error: Any) -> tuple[str, int]:
    """400/404/413/429 as a short page in the user's language (never any data)."""
    from dashboard.submit.views import ERROR_TEXTS

    status = getattr(error, "code", None) or 400
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[400])
    return _message(status, title, text)


for _status in (400, 404, 413, 429):
    blueprint.register_error_handler(_status, _error)


def _form_context(lang: str) -> dict[str, Any]:
    """The board's template names plus what the shared form macros use (``t``, ``limits``, ``honeypot``)."""
    from dashboard.board.forms import CONTACT_LIMITS, POST_LIMITS
    from dashboard.submit.forms import HONEYPOT

    ctx = _context(lang)
    return {**ctx, "t": ctx["_"], "limits": {**POST_LIMITS, **CONTACT_LIMITS}, "honeypot": HONEYPOT}


def _lurl(endpoint: str, lang: str, **values: Any) -> str:
    from flask import url_for

    if lang != DEFAULT_LANG:
        values.setdefault("lang", lang)
    return url_for(endpoint, **values)


def _client() -> str:
    return request.remote_addr or "unknown"


def _mail_settings() -> Any:
    """The submit pages' mail settings (one ``[mail]`` for all public forms); the city config's otherwise."""
    app = current_app.extensions.get("stadtkarte_submit")
    if app is not None:
        return app.mail_settings()
    from registry.mail import mail_settings

    return mail_settings(getattr(_cache().register.config, "mail", None))


def _register() -> Any:
    return _cache().register


def _send(kind: str, to: str, mail_lang: str, values: dict[str, Any], reply_to: str | None = None) -> str:
    """Send one board message (:func:`registry.board.send_board_mail`); returns ``smtp`` or ``outbox``."""
    from registry.board import send_board_mail

    city = str(getattr(_register().config, "name", "") or "")
    return send_board_mail(
        kind, to, mail_lang, {"city": city, **values}, _mail_settings(), _cache().data_dir, reply_to=reply_to
    )


def _links(post_id: int, mail_lang: str) -> dict[str, Any]:
    """Fresh private links of a post: change (reusable) and close (once only)."""
    from flask import url_for

    from registry.tokens import LINK_DAYS, make_token

    secret = str(current_app.secret_key)
    base = request.host_url.rstrip("/")
    suffix = f"?lang={mail_lang}" if mail_lang != DEFAULT_LANG else ""
    ident = f"{TOKEN_PREFIX}{post_id}"
    return {
        "edit": base + url_for("board.edit_post", token=make_token(secret, ident, "edit")) + suffix,
        "close": base + url_for("board.close_post", token=make_token(secret, ident, "archive")) + suffix,
        "days": LINK_DAYS,
    }


def _choices(lang: str) -> dict[str, Any]:
    """Topics, target groups, languages and districts of the posting form, labelled in ``lang``."""
    from geodata.languages import language_label

    topics = _cache().topics()
    groups = load_taxonomy().target_groups
    districts = _cache().district_names()
    return {
        "topic_choices": [(t, topics.label(t, lang)) for t in topics.ids],
        "group_choices": [(g, groups.label(g, lang)) for g in groups.ids],
        "language_choices": [(c, language_label(c, lang)) for c in _form_languages()],
        "district_choices": sorted(districts.items(), key=lambda item: item[1]),
    }


def _form_languages() -> tuple[str, ...]:
    from dashboard.board.forms import FORM_LANGUAGES

    return FORM_LANGUAGES


def _posted() -> tuple[dict[str, str], dict[str, list[str]]]:
    form = {k: v for k, v in request.form.items()}
    return form, {name: request.form.getlist(name) for name in ("languages", "target_groups")}


def _check_post(form: dict[str, str], lists: dict[str, list[str]], lang: str, new: bool) -> tuple[Any, Any]:
    """The form's checks, then (only when they pass) the address placed by the offers' geocoding chain."""
    from dataclasses import replace

    from dashboard.board.forms import check_post, merge_errors
    from etl.problems import render
    from registry.board import Located, locate_address

    _ = translator(lang)
    topics, groups = _cache().topics(), load_taxonomy().target_groups
    values, address, errors = check_post(
        form,
        lists,
        _,
        today=_cache().today(),
        topics=topics.ids,
        groups=groups.ids,
        districts=_cache().district_names(),
        new=new,
        lang=lang,
    )
    if errors or not address:
        return values, errors
    submit = current_app.extensions.get("stadtkarte_submit")
    lock = submit.lock if submit is not None else nullcontext()
    with lock:
        found = locate_address(_register(), address.street, address.house_number, address.postal_code)
    if isinstance(found, Located):
        return replace(
            values, lon=found.lon, lat=found.lat, district_id=values.district_id or found.district_id
        ), errors
    messages = tuple(render(p, lang) for p in found) or (_("Bitte prüfen Sie die Adresse."),)
    return values, merge_errors(errors.by_field, {"street": messages})


def _post_form(
    status: int, lang: str, form: dict[str, str], lists: dict[str, list[str]], errors: Any, **values: Any
) -> tuple[str, int]:
    from dashboard.board.forms import default_valid_until

    form.setdefault("valid_until", default_valid_until(_cache().today()).isoformat())
    return (
        render_template(
            "board/form.html", **_form_context(lang), **_choices(lang), form=form, lists=lists, errors=errors, **values
        ),
        status,
    )


def new_post() -> Any:
    """``/netzwerk/eintragen``: the posting form; POST stores a pending post and mails the private links."""
    from dashboard.board.forms import FormErrors
    from dashboard.submit.forms import HONEYPOT
    from registry.board import add_post

    lang = _lang()
    if request.method == "GET":
        return _post_form(200, lang, {"kind": request.args.get("kind", "")[:8]}, {}, FormErrors({}), mode="new")
    if not _limits().allow(_limits().post, "post", _client()):
        abort(429)
    form, lists = _posted()
    if form.get(HONEYPOT):
        logger.info("a board post with the honeypot filled was dropped")
        return _message(200, "Vielen Dank!", DONE_POST)
    values, errors = _check_post(form, lists, lang, new=True)
    if errors:
        return _post_form(400, lang, form, lists, errors, mode="new")
    post = add_post(_register(), values, actor="public")
    _send("board_received", post.contact, lang, {"title": post.title, **_links(post.id, lang)})
    logger.info("board post %d stored (pending)", post.id)
    return _message(200, "Vielen Dank!", DONE_POST)


DONE_POST = (
    "Ihr Beitrag ist eingegangen. Die Integrationsstelle prüft ihn; danach erscheint er auf der Börse. "
    "Wir haben Ihnen eine E-Mail mit den privaten Links zum Ändern und Schließen geschickt."
)


def _claim(token: str, purpose: str) -> tuple[Any, Any]:
    """The post a private link grants, or the page that refuses it (forged, expired, used, closed)."""
    from dashboard.submit.views import TOKEN_TEXTS
    from registry.board import EDITABLE, find_post
    from registry.tokens import TokenError, is_used, read_token

    def refuse(reason: str) -> tuple[None, Any]:
        title, text = TOKEN_TEXTS[reason]
        return None, _message(403 if reason == "invalid" else 410, title, text)

    try:
        claim = read_token(str(current_app.secret_key), token, purpose)
    except TokenError as exc:
        return refuse(exc.reason)
    ident = claim.entry_id.removeprefix(TOKEN_PREFIX)
    if not claim.entry_id.startswith(TOKEN_PREFIX) or not ident.isdigit():
        return refuse("invalid")
    post = find_post(_register(), int(ident))
    if post is None or post.state == "rejected":
        return refuse("invalid")
    if is_used(_register(), claim):
        return refuse("used")
    if post.state not in EDITABLE:
        return None, _message(410, "Beitrag geschlossen", CLOSED_ALREADY)
    return (claim, post), None


CLOSED_ALREADY = "Dieser Beitrag ist schon geschlossen und nicht mehr auf der Börse."


def edit_post(token: str) -> Any:
    """``/netzwerk/aendern/<token>``: the post's form prefilled; POST stores the change (reviewed again)."""
    from dashboard.board.forms import FormErrors, form_of
    from registry.board import PostNotOpen, PostValues, update_post

    found, refused = _claim(token, "edit")
    if refused:
        return refused
    post = found[1]
    lang = _lang()
    if request.method == "GET":
        stored = PostValues(**{k: getattr(post, k) for k in PostValues.__dataclass_fields__})
        form, lists = form_of(stored)
        return _post_form(200, lang, form, lists, FormErrors({}), mode="edit", token=token)
    if not _limits().allow(_limits().post, "post", _client()):
        abort(429)
    form, lists = _posted()
    values, errors = _check_post(form, lists, lang, new=False)
    if errors:
        return _post_form(400, lang, form, lists, errors, mode="edit", token=token)
    try:
        update_post(_register(), post.id, values)
    except PostNotOpen:
        return _message(410, "Beitrag geschlossen", CLOSED_ALREADY)
    return _message(200, "Änderung eingegangen", DONE_CHANGE)


DONE_CHANGE = "Vielen Dank! Die Integrationsstelle prüft Ihre Änderung; danach ist sie auf der Börse."


def _match_choices(post_id: int) -> list[Any]:
    """The post's current matches as (post id, post) for the closing form (empty when it is not public)."""
    view = _cache().view()
    out = []
    for match in view.matches.get(post_id, ()):
        other = view.posts.get(int(match.other_id))
        if other is not None:
            out.append((other.id, other))
    return out


def close_post(token: str) -> Any:
    """``/netzwerk/schliessen/<token>``: GET asks how it went and which match helped; POST closes (link works once)."""
    from dashboard.board.forms import FormErrors, check_close
    from registry.board import PostNotOpen
    from registry.board import close_post as close
    from registry.tokens import TokenError, use_once

    found, refused = _claim(token, "archive")
    if refused:
        return refused
    claim, post = found
    lang = _lang()
    matches = _match_choices(post.id)

    def show(status: int, form: dict[str, str], errors: Any) -> tuple[str, int]:
        ctx = _form_context(lang)
        return render_template(
            "board/close.html", **ctx, post=post, matches=matches, form=form, errors=errors, token=token
        ), status

    if request.method == "GET":
        return show(200, {}, FormErrors({}))
    if not _limits().allow(_limits().post, "post", _client()):
        abort(429)
    form = {k: v for k, v in request.form.items()}
    (outcome, helped, helped_id), errors = check_close(form, {i for i, _p in matches}, translator(lang))
    if errors:
        return show(400, form, errors)
    try:
        use_once(_register(), claim, datetime.now(UTC))
        close(_register(), post.id, outcome, helped, helped_id)
    except TokenError as exc:
        return _claim_refused(exc.reason)
    except PostNotOpen:
        return _message(410, "Beitrag geschlossen", CLOSED_ALREADY)
    return _message(200, "Beitrag geschlossen", DONE_CLOSE)


def _claim_refused(reason: str) -> tuple[str, int]:
    from dashboard.submit.views import TOKEN_TEXTS

    title, text = TOKEN_TEXTS[reason]
    return _message(403 if reason == "invalid" else 410, title, text)


DONE_CLOSE = "Vielen Dank! Der Beitrag ist geschlossen und nicht mehr auf der Börse. Ihre Angabe hilft der Integrationsstelle, das Netzwerk zu verbessern."


def _from_match(post_id: int, text: str | None) -> int | None:
    """The post the contact started at, when it is one of this post's matches (or this post one of its)."""
    if not text or not text.isdigit():
        return None
    view, other = _cache().view(), int(text)
    mine = {int(m.other_id) for m in view.matches.get(post_id, ())}
    theirs = {int(m.other_id) for m in view.matches.get(other, ())}
    return other if other in mine or post_id in theirs else None


def contact(post_id: int) -> Any:
    """``/netzwerk/<id>/kontakt``: a message to the poster through the platform (their address stays hidden)."""
    from dashboard.board.forms import FormErrors, check_contact
    from dashboard.submit.forms import HONEYPOT
    from registry.board import Contact, record_contact

    lang = _lang()
    post = _cache().view().posts.get(post_id)
    if post is None or not post.contact:
        abort(404)
    came_from = _from_match(post_id, request.values.get("from"))

    def show(status: int, form: dict[str, str], errors: Any) -> tuple[str, int]:
        return render_template(
            "board/contact.html", **_form_context(lang), post=post, form=form, errors=errors, came_from=came_from
        ), status

    if request.method == "GET":
        return show(200, {}, FormErrors({}))
    limits = _limits()
    if not limits.allow(limits.contact_ip, "contact-ip", _client()) or not limits.allow(
        limits.contact_post, "contact-post", str(post_id)
    ):
        abort(429)
    form = {k: v for k, v in request.form.items()}
    if form.get(HONEYPOT):
        return _message(200, "Nachricht gesendet", DONE_CONTACT)
    message, errors = check_contact(form, translator(lang))
    if errors:
        return show(400, form, errors)
    delivery = _send(
        "board_contact",
        post.contact,
        post.lang,
        {"title": post.title, **vars(message)},
        reply_to=message.sender_email,
    )
    record_contact(_register(), Contact(post_id, came_from, datetime.now(UTC), delivery))
    return _message(200, "Nachricht gesendet", DONE_CONTACT)


DONE_CONTACT = (
    "Ihre Nachricht ist unterwegs. Der Verein antwortet Ihnen direkt an Ihre E-Mail-Adresse; "
    "seine Adresse zeigt die Börse nicht."
)


for _rule, _view in (
    ("/netzwerk/eintragen", new_post),
    ("/netzwerk/aendern/<token>", edit_post),
    ("/netzwerk/schliessen/<token>", close_post),
    ("/netzwerk/<int:post_id>/kontakt", contact),
):
    blueprint.add_url_rule(_rule, endpoint=_view.__name__, view_func=_view, methods=["GET", "POST"])
