"""Seats are never oversold, even when people confirm at the same instant."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import core.seats.booking
from core.clock import FixedClock
from core.dialog import Incoming, Kind, Sender
from core.errors import BookingError
from core.seats.organiser import cancel_seat
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, WorkshopSession
from tests.support.factories import add_session, make_settings


async def booked(db: Database, session_id: int) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
        )
        return int((await session.execute(query)).scalar_one())


async def confirm_all(flows: Conversations, session_id: int, people: int) -> list[str]:
    """``people`` distinct people press "Yes, book it" at the same instant."""
    events = [
        Incoming(
            Sender("test", f"p{n}", f"P{n}", "fr"), Kind.CHOICE, "", f"by:{session_id}", f"u{n}"
        )
        for n in range(people)
    ]
    answers = await asyncio.gather(*(flows.handle(event) for event in events))
    return ["\n".join(reply.text for reply in replies) for replies in answers]


async def test_fifty_people_for_the_last_five_seats(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=8, seats_taken=3)
    flows = Conversations(db, make_settings(db.url), clock)
    texts = await confirm_all(flows, session_id, 50)
    assert sum("C'est réservé" in text for text in texts) == 5
    assert sum("complet" in text for text in texts) == 45
    assert not [text for text in texts if "Désolé" in text]
    assert await booked(db, session_id) == 5
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        assert workshop.seats_taken == 8


async def test_a_double_tap_books_one_seat(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db, capacity=4)
    flows = Conversations(db, make_settings(db.url), clock)
    sender = Sender("test", "tapper", "Jo", "fr")
    taps = [Incoming(sender, Kind.CHOICE, "", f"by:{session_id}", f"tap{n}") for n in range(2)]
    answers = await asyncio.gather(*(flows.handle(tap) for tap in taps))
    texts = ["\n".join(r.text for r in replies) for replies in answers]
    assert sum("C'est réservé" in text for text in texts) == 1
    assert sum("déjà inscrit" in text for text in texts) == 1
    assert await booked(db, session_id) == 1


@pytest.mark.postgres
async def test_control_without_the_guard_the_same_race_oversells(
    monkeypatch: pytest.MonkeyPatch, clock: FixedClock, postgres_url: str
) -> None:
    """The test above can fail: a naive check-then-insert oversells under the same race.

    Only on PostgreSQL: SQLite's BEGIN IMMEDIATE serialises whole transactions, which is
    itself a guard.
    """
    db = Database(postgres_url)
    arrived = 0
    everyone_read = asyncio.Event()

    async def unguarded(session: AsyncSession, session_id: int, now: datetime) -> int | None:
        nonlocal arrived
        query = select(func.count()).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
        )
        taken = (await session.execute(query)).scalar_one()
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        arrived += 1
        if arrived >= 20:
            everyone_read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone_read.wait(), timeout=2)
        return taken + 1 if taken < workshop.capacity else None

    monkeypatch.setattr(core.seats.booking, "reserve_seat", unguarded)
    try:
        session_id = await add_session(db, capacity=5)
        flows = Conversations(db, make_settings(postgres_url), clock)
        await confirm_all(flows, session_id, 20)
        assert await booked(db, session_id) > 5
    finally:
        await db.dispose()


async def cancel_twice_at_once(db: Database, clock: FixedClock) -> tuple[list[str], int]:
    """Marie holds the only seat, Ali and Zoé wait; Marie writes "oui" to cancel while an
    organiser cancels her seat at the desk. Return both outcomes and the seats taken."""
    session_id = await add_session(db, capacity=1)
    flows = Conversations(db, make_settings(db.url), clock)
    people = [Sender("test", name, name, "fr") for name in ("marie", "ali", "zoe")]
    for n, person in enumerate(people):
        choice = f"by:{session_id}" if n == 0 else f"w:{session_id}"
        await flows.handle(Incoming(person, Kind.CHOICE, "", choice, f"{person.external_id}:1"))
    async with db.transaction() as session:
        booking_id = (
            await session.execute(select(Booking.id).where(Booking.status == "booked"))
        ).scalar_one()
    await flows.handle(Incoming(people[0], Kind.CHOICE, "", f"c:{booking_id}", "marie:2"))

    async def in_the_chat() -> str:
        answer = await flows.handle(
            Incoming(people[0], Kind.CHOICE, "", f"cy:{booking_id}", "marie:3")
        )
        return "\n".join(reply.text for reply in answer)

    async def at_the_desk() -> str:
        try:
            async with db.transaction() as session:
                await cancel_seat(session, booking_id, clock.now(), 60)
        except BookingError as error:
            return error.key
        return "cancelled"

    outcomes = list(await asyncio.gather(in_the_chat(), at_the_desk()))
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        return outcomes, workshop.seats_taken


async def held_offers(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(Booking.offer_expires_at.is_not(None))
        return int((await session.execute(query)).scalar_one())


async def test_a_seat_cancelled_twice_at_once_is_freed_once(
    db: Database, clock: FixedClock
) -> None:
    outcomes, seats_taken = await cancel_twice_at_once(db, clock)
    chat, desk = outcomes
    assert ("C'est annulé" in chat) != (desk == "cancelled"), outcomes  # one of them did it
    assert "Cette inscription est déjà annulée." in chat or desk == "error.booking_not_active"
    assert await held_offers(db) == 1  # Ali is offered the seat; Zoé still waits
    assert seats_taken == 1


@pytest.mark.postgres
async def test_control_without_the_row_lock_a_seat_is_freed_twice(
    monkeypatch: pytest.MonkeyPatch, clock: FixedClock, postgres_url: str
) -> None:
    """The test above can fail: without the lock both cancels read "booked" and both pass
    the seat on, so two people in line hold the one seat."""
    arrived = 0
    both_read = asyncio.Event()

    async def unlocked(session: AsyncSession, booking: Booking) -> Booking:
        nonlocal arrived
        arrived += 1
        if arrived >= 2:
            both_read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_read.wait(), timeout=2)
        return booking

    db = Database(postgres_url)
    try:
        monkeypatch.setattr(core.seats.booking, "locked", unlocked)
        outcomes, _ = await cancel_twice_at_once(db, clock)
        assert "C'est annulé" in outcomes[0], outcomes  # both went through
        assert outcomes[1] == "cancelled", outcomes
        assert await held_offers(db) == 2
    finally:
        await db.dispose()
