"""Messages queued together (a booking's reminders, an update's answers) in one statement:
each row as given, counted, and none queued twice when the same keys come again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.dialog import SMS
from core.outbox.queue import Queued, enqueue_all
from core.seats.reminders import REMINDER
from models import Database, OutboxMessage, OutboxStatus, Person


async def a_person(db: Database, clock: FixedClock) -> int:
    now = clock.now()
    async with db.transaction() as session:
        person = Person(
            channel=SMS, external_id="+33612345602", name="Marie", created_at=now, last_seen_at=now
        )
        session.add(person)
        await session.flush()
        return person.id


def reminders(person_id: int, clock: FixedClock, days: range) -> list[Queued]:
    return [
        Queued(
            f"reminder:7:{day}",
            person_id,
            REMINDER,
            clock.now() + timedelta(days=day),
            {"booking_id": 7, "days": day},
        )
        for day in days
    ]


@pytest.mark.parametrize("count", [2, 12])  # a booking's few, and a tick's many
async def test_messages_queued_together_are_each_queued_once(
    db: Database, clock: FixedClock, count: int
) -> None:
    person_id = await a_person(db, clock)
    async with db.transaction() as session:
        assert await enqueue_all(session, reminders(person_id, clock, range(count))) == count
    async with db.transaction() as session:  # the same again, and one more
        again = reminders(person_id, clock, range(count + 1))
        assert await enqueue_all(session, again) == 1
    async with db.transaction() as session:
        queued = (await session.execute(select(OutboxMessage))).scalars().all()
    assert sorted(row.key for row in queued) == sorted(q.key for q in again)
    for row in queued:
        day = int(row.key.rsplit(":", 1)[1])
        assert row.payload == {"booking_id": 7, "days": day}
        assert row.due_at == clock.now() + timedelta(days=day)
        assert row.status == OutboxStatus.PENDING
        assert row.person_id == person_id
