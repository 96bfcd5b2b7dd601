"""Booking for someone else: a relative or a helper books a seat for a person.

The seat is the person's own: they hold the booking (so they never hold two seats in one
session, and can cancel it by SMS themselves when a mobile number was given), and the
booker is recorded with it (so they see it and can cancel it too). Without a number the
person is a "guest" that nothing is sent to: their reminders go to the booker.

Limits, so that one person cannot take every seat nor make the bot text anyone: a few
seats for others per session and in all sessions to come, a few such bookings a day
(:class:`ForOthersLimits`), checked under a lock on the booker's row in the booking's
transaction; a number is texted only if it is a mobile of an allowed region
(:func:`core.phones.textable_number`). The person is told at once who booked for them,
and one "NON" (or STOP) cancels the seat and stops every text (:func:`refuse_seats_for`).
Whether a number already holds a seat is never revealed: the booker gets the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.dialog import PHONE_CHANNELS, SMS
from core.errors import BookingError
from core.outbox.queue import enqueue
from core.phones import normalise_phone, textable_number
from core.seats.booking import active_booking, book_seat, cancel_booking
from core.seats.people import GUEST, find_or_add_person
from core.seats.reminders import ReminderRule
from models import ACTIVE_STATUSES, Booking, Person, WorkshopSession

MAX_NAME = 64
BOOKED_FOR_YOU = "booked_for_you"
"""The notice telling a person who booked a seat for them, and how to refuse it."""
RATE_WINDOW = timedelta(hours=24)


class NoFirstName(BookingError):
    """No first name was written."""

    key = "book.other_no_name"


class NotAMobileNumber(BookingError):
    """What was written is not a phone number."""

    key = "book.other_bad_phone"


class NotTextable(BookingError):
    """A real number, but not one the bot texts: not a mobile, or not of an allowed region."""

    key = "book.other_not_mobile"


class ForThemself(BookingError):
    """The number given is the booker's own."""

    key = "book.other_is_you"


class TooManyForOthers(BookingError):
    """The booker already holds as many seats for others as one person may."""

    key = "book.other_too_many"


@dataclass(frozen=True, slots=True)
class ForOthersLimits:
    """How far one person may book for others, and which numbers may be texted."""

    per_session: int = 2
    upcoming: int = 4
    per_day: int = 6
    region: str = "FR"
    sms_regions: tuple[str, ...] = ("FR",)

    @classmethod
    def of(cls, settings: Settings) -> ForOthersLimits:
        """The limits the settings give."""
        return cls(
            settings.for_others_per_session,
            settings.for_others_upcoming,
            settings.for_others_per_day,
            settings.sms_default_region,
            tuple(settings.sms_allowed_regions),
        )


def first_name_of(text: str) -> str:
    """The first name as written, spaces tidied; NoFirstName when there is none."""
    name = " ".join(text.split())[:MAX_NAME]
    if not name or not any(c.isalpha() for c in name):
        raise NoFirstName()
    return name


_FIRST_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def plain_first_name(name: str, longest: int = 24) -> str:
    """The first word of a name, letters only ('Karim' of 'Karim 🌟 www.x.fr'); '' if none.

    What a stranger's text may carry: no link, no digits, nothing that reads as a message.
    """
    found = _FIRST_WORD.search(name)
    return found.group(0)[:longest] if found is not None else ""


async def count_for_others(
    session: AsyncSession, booker_id: int, *conditions: ColumnElement[bool]
) -> int:
    """How many bookings ``booker_id`` made for others that meet ``conditions``."""
    query = (
        select(func.count())
        .select_from(Booking)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(Booking.booked_by_id == booker_id, Booking.person_id != booker_id, *conditions)
    )
    return int((await session.execute(query)).scalar_one())


async def check_room(
    session: AsyncSession, booker: Person, session_id: int, now: datetime, limits: ForOthersLimits
) -> None:
    """Raise TooManyForOthers when the booker may not book one more seat for someone.

    The booker's row is locked first, so that two requests at once from one booker are
    counted one after the other (SQLite's BEGIN IMMEDIATE serialises them anyway).
    """
    await session.execute(select(Person.id).where(Person.id == booker.id).with_for_update())
    active = Booking.status.in_(ACTIVE_STATUSES)
    checks = (
        (limits.per_day, (Booking.created_at > now - RATE_WINDOW,)),
        (limits.upcoming, (active, WorkshopSession.starts_at > now)),
        (limits.per_session, (active, Booking.session_id == session_id)),
    )
    for most, conditions in checks:
        if await count_for_others(session, booker.id, *conditions) >= most:
            raise TooManyForOthers(session_id)


async def book_for_other(
    session: AsyncSession,
    booker: Person,
    session_id: int,
    first_name: str,
    phone: str,
    now: datetime,
    rule: ReminderRule,
    limits: ForOthersLimits | None = None,
) -> Booking:
    """Book a seat for another person (found by number, or by name among the booker's).

    When the number already holds a seat in the session, that seat is returned: nothing
    changes, and the booker is answered as for a new seat (who holds a seat stays private).
    """
    limits = limits or ForOthersLimits()
    name = first_name_of(first_name)
    if phone.strip():
        if normalise_phone(phone, limits.region) is None:
            raise NotAMobileNumber()
        number = textable_number(phone, limits.region, limits.sms_regions)
        if number is None:
            raise NotTextable()
        channel, address = SMS, number
        if booker.channel in PHONE_CHANNELS and booker.external_id == address:
            raise ForThemself()  # their own number, whichever phone channel they write on
    else:
        channel, address = GUEST, f"{GUEST}:{booker.id}:{name.casefold()}"
    await check_room(session, booker, session_id, now, limits)
    person = await find_or_add_person(session, channel, address, now, name, booker.language)
    if channel == SMS:
        held = await active_booking(session, person.id, session_id)
        if held is not None:
            return held
    booking = await book_seat(session, person, session_id, now, rule, booked_by=booker)
    if channel == SMS:
        await enqueue(
            session,
            key=f"{BOOKED_FOR_YOU}:{booking.id}",
            person_id=person.id,
            kind=BOOKED_FOR_YOU,
            due_at=now,
            payload={"booking_id": booking.id},
        )
    return booking


async def refuse_seats_for(
    session: AsyncSession, person: Person, now: datetime, offer_minutes: int
) -> int:
    """Cancel every seat still to come that others booked for ``person`` (they said NON
    or STOP); each seat goes to the next in line. Return how many were cancelled."""
    query = (
        select(Booking.id)
        .join(WorkshopSession, WorkshopSession.id == Booking.session_id)
        .where(
            Booking.person_id == person.id,
            Booking.booked_by_id.is_not(None),
            Booking.booked_by_id != person.id,
            Booking.status.in_(ACTIVE_STATUSES),
            WorkshopSession.starts_at > now,
        )
        .order_by(Booking.id)
    )
    booking_ids = list((await session.execute(query)).scalars())
    for booking_id in booking_ids:
        await cancel_booking(session, person, booking_id, now, offer_minutes)
    return len(booking_ids)
