"""An organiser cancels or moves a session: people are told, and the reminder follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from core.clock import FixedClock
from core.errors import SessionCancelled, SessionPast
from core.seats.session_changes import cancel_session, move_session
from handlers.machinery.turns import Conversations
from models import Booking, BookingStatus, Database, WorkshopSession
from tests.core.seats.test_reminders import DUE, Inbox, sender_for
from tests.support.chat import Chat
from tests.support.factories import add_session, make_settings

FRIDAY = datetime(2027, 1, 8, 13, 0, tzinfo=UTC)  # Friday 8 January, 14 h in Metz
FRIDAY_DUE = datetime(2027, 1, 7, 9, 0, tzinfo=UTC)  # Thursday, 10 h in Metz


async def two_booked_one_waiting(db: Database, clock: FixedClock) -> int:
    session_id = await add_session(db, capacity=2)
    flows = Conversations(db, make_settings(db.url), clock)
    for who in ("1", "2", "3"):
        chat = Chat(flows, who, name=f"P{who}")
        await chat.say("bonjour")
        await chat.pick(f"by:{session_id}")
        if who == "3":
            await chat.press("liste d'attente")
    return session_id


def texts_for(inbox: Inbox, who: str) -> list[str]:
    return [reply.text for to, reply in inbox.received if to == who]


async def test_a_moved_session_tells_everyone_and_the_reminder_follows(
    db: Database, clock: FixedClock
) -> None:
    session_id = await two_booked_one_waiting(db, clock)
    settings = make_settings(db.url)
    async with db.transaction() as session:
        told = await move_session(
            session, session_id, FRIDAY, clock.now(), zone=settings.zone, at=settings.reminder_time
        )
    assert told == 3
    inbox = Inbox()
    sender = sender_for(db, clock, inbox)
    await sender.run_once()
    for who in ("1", "2"):
        [notice] = texts_for(inbox, who)
        assert "change de date" in notice
        assert "vendredi 8 janvier à 14 h" in notice
        assert "Votre place est gardée" in notice
    [waiting] = texts_for(inbox, "3")
    assert "toujours sur la liste d'attente" in waiting
    # The booked get the new calendar file, which replaces the old one (same event, later).
    attachment = next(reply.attachment for to, reply in inbox.received if to == "1")
    assert attachment is not None
    event = Calendar.from_ical(attachment.content).events[0]
    assert event["SEQUENCE"] == 1
    assert event.start.hour == 14
    assert event.start.day == 8
    # No reminder on Tuesday any more; on Thursday, one each, with the new date.
    inbox.received.clear()
    clock.set(DUE)
    await sender.run_once()
    assert inbox.received == []
    clock.set(FRIDAY_DUE)
    await sender.run_once()
    assert len(inbox.received) == 2
    assert all("vendredi 8 janvier à 14 h" in reply.text for _, reply in inbox.received)


async def test_a_cancelled_session_cancels_every_booking_and_every_reminder(
    db: Database, clock: FixedClock
) -> None:
    session_id = await two_booked_one_waiting(db, clock)
    async with db.transaction() as session:
        assert await cancel_session(session, session_id, clock.now()) == 3
    inbox = Inbox()
    sender = sender_for(db, clock, inbox)
    await sender.run_once()
    for who in ("1", "2", "3"):
        [notice] = texts_for(inbox, who)
        assert "cet atelier est annulé" in notice
    async with db.transaction() as session:
        workshop = await session.get(WorkshopSession, session_id)
        assert workshop is not None
        assert workshop.seats_taken == 0
        active = await session.execute(
            select(func.count()).where(
                Booking.status.in_((BookingStatus.BOOKED, BookingStatus.WAITING))
            )
        )
        assert active.scalar_one() == 0
    inbox.received.clear()
    clock.set(DUE)
    await sender.run_once()
    assert inbox.received == []
    # A person who looks at their bookings sees nothing left.
    chat = Chat(Conversations(db, make_settings(db.url), clock), "1")
    await chat.say("mes inscriptions")
    assert "Vous n'avez pas d'inscription pour le moment." in chat.text


async def test_moving_twice_quickly_sends_only_the_date_that_holds(
    db: Database, clock: FixedClock
) -> None:
    session_id = await two_booked_one_waiting(db, clock)
    settings = make_settings(db.url)
    for start in (FRIDAY, FRIDAY + timedelta(days=1)):
        async with db.transaction() as session:
            await move_session(
                session,
                session_id,
                start,
                clock.now(),
                zone=settings.zone,
                at=settings.reminder_time,
            )
    inbox = Inbox()
    await sender_for(db, clock, inbox).run_once()
    [notice] = texts_for(inbox, "1")
    assert "samedi 9 janvier à 14 h" in notice


async def test_past_or_cancelled_sessions_cannot_change(db: Database, clock: FixedClock) -> None:
    session_id = await add_session(db)
    settings = make_settings(db.url)
    async with db.transaction() as session:
        with pytest.raises(SessionPast):
            await move_session(
                session,
                session_id,
                clock.now() - timedelta(hours=1),
                clock.now(),
                zone=settings.zone,
                at=settings.reminder_time,
            )
    async with db.transaction() as session:
        await cancel_session(session, session_id, clock.now())
    async with db.transaction() as session:
        with pytest.raises(SessionCancelled):
            await cancel_session(session, session_id, clock.now())
