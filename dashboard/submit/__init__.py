"""The public pages of associations at ``/eintragen`` and ``/melden`` (a Flask blueprint, not Dash).

Server-rendered HTML that works without JavaScript, in the five interface languages
(``?lang=``; Arabic right-to-left), with the dashboard's gettext catalogues:

* ``/eintragen``: a new offer -> a pending "new" change set + an e-mail with private links;
* ``/eintragen/aendern/<token>``, ``/eintragen/zurueckziehen/<token>``,
  ``/eintragen/bestaetigen/<token>``: what the private links do (change -> a pending
  "change" set; withdraw -> archived at once; still valid -> ``last_verified`` today);
* ``/eintragen/link``: a new link by the entry's contact e-mail (the answer is the same
  whether or not the address is known);
* ``/melden?offer=<id>``: a correction report -> a pending "report" change set.

Abuse resistance without third parties: Flask-Limiter per client address on every
POST, a honeypot field, size limits per field and on the request (413), CSRF tokens
(Flask-WTF, checked by this blueprint), duplicate detection flagged to staff.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from registry import Register
    from registry.mail import MailSettings

logger = logging.getLogger(__name__)

EXTENSION_KEY = "stadtkarte_submit"
SUBMIT_LIMIT = "10 per hour"
REPORT_LIMIT = "20 per hour"
LINK_LIMIT = "5 per hour"


@dataclass
class SubmitApp:
    """What the public views need, on ``app.extensions["stadtkarte_submit"]``.

    The register is opened on first use; ``lock`` serialises the per-record check
    (the geocoder's cache is not thread-safe).
    """

    data_dir: Path
    secret: str
    submit_limit: str = SUBMIT_LIMIT
    report_limit: str = REPORT_LIMIT
    link_limit: str = LINK_LIMIT
    mail: MailSettings | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _register: Register | None = None
    _open_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def register(self) -> Register:
        """The register of ``data_dir`` (shared with the staff pages when they opened one)."""
        with self._open_lock:
            if self._register is None:
                staff = None
                try:
                    from flask import current_app

                    staff = current_app.extensions.get("stadtkarte_staff")
                except RuntimeError:
                    staff = None
                if staff is not None:
                    self._register = staff.register
                else:
                    from registry import Register

                    self._register = Register.open(data_dir=self.data_dir)
            return self._register

    def mail_settings(self) -> MailSettings:
        """``[mail]`` of the register's city config unless set explicitly (tests)."""
        if self.mail is None:
            from registry.mail import mail_settings

            self.mail = mail_settings(getattr(self.register.config, "mail", None))
        return self.mail


def register_submit(
    server: Flask,
    data_dir: Path | str,
    register: Register | None = None,
    *,
    mail: MailSettings | None = None,
    submit_limit: str = SUBMIT_LIMIT,
    report_limit: str = REPORT_LIMIT,
    link_limit: str = LINK_LIMIT,
) -> SubmitApp:
    """Mount the public association pages on the Flask ``server``.

    Parameters
    ----------
    server : Flask
        The dashboard's server (``app.server``); the staff pages' session secret and CSRF are reused.
    data_dir : Path or str
        The data folder (register, snapshots, outbox, secret key).
    register : Register, optional
        An open register (tests); by default the staff pages' or one opened from ``data_dir``.
    mail : MailSettings, optional
        How to send e-mail (tests); by default ``[mail]`` of the city config (outbox when unset).
    submit_limit, report_limit, link_limit : str
        Flask-Limiter limits per client address for submissions, reports and link requests.
    """
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_wtf.csrf import CSRFProtect

    from dashboard.staff import configure_session
    from dashboard.submit.views import make_blueprint

    data_dir = Path(data_dir)
    configure_session(server, data_dir)
    csrf = server.extensions.get("csrf") or CSRFProtect(server)
    limiter = Limiter(get_remote_address, app=server, storage_uri="memory://", default_limits=[])
    app = SubmitApp(
        data_dir=data_dir,
        secret=str(server.secret_key),
        submit_limit=submit_limit,
        report_limit=report_limit,
        link_limit=link_limit,
        mail=mail,
    )
    app._register = register
    server.extensions[EXTENSION_KEY] = app
    server.register_blueprint(make_blueprint(csrf, limiter))
    logger.info("association pages mounted at /eintragen and /melden")
    return app


def submit_app(server: Any) -> SubmitApp:
    """The :class:`SubmitApp` of a Flask app (``current_app`` in a request)."""
    return server.extensions[EXTENSION_KEY]
