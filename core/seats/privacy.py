"""Personal data: erased on request ("oubli"), or after RETENTION_MONTHS without contact.

A person's row is kept, emptied of everything personal (name, address on the channel,
conversation, queued messages), so that bookings still count in the anonymous figures.
Their active bookings are cancelled first, and freed seats passed on to the next in line;
so are the seats they booked for others: a guest's (booked with a first name alone) is
erased with them, as nobody else could ever see or cancel it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.jobs import daily
from core.seats.booking import cancel_booking
from core.seats.people import GUEST
from models import (
    ACTIVE_STATUSES,
    Booking,
    Conversation,
    Database,
    OutboxMessage,
    Person,
    WorkshopSession,
)

log = logging.getLogger(__name__)

ERASED_PREFIX = "erased:"


def is_erased(person: Person) -> bool:
    """Whether the person's data was erased."""
    return person.external_id.startswith(ERASED_PREFIX)


async def erase_person(
    session: AsyncSession, person: Person, now: datetime, offer_minutes: int
) -> int:
    """Erase what is personal about ``person``; return how many bookings were cancelled
    (their own, and those they made for others)."""
    query = (
        select(Booking.id)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(
            or_(Booking.person_id == person.id, Booking.booked_by_id == person.id),
            Booking.status.in_(ACTIVE_STATUSES),
            WorkshopSession.starts_at > now,
        )
        .order_by(Booking.id)
    )
    cancelled = 0
    for booking_id in list((await session.execute(query)).scalars()):
        await cancel_booking(session, person, booking_id, now, offer_minutes)
        cancelled += 1
    await _erase_guests_of(session, person)
    await session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == person.id))
    await session.execute(delete(Conversation).where(Conversation.person_id == person.id))
    person.name = ""
    person.place_town, person.place_latitude, person.place_longitude = "", None, None
    person.external_id = f"{ERASED_PREFIX}{person.id}"
    person.unreachable = True
    person.opted_out = True
    await session.flush()
    return cancelled


async def _erase_guests_of(session: AsyncSession, booker: Person) -> None:
    """Erase the guests ``booker`` booked for: their first name and the address that
    holds it (past seats too: they are on old rosters and in exports)."""
    query = (
        select(Person)
        .join(Booking, Booking.person_id == Person.id)
        .where(
            Booking.booked_by_id == booker.id,
            Person.channel == GUEST,
            ~Person.external_id.startswith(ERASED_PREFIX),
        )
        .distinct()
    )
    for guest in list((await session.execute(query)).scalars()):
        await session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == guest.id))
        await session.execute(delete(Conversation).where(Conversation.person_id == guest.id))
        guest.name = ""
        guest.external_id = f"{ERASED_PREFIX}{guest.id}"
        guest.unreachable = True
        guest.opted_out = True


@daily(order=10)
async def erase_inactive(db: Database, settings: Settings, now: datetime) -> int:
    """Daily: people silent for RETENTION_MONTHS with nothing to come are erased."""
    async with db.transaction() as session:
        erased = await forget_inactive(
            session, now, settings.retention_months, settings.offer_expiry_minutes
        )
    if erased:
        log.info("retention: the data of %d inactive people was erased", erased)
    return erased


async def forget_inactive(
    session: AsyncSession, now: datetime, months: int, offer_minutes: int, limit: int = 500
) -> int:
    """Erase people silent for ``months`` months with no booking still to come."""
    cutoff = now - timedelta(days=round(months * 30.44))
    upcoming = (
        select(Booking.person_id)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(Booking.status.in_(ACTIVE_STATUSES), WorkshopSession.starts_at > now)
    )
    query = (
        select(Person)
        .where(
            Person.last_seen_at < cutoff,
            ~Person.external_id.startswith(ERASED_PREFIX),
            Person.id.not_in(upcoming),
        )
        .limit(limit)
    )
    people = list((await session.execute(query)).scalars())
    for person in people:
        await erase_person(session, person, now, offer_minutes)
    return len(people)
