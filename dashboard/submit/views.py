"""Routes of the public association pages: thin adapters between the request, registry functions and a template."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES
from dashboard.i18n import text_direction, translator
from dashboard.submit import submit_app
from dashboard.submit.forms import (
    FIELD_LIMITS,
    FORM_LANGUAGES,
    HONEYPOT,
    MAX_REQUEST_BYTES,
    REPORT_TEXT_LIMIT,
    FormErrors,
    form_errors,
    form_field,
    is_email,
    merge_errors,
    prefill,
    read_offer,
)

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية", "uk": "Українська"}


# --------------------------------------------------------------------------- request helpers


def lang() -> str:
    """The interface language of this request (``?lang=``; German by default)."""
    value = (request.args.get("lang") or "").strip().lower()
    return value if value in UI_LANGUAGES else DEFAULT_LANG


def t(msgid: str, **values: object) -> str:
    """``msgid`` (German) in this request's language."""
    return translator(lang())(msgid, **values)


def lurl(endpoint: str, **values: Any) -> str:
    """``url_for`` keeping the interface language."""
    if lang() != DEFAULT_LANG:
        values.setdefault("lang", lang())
    return url_for(endpoint, **values)


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    """Render ``template`` with the shared names."""
    return render_template(f"submit/{template}", **values), status


def template_globals() -> dict[str, Any]:
    """Names every template of this blueprint can use."""
    here = lang()
    return {
        "t": t,
        "lang": here,
        "dir": text_direction(here),
        "lurl": lurl,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in UI_LANGUAGES],
        "limits": FIELD_LIMITS,
        "honeypot": HONEYPOT,
    }


def lang_url(code: str) -> str:
    """This page in interface language ``code``."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if code != DEFAULT_LANG:
        args["lang"] = code
    return url_for(str(request.endpoint), **(request.view_args or {}), **args)


def make_guard(csrf: Any) -> Callable[[], Any]:
    """``before_request``: 413 for oversized bodies, then CSRF on every POST."""

    def guard() -> Any:
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            abort(413)
        if request.method == "POST":
            csrf.protect()
        return None

    return guard


def headers(response: Response) -> Response:
    """Private pages: never cached, never indexed, never framed, never leak the token as referrer."""
    if request.view_args and "token" in request.view_args:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


#: status -> (title, message) of the short error pages (German msgids).
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: (
        "Formular abgelaufen",
        "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und senden Sie es noch einmal.",
    ),
    404: ("Nicht gefunden", "Diese Seite oder dieser Eintrag existiert nicht."),
    413: (
        "Zu viel Text",
        "Die Anfrage ist zu groß. Bitte kürzen Sie lange Texte und senden Sie das Formular noch einmal.",
    ),
    429: (
        "Zu viele Anfragen",
        "Von Ihrem Anschluss kamen in kurzer Zeit zu viele Anfragen. Bitte versuchen Sie es später noch einmal.",
    ),
}
TOKEN_TEXTS: dict[str, tuple[str, str]] = {
    "invalid": (
        "Link ungültig",
        "Dieser Link ist nicht gültig. Bitte kopieren Sie ihn vollständig aus der E-Mail oder fordern Sie einen neuen an.",
    ),
    "expired": ("Link abgelaufen", "Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen Link an."),
    "used": ("Link schon benutzt", "Dieser Link wurde schon benutzt. Bitte fordern Sie einen neuen Link an."),
}


def error_page(error: HTTPException) -> tuple[str, int]:
    """400/404/413/429 as a short page in the user's language; never any data."""
    status = error.code or 400
    title, message = ERROR_TEXTS.get(status, ERROR_TEXTS[400])
    return page("message.html", status, title=t(title), message=t(message), link=True)


def token_page(reason: str) -> tuple[str, int]:
    """A refused private link: 403 (forged) or 410 (expired, used), with how to get a new one."""
    title, message = TOKEN_TEXTS[reason]
    return page("message.html", 403 if reason == "invalid" else 410, title=t(title), message=t(message), link=True)


# --------------------------------------------------------------------------- form data


def choices() -> dict[str, Any]:
    """Category, target-group and language choices from the taxonomy, labelled in the user's language."""
    from geodata.languages import language_label
    from geodata.taxonomy import load_taxonomy

    here = lang()
    taxonomy = load_taxonomy(overrides=getattr(submit_app(current_app).register.config, "taxonomy", None))
    return {
        "categories": [(term.id, term.label(here)) for term in taxonomy.categories.terms],
        "target_groups": [(term.id, term.label(here)) for term in taxonomy.target_groups.terms],
        "offer_languages": [(code, language_label(code, here)) for code in FORM_LANGUAGES],
    }


def posted() -> tuple[dict[str, str], dict[str, list[str]]]:
    form = {k: v for k, v in request.form.items()}
    lists = {name: request.form.getlist(name) for name in ("languages", "target_groups")}
    return form, lists


def check_offer(values: Mapping[str, str], entry_id: str | None) -> tuple[FormErrors, bool]:
    """The ETL's per-record check in the user's language: (errors by form field, only the geocoding failed)."""
    from etl.problems import render
    from registry.submissions import GEOCODE_CODES

    app = submit_app(current_app)
    register = app.register
    given = dict(values)
    if entry_id is not None:
        given["id"] = entry_id
    with app.lock:
        checker = register.record_checker()
        result = checker.check(given)
    errors: dict[str | None, tuple[str, ...]] = {}
    codes = set()
    for problem in result.problems:
        if not problem.is_error:
            continue
        codes.add(problem.code)
        name = form_field(problem.field)
        errors[name] = (*errors.get(name, ()), render(problem, lang()))
    only_geocoding = bool(codes) and codes <= GEOCODE_CODES
    return FormErrors(errors), only_geocoding


def all_problems(
    form: Mapping[str, str], lists: Mapping[str, list[str]], values: Mapping[str, str], entry_id: str | None
) -> FormErrors:
    """Every problem of one submit at once: the form's own checks and the ETL's per-record check.

    For a new entry (``entry_id`` None) a failed geocoding alone does not block: the
    submission is stored and flagged for staff. A change must be placeable.
    """
    own = form_errors(form, lists, t, new=entry_id is None)
    checked, only_geocoding = check_offer(values, entry_id)
    blocking = checked if checked and not (only_geocoding and entry_id is None) else FormErrors({})
    return merge_errors(own.by_field, blocking.by_field)


def form_page(
    status: int, form: Mapping[str, str], lists: Mapping[str, list[str]], errors: FormErrors, **values: Any
) -> tuple[str, int]:
    return page("form.html", status, form=form, lists=lists, errors=errors, **choices(), **values)


def send(kind: str, to: str, mail_lang: str, entry_id: str | None, name: str) -> None:
    """Compose and deliver one message with fresh private links (a failure is logged, never shown)."""
    from registry.mail import MailSendError, compose, deliver
    from registry.tokens import LINK_DAYS, make_token

    app = submit_app(current_app)
    settings = app.mail_settings()
    base = request.host_url.rstrip("/")
    suffix = f"?lang={mail_lang}" if mail_lang != DEFAULT_LANG else ""
    links = {"edit": "", "withdraw": ""}
    if entry_id is not None:
        links = {
            "edit": base + url_for("submit.edit", token=make_token(app.secret, entry_id, "edit")) + suffix,
            "withdraw": base + url_for("submit.withdraw", token=make_token(app.secret, entry_id, "archive")) + suffix,
        }
    city = str(getattr(app.register.config, "name", "") or "")
    message = compose(kind, mail_lang, to, settings.sender, {"name": name, "city": city, "days": LINK_DAYS, **links})
    try:
        deliver(message, settings, app.data_dir)
    except MailSendError:
        logger.exception("a %s message could not be sent (the submission itself is stored)", kind)


# --------------------------------------------------------------------------- routes


def new_entry() -> Any:
    """``/eintragen``: the form; POST stores a pending new entry and mails the private links."""
    if request.method == "GET":
        return form_page(200, {}, {"languages": [], "target_groups": []}, FormErrors({}), mode="new")
    form, lists = posted()
    if form.get(HONEYPOT):
        logger.info("a submission with the honeypot filled was dropped")
        return page("done.html", 200, placed=True)
    values = read_offer(form, lists)
    errors = all_problems(form, lists, values, None)
    if errors:
        return form_page(400, form, lists, errors, mode="new")
    from registry.submissions import submit_new

    app = submit_app(current_app)
    with app.lock:
        result = submit_new(app.register, values, str(form.get("submitter_email")), lang(), now())
    kind = "received" if result.entry_id is not None else "received_unplaced"
    send(kind, str(form.get("submitter_email")).strip(), lang(), result.entry_id, values["name"])
    return page("done.html", 200, placed=result.entry_id is not None)


def _claim(token: str, purpose: str) -> Any:
    from registry.tokens import TokenError, is_used, read_token

    app = submit_app(current_app)
    try:
        claim = read_token(app.secret, token, purpose)
    except TokenError as exc:
        return None, token_page(exc.reason)
    entry = app.register.entry(claim.entry_id)
    if entry is None or entry.state in ("rejected",):
        return None, token_page("invalid")
    if is_used(app.register, claim):
        return None, token_page("used")
    return (claim, entry), None


def edit(token: str) -> Any:
    """``/eintragen/aendern/<token>``: the entry's form prefilled; POST proposes a change for review."""
    found, refused = _claim(token, "edit")
    if refused:
        return refused
    claim, entry = found
    app = submit_app(current_app)
    if request.method == "GET":
        form, lists = prefill(app.register.form_values(entry))
        return form_page(200, form, lists, FormErrors({}), mode="edit", token=token)
    form, lists = posted()
    values = read_offer(form, lists)
    errors = all_problems(form, lists, values, claim.entry_id)
    if errors:
        return form_page(400, form, lists, errors, mode="edit", token=token)
    from registry.submissions import propose_change

    with app.lock:
        propose_change(app.register, claim.entry_id, values, lang(), now())
    return page("message.html", 200, title=t("Änderung eingegangen"), message=t(DONE_CHANGE))


DONE_CHANGE = "Vielen Dank! Die Integrationsstelle prüft Ihre Änderung; danach ist sie auf der Karte."


def _once_link(token: str, purpose: str, act: Callable[[Any, str], None], title: str, message: str) -> Any:
    """A private link that works once: GET asks, POST uses the token, runs ``act`` and publishes."""
    found, refused = _claim(token, purpose)
    if refused:
        return refused
    claim, entry = found
    action = "withdraw" if purpose == "archive" else purpose
    if request.method == "GET":
        return page("confirm.html", 200, entry=entry, action=action, token=token)
    from registry.tokens import TokenError, use_once

    app = submit_app(current_app)
    try:
        use_once(app.register, claim, now())
    except TokenError as exc:
        return token_page(exc.reason)
    act(app.register, claim.entry_id)
    publish_quietly()
    return page("message.html", 200, title=t(title), message=t(message))


def withdraw(token: str) -> Any:
    """``/eintragen/zurueckziehen/<token>``: GET asks, POST archives the entry (this link works once)."""
    from registry.submissions import withdraw_entry

    return _once_link(token, "archive", withdraw_entry, "Eintrag zurückgezogen", DONE_WITHDRAW)


DONE_WITHDRAW = "Der Eintrag ist nicht mehr auf der Karte. Die Integrationsstelle kann ihn auf Wunsch wiederherstellen."


def confirm(token: str) -> Any:
    """``/eintragen/bestaetigen/<token>``: GET asks, POST records "still valid" (this link works once)."""
    from registry.reminders import confirm_entry

    def still_valid(register: Any, entry_id: str) -> None:
        confirm_entry(register, entry_id, now(), actor="public")

    return _once_link(token, "confirm", still_valid, "Vielen Dank!", DONE_CONFIRM)


DONE_CONFIRM = "Der Eintrag ist als aktuell bestätigt."


def publish_quietly() -> None:
    """Publish a new snapshot after a change the public made directly (logged, never shown, when it fails)."""
    app = submit_app(current_app)
    try:
        app.register.publish(app.data_dir, actor="public")
    except Exception:  # the change is stored; staff publish again from /verwaltung
        logger.exception("publishing after a private-link action failed; the change is stored")


def request_link() -> Any:
    """``/eintragen/link``: send new private links to the contact e-mail (same answer for every address)."""
    if request.method == "GET":
        return page("link.html", 200, errors=FormErrors({}), email="")
    email = str(request.form.get("email") or "").strip()
    if len(email) > 320 or not is_email(email):
        message = t(
            "Bitte geben Sie Ihre E-Mail-Adresse an, z. B. name@verein.de – dorthin senden wir den privaten Link."
        )
        return page("link.html", 400, errors=FormErrors({"email": (message,)}), email=email[:320])
    from registry.submissions import entries_of

    app = submit_app(current_app)
    for entry_id, mail_lang in entries_of(app.register, email):
        entry = app.register.entry(entry_id)
        if entry is not None:
            send("links", email, mail_lang, entry_id, entry.name)
    return page("message.html", 200, title=t("Link angefordert"), message=t(DONE_LINK))


DONE_LINK = (
    "Wenn zu dieser Adresse ein Eintrag gehört, haben wir soeben einen neuen privaten Link dorthin geschickt. "
    "Bitte sehen Sie auch im Spam-Ordner nach."
)


def report() -> Any:
    """``/melden?offer=<id>``: what is wrong with an entry -> a report in the moderation queue."""
    from registry.submissions import REPORT_KINDS, report_problem

    app = submit_app(current_app)
    offer_id = str(request.values.get("offer") or "")[:64]
    entry = app.register.entry(offer_id) if offer_id else None
    if entry is None or entry.state != "published" or entry.properties.get("listed") is False:  # never public
        abort(404)
    if request.method == "GET":
        return page("report.html", 200, entry=entry, kinds=REPORT_KINDS, errors=FormErrors({}), form={})
    form = {k: v for k, v in request.form.items()}
    if form.get(HONEYPOT):
        return page("message.html", 200, title=t("Vielen Dank!"), message=t(DONE_REPORT))
    errors: dict[str | None, tuple[str, ...]] = {}
    what, text = str(form.get("what") or ""), str(form.get("text") or "").strip()
    if what not in REPORT_KINDS:
        errors["what"] = (t("Bitte wählen Sie, was nicht stimmt."),)
    if len(text) > REPORT_TEXT_LIMIT:
        errors["text"] = (t("Bitte kürzen Sie den Text auf höchstens {limit} Zeichen.", limit=REPORT_TEXT_LIMIT),)
    elif what == "other" and not text:
        errors["text"] = (t("Bitte beschreiben Sie kurz, was nicht stimmt."),)
    if errors:
        return page("report.html", 400, entry=entry, kinds=REPORT_KINDS, errors=FormErrors(errors), form=form)
    report_problem(app.register, entry.id, what, text)
    return page("message.html", 200, title=t("Vielen Dank!"), message=t(DONE_REPORT))


DONE_REPORT = "Ihre Meldung ist bei der Integrationsstelle eingegangen und wird geprüft."


def make_blueprint(csrf: Any, limiter: Any) -> Blueprint:
    """The ``submit`` blueprint with its checks, error pages and rate-limited routes."""
    bp = Blueprint("submit", __name__, template_folder="templates")
    bp.before_request(make_guard(csrf))
    bp.after_request(headers)
    bp.context_processor(template_globals)
    bp.app_template_global("submit_lang_url")(lang_url)
    for code in ERROR_TEXTS:
        bp.register_error_handler(code, error_page)

    def limited(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return limiter.limit(lambda: getattr(submit_app(current_app), f"{kind}_limit"), methods=["POST"])

    routes: tuple[tuple[str, Callable[..., Any], str | None], ...] = (
        ("/eintragen", new_entry, "submit"),
        ("/eintragen/aendern/<token>", edit, "submit"),
        ("/eintragen/zurueckziehen/<token>", withdraw, "link"),
        ("/eintragen/bestaetigen/<token>", confirm, "link"),
        ("/eintragen/link", request_link, "link"),
        ("/melden", report, "report"),
    )
    for rule, view, kind in routes:
        func = limited(kind)(view) if kind else view
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=func, methods=["GET", "POST"])
    return bp
