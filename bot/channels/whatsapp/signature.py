"""Meta's webhook signature: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``
made with the app secret, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def signature_of(app_secret: str, body: bytes) -> str:
    """The header value Meta sends with ``body``."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of the raw ``body`` (compared in constant time)."""
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(header.lower().encode(), signature_of(app_secret, body).encode())
