"""The organiser password: stored only as an Argon2 hash (argon2-cffi)."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """The Argon2id hash to put in DASHBOARD_PASSWORD_HASH."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"the password must have at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the hash (slow on purpose: run it in a thread)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def fingerprint(password_hash: str) -> str:
    """A short, stable digest of the hash, kept in the session cookie.

    A new password changes it, which logs every organiser out.
    """
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]
