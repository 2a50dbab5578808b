"""Routes of the staff pages: thin adapters between the request, the register and a template.

Each view reads the request, calls one or two register operations and renders a template
or redirects (post/redirect/get). The checks every route shares (session, role, CSRF,
``noindex``) run in the blueprint's ``before_request``/``after_request``; see
:mod:`dashboard.staff` for the security model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from dashboard.staff import URL_PREFIX, staff_app
from dashboard.staff.forms import (
    ACCESSIBILITY_CHOICES,
    ENTRY_STATES,
    FORM_FIELDS,
    MIN_PASSWORD_LENGTH,
    MULTILINE_FIELDS,
    QUEUE_KINDS,
    ROLES,
    FieldError,
    choose,
    clean_query,
    conflict_rows,
    display_value,
    errors_by_field,
    form_text,
    form_values,
    make_page,
    parse_offset,
    problem_errors,
    safe_next,
    user_form_errors,
)
from dashboard.staff.messages import STAFF_DEFAULT_LANG, STAFF_LANGUAGES, has_text, staff_lang, staff_translator
from dashboard.staff.security import StaffUser
from registry import Problem, render_problem

logger = logging.getLogger(__name__)

#: Endpoints reachable without a session.
PUBLIC_ENDPOINTS = frozenset({"staff.login", "staff.static"})
#: Endpoints for admins only.
ADMIN_ENDPOINTS = frozenset({"staff.users", "staff.add_user", "staff.disable_user"})
SESSION_EMAIL = "staff_email"
SESSION_EPOCH = (
    "staff_epoch"  # the account's session epoch at sign-in (registry: sign-out and password change raise it)
)


# --------------------------------------------------------------------------- request helpers


def lang() -> str:
    """The staff interface language of this request (``?lang=``; German by default)."""
    return staff_lang(request.args.get("lang"))


def t(key: str, **values: object) -> str:
    """``key`` in this request's language."""
    return staff_translator(lang())(key, **values)


def lurl(endpoint: str, **values: Any) -> str:
    """``url_for`` that keeps the interface language (``?lang=en``) on every link and form."""
    if lang() != STAFF_DEFAULT_LANG:
        values.setdefault("lang", lang())
    return url_for(endpoint, **values)


def lang_url(code: str) -> str:
    """This page's URL in interface language ``code`` (other query parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if code != STAFF_DEFAULT_LANG:
        args.append(("lang", code))
    return request.path + ("?" + urlencode(args) if args else "")


def when(value: Any) -> str:
    """A timestamp as staff read it (``2026-11-30 17:05``)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return display_value(value)


def label(prefix: str, name: str) -> str:
    """The catalogue text ``prefix + name`` (an audit action, a state ...), or ``name`` when there is none."""
    return t(prefix + name) if has_text(prefix + name) else name


def field_label(name: str) -> str:
    """The label of contract field ``name`` in this request's language (the name itself when unknown)."""
    return t(f"field_{name}") if has_text(f"field_{name}") else name


def wants_json() -> bool:
    """True when the client asked for JSON (an API call rather than a page view)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def current_user() -> StaffUser | None:
    """The signed-in staff member, re-checked against the register (active, current role)."""
    email = session.get(SESSION_EMAIL)
    if not email:
        return None
    account = register().user(email)
    if account is None or not account.active or session.get(SESSION_EPOCH) != account.session_epoch:
        session.clear()  # disabled, or signed out / password changed elsewhere since this sign-in
        return None
    return StaffUser(email=account.email, role=account.role)


def register() -> Any:
    """The app's register."""
    return staff_app(current_app).register


def user() -> StaffUser:
    """The signed-in staff member of this request (set by the session check)."""
    return g.staff_user


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a staff template with ``status``."""
    return render_template(f"staff/{template}", **context), status


def publish_now(done_key: str, **values: object) -> None:
    """Publish a new snapshot and flash ``done_key``; a failure keeps the previous snapshot and says so."""
    from registry import RegisterError

    try:
        version = register().publish(staff_app(current_app).data_dir, actor=user().email)
    except (RegisterError, OSError, ValueError) as exc:
        logger.exception("publishing after a staff action failed")
        flash(t("publish_failed", message=str(exc)), "error")
        return
    flash(t(done_key, version=version, **values), "success")


def tell_submitter(change_id: int) -> None:
    """Mail staff's decision on ``change_id`` to whoever submitted it (new entry or private-link change).

    In the submitter's language with a German copy (:func:`registry.mail.compose`); without
    SMTP it goes to the outbox. A failure is logged, never shown: the decision stands, and
    ``stadtkarte remind`` tells what was not told yet.
    """
    from registry.mail import compose, deliver
    from registry.submissions import tell_decisions

    staff = staff_app(current_app)
    settings = staff.mail_settings()
    city = str(getattr(register().config, "name", "") or "")

    def send(kind: str, to: str, mail_lang: str, values: Any) -> object:
        return deliver(
            compose(kind, mail_lang, to, settings.sender, {"city": city, **values}), settings, staff.data_dir
        )

    try:
        tell_decisions(register(), send, datetime.now(UTC), change_id=change_id)
    except Exception:  # the decision is stored; the daily run tells what is left
        logger.exception("the decision on change set %d could not be mailed", change_id)


# --------------------------------------------------------------------------- shared checks


def make_guard(csrf: Any) -> Callable[[], Any]:
    """The blueprint's ``before_request``: session, role and CSRF checks, in that order."""

    def guard() -> Any:
        if request.endpoint in PUBLIC_ENDPOINTS:
            if request.method == "POST":
                csrf.protect()
            return None
        staff_user = current_user()
        if staff_user is None:
            if request.method != "GET" or wants_json():
                abort(401)
            target = request.full_path if request.query_string else request.path
            return redirect(lurl("staff.login", next=target))
        g.staff_user = staff_user
        if request.endpoint in ADMIN_ENDPOINTS and not staff_user.is_admin:
            abort(403)
        if request.method == "POST":
            csrf.protect()
        return None

    return guard


def no_index(response: Response) -> Response:
    """Keep staff pages out of search engines and shared caches."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def template_globals() -> dict[str, Any]:
    """Names every staff template can use."""
    return {
        "t": t,
        "lang": lang(),
        "languages": STAFF_LANGUAGES,
        "lang_url": lang_url,
        "lurl": lurl,
        "when": when,
        "show": display_value,
        "field_label": field_label,
        "label": label,
        "staff_user": g.get("staff_user"),
        "prefix": URL_PREFIX,
    }


#: status -> (title key, message key) of the short error pages.
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("csrf_title", "csrf"),  # a missing/expired CSRF token or a tampered form
    401: ("unauthorized", "login_required"),
    403: ("forbidden_title", "forbidden"),
    404: ("not_found_title", "not_found"),
    429: ("too_many_title", "too_many"),
}


def error_page(error: HTTPException) -> tuple[Response | str, int]:
    """400/401/403/404/429 as a short page in the user's language (JSON when asked for); never any data."""
    status = error.code or 400
    title_key, message_key = ERROR_TEXTS.get(status, ERROR_TEXTS[400])
    if wants_json():
        return Response(f'{{"error": "{message_key}"}}\n', mimetype="application/json"), status
    return page("error.html", status, title=t(title_key), message=t(message_key))


# --------------------------------------------------------------------------- sign-in


def login() -> Any:
    """Sign-in form; POST checks the password (rate-limited, locked after repeated failures)."""
    staff = staff_app(current_app)
    if request.method == "GET":
        if session.get(SESSION_EMAIL) and current_user() is not None:
            return redirect(lurl("staff.queue"))
        return page("login.html", email="", errors=[], next=request.args.get("next", ""))
    email = request.form.get("email", "").strip()[:320]
    password = request.form.get("password", "")[:1024]
    account = None if staff.lockout.is_locked(email) else register().authenticate(email, password)
    if account is None or account.role not in ROLES:
        staff.lockout.record_failure(email)
        logger.info("failed staff sign-in")
        errors = [FieldError("email", t("login_failed"))]
        return page("login.html", 401, email=email, errors=errors, next=request.form.get("next", ""))
    staff.lockout.clear(email)
    session.clear()
    session.permanent = True
    session[SESSION_EMAIL] = account.email
    session[SESSION_EPOCH] = account.session_epoch
    logger.info("staff sign-in (%s)", account.role)
    return redirect(safe_next(request.form.get("next"), URL_PREFIX, lurl("staff.queue")))


def logout() -> Any:
    """Sign out (POST with CSRF token) everywhere and go back to the sign-in page."""
    email = session.get(SESSION_EMAIL)
    if email and current_user() is not None:
        register().end_sessions(email)  # every other session of this account ends too
    session.clear()
    flash(t("logged_out"), "success")
    return redirect(lurl("staff.login"))


# --------------------------------------------------------------------------- moderation


def index() -> Any:
    """``/verwaltung/`` -> the queue."""
    return redirect(lurl("staff.queue"))


def queue() -> Any:
    """The moderation queue: counts per kind, filter by kind, search, paging."""
    kind = choose(request.args.get("kind"), QUEUE_KINDS)
    q = clean_query(request.args.get("q"))
    offset = parse_offset(request.args.get("offset"))
    size = staff_app(current_app).page_size
    items = register().queue(kind=kind, q=q, limit=size + 1, offset=offset)
    counts = register().queue_counts()
    return page(
        "queue.html",
        kinds=QUEUE_KINDS,
        counts=counts,
        total=sum(counts.get(k, 0) for k in QUEUE_KINDS),
        kind=kind,
        q=q or "",
        listing=make_page(items, offset, size),
    )


def _change_page(change_id: int, status: int = 200, errors: list[FieldError] | None = None, reason: str = "") -> Any:
    change = register().change(change_id)
    if change is None:
        abort(404)
    entry = register().entry(change.entry_id) if change.entry_id else None
    return page(
        "change.html",
        status,
        change=change,
        entry=entry,
        diffs=register().diff(change_id),
        problems=[problem_text(p) for p in change.problems],
        errors=errors or [],
        field_errors=errors_by_field(errors or []),
        reason=reason,
    )


def change(change_id: int) -> Any:
    """One change: what it is, its problems and its diff against the published version."""
    return _change_page(change_id)


def approve(change_id: int) -> Any:
    """Approve a pending change and publish a new snapshot."""
    from registry import RecordInvalid, RegisterError

    item = register().change(change_id)
    if item is None:
        abort(404)
    if item.state != "pending":
        flash(t("not_pending", state=label("cstate_", item.state)), "error")
        return redirect(lurl("staff.change", change_id=change_id))
    try:
        register().approve(change_id, actor=user().email)
    except RecordInvalid as exc:
        errors = problem_errors(exc.problems, problem_render(), lang())
        return _change_page(change_id, 400, errors)
    except RegisterError as exc:
        return _change_page(change_id, 409, [FieldError(None, t("register_error", message=str(exc)))])
    publish_now("approved")
    tell_submitter(change_id)
    return redirect(lurl("staff.queue"))


def reject(change_id: int) -> Any:
    """Reject a pending change; the reason is required and kept."""
    from registry import RegisterError

    item = register().change(change_id)
    if item is None:
        abort(404)
    reason = request.form.get("reason", "").strip()[:2000]
    if not reason:
        return _change_page(change_id, 400, [FieldError("reason", t("reason_required"))])
    try:
        register().reject(change_id, actor=user().email, reason=reason)
    except (RegisterError, ValueError) as exc:
        return _change_page(change_id, 409, [FieldError(None, t("register_error", message=str(exc)))], reason)
    tell_submitter(change_id)
    flash(t("rejected"), "success")
    return redirect(lurl("staff.queue"))


# --------------------------------------------------------------------------- entries


def entries() -> Any:
    """All entries, filtered by state and searched, with paging."""
    state = choose(request.args.get("state"), ENTRY_STATES)
    q = clean_query(request.args.get("q"))
    offset = parse_offset(request.args.get("offset"))
    size = staff_app(current_app).page_size
    found = register().entries(state=state, q=q, limit=size + 1, offset=offset)
    listing = make_page(found, offset, size)
    return page("entries.html", states=ENTRY_STATES, state=state, q=q or "", listing=listing)


def _entry_page(entry: Any, values: dict[str, str], errors: list[FieldError], status: int = 200) -> Any:
    return page(
        "entry.html",
        status,
        entry=entry,
        values=values,
        errors=errors,
        field_errors=errors_by_field(errors),
        fields=FORM_FIELDS,
        multiline=MULTILINE_FIELDS,
        categories=category_choices(),
        accessibility=ACCESSIBILITY_CHOICES,
        expected_version=entry.version,
    )


def entry(entry_id: str) -> Any:
    """An entry with its edit form (every contract field), archive/restore and its audit log link."""
    found = register().entry(entry_id)
    if found is None:
        abort(404)
    return _entry_page(found, form_text(register().form_values(found)), [])


def save_entry(entry_id: str) -> Any:
    """Save the edit form: validated by the register; a stale version -> conflict page, nothing overwritten."""
    from registry import EditConflict, RecordInvalid, UnknownEntry

    found = register().entry(entry_id)
    if found is None:
        abort(404)
    try:
        expected = int(request.form.get("expected_version", ""))
    except ValueError:
        abort(400)
    values = form_values(request.form)
    try:
        saved = register().edit(entry_id, values, actor=user().email, expected_version=expected)
    except EditConflict as exc:
        return conflict_page(exc.current, form_text(values))
    except RecordInvalid as exc:
        errors = problem_errors(exc.problems, problem_render(), lang())
        return _entry_page(found, form_text(values), errors or [FieldError(None, str(exc))], 400)
    except UnknownEntry:
        abort(404)
    if saved.state == "published":
        publish_now("saved_published")
    else:
        flash(t("saved", version=saved.version), "success")
    return redirect(lurl("staff.entry", entry_id=entry_id))


def conflict_page(current: Any, yours: dict[str, str]) -> Any:
    """Both versions side by side (409); the form carries the user's values onto the current version."""
    saved = form_text(register().form_values(current))
    return page(
        "conflict.html",
        409,
        entry=current,
        rows=conflict_rows(saved, yours),
        values=yours,
        fields=FORM_FIELDS,
        multiline=MULTILINE_FIELDS,
        categories=category_choices(),
        accessibility=ACCESSIBILITY_CHOICES,
        expected_version=current.version,
        errors=[],
        field_errors={},
    )


def archive(entry_id: str) -> Any:
    """Archive an entry (off the public map) and publish."""
    from registry import RegisterError, UnknownEntry

    reason = request.form.get("reason", "").strip()[:2000]
    try:
        register().archive(entry_id, actor=user().email, reason=reason)
    except UnknownEntry:
        abort(404)
    except RegisterError as exc:
        flash(t("register_error", message=str(exc)), "error")
        return redirect(lurl("staff.entry", entry_id=entry_id))
    publish_now("archived")
    return redirect(lurl("staff.entry", entry_id=entry_id))


def restore(entry_id: str) -> Any:
    """Restore an archived entry and publish."""
    from registry import RegisterError, UnknownEntry

    try:
        register().restore(entry_id, actor=user().email)
    except UnknownEntry:
        abort(404)
    except RegisterError as exc:
        flash(t("register_error", message=str(exc)), "error")
        return redirect(lurl("staff.entry", entry_id=entry_id))
    publish_now("restored")
    return redirect(lurl("staff.entry", entry_id=entry_id))


def publish() -> Any:
    """Publish the register now (e.g. after a failed publish); the map follows without restart."""
    publish_now("published_now")
    return redirect(lurl("staff.queue"))


def audit() -> Any:
    """The audit log, filtered by entry and person (newest first)."""
    entry_id = clean_query(request.args.get("entry"))
    actor = clean_query(request.args.get("actor"))
    events = register().audit(entry_id=entry_id, actor=actor, limit=200)
    return page("audit.html", events=events, entry_id=entry_id or "", actor=actor or "")


# --------------------------------------------------------------------------- freshness reminders


def reminders() -> Any:
    """What ``stadtkarte remind`` sent, what bounced and what expired, with counts (newest first)."""
    from registry.reminders import REMINDER_STATES, freshness_settings, reminder_counts, reminder_log

    state = choose(request.args.get("state"), REMINDER_STATES)
    offset = parse_offset(request.args.get("offset"))
    size = staff_app(current_app).page_size
    counts = reminder_counts(register())
    found = reminder_log(register(), state=state, limit=size + 1, offset=offset)
    return page(
        "reminders.html",
        states=REMINDER_STATES,
        state=state,
        counts=counts,
        total=sum(n for s, n in counts.items() if s != "bounced"),  # bounced ones are counted in their state
        listing=make_page(found, offset, size),
        answer_days=freshness_settings(getattr(register().config, "freshness", None)).answer_within_days,
    )


def mark_bounced(reminder_id: int) -> Any:
    """A clerk records that a sent reminder came back undelivered (optional note)."""
    from registry.reminders import ReminderNotFound
    from registry.reminders import mark_bounced as record_bounce

    note = request.form.get("note", "").strip()[:500]
    try:
        item = record_bounce(register(), reminder_id, user().email, datetime.now(UTC), note)
    except ReminderNotFound:
        abort(404)
    except ValueError:
        flash(t("bounce_refused"), "error")
        return redirect(lurl("staff.reminders"))
    flash(t("bounce_recorded", name=item.entry_name or item.entry_id), "success")
    return redirect(lurl("staff.reminders", state="bounced"))


def confirm_entry(entry_id: str) -> Any:
    """ "Still valid" in one click: ``last_verified`` today, ``unconfirmed_since`` cleared; publish."""
    from registry.reminders import confirm_entry as confirm

    found = register().entry(entry_id)
    if found is None:
        abort(404)
    confirm(register(), entry_id, datetime.now(UTC), actor=user().email)
    if found.state == "published":
        publish_now("confirmed_published", name=found.name)
    else:
        flash(t("confirmed", name=found.name), "success")
    return redirect(safe_next(request.form.get("next"), URL_PREFIX, lurl("staff.reminders")))


# --------------------------------------------------------------------------- accounts (admin)


def users(errors: list[FieldError] | None = None, form: dict[str, str] | None = None, status: int = 200) -> Any:
    """Staff accounts with the add form (admins only)."""
    errors = errors or []
    return page(
        "users.html",
        status,
        accounts=register().users(),
        roles=ROLES,
        errors=errors,
        field_errors=errors_by_field(errors),
        form=form or {"email": "", "role": "moderator"},
        min_password=MIN_PASSWORD_LENGTH,
    )


def add_user() -> Any:
    """Add an account (admins only); problems listed at the top and at each field."""
    email = request.form.get("email", "").strip()[:320]
    password = request.form.get("password", "")[:1024]
    role = request.form.get("role", "")
    form = {"email": email, "role": role}
    errors = user_form_errors(email, password, role, t)
    if errors:
        return users(errors, form, 400)
    try:
        register().add_user(email, password, role=role, actor=user().email)
    except (ValueError, RuntimeError) as exc:
        return users([FieldError("email", t("user_exists", message=str(exc)))], form, 400)
    flash(t("user_added", email=email), "success")
    return redirect(lurl("staff.users"))


def disable_user() -> Any:
    """Disable an account (admins only; not one's own)."""
    email = request.form.get("email", "")
    if email == user().email:
        return users([FieldError(None, t("cannot_disable_self"))], None, 400)
    try:
        register().disable_user(email, actor=user().email)
    except (KeyError, ValueError, RuntimeError):
        abort(404)
    flash(t("user_disabled", email=email), "success")
    return redirect(lurl("staff.users"))


# --------------------------------------------------------------------------- register vocabulary


def problem_render() -> Callable[[Problem, str], str]:
    """How a register problem becomes text: :func:`registry.render_problem` (the ETL's texts per language)."""
    return render_problem


def problem_text(problem: Problem) -> str:
    """One stored problem of a change as text in this request's language."""
    return problem_render()(problem, lang())


def category_choices() -> list[tuple[str, str]]:
    """``(id, label)`` of the taxonomy's categories in this request's language."""
    from geodata.taxonomy import load_taxonomy

    vocabulary = load_taxonomy().categories
    return [(cid, vocabulary.label(cid, lang())) for cid in vocabulary.ids]


# --------------------------------------------------------------------------- blueprint


def make_blueprint(csrf: Any, limiter: Any) -> Blueprint:
    """The ``staff`` blueprint with its checks, error pages and routes (one per app)."""
    bp = Blueprint("staff", __name__, template_folder="templates", static_folder="static")
    bp.before_request(make_guard(csrf))
    bp.after_request(no_index)
    bp.context_processor(template_globals)
    for code in ERROR_TEXTS:  # CSRFError is a 400
        bp.register_error_handler(code, error_page)
    login_limit = limiter.limit(
        lambda: staff_app(current_app).login_limit,
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,
    )
    routes: tuple[tuple[str, Callable[..., Any], tuple[str, ...]], ...] = (
        ("/", index, ("GET",)),
        ("/login", login_limit(login), ("GET", "POST")),
        ("/logout", logout, ("POST",)),
        ("/queue", queue, ("GET",)),
        ("/change/<int:change_id>", change, ("GET",)),
        ("/change/<int:change_id>/approve", approve, ("POST",)),
        ("/change/<int:change_id>/reject", reject, ("POST",)),
        ("/entries", entries, ("GET",)),
        ("/entry/<entry_id>", entry, ("GET",)),
        ("/entry/<entry_id>", save_entry, ("POST",)),
        ("/entry/<entry_id>/archive", archive, ("POST",)),
        ("/entry/<entry_id>/restore", restore, ("POST",)),
        ("/publish", publish, ("POST",)),
        ("/audit", audit, ("GET",)),
        ("/erinnerungen", reminders, ("GET",)),
        ("/erinnerungen/<int:reminder_id>/unzustellbar", mark_bounced, ("POST",)),
        ("/entry/<entry_id>/confirm", confirm_entry, ("POST",)),
        ("/users", users, ("GET",)),
        ("/users/add", add_user, ("POST",)),
        ("/users/disable", disable_user, ("POST",)),
    )
    for rule, view, methods in routes:
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=list(methods))
    from dashboard.staff.board_views import add_board_routes  # the exchange board's moderation (issue 10)

    add_board_routes(bp)
    return bp
