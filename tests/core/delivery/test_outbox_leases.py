"""Claims and their leases: a row claimed and never marked goes back to the queue when its
lease lapses, while the process runs; a late outcome from a lapsed claim does not count;
a row sent while the database was away is marked once it is back, never sent again."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.delivery.sender import OutboxSender
from core.dialog import SMS, Reply, reply_to_payload
from core.outbox.queue import LEASE, REPLY, enqueue
from handlers.renderers.notice_texts import render_notice
from models import Database, OutboxMessage, OutboxStatus, Person
from tests.support.factories import make_settings
from tests.test_faults import database_away

LAPSED = LEASE + timedelta(minutes=1)


class Provider:
    """An SMS provider on the other side: it records what it sends, and can be held."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.out = 0
        """Sends in progress."""
        self.hold: asyncio.Event | None = None
        self.then_fail = False
        """Once held: the message went out, but its answer came too late (timed out)."""

    async def deliver(self, person: Person, reply: Reply) -> None:
        self.out += 1
        try:
            if self.hold is not None:
                if self.then_fail:
                    self.sent[person.external_id] += 1
                await self.hold.wait()
                if self.then_fail:
                    raise TimeoutError("the provider answered too late")
            self.sent[person.external_id] += 1
        finally:
            self.out -= 1


def sender(db: Database, clock: FixedClock, provider: Provider) -> OutboxSender:
    settings = make_settings(db.url)
    return OutboxSender(
        db,
        clock,
        lambda session, row, person, now: render_notice(session, row, person, settings, now),
        {SMS: provider.deliver},
        renew_seconds=3600,  # a frozen process renews nothing
    )


async def queue_to(db: Database, now: datetime, people: list[tuple[str, str]]) -> None:
    """One reply due now to each person (channel, address)."""
    async with db.transaction() as session:
        for channel, address in people:
            person = Person(
                channel=channel, external_id=address, name="Marie", created_at=now, last_seen_at=now
            )
            session.add(person)
            await session.flush()
            payload = reply_to_payload(Reply(f"Message pour {person.id}"))
            await enqueue(
                session,
                key=f"reply:{person.id}",
                person_id=person.id,
                kind=REPLY,
                due_at=now,
                payload=payload,
            )


async def queue_replies(db: Database, now: datetime, people: int) -> None:
    """One reply due now to each of ``people`` SMS people."""
    await queue_to(db, now, [(SMS, f"+3361234560{n}") for n in range(people)])


async def statuses(db: Database) -> Counter[str]:
    async with db.transaction() as session:
        return Counter(status for (status,) in await session.execute(select(OutboxMessage.status)))


async def until(condition: Callable[[], bool | Awaitable[bool]], within: float = 10) -> None:
    """Wait until ``condition`` holds, polling, for ``within`` seconds at most."""
    async with asyncio.timeout(within):
        while True:
            result = condition()
            if result if isinstance(result, bool) else await result:
                return
            await asyncio.sleep(0.02)


async def test_rows_of_a_delivery_cut_short_go_again_once_their_lease_lapses(
    db: Database, clock: FixedClock
) -> None:
    await queue_replies(db, clock.now(), people=3)
    provider = Provider()
    provider.hold = asyncio.Event()  # the provider never answers
    one = sender(db, clock, provider)
    cut = asyncio.create_task(one.run_once())
    await until(lambda: provider.out == 3)
    cut.cancel()  # the pass is cut short: nothing marked
    await asyncio.gather(cut, return_exceptions=True)
    assert await statuses(db) == {OutboxStatus.SENDING: 3}
    provider.hold = None  # the provider answers again
    assert await one.run_once() == 0  # the claims still hold
    clock.advance(LAPSED)
    assert await one.run_once() == 3  # the same process takes them back
    assert await statuses(db) == {OutboxStatus.SENT: 3}
    assert set(provider.sent.values()) == {1}


async def test_a_late_outcome_from_a_lapsed_claim_does_not_count(
    db: Database, clock: FixedClock
) -> None:
    await queue_replies(db, clock.now(), people=1)
    frozen, provider = Provider(), Provider()
    frozen.hold, frozen.then_fail = asyncio.Event(), True
    first, second = sender(db, clock, frozen), sender(db, clock, provider)
    stuck = asyncio.create_task(first.run_once())
    await until(lambda: frozen.out == 1)
    clock.advance(LAPSED)
    assert await second.run_once() == 1  # the lease lapsed: another instance sends it
    assert await statuses(db) == {OutboxStatus.SENT: 1}
    frozen.hold.set()  # the first instance hears back at last: too late, it says
    await stuck
    async with db.transaction() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, None)
    clock.advance(timedelta(hours=1))
    assert await first.run_once() == 0
    assert await second.run_once() == 0
    assert frozen.sent + provider.sent == {"+33612345600": 2}  # the lapse, and no more


@pytest.mark.postgres
async def test_rows_sent_while_the_database_is_away_are_marked_when_it_is_back(
    postgres_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    db = Database(postgres_url)
    try:
        await queue_replies(db, clock.now(), people=3)
        provider = Provider()
        provider.hold = asyncio.Event()
        one = sender(db, clock, provider)
        sending = asyncio.create_task(one.run_once())
        await until(lambda: provider.out == 3)
        async with database_away(postgres_url):
            provider.hold.set()  # sent; the marks find the database away
            await until(lambda: "the database is unavailable" in caplog.text)
        assert await asyncio.wait_for(sending, 30) == 3
        assert await statuses(db) == {OutboxStatus.SENT: 3}
        clock.advance(LAPSED)
        restarted = sender(db, clock, provider)
        assert await restarted.run_once() == 0
        assert set(provider.sent.values()) == {1}
    finally:
        await db.dispose()
