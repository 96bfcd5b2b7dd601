"""Assembly: the database, the flows, the outbox sender, the scheduler and a channel."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application

from bot.channels.telegram import CHANNEL, build_application, make_deliverer, pacer_for
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.housekeeping import forget_old_updates
from bot.notices import expire_due_offers
from bot.reminders import plan_reminders
from bot.scheduler import Heartbeat
from bot.sender import Deliver, OutboxSender
from handlers.notices import render_notice
from handlers.router import Conversations
from models import Database
from models.migrate import upgrade

log = logging.getLogger(__name__)


class Core:
    """Everything but the channel: database, flows, outbox sender."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url)
        self.conversations = Conversations(self.db, settings, self.clock)
        self.deliverers: dict[str, Deliver] = {}
        self.sender = OutboxSender(
            self.db,
            self.clock,
            lambda session, row, person, now: render_notice(session, row, person, settings, now),
            self.deliverers,
        )

    async def migrate(self) -> None:
        """Bring the schema up to date."""
        await asyncio.to_thread(upgrade, self.settings.database_url)

    async def tick(self) -> None:
        """Scheduled work: plan reminders, expire seat offers, send, forget old update ids."""
        now = self.clock.now()
        settings = self.settings
        async with self.db.transaction() as session:
            await plan_reminders(session, now, zone=settings.zone, at=settings.reminder_time)
        await expire_due_offers(self.db, now, settings.offer_expiry_minutes)
        await self.sender.run_once()
        await forget_old_updates(self.db, now)

    async def close(self) -> None:
        """Release the database."""
        await self.db.dispose()


class TelegramBot:
    """The bot on Telegram, long polling, with its scheduler; startable and stoppable."""

    def __init__(
        self, settings: Settings, clock: Clock | None = None, *, poll_timeout: int = 10
    ) -> None:
        self.core = Core(settings, clock)
        self.pacer = pacer_for(settings)
        self.app: Application = build_application(
            settings, self.core.conversations.handle, self.pacer
        )
        self.core.deliverers[CHANNEL] = make_deliverer(self.app.bot, self.pacer)
        self.heartbeat = Heartbeat(self.core.tick, settings.outbox_poll_seconds)
        self.poll_timeout = poll_timeout

    async def start(self) -> None:
        """Migrate, connect to the Bot API, start polling and the scheduler."""
        await self.core.migrate()
        await self.app.initialize()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=self.poll_timeout)
        await self.app.start()
        self.heartbeat.start()
        log.info("the bot is running (@%s)", self.app.bot.username)

    async def stop(self) -> None:
        """Stop polling and the scheduler, finish the update in hand, close the database."""
        self.heartbeat.stop()
        assert self.app.updater is not None
        if self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.core.close()

    async def run_forever(self) -> None:
        """Run until interrupted."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
