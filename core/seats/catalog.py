"""Read-only questions about sessions and bookings that the screens ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.seats.booking import waiting_position
from models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Person,
    SessionStatus,
    WorkshopSession,
)

AUDIENCES = ("seniors", "jeunes", "parents", "entrepreneurs", "tous")


def upcoming_conditions(now: datetime, audience: str | None = None) -> list[ColumnElement[bool]]:
    """What makes a session one to come (and for ``audience``, when given)."""
    conditions: list[ColumnElement[bool]] = [
        WorkshopSession.status == SessionStatus.SCHEDULED,
        WorkshopSession.starts_at > now,
    ]
    if audience:
        conditions.append(WorkshopSession.audience.in_((audience, "tous")))
    return conditions


async def upcoming_sessions(
    session: AsyncSession, now: datetime, *, audience: str | None, offset: int, limit: int
) -> tuple[list[WorkshopSession], int]:
    """One page of upcoming sessions, soonest first, and how many there are in all."""
    conditions = upcoming_conditions(now, audience)
    total = (
        await session.execute(select(func.count()).select_from(WorkshopSession).where(*conditions))
    ).scalar_one()
    page = (
        await session.execute(
            select(WorkshopSession)
            .where(*conditions)
            .order_by(WorkshopSession.starts_at, WorkshopSession.id)
            .offset(offset)
            .limit(limit)
        )
    ).scalars()
    return list(page), int(total)


def _page_query(filtered: bool) -> Select[tuple[WorkshopSession, int, int]]:
    """A page of upcoming sessions (of an ``audience`` when ``filtered``) with, on each row,
    how many there are in all and how many audiences all the upcoming sessions have."""
    every = aliased(WorkshopSession)
    audiences = (
        select(func.count(distinct(every.audience)))
        .where(every.status == SessionStatus.SCHEDULED, every.starts_at > bindparam("now"))
        .scalar_subquery()
    )
    conditions = [
        WorkshopSession.status == SessionStatus.SCHEDULED,
        WorkshopSession.starts_at > bindparam("now"),
    ]
    if filtered:
        conditions.append(WorkshopSession.audience.in_((bindparam("audience"), "tous")))
    return (
        select(WorkshopSession, func.count().over(), audiences)
        .where(*conditions)
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


_PAGES = {filtered: _page_query(filtered) for filtered in (False, True)}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of upcoming sessions."""

    sessions: list[WorkshopSession]
    total: int
    """How many upcoming sessions there are in all (of the audience asked for)."""
    audiences: int
    """How many audiences the upcoming sessions have, all of them (0 for an empty page)."""


async def upcoming_page(
    session: AsyncSession, now: datetime, *, audience: str | None, offset: int, limit: int
) -> Page:
    """:func:`upcoming_sessions` and the number of :func:`upcoming_audiences`, in one query
    (an empty page says nothing of the others: 0 and 0)."""
    parameters: dict[str, object] = {"now": now, "offset": offset, "limit": limit}
    if audience:
        parameters["audience"] = audience
    rows: list[Any] = list((await session.execute(_PAGES[bool(audience)], parameters)).all())
    if not rows:
        return Page([], 0, 0)
    return Page([row[0] for row in rows], int(rows[0][1]), int(rows[0][2]))


async def upcoming_audiences(session: AsyncSession, now: datetime) -> list[str]:
    """The audiences of upcoming sessions, in the order of AUDIENCES."""
    rows = await session.execute(
        select(WorkshopSession.audience).where(*upcoming_conditions(now)).distinct()
    )
    found = {row[0] for row in rows}
    return [audience for audience in AUDIENCES if audience in found] + sorted(
        found - set(AUDIENCES)
    )


async def upcoming_with_waiting(
    session: AsyncSession, now: datetime
) -> list[tuple[WorkshopSession, int]]:
    """Every upcoming session, soonest first, with the length of its waiting list."""
    waiting = (
        select(Booking.session_id, func.count().label("waiting"))
        .where(Booking.status == BookingStatus.WAITING)
        .group_by(Booking.session_id)
        .subquery()
    )
    rows = await session.execute(
        select(WorkshopSession, func.coalesce(waiting.c.waiting, 0))
        .outerjoin(waiting, waiting.c.session_id == WorkshopSession.id)
        .where(*upcoming_conditions(now))
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    return [(workshop, int(count)) for workshop, count in rows]


@dataclass(frozen=True, slots=True)
class MyBooking:
    """A person's upcoming booking, with their place in line when waiting."""

    booking: Booking
    session: WorkshopSession
    position: int | None
    for_name: str = ""
    """The first name of the person it was booked for, when not the person themself."""


async def my_upcoming_bookings(
    session: AsyncSession, person_id: int, now: datetime
) -> list[MyBooking]:
    """The person's booked and waiting bookings for sessions still to come, and those
    they booked for others."""
    rows: list[tuple[Booking, WorkshopSession, str]] = []
    for whose in (Booking.person_id, Booking.booked_by_id):  # two queries, each on its index
        found = await session.execute(
            select(Booking, WorkshopSession, Person.name)
            .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
            .join(Person, Person.id == Booking.person_id)
            .where(
                whose == person_id,
                Booking.status.in_(ACTIVE_STATUSES),
                WorkshopSession.starts_at > now,
                WorkshopSession.status == SessionStatus.SCHEDULED,
            )
        )
        rows.extend((booking, workshop, name) for booking, workshop, name in found)
    rows.sort(key=lambda row: (row[1].starts_at, row[0].id))
    result: list[MyBooking] = []
    for booking, workshop, name in rows:
        position = None
        if booking.status == BookingStatus.WAITING:
            position = await waiting_position(session, booking)
        for_name = name if booking.person_id != person_id else ""
        result.append(MyBooking(booking, workshop, position, for_name))
    return result
