"""The composition root: builds the database, the flows, the engine and the channels, and
starts and stops them. It holds no rules of its own."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute, Mount

from bot.channels import telegram
from bot.channels.http_server import Endpoint, HttpServer, build_app
from bot.channels.sms.channel import SmsChannel
from bot.channels.sms.providers import SmsProvider
from core.clock import Clock, SystemClock
from core.config import Settings
from core.delivery.tick import Engine
from core.delivery.wakeup import Heartbeat
from core.dialog import SMS, WHATSAPP, Reply
from core.health import database_writable
from core.outbox.metrics import refresh_outbox
from handlers.machinery.turns import Conversations
from handlers.renderers.notice_texts import remember_notice, render_notice
from models import Database, OutboxMessage, Person
from models.migrate import upgrade

log = logging.getLogger(__name__)


class Services:
    """The database, the conversation engine and the scheduled work, wired together."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url)
        self.conversations = Conversations(self.db, settings, self.clock)

        async def render(
            session: AsyncSession, row: OutboxMessage, person: Person, now: datetime
        ) -> Reply | None:
            return await render_notice(session, row, person, settings, now)

        self.engine = Engine(self.db, settings, self.clock, render, remember_notice)

    async def migrate(self) -> None:
        """Bring the schema up to date."""
        await asyncio.to_thread(upgrade, self.settings.database_url)

    async def close(self) -> None:
        """Let woken sends finish; release the database."""
        await self.engine.settle()
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
        self.services = Services(settings, clock)
        self.db = self.services.db
        self.engine = self.services.engine
        self.poll_timeout = poll_timeout
        self.app: telegram.Application | None = None
        webhooks: dict[str, Endpoint] = {}
        if telegram_enabled and settings.telegram_bot_token is not None:
            pacer = telegram.pacer_for(settings)
            flows = self.services.conversations
            outcomes = telegram.Outcomes()
            self.app = telegram.build_application(settings, flows, pacer, outcomes)
            self.engine.deliverers[telegram.CHANNEL] = telegram.make_deliverer(self.app.bot, pacer)
            if settings.webhook_url and settings.webhook_secret is not None:
                secret = settings.webhook_secret.get_secret_value()
                webhooks[telegram.WEBHOOK_PATH] = telegram.webhook_endpoint(
                    self.app, outcomes, secret
                )
        self.provider = sms_provider(settings)
        if self.provider is not None:
            sms = SmsChannel(settings, self.services.conversations, self.provider, self.engine.wake)
            self.engine.deliverers[SMS] = sms.deliverer()
            webhooks[f"/sms/{self.provider.name}"] = sms.webhook
        mounts: list[BaseRoute] = [self._dashboard()] if settings.dashboard_enabled else []
        self.whatsapp = None
        if settings.whatsapp_enabled:
            from bot.channels.whatsapp.channel import WhatsAppChannel

            self.whatsapp = WhatsAppChannel(
                settings,
                self.db,
                self.services.conversations,
                self.services.clock,
                self.engine.wake,
            )
            self.engine.deliverers[WHATSAPP] = self.whatsapp.deliverer()
            mounts.append(self.whatsapp.route())
        if settings.smtp_host and settings.organiser_emails:
            from bot.channels.email import CHANNEL as EMAIL
            from bot.channels.email import EmailChannel

            self.engine.deliverers[EMAIL] = EmailChannel(settings).deliver
        token = settings.metrics_token
        app = build_app(
            webhooks,
            mounts,
            ready=lambda: database_writable(self.db),
            metrics_token=token.get_secret_value() if token is not None else None,
            refresh_metrics=lambda: refresh_outbox(self.db, self.services.clock.now()),
        )
        self.http = (
            HttpServer(
                app,
                settings.http_host,
                settings.http_port,
                settings.trusted_proxies,
            )
            if webhooks or mounts or settings.http_enabled
            else None
        )
        self.heartbeat = Heartbeat(self.engine.tick, settings.outbox_poll_seconds)
        self._telegram_up = False

    def _dashboard(self) -> Mount:
        """The organisers' web dashboard, under /admin."""
        from bot.web import DashboardContext, dashboard_mount

        context = DashboardContext(
            self.settings,
            self.db,
            self.services.clock,
            wake=self.engine.wake,
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
        await self.services.migrate()
        if self.http is not None:
            await self.http.start()
        if self.app is not None:
            await telegram.connect(self.app.bot)
            await self.app.initialize()
            self._telegram_up = True
            await telegram.set_profile(self.app.bot, self.settings)
            if self.settings.webhook_url:
                await self.app.start()  # takes updates from its queue; no updater
                await telegram.register_webhook(self.app.bot, self.settings)
                mode = "webhook"
            else:
                assert self.app.updater is not None
                await self.app.updater.start_polling(
                    poll_interval=0.0,
                    timeout=self.poll_timeout,
                    allowed_updates=telegram.ALLOWED_UPDATES,
                )
                await self.app.start()
                mode = "long polling"
            log.info("the bot is running on Telegram (@%s, %s)", self.app.bot.username, mode)
        self.heartbeat.start()
        log.info("the bot is running")

    async def stop(self) -> None:
        """Stop cleanly: take no more updates, answer those in hand, let the messages being
        sent finish (or put them back in the queue), close the database."""
        if self.app is not None and self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()  # no more polling
        if self.http is not None:
            await self.http.stop()  # no more requests; those in hand are answered
        # No new tick; the running one is not cancelled: that would cut its send pass's
        # deliveries between sending and marking, and they would go out again.
        self.heartbeat.pause()
        if self.app is not None and self.app.running:
            await self.app.stop()  # handles the updates already taken
        # The sends in hand finish (or go back in the queue) while the channels still work.
        released = await self.engine.stop(self.settings.shutdown_grace_seconds)
        self.heartbeat.stop()
        if self.app is not None and self.app._initialized:
            await self.app.shutdown()
        if self.provider is not None:
            await self.provider.close()
        await self.services.close()
        if self.whatsapp is not None:
            await self.whatsapp.close()
        log.info("the bot has stopped (%d messages in hand put back in the queue)", released)

    async def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT (Ctrl-C), then stop cleanly."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT)
        for number in signals:
            loop.add_signal_handler(number, _on_signal, stopping, number)
        try:
            await self.start()
            await stopping.wait()
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
            await self.stop()


def _on_signal(stopping: asyncio.Event, number: signal.Signals) -> None:
    """Note the signal and let the runtime stop."""
    log.info("%s received: stopping", signal.Signals(number).name)
    stopping.set()
