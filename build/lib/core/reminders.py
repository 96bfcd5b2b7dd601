"""Reminders the day before a session, queued in the outbox when a seat is booked.

The scheduler also plans them again from the bookings themselves, with the current
``REMINDER_TIME``: a reminder time changed between a booking and a restart still holds,
and nothing depends on what was queued before. The key (booking and start time) keeps
every reminder to one row. It plans everything at start-up and hourly; in between, each
tick looks only at bookings changed since the last one and at sessions just come within
the planning horizon (thousands of bookings otherwise cost a second every tick).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox import drop_pending, enqueue
from models import (
    Booking,
    BookingStatus,
    OutboxMessage,
    OutboxStatus,
    SessionStatus,
    WorkshopSession,
)

PLANNING_HORIZON = timedelta(days=2)
"""Sessions starting within this time have their reminders planned (due within a day)."""

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
    return await _enqueue(session, booking.id, booking.person_id, workshop.starts_at, due)


async def _enqueue(
    session: AsyncSession, booking_id: int, person_id: int, starts_at: datetime, due: datetime
) -> bool:
    return await enqueue(
        session,
        key=reminder_key(booking_id, starts_at),
        person_id=person_id,
        kind=REMINDER,
        due_at=due,
        payload={"booking_id": booking_id},
    )


def reminder_key(booking_id: int, starts_at: datetime) -> str:
    """One reminder per booking and start time: a moved session gets a new one."""
    return f"{reminder_key_prefix(booking_id)}{int(starts_at.timestamp())}"


async def plan_reminders(
    session: AsyncSession,
    now: datetime,
    *,
    zone: ZoneInfo,
    at: time,
    since: datetime | None = None,
) -> int:
    """Queue the missing reminders of sessions starting soon; return how many were queued.

    A booking made (or last changed) after its reminder time gets none: its confirmation
    said it all. A queued reminder not yet sent moves to the current reminder time. With
    ``since``, only bookings changed since then and sessions that have come within the
    horizon since then are looked at.
    """
    query = (
        select(Booking.id, Booking.person_id, Booking.updated_at, WorkshopSession.starts_at)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(
            Booking.status == BookingStatus.BOOKED,
            WorkshopSession.status == SessionStatus.SCHEDULED,
            WorkshopSession.starts_at > now,
            WorkshopSession.starts_at <= now + PLANNING_HORIZON,
        )
    )
    if since is not None:
        query = query.where(
            or_(Booking.updated_at >= since, WorkshopSession.starts_at > since + PLANNING_HORIZON)
        )
    queued = 0
    for booking_id, person_id, changed_at, starts_at in await session.execute(query):
        due = reminder_due(starts_at, zone, at)
        if changed_at >= due:
            continue
        if await _enqueue(session, booking_id, person_id, starts_at, due):
            queued += 1
            continue
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.key == reminder_key(booking_id, starts_at),
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.attempts == 0,
                OutboxMessage.due_at != due,
            )
            .values(due_at=due)
        )
    return queued


async def drop_reminders(session: AsyncSession, booking_id: int) -> None:
    """A cancelled booking gets no reminder."""
    await drop_pending(session, reminder_key_prefix(booking_id))
