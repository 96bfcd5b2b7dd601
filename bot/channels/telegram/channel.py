"""The Telegram channel as the runtime sees it: long polling or the webhook in, the Bot API out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from starlette.routing import BaseRoute, Route
from telegram.ext import Application

from bot.channels.channel import Shows, Wiring
from bot.channels.telegram.application import (
    ALLOWED_UPDATES,
    CHANNEL,
    WEBHOOK_PATH,
    Outcomes,
    Sending,
    build_application,
    connect,
    make_deliverer,
    pacer_for,
    register_webhook,
    set_profile,
    webhook_endpoint,
)
from core.delivery.sender import Deliver
from core.outbox.held import HeldReplies

log = logging.getLogger(__name__)

SHOWS = Shows(buttons=True, max_length=4096, markup="html", documents=True)


class TelegramChannel:
    """python-telegram-bot's Application: updates from polling or the webhook, replies paced."""

    name = CHANNEL
    shows = SHOWS

    def __init__(self, wiring: Wiring, *, poll_timeout: int = 10) -> None:
        self.settings = wiring.settings
        self.poll_timeout = poll_timeout
        self.pacer = pacer_for(self.settings)
        self.outcomes = Outcomes()
        self.sending = Sending()
        self.held = HeldReplies(wiring.db, wiring.clock)
        self.app: Application = build_application(
            self.settings,
            wiring.conversations,
            self.pacer,
            self.outcomes,
            self.sending,
            self.held,
            wiring.wake,
        )
        self.up = False

    @property
    def webhook_mode(self) -> bool:
        """Whether Telegram pushes updates (``WEBHOOK_URL`` and its secret are set)."""
        return bool(self.settings.webhook_url) and self.settings.webhook_secret is not None

    def routes(self) -> Sequence[BaseRoute]:
        """``POST /telegram/webhook`` in webhook mode; nothing when polling."""
        if not self.webhook_mode:
            return []
        assert self.settings.webhook_secret is not None
        secret = self.settings.webhook_secret.get_secret_value()
        endpoint = webhook_endpoint(self.app, self.outcomes, secret)
        return [Route(WEBHOOK_PATH, endpoint, methods=["POST"])]

    def deliverer(self) -> Deliver:
        """Outbox replies as Bot API messages, paced as Telegram asks."""
        return make_deliverer(self.app.bot, self.pacer)

    def username(self) -> str | None:
        """The bot's username, as getMe told it at start-up (None before)."""
        return self.app.bot.username if self.up else None

    async def start(self) -> None:
        """Reach the Bot API, set the profile, then take updates by webhook or polling."""
        await connect(self.app.bot)
        await self.app.initialize()
        self.up = True
        await set_profile(self.app.bot, self.settings)
        if self.settings.webhook_url:
            await self.app.start()  # takes updates from its queue; no updater
            await register_webhook(self.app.bot, self.settings)
            mode = "webhook"
        else:
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0.0, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
            await self.app.start()
            mode = "long polling"
        log.info("the bot is running on Telegram (@%s, %s)", self.app.bot.username, mode)

    async def stop_taking(self) -> None:
        """No more polling (webhook requests stop with the HTTP server)."""
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()

    async def finish(self) -> None:
        """Handle the updates already taken, and send their replies for up to
        ``SHUTDOWN_GRACE_SECONDS``; past it, the replies not sent yet go to the outbox."""
        if not self.app.running:
            return
        stopping = asyncio.create_task(self.app.stop())
        await asyncio.wait({stopping}, timeout=self.settings.shutdown_grace_seconds)
        if not stopping.done():
            cut = self.sending.cancel()
            log.info("%d updates' replies still to send go to the outbox", cut)
        await stopping

    async def close(self) -> None:
        """Forget the replies sent; release the Bot API connections."""
        await self.held.close()
        if self.app._initialized:
            await self.app.shutdown()


def from_settings(wiring: Wiring, *, poll_timeout: int = 10) -> TelegramChannel | None:
    """The Telegram channel when ``TELEGRAM_BOT_TOKEN`` is set."""
    if wiring.settings.telegram_bot_token is None:
        return None
    return TelegramChannel(wiring, poll_timeout=poll_timeout)
