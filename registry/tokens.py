"""Private links: signed, expiring tokens, one per entry and purpose; "archive" and "confirm" once only.

A token is ``itsdangerous.URLSafeTimedSerializer`` over ``{"e": entry id, "n": nonce}``
with the purpose in the salt (an edit token cannot archive). The secret is the staff
side's session secret (``STADTKARTE_SECRET_KEY`` or ``<data>/.secret_key``, see
:func:`dashboard.staff.security.load_secret_key`), so every server process and
``stadtkarte remind`` of one data folder sign alike. Once-only purposes record their
nonce in ``used_tokens`` when used; a second use is refused.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from registry.models import UsedTokenRow

if TYPE_CHECKING:
    from registry.register import Register

#: Purposes and how long their links are valid (seconds).
MAX_AGE_S: dict[str, int] = {
    "edit": 180 * 86400,
    "archive": 180 * 86400,
    "confirm": 60 * 86400,
}
#: Purposes whose link works once.
ONCE: frozenset[str] = frozenset({"archive", "confirm"})
LINK_DAYS = MAX_AGE_S["edit"] // 86400


class TokenError(ValueError):
    """A private link that cannot be used; ``reason`` is ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaim:
    """What a valid token grants: ``purpose`` on ``entry_id`` (``nonce`` identifies this link)."""

    entry_id: str
    purpose: str
    nonce: str


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in MAX_AGE_S:
        raise ValueError(f"unknown link purpose {purpose!r}: use one of {', '.join(MAX_AGE_S)}")
    return URLSafeTimedSerializer(secret, salt=f"stadtkarte-link-{purpose}")


def make_token(secret: str, entry_id: str, purpose: str) -> str:
    """A new signed token for ``purpose`` on ``entry_id`` (a fresh nonce each time)."""
    return str(_serializer(secret, purpose).dumps({"e": entry_id, "n": secrets.token_urlsafe(12)}))


def read_token(secret: str, token: str, purpose: str, *, now: float | None = None) -> TokenClaim:
    """The claim of ``token`` for ``purpose``; ``now`` (epoch seconds) is for tests with a fake clock.

    Raises
    ------
    TokenError
        ``invalid`` (forged, damaged or for another purpose) or ``expired``.
    """
    serializer = _serializer(secret, purpose)
    try:
        if now is None:
            data = serializer.loads(token, max_age=MAX_AGE_S[purpose])
        else:
            data, signed_at = serializer.loads(token, return_timestamp=True)
            if now - signed_at.timestamp() > MAX_AGE_S[purpose]:
                raise SignatureExpired("expired", date_signed=signed_at)
    except SignatureExpired as exc:
        raise TokenError("expired", "this link has expired: request a new one") from exc
    except BadSignature as exc:
        raise TokenError("invalid", "this link is not valid: copy it completely from the e-mail") from exc
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or not isinstance(data.get("n"), str):
        raise TokenError("invalid", "this link is not valid: copy it completely from the e-mail")
    return TokenClaim(entry_id=data["e"], purpose=purpose, nonce=data["n"])


def is_used(register: Register, claim: TokenClaim) -> bool:
    """True when the once-only link of ``claim`` was used already."""
    with register._tx() as s:
        return s.get(UsedTokenRow, claim.nonce) is not None


def use_once(register: Register, claim: TokenClaim, at: datetime) -> None:
    """Record the use of a once-only link.

    Raises
    ------
    TokenError
        ``used`` when the link was used before (also when two uses race).
    """
    if claim.purpose not in ONCE:
        return
    try:
        with register._tx() as s:
            if s.get(UsedTokenRow, claim.nonce) is not None:
                raise TokenError("used", "this link was used already: request a new one")
            s.add(UsedTokenRow(nonce=claim.nonce, purpose=claim.purpose, entry_id=claim.entry_id, used_at=at))
    except IntegrityError as exc:
        raise TokenError("used", "this link was used already: request a new one") from exc


SECRET_ENV = "STADTKARTE_SECRET_KEY"
SECRET_FILE = ".secret_key"


def link_secret(data_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """The signing secret the web server uses (``dashboard.staff.security.load_secret_key``'s rule).

    ``STADTKARTE_SECRET_KEY``, else ``<data>/.secret_key`` (created once, mode 600, as the
    server would). The register cannot import the dashboard (layers), so the rule is
    repeated here; ``tests/registry/test_tokens.py`` checks both give the same key.
    """
    env = os.environ if environ is None else environ
    configured = (env.get(SECRET_ENV) or "").strip()
    if configured:
        return configured
    path = Path(data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret
