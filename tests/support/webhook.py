"""What tests of the Telegram webhook share: its secret, its public address, a bot set up
behind it, and a loopback port nothing listens on yet."""

from __future__ import annotations

import socket

from core.config import Settings
from tests.support.bot_api import FakeBotApi
from tests.support.factories import make_settings

SECRET = "s3cret_token-for-tests"
PUBLIC_URL = "https://atelier.example.org/telegram/webhook"


def webhook_settings(api: FakeBotApi, database_url: str, **overrides: object) -> Settings:
    """A bot behind its webhook on a free port, talking to the fake Bot API ``api``."""
    return make_settings(
        database_url,
        telegram_bot_token=api.token,
        telegram_api_base_url=api.base_url,
        webhook_url=PUBLIC_URL,
        webhook_secret=SECRET,
        http_port=0,
        **overrides,
    )


def free_port() -> int:
    """A loopback port nothing listens on (for a process started apart, or none at all)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
