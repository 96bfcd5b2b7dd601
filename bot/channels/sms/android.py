"""SMS Gateway for Android: signed JSON webhooks in (HMAC-SHA256), its REST API out.

The app turns a phone with an unlimited-SMS plan into a gateway. Each webhook carries
``X-Signature`` = hex HMAC-SHA256 of the raw body followed by ``X-Timestamp``, made with
the signing key set in the app; a timestamp more than five minutes off is refused too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.channels.bodies import (
    SMS_WEBHOOK_LIMIT,
    BodyTooLarge,
    JsonTooDeep,
    declared_too_large,
    parse_json,
    read_body,
    too_deep,
    too_large,
)
from bot.channels.sms.http_errors import raise_for_status
from bot.channels.sms.providers import InboundSms
from core.config import Settings

MAX_CLOCK_SKEW = 300  # seconds
SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")
"""Unix seconds: ten digits until the year 2286; more is not a time the app sends."""
RECEIVED = "sms:received"


def signature_of(key: str, body: bytes, timestamp: str) -> str:
    """The signature the app puts in ``X-Signature``."""
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


class AndroidGatewayProvider:
    """The gateway's ``sms:received`` webhook and its ``/message`` endpoint."""

    name = "android"

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        assert settings.android_sms_signing_key is not None, "ANDROID_SMS_SIGNING_KEY is not set"
        self.signing_key = settings.android_sms_signing_key.get_secret_value()
        password = settings.android_sms_password
        self.message_url = settings.android_sms_api_url.rstrip("/") + "/message"
        self.client = httpx.AsyncClient(
            auth=(settings.android_sms_username, password.get_secret_value() if password else ""),
            timeout=timeout,
        )

    async def read_webhook(self, request: Request) -> InboundSms | Response | None:
        """Check the signature and its timestamp; read an ``sms:received`` event.

        The headers are checked before the body is read, the signature over the body
        (read up to its limit) before it is parsed.
        """
        if declared_too_large(request, SMS_WEBHOOK_LIMIT):
            return too_large()
        timestamp = request.headers.get("X-Timestamp", "")
        signature = request.headers.get("X-Signature", "")
        if not SIGNATURE.fullmatch(signature):
            return Response("invalid signature", status_code=403)
        if not TIMESTAMP.fullmatch(timestamp):
            return Response("stale timestamp", status_code=403)
        try:
            body = await read_body(request, SMS_WEBHOOK_LIMIT)
        except BodyTooLarge:
            return too_large()
        expected = signature_of(self.signing_key, body, timestamp)
        if not hmac.compare_digest(signature.lower(), expected):
            return Response("invalid signature", status_code=403)
        if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
            return Response("stale timestamp", status_code=403)
        try:
            event = parse_json(body)
        except JsonTooDeep:
            return too_deep()
        except ValueError:
            return None
        if not isinstance(event, dict) or event.get("event") != RECEIVED:
            return None
        payload = event.get("payload")
        if not isinstance(payload, dict) or not event.get("id"):
            return None
        return InboundSms(
            sender=str(payload.get("phoneNumber") or ""),
            body=str(payload.get("message") or ""),
            message_id=str(event["id"]),
        )

    def acknowledge(self) -> Response:
        """A plain 200."""
        return JSONResponse({"ok": True})

    async def send(self, to: str, body: str) -> None:
        """POST a text message to the gateway."""
        response = await self.client.post(
            self.message_url, json={"textMessage": {"text": body}, "phoneNumbers": [to]}
        )
        raise_for_status(response, frozenset())

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.client.aclose()
