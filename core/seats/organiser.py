"""What organisers do: attendance, walk-ins, a message to a session, sessions, figures.

Shared by the organiser menu on Telegram and the web dashboard; every function runs in
the caller's transaction and re-checks what it is given.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.dialog import SMS
from core.errors import BookingError, BookingNotActive, UnknownBooking, UnknownSession
from core.outbox.queue import enqueue
from core.phones import normalise_phone, textable_number
from core.seats.booking import book_seat, cancel_booking
from core.seats.catalog import AUDIENCES
from core.seats.field_limits import (
    CAPACITY,
    DURATION_MINUTES,
    TEXT_LIMITS,
    number_problem,
    text_problem,
)
from core.seats.organisations import NETWORK, Scope
from core.seats.people import find_or_add_person, recipient_of
from core.seats.reminders import ReminderRule
from core.seats.venues import VenueFacts, venue_ids
from models import Booking, BookingStatus, Person, SessionStatus, WorkshopSession

BROADCAST = "broadcast"
SEAT_CANCELLED = "seat_cancelled"
"""The notice of a seat an organiser cancelled for its holder."""
WALK_IN = "walkin"
"""The channel of a walk-in registered without a phone number: nothing is ever sent."""

MAX_BROADCAST = 500
ATTENDANCE = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


class InvalidInput(BookingError):
    """Organiser input that cannot be used (an empty name, a number that is not one)."""

    key = "error.generic"

    def __init__(self, reason: str, key: str | None = None) -> None:
        super().__init__(0)
        self.reason = reason
        if key is not None:
            self.key = key

    def __str__(self) -> str:
        return self.reason


async def mark_attendance(
    session: AsyncSession, booking_id: int, present: bool, now: datetime
) -> Booking:
    """Record whether a booked person came (again, to correct a mistake)."""
    booking = await session.get(Booking, booking_id)
    if booking is None:
        raise UnknownBooking()
    if booking.status not in (BookingStatus.BOOKED, *ATTENDANCE):
        raise InvalidInput(
            "only a booked seat can be marked present or absent", "dashboard.refusal.not_markable"
        )
    booking.status = BookingStatus.ATTENDED if present else BookingStatus.NO_SHOW
    booking.updated_at = now
    await session.flush()
    return booking


async def register_walk_in(
    session: AsyncSession,
    session_id: int,
    first_name: str,
    phone: str,
    now: datetime,
    region: str = "FR",
    *,
    rule: ReminderRule,
    sms_regions: Collection[str] = ("FR",),
) -> Booking:
    """Book a seat for someone who came to the shop; with a phone, SMS reminders follow
    (queued at once). The number must be one texts may go to (a mobile of ``sms_regions``,
    :func:`core.phones.textable_number`)."""
    name = " ".join(first_name.split())[:128]
    if not name:
        raise InvalidInput("a first name is needed", "dashboard.flash.walk_in_no_name")
    if phone.strip():
        if normalise_phone(phone, region) is None:
            raise InvalidInput(
                "this phone number is not valid", "dashboard.flash.walk_in_bad_phone"
            )
        number = textable_number(phone, region, sms_regions)
        if number is None:
            raise InvalidInput(
                "texts go only to mobile numbers of SMS_ALLOWED_REGIONS",
                "dashboard.flash.walk_in_not_mobile",
            )
        channel, address = SMS, number
    else:
        channel, address = WALK_IN, f"{WALK_IN}:{secrets.token_hex(8)}"
    person = await find_or_add_person(session, channel, address, now, name)
    return await book_seat(session, person, session_id, now, rule)


async def cancel_seat(
    session: AsyncSession, booking_id: int, now: datetime, offer_minutes: int
) -> Booking:
    """Cancel a booked seat for its holder (they phoned the shop), all in the caller's
    transaction: the seat goes to the first in line (the offer queued) and the holder, or
    the booker of a guest's seat, is told (the notice queued, once)."""
    booking = await session.get(Booking, booking_id)
    if booking is None:
        raise UnknownBooking()
    if booking.status != BookingStatus.BOOKED:
        raise BookingNotActive(booking.session_id)
    holder = await session.get(Person, booking.person_id)
    assert holder is not None
    cancelled, _ = await cancel_booking(session, holder, booking_id, now, offer_minutes)
    await enqueue(
        session,
        key=f"{SEAT_CANCELLED}:{cancelled.id}",
        person_id=await recipient_of(session, cancelled),
        kind=SEAT_CANCELLED,
        due_at=now,
        payload={"booking_id": cancelled.id},
    )
    return cancelled


async def message_session(session: AsyncSession, session_id: int, text: str, now: datetime) -> int:
    """Queue a short message to everyone booked on a session; return how many."""
    message = text.strip()
    if not message or len(message) > MAX_BROADCAST:
        raise InvalidInput(
            f"the message must have 1 to {MAX_BROADCAST} characters",
            "dashboard.refusal.message_length",
        )
    if await session.get(WorkshopSession, session_id) is None:
        raise UnknownSession(session_id)
    query = select(Booking).where(
        Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
    )
    stamp = int(now.timestamp() * 1000)
    count = 0
    for booking in (await session.execute(query)).scalars():
        count += await enqueue(
            session,
            key=f"{BROADCAST}:{session_id}:{stamp}:{booking.id}",
            person_id=booking.person_id,
            kind=BROADCAST,
            due_at=now,
            payload={"booking_id": booking.id, "text": message},
        )
    return count


@dataclass(slots=True)
class SessionFields:
    """What an organiser types to create or edit a session."""

    title: str
    starts_at: datetime
    duration_minutes: int
    capacity: int
    venue: str
    address: str
    description: str = ""
    audience: str = "tous"
    bring: str = ""
    access: str = ""


async def create_session(
    session: AsyncSession, fields: SessionFields, organisation_id: int | None = None
) -> WorkshopSession:
    """Add a session typed in by an organiser (run by ``organisation_id``; None: the
    install's own organisation)."""
    values = _checked(fields)
    workshop = WorkshopSession(
        import_key=f"manual:{secrets.token_hex(12)}",
        organisation_id=organisation_id,
        seats_taken=0,
        status=SessionStatus.SCHEDULED,
        venue_id=await _venue_of(session, values),
        **values,
    )
    session.add(workshop)
    await session.flush()
    return workshop


async def edit_session(
    session: AsyncSession, session_id: int, fields: SessionFields
) -> WorkshopSession:
    """Change a session's details; the start time changes through ``move_session``."""
    workshop = await session.get(WorkshopSession, session_id)
    if workshop is None:
        raise UnknownSession(session_id)
    values = _checked(fields)
    if fields.capacity < workshop.seats_taken:
        raise InvalidInput(
            f"{workshop.seats_taken} seats are taken: the capacity cannot be lower",
            "dashboard.field.below_taken",
        )
    values.pop("starts_at")
    values["venue_id"] = await _venue_of(session, values)
    for name, value in values.items():
        setattr(workshop, name, value)
    await session.flush()
    return workshop


async def _venue_of(session: AsyncSession, values: dict[str, object]) -> int:
    """The venue of a session typed in: found by name and address, or created."""
    facts = VenueFacts(str(values["venue"]), str(values["address"]))
    return (await venue_ids(session, [facts]))[facts.key]


def _checked(fields: SessionFields) -> dict[str, object]:
    """The fields, stripped and checked against the limits the importer and forms use."""
    texts = {
        name: getattr(fields, name).strip()
        for name in ("title", "description", "venue", "address", "bring", "access")
    }
    for name, text in texts.items():
        problem = text_problem(name, text)
        if problem is not None:
            limit = TEXT_LIMITS[name].length
            raise InvalidInput(f"{name}: {problem.replace('_', ' ')} (at most {limit} characters)")
    if number_problem("duration_minutes", fields.duration_minutes):
        low, high = DURATION_MINUTES.low, DURATION_MINUTES.high
        raise InvalidInput(f"the duration must be between {low} and {high} minutes")
    if number_problem("capacity", fields.capacity):
        raise InvalidInput(f"the capacity must be between {CAPACITY.low} and {CAPACITY.high}")
    audience = fields.audience.strip().casefold() or "tous"
    if audience not in AUDIENCES:
        raise InvalidInput(f"the audience must be one of {', '.join(AUDIENCES)}")
    return {
        **texts,
        "audience": audience,
        "starts_at": fields.starts_at,
        "duration_minutes": fields.duration_minutes,
        "capacity": fields.capacity,
    }


async def sessions_between(
    session: AsyncSession, start: datetime, end: datetime, scope: Scope = NETWORK
) -> list[tuple[WorkshopSession, int]]:
    """Sessions of ``scope`` starting in [start, end), with their waiting-list length,
    soonest first."""
    waiting = (
        select(Booking.session_id, func.count().label("waiting"))
        .where(Booking.status == BookingStatus.WAITING)
        .group_by(Booking.session_id)
        .subquery()
    )
    query = (
        select(WorkshopSession, func.coalesce(waiting.c.waiting, 0))
        .outerjoin(waiting, waiting.c.session_id == WorkshopSession.id)
        .where(WorkshopSession.starts_at >= start, WorkshopSession.starts_at < end, scope.where())
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    return [(workshop, int(count)) for workshop, count in await session.execute(query)]


@dataclass(slots=True)
class Figures:
    """Figures for one month or one audience."""

    sessions_held: int = 0
    seats_offered: int = 0
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    freed: int = 0
    retaken: int = 0

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the people whose attendance was marked."""
        marked = self.attended + self.no_show
        return self.no_show / marked if marked else None

    @property
    def retaken_share(self) -> float | None:
        """Freed seats taken again from the waiting list, among the seats freed."""
        return min(self.retaken / self.freed, 1.0) if self.freed else None


@dataclass(slots=True)
class FigureTable:
    """Figures by month (``YYYY-MM``) and by audience, for sessions already held."""

    by_month: dict[str, Figures] = field(default_factory=dict)
    by_audience: dict[str, Figures] = field(default_factory=dict)
    by_organisation: dict[int | None, Figures] = field(default_factory=dict)
    """By organisation id (None: the install's own sessions, those of no organisation)."""


async def figures(
    session: AsyncSession, now: datetime, zone: ZoneInfo, scope: Scope = NETWORK
) -> FigureTable:
    """Sessions held, seats offered, booked, attended, no-show rate, seats freed and retaken
    (of the sessions of ``scope``).

    Two queries whatever the size: the sessions held (a few columns), and their bookings
    counted per session in one pass.
    """
    held = (
        WorkshopSession.starts_at < now,
        WorkshopSession.status == SessionStatus.SCHEDULED,
        scope.where(),
    )
    sessions = await session.execute(
        select(
            WorkshopSession.id,
            WorkshopSession.starts_at,
            WorkshopSession.audience,
            WorkshopSession.capacity,
            WorkshopSession.organisation_id,
        ).where(*held)
    )
    table = FigureTable()
    by_id: dict[int, tuple[Figures, Figures, Figures]] = {}
    for session_id, starts_at, audience, capacity, organisation_id in sessions:
        month = starts_at.astimezone(zone).strftime("%Y-%m")
        pair = (
            table.by_month.setdefault(month, Figures()),
            table.by_audience.setdefault(audience, Figures()),
            table.by_organisation.setdefault(organisation_id, Figures()),
        )
        for figures_of in pair:
            figures_of.sessions_held += 1
            figures_of.seats_offered += capacity
        by_id[session_id] = pair

    def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    counts = await session.execute(
        select(
            Booking.session_id,
            count_of(Booking.status.in_((BookingStatus.BOOKED, *ATTENDANCE))),
            count_of(Booking.status == BookingStatus.ATTENDED),
            count_of(Booking.status == BookingStatus.NO_SHOW),
            func.count(Booking.seat_freed_at),
            count_of(Booking.from_waiting_list.is_(True)),
        )
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(*held)
        .group_by(Booking.session_id)
    )
    for session_id, booked, attended, no_show, freed, retaken in counts:
        for figures_of in by_id[session_id]:
            figures_of.booked += int(booked)
            figures_of.attended += int(attended)
            figures_of.no_show += int(no_show)
            figures_of.freed += int(freed)
            figures_of.retaken += int(retaken)
    table.by_month = dict(sorted(table.by_month.items()))
    return table


def today_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The start of today, local time, and a fortnight later (the organiser's horizon)."""
    local = now.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=15)
