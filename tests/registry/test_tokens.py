"""Private links: signed per purpose, expiring, once-only for archive/confirm; the web server's secret."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.staff.security import load_secret_key
from registry import Register
from registry.tokens import MAX_AGE_S, TokenError, link_secret, make_token, read_token, use_once

SECRET = "s" * 40


def test_token_round_trip_names_entry_and_purpose():
    claim = read_token(SECRET, make_token(SECRET, "lb-1", "edit"), "edit")
    assert claim.entry_id == "lb-1" and claim.purpose == "edit"


@pytest.mark.parametrize(
    ("token", "purpose"),
    [
        (make_token(SECRET, "lb-1", "edit"), "archive"),  # an edit link cannot archive
        (make_token("x" * 40, "lb-1", "edit"), "edit"),  # forged with another key
        (make_token(SECRET, "lb-1", "edit")[:-3] + "abc", "edit"),  # damaged
        ("nonsense", "edit"),
    ],
)
def test_forged_or_foreign_tokens_are_invalid(token, purpose):
    with pytest.raises(TokenError) as caught:
        read_token(SECRET, token, purpose)
    assert caught.value.reason == "invalid"


def test_expired_token_is_refused_with_a_fake_clock():
    token = make_token(SECRET, "lb-1", "confirm")
    read_token(SECRET, token, "confirm", now=time.time() + MAX_AGE_S["confirm"] - 60)
    with pytest.raises(TokenError) as caught:
        read_token(SECRET, token, "confirm", now=time.time() + MAX_AGE_S["confirm"] + 60)
    assert caught.value.reason == "expired"


def test_archive_link_works_once(tmp_path: Path):
    with Register.open(f"sqlite:///{tmp_path / 'r.sqlite'}", tmp_path) as register:
        register.upgrade()
        claim = read_token(SECRET, make_token(SECRET, "lb-1", "archive"), "archive")
        use_once(register, claim, datetime.now(UTC))
        with pytest.raises(TokenError) as caught:
            use_once(register, claim, datetime.now(UTC))
        assert caught.value.reason == "used"
        other = read_token(SECRET, make_token(SECRET, "lb-1", "archive"), "archive")
        use_once(register, other, datetime.now(UTC))  # a new link works


def test_link_secret_is_the_web_servers_secret(tmp_path: Path):
    first = link_secret(tmp_path, environ={})
    assert load_secret_key(tmp_path, environ={}) == first
    assert (tmp_path / ".secret_key").stat().st_mode & 0o777 == 0o600
    assert link_secret(tmp_path, environ={"STADTKARTE_SECRET_KEY": "e" * 40}) == "e" * 40
