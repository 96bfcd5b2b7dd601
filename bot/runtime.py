"""The composition root: builds the database, the flows, the engine and the channels, and
starts and stops them. It holds no rules of its own."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute, Mount

from bot.channels import email
from bot.channels.channel import Channel, Wiring
from bot.channels.http_server import HttpServer, build_app
from bot.channels.sms import channel as sms
from bot.channels.telegram import channel as telegram
from bot.channels.voice import channel as voice
from bot.channels.whatsapp import channel as whatsapp
from bot.web.published import PublishedFeed
from core.clock import Clock, SystemClock
from core.config import Settings
from core.delivery.tick import Engine
from core.delivery.wakeup import Heartbeat
from core.dialog import Reply
from core.health import database_writable
from core.outbox.metrics import refresh_outbox
from handlers.machinery.turns import Conversations
from handlers.renderers.notice_texts import remember_notice, render_notice
from models import Database, OutboxMessage, Person
from models.migrate import upgrade

log = logging.getLogger(__name__)

_settled = False


def settle_start_up_objects() -> None:
    """Keep what start-up made (modules, the ORM's and python-telegram-bot's classes, about
    200,000 objects) out of the garbage collector's full passes, once per process.

    A full pass walks every object tracked: it came about once a minute under load and
    took 0.3 to 0.8 s on a busy 2-core machine, every update in hand waiting for it (the
    tail of the conversation benchmark's latency). The garbage of start-up is collected
    first; the objects made afterwards are collected as before."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()


CHANNELS: tuple[Callable[[Wiring], Channel | None], ...] = (
    sms.from_settings,
    whatsapp.from_settings,
    email.from_settings,
    voice.from_settings,
)
"""Every channel but Telegram (made apart: tests run the bot without it), in the order they
are started; each is None when it is not set up. A new channel is one more line here."""


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


class Runtime:
    """The running bot: every channel that is set up, the HTTP server when one of them (or the
    dashboard) needs it, and the scheduler that wakes the outbox sender."""

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
        wiring = Wiring(
            settings, self.db, self.services.conversations, self.services.clock, self.engine.wake
        )
        self.telegram = (
            telegram.from_settings(wiring, poll_timeout=poll_timeout) if telegram_enabled else None
        )
        if self.telegram is not None:  # the answers it sends at once are its own
            self.engine.sender.holders.append(self.telegram.held.keys)
        made = [self.telegram, *(make(wiring) for make in CHANNELS)]
        self.channels: list[Channel] = [channel for channel in made if channel is not None]
        routes: list[BaseRoute] = []
        for channel in self.channels:
            deliver = channel.deliverer()
            if deliver is not None:
                self.engine.deliverers[channel.name] = deliver
            routes += channel.routes()
        if settings.dashboard_enabled:
            routes.append(self._dashboard())
        token = settings.metrics_token
        published = PublishedFeed(
            self.db, settings, self.services.clock, telegram_username=self._telegram_username
        )
        app = build_app(
            [*routes, *published.routes()],
            ready=lambda: database_writable(self.db),
            metrics_token=token.get_secret_value() if token is not None else None,
            refresh_metrics=lambda: refresh_outbox(self.db, self.services.clock.now()),
        )
        self.http = (
            HttpServer(app, settings.http_host, settings.http_port, settings.trusted_proxies)
            if routes or settings.http_enabled
            else None
        )
        self.heartbeat = Heartbeat(self.engine.tick, settings.outbox_poll_seconds)

    @property
    def app(self) -> telegram.Application | None:
        """The Telegram Application, when Telegram is on."""
        return self.telegram.app if self.telegram is not None else None

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
        return self.telegram.username() if self.telegram is not None else None

    async def start(self) -> None:
        """Migrate, start the HTTP server, the channels and the scheduler."""
        await self.services.migrate()
        if self.http is not None:
            await self.http.start()
        for channel in self.channels:
            await channel.start()
        self.heartbeat.start()
        settle_start_up_objects()
        log.info("the bot is running")

    async def stop(self) -> None:
        """Stop cleanly: take no more updates, answer those in hand, let the messages being
        sent finish (or put them back in the queue), close the database."""
        for channel in self.channels:
            await channel.stop_taking()  # no more polling
        if self.http is not None:
            await self.http.stop()  # no more requests; those in hand are answered
        # No new tick; the running one is not cancelled: that would cut its send pass's
        # deliveries between sending and marking, and they would go out again.
        self.heartbeat.pause()
        for channel in self.channels:
            await channel.finish()  # handles the updates already taken
        # The sends in hand finish (or go back in the queue) while the channels still work.
        released = await self.engine.stop(self.settings.shutdown_grace_seconds)
        self.heartbeat.stop()
        for channel in self.channels:
            await channel.close()
        await self.services.close()
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
