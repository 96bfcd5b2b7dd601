"""The scheduled work, one tick at a time: plan reminders, expire offers, send, forget.

APScheduler (:mod:`core.delivery.wakeup`) only calls :meth:`Engine.tick`; every rule about what a
tick does and how often lives here, so it can be tested with a fixed clock and no channel.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import date, datetime, timedelta

from core.clock import Clock
from core.config import Settings
from core.delivery.sender import Deliver, OutboxSender, Remember, Render
from core.jobs import daily_jobs, tick_jobs
from core.schedule.backup import NotABackup, daily_backup, sqlite_file
from core.schedule.backup_erasure import tidy_copies
from core.seats import housekeeping, privacy, unread
from core.seats.alerts import Organisers, digest_day, keep_inbox, plan_digest
from core.seats.offers import expire_due_offers
from core.seats.reminders import plan_reminders
from models import Database

log = logging.getLogger(__name__)

JOB_OWNERS = (housekeeping, privacy, unread)
"""The modules whose scheduled jobs the tick runs (imported, they register themselves)."""

RETENTION_EVERY = timedelta(days=1)
FULL_PLAN_EVERY = timedelta(hours=1)
"""Reminders are planned from every booking this often; ticks in between plan changes."""
PLAN_OVERLAP = timedelta(minutes=5)
"""Ticks overlap by this much, for bookings committed while the last one ran."""
SEND_WAIT_SECONDS = 30.0
"""How long a tick waits for the sender's pass before going on without it."""


class Engine:
    """Plan, expire and send what is due; the outbox sender is woken here."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        render: Render,
        remember: Remember | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.deliverers: dict[str, Deliver] = {}
        self.sender = OutboxSender(
            db,
            clock,
            render,
            self.deliverers,
            remember=remember,
            organisers=Organisers.of(settings),
        )
        self._pass: asyncio.Task[int] | None = None
        """The sender's running pass, if any."""
        self._ticking = asyncio.Lock()
        self._stopping = False
        self._last_retention: datetime | None = None
        self._last_plan: datetime | None = None
        self._last_full_plan: datetime | None = None
        self._digest_day: date | None = None
        self._backup_warned = False

    async def tick(self) -> None:
        """Scheduled work: plan reminders, expire seat offers, send, forget old update ids.

        Once ``stop`` has begun, a tick does nothing more after the step it is in."""
        if self._stopping:
            return
        async with self._ticking:
            await self._tick()

    async def _tick(self) -> None:
        now = self.clock.now()
        settings = self.settings
        since = self.plan_since(now)
        async with self.db.transaction() as session:
            if since is None:
                await keep_inbox(session, self.sender.organisers, now)
            await plan_reminders(
                session,
                now,
                zone=settings.zone,
                at=settings.reminder_time,
                since=since,
                days_before=tuple(settings.reminder_days_before),
            )
            day = digest_day(now, settings.zone, settings.organiser_digest_time)
            if day is not None and (since is None or day != self._digest_day):
                await plan_digest(session, now, settings.zone, settings.organiser_digest_time)
            self._digest_day = day
        if since is None:
            self._last_full_plan = now
        self._last_plan = now
        if self._stopping:
            return
        await expire_due_offers(self.db, now, settings.offer_expiry_minutes)
        await self.send_due()
        if self._stopping:
            return
        for job in tick_jobs():
            await job.run(self.db, settings, now)
        if self._last_retention is None or now - self._last_retention >= RETENTION_EVERY:
            await self.apply_retention(now)

    def plan_since(self, now: datetime) -> datetime | None:
        """Where this tick's reminder planning starts (None: plan everything again)."""
        last_full, last = self._last_full_plan, self._last_plan
        if last_full is None or last is None or not last <= now < last_full + FULL_PLAN_EVERY:
            return None
        return last - PLAN_OVERLAP

    async def apply_retention(self, now: datetime) -> int:
        """The daily jobs the rooms registered (people silent for RETENTION_MONTHS erased,
        month-old outbox rows, old calls and unread messages deleted), then the day's backup;
        return how many people were erased."""
        done = {job.run: await job.run(self.db, self.settings, now) for job in daily_jobs()}
        self._last_retention = now
        await self.daily_backup(now)
        return done.get(privacy.erase_inactive) or 0

    async def daily_backup(self, now: datetime) -> None:
        """Today's copy of the SQLite database in BACKUP_DIR, older ones past BACKUP_DAYS
        deleted, leftovers removed, erasures applied to the kept copies; a failure is
        logged and never stops the rest of the tick."""
        settings = self.settings
        database = sqlite_file(settings.database_url)
        if database is None:
            if settings.backup_dir is not None and not self._backup_warned:
                log.warning("backup: BACKUP_DIR is for SQLite; back PostgreSQL up with pg_dump")
                self._backup_warned = True
            return
        try:
            await asyncio.to_thread(
                tidy_copies,
                database,
                settings.backup_dir,
                settings.backup_days,
                time.time(),
                now,
                settings.offer_expiry_minutes,
            )
            if settings.backup_dir is None:
                return
            await asyncio.to_thread(
                daily_backup,
                settings.database_url,
                settings.backup_dir,
                settings.backup_days,
                now.astimezone(settings.zone).date(),
            )
        except (OSError, sqlite3.Error, NotABackup) as error:
            log.error("backup: the daily copy failed (%s)", type(error).__name__)

    async def send_due(self, within: float = SEND_WAIT_SECONDS) -> None:
        """Send what is due: start a pass of the sender, or have the running one claim at
        once; wait for that pass to end, ``within`` seconds at most (it goes on after, so
        that a slow provider never holds the scheduled work up for long)."""
        running = self._start_pass()
        if running is not None:
            await asyncio.wait({running}, timeout=within)

    def wake(self) -> None:
        """Send what was just queued now rather than at the next tick."""
        self._start_pass()

    def _start_pass(self) -> asyncio.Task[int] | None:
        if self._pass is not None and not self._pass.done():
            self.sender.poke()
            return self._pass
        if self._stopping:
            return None
        self._pass = asyncio.get_running_loop().create_task(self.sender.run_once())
        self._pass.add_done_callback(_log_failure)
        return self._pass

    async def settle(self) -> None:
        """Let the running pass of the sender, and the deliveries it started, finish."""
        if self._pass is not None:
            await asyncio.wait({self._pass})  # not cancelled if this wait is

    async def stop(self, grace_seconds: float) -> int:
        """Claim nothing more; let deliveries in hand finish for up to ``grace_seconds``,
        abandon the rest and put their rows back in the queue; return how many went back.

        The running tick, if any, ends before this returns: nothing uses the database after."""
        self._stopping = True
        self.sender.stop()
        try:
            await asyncio.wait_for(self._drained(), grace_seconds)
        except TimeoutError:
            self.sender.cancel()
            if self._pass is not None:
                self._pass.cancel()
            await self._drained()
        await self.settle()
        released = await self.sender.release()
        async with self._ticking:
            pass  # the tick in hand stops after its step
        if released:
            log.info("%d outbox messages in hand were put back in the queue", released)
        return released

    async def _drained(self) -> None:
        """Return once no pass of the sender runs and no delivery it started is running.

        The deliveries are waited for on their own: a pass cut short leaves them out, and a
        row that was sent but not yet marked must not go back in the queue (it would go
        out twice)."""
        await self.settle()
        await self.sender.drain()


def _log_failure(task: asyncio.Task[int]) -> None:
    """Log a pass of the sender that failed (the database away): the next tick tries again."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("the outbox pass failed (%s); the next tick tries again", type(error).__name__)
