"""Booking invariants that must hold after anything at all has happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from models import ACTIVE_STATUSES, Booking, BookingStatus, Database, WorkshopSession


@dataclass(frozen=True, slots=True)
class BookingRow:
    """Everything about a booking that a person can change."""

    id: int
    person_id: int
    session_id: int
    status: str
    offer_expires_at: datetime | None
    confirmed_at: datetime | None


async def bookings_by_id(db: Database) -> dict[int, BookingRow]:
    """Every booking, by id."""
    async with db.transaction() as session:
        rows = (await session.execute(select(Booking))).scalars()
        return {
            b.id: BookingRow(
                b.id, b.person_id, b.session_id, b.status, b.offer_expires_at, b.confirmed_at
            )
            for b in rows
        }


async def invariant_violations(db: Database) -> list[str]:
    """What is wrong with the seats and bookings (empty when everything holds).

    (a) per session, booked bookings plus waiting bookings holding an offer equal
        ``seats_taken``, and ``0 <= seats_taken <= capacity``;
    (b) at most one active (booked or waiting) booking per person and session.
    """
    problems: list[str] = []
    async with db.transaction() as session:
        holding = (
            select(Booking.session_id, func.count().label("held"))
            .where(
                (Booking.status == BookingStatus.BOOKED)
                | (
                    (Booking.status == BookingStatus.WAITING)
                    & Booking.offer_expires_at.is_not(None)
                )
            )
            .group_by(Booking.session_id)
            .subquery()
        )
        seats = await session.execute(
            select(
                WorkshopSession.id,
                WorkshopSession.capacity,
                WorkshopSession.seats_taken,
                func.coalesce(holding.c.held, 0),
            ).outerjoin(holding, holding.c.session_id == WorkshopSession.id)
        )
        for session_id, capacity, taken, held in seats:
            if taken != held:
                problems.append(f"session {session_id}: seats_taken {taken} but {held} held")
            if not 0 <= taken <= capacity:
                problems.append(f"session {session_id}: seats_taken {taken} of {capacity}")
        doubles = await session.execute(
            select(Booking.person_id, Booking.session_id, func.count())
            .where(Booking.status.in_(ACTIVE_STATUSES))
            .group_by(Booking.person_id, Booking.session_id)
            .having(func.count() > 1)
        )
        for person_id, session_id, count in doubles:
            problems.append(f"person {person_id}: {count} active bookings in session {session_id}")
    return problems
