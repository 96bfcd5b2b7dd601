"""Calls placed through Twilio's REST API (reminders to fixed lines), within calling hours."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from bot.channels.sms.http_errors import raise_for_status
from core.config import Settings
from core.formatting import local

UNREACHABLE_CODES = frozenset({13223, 13224, 13225, 13226, 21211, 21215, 21217})
"""Twilio's codes for a number that cannot be called (invalid, blocked, not allowed)."""


class CallPlacer:
    """``POST .../Calls.json`` with the number to call and the address of what to say."""

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        assert settings.twilio_auth_token is not None, "TWILIO_AUTH_TOKEN is not set"
        token = settings.twilio_auth_token.get_secret_value()
        self.from_number = settings.twilio_voice_number
        self.calls_url = (
            f"{settings.twilio_api_base_url.rstrip('/')}/2010-04-01/Accounts/"
            f"{settings.twilio_account_sid}/Calls.json"
        )
        self.client = httpx.AsyncClient(auth=(settings.twilio_account_sid, token), timeout=timeout)

    async def place(self, to: str, url: str, status_url: str) -> str:
        """Call ``to``; Twilio fetches what to say from ``url``. Return the call's id."""
        response = await self.client.post(
            self.calls_url,
            data={
                "To": to,
                "From": self.from_number,
                "Url": url,
                "StatusCallback": status_url,
                "MachineDetection": "DetectMessageEnd",
            },
        )
        raise_for_status(response, UNREACHABLE_CODES)
        return str(response.json().get("sid", ""))

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.client.aclose()


def wait_for_hours(now: datetime, settings: Settings) -> float:
    """Seconds until the line may call (0 within ``VOICE_CALL_HOURS``, local time)."""
    start, end = settings.call_hours
    here = local(now, settings.zone)
    if start <= here.time() < end:
        return 0.0
    opening = here.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)
    if here.time() >= end:
        opening += timedelta(days=1)
    return max((opening - here).total_seconds(), 1.0)
