"""The Graph API over httpx: send a message, upload a file; errors as the sender's outcomes.

Messages are POSTed to ``{WHATSAPP_API_BASE_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages`` with
the access token as Bearer. Errors come back as ``{"error": {"code": ..., "message": ...}}``
(developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.channels.sms.http_errors import ProviderUnavailable
from bot.channels.whatsapp import limits
from core.config import Settings
from core.delivery.sender import PermanentFailure, RetryLater, Unreachable


class WindowClosed(Exception):
    """Meta's 131047: the 24-hour window is closed; only a template may go now."""


def error_code(response: httpx.Response) -> int | None:
    """The Graph API error code of a refused call, if it says one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


def raise_for_error(response: httpx.Response) -> None:
    """Nothing for a 2xx; else the outcome the outbox sender knows how to handle."""
    status = response.status_code
    if status < 300:
        return
    code = error_code(response)
    summary = f"{status} {code}"  # never the body: it may quote the number or the text
    if code == limits.RE_ENGAGEMENT:
        raise WindowClosed(summary)
    if code in limits.UNREACHABLE_CODES:
        raise Unreachable(summary)
    if status == 429 or code in limits.RATE_LIMIT_CODES:
        raise RetryLater(float(response.headers.get("Retry-After", "2") or 2))
    if status >= 500 or code in limits.TEMPORARY_CODES:
        raise ProviderUnavailable(summary)
    raise PermanentFailure(summary)


class GraphClient:
    """The two Graph API calls the channel makes."""

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        assert settings.whatsapp_access_token is not None, "WHATSAPP_ACCESS_TOKEN is not set"
        base = f"{settings.whatsapp_api_base_url.rstrip('/')}/{settings.whatsapp_phone_number_id}"
        self.messages_url = f"{base}/messages"
        self.media_url = f"{base}/media"
        token = settings.whatsapp_access_token.get_secret_value()
        self.client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    async def send(self, to: str, message: dict[str, Any]) -> str:
        """Send one message to ``to`` (digits of the number); return its ``wamid``."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        response = await self.client.post(self.messages_url, json=body | message)
        raise_for_error(response)
        answer = response.json()
        sent = answer.get("messages") if isinstance(answer, dict) else None
        if isinstance(sent, list) and sent and isinstance(sent[0], dict):
            return str(sent[0].get("id") or "")
        return ""

    async def upload(self, content: bytes, filename: str, media_type: str) -> str:
        """Upload a file (multipart); return the media id to send it with."""
        response = await self.client.post(
            self.media_url,
            data={"messaging_product": "whatsapp", "type": media_type},
            files={"file": (filename, content, media_type)},
        )
        raise_for_error(response)
        answer = response.json()
        return str(answer.get("id") or "") if isinstance(answer, dict) else ""

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.client.aclose()
