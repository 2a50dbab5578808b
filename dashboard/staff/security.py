"""Security of the staff side: secret key, session cookies, login lock-out, the current user.

* The session secret comes from ``STADTKARTE_SECRET_KEY`` or, when unset, from
  ``<data>/.secret_key``, generated once with ``secrets`` and stored with mode 600
  (never hard-coded; every server process of one data folder shares it).
* Session cookies are HttpOnly, SameSite=Lax and Secure when the site is served over
  HTTPS (``STADTKARTE_SECURE_COOKIES=1`` or ``secure_cookies=True``).
* :class:`LoginLockout` locks an account name for a few minutes after repeated failed
  sign-ins. It lives in the app (one per process, in memory, like the per-IP rate limit);
  it locks names whether or not the account exists, so a lock tells nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SECRET_ENV = "STADTKARTE_SECRET_KEY"
SECURE_COOKIES_ENV = "STADTKARTE_SECURE_COOKIES"
SECRET_FILE = ".secret_key"
MIN_SECRET_LENGTH = 32
_TRUE = frozenset({"1", "true", "yes", "on", "ja"})


class SecretKeyError(ValueError):
    """The configured session secret is unusable (too short, or the key file cannot be written)."""


def is_true(text: str | None) -> bool:
    """True for ``1``/``true``/``yes``/``on`` (case-insensitive)."""
    return (text or "").strip().lower() in _TRUE


def load_secret_key(data_dir: Path, environ: dict[str, str] | None = None) -> str:
    """The session secret: ``STADTKARTE_SECRET_KEY``, else ``data_dir/.secret_key`` (created once, mode 600).

    Raises
    ------
    SecretKeyError
        When the environment value is shorter than 32 characters, or the file cannot be created.
    """
    env = os.environ if environ is None else environ
    configured = (env.get(SECRET_ENV) or "").strip()
    if configured:
        if len(configured) < MIN_SECRET_LENGTH:
            raise SecretKeyError(
                f"{SECRET_ENV} is {len(configured)} characters long: use at least {MIN_SECRET_LENGTH} random "
                "characters, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return configured
    path = data_dir / SECRET_FILE
    try:
        return _read_or_create_secret(path)
    except OSError as exc:
        raise SecretKeyError(
            f"cannot create the session secret {path}: {exc.strerror}; make the data folder writable "
            f"or set {SECRET_ENV}"
        ) from exc


def _read_or_create_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= MIN_SECRET_LENGTH:
            return text
        raise SecretKeyError(f"{path} holds no usable secret: delete it so a new one is generated") from None
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    logger.info("generated a new session secret in %s (mode 600)", path)
    return secret


def account_key(email: str) -> str:
    """A lock-out key for an account name (case-insensitive; hashed so no address sits in memory dumps)."""
    return hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()


@dataclass
class LoginLockout:
    """Failed sign-ins per account name; ``failures`` within ``window_s`` lock it for ``lock_s``.

    Thread-safe; one instance per app (in memory, per process).
    """

    failures: int = 5
    window_s: float = 900.0
    lock_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, list[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def is_locked(self, email: str) -> bool:
        """True while ``email`` has ``failures`` recent failures and the last is younger than ``lock_s``."""
        now = self.clock()
        with self._lock:
            times = self._recent(account_key(email), now)
            return len(times) >= self.failures and now - times[-1] < self.lock_s

    def record_failure(self, email: str) -> None:
        """Count one failed sign-in of ``email``."""
        now = self.clock()
        key = account_key(email)
        with self._lock:
            self._seen[key] = [*self._recent(key, now), now][-self.failures :]

    def clear(self, email: str) -> None:
        """Forget the failures of ``email`` (after a successful sign-in)."""
        with self._lock:
            self._seen.pop(account_key(email), None)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._seen.get(key, []) if now - t < self.window_s]


@dataclass(frozen=True)
class StaffUser:
    """The signed-in staff member as the session knows them (re-checked against the register per request)."""

    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        """True for the admin role."""
        return self.role == "admin"
