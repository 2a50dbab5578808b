"""The staff side of the offer register at ``/verwaltung`` (a Flask blueprint, not Dash).

``register_staff(server, data_dir)`` mounts server-rendered HTML pages that work without
JavaScript: sign-in, the moderation queue, a change's field-by-field diff, approve /
reject / edit / archive / restore, the audit log and (admins) account management.

Security model:

* **No Dash callback touches register data.** The staff pages are plain Flask views;
  the Dash app (``/_dash-update-component``) only ever sees the published snapshot, so an
  unauthenticated callback POST cannot reach pending or rejected entries, accounts or the
  audit log (``tests/staff/test_security.py`` proves it).
* Every staff route checks the session on the server before anything else and
  re-reads the account from the register (a disabled account is signed out at once):
  no session -> redirect to the sign-in page for a page view, 401 for a POST or a JSON
  request; admin pages -> 403 for moderators.
* CSRF: Flask-WTF's ``CSRFProtect`` with ``WTF_CSRF_CHECK_DEFAULT = False``, checked only
  by this blueprint (every POST, including sign-in) -> 400 without a valid token. The
  public Dash pages are unaffected.
* Sign-in is rate-limited per client address (Flask-Limiter, in-memory storage, so the
  limit is per server process: failed attempts beyond 5 a minute get 429) and an account
  name is locked for five minutes after five failures within 15 minutes; the message is
  the same whether or not the account exists.
* Sessions: signed cookie, HttpOnly, SameSite=Lax, Secure with HTTPS, 8 hours; the secret
  from ``STADTKARTE_SECRET_KEY`` or ``<data>/.secret_key`` (mode 600).
* Every page is ``noindex`` (meta tag and ``X-Robots-Tag``) and ``no-store``.

After approve, archive, restore or the edit of a published entry the route publishes a
new snapshot (``register.publish(data_dir)``); the public map picks it up without restart.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from dashboard.staff.security import SECURE_COOKIES_ENV, LoginLockout, is_true, load_secret_key

if TYPE_CHECKING:
    from registry import Register
    from registry.mail import MailSettings

logger = logging.getLogger(__name__)

URL_PREFIX = "/verwaltung"
EXTENSION_KEY = "stadtkarte_staff"
LOGIN_LIMIT = "5 per minute"
SESSION_HOURS = 8
PAGE_SIZE = 50


@dataclass
class StaffApp:
    """What the staff views need, kept on ``app.extensions["stadtkarte_staff"]`` (one per app).

    The register is opened on first use (a public-only server never opens the database).
    """

    data_dir: Path
    login_limit: str = LOGIN_LIMIT
    page_size: int = PAGE_SIZE
    lockout: LoginLockout = field(default_factory=LoginLockout)
    mail: MailSettings | None = None
    _register: Register | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def register(self) -> Register:
        """The register of ``data_dir`` (URL from the environment or the SQLite default)."""
        with self._lock:
            if self._register is None:
                from registry import Register

                self._register = Register.open(data_dir=self.data_dir)
            return self._register

    def mail_settings(self) -> MailSettings:
        """``[mail]`` of the register's city config unless set explicitly (tests); outbox when unset."""
        if self.mail is None:
            from registry.mail import mail_settings

            self.mail = mail_settings(getattr(self.register.config, "mail", None))
        return self.mail


def configure_session(server: Flask, data_dir: Path, secure_cookies: bool | None = None) -> None:
    """Secret key and cookie flags for the staff session (leaves an already set secret alone)."""
    if not server.secret_key:
        server.secret_key = load_secret_key(data_dir)
    secure = is_true(os.environ.get(SECURE_COOKIES_ENV)) if secure_cookies is None else secure_cookies
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=secure,
    )


def register_staff(
    server: Flask,
    data_dir: Path | str,
    register: Register | None = None,
    *,
    secure_cookies: bool | None = None,
    login_limit: str = LOGIN_LIMIT,
    lockout: LoginLockout | None = None,
    page_size: int = PAGE_SIZE,
    mail: MailSettings | None = None,
) -> StaffApp:
    """Mount the staff pages at ``/verwaltung`` on the Flask ``server``.

    Parameters
    ----------
    server : Flask
        The dashboard's server (``app.server``).
    data_dir : Path or str
        The data folder: the register's default SQLite file, the published snapshots and
        the session secret live there.
    register : Register, optional
        An open register (tests); by default opened from ``data_dir`` on first use.
    secure_cookies : bool, optional
        Mark the session cookie Secure (HTTPS); default from ``STADTKARTE_SECURE_COOKIES``.
    login_limit : str
        Flask-Limiter limit of failed sign-ins per client address.
    lockout : LoginLockout, optional
        Per-account lock-out policy (tests pass a short one).
    page_size : int
        Rows per page of the queue and the entry list.
    mail : MailSettings, optional
        How decisions are mailed to submitters (tests); default ``[mail]`` of the city config.
    """
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_wtf.csrf import CSRFProtect

    from dashboard.staff.views import make_blueprint

    data_dir = Path(data_dir)
    configure_session(server, data_dir, secure_cookies)
    csrf = server.extensions.get("csrf") or CSRFProtect(server)
    limiter = Limiter(get_remote_address, app=server, storage_uri="memory://", default_limits=[])
    staff = StaffApp(
        data_dir=data_dir, login_limit=login_limit, page_size=page_size, lockout=lockout or LoginLockout(), mail=mail
    )
    staff._register = register
    server.extensions[EXTENSION_KEY] = staff
    server.register_blueprint(make_blueprint(csrf, limiter), url_prefix=URL_PREFIX)
    logger.info("staff pages mounted at %s", URL_PREFIX)
    return staff


def staff_app(server: Any) -> StaffApp:
    """The :class:`StaffApp` of a Flask app (``current_app`` in a request)."""
    return server.extensions[EXTENSION_KEY]
