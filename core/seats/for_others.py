"""Booking for someone else: a relative or a helper books a seat for a person.

The seat is the person's own: they hold the booking (so they never hold two seats in one
session, and can cancel it by SMS themselves when a mobile number was given), and the
booker is recorded with it (so they see it and can cancel it too). Without a number the
person is a "guest" that nothing is sent to: their reminders go to the booker.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.dialog import PHONE_CHANNELS, SMS
from core.errors import BookingError
from core.phones import normalise_phone
from core.seats.booking import book_seat
from core.seats.people import GUEST, find_or_add_person
from core.seats.reminders import ReminderRule
from models import Booking, Person

MAX_NAME = 64


class NoFirstName(BookingError):
    """No first name was written."""

    key = "book.other_no_name"


class NotAMobileNumber(BookingError):
    """What was written is not a phone number."""

    key = "book.other_bad_phone"


class ForThemself(BookingError):
    """The number given is the booker's own."""

    key = "book.other_is_you"


def first_name_of(text: str) -> str:
    """The first name as written, spaces tidied; NoFirstName when there is none."""
    name = " ".join(text.split())[:MAX_NAME]
    if not name or not any(c.isalpha() for c in name):
        raise NoFirstName()
    return name


async def book_for_other(
    session: AsyncSession,
    booker: Person,
    session_id: int,
    first_name: str,
    phone: str,
    now: datetime,
    rule: ReminderRule,
    region: str = "FR",
) -> Booking:
    """Book a seat for another person (found by number, or by name among the booker's)."""
    name = first_name_of(first_name)
    if phone.strip():
        number = normalise_phone(phone, region)
        if number is None:
            raise NotAMobileNumber()
        channel, address = SMS, number
        if booker.channel in PHONE_CHANNELS and booker.external_id == address:
            raise ForThemself()  # their own number, whichever phone channel they write on
    else:
        channel, address = GUEST, f"{GUEST}:{booker.id}:{name.casefold()}"
    person = await find_or_add_person(session, channel, address, now, name, booker.language)
    return await book_seat(session, person, session_id, now, rule, booked_by=booker)
