"""Answers a channel sends at once, kept in the outbox meanwhile: while one waits for its turn
it stays its channel's (no sender takes it, even one of another process); once gone it is
forgotten; if its channel dies first, a sender sends it once its hold lapses, and keeps
nothing of what it said."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FixedClock
from core.dialog import SMS, Reply, reply_to_payload
from core.outbox.held import HeldReplies
from core.outbox.queue import HOLD, REPLY, Queued, enqueue_all
from models import Database, OutboxMessage, OutboxStatus, Person
from tests.core.delivery.test_outbox_leases import Provider, sender, until

ADDRESS = "+33612345601"
KEY = "reply:sms:update-1:0"


async def held_answer(db: Database, clock: FixedClock) -> None:
    """An answer written with its update, held by its channel."""
    now = clock.now()
    async with db.transaction() as session:
        person = Person(
            channel=SMS, external_id=ADDRESS, name="Marie", created_at=now, last_seen_at=now
        )
        session.add(person)
        await session.flush()
        answer = Queued(KEY, person.id, REPLY, now, reply_to_payload(Reply("Bonjour Marie")))
        await enqueue_all(session, [answer], held_until=now + HOLD)


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.execute(select(OutboxMessage))).scalars())


async def test_an_answer_waiting_long_for_its_turn_stays_its_channels(
    db: Database, clock: FixedClock
) -> None:
    await held_answer(db, clock)
    [first] = await rows(db)
    assert first.claimed_until is not None
    provider = Provider()
    elsewhere = sender(db, clock, provider)  # another instance's sender
    channel = HeldReplies(db, clock, flush_seconds=0, renew_seconds=0.05)
    channel.hold([KEY])
    clock.advance(HOLD / 2)

    async def renewed() -> bool:
        [row] = await rows(db)
        assert row.claimed_until is not None
        return row.claimed_until > first.claimed_until

    await until(renewed)
    clock.advance(HOLD / 2 + timedelta(seconds=1))  # past the hold it was written with
    assert await elsewhere.run_once() == 0
    channel.sent(KEY)  # it has gone: forgotten
    await until(lambda: _none(db))
    clock.advance(HOLD * 3)
    assert await elsewhere.run_once() == 0
    await channel.close()
    assert provider.sent == {}


async def _none(db: Database) -> bool:
    return not await rows(db)


async def test_an_answer_whose_channel_died_goes_once_its_hold_lapses(
    db: Database, clock: FixedClock
) -> None:
    await held_answer(db, clock)  # the channel that held it died there
    provider = Provider()
    outbox = sender(db, clock, provider)
    assert await outbox.run_once() == 0  # held: not the outbox's yet
    clock.advance(HOLD + timedelta(seconds=1))
    assert await outbox.run_once() == 1
    assert await outbox.run_once() == 0
    assert provider.sent == {ADDRESS: 1}
    [row] = await rows(db)
    assert (row.status, row.payload) == (OutboxStatus.SENT, {})  # nothing of it is kept
