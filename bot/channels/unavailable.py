"""503 with Retry-After when the database cannot be used now, on every HTTP route.

Telegram, Meta and Twilio deliver a webhook again after a 5xx; 503 with ``Retry-After``
says plainly that the request was sound and may be sent again in a while. A route that
does not catch the error itself gets this answer from :class:`DatabaseUnavailable`.
"""

from __future__ import annotations

import logging

from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.db import is_unavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
HEADERS = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def try_again_later() -> Response:
    """The answer to a request that the database could not take now."""
    return PlainTextResponse("try again", status_code=503, headers=HEADERS)


class DatabaseUnavailable:
    """ASGI middleware: a request that fails because the database is refused, away or
    locked, before any answer was begun, is answered 503 with Retry-After."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            if started or not is_unavailable(error):
                raise
            log.warning(
                "%s %s: the database is unavailable (%s); answered 503",
                scope.get("method", ""),
                scope.get("path", ""),
                type(error).__name__,
            )
            await try_again_later()(scope, receive, send)
