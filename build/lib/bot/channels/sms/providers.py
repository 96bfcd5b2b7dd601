"""What every SMS provider offers the channel: check a webhook, read it, send a text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response


@dataclass(frozen=True, slots=True)
class InboundSms:
    """One text received: who sent it, what it says, and the provider's id for it."""

    sender: str
    body: str
    message_id: str


class SmsProvider(Protocol):
    """An SMS provider: webhooks in, REST API out."""

    name: str

    async def read_webhook(self, request: Request) -> InboundSms | Response | None:
        """The text in a verified webhook; None when it carries no text; a Response (403)
        when the request is not from the provider."""
        ...

    def acknowledge(self) -> Response:
        """The answer the provider expects once the text is taken."""
        ...

    async def send(self, to: str, body: str) -> None:
        """Send ``body`` to ``to`` (E.164); raise the sender's errors on failure."""
        ...

    async def close(self) -> None:
        """Release the HTTP client."""
        ...
