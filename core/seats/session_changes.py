"""An organiser cancels or moves a session: everyone booked or waiting is told.

The notices go through the outbox like every other message; the reminder of a moved
session is dropped and queued again for the new date (its key carries the start time).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import SessionPast
from core.outbox.queue import drop_pending, enqueue
from core.seats.booking import OFFER, bookable_session
from core.seats.people import recipient_of
from core.seats.reminders import drop_reminders, queue_reminder
from models import ACTIVE_STATUSES, Booking, BookingStatus, SessionStatus

SESSION_CANCELLED = "session_cancelled"
SESSION_MOVED = "session_moved"


async def _active_bookings(session: AsyncSession, session_id: int) -> list[Booking]:
    query = (
        select(Booking)
        .where(Booking.session_id == session_id, Booking.status.in_(ACTIVE_STATUSES))
        .order_by(Booking.id)
        .with_for_update()
    )
    return list((await session.execute(query)).scalars())


async def cancel_session(session: AsyncSession, session_id: int, now: datetime) -> int:
    """Cancel a session that has not started; return how many people are told.

    Every booking and place in line is cancelled, reminders and offers are dropped. The
    revision goes up: the calendar file sent to those who had a seat removes the event.
    """
    workshop = await bookable_session(session, session_id, now)
    workshop.status = SessionStatus.CANCELLED
    workshop.seats_taken = 0
    workshop.revision += 1
    bookings = await _active_bookings(session, session_id)
    for booking in bookings:
        had = booking.status
        booking.status = BookingStatus.CANCELLED
        booking.offer_expires_at = None
        booking.updated_at = now
        await drop_reminders(session, booking.id)
        await drop_pending(session, f"{OFFER}:{booking.id}:")
        await enqueue(
            session,
            key=f"{SESSION_CANCELLED}:{booking.id}",
            person_id=await recipient_of(session, booking),
            kind=SESSION_CANCELLED,
            due_at=now,
            payload={"booking_id": booking.id, "was": had},
        )
    await session.flush()
    return len(bookings)


async def move_session(
    session: AsyncSession,
    session_id: int,
    starts_at: datetime,
    now: datetime,
    *,
    zone: ZoneInfo,
    at: time,
    days_before: tuple[int, ...] = (1,),
) -> int:
    """Move a session that has not started to ``starts_at``; return how many people are told.

    Bookings are kept; each booked person's reminder follows the new date.
    """
    if starts_at <= now:
        raise SessionPast(session_id)
    workshop = await bookable_session(session, session_id, now)
    if workshop.starts_at == starts_at:
        return 0
    workshop.starts_at = starts_at
    workshop.revision += 1
    bookings = await _active_bookings(session, session_id)
    for booking in bookings:
        if booking.status == BookingStatus.BOOKED:
            await drop_reminders(session, booking.id)
            await queue_reminder(
                session, booking, workshop, zone=zone, at=at, now=now, days_before=days_before
            )
        await enqueue(
            session,
            key=f"{SESSION_MOVED}:{booking.id}:{workshop.revision}",
            person_id=await recipient_of(session, booking),
            kind=SESSION_MOVED,
            due_at=now,
            payload={"booking_id": booking.id, "revision": workshop.revision},
        )
    await session.flush()
    return len(bookings)
