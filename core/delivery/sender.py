"""The outbox sender: claims due rows, renders them, hands them to a channel, marks them.

APScheduler only wakes it up; all it knows is in the database, so a restart loses nothing.
Rows are delivered concurrently, one task per person (the channel's deliverer paces them),
and each row is marked as soon as its own delivery ends, so one slow or failing row never
holds up the others. A slow or dead provider never holds up another channel either: while
deliveries are out, the pass claims again as soon as rows are queued (:meth:`poke`) and
every ``RECHECK_SECONDS``, and a channel with more than half a batch in hand is left out
of the claims until it has room, so that its rows never take the others' places.

A row in hand keeps its lease (renewed every ``RENEW_SECONDS``). A mark the database
refuses is tried again until it is back, so a row sent while the database was away is
not sent a second time; a row whose delivery ended without a mark goes back to the queue
when its lease lapses, and this sender takes it again like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.dialog import Reply, reply_to_payload
from core.outbox import metrics
from core.outbox.priority import priority_of, sending_as
from core.outbox.queue import FAREWELL_ADDRESS, LEASE, REPLY, claim_due, mark, release, renew
from core.redact import redact
from core.seats.alerts import ORGANISERS, Organisers, alert_undelivered, fan_out
from models import Database, OutboxMessage, OutboxStatus, Person
from models.db import is_unavailable

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
"""Attempts (timeouts, server errors) before a row is marked failed: about 76 s of trying."""

MAX_RATE_LIMITED = 5
"""429 answers in a row for one row before it is put back in the queue for later."""

RETRY_SOON = timedelta(seconds=1)
"""The wait before a row whose first attempt failed is tried again; the pass waits for it.
A connection closed under the call (every idle one of the pool may be) or a one-off 5xx
is gone by then, and a person may be waiting for that answer: their next messages wait
behind it too. A second second, the chat's pace, spares a provider that is down."""

FIRST_BACKOFF = timedelta(seconds=5)
"""The wait after a second failed attempt, doubled after each one after it (5, 10, 20,
40 s): the provider is in trouble, and its trouble is given time to pass."""

RECHECK_SECONDS = 1.0
"""While deliveries are out, how often the pass looks for rows that fell due meanwhile."""

RENEW_SECONDS = LEASE.total_seconds() / 4
"""How often the lease of the rows in hand is renewed."""

MARK_RETRY_SECONDS = (0.2, 10.0)
"""The first and the longest wait before a mark the database refused is tried again."""

MARK_GRACE_SECONDS = 2.0
"""How long a delivery cancelled while its send is out, or while its outcome is being
recorded, waits for them (a message out but not marked would go out again)."""

_T = TypeVar("_T")

_TIMER_SLACK = 0.01
"""Seconds added to a wait for a row's due time: the loop's timers may fire a little early."""


class Unreachable(Exception):
    """The person cannot be reached on their channel (blocked the bot, number gone)."""


class PermanentFailure(Exception):
    """The channel refused this message for good; retrying will not help."""


class RetryLater(Exception):
    """The channel asked to slow down; the deliverer already paused its pacing."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g} s")
        self.seconds = seconds


class NotNow(RetryLater):
    """The channel may not send this message now (a call outside calling hours): nothing
    was tried, so it goes back in the queue for ``seconds`` without counting an attempt,
    and the person's other messages do not wait for it."""


class PartlySent(Exception):
    """Part of a reply went out (a keyboard note) before ``error`` stopped the rest;
    ``left`` is what remains to send: a second try sends only that."""

    def __init__(self, left: Reply, error: Exception) -> None:
        super().__init__(f"partly sent: {error}")
        self.left = left
        self.error = error


class _Outcome(Enum):
    """How a row's delivery ended, for the person's next rows."""

    DONE = "done"
    """Sent, or given up for good (failed, dropped): the next rows go."""
    AGAIN = "again"
    """Put back to be tried again: the next rows wait behind it."""
    UNREACHABLE = "unreachable"
    """The person cannot be reached: the next rows are dropped."""


@dataclass(frozen=True, slots=True)
class Delivered:
    """What a channel tells of a message it sent: its own id for it (for statuses)."""

    provider_message_id: str | None = None
    segments: int | None = None


Render = Callable[[AsyncSession, OutboxMessage, Person, datetime], Awaitable[Reply | None]]
"""What a row says (None: it no longer applies); it only reads."""
Remember = Callable[[AsyncSession, OutboxMessage, Person, Reply, datetime], Awaitable[None]]
"""What the conversation keeps of a notice about to go out (its choices), in a transaction
of its own just before its first try."""
Deliver = Callable[[Person, Reply], Awaitable[int | Delivered | None]]
"""Send a reply to a person; return the SMS segments it took (None off SMS), or what the
channel told of it."""


@dataclass(frozen=True, slots=True)
class _Work:
    """One claimed row, ready to go out (``reply`` None: it no longer applies)."""

    row_id: int
    kind: str
    attempts: int
    """Also the number of this claim of the row (see :mod:`core.outbox.queue`)."""
    person: Person
    reply: Reply | None
    kept_payload: dict[str, Any] | None = None
    """For a farewell after erasure: the payload to keep once it is done, without the
    address it went to (the last trace of the person)."""
    in_part: bool = False
    """Part of the reply went out already (:class:`PartlySent`); ``reply`` is the rest."""


Write = Callable[[AsyncSession], Awaitable[bool]]
"""A mark, in its transaction; False when the row was no longer held."""


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
        recheck_seconds: float = RECHECK_SECONDS,
        renew_seconds: float = RENEW_SECONDS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.render = render
        self.remember = remember
        self.organisers = organisers or Organisers()
        self.deliverers = deliverers
        self.batch = batch
        self.recheck_seconds = recheck_seconds
        self.renew_seconds = renew_seconds
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_hand: dict[int, _Work] = {}
        """Rows claimed by this sender whose delivery is running or not yet marked."""
        self._abandoned: dict[int, int] = {}
        """Rows whose delivery was cut (the sender stops), with their claim: put back in
        the queue by :meth:`release` unless claimed again meanwhile."""
        self._poked = asyncio.Event()
        self._idle = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._cut_short: set[asyncio.Task[Any]] = set()
        """Deliveries cancelled while a send was out: they record it, then stop."""
        self._claims = 0
        """Claim rounds so far: a delivery during which rows were claimed may have held
        back the person's later rows (see :func:`core.outbox.queue.claim_due`)."""
        self._soon: datetime | None = None
        """The latest retry soon (:data:`RETRY_SOON`) of a row this pass put back: each is
        at most that far ahead, so by then all of them are due."""
        self.holders: list[Callable[[], Collection[str]]] = []
        """The keys of the rows this process's channels hold (answers they send at once,
        :mod:`core.outbox.held`): never claimed here, even once their hold has lapsed."""

    def stop(self) -> None:
        """Claim nothing more; the rows in hand are still delivered."""
        self._stopping = True
        self._poked.set()  # a pass waiting for a retry soon ends now

    def poke(self) -> None:
        """Rows were queued: the running pass claims them now, whatever is out."""
        self._poked.set()

    async def drain(self) -> None:
        """Return once every delivery this sender started has ended (marked, or abandoned)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def cancel(self) -> None:
        """Abandon the deliveries still running (their rows are then released)."""
        for task in self._tasks:
            if not task.cancelling():
                task.cancel()

    async def release(self) -> int:
        """Put the rows claimed and not marked back in the queue; return how many."""
        claims = self._abandoned | {row_id: work.attempts for row_id, work in self._in_hand.items()}
        self._abandoned = {}
        self._in_hand.clear()
        self._idle.set()
        async with self.db.transaction() as session:
            return await release(session, claims)

    async def run_once(self) -> int:
        """Send what is due now, until nothing is and this pass's deliveries have ended;
        return how many rows were claimed.

        Rows queued or fallen due while deliveries are out are claimed at once, except
        for a channel with more than half a batch in hand: its rows wait until it has
        room, so the channel's pacing, not the claiming, sets the pace.
        """
        handled = 0
        running: set[asyncio.Task[None]] = set()
        poked: asyncio.Task[bool] | None = None
        claim, starved = True, set[str]()
        try:
            while True:
                if claim and not self._stopping:
                    self._poked.clear()
                    starved = self._full_channels()
                    try:
                        claimed = await self._claim(self.batch, starved)
                    except Exception as error:  # deliveries out go on; claim again later
                        running = {task for task in running if not task.done()}
                        if not running or not is_unavailable(error):
                            raise
                        log.warning("outbox: no claim now (%s)", type(error).__name__)
                        claimed = []
                    handled += len(claimed)
                    running |= self._start(claimed)
                    if len(claimed) >= self.batch:
                        continue  # more may be due
                running = {task for task in running if not task.done()}
                if not running and (self._stopping or not self._poked.is_set()):
                    if not await self._retried_soon():
                        return handled
                    claim = True
                    continue
                waits: set[asyncio.Task[Any]] = set(running)
                if not self._stopping:  # stop() leaves the poke set: it would end each wait
                    if poked is None or poked.done():
                        poked = asyncio.create_task(self._poked.wait())
                    waits.add(poked)
                done, _ = await asyncio.wait(
                    waits,
                    timeout=self.recheck_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                claim = not done or poked in done or any(map(self._has_room, starved))
        finally:
            if poked is not None:
                poked.cancel()
            for task in running:
                if not task.cancelling():  # a second cancel would cut its grace short
                    task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _retried_soon(self) -> bool:
        """Wait for the retry soon of a row put back in this pass, if any (or a poke);
        return whether there was one, to claim it. Woken before it, it is kept for the
        next wait: the claim that follows the poke does not find that row due yet."""
        soon, self._soon = self._soon, None
        if soon is None or self._stopping:
            return False
        wait = min((soon - self.clock.now()).total_seconds(), RETRY_SOON.total_seconds())
        if wait > 0:
            try:
                async with asyncio.timeout(wait + _TIMER_SLACK):  # not a hair before
                    await self._poked.wait()
            except TimeoutError:
                pass
            else:  # woken early (a tick, a row queued): the retry is still to come
                if self.clock.now() < soon:
                    self._soon = soon if self._soon is None else max(self._soon, soon)
        return True

    def _channels_in_hand(self) -> Counter[str]:
        return Counter(work.person.channel for work in self._in_hand.values())

    def _full_channels(self) -> set[str]:
        """Channels with more than half a batch in hand: no more rows for them now."""
        return {c for c, rows in self._channels_in_hand().items() if rows * 2 > self.batch}

    def _has_room(self, channel: str) -> bool:
        return self._channels_in_hand()[channel] * 2 <= self.batch

    def _start(self, claimed: list[_Work]) -> set[asyncio.Task[None]]:
        """One delivery task per person; the leases kept while rows are in hand."""
        for work in claimed:
            self._in_hand[work.row_id] = work
            self._abandoned.pop(work.row_id, None)
        started = set()
        for works in _by_person(claimed):
            task = asyncio.create_task(self._deliver_in_order(works))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(_check)
            started.add(task)
        if self._in_hand:
            self._idle.clear()
            if self._keeper is None or self._keeper.done():
                self._keeper = asyncio.create_task(self._keep_leases())
        return started

    def _let_go(self, row_id: int) -> None:
        """The row is no longer in hand (marked, or its delivery ended without a mark)."""
        self._in_hand.pop(row_id, None)
        if not self._in_hand:
            self._idle.set()

    async def _keep_leases(self) -> None:
        """Renew the lease of the rows in hand until there are none."""
        while self._in_hand:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.renew_seconds):
                    await self._idle.wait()
                continue  # nothing in hand, unless rows came just after
            claims = {row_id: work.attempts for row_id, work in self._in_hand.items()}
            try:
                async with self.db.transaction() as session:
                    await renew(session, claims, self.clock.now())
            except Exception as error:  # the rows stay in hand; their marks are retried
                log.warning("the outbox leases could not be renewed (%s)", type(error).__name__)

    async def _claim(self, limit: int, skip_channels: set[str]) -> list[_Work]:
        """Claim due rows and render them; alerts fanned out are claimed again at once."""
        while True:
            work, fanned = await self._claim_round(limit, skip_channels)
            if work or not fanned:
                return work

    async def _claim_round(self, limit: int, skip_channels: set[str]) -> tuple[list[_Work], int]:
        self._claims += 1
        now = self.clock.now()
        work: list[_Work] = []
        fanned = 0
        async with self.db.transaction() as session:
            held = [key for holder in self.holders for key in holder()]
            claimed = await claim_due(session, now, limit, list(self._in_hand), skip_channels, held)
            for row in claimed:
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
                work.append(_Work(row.id, row.kind, row.attempts, person, reply))
        return work, fanned

    async def _deliver_in_order(self, works: list[_Work]) -> None:
        """One person's rows, one after the other; none more once they are unreachable.
        Once one is put back to be tried again, the next ones are put back too, unsent:
        they go after it (:func:`core.outbox.queue.claim_due` keeps them behind it), and
        the pass claims again once it has ended, for rows that waited behind these.

        A delivery cut short (the sender stops) leaves its rows to :meth:`release`; one
        that failed unexpectedly leaves them to their lease."""
        this = asyncio.current_task()
        claims = self._claims
        try:
            outcome = _Outcome.DONE
            for index, work in enumerate(works):
                if this in self._cut_short:
                    raise asyncio.CancelledError
                if outcome is _Outcome.UNREACHABLE:
                    await self._mark(work, OutboxStatus.DROPPED, error="unreachable")
                    metrics.OUTBOX_DROPPED.labels(work.kind, "unreachable").inc()
                    continue
                outcome = await self._deliver(work)
                if outcome is _Outcome.AGAIN:
                    await self._put_back(works[index + 1 :])
                    break
            if self._claims != claims or any(work.attempts > 1 for work in works):
                self.poke()  # rows held back behind these may go now
        except asyncio.CancelledError:
            for work in works:
                if work.row_id in self._in_hand:
                    self._abandoned[work.row_id] = work.attempts
            raise
        finally:
            self._cut_short.discard(this)
            for work in works:
                self._let_go(work.row_id)

    async def _hear(self, sending: Awaitable[_T]) -> _T:
        """The outcome of a send. When the delivery is cancelled meanwhile (the sender
        stops), the send may be out already: it is given ``MARK_GRACE_SECONDS`` to end,
        and its outcome is recorded before the cancellation goes on."""
        send = asyncio.ensure_future(sending)
        try:
            return await asyncio.shield(send)
        except asyncio.CancelledError:
            _, late = await asyncio.wait({send}, timeout=MARK_GRACE_SECONDS)
            this = asyncio.current_task()
            if late or this is None:
                send.cancel()
                raise
            this.uncancel()
            self._cut_short.add(this)
            return send.result()

    async def _deliver(self, work: _Work) -> _Outcome:
        """Deliver one row and mark it; say how it ended for the person's next rows."""
        if work.reply is None:
            await self._mark(work, OutboxStatus.DROPPED, error="no longer applies")
            metrics.OUTBOX_DROPPED.labels(work.kind, "no_longer_applies").inc()
            return _Outcome.DONE
        deliver = self.deliverers[work.person.channel]
        await self._remember(work)  # before it can be answered
        sending_as(priority_of(work.kind))  # the channel's pacer puts it in its place
        last_wait = 0.0
        started = time.monotonic()
        for _ in range(MAX_RATE_LIMITED):
            try:
                outcome = await self._hear(deliver(work.person, work.reply))
            except Exception as raised:
                error = raised
                if isinstance(error, PartlySent):  # a second try sends only the rest
                    work = dataclasses.replace(work, reply=error.left, in_part=True)
                    error = error.error
                if isinstance(error, NotNow):
                    await self._put_back([work], error.seconds)
                    return _Outcome.DONE
                if isinstance(error, RetryLater):
                    log.info("outbox row %d: asked to slow down (%s)", work.row_id, error)
                    last_wait = error.seconds
                    if asyncio.current_task() in self._cut_short:
                        break
                    continue
                if isinstance(error, Unreachable):
                    await self._unreachable(work, error)
                    return _Outcome.UNREACHABLE
                return await self._failed_attempt(work, error)  # the others go on meanwhile
            delivered = outcome if isinstance(outcome, Delivered) else Delivered(None, outcome)
            await self._mark(
                work,
                OutboxStatus.SENT,
                segments=delivered.segments,
                provider_message_id=delivered.provider_message_id,
            )
            metrics.OUTBOX_SENT.labels(work.kind).inc()
            metrics.SEND_SECONDS.observe(time.monotonic() - started)
            return _Outcome.DONE
        retry_at = self.clock.now() + timedelta(seconds=last_wait)
        await self._mark(work, OutboxStatus.PENDING, error="rate limited", retry_at=retry_at)
        return _Outcome.AGAIN

    async def _put_back(self, works: list[_Work], seconds: float | None = None) -> None:
        """Put rows back in the queue unsent, without counting the attempt: at once (they
        wait behind an earlier row of the person), or ``seconds`` later."""
        due_at = None if seconds is None else self.clock.now() + timedelta(seconds=seconds)
        for work in works:

            async def write(session: AsyncSession, work: _Work = work) -> bool:
                return await release(session, {work.row_id: work.attempts}, due_at) > 0

            await self._record(work, write)

    async def _unreachable(self, work: _Work, error: Exception) -> None:
        log.info("outbox row %d: person %d is unreachable", work.row_id, work.person.id)
        metrics.OUTBOX_FAILED.labels(work.kind).inc()

        async def write(session: AsyncSession) -> bool:
            now = self.clock.now()
            if not await mark(
                session,
                work.row_id,
                OutboxStatus.FAILED,
                now,
                error=_text(error),
                payload=work.kept_payload,
                claim=work.attempts,
            ):
                return False
            stored = await session.get(Person, work.person.id)
            if stored is not None:
                stored.unreachable = True
            await alert_undelivered(session, work.row_id, now)
            return True

        await self._record(work, write)

    async def _failed_attempt(self, work: _Work, error: Exception) -> _Outcome:
        log.warning("outbox row %d not delivered: %s", work.row_id, _text(error))
        if isinstance(error, PermanentFailure) or work.attempts >= MAX_ATTEMPTS:
            metrics.OUTBOX_FAILED.labels(work.kind).inc()
            await self._mark(work, OutboxStatus.FAILED, error=_text(error), alert=True)
            return _Outcome.DONE
        backoff = RETRY_SOON if work.attempts <= 1 else FIRST_BACKOFF * 2 ** (work.attempts - 2)
        retry_at = self.clock.now() + backoff
        await self._mark(work, OutboxStatus.PENDING, error=_text(error), retry_at=retry_at)
        if backoff <= RETRY_SOON:
            self._soon = retry_at if self._soon is None else max(self._soon, retry_at)
        return _Outcome.AGAIN

    async def _mark(
        self,
        work: _Work,
        status: OutboxStatus,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
        segments: int | None = None,
        provider_message_id: str | None = None,
        alert: bool = False,
    ) -> None:
        """Record the outcome (and, with ``alert``, tell the organisers it failed); a
        farewell that is done forgets where it went, an answer what it said (the person's
        own words and bookings: nothing of them is kept once it has gone). An answer put
        back after part of it went out keeps only the rest, to send that alone."""
        done = status in (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED)
        payload = work.kept_payload if done else None
        if done and payload is None and work.kind == REPLY:
            payload = {}
        if not done and work.in_part and work.kind == REPLY and work.reply is not None:
            payload = reply_to_payload(work.reply)
            if work.kept_payload is not None:  # a farewell: still to its address
                payload[FAREWELL_ADDRESS] = work.person.external_id

        async def write(session: AsyncSession) -> bool:
            now = self.clock.now()
            held = await mark(
                session,
                work.row_id,
                status,
                now,
                error=error,
                retry_at=retry_at,
                segments=segments,
                payload=payload,
                provider_message_id=provider_message_id,
                claim=work.attempts,
            )
            if held and alert:
                await alert_undelivered(session, work.row_id, now)
            return held

        await self._record(work, write)

    async def _remember(self, work: _Work) -> None:
        """What the conversation keeps of a notice about to go out (its choices, which a
        written "oui" or number picks), in a transaction of its own: just before its first
        try, so that an answer that comes at once finds them; never for a row put back unsent
        behind a failed one, which must not answer for the message the person has last seen.
        An answer (a row of kind REPLY) leaves its choices to its own turn: no transaction."""
        reply = work.reply
        if self.remember is None or reply is None or work.kept_payload is not None:
            return  # a farewell after erasure: nobody left to remember for
        if work.kind == REPLY or not reply.choices or work.attempts > 1:
            return
        async with self.db.transaction() as session:
            row = await session.get(OutboxMessage, work.row_id)
            person = await session.get(Person, work.person.id)
            if row is not None and person is not None:
                await self.remember(session, row, person, reply, self.clock.now())

    async def _record(self, work: _Work, write: Write) -> None:
        """Record an outcome; a delivery cancelled meanwhile (the sender stops) still
        gives its mark ``MARK_GRACE_SECONDS`` to land: the message went out, and a row
        put back in the queue would go out again."""
        marking = asyncio.ensure_future(self._write(work, write))
        try:
            await asyncio.shield(marking)
        except asyncio.CancelledError:
            _, late = await asyncio.wait({marking}, timeout=MARK_GRACE_SECONDS)
            for task in late:
                task.cancel()
            raise

    async def _write(self, work: _Work, write: Write) -> None:
        """Run ``write`` in a transaction, again and again while the database is
        unavailable: the outcome is known and must not be lost (the row would go out
        again). A row claimed again elsewhere meanwhile keeps the other outcome."""
        wait, longest = MARK_RETRY_SECONDS
        while True:
            try:
                async with self.db.transaction() as session:
                    held = await write(session)
            except Exception as error:
                if not is_unavailable(error):
                    raise
                log.warning(
                    "outbox row %d: the database is unavailable (%s); its outcome is kept"
                    " and recorded once it is back",
                    work.row_id,
                    type(error).__name__,
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, longest)
                continue
            self._let_go(work.row_id)
            if not held:
                log.warning(
                    "outbox row %d: its claim lapsed and it was taken again; this outcome"
                    " is not recorded",
                    work.row_id,
                )
            return


def _by_person(works: list[_Work]) -> list[list[_Work]]:
    """Claimed rows grouped by person, each group in due order."""
    groups: dict[int, list[_Work]] = {}
    for work in works:
        groups.setdefault(work.person.id, []).append(work)
    return list(groups.values())


def _check(task: asyncio.Task[None]) -> None:
    """Log a delivery that ended in an unexpected error (its rows wait for their lease)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("an outbox delivery failed unexpectedly", exc_info=error)


def _text(error: Exception) -> str:
    """An error as logged and stored with its row: its type, and its message cut short,
    without the phone numbers or e-mails a provider may repeat in it."""
    message = str(error) or type(error).__name__
    return redact(f"{type(error).__name__}: {message}")[:500]
