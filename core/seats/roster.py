"""A session's roster, for organisers (CSV with name, channel, status and attendance).

Statuses everywhere: booked, waiting, cancelled, attended, no_show; "confirmed after the
reminder" is a separate flag.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Booking, BookingStatus, Person, WorkshopSession

ROSTER_COLUMNS = [
    "booking_id",
    "name",
    "channel",
    "status",
    "booked_at",
    "waiting_position",
    "confirmed_after_reminder",
]


async def roster_rows(
    session: AsyncSession, session_id: int, zone: ZoneInfo
) -> list[dict[str, str]] | None:
    """Every booking of a session, in booking order; None when the session does not exist."""
    if await session.get(WorkshopSession, session_id) is None:
        return None
    rows = await session.execute(
        select(Booking, Person)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.session_id == session_id)
        .order_by(Booking.id)
    )
    result: list[dict[str, str]] = []
    position = 0
    for booking, person in rows:
        waiting = booking.status == BookingStatus.WAITING
        position += waiting
        result.append(
            {
                "booking_id": str(booking.id),
                "name": person.name,
                "channel": person.channel,
                "status": booking.status,
                "booked_at": booking.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "waiting_position": str(position) if waiting else "",
                "confirmed_after_reminder": "yes" if booking.confirmed_at is not None else "",
            }
        )
    return result
