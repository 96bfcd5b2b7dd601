"""The organiser's "send the reminder now" for one session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import SessionCancelled, SessionPast, UnknownSession
from core.outbox.queue import enqueue
from core.seats.reminders import REMINDER, reminder_key
from models import Booking, BookingStatus, SessionStatus, WorkshopSession

NOW_SUFFIX = ":now"


async def queue_reminders_now(session: AsyncSession, session_id: int, now: datetime) -> int:
    """Queue, due now, one reminder for each person booked; return how many were queued.

    Each booking gets at most one such reminder per start time (pressing twice sends
    nothing more); the usual reminders still follow. Its key starts like the others, so a
    cancelled booking's reminder is dropped with them.
    """
    workshop = await session.get(WorkshopSession, session_id)
    if workshop is None:
        raise UnknownSession(session_id)
    if workshop.status != SessionStatus.SCHEDULED:
        raise SessionCancelled(session_id)
    if workshop.starts_at <= now:
        raise SessionPast(session_id)
    booked = await session.execute(
        select(Booking.id, Booking.person_id).where(
            Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
        )
    )
    queued = 0
    for booking_id, person_id in booked:
        if await enqueue(
            session,
            key=f"{reminder_key(booking_id, workshop.starts_at)}{NOW_SUFFIX}",
            person_id=person_id,
            kind=REMINDER,
            due_at=now,
            payload={"booking_id": booking_id},
        ):
            queued += 1
    return queued
