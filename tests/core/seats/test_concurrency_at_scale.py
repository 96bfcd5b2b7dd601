"""Seats are never oversold at scale: hundreds of people confirm the same instant.

Every loser must get the polite "full, join the waiting list?" answer, never an
apology: the database contention must stay invisible to people.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.clock import FixedClock
from core.dialog import Incoming, Kind, Reply, Sender
from handlers.machinery.choices import ConfirmBooking, JoinLine
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, WorkshopSession
from tests.support.factories import add_session, make_settings
from tests.support.invariants import invariant_violations

BOOKED_TEXT = "C'est réservé"
FULL_TEXT = "complet"
APOLOGY_TEXT = "Désolé"


@dataclass(frozen=True, slots=True)
class Rush:
    """What the people got back from one simultaneous rush, and how long it took."""

    answers: list[list[Reply]]
    seconds: float

    @property
    def texts(self) -> list[str]:
        """Each person's whole answer as one text."""
        return ["\n".join(reply.text for reply in replies) for replies in self.answers]


async def rush(flows: Conversations, session_id: int, people: int) -> Rush:
    """``people`` distinct people press "Yes, book it" for ``session_id`` at the same instant."""
    events = [
        Incoming(
            Sender("test", f"rush-{n}", f"Personne {n}", "fr"),
            Kind.CHOICE,
            choice=ConfirmBooking(session_id).pack(),
            update_key=f"rush-update-{n}",
        )
        for n in range(people)
    ]
    started = time.perf_counter()
    answers = await asyncio.gather(*(flows.handle(event) for event in events))
    return Rush(list(answers), time.perf_counter() - started)


async def seats_and_bookings(db: Database, session_id: int) -> tuple[int, int, int]:
    """(seats_taken, capacity, number of booked bookings) for one session."""
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        booked = await session.execute(
            select(func.count()).where(
                Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
            )
        )
        return workshop.seats_taken, workshop.capacity, int(booked.scalar_one())


def assert_fair_outcome(outcome: Rush, session_id: int, seats: int, people: int) -> None:
    """``seats`` winners, every other person offered the waiting list, nobody apologised to."""
    texts = outcome.texts
    assert all(outcome.answers), "someone got no answer at all"
    apologies = [text for text in texts if APOLOGY_TEXT in text]
    assert not apologies, f"{len(apologies)} apologies, e.g. {apologies[0]!r}"
    assert sum(BOOKED_TEXT in text for text in texts) == seats
    losers = [
        replies for replies, text in zip(outcome.answers, texts, strict=True) if FULL_TEXT in text
    ]
    assert len(losers) == people - seats
    join_line = JoinLine(session_id).pack()
    for replies in losers:
        offered = [choice.data for reply in replies for choice in reply.flat_choices()]
        assert join_line in offered, offered


def assert_no_database_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing was logged at ERROR (the router logs every database failure it hides)."""
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    locked = [r.getMessage() for r in caplog.records if "locked" in r.getMessage().lower()]
    assert not locked, locked


@pytest.mark.postgres
async def test_five_hundred_people_for_ten_seats_on_postgresql(
    postgres_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """500 simultaneous confirmations on PostgreSQL: exactly 10 seats go, 490 get the line.

    The pool is the production default (10 + 20 overflow): 500 handlers queue for 30
    connections, which is exactly the production situation being checked.
    """
    db = Database(postgres_url)
    try:
        session_id = await add_session(db, capacity=10)
        flows = Conversations(db, make_settings(postgres_url), clock)
        with caplog.at_level(logging.INFO):
            outcome = await rush(flows, session_id, 500)
        print(f"\n500 confirmations on PostgreSQL settled in {outcome.seconds:.2f} s")
        assert_fair_outcome(outcome, session_id, seats=10, people=500)
        assert_no_database_error_logged(caplog)
        assert await seats_and_bookings(db, session_id) == (10, 10, 10)
        assert await invariant_violations(db) == []
    finally:
        await db.dispose()


async def test_fifty_people_for_ten_seats_on_sqlite(
    sqlite_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """50 simultaneous confirmations on SQLite: 10 seats go, 40 get the line, never "locked"."""
    db = Database(sqlite_url)
    try:
        session_id = await add_session(db, capacity=10)
        flows = Conversations(db, make_settings(sqlite_url), clock)
        with caplog.at_level(logging.INFO):
            outcome = await rush(flows, session_id, 50)
        print(f"\n50 confirmations on SQLite settled in {outcome.seconds:.2f} s")
        assert_fair_outcome(outcome, session_id, seats=10, people=50)
        assert not [text for text in outcome.texts if "locked" in text.lower()]
        assert_no_database_error_logged(caplog)
        assert await seats_and_bookings(db, session_id) == (10, 10, 10)
        assert await invariant_violations(db) == []
    finally:
        await db.dispose()
