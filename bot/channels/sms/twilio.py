"""Twilio: signed form webhooks in (RequestValidator), the REST Messages API out."""

from __future__ import annotations

import httpx
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from twilio.request_validator import RequestValidator

from bot.channels.bodies import (
    SMS_WEBHOOK_LIMIT,
    BodyTooLarge,
    declared_too_large,
    read_body,
    too_large,
)
from bot.channels.sms.http_errors import raise_for_status
from bot.channels.sms.providers import InboundSms
from core.config import Settings

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

UNREACHABLE_CODES = frozenset({21211, 21610, 21612, 21614})
"""Invalid number, unsubscribed at the carrier (STOP), unreachable, not a mobile."""

MAX_FIELDS = 100
"""An inbound SMS has about 20 fields, 20 more with ten pictures (MediaUrl, MediaContentType)."""


class TwilioProvider:
    """Twilio's inbound webhook and outbound Messages API."""

    name = "twilio"

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        assert settings.twilio_auth_token is not None, "TWILIO_AUTH_TOKEN is not set"
        token = settings.twilio_auth_token.get_secret_value()
        self.validator = RequestValidator(token)
        self.public_base_url = settings.public_base_url
        self.from_number = settings.twilio_from_number
        self.messages_url = (
            f"{settings.twilio_api_base_url.rstrip('/')}/2010-04-01/Accounts/"
            f"{settings.twilio_account_sid}/Messages.json"
        )
        self.client = httpx.AsyncClient(auth=(settings.twilio_account_sid, token), timeout=timeout)

    def _signed_url(self, request: Request) -> str:
        """The address Twilio called: the public one when the server is behind a proxy."""
        if self.public_base_url:
            url = self.public_base_url.rstrip("/") + request.url.path
            return url + (f"?{request.url.query}" if request.url.query else "")
        return str(request.url)

    async def read_webhook(self, request: Request) -> InboundSms | Response | None:
        """Check ``X-Twilio-Signature`` over the URL and the form; read From, Body, MessageSid.

        The signature covers the form's fields, so the body is read first, but never past
        its limit; a request without a signature is refused before its body is read.
        """
        if declared_too_large(request, SMS_WEBHOOK_LIMIT):
            return too_large()
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            return Response("invalid signature", status_code=403)
        try:
            await read_body(request, SMS_WEBHOOK_LIMIT)
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        except BodyTooLarge:
            return too_large()
        except (HTTPException, MultiPartException):  # too many fields, or a file
            return Response("malformed form", status_code=400)
        params = {key: str(value) for key, value in form.items()}
        if not self.validator.validate(self._signed_url(request), params, signature):
            return Response("invalid signature", status_code=403)
        sender, sid = params.get("From", ""), params.get("MessageSid", "")
        if not sender or not sid:
            return None
        return InboundSms(sender=sender, body=params.get("Body", ""), message_id=sid)

    def acknowledge(self) -> Response:
        """An empty TwiML answer: replies go out through the outbox."""
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def send(self, to: str, body: str) -> None:
        """POST to the Messages API."""
        response = await self.client.post(
            self.messages_url, data={"From": self.from_number, "To": to, "Body": body}
        )
        raise_for_status(response, UNREACHABLE_CODES)

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.client.aclose()
