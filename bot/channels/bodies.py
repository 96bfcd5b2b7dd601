"""Request bodies read with a bound: a webhook never holds more than its limit in memory.

A declared ``Content-Length`` over the limit is refused before a byte is read; a body
sent without one (chunked) is read chunk by chunk and refused as soon as the running
total passes the limit. Either way the answer is 413 and the connection is closed by the
server, so the rest of the body is never read. A JSON body is nested at most
``JSON_DEPTH`` deep (:func:`parse_json`): deeper, it is refused with 400 before it is parsed.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

from starlette.requests import Request
from starlette.responses import Response

SMS_WEBHOOK_LIMIT = 64 * 1024
"""An inbound SMS webhook: 1,600 characters of text at most, as Twilio's form (about 30
short fields) or the Android gateway's JSON; 64 KiB leaves ten times that room."""

TELEGRAM_WEBHOOK_LIMIT = 1024 * 1024
"""A Telegram update: a 4,096-character message with its entities, a quoted message and
a keyboard stay well under 100 KiB; 1 MiB leaves room and still bounds the memory."""

TOO_LARGE = 413
TOO_DEEP = 400

JSON_DEPTH = 64
"""The deepest nesting of arrays and objects a webhook's JSON may have. Telegram's updates
(a message quoting a message, with a keyboard) stay under 15; WhatsApp's and the SMS
gateway's under 10. 100,000 nested arrays made the parser raise RecursionError (a 500)."""

_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+"?', re.DOTALL)
"""A JSON string, to the body's end when it is not closed: the brackets inside it do not
count, and no character is read twice."""
_NOT_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class BodyTooLarge(Exception):
    """The request's body is larger than the endpoint accepts."""


class JsonTooDeep(ValueError):
    """The body's JSON is nested deeper than ``JSON_DEPTH``."""


def json_depth_over(body: bytes, limit: int = JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``body`` nest deeper than ``limit`` (linear: the
    strings taken out, then the running count of the brackets left)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def parse_json(body: bytes) -> object:
    """The JSON in a webhook's body: JsonTooDeep past ``JSON_DEPTH``, ValueError when it is
    not JSON. Every JSON body a webhook receives is read through here."""
    if json_depth_over(body):
        raise JsonTooDeep
    try:
        return json.loads(body)
    except RecursionError:  # cannot happen within JSON_DEPTH; never a 500 all the same
        raise JsonTooDeep from None


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


def too_deep() -> Response:
    """The answer to a JSON body nested too deep: nothing of it was read."""
    return Response("JSON nested too deep", status_code=TOO_DEEP)
