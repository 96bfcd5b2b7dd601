"""What the dashboard needs from the running bot, handed over by the runtime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.web.rate_limit import LoginThrottle
from core.clock import Clock
from core.config import Settings
from models import Database


def _no_bot_username() -> str | None:
    return None


@dataclass(slots=True)
class DashboardContext:
    """The database, settings and clock, plus hooks into the runtime.

    ``wake`` sends just-queued messages at once; ``telegram_username`` is the bot's
    username as Telegram's getMe told it (None until Telegram is connected).
    """

    settings: Settings
    db: Database
    clock: Clock
    wake: Callable[[], None] = lambda: None
    telegram_username: Callable[[], str | None] = _no_bot_username
    login_limiter: LoginThrottle = field(default_factory=LoginThrottle)

    def bot_username(self) -> str | None:
        """TELEGRAM_BOT_USERNAME, else the username fetched from getMe, else None."""
        return self.settings.telegram_bot_username or self.telegram_username()
