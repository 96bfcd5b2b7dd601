"""Assembly: the database, the flows, the outbox sender, the scheduler and the channels."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from starlette.routing import Mount
from telegram.ext import Application

from bot.channels import telegram
from bot.channels.http_server import Endpoint, HttpServer, build_app
from bot.channels.sms.channel import SmsChannel
from bot.channels.sms.providers import SmsProvider
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dialog import SMS
from bot.housekeeping import forget_old_messages, forget_old_updates
from bot.notices import expire_due_offers
from bot.privacy import forget_inactive
from bot.reminders import plan_reminders
from bot.scheduler import Heartbeat
from bot.sender import Deliver, OutboxSender
from handlers.notices import render_notice
from handlers.router import Conversations
from models import Database
from models.migrate import upgrade

log = logging.getLogger(__name__)

RETENTION_EVERY = timedelta(days=1)
FULL_PLAN_EVERY = timedelta(hours=1)
"""Reminders are planned from every booking this often; ticks in between plan changes."""
PLAN_OVERLAP = timedelta(minutes=5)


class Core:
    """Everything but the channels: database, flows, outbox sender."""

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
        self._sending = asyncio.Lock()
        self._last_retention: datetime | None = None
        self._last_plan: datetime | None = None
        self._last_full_plan: datetime | None = None
        self._woken: set[asyncio.Task[None]] = set()

    async def migrate(self) -> None:
        """Bring the schema up to date."""
        await asyncio.to_thread(upgrade, self.settings.database_url)

    async def tick(self) -> None:
        """Scheduled work: plan reminders, expire seat offers, send, forget old update ids."""
        now = self.clock.now()
        settings = self.settings
        since = self._plan_since(now)
        async with self.db.transaction() as session:
            await plan_reminders(
                session, now, zone=settings.zone, at=settings.reminder_time, since=since
            )
        if since is None:
            self._last_full_plan = now
        self._last_plan = now
        await expire_due_offers(self.db, now, settings.offer_expiry_minutes)
        await self.send_due()
        await forget_old_updates(self.db, now)
        if self._last_retention is None or now - self._last_retention >= RETENTION_EVERY:
            await self.apply_retention(now)

    def _plan_since(self, now: datetime) -> datetime | None:
        """Where this tick's reminder planning starts (None: plan everything again).

        Ticks overlap by a few minutes, for bookings committed while the last one ran.
        """
        last_full, last = self._last_full_plan, self._last_plan
        if last_full is None or last is None or not last <= now < last_full + FULL_PLAN_EVERY:
            return None
        return last - PLAN_OVERLAP

    async def apply_retention(self, now: datetime) -> int:
        """Daily: erase people silent for RETENTION_MONTHS; drop month-old outbox rows."""
        settings = self.settings
        async with self.db.transaction() as session:
            erased = await forget_inactive(
                session, now, settings.retention_months, settings.offer_expiry_minutes
            )
        await forget_old_messages(self.db, now)
        self._last_retention = now
        if erased:
            log.info("retention: the data of %d inactive people was erased", erased)
        return erased

    async def send_due(self) -> None:
        """One pass of the sender, unless one is running (it picks up new rows itself)."""
        if self._sending.locked():
            return
        async with self._sending:
            await self.sender.run_once()

    def wake(self) -> None:
        """Send what was just queued now rather than at the next tick."""
        task = asyncio.get_running_loop().create_task(self.send_due())
        self._woken.add(task)
        task.add_done_callback(self._woken.discard)

    async def close(self) -> None:
        """Let woken sends finish; release the database."""
        if self._woken:
            await asyncio.gather(*self._woken, return_exceptions=True)
        await self.db.dispose()


def sms_provider(settings: Settings) -> SmsProvider | None:
    """The configured SMS provider, if any."""
    if settings.sms_provider == "twilio":
        from bot.channels.sms.twilio import TwilioProvider

        return TwilioProvider(settings)
    if settings.sms_provider == "android":
        from bot.channels.sms.android import AndroidGatewayProvider

        return AndroidGatewayProvider(settings)
    return None


class Runtime:
    """The running bot: Telegram when there is a token, the HTTP server when SMS is set up,
    and the scheduler that wakes the outbox sender."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        *,
        poll_timeout: int = 10,
        telegram_enabled: bool = True,
    ) -> None:
        self.settings = settings
        self.core = Core(settings, clock)
        self.poll_timeout = poll_timeout
        self.app: Application | None = None
        webhooks: dict[str, Endpoint] = {}
        if telegram_enabled and settings.telegram_bot_token is not None:
            pacer = telegram.pacer_for(settings)
            flows = self.core.conversations
            self.app = telegram.build_application(
                settings, flows.handle, flows.queue_replies, pacer
            )
            self.core.deliverers[telegram.CHANNEL] = telegram.make_deliverer(self.app.bot, pacer)
            if settings.webhook_url and settings.webhook_secret is not None:
                secret = settings.webhook_secret.get_secret_value()
                webhooks[telegram.WEBHOOK_PATH] = telegram.webhook_endpoint(
                    self.app.bot, pacer, flows, secret
                )
        self.provider = sms_provider(settings)
        if self.provider is not None:
            sms = SmsChannel(settings, self.core.conversations, self.provider, self.core.wake)
            self.core.deliverers[SMS] = sms.deliverer()
            webhooks[f"/sms/{self.provider.name}"] = sms.webhook
        mounts = [self._dashboard()] if settings.dashboard_enabled else []
        self.http = (
            HttpServer(build_app(webhooks, mounts), settings.http_host, settings.http_port)
            if webhooks or mounts or settings.http_enabled
            else None
        )
        self.heartbeat = Heartbeat(self.core.tick, settings.outbox_poll_seconds)
        self._telegram_up = False

    def _dashboard(self) -> Mount:
        """The organisers' web dashboard, under /admin."""
        from bot.web import DashboardContext, dashboard_mount

        context = DashboardContext(
            self.settings,
            self.core.db,
            self.core.clock,
            wake=self.core.wake,
            telegram_username=self._telegram_username,
        )
        return dashboard_mount(context)

    def _telegram_username(self) -> str | None:
        """The bot's username, as getMe told it at start-up (None without Telegram)."""
        if self.app is None or not self._telegram_up:
            return None
        return self.app.bot.username

    async def start(self) -> None:
        """Migrate, start the channels and the scheduler."""
        await self.core.migrate()
        if self.http is not None:
            await self.http.start()
        if self.app is not None:
            await telegram.connect(self.app.bot)
            await self.app.initialize()
            self._telegram_up = True
            await telegram.set_commands(self.app.bot, self.settings.default_language)
            if self.settings.webhook_url:
                await telegram.register_webhook(self.app.bot, self.settings)
                mode = "webhook"
            else:
                assert self.app.updater is not None
                await self.app.updater.start_polling(poll_interval=0.0, timeout=self.poll_timeout)
                await self.app.start()
                mode = "long polling"
            log.info("the bot is running on Telegram (@%s, %s)", self.app.bot.username, mode)
        self.heartbeat.start()
        log.info("the bot is running")

    async def stop(self) -> None:
        """Stop the scheduler and the channels, finish the work in hand, close the database."""
        self.heartbeat.stop()
        if self.http is not None:
            await self.http.stop()
        if self.app is not None:
            assert self.app.updater is not None
            if self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            if self.app._initialized:
                await self.app.shutdown()
        if self.provider is not None:
            await self.provider.close()
        await self.core.close()

    async def run_forever(self) -> None:
        """Run until interrupted."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
