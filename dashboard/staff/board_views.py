"""Staff moderation of the exchange board at ``/verwaltung/netzwerk``: pending posts, approve / reject, figures.

Mounted on the staff blueprint (:func:`add_board_routes`), so its checks apply unchanged:
server-side session and role check, CSRF on every POST, ``noindex``/``no-store``. Every
decision is audited by :func:`registry.board.set_state` (``board_published`` /
``board_rejected`` with the reason) and mailed to the poster in their language. The
funding report's figures per quarter (:mod:`registry.board_stats`) sit under the queue.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request

from dashboard.i18n import translator
from dashboard.staff.views import lang, lurl, register, user

logger = logging.getLogger(__name__)

REASON_LIMIT = 2000


def _(msgid: str, **values: object) -> str:
    """``msgid`` (German) in the staff page's language (gettext catalogues)."""
    return translator(lang())(msgid, **values)


def _labels() -> dict[str, Any]:
    from geodata.languages import language_name
    from geodata.taxonomy import load_board_topics, load_taxonomy
    from registry.board import district_names
    from registry.register import META_DISTRICTS

    here = lang()
    topics, groups = load_board_topics(), load_taxonomy().target_groups
    districts = district_names(register().meta(META_DISTRICTS))
    return {
        "_": _,
        "topic_label": lambda t: topics.label(t, here),
        "groups_text": lambda ids: ", ".join(groups.label(g, here) for g in ids),
        "languages_text": lambda codes: ", ".join(language_name(c, here) for c in codes),
        "district_label": lambda d: districts.get(d, d) if d else "",
    }


def board_queue(status: int = 200, errors: dict[int, str] | None = None, reasons: dict[int, str] | None = None) -> Any:
    """Pending posts, oldest first, each with approve and reject; the quarterly figures below."""
    from registry.board import list_posts
    from registry.board_stats import board_figures, totals

    figures = board_figures(register())
    return (
        render_template(
            "staff/board_queue.html",
            **_labels(),
            posts=list_posts(register(), ["pending"]),
            figures=figures,
            total=totals(figures),
            errors=errors or {},
            reasons=reasons or {},
        ),
        status,
    )


def _mail(kind: str, post: Any, **values: object) -> None:
    """Tell the poster (their language plus German); a failure never undoes the decision."""
    from registry.board import send_board_mail
    from registry.mail import mail_settings

    if not post.contact:
        return
    submit = current_app.extensions.get("stadtkarte_submit")
    reg = register()
    settings = submit.mail_settings() if submit is not None else mail_settings(getattr(reg.config, "mail", None))
    city = str(getattr(reg.config, "name", "") or "")
    try:
        send_board_mail(
            kind, post.contact, post.lang, {"title": post.title, "city": city, **values}, settings, reg.data_dir
        )
    except OSError:
        logger.exception("the poster of board post %d could not be told", post.id)


def board_approve(post_id: int) -> Any:
    """Publish a pending post and tell its poster (with the post's public address)."""
    from registry.board import find_post, set_state

    post = find_post(register(), post_id)
    if post is None:
        abort(404)
    if post.state != "pending":
        flash(_("Dieser Beitrag wurde schon bearbeitet."), "error")
        return redirect(lurl("staff.board_queue"))
    post = set_state(register(), post_id, "published", actor=user().email)
    from dashboard.board import URL_PREFIX

    public = f"{request.host_url.rstrip('/')}{URL_PREFIX}/{post_id}"
    if post.lang != "de":
        public += f"?lang={post.lang}"
    _mail("board_approved", post, url=public)
    flash(_("Beitrag „{title}“ ist freigegeben und auf der Börse.", title=post.title), "success")
    return redirect(lurl("staff.board_queue"))


def board_reject(post_id: int) -> Any:
    """Reject a pending post with a reason (required; audited and mailed to the poster)."""
    from registry.board import find_post, set_state

    post = find_post(register(), post_id)
    if post is None:
        abort(404)
    reason = request.form.get("reason", "").strip()[:REASON_LIMIT]
    if not reason:
        return board_queue(
            400, errors={post_id: _("Bitte geben Sie eine Begründung an; der Verein erhält sie per E-Mail.")}
        )
    if post.state != "pending":
        flash(_("Dieser Beitrag wurde schon bearbeitet."), "error")
        return redirect(lurl("staff.board_queue"))
    post = set_state(register(), post_id, "rejected", actor=user().email, note=reason)
    _mail("board_rejected", post, reason=reason)
    flash(_("Beitrag „{title}“ ist abgelehnt.", title=post.title), "success")
    return redirect(lurl("staff.board_queue"))


def add_board_routes(bp: Blueprint) -> None:
    """Add the board's moderation routes to the staff blueprint (its guard covers them)."""
    bp.add_url_rule("/netzwerk", endpoint="board_queue", view_func=board_queue, methods=["GET"])
    bp.add_url_rule(
        "/netzwerk/<int:post_id>/freigeben", endpoint="board_approve", view_func=board_approve, methods=["POST"]
    )
    bp.add_url_rule(
        "/netzwerk/<int:post_id>/ablehnen", endpoint="board_reject", view_func=board_reject, methods=["POST"]
    )
