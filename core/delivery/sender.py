"""The outbox sender: claims due rows, renders them, hands them to a channel, marks them.

APScheduler only wakes it up; all it knows is in the database, so a restart loses nothing.
Rows are delivered concurrently (the channel's deliverer paces them) and each row is marked
as soon as its own delivery ends, so one slow or failing row never holds up the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.dialog import Reply
from core.outbox import metrics
from core.outbox.queue import FAREWELL_ADDRESS, REPLY, claim_due, mark, release
from core.redact import redact
from core.seats.alerts import ORGANISERS, Organisers, alert_undelivered, fan_out
from models import Database, OutboxMessage, OutboxStatus, Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
"""Attempts (timeouts, server errors) before a row is marked failed."""

MAX_RATE_LIMITED = 5
"""429 answers in a row for one row before it is put back in the queue for later."""

FIRST_BACKOFF = timedelta(seconds=5)


class Unreachable(Exception):
    """The person cannot be reached on their channel (blocked the bot, number gone)."""


class PermanentFailure(Exception):
    """The channel refused this message for good; retrying will not help."""


class RetryLater(Exception):
    """The channel asked to slow down; the deliverer already paused its pacing."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g} s")
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class Delivered:
    """What a channel tells of a message it sent: its own id for it (for statuses)."""

    provider_message_id: str | None = None
    segments: int | None = None


Render = Callable[[AsyncSession, OutboxMessage, Person, datetime], Awaitable[Reply | None]]
"""What a row says (None: it no longer applies); it only reads."""
Remember = Callable[[AsyncSession, OutboxMessage, Person, Reply, datetime], Awaitable[None]]
"""What the conversation keeps of a rendered row (its choices), in the claim's transaction."""
Deliver = Callable[[Person, Reply], Awaitable[int | Delivered | None]]
"""Send a reply to a person; return the SMS segments it took (None off SMS), or what the
channel told of it."""


@dataclass(frozen=True, slots=True)
class _Work:
    """One claimed row, ready to go out (``reply`` None: it no longer applies)."""

    row_id: int
    kind: str
    attempts: int
    person: Person
    reply: Reply | None
    kept_payload: dict[str, Any] | None = None
    """For a farewell after erasure: the payload to keep once it is done, without the
    address it went to (the last trace of the person)."""


class OutboxSender:
    """Deliver due outbox rows through the channel of each person."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        render: Render,
        deliverers: dict[str, Deliver],
        *,
        batch: int = 60,
        remember: Remember | None = None,
        organisers: Organisers | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.render = render
        self.remember = remember
        self.organisers = organisers or Organisers()
        self.deliverers = deliverers
        self.batch = batch
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_hand: set[int] = set()
        """Rows claimed by this sender and not marked yet."""

    def stop(self) -> None:
        """Claim nothing more; the rows in hand are still delivered."""
        self._stopping = True

    async def drain(self) -> None:
        """Return once every delivery this sender started has ended (marked, or abandoned)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def cancel(self) -> None:
        """Abandon the deliveries still running (their rows are then released)."""
        for task in self._tasks:
            task.cancel()

    async def release(self) -> int:
        """Put the rows claimed and not marked back in the queue; return how many."""
        in_hand, self._in_hand = self._in_hand, set()
        async with self.db.transaction() as session:
            return await release(session, in_hand)

    async def run_once(self) -> int:
        """Send what is due now, until nothing is; return how many rows were claimed.

        New rows are claimed whenever half the claimed ones are done, so the channel's
        pacing, not the claiming, sets the pace.
        """
        handled = 0
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while True:
                room = self.batch - len(in_flight)
                if room * 2 >= self.batch:
                    claimed = [] if self._stopping else await self._claim(room)
                    handled += len(claimed)
                    self._in_hand.update(work.row_id for work in claimed)
                    for works in _by_person(claimed):
                        task = asyncio.create_task(self._deliver_in_order(works))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
                        in_flight.add(task)
                    if not in_flight:
                        return handled
                    if not claimed:  # nothing more is due: let what is in hand finish
                        _check(await asyncio.wait(in_flight))
                        in_flight.clear()
                        continue
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                _check((done, in_flight))
        finally:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _claim(self, limit: int) -> list[_Work]:
        """Claim due rows and render them; alerts fanned out are claimed again at once."""
        while True:
            work, fanned = await self._claim_round(limit)
            if work or not fanned:
                return work

    async def _claim_round(self, limit: int) -> tuple[list[_Work], int]:
        now = self.clock.now()
        work: list[_Work] = []
        fanned = 0
        async with self.db.transaction() as session:
            for row in await claim_due(session, now, limit, exclude=self._in_hand):
                person = await session.get(Person, row.person_id)
                assert person is not None
                if person.channel == ORGANISERS:  # copied to each organiser, sent next round
                    fanned += await fan_out(session, row, self.organisers, now)
                    continue
                if row.kind == REPLY and FAREWELL_ADDRESS in row.payload:  # after erasure
                    to = Person(
                        id=person.id,
                        channel=person.channel,
                        external_id=row.payload[FAREWELL_ADDRESS],
                    )
                    kept = {k: v for k, v in row.payload.items() if k != FAREWELL_ADDRESS}
                    if person.channel not in self.deliverers:
                        await mark(
                            session,
                            row.id,
                            OutboxStatus.DROPPED,
                            now,
                            error="unreachable",
                            payload=kept,
                        )
                        continue
                    reply = await self.render(session, row, to, now)
                    work.append(_Work(row.id, row.kind, row.attempts, to, reply, kept))
                    continue
                if person.unreachable or person.channel not in self.deliverers:
                    await mark(session, row.id, OutboxStatus.DROPPED, now, error="unreachable")
                    metrics.OUTBOX_DROPPED.labels(row.kind, "unreachable").inc()
                    continue
                if person.opted_out and row.kind != REPLY:
                    await mark(session, row.id, OutboxStatus.DROPPED, now, error="opted out")
                    metrics.OUTBOX_DROPPED.labels(row.kind, "opted_out").inc()
                    continue
                reply = await self.render(session, row, person, now)
                if reply is not None and self.remember is not None:
                    await self.remember(session, row, person, reply, now)
                work.append(_Work(row.id, row.kind, row.attempts, person, reply))
        return work, fanned

    async def _deliver_in_order(self, works: list[_Work]) -> None:
        """One person's rows, one after the other; none more once they are unreachable."""
        reachable = True
        for work in works:
            if reachable:
                reachable = await self._deliver(work)
            else:
                await self._mark(work, OutboxStatus.DROPPED, error="unreachable")
                metrics.OUTBOX_DROPPED.labels(work.kind, "unreachable").inc()

    async def _deliver(self, work: _Work) -> bool:
        """Deliver one row and mark it; False when the person turned out unreachable."""
        if work.reply is None:
            await self._mark(work, OutboxStatus.DROPPED, error="no longer applies")
            metrics.OUTBOX_DROPPED.labels(work.kind, "no_longer_applies").inc()
            return True
        deliver = self.deliverers[work.person.channel]
        last_wait = 0.0
        started = time.monotonic()
        for _ in range(MAX_RATE_LIMITED):
            try:
                outcome = await deliver(work.person, work.reply)
            except RetryLater as error:
                log.info("outbox row %d: asked to slow down (%s)", work.row_id, error)
                last_wait = error.seconds
                continue
            except Unreachable as error:
                await self._unreachable(work, error)
                return False
            except Exception as error:  # one failing row never holds the others up
                await self._failed_attempt(work, error)
            else:
                delivered = outcome if isinstance(outcome, Delivered) else Delivered(None, outcome)
                await self._mark(
                    work,
                    OutboxStatus.SENT,
                    segments=delivered.segments,
                    provider_message_id=delivered.provider_message_id,
                )
                metrics.OUTBOX_SENT.labels(work.kind).inc()
                metrics.SEND_SECONDS.observe(time.monotonic() - started)
            return True
        retry_at = self.clock.now() + timedelta(seconds=last_wait)
        await self._mark(work, OutboxStatus.PENDING, error="rate limited", retry_at=retry_at)
        return True

    async def _unreachable(self, work: _Work, error: Exception) -> None:
        log.info("outbox row %d: person %d is unreachable", work.row_id, work.person.id)
        metrics.OUTBOX_FAILED.labels(work.kind).inc()
        async with self.db.transaction() as session:
            stored = await session.get(Person, work.person.id)
            if stored is not None:
                stored.unreachable = True
            await mark(
                session,
                work.row_id,
                OutboxStatus.FAILED,
                self.clock.now(),
                error=_text(error),
                payload=work.kept_payload,
            )
            await alert_undelivered(session, work.row_id, self.clock.now())
        self._in_hand.discard(work.row_id)

    async def _failed_attempt(self, work: _Work, error: Exception) -> None:
        log.warning("outbox row %d not delivered: %s", work.row_id, _text(error))
        if isinstance(error, PermanentFailure) or work.attempts >= MAX_ATTEMPTS:
            metrics.OUTBOX_FAILED.labels(work.kind).inc()
            await self._mark(work, OutboxStatus.FAILED, error=_text(error))
            async with self.db.transaction() as session:
                await alert_undelivered(session, work.row_id, self.clock.now())
            return
        retry_at = self.clock.now() + FIRST_BACKOFF * 2 ** (work.attempts - 1)
        await self._mark(work, OutboxStatus.PENDING, error=_text(error), retry_at=retry_at)

    async def _mark(
        self,
        work: _Work,
        status: OutboxStatus,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
        segments: int | None = None,
        provider_message_id: str | None = None,
    ) -> None:
        """Record the outcome; a farewell that is done forgets where it went."""
        done = status in (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED)
        async with self.db.transaction() as session:
            await mark(
                session,
                work.row_id,
                status,
                self.clock.now(),
                error=error,
                retry_at=retry_at,
                segments=segments,
                payload=work.kept_payload if done else None,
                provider_message_id=provider_message_id,
            )
        self._in_hand.discard(work.row_id)


def _by_person(works: list[_Work]) -> list[list[_Work]]:
    """Claimed rows grouped by person, each group in due order."""
    groups: dict[int, list[_Work]] = {}
    for work in works:
        groups.setdefault(work.person.id, []).append(work)
    return list(groups.values())


def _check(waited: tuple[set[asyncio.Task[None]], set[asyncio.Task[None]]]) -> None:
    """Log the deliveries that ended in an unexpected error (the database went away)."""
    for task in waited[0]:
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("an outbox delivery failed unexpectedly", exc_info=error)


def _text(error: Exception) -> str:
    """An error as logged and stored with its row: its type, and its message cut short,
    without the phone numbers or e-mails a provider may repeat in it."""
    message = str(error) or type(error).__name__
    return redact(f"{type(error).__name__}: {message}")[:500]
