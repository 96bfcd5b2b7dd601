"""Provider HTTP answers turned into the outbox sender's outcomes."""

from __future__ import annotations

import httpx

from core.delivery.sender import PermanentFailure, RetryLater, Unreachable


class ProviderUnavailable(Exception):
    """A 5xx: the provider may take the message later (the sender retries with backoff)."""


def raise_for_status(response: httpx.Response, unreachable_codes: frozenset[int]) -> None:
    """Nothing for a 2xx; else the outcome the sender knows how to handle.

    ``unreachable_codes`` are the provider's error codes meaning the number cannot be
    reached (opted out at the carrier, not a mobile, not a number).
    """
    status = response.status_code
    if status < 300:
        return
    text = response.text[:300]
    if status == 429:
        raise RetryLater(float(response.headers.get("Retry-After", "1") or 1))
    if status >= 500:
        raise ProviderUnavailable(f"{status}: {text}")
    code: object = None
    try:
        body = response.json()
        code = body.get("code") if isinstance(body, dict) else None
    except ValueError:
        pass
    if code in unreachable_codes:
        raise Unreachable(f"{status} {code}: {text}")
    raise PermanentFailure(f"{status}: {text}")
