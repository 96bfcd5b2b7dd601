"""Request bodies read with a bound: a webhook never holds more than its limit in memory.

A declared ``Content-Length`` over the limit is refused before a byte is read; a body
sent without one (chunked) is read chunk by chunk and refused as soon as the running
total passes the limit. Either way the answer is 413 and the connection is closed by the
server, so the rest of the body is never read.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

SMS_WEBHOOK_LIMIT = 64 * 1024
"""An inbound SMS webhook: 1,600 characters of text at most, as Twilio's form (about 30
short fields) or the Android gateway's JSON; 64 KiB leaves ten times that room."""

TELEGRAM_WEBHOOK_LIMIT = 1024 * 1024
"""A Telegram update: a 4,096-character message with its entities, a quoted message and
a keyboard stay well under 100 KiB; 1 MiB leaves room and still bounds the memory."""

TOO_LARGE = 413


class BodyTooLarge(Exception):
    """The request's body is larger than the endpoint accepts."""


def declared_too_large(request: Request, limit: int) -> bool:
    """Whether the request announces a body over ``limit`` (or an unreadable length)."""
    declared = request.headers.get("content-length")
    if declared is None:
        return False
    declared = declared.strip()
    return not declared.isascii() or not declared.isdigit() or int(declared) > limit


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes; raise BodyTooLarge past it.

    The body is kept on the request, so ``request.form()`` and ``request.json()`` read
    it afterwards without touching the connection again.
    """
    if declared_too_large(request, limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # what Request.body() caches; form() and json() read it
    return body


def too_large() -> Response:
    """The answer to a body over the limit; the server closes the connection after it."""
    return Response(
        "request body too large", status_code=TOO_LARGE, headers={"Connection": "close"}
    )
