"""The outbox sends the most urgent first: answers, then follow-ups and notices, then
reminders, then broadcasts; a row waiting longer than its class's aging goes with the
answers, so none is starved."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.dialog import SMS
from core.outbox.priority import AGING, BROADCAST_KINDS, REMINDER_KINDS, Priority
from core.outbox.queue import REPLY, claim_due, enqueue
from core.seats.organiser import BROADCAST
from core.seats.reminders import REMINDER
from core.seats.session_changes import SESSION_MOVED
from models import Database, Person

NOW = datetime.fromisoformat("2027-01-05T09:00:00+00:00")


async def queue(db: Database, rows: list[tuple[str, timedelta]]) -> None:
    """One row of each (kind, how long due) for a person of its own."""
    async with db.transaction() as session:
        for number, (kind, age) in enumerate(rows):
            person = Person(
                channel=SMS,
                external_id=f"+336000000{number:02d}",
                name="Marie",
                created_at=NOW,
                last_seen_at=NOW,
            )
            session.add(person)
            await session.flush()
            await enqueue(
                session,
                key=f"{kind}:{number}",
                person_id=person.id,
                kind=kind,
                due_at=NOW - age,
                payload={},
            )


async def send_in_order(database_url: str, rows: list[tuple[str, timedelta]]) -> list[str]:
    """Queue ``rows``, then claim them one at a time, as a sender with room for one more
    does; the kinds in the order they were claimed."""
    db = Database(database_url)
    try:
        await queue(db, rows)
        order: list[str] = []
        for _ in rows:
            async with db.transaction() as session:
                order += [row.kind for row in await claim_due(session, NOW, 1)]
        return order
    finally:
        await db.dispose()


async def test_an_answer_goes_before_older_reminders_and_broadcasts(database_url: str) -> None:
    seconds = timedelta(seconds=1)
    sent = await send_in_order(
        database_url,
        [
            (BROADCAST, 3 * seconds),
            (REMINDER, 3 * seconds),
            (SESSION_MOVED, 2 * seconds),
            (REPLY, timedelta(0)),
        ],
    )
    assert sent == [REPLY, SESSION_MOVED, REMINDER, BROADCAST]


async def test_a_broadcast_waiting_past_its_aging_is_not_left_behind(database_url: str) -> None:
    aged = timedelta(seconds=AGING[Priority.BROADCAST] + 1)
    sent = await send_in_order(
        database_url,
        [(REMINDER, timedelta(seconds=1)), (BROADCAST, aged), (REPLY, timedelta(0))],
    )
    assert sent == [BROADCAST, REPLY, REMINDER]  # with the answers, in due order


def test_the_classes_know_the_kinds_the_seats_queue() -> None:
    assert REMINDER in REMINDER_KINDS
    assert BROADCAST in BROADCAST_KINDS
