"""Password hashing with argon2 (argon2-cffi's defaults: Argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Shortest password accepted for a staff account.
MIN_LENGTH = 12


class PasswordPolicyError(ValueError):
    """A password is too weak to be stored."""


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; PasswordPolicyError when it is shorter than :data:`MIN_LENGTH`."""
    if len(password) < MIN_LENGTH or not password.strip():
        raise PasswordPolicyError(f"the password must have at least {MIN_LENGTH} characters: choose a longer one")
    return PasswordHasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when ``password`` matches the ``stored`` hash (never raises for a mismatch)."""
    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
