"""Reminders the day before a session, queued in the outbox when a seat is booked."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox import drop_pending, enqueue
from models import Booking, WorkshopSession

REMINDER = "reminder"


def reminder_due(starts_at: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The day before the session, at ``at`` local time, in UTC."""
    day_before = starts_at.astimezone(zone).date() - timedelta(days=1)
    return datetime.combine(day_before, at, tzinfo=zone).astimezone(UTC)


def reminder_key_prefix(booking_id: int) -> str:
    """Every reminder of one booking starts with this key."""
    return f"{REMINDER}:{booking_id}:"


async def queue_reminder(
    session: AsyncSession,
    booking: Booking,
    workshop: WorkshopSession,
    *,
    zone: ZoneInfo,
    at: time,
    now: datetime,
) -> bool:
    """Queue the reminder, unless its time has passed (the confirmation said it all)."""
    due = reminder_due(workshop.starts_at, zone, at)
    if due <= now:
        return False
    return await enqueue(
        session,
        key=f"{reminder_key_prefix(booking.id)}{int(workshop.starts_at.timestamp())}",
        person_id=booking.person_id,
        kind=REMINDER,
        due_at=due,
        payload={"booking_id": booking.id},
    )


async def drop_reminders(session: AsyncSession, booking_id: int) -> None:
    """A cancelled booking gets no reminder."""
    await drop_pending(session, reminder_key_prefix(booking_id))
